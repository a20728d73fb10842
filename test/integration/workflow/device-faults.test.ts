// Every fault at every SSH step (connection drop, command timeout, ASA error) and at the CA,
// through the real ASL and task functions against a simulator. Whatever happens, afterwards
// the device serves either the certificate it served before or the new, verified one (never
// neither), checked by a TLS handshake AND by show running-config ssl / show crypto ca
// certificates, also after a reload; the lease is released; a failure names its error.
// Each SSH case has a simulator of its own (so the cases run concurrently) and forces a renewal
// of a certificate that expires in 10 days; the CA cases run one after the other on another.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CaRequestFailedError, CaThrottledError } from '../../../src/errors.js';
import type { CaOperation } from '../../../src/local/local-certificate-authority.js';
import { faultingConnector, renew, scanForSecrets, served, servedSerial, simById, startWorld, tasksWith, type StepFault, type World } from './world.js';

type Expected = { outcome: 'RENEWED' } | { outcome: 'FAILED' | 'ROLLED_BACK'; error: string };

interface FaultCase {
  name: string;
  fault: StepFault;
  expected: Expected;
}

const ALWAYS = Number.POSITIVE_INFINITY;
const asaError = (match: string, line: string) => ({ failCommand: [{ match, lines: [line] }] });
const delay = { commandDelayMs: 1500 };

const CASES: FaultCase[] = [
  // Preflight: read-only; nothing is created before it succeeds.
  { name: 'Preflight: connection drops once at show version', fault: { step: 'Preflight', faults: { dropAfterCommand: 'show version' }, times: 1 }, expected: { outcome: 'RENEWED' } },
  { name: 'Preflight: every command times out', fault: { step: 'Preflight', faults: delay, times: ALWAYS, tight: true }, expected: { outcome: 'FAILED', error: 'DeviceTimeoutError' } },
  { name: 'Preflight: the ASA answers show version with an error', fault: { step: 'Preflight', faults: asaError('show version', 'ERROR: Unable to retrieve version information'), times: ALWAYS }, expected: { outcome: 'FAILED', error: 'AsaCommandError' } },
  // InstallCertificate: a failure removes the new trustpoint; a retry finds an import that completed.
  { name: 'Install: connection drops once right after the import completed', fault: { step: 'InstallCertificate', faults: { dropAfterCommand: 'crypto ca import', dropAfter: 'after' }, times: 1 }, expected: { outcome: 'RENEWED' } },
  { name: 'Install: every command times out', fault: { step: 'InstallCertificate', faults: delay, times: ALWAYS, tight: true }, expected: { outcome: 'FAILED', error: 'DeviceTimeoutError' } },
  { name: 'Install: the ASA refuses the import', fault: { step: 'InstallCertificate', faults: asaError('crypto ca import', 'ERROR: Import PKCS12 operation failed'), times: ALWAYS }, expected: { outcome: 'FAILED', error: 'Pkcs12ImportError' } },
  // BindTrustpoint: from here on, a failure restores the previous bindings.
  { name: 'Bind: connection drops before every ssl trust-point', fault: { step: 'BindTrustpoint', faults: { dropAfterCommand: 'ssl trust-point' }, times: ALWAYS }, expected: { outcome: 'ROLLED_BACK', error: 'DeviceDisconnectedError' } },
  { name: 'Bind: connection drops after each ssl trust-point (each retry binds one more interface)', fault: { step: 'BindTrustpoint', faults: { dropAfterCommand: 'ssl trust-point', dropAfter: 'after' }, times: ALWAYS }, expected: { outcome: 'RENEWED' } },
  { name: 'Bind: one command timeout', fault: { step: 'BindTrustpoint', faults: delay, times: 1, tight: true }, expected: { outcome: 'RENEWED' } },
  { name: 'Bind: the ASA refuses ssl trust-point', fault: { step: 'BindTrustpoint', faults: asaError('ssl trust-point', 'ERROR: Trustpoint is not enrolled'), times: ALWAYS }, expected: { outcome: 'ROLLED_BACK', error: 'BindingError' } },
  // VerifyDeployment
  { name: 'Verify: connection drops once at show running-config ssl', fault: { step: 'VerifyDeployment', faults: { dropAfterCommand: 'show running-config ssl' }, times: 1 }, expected: { outcome: 'RENEWED' } },
  { name: 'Verify: every command times out', fault: { step: 'VerifyDeployment', faults: delay, times: ALWAYS, tight: true }, expected: { outcome: 'ROLLED_BACK', error: 'DeviceTimeoutError' } },
  { name: 'Verify: the ASA answers show running-config ssl with an error', fault: { step: 'VerifyDeployment', faults: asaError('show running-config ssl', 'ERROR: Command authorization failed'), times: ALWAYS }, expected: { outcome: 'ROLLED_BACK', error: 'AsaCommandError' } },
  // SaveConfiguration
  { name: 'Save: connection drops at every write memory', fault: { step: 'SaveConfiguration', faults: { dropAfterCommand: 'write memory' }, times: ALWAYS }, expected: { outcome: 'ROLLED_BACK', error: 'DeviceDisconnectedError' } },
  { name: 'Save: one command timeout', fault: { step: 'SaveConfiguration', faults: delay, times: 1, tight: true }, expected: { outcome: 'RENEWED' } },
  { name: 'Save: write memory fails on the ASA', fault: { step: 'SaveConfiguration', faults: asaError('write memory', 'ERROR: Unable to open disk0:/.private/startup-config'), times: ALWAYS }, expected: { outcome: 'ROLLED_BACK', error: 'SaveConfigurationError' } },
];

