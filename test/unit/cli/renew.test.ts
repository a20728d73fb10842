// `trustpoint renew` end to end: simulated ASAs seeded over SSH, a fleet file imported with
// `trustpoint devices import`, then renewals through the real ASL and task functions. What the
// device serves is checked with a TLS handshake independent of the command's own report.
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE } from '../../../src/cli/framework.js';
import { runCliCaptured, type CliRun } from '../../helpers/cli.js';
import type { DemoDevice } from '../../../src/demo/scenario.js';
import { observeServedCertificate } from '../../../src/demo/served.js';
import { startSeededDevices, type SeededDevices, type SetUpDevice } from '../../../src/demo/setup.js';
import { openLocalEnvironment } from '../../../src/local/environment.js';

let work: string;
let dataDir: string;
let seeded: SeededDevices;

const DEVICES: DemoDevice[] = [
  { id: 'fw-due', story: 'due', startingValidityDays: 5, startingTrustpoint: 'ASDM_TrustPoint0', failCommands: [], expected: 'RENEWED' },
  { id: 'fw-ok', story: 'healthy', startingValidityDays: 365, startingTrustpoint: 'ASDM_TrustPoint0', failCommands: [], expected: 'NOT_DUE' },
];

function cli(argv: string[]): Promise<CliRun> {
  return runCliCaptured(argv, { env: { NO_COLOR: '1' }, cwd: work });
}

function device(id: string): SetUpDevice {
  const found = seeded.devices.find((d) => d.spec.id === id);
  if (!found) throw new Error(`no ${id}`);
  return found;
}

async function servedSerial(id: string): Promise<string> {
  const served = await observeServedCertificate(device(id).outside);
  if (!served.ok) throw new Error(served.error);
  return served.serial;
}

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'tp-cli-renew-'));
  dataDir = path.join(work, 'data');
  const env = await openLocalEnvironment(dataDir);
  seeded = await startSeededDevices({ dataDir, devices: DEVICES, ca: env.localCa, secrets: env.secrets });
  await writeFile(path.join(work, 'fleet.json'), JSON.stringify(seeded.fleet));
  const imported = await cli(['devices', 'import', 'fleet.json', '--data-dir', 'data']);
  expect(imported.err).toBe('');
  expect(imported.code).toBe(EXIT_OK);
}, 90_000);

afterAll(async () => {
  await seeded?.stop();
  await rm(work, { recursive: true, force: true });
});

