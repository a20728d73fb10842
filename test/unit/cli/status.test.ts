// `trustpoint status` after real renewals (one renewed, one rolled back) and with a lock held:
// what the inventory recorded, checked against what the device serves over TLS.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeviceStatus } from '../../../src/cli/commands/status.js';
import { EXIT_FAILURE, EXIT_OK } from '../../../src/cli/framework.js';
import { runCliCaptured, type CliRun } from '../../helpers/cli.js';
import type { DemoDevice } from '../../../src/demo/scenario.js';
import { observeServedCertificate } from '../../../src/demo/served.js';
import { startSeededDevices, type SeededDevices } from '../../../src/demo/setup.js';
import { openLocalEnvironment } from '../../../src/local/environment.js';

let work: string;
let seeded: SeededDevices;

const DEVICES: DemoDevice[] = [
  { id: 'fw-due', story: 'due', startingValidityDays: 5, startingTrustpoint: 'ASDM_TrustPoint0', failCommands: [], expected: 'RENEWED' },
  { id: 'fw-refused', story: 'binding refused', startingValidityDays: 365, startingTrustpoint: 'ASDM_TrustPoint0', failCommands: [], expected: 'ROLLED_BACK' },
  { id: 'fw-locked', story: 'locked by another run', startingValidityDays: 365, startingTrustpoint: 'ASDM_TrustPoint0', failCommands: [], expected: 'NOT_DUE' },
];

function cli(argv: string[]): Promise<CliRun> {
  return runCliCaptured(argv, { env: { NO_COLOR: '1' }, cwd: work });
}

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'tp-cli-status-'));
  const env = await openLocalEnvironment(path.join(work, 'data'));
  seeded = await startSeededDevices({ dataDir: env.dataDir, devices: DEVICES, ca: env.localCa, secrets: env.secrets });
  await writeFile(path.join(work, 'fleet.json'), JSON.stringify(seeded.fleet));
  expect((await cli(['devices', 'import', 'fleet.json', '--data-dir', 'data'])).code).toBe(EXIT_OK);
  expect((await cli(['renew', 'fw-due', '--data-dir', 'data'])).code).toBe(EXIT_OK);
  seeded.devices.find((d) => d.spec.id === 'fw-refused')!.simulator.setFaults({ failCommand: [{ match: 'ssl trust-point', lines: ['Command authorization failed'] }] });
  expect((await cli(['renew', 'fw-refused', '--force', '--data-dir', 'data'])).code).toBe(EXIT_FAILURE);
  await env.inventory.acquireLease('fw-locked', 'arn:aws:states:local:000000000000:execution:renew-device:other-run', 600);
}, 120_000);

afterAll(async () => {
  await seeded?.stop();
  await rm(work, { recursive: true, force: true });
});

describe('trustpoint status', () => {
  it('prints one row per device: certificate, expiry, last outcome, lock', async () => {
    const run = await cli(['status', '--data-dir', 'data']);
    expect(run.err).toBe('');
    expect(run.code).toBe(EXIT_OK);
    const lines = run.out.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^DEVICE +HOST +TRUSTPOINT +SERIAL +NOT AFTER +DAYS +LAST OUTCOME +AT +LOCK$/);
    expect(lines).toHaveLength(4);
    const served = await observeServedCertificate(seeded.devices[0]!.outside);
    expect(served.ok).toBe(true);
    expect(lines[1]).toMatch(new RegExp(`^fw-due +127\\.0\\.0\\.1:\\d+ +VPN-\\d{8}-[0-9a-f]+ +0*${served.ok ? served.serial : 'x'} +\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ +36[45] +renewed +\\S+Z +-$`, 'i'));
    expect(lines[2]).toMatch(/^fw-locked .* never run +- +arn:aws:states:local:000000000000:execution:renew-device:other-run until \S+$/);
    expect(lines[3]).toMatch(/^fw-refused .* rolled-back \(BindingError\) +\S+Z +-$/);
  });

  it('prints the same as JSON with --json', async () => {
    const run = await cli(['status', '--json', '--data-dir', 'data']);
    expect(run.code).toBe(EXIT_OK);
    const rows = JSON.parse(run.out) as DeviceStatus[];
    expect(rows.map((r) => r.id)).toEqual(['fw-due', 'fw-locked', 'fw-refused']);
    expect(rows[0]).toMatchObject({ lastOutcome: 'renewed', lastError: null, lease: null, renewBeforeDays: 30 });
    expect(rows[0]!.daysToExpiry).toBeGreaterThanOrEqual(364);
    expect(rows[1]).toMatchObject({ trustpoint: null, serial: null, lastOutcome: null, lease: { owner: expect.stringContaining('other-run'), expired: false } });
    expect(rows[2]).toMatchObject({ lastOutcome: 'rolled-back', lastError: 'BindingError', lease: null });
  });

  it('is why `trustpoint renew` of a locked device fails fast, naming the holder', async () => {
    const run = await cli(['renew', 'fw-locked', '--data-dir', 'data']);
    expect(run.code).toBe(EXIT_FAILURE);
    expect(run.out).toMatch(/^FAILED: DeviceBusyError$/m);
    expect(run.out).toMatch(/cause: .*locked by arn:aws:states:local:000000000000:execution:renew-device:other-run until/);
  });

  it('says how to start when the inventory is empty', async () => {
    const run = await cli(['status', '--data-dir', 'empty']);
    expect(run.code).toBe(EXIT_OK);
    expect(run.out).toMatch(/^No devices in .*empty\/inventory: import a fleet file with `trustpoint devices import FILE`\.$/m);
  });
});
