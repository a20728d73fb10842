// backup-fleet's tasks: which devices a fleet backup covers (a real FileInventory), and the
// summary an operator reads (counts, one line per device, failures as AWS reports them).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileInventory } from '../../../../src/local/file-inventory.js';
import { parseBackupTaskOutput, type BackupDeviceResult, type BackupFleetDeviceRecord } from '../../../../src/workflow/backup/contracts.js';
import { listBackupDevices, summarizeBackups } from '../../../../src/workflow/backup/fleet-tasks.js';
import type { BackupDependencies } from '../../../../src/workflow/backup/ports.js';
import { taskOptions } from '../../../../src/workflow/dependencies.js';
import { aDevice } from '../../inventory/builders.js';

const EXECUTION = 'arn:aws:states:eu-west-1:111111111111:execution:trustpoint-backup-fleet:weekly-1';

describe('listBackupDevices', () => {
  let dataDir: string;
  let deps: BackupDependencies;

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'tp-backup-fleet-'));
    const inventory = new FileInventory(dataDir);
    for (const id of ['asa-2', 'asa-1', 'asa-3']) await inventory.putDevice(aDevice({ id, host: `${id}.example.net` }));
    deps = { inventory, options: taskOptions({ maxConcurrency: 7, toleratedFailurePercentage: 10 }) } as unknown as BackupDependencies;
  });
  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('lists every device of the inventory with the fleet settings when no deviceIds are given', async () => {
    const output = await listBackupDevices(deps, { executionId: EXECUTION, deviceIds: null, keepGenerations: 3 });

    expect(output).toEqual({ devices: [{ deviceId: 'asa-1' }, { deviceId: 'asa-2' }, { deviceId: 'asa-3' }], maxConcurrency: 7, toleratedFailurePercentage: 10 });
  });

  it('lists only the named devices, once each', async () => {
    const output = await listBackupDevices(deps, { executionId: EXECUTION, deviceIds: ['asa-3', 'asa-1', 'asa-3'], keepGenerations: 3 });

    expect(output.devices).toEqual([{ deviceId: 'asa-3' }, { deviceId: 'asa-1' }]);
  });

  it('fails with DeviceNotFoundError for a name not in the inventory', async () => {
    await expect(listBackupDevices(deps, { executionId: EXECUTION, deviceIds: ['asa-1', 'asa-9'], keepGenerations: 3 })).rejects.toMatchObject({ name: 'DeviceNotFoundError' });
  });
});

function backedUp(deviceId: string, overrides: Partial<BackupDeviceResult> = {}): BackupFleetDeviceRecord {
  const result: BackupDeviceResult = {
    outcome: 'BACKED_UP',
    deviceId,
    executionId: `arn:aws:states:eu-west-1:111111111111:execution:trustpoint-backup-device:${deviceId}`,
    takenAt: '2026-05-03T02:00:05.000Z',
    items: [
      { trustpoint: 'TP-20260101-ab', serial: '7f01a2', notAfter: '2027-01-01T00:00:00.000Z', interfaces: ['outside'], ikev2: false, bundleRef: `bundle/${deviceId}/issued/7f01a2`, source: 'issued', reused: true },
      { trustpoint: 'VPN_Inside', serial: '0a1b', notAfter: '2027-02-01T00:00:00.000Z', interfaces: ['inside'], ikev2: false, bundleRef: `bundle/${deviceId}/backup/0a1b`, source: 'exported', reused: false },
    ],
    prune: { pruned: [{ trustpoint: 'ASDM_TrustPoint0', serial: '01', takenAt: '2026-04-01T02:00:00.000Z', bundleRemoved: true }], kept: 2 },
    pruneError: null,
    ...overrides,
  };
  return { deviceId, outcome: 'BACKED_UP', executionArn: result.executionId, result, error: null, cause: null };
}

/** A failed child as startExecution.sync:2 reports it on AWS: States.TaskFailed, the DescribeExecution JSON, whose Cause is the Lambda runtime's JSON. */
function failedOnAws(deviceId: string, error: string, message: string): BackupFleetDeviceRecord {
  const childArn = `arn:aws:states:eu-west-1:111111111111:execution:trustpoint-backup-device:${deviceId}-x`;
  const lambdaCause = JSON.stringify({ errorType: error, errorMessage: message, trace: ['at exportOne (index.js:1:1)'] });
  return { deviceId, outcome: 'FAILED', executionArn: null, result: null, error: 'States.TaskFailed', cause: JSON.stringify({ ExecutionArn: childArn, Status: 'FAILED', Error: error, Cause: lambdaCause }) };
}