describe('trustpoint renew', () => {
  it('reports NOT_DUE with the reason and changes nothing when the certificate is not due', async () => {
    const before = await servedSerial('fw-ok');
    const run = await cli(['renew', 'fw-ok', '--data-dir', 'data']);
    expect(run.err).toBe('');
    expect(run.code).toBe(EXIT_OK);
    expect(run.out).toMatch(/^ {2}Preflight \.+ ok \(not due: expires in 36[34] days\)$/m);
    expect(run.out).toMatch(/^NOT_DUE: .*renewBeforeDays \(30\)/m);
    expect(run.out).toContain(`serial ${before}`);
    expect(run.out).not.toMatch(/IssueCertificate/);
    expect(await servedSerial('fw-ok')).toBe(before);
  });

  it('shows what it would do on a dry run, and does nothing', async () => {
    const before = await servedSerial('fw-ok');
    const run = await cli(['renew', 'fw-ok', '--force', '--dry-run', '--data-dir', 'data']);
    expect(run.code).toBe(EXIT_OK);
    expect(run.out).toMatch(/\[forced, dry run: nothing will change\]/);
    expect(run.out).toMatch(/^DRY_RUN \(FORCED\): .*\n {2}would create trustpoint VPN-\d{8}-[0-9a-f]+ and bind it \(now: outside -> ASDM_TrustPoint0\); nothing was changed$/m);
    expect(await servedSerial('fw-ok')).toBe(before);
  });

  it('renews a due device with a progress line per state, and the device serves the new serial', async () => {
    const before = await servedSerial('fw-due');
    const run = await cli(['renew', 'fw-due', '--data-dir', 'data']);
    expect(run.err).toBe('');
    expect(run.code).toBe(EXIT_OK);
    const states = [...run.out.matchAll(/^ {2}([A-Za-z]+) \.+ ok/gm)].map((m) => m[1]);
    expect(states).toEqual(['AcquireLock', 'Preflight', 'IssueCertificate', 'InstallCertificate', 'BindTrustpoint', 'VerifyDeployment', 'SaveConfiguration', 'Cleanup', 'RecordState']);
    expect(run.out).toMatch(/Preflight \.+ ok \(due: expires in [45] days\)/);
    const renewed = /^RENEWED: serial ([0-9a-f]+) \(ASDM_TrustPoint0\) -> serial ([0-9A-Fa-f]+) \((VPN-\d{8}-[0-9a-f]+)\)/m.exec(run.out);
    expect(renewed, run.out).not.toBeNull();
    expect(renewed![1]).toBe(before);
    const now = await servedSerial('fw-due');
    expect(now).toBe(renewed![2]!.toLowerCase().replace(/^0+/, ''));
    expect(now).not.toBe(before);
    expect(run.out).toContain(`Serves now on outside (127.0.0.1:${device('fw-due').outside.port}): serial ${now}`);
  });

  it('prints JSON with --json: the result, the steps and what each interface serves', async () => {
    const run = await cli(['renew', 'fw-ok', '--force', '--json', '--data-dir', 'data']);
    expect(run.code).toBe(EXIT_OK);
    const parsed = JSON.parse(run.out) as {
      outcome: string;
      result: { current: { serial: string } };
      steps: { state: string; status: string }[];
      servedNow: Record<string, { ok: boolean; serial: string }>;
    };
    expect(parsed.outcome).toBe('RENEWED');
    expect(parsed.steps.map((s) => s.state)).toContain('VerifyDeployment');
    expect(parsed.servedNow['outside']?.serial).toBe(await servedSerial('fw-ok'));
    expect(parsed.servedNow['outside']?.serial).toBe(parsed.result.current.serial.toLowerCase().replace(/^0+/, ''));
  });

  it('exits 1 with the error name, the ASA words and what the device still serves when the binding is refused', async () => {
    const before = await servedSerial('fw-due');
    device('fw-due').simulator.setFaults({ failCommand: [{ match: 'ssl trust-point', lines: ['Command authorization failed'] }] });
    try {
      const run = await cli(['renew', 'fw-due', '--force', '--data-dir', 'data']);
      expect(run.code).toBe(EXIT_FAILURE);
      expect(run.out).toMatch(/BindTrustpoint \.+ FAILED \(BindingError: the ASA said "Command authorization failed"\)/);
      expect(run.out).toMatch(/RollbackBinding \.+ ok/);
      expect(run.out).toMatch(/^ROLLED_BACK: BindingError at BindTrustpoint$/m);
      expect(run.out).toMatch(/^ {2}the ASA said: Command authorization failed$/m);
      expect(run.out).toMatch(/^ {2}cause: ROLLED_BACK: /m);
      expect(run.out).toContain(`Serves now on outside (127.0.0.1:${device('fw-due').outside.port}): serial ${before}`);
      expect(await servedSerial('fw-due')).toBe(before);
    } finally {
      device('fw-due').simulator.setFaults({ failCommand: [] });
    }
  });

  it('creates nothing in a data directory that has no inventory', async () => {
    const run = await cli(['renew', 'fw-due', '--data-dir', 'nothing-here']);
    expect(run.code).toBe(EXIT_FAILURE);
    expect(run.err).toMatch(/DeviceNotFoundError/);
    await expect(readdir(path.join(work, 'nothing-here'))).rejects.toThrow(/ENOENT/);
  });

  it.each([
    [['renew', 'no-such-fw', '--data-dir', 'data'], EXIT_FAILURE, /DeviceNotFoundError: no device "no-such-fw".*trustpoint devices import FILE/],
    [['renew', 'bad id', '--data-dir', 'data'], EXIT_USAGE, /<device>: "bad id" is not a device id/],
    [['renew', '--data-dir', 'data'], EXIT_USAGE, /missing argument <device>/],
  ])('refuses %j', async (argv, code, message) => {
    const run = await cli(argv);
    expect(run.code).toBe(code);
    expect(run.err).toMatch(message);
  });
});