const CA_DEVICE = `asa-${CASES.length + 1}`;

describe('renew-device under faults', () => {
  let world: World;
  let caFault: ((operation: CaOperation) => void) | undefined;

  beforeAll(async () => {
    world = await startWorld({ devices: [...CASES, CA_DEVICE].map(() => ({ startingDays: 10 })), env: { caBeforeCall: (operation) => caFault?.(operation) } });
  });
  afterAll(async () => {
    await world?.stop();
  });

  /** Runs a forced renewal and checks the invariants; returns the run and the serials before/after. */
  async function forcedRenewal(deviceId: string, tasks = world.env.tasks) {
    const sim = simById(world, deviceId);
    const before = await served(sim);
    const serialBefore = servedSerial(before);
    const result = await renew(world, { deviceId, force: true }, { tasks });
    const after = await served(sim);
    const serialAfter = servedSerial(after); // one serial on every interface, bound and Available: never neither
    sim.reload();
    expect(servedSerial(await served(sim)), 'after a reload the device serves what was saved').toBe(serialAfter);
    expect((await world.env.inventory.getDevice(deviceId)).lease, 'the lease is released').toBeUndefined();
    return { result, before, after, serialBefore, serialAfter };
  }

  describe.concurrent('SSH faults', () => {
    it.each(CASES.map((c, index) => ({ ...c, deviceId: `asa-${index + 1}` })))('$name', async ({ fault, expected, deviceId }) => {
    const sim = simById(world, deviceId);
    const { result, before, after, serialBefore, serialAfter } = await forcedRenewal(deviceId, tasksWith(world, faultingConnector(world, sim, fault)));

    if (expected.outcome === 'RENEWED') {
      if (result.status !== 'SUCCEEDED') throw new Error(`expected RENEWED, got ${result.error}: ${result.cause}`);
      expect(result.output.outcome).toBe('RENEWED');
      if (result.output.outcome !== 'RENEWED') return;
      expect(serialAfter).toBe(result.output.current.serial);
      expect(serialAfter).not.toBe(serialBefore);
      const retried = world.events.some((e) => e.executionArn === result.executionArn && e.event.type === 'StateRetried' && e.event.state.name === fault.step);
      expect(retried, `${fault.step} was retried`).toBe(true);
      return;
    }
    if (result.status !== 'FAILED') throw new Error(`expected ${expected.outcome}, got ${JSON.stringify(result.output)}`);
    expect(result.error).toBe(expected.error);
    expect(result.cause.startsWith(`${expected.outcome}: `), result.cause).toBe(true);
    expect(result.cause).toContain(expected.error);
    expect(serialAfter, 'the device serves the certificate it served before').toBe(serialBefore);
    expect(after.bindings).toEqual(before.bindings);
    const added = after.trustpoints.filter((tp) => !before.trustpoints.includes(tp));
    // Before binding the new trustpoint is removed; from binding on it stays, installed and unbound (a re-run reuses it).
    expect(added.length, `new trustpoints: ${added.join(', ')}`).toBeLessThanOrEqual(expected.outcome === 'FAILED' ? 0 : 1);
    expect(before.trustpoints.every((tp) => after.trustpoints.includes(tp))).toBe(true);
    const state = (await world.env.inventory.getDevice(deviceId)).state;
    expect(state.lastOutcome).toMatchObject({ status: expected.outcome === 'ROLLED_BACK' ? 'rolled-back' : 'failed', errorName: expected.error, executionId: result.executionArn });
    });
  });

  it('retries a throttled CA request and renews', async () => {
    let throttled = 0;
    caFault = (operation) => {
      if (operation === 'issue' && throttled++ === 0) throw new CaThrottledError('Rate exceeded (simulated ThrottlingException)');
    };
    try {
      const { result, serialBefore, serialAfter } = await forcedRenewal(CA_DEVICE);
      if (result.status !== 'SUCCEEDED') throw new Error(`${result.error}: ${result.cause}`);
      expect(throttled).toBe(2);
      expect(serialAfter).not.toBe(serialBefore);
      expect(world.events.some((e) => e.executionArn === result.executionArn && e.event.type === 'StateRetried' && e.event.state.name === 'IssueCertificate')).toBe(true);
    } finally {
      caFault = undefined;
    }
  });

  it('ends FAILED with CaRequestFailedError when the CA refuses, and the device is untouched', async () => {
    caFault = (operation) => {
      if (operation === 'issue') throw new CaRequestFailedError('RequestFailedException: the CSR was rejected by the template (simulated)');
    };
    try {
      const { result, before, after, serialBefore, serialAfter } = await forcedRenewal(CA_DEVICE);
      if (result.status !== 'FAILED') throw new Error('expected a failure');
      expect(result.error).toBe('CaRequestFailedError');
      expect(result.cause).toMatch(/^FAILED: IssueCertificate failed with CaRequestFailedError: .*Nothing was bound\./);
      expect(serialAfter).toBe(serialBefore);
      expect(after.trustpoints).toEqual(before.trustpoints);
    } finally {
      caFault = undefined;
    }
  });

  it('leaves no private key, PKCS12, passphrase or password in the state payloads, logs or transcripts of these runs', async () => {
    const report = await scanForSecrets(world);
    expect(report.findings).toEqual([]);
    expect(Object.keys(report.scanned).filter((label) => label.startsWith('transcripts/')).length).toBeGreaterThan(CASES.length * 5);
  });
});
