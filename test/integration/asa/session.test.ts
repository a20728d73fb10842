import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFleet, type Fleet } from '../../../sim/fleet.js';
import type { AsaCommand } from '../../../src/asa/commands.js';
import * as commands from '../../../src/asa/commands.js';
import { AsaSession, type SessionOptions } from '../../../src/asa/session.js';
import {
  AsaCommandError,
  AsaOutputParseError,
  DeviceAuthError,
  DeviceDisconnectedError,
  DeviceTimeoutError,
  DeviceUnreachableError,
  HostKeyMismatchError,
  SshNegotiationError,
  StandbyUnitError,
  UnexpectedPromptError,
} from '../../../src/errors.js';
import { type ScriptedServer, startScriptedServer, startSilentServer } from './helpers/scripted-server.js';

function raw(line: string, extra: Partial<AsaCommand> = {}): AsaCommand {
  return { line, redacted: line, secrets: [], mode: 'exec', confirmations: [], timeout: 'quick', ...extra };
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

describe('AsaSession against the simulator', () => {
  let fleet: Fleet;
  let options: SessionOptions;
  const secrets: string[] = [];

  beforeAll(async () => {
    fleet = await startFleet({ count: 2, factoryCertificate: false, devices: [{}, { profile: 'old-asa' }] });
    const info = fleet.simulators[0]!.info;
    options = { host: info.host, port: info.port, username: info.username, password: info.password, enablePassword: info.enablePassword, hostKeySha256: info.hostKeySha256 };
    secrets.push(info.password, info.enablePassword);
  });
  afterAll(async () => {
    await fleet?.stop();
  });

  function expectNoSecrets(text: string): void {
    for (const secret of secrets) expect(text).not.toContain(secret);
  }

  it('logs in, enables with stars, turns the pager off, and keeps passwords out of the transcript', async () => {
    const session = await AsaSession.open(options);
    try {
      expect(session.prompt).toMatchObject({ hostname: 'asa-1', mode: 'privileged' });
      const result = await session.run(commands.showRunningConfigSsl());
      expect(result.command).toBe('show running-config ssl');
      const text = session.transcript.toText();
      expect(text).toMatch(/> enable\n/);
      expect(text).toMatch(/< \*+\n/);
      expect(text).toMatch(/> terminal pager 0\n/);
      expectNoSecrets(text);
    } finally {
      await session.close();
    }
  });

  it('turns pages when the pager is on and returns the same output as without it', async () => {
    const session = await AsaSession.open(options);
    try {
      const plain = await session.run(commands.showVersion());
      await session.run(raw('terminal pager 10'));
      const paged = await session.run(commands.showVersion());
      const stable = (s: string) => s.split('\n').filter((l) => !/ up \d/.test(l) && !/^Configuration /.test(l));
      expect(stable(paged.output)).toEqual(stable(plain.output));
      expect(session.transcript.entries.filter((e) => e.direction === 'sent' && e.text === '<space> (pager)').length).toBeGreaterThan(1);
    } finally {
      await session.close();
    }
  });

  it('enters config mode for a config command and reports the ASA words of an ERROR', async () => {
    const session = await AsaSession.open(options);
    try {
      const run = session.run(commands.sslTrustPoint('NO-SUCH-TP', 'outside'));
      await expect(run).rejects.toThrow(AsaCommandError);
      await expect(run).rejects.toThrow(/"ssl trust-point NO-SUCH-TP outside" failed: ERROR: /);
      expect(session.prompt.mode).toBe('config');
    } finally {
      await session.close();
    }
  });

  it('refuses a wrong enable password with DeviceAuthError and the ASA words, never showing the password', async () => {
    const wrong = 'Wrong-Enable-Pass-1';
    const error = await AsaSession.open({ ...options, enablePassword: wrong }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeviceAuthError);
    expect(String(error)).toContain('the enable password was refused; the ASA said: Invalid password');
    expect(String(error)).not.toContain(wrong);
  });

  it('fails SSH authentication once, without retrying', async () => {
    const sim = fleet.simulators[0]!;
    sim.setFaults({ refuseAuth: true });
    const retries: number[] = [];
    try {
      const error = await AsaSession.open({ ...options, onRetry: (n) => retries.push(n) }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DeviceAuthError);
      expect(String(error)).toContain('authentication failed for user "admin"');
      expectNoSecrets(String(error));
      expect(retries).toEqual([]);
    } finally {
      sim.setFaults({ refuseAuth: false });
    }
  });

  it('refuses a changed host key before anything is sent, naming both fingerprints', async () => {
    const sim = fleet.simulators[0]!;
    const loginsBefore = sim.device.logins.length;
    sim.setFaults({ hostKeyChanged: true });
    const retries: number[] = [];
    try {
      const error = await AsaSession.open({ ...options, onRetry: (n) => retries.push(n) }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(HostKeyMismatchError);
      expect(String(error)).toContain(`expected ${options.hostKeySha256}, presented SHA256:`);
      expect(String(error)).toContain('Nothing was sent');
      expect(sim.device.logins.length).toBe(loginsBefore);
      expect(retries).toEqual([]);
    } finally {
      sim.setFaults({ hostKeyChanged: false });
    }
  });

  it('times out a command that does not answer, names it redacted, and closes the session', async () => {
    const sim = fleet.simulators[0]!;
    const session = await AsaSession.open({ ...options, timeouts: { quickMs: 600 } });
    sim.setFaults({ commandDelayMs: 3000 });
    try {
      const error = await session.run(commands.showRunningConfigSsl()).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DeviceTimeoutError);
      expect(String(error)).toContain('"show running-config ssl" did not complete within 600 ms');
      await expect(session.run(commands.showVersion())).rejects.toThrow(DeviceDisconnectedError);
    } finally {
      sim.setFaults({ commandDelayMs: 0 });
      await session.close();
    }
  });

  it('reports a connection dropped mid-command as DeviceDisconnectedError', async () => {
    const sim = fleet.simulators[0]!;
    const session = await AsaSession.open(options);
    sim.setFaults({ dropAfterCommand: 'show running-config ssl', dropAfter: 'before' });
    try {
      const error = await session.run(commands.showRunningConfigSsl()).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DeviceDisconnectedError);
      expect(String(error)).toContain('closed while "show running-config ssl" was running');
    } finally {
      sim.setFaults({ dropAfterCommand: undefined });
      await session.close();
    }
  });

  it('speaks to an old ASA only with the old-asa algorithm set', async () => {
    const info = fleet.simulators[1]!.info;
    const old = { host: info.host, port: info.port, username: info.username, password: info.password, enablePassword: info.enablePassword, hostKeySha256: info.hostKeySha256 };
    await expect(AsaSession.open({ ...old, algorithms: 'modern' })).rejects.toThrow(SshNegotiationError);
    const session = await AsaSession.open({ ...old, algorithms: 'old-asa' });
    expect(session.prompt.hostname).toBe('asa-2');
    await session.close();
    const compatible = await AsaSession.open({ ...old, algorithms: 'compatible' });
    await compatible.close();
  });
});

