// The demo's verdict: which outcomes and served certificates count as "as expected", and how
// a failure cause is read (error name, failed step, the ASA's own words).
import { describe, expect, it } from 'vitest';
import { ExecutionTracker } from '../../../src/demo/executions.js';
import { asaWordsIn, checkDevice, checkFleet, deviceOutcome, type DeviceReport, type FleetReport } from '../../../src/demo/report.js';
import type { ServedCertificate } from '../../../src/demo/served.js';
import { BindingError } from '../../../src/errors.js';
import { noRetryDelays, runRenewDevice } from '../../../src/runner/local-runner.js';
import { happyDeviceTasks } from '../../statemachines/scripted-tasks.js';

const OLD = 'aa01';
const NEW = 'bb02';

function served(serial: string, chainLength = 3): ServedCertificate {
  return { ok: true, endpoint: '127.0.0.1:4443', serial, subjectCn: 'fw.example.net', notAfter: '2027-05-01T00:00:00.000Z', daysToExpiry: 364, chainLength };
}

function aDevice(overrides: Partial<Omit<DeviceReport, 'asExpected' | 'problems'>>): Omit<DeviceReport, 'asExpected' | 'problems'> {
  return {
    id: 'fw-a',
    story: '',
    expected: 'RENEWED',
    outcome: 'RENEWED',
    reason: 'Expiring',
    failure: null,
    executionArn: 'arn',
    before: { trustpoint: 'ASDM_TrustPoint0', serial: OLD, notAfter: '2026-05-10T00:00:00.000Z', daysToExpiry: 9 },
    renewed: { trustpoint: 'VPN-20260501-bb02', serial: NEW, notAfter: '2027-05-01T00:00:00.000Z', daysToExpiry: 364 },
    servedAfter: served(NEW),
    steps: [],
    ...overrides,
  };
}

describe('asaWordsIn', () => {
  it.each([
    ['BindingError: fw: "ssl trust-point X outside" failed: Command authorization failed; the previous bindings were restored.', 'Command authorization failed'],
    ['Pkcs12ImportError: the ASA refused the PKCS12 for X: ERROR: Failed to decrypt the pkcs12 data: the passphrase is incorrect.', 'ERROR: Failed to decrypt the pkcs12 data: the passphrase is incorrect'],
    ['SaveConfigurationError: "write memory" failed: % Error copying system:/running-config (No Device)', '% Error copying system:/running-config (No Device)'],
    ['ROLLED_BACK: SaveConfiguration failed with SaveConfigurationError: fw: "write memory" failed: Error executing command / [FAILED]. Bindings restored (outside -> TP-1).', 'Error executing command / [FAILED]'],
    ['DeviceTimeoutError: SSH to 127.0.0.1:22: no SSH handshake within 15000 ms', null],
  ])('reads %j as %j', (cause, words) => {
    expect(asaWordsIn(cause)).toBe(words);
  });
});

describe('checkDevice', () => {
  it.each([
    ['a renewal that serves the new serial with its chain', aDevice({}), []],
    ['a renewal whose interface still serves the old serial', aDevice({ servedAfter: served(OLD) }), ['fw-a: outside serves serial aa01, not the new bb02']],
    ['a renewal served without the intermediate', aDevice({ servedAfter: served(NEW, 1) }), ['fw-a: outside sends 1 certificate(s): the intermediate is missing']],
    ['an expected renewal that was rolled back', aDevice({ outcome: 'ROLLED_BACK', renewed: null, failure: { error: 'BindingError', failedStep: 'BindTrustpoint', cause: '', asaSaid: null }, servedAfter: served(OLD) }), ['fw-a: expected RENEWED, got ROLLED_BACK (BindingError)', 'fw-a: no new certificate reported']],
    ['a rollback that still serves the old serial', aDevice({ expected: 'ROLLED_BACK', outcome: 'ROLLED_BACK', renewed: null, servedAfter: served(OLD) }), []],
    ['a rollback that left the new serial bound', aDevice({ expected: 'ROLLED_BACK', outcome: 'ROLLED_BACK', renewed: null, servedAfter: served(NEW) }), ['fw-a: outside serves serial bb02, but it must still serve its old aa01']],
    ['a device not due and untouched', aDevice({ expected: 'NOT_DUE', outcome: 'NOT_DUE', renewed: null, servedAfter: served(OLD) }), []],
    ['a device that serves nothing', aDevice({ expected: 'NOT_DUE', outcome: 'NOT_DUE', renewed: null, servedAfter: { ok: false, endpoint: '127.0.0.1:4443', error: 'ECONNREFUSED' } }), ['fw-a: no TLS handshake on outside after the run (ECONNREFUSED): the device must always serve a certificate']],
  ])('judges %s', (_name, device, problems) => {
    expect(checkDevice(device)).toEqual(problems);
  });
});