describe('summarizeBackups', () => {
  const summarize = (devices: BackupFleetDeviceRecord[], toleratedFailurePercentage = 20) =>
    summarizeBackups({} as BackupDependencies, { executionId: EXECUTION, toleratedFailurePercentage, devices }).then((output) => parseBackupTaskOutput('SummarizeBackups', output));

  it('counts devices and trustpoints, exported and reused, and writes one line per device', async () => {
    const refused = 'export of ASDM_TrustPoint0 refused: ERROR: a required certificate or keypair was not found export certificate';
    const summary = await summarize([backedUp('asa-1'), failedOnAws('asa-2', 'Pkcs12ExportError', refused), backedUp('asa-3'), backedUp('asa-4'), backedUp('asa-5')]);

    expect(summary).toMatchObject({ total: 5, backedUp: 4, failed: 1, trustpoints: 8, exported: 4, reused: 4, pruneFailures: 0, failurePercentage: 20, toleranceExceeded: false, notify: true });
    expect(summary.subject).toBe('trustpoint: 1 of 5 ASA backups failed');
    expect(summary.devices[1]).toMatchObject({
      deviceId: 'asa-2',
      outcome: 'FAILED',
      error: 'Pkcs12ExportError',
      cause: refused,
      executionArn: 'arn:aws:states:eu-west-1:111111111111:execution:trustpoint-backup-device:asa-2-x',
    });
    const lines = summary.message.split('\n');
    expect(lines[0]).toBe('trustpoint backup-fleet: 4 backed up, 1 failed of 5 devices; 8 trustpoints held (4 exported, 4 reused)');
    expect(lines[1]).toBe('Failures: 20% (tolerated: 20%)');
    expect(lines[2]).toBe(`Execution: ${EXECUTION}`);
    expect(lines).toContain('asa-1: BACKED_UP, 2 trustpoints (1 exported, 1 reused): TP-20260101-ab serial 7f01a2 (reused issued bundle), VPN_Inside serial 0a1b; 1 older backup removed');
    expect(lines).toContain(`asa-2: FAILED, Pkcs12ExportError: ${refused}`);
  });

  it('exceeds the tolerance only above the percentage, and notifies nobody when everything was backed up', async () => {
    const failing = await summarize([backedUp('asa-1'), failedOnAws('asa-2', 'DeviceUnreachableError', 'asa-2 (10.0.0.2:22): connection refused')], 49.99);
    expect(failing).toMatchObject({ failurePercentage: 50, toleranceExceeded: true });
    expect(failing.message).toContain('Failures: 50% (tolerated: 49.99%): TOLERANCE EXCEEDED');

    const clean = await summarize([backedUp('asa-1')]);
    expect(clean).toMatchObject({ failed: 0, notify: false, toleranceExceeded: false, subject: 'trustpoint: 1 of 1 ASAs backed up' });
  });

  it('reports a failed prune as a warning on a backed-up device, not as a failure', async () => {
    const summary = await summarize([backedUp('asa-1', { prune: null, pruneError: { Error: 'StoreError', Cause: JSON.stringify({ errorType: 'StoreError', errorMessage: 'DeleteObject throttled' }) } })]);

    expect(summary).toMatchObject({ backedUp: 1, failed: 0, pruneFailures: 1, notify: false });
    expect(summary.devices[0]).toMatchObject({ pruned: null, pruneError: 'StoreError: DeleteObject throttled' });
    expect(summary.message).toContain('; pruning failed on 1 device');
    expect(summary.message).toContain('asa-1: BACKED_UP, 2 trustpoints (1 exported, 1 reused): TP-20260101-ab serial 7f01a2 (reused issued bundle), VPN_Inside serial 0a1b; pruning failed, older backups kept: StoreError: DeleteObject throttled');
  });

  it('summarises an empty inventory as nothing to do', async () => {
    const summary = await summarize([]);

    expect(summary).toMatchObject({ total: 0, backedUp: 0, failed: 0, failurePercentage: 0, toleranceExceeded: false, notify: false, subject: 'trustpoint: 0 of 0 ASAs backed up' });
  });
});