describe('AsaSession with a scripted device', () => {
  const PASS = 'Zx9_k2-Lm4.Qr7~Tv1';
  const loginTo = (server: ScriptedServer): SessionOptions => ({ host: '127.0.0.1', port: server.port, username: 'u', password: 'pw', hostKeySha256: server.hostKeySha256 });

  it('answers an allowed question from the command allow-list and redacts passphrase and paste', async () => {
    let pasting = false;
    const server = await startScriptedServer({
      banner: 'fw1# ',
      onLine: (line, write) => {
        if (line.startsWith('crypto ca import ')) {
          pasting = true;
          write('\nEnter the base 64 encoded pkcs12.\nEnd with the word "quit" on a line by itself:\n');
        } else if (pasting && line === 'quit') {
          pasting = false;
          write('% You already have RSA or ECDSA keys named TP1.\n% If you replace them, all device certs issued using these keys\n% will be removed.\n% Do you really want to replace them? [yes/no]: ');
        } else if (line === 'yes') {
          write('\nWARNING: CA certificates can be used to validate VPN connections,\nby default.  Please adjust the validation-usage of this\ntrustpoint to limit the validation scope, if necessary.\nINFO: Import PKCS12 operation completed successfully\nfw1(config)# ');
        } else if (line === 'configure terminal') write('fw1(config)# ');
        else if (!pasting) write('fw1# ');
      },
    });
    try {
      const session = await AsaSession.open({ ...loginTo(server), timeouts: { settleMs: 100 } });
      const der = new Uint8Array(300).map((_, i) => i % 251);
      const result = await session.run(commands.importPkcs12('TP1', PASS, der, { replaceOwnKeys: true }));
      expect(result.output).toContain('INFO: Import PKCS12 operation completed successfully');
      expect(result.messages.map((m) => m.severity)).toEqual(['plain', 'plain', 'plain', 'plain', 'warning', 'info']);
      expect(server.received).toContain('yes');
      expect(server.received).toContain(`crypto ca import TP1 pkcs12 ${PASS}`);
      const base64Line = Buffer.from(der).toString('base64').slice(0, 64);
      expect(server.received).toContain(base64Line);
      const text = session.transcript.toText();
      expect(text).not.toContain(PASS);
      expect(text).not.toContain(base64Line);
      expect(text).toContain('answering "yes" to "% Do you really want to replace them? [yes/no]:"');
      await session.close();
    } finally {
      await server.close();
    }
  });

  it('answers "no" to a yes/no question that is not on the allow-list and raises UnexpectedPromptError', async () => {
    const server = await startScriptedServer({
      banner: 'fw1# ',
      onLine: (line, write) => {
        if (line === 'terminal pager 0') write('fw1# ');
        else if (line === 'write memory') write('Do you want to erase the flash? [yes/no]: ');
        else write('fw1# ');
      },
    });
    try {
      const session = await AsaSession.open({ ...loginTo(server), timeouts: { settleMs: 100 } });
      const error = await session.run(commands.writeMemory()).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(UnexpectedPromptError);
      expect(String(error)).toContain('"write memory" asked "Do you want to erase the flash? [yes/no]:"');
      await new Promise((r) => setTimeout(r, 300));
      expect(server.received.at(-1)).toBe('no');
      await session.close();
    } finally {
      await server.close();
    }
  });

  it('does not take a pause after an output line ending in ":" for a question', async () => {
    const server = await startScriptedServer({
      banner: 'fw1# ',
      onLine: (line, write) => {
        if (line !== 'show version') return write('fw1# ');
        write('Certificate\n  Issuer Name:');
        setTimeout(() => write('\n    cn=x\nExported pkcs12 follows:'), 400);
        setTimeout(() => write('\nfw1# '), 800);
      },
    });
    try {
      const session = await AsaSession.open({ ...loginTo(server), timeouts: { settleMs: 100 } });
      const result = await session.run(commands.showVersion());
      expect(result.output).toBe('Certificate\n  Issuer Name:\n    cn=x\nExported pkcs12 follows:');
      await session.close();
    } finally {
      await server.close();
    }
  });

  it('stops when the device echoes a different line than the one sent', async () => {
    const server = await startScriptedServer({
      banner: 'fw1# ',
      echo: (line) => (line === 'show version' ? 'show versoin' : line),
      onLine: (_line, write) => write('fw1# '),
    });
    try {
      const session = await AsaSession.open(loginTo(server));
      await expect(session.run(commands.showVersion())).rejects.toThrow(AsaOutputParseError);
      await session.close();
    } finally {
      await server.close();
    }
  });

  it('logs in with keyboard-interactive when the device offers only that', async () => {
    const server = await startScriptedServer({ banner: 'fw1# ', keyboardInteractivePrompt: 'Password: ', password: 'kbd-secret-1', onLine: (_line, write) => write('fw1# ') });
    try {
      const session = await AsaSession.open({ host: '127.0.0.1', port: server.port, username: 'u', password: 'kbd-secret-1', hostKeySha256: server.hostKeySha256 });
      expect(session.prompt.mode).toBe('privileged');
      await session.close();
      const error = await AsaSession.open({ host: '127.0.0.1', port: server.port, username: 'u', password: 'wrong-secret', hostKeySha256: server.hostKeySha256 }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DeviceAuthError);
      expect(String(error)).not.toContain('wrong-secret');
    } finally {
      await server.close();
    }
  });

  it('stops pasting when the device leaves the paste dialog, and never sends quit', async () => {
    let pasted = 0;
    const server = await startScriptedServer({
      banner: 'fw1(config)# ',
      onLine: (line, write) => {
        if (line.startsWith('crypto ca import ')) write('\nEnter the base 64 encoded pkcs12.\nEnd with the word "quit" on a line by itself:\n');
        else if (line.startsWith('-----BEGIN')) write('');
        else if (/^[A-Za-z0-9+/=]{20,}$/.test(line) && pasted++ === 0) write('ERROR: Import PKCS12 operation failed\nfw1(config)# ');
        else write('fw1(config)# ');
      },
    });
    try {
      const session = await AsaSession.open(loginTo(server));
      const der = new Uint8Array(500).map((_, i) => i % 253);
      const error = await session.run(commands.importPkcs12('TP1', PASS, der)).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AsaCommandError);
      // The ERROR may arrive after the next line left: pasting stops within one line of it.
      expect(String(error)).toMatch(/the device ended the paste dialog after line [23] of 14: ERROR: Import PKCS12 operation failed/);
      expect(server.received.filter((l) => /^[A-Za-z0-9+/=]{20,}$/.test(l)).length).toBeLessThanOrEqual(2);
      expect(server.received).not.toContain('quit');
      await session.close();
    } finally {
      await server.close();
    }
  });

  it('refuses to go on when the unit turns standby during a command', async () => {
    const server = await startScriptedServer({
      banner: 'fw1/pri/act# ',
      onLine: (line, write) => write(line === 'show version' ? 'fw1/pri/stby# ' : 'fw1/pri/act# '),
    });
    try {
      const session = await AsaSession.open(loginTo(server));
      expect(session.prompt.failoverState).toBe('active');
      await expect(session.run(commands.showVersion())).rejects.toThrow(StandbyUnitError);
      await expect(session.run(commands.showVersion())).rejects.toThrow(DeviceDisconnectedError);
      await session.close();
    } finally {
      await server.close();
    }
  });

  it('retries a refused connection with growing backoff, then raises DeviceUnreachableError', async () => {
    const port = await freePort();
    const sleeps: number[] = [];
    const error = await AsaSession.open({
      host: '127.0.0.1',
      port,
      username: 'u',
      password: 'pw',
      hostKeySha256: `SHA256:${'A'.repeat(43)}`,
      retry: { attempts: 3, baseDelayMs: 100, maxDelayMs: 1000 },
      sleep: async (ms) => {
        sleeps.push(ms);
      },
      random: () => 1,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeviceUnreachableError);
    expect(String(error)).toContain('ECONNREFUSED');
    expect(sleeps).toEqual([100, 200]);
  });

  it('gives up on a device that never starts SSH with DeviceTimeoutError after the retries', async () => {
    const silent = await startSilentServer();
    const sleeps: number[] = [];
    try {
      const error = await AsaSession.open({
        host: '127.0.0.1',
        port: silent.port,
        username: 'u',
        password: 'pw',
        hostKeySha256: `SHA256:${'A'.repeat(43)}`,
        timeouts: { connectMs: 300 },
        retry: { attempts: 2, baseDelayMs: 10 },
        sleep: async (ms) => {
          sleeps.push(ms);
        },
      }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DeviceTimeoutError);
      expect(String(error)).toContain('no SSH handshake within 300 ms');
      expect(sleeps).toHaveLength(1);
    } finally {
      await silent.close();
    }
  });
});
