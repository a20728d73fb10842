// Task functions that script outcomes, to test how the ASL routes them. They are not the real
// tasks (those talk to the simulator and the CA); RecordFailure uses the real describeFailure.
import type { RenewDeviceTaskFunctions, RenewFleetTaskFunctions } from '../../src/runner/local-runner.js';
import type { FleetSummary, TaskInput, TaskOutput } from '../../src/workflow/contracts.js';
import { outcomeFromFailureCause, parseChildFailure } from '../../src/workflow/contracts.js';
import { describeFailure } from '../../src/workflow/error-handling.js';

export interface Call {
  state: string;
  input: Record<string, unknown>;
}

export const OLD = { trustpoint: 'ASDM_TrustPoint0', serial: '0A1B2C', notAfter: '2026-05-10T00:00:00Z' } as const;
export const NEW_TRUSTPOINT = 'TP-20260501-1';
export const NEW_SERIAL = '7F01A2';

export function aPreflight(overrides: Partial<TaskOutput<'Preflight'>> = {}): TaskOutput<'Preflight'> {
  return {
    decision: 'DUE',
    reason: 'Expiring: notAfter 2026-05-10T00:00:00Z is within renewBeforeDays (30)',
    current: { ...OLD },
    bindings: { outside: OLD.trustpoint, inside: null },
    ikev2: null,
    newTrustpoint: NEW_TRUSTPOINT,
    ...overrides,
  };
}

export function happyDeviceTasks(): RenewDeviceTaskFunctions {
  return {
    AcquireLock: async () => ({ leaseExpiresAt: '2026-05-01T12:15:00Z' }),
    Preflight: async (input) =>
      aPreflight(input.force ? { decision: 'FORCED', reason: 'Forced by the operator' } : {}),
    IssueCertificate: async (input) => ({
      certificateId: `local-ca/${NEW_SERIAL}`,
      serial: NEW_SERIAL,
      notBefore: '2026-05-01T12:00:00Z',
      notAfter: '2027-05-01T12:00:00Z',
      bundleRef: `bundles/${input.deviceId}/${input.trustpoint}.p12.enc`,
    }),
    InstallCertificate: async (input) => ({ trustpoint: input.trustpoint, serial: input.serial, alreadyInstalled: false }),
    BindTrustpoint: async (input) => ({
      previousBindings: input.bindings,
      boundInterfaces: Object.keys(input.bindings),
      ikev2Bound: false,
    }),
    VerifyDeployment: async (input) => ({
      verifiedInterfaces: Object.keys(input.bindings),
      tlsVerifiedInterfaces: ['outside'],
      tlsSkippedInterfaces: ['inside'],
    }),
    SaveConfiguration: async () => ({ saved: true, standbyWritten: false }),
    Cleanup: async () => ({ removedTrustpoints: ['TP-20240501-1'] }),
    RecordState: async () => ({ recordedAt: '2026-05-01T12:05:00Z' }),
    ReleaseLock: async () => ({ released: true }),
    RemoveNewTrustpoint: async () => ({ removed: true }),
    RollbackBinding: async (input) => ({
      restoredInterfaces: Object.entries(input.previousBindings)
        .filter(([, tp]) => tp !== null)
        .map(([iface]) => iface),
      unboundInterfaces: Object.entries(input.previousBindings)
        .filter(([, tp]) => tp === null)
        .map(([iface]) => iface),
      ikev2Restored: false,
      saved: true,
    }),
    RecordFailure: async (input) => describeFailure(input),
  };
}

/** Wrap every task function so that each call is logged in order, with its parsed input. */
export function recorded<T extends object>(tasks: T): { tasks: T; calls: Call[]; statesCalled: () => string[] } {
  const calls: Call[] = [];
  const wrapped = Object.fromEntries(
    Object.entries(tasks).map(([state, fn]) => [
      state,
      async (input: Record<string, unknown>) => {
        calls.push({ state, input });
        return (fn as (i: unknown) => Promise<unknown>)(input);
      },
    ]),
  ) as T;
  return { tasks: wrapped, calls, statesCalled: () => calls.map((c) => c.state) };
}

/** A stand-in Summarize that counts the records the Map produced (the real one comes later). */
export async function countingSummarize(input: TaskInput<'Summarize'>): Promise<FleetSummary> {
  const devices = input.devices.map((record) => {
    if (record.outcome !== 'FAILED') {
      const result = record.result;
      return {
        deviceId: record.deviceId,
        outcome: record.outcome,
        previousSerial: result && result.outcome === 'RENEWED' ? result.previous.serial : null,
        serial: result && result.outcome === 'RENEWED' ? result.current.serial : null,
        notAfter: result && result.outcome === 'RENEWED' ? result.current.notAfter : null,
        trustpoint: result && result.outcome === 'RENEWED' ? result.current.trustpoint : null,
        error: null,
        cause: null,
        executionArn: record.executionArn,
      };
    }
    const child = parseChildFailure(record.error ?? '', record.cause ?? '');
    return {
      deviceId: record.deviceId,
      outcome: outcomeFromFailureCause(child.cause),
      previousSerial: null,
      serial: null,
      notAfter: null,
      trustpoint: null,
      error: child.error,
      cause: child.cause,
      executionArn: child.executionArn,
    };
  });
  const count = (outcome: string) => devices.filter((d) => d.outcome === outcome).length;
  const failedTotal = count('FAILED') + count('ROLLED_BACK');
  const failurePercentage = devices.length === 0 ? 0 : (failedTotal / devices.length) * 100;
  return {
    total: devices.length,
    renewed: count('RENEWED'),
    notDue: count('NOT_DUE'),
    dryRun: count('DRY_RUN'),
    rolledBack: count('ROLLED_BACK'),
    failed: count('FAILED'),
    failurePercentage,
    toleratedFailurePercentage: input.toleratedFailurePercentage,
    toleranceExceeded: failurePercentage > input.toleratedFailurePercentage,
    notify: failedTotal > 0,
    subject: `trustpoint: ${failedTotal} of ${devices.length} devices need attention`,
    message: devices.map((d) => `${d.deviceId}: ${d.outcome}${d.error ? ` (${d.error})` : ''}`).join('\n'),
    devices,
  };
}

export function fleetTasks(
  device: RenewDeviceTaskFunctions,
  fleet: Partial<Pick<RenewFleetTaskFunctions, 'ListDueDevices' | 'Summarize' | 'NotifyOperators'>> = {},
): RenewFleetTaskFunctions {
  return {
    ...device,
    ListDueDevices: async () => ({
      devices: [{ deviceId: 'fw-a' }, { deviceId: 'fw-b' }, { deviceId: 'fw-c' }],
      checkedCount: 3,
      maxConcurrency: 2,
      toleratedFailurePercentage: 50,
    }),
    Summarize: countingSummarize,
    NotifyOperators: async () => ({ messageId: 'local-message-1' }),
    ...fleet,
  };
}
