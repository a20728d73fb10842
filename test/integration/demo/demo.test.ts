// `npm run demo` as a user runs it: a child process, its exit code, its output and its JSON
// report; then the simulators are started again from the state files the demo left behind and
// `openssl s_client` checks what each outside interface serves from the saved configuration.
import { execFile, spawn } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator } from '../../../sim/fleet.js';
import type { DemoReport } from '../../../src/demo/report.js';
import { openLocalEnvironment } from '../../../src/local/environment.js';
import { runOpensslOk } from '../../helpers/openssl.js';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const run = promisify(execFile);

interface Completed {
  code: number;
  stdout: string;
  stderr: string;
}

async function demo(args: string[]): Promise<Completed> {
  try {
    const { stdout, stderr } = await run('npx', ['tsx', 'bin/demo.ts', ...args], { cwd: repoRoot, timeout: 150_000, env: { ...process.env, NO_COLOR: '1' } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

/** Serial of the leaf an interface presents, as openssl prints it (uppercase hex), normalised. */
async function servedSerialByOpenssl(port: number): Promise<string> {
  const handshake = await runOpensslOk(['s_client', '-connect', `127.0.0.1:${port}`, '-showcerts'], { stdin: '' });
  const leaf = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.exec(handshake.stdout)?.[0];
  if (!leaf) throw new Error(`no certificate in s_client output:\n${handshake.stdout}`);
  const serial = await runOpensslOk(['x509', '-noout', '-serial', '-in', 'leaf.pem'], { files: { 'leaf.pem': `${leaf}\n` } });
  return serial.stdout.trim().replace(/^serial=/, '').toLowerCase().replace(/^0+(?=.)/, '');
}

describe('npm run demo', () => {
  let workDir: string;
  let dataDir: string;
  let reportFile: string;
  let result: Completed;
  let report: DemoReport;

  beforeAll(async () => {
    workDir = await mkdtemp(path.join(os.tmpdir(), 'tp-demo-test-'));
    dataDir = path.join(workDir, 'data');
    reportFile = path.join(workDir, 'report.json');
    result = await demo(['--report', reportFile, '--data-dir', dataDir]);
    report = JSON.parse(await readFile(reportFile, 'utf8')) as DemoReport;
  }, 180_000);

  afterAll(async () => {
    await rm(workDir, { recursive: true, force: true });
  });

  const device = (id: string) => {
    const found = report.devices.find((d) => d.id === id);
    if (!found) throw new Error(`no ${id} in the report`);
    return found;
  };

  it('exits 0 with the scenario met, in plain text without colour codes', () => {
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(report.asExpected).toBe(true);
    expect(report.problems).toEqual([]);
    expect(result.stdout).toContain('As expected');
    expect(result.stdout).not.toContain('\u001b[');
  });

  it('renews the expiring device, and its outside interface serves the new serial with the chain', () => {
    const expiring = device('asa-expiring');
    expect(expiring.outcome).toBe('RENEWED');
    expect(expiring.renewed?.serial).toMatch(/^[0-9a-f]+$/);
    expect(expiring.renewed?.serial).not.toBe(expiring.before.serial);
    expect(expiring.servedAfter).toMatchObject({ ok: true, serial: expiring.renewed?.serial, subjectCn: 'asa-expiring.vpn.example.net', chainLength: 3 });
    expect(expiring.before.daysToExpiry).toBeLessThanOrEqual(10);
    expect(expiring.renewed?.daysToExpiry).toBeGreaterThanOrEqual(363);
    expect(result.stdout).toMatch(new RegExp(`asa-expiring +RENEWED +serial ${expiring.before.serial} -> ${expiring.renewed?.serial}`));
  });

  it('leaves the healthy device alone, with the reason', () => {
    const healthy = device('asa-healthy');
    expect(healthy.outcome).toBe('NOT_DUE');
    expect(healthy.reason).toMatch(/renewBeforeDays/);
    expect(healthy.servedAfter).toMatchObject({ ok: true, serial: healthy.before.serial });
  });

  it('rolls the broken device back, names the error and the ASA words, and it still serves its old serial', () => {
    const broken = device('asa-broken');
    expect(broken.outcome).toBe('ROLLED_BACK');
    expect(broken.failure).toMatchObject({ error: 'BindingError', failedStep: 'BindTrustpoint', asaSaid: 'Command authorization failed' });
    expect(broken.servedAfter).toMatchObject({ ok: true, serial: broken.before.serial });
    expect(result.stdout).toContain(`still serving ${broken.before.serial}`);
  });

  it('reports the fleet run as it ended: failed on the failure tolerance after the summary', () => {
    expect(report.fleet.summary).toMatchObject({ total: 3, renewed: 1, notDue: 1, rolledBack: 1, failed: 0 });
    expect(report.fleet.status === 'SUCCEEDED' || report.fleet.error === 'FleetFailureToleranceExceeded').toBe(true);
  });

  it('prints progress per state while the run goes', () => {
    for (const line of [/asa-expiring +Preflight +ok \(due: expires in \d+ days\)/, /asa-expiring +VerifyDeployment +ok/, /asa-broken +BindTrustpoint +FAILED \(BindingError/, /asa-broken +RollbackBinding +ok/]) {
      expect(result.stdout).toMatch(line);
    }
  });

  it('saved the configuration: restarted from their state files, the devices serve what the report says (openssl s_client)', async () => {
    const stateDir = path.join(dataDir, 'sim');
    for (const d of report.devices) {
      const simulator = await startSimulator({ id: d.id, stateDir });
      try {
        const port = simulator.info.tls['outside'];
        expect(port).toBeDefined();
        const expected = d.outcome === 'RENEWED' ? d.renewed?.serial : d.before.serial;
        expect(await servedSerialByOpenssl(port!)).toBe(expected);
      } finally {
        await simulator.stop();
      }
    }
  });

  it('shows no secret in its output or report: no private key, device password or PKCS12 passphrase', async () => {
    const env = await openLocalEnvironment(dataDir);
    const secrets: string[] = [];
    for (const d of report.devices) {
      const credentials = await env.secrets.getDeviceCredentials(`demo/${d.id}`);
      secrets.push(credentials.password);
      if (credentials.enablePassword) secrets.push(credentials.enablePassword);
      for (const { ref } of await env.bundles.list(d.id)) secrets.push((await env.bundles.get(ref)).contents.passphrase);
    }
    expect(secrets.length).toBeGreaterThanOrEqual(8);
    const texts = { stdout: result.stdout, stderr: result.stderr, report: await readFile(reportFile, 'utf8') };
    for (const [name, text] of Object.entries(texts)) {
      expect(text, name).not.toMatch(/PRIVATE KEY|-----BEGIN/);
      expect(text, name).not.toMatch(/MII[A-Za-z0-9+/]{60}/);
      for (const secret of secrets) expect(text.includes(secret), `${name} contains a secret`).toBe(false);
    }
  });
});

describe('npm run demo usage', () => {
  it.each([
    [['--scenario', 'no-such-scenario'], /--scenario: "no-such-scenario" is not a known scenario/],
    [['--colour'], /Unknown option '--colour'/],
  ])('exits 2 naming the flag for %j', async (args, message) => {
    const completed = await demo(args);
    expect(completed.code).toBe(2);
    expect(completed.stderr).toMatch(message);
  });

  it('stops and removes its temporary data directory when interrupted', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'bin/demo.ts'], { cwd: repoRoot, env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    const dataDir = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        const dir = /^Data directory: (\S+) \(temporary/m.exec(stdout)?.[1];
        if (dir && /Running renew-fleet/.test(stdout)) resolve(dir);
      });
      child.once('exit', () => reject(new Error(`the demo ended before it could be interrupted:\n${stdout}`)));
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGINT');
    expect(await exited).toBe(130);
    await expect(readdir(dataDir)).rejects.toThrow(/ENOENT/);
  });

  it('exits 2 and touches nothing when --data-dir is not empty', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'tp-demo-busy-'));
    try {
      await writeFile(path.join(dir, 'keep-me.txt'), 'operator data\n');
      const completed = await demo(['--data-dir', dir]);
      expect(completed.code).toBe(2);
      expect(completed.stderr).toMatch(/--data-dir: .* is not empty/);
      expect(await readdir(dir)).toEqual(['keep-me.txt']);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