describe('checkFleet', () => {
  const summary = (toleranceExceeded: boolean): FleetReport['summary'] => ({
    total: 3,
    renewed: 1,
    notDue: 1,
    dryRun: 0,
    rolledBack: 1,
    failed: 0,
    failurePercentage: 33.3,
    toleratedFailurePercentage: toleranceExceeded ? 20 : 50,
    toleranceExceeded,
    notify: true,
  });
  it.each([
    ['a success within tolerance', { executionArn: 'a', status: 'SUCCEEDED', error: null, cause: null, summary: summary(false) } as FleetReport, 0],
    ['the tolerance Fail when the summary exceeded it', { executionArn: 'a', status: 'FAILED', error: 'FleetFailureToleranceExceeded', cause: 'x', summary: summary(true) } as FleetReport, 0],
    ['a failure for another reason', { executionArn: 'a', status: 'FAILED', error: 'States.Runtime', cause: 'bad path', summary: null } as FleetReport, 1],
    ['a run that never started', { executionArn: null, status: 'NOT_STARTED', error: null, cause: null, summary: null } as FleetReport, 1],
  ])('accepts or refuses %s', (_name, fleet, problems) => {
    expect(checkFleet(fleet)).toHaveLength(problems);
  });
});

describe('deviceOutcome', () => {
  it('reads the outcome, failed step, error and ASA words of a rolled-back execution', async () => {
    const tracker = new ExecutionTracker();
    const result = await runRenewDevice(
      { deviceId: 'fw-a' },
      {
        tasks: {
          ...happyDeviceTasks(),
          BindTrustpoint: async () => {
            throw new BindingError('fw-a: "ssl trust-point TP-20260501-1 outside" failed: Command authorization failed; the previous bindings were restored');
          },
        },
        onEvent: (e) => tracker.record(e),
        retryIntervalOverrides: noRetryDelays(),
      },
    );
    expect(result.status).toBe('FAILED');
    const outcome = deviceOutcome(tracker.latestFor('fw-a'), new Date('2026-05-01T12:00:00Z'));
    expect(outcome).toMatchObject({
      outcome: 'ROLLED_BACK',
      renewed: null,
      failure: { error: 'BindingError', failedStep: 'BindTrustpoint', asaSaid: 'Command authorization failed' },
    });
    expect(outcome.failure?.cause).toMatch(/^ROLLED_BACK: BindTrustpoint failed with BindingError/);
  });

  it('reads the new certificate of a renewed execution, and NOT_RUN when there was none', async () => {
    const tracker = new ExecutionTracker();
    await runRenewDevice({ deviceId: 'fw-a' }, { tasks: happyDeviceTasks(), onEvent: (e) => tracker.record(e), retryIntervalOverrides: noRetryDelays() });
    const outcome = deviceOutcome(tracker.latestFor('fw-a'), new Date('2026-05-01T12:00:00Z'));
    expect(outcome).toMatchObject({ outcome: 'RENEWED', failure: null, renewed: { serial: '7f01a2', trustpoint: 'TP-20260501-1', daysToExpiry: 365 } });
    expect(deviceOutcome(undefined, new Date()).outcome).toBe('NOT_RUN');
  });
});
