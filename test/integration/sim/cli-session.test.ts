// The simulator's prompt engine driven by hand with an ssh2 client: modes, prompts, enable,
// abbreviations, carets, pager, echo, inline help, auth methods.
import { Client } from 'ssh2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFleet, type Fleet, type SimulatorInfo } from '../../../sim/fleet.js';
import { ShellDriver, crlfLines } from './shell-driver.js';

let fleet: Fleet;
let info: SimulatorInfo;
let standby: SimulatorInfo;
let context: SimulatorInfo;

beforeAll(async () => {
  fleet = await startFleet({
    count: 3,
    factoryCertificate: false,
    devices: [{}, { failover: { role: 'standby', unit: 'secondary' }, prompt: ['hostname', 'priority', 'state'] }, { multiContext: true }],
  });
  info = fleet.simulators[0]!.info;
  standby = fleet.simulators[1]!.info;
  context = fleet.simulators[2]!.info;
});

afterAll(async () => {
  await fleet.stop();
});

async function privileged(): Promise<ShellDriver> {
  const d = await ShellDriver.connect(info);
  await d.enable(info.enablePassword);
  return d;
}

describe('login and enable', () => {
  it('prints the ASA login banner and the user prompt', async () => {
    const d = await ShellDriver.connect(info);
    const lines = crlfLines(d.transcript);
    expect(lines[0]).toBe(`User ${info.username} logged in to asa-1`);
    expect(lines[1]).toMatch(/^Logins over the last 1 days: \d+\.(?: {2}Last login: \d\d:\d\d:\d\d UTC \w{3} \d{1,2} \d{4} from 127\.0\.0\.1)?$/);
    expect(lines[2]).toBe('Failed logins since the last login: 0.  ');
    expect(lines[3]).toBe("Type help or '?' for a list of available commands.");
    expect(lines[4]).toBe('asa-1> ');
    d.end();
  });

  it('echoes one star per enable password character and enters privileged mode', async () => {
    const d = await ShellDriver.connect(info);
    d.send('en\r');
    await d.waitFor('Password: ');
    d.send(`${info.enablePassword}\r`);
    const out = await d.waitFor(/# $/);
    expect(out).toBe(`${'*'.repeat(info.enablePassword.length)}\r\nasa-1# `);
    expect(d.transcript).toContain('asa-1> en\r\nPassword: ');
    d.end();
  });

  it('refuses a wrong enable password and stays in user mode', async () => {
    const d = await ShellDriver.connect(info);
    d.send('enable\r');
    await d.waitFor('Password: ');
    d.send('wrong\r');
    const out = await d.waitFor(/> $/);
    expect(out).toBe('*****\r\nInvalid password\r\nasa-1> ');
    d.end();
  });

  it('shows the privilege of each mode with show curpriv', async () => {
    const d = await ShellDriver.connect(info);
    expect(await d.command('show curpriv')).toContain(`Username : ${info.username}\r\nCurrent privilege level : 1\r\nCurrent Mode/s : P_UNPR\r\n`);
    await d.enable(info.enablePassword);
    expect(await d.command('show curpriv')).toContain('Username : enable_15\r\nCurrent privilege level : 15\r\nCurrent Mode/s : P_PRIV\r\n');
    await d.command('conf t');
    expect(await d.command('sh curpriv')).toContain('Current Mode/s : P_CONF\r\n');
    d.end();
  });

  it('counts failed logins and reports them in the next banner', async () => {
    await expect(ShellDriver.connect({ ...info, password: 'not-the-password' })).rejects.toThrow(/authentication/i);
    const d = await ShellDriver.connect(info);
    expect(crlfLines(d.transcript)[2]).toBe('Failed logins since the last login: 1.  ');
    d.end();
  });

  it('accepts keyboard-interactive authentication', async () => {
    const d = await ShellDriver.connect(info, { password: undefined, tryKeyboard: true, authHandler: ['keyboard-interactive'] });
    expect(d.transcript).toMatch(/asa-1> $/);
    d.end();
  });

  it('refuses exec requests (an ASA runs no remote commands)', async () => {
    const client = new Client();
    await new Promise<void>((resolve, reject) => {
      client.once('ready', resolve).once('error', reject);
      client.connect({ host: info.host, port: info.port, username: info.username, password: info.password });
    });
    const err = await new Promise<Error | undefined>((resolve) => client.exec('show version', (e) => resolve(e)));
    expect(err?.message).toMatch(/Unable to exec/i);
    client.end();
  });

  it('closes the connection with Logoff on logout', async () => {
    const d = await privileged();
    d.send('logout\r');
    await d.waitClosed();
    expect(d.transcript.endsWith('asa-1# logout\r\n\r\nLogoff\r\n\r\n')).toBe(true);
  });
});

describe('modes and prompts', () => {
  it('walks configure terminal, a trustpoint sub-mode, exit and end', async () => {
    const d = await privileged();
    expect(await d.command('configure terminal')).toMatch(/\r\nasa-1\(config\)# $/);
    expect(await d.command('crypto ca trustpoint SIM-TP-1')).toMatch(/\r\nasa-1\(config-ca-trustpoint\)# $/);
    expect(await d.command('exit')).toMatch(/\r\nasa-1\(config\)# $/);
    await d.command('crypto ca trustpoint SIM-TP-1');
    expect(await d.command('end')).toMatch(/\r\nasa-1# $/);
    await d.command('conf t');
    await d.command('crypto ca trustpoint SIM-TP-1');
    // A global configuration command in a sub-mode leaves the sub-mode first, as on an ASA.
    expect(await d.command('pager lines 24')).toMatch(/\r\nasa-1\(config\)# $/);
    expect(await d.command('exit')).toMatch(/\r\nasa-1# $/);
    expect(await d.command('disable')).toMatch(/\r\nasa-1> $/);
    d.end();
  });

  it('decorates the prompt with priority and failover state', async () => {
    const d = await ShellDriver.connect(standby);
    expect(d.transcript.endsWith('asa-2/sec/stby> ')).toBe(true);
    await d.enable(standby.enablePassword);
    const conf = await d.command('conf t');
    expect(conf).toContain('**** WARNING ****\r\n');
    expect(conf.endsWith('asa-2/sec/stby(config)# ')).toBe(true);
    expect(await d.command('prompt hostname state')).toMatch(/\r\nasa-2\/stby\(config\)# $/);
    expect(await d.command('prompt hostname context')).toMatch(/\r\nasa-2\(config\)# $/);
    expect(await d.command('prompt hostname priority state')).toMatch(/\r\nasa-2\/sec\/stby\(config\)# $/);
    d.end();
  });

  it('shows the context in the prompt and <context> in show version in multiple context mode', async () => {
    const d = await ShellDriver.connect(context);
    expect(d.transcript.endsWith('asa-3/admin> ')).toBe(true);
    await d.command('terminal pager 0');
    const out = await d.command('show version');
    expect(out).toContain('\r\nCisco Adaptive Security Appliance Software Version 9.16(4) <context>\r\n');
    expect(out).toMatch(/\r\nSecurity Contexts {17}: 2\r\n/);
    d.end();
  });

  it('shows actNoFailover in the state segment of a unit without failover', async () => {
    const d = await privileged();
    await d.command('conf t');
    expect(await d.command('prompt hostname priority state')).toMatch(/\r\nasa-1\/pri\/actNoFailover\(config\)# $/);
    expect(await d.command('no prompt')).toMatch(/\r\nasa-1\(config\)# $/);
    d.end();
  });
});

describe('parser', () => {
  it.each([
    ['sh ver', 'Cisco Adaptive Security Appliance Software Version'],
    ['sh run', ': end'],
    ['show running-config | include ^hostname', 'hostname asa-1'],
    ['sh cu', 'Current privilege level : 15'],
    ['sh clock', ' UTC '],
    ['sh fail', 'Failover Off'],
  ])('expands the abbreviation %j', async (line, expected) => {
    const d = await privileged();
    await d.command('terminal pager 0');
    expect(await d.command(line)).toContain(expected);
    d.end();
  });

  it.each([
    ['user', 'reload', 7],
    ['user', 'show running-config', 12],
    ['privileged', 'show versoin', 12],
    ['privileged', 'show version extra', 20],
    ['privileged', '  bogus', 9],
    ['privileged', 'terminal width 5', 22],
    ['config', 'hostname bad_name!', 24],
  ])('puts the caret under the offending token (%s: %j at column %i)', async (mode, line, column) => {
    const d = mode === 'user' ? await ShellDriver.connect(info) : await privileged();
    if (mode === 'config') await d.command('conf t');
    const out = await d.command(line);
    const lines = crlfLines(out);
    expect(lines[1]).toBe(`${' '.repeat(column)}^`);
    expect(lines[2]).toBe("ERROR: % Invalid input detected at '^' marker.");
    d.end();
  });

  it('reports an incomplete command without a caret', async () => {
    const d = await privileged();
    expect(await d.command('sh cry')).toBe('sh cry\r\nERROR: % Incomplete command\r\nasa-1# ');
    d.end();
  });

  it('reports an ambiguous abbreviation', async () => {
    const d = await privileged();
    expect(await d.command('sh c')).toBe('sh c\r\nERROR: % Ambiguous command:  "sh c"\r\nasa-1# ');
    d.end();
  });

  it('echoes every character exactly, handles backspace and all three line endings', async () => {
    const d = await privileged();
    await d.command('terminal pager 0');
    const typed = 'show running-config | include   ^hostname';
    expect(await d.command(typed)).toBe(`${typed}\r\nhostname asa-1\r\nasa-1# `);
    expect(await d.command('sh clockx\x7f')).toMatch(/^sh clockx\x08 \x08\r\n\d\d:\d\d:\d\d\.\d{3} UTC /);
    expect(await d.command('show curpriv', '\n')).toMatch(/^show curpriv\r\nUsername : enable_15/);
    expect(await d.command('show curpriv', '\r\n')).toMatch(/^show curpriv\r\nUsername : enable_15/);
    // \r\n is one line ending: no empty command (no extra prompt) follows.
    d.send('show clock\r\nshow curpriv\r\n');
    await d.waitFor('Current Mode/s : P_PRIV\r\nasa-1# ');
    expect(d.transcript.endsWith('asa-1# show clock\r\n') || d.transcript.includes('asa-1# asa-1# ')).toBe(false);
    d.end();
  });

  it('lists what may follow on ? without executing, then keeps the typed text', async () => {
    const d = await privileged();
    d.send('show ?');
    const help = await d.waitFor('asa-1# show ');
    expect(help).toContain('show ?\r\n');
    expect(help).toContain('  version\r\n');
    expect(help).toContain('  running-config\r\n');
    expect(help).not.toContain('Cisco Adaptive');
    d.send('clock\r');
    expect(await d.waitFor(/# $/)).toMatch(/^clock\r\n\d\d:\d\d:\d\d/);
    d.end();
  });
});

describe('pager', () => {
  it('pauses every 24 lines by default; space = page, enter = line, q = stop', async () => {
    const d = await privileged();
    d.send('show running-config\r');
    const page1 = await d.waitFor('<--- More --->');
    expect(crlfLines(page1.slice('show running-config\r\n'.length)).length - 1).toBe(24);
    d.send(' ');
    const page2 = await d.waitFor('<--- More --->');
    expect(page2.startsWith(`\r${' '.repeat(14)}\r`)).toBe(true);
    expect(crlfLines(page2.slice(16)).length - 1).toBe(24);
    d.send('\r');
    const oneLine = await d.waitFor('<--- More --->');
    expect(crlfLines(oneLine.slice(16)).length - 1).toBe(1);
    d.send('q');
    const end = await d.waitFor(/# $/);
    expect(end).toBe(`\r${' '.repeat(14)}\rasa-1# `);
    d.end();
  });

  it('does not page with terminal pager 0, and pages by N with terminal pager lines N', async () => {
    const d = await privileged();
    await d.command('terminal pager 0');
    const all = await d.command('show running-config');
    expect(all).not.toContain('<--- More --->');
    expect(all).toContain(': end\r\nasa-1# ');
    await d.command('terminal pager lines 5');
    d.send('show version\r');
    const page = await d.waitFor('<--- More --->');
    expect(crlfLines(page).length - 2).toBe(5);
    d.send('q');
    await d.waitFor(/# $/);
    await d.command('no terminal pager');
    expect(await d.command('show version')).not.toContain('<--- More --->');
    d.end();
  });
});
