// Static checks of statemachines/*.asl.json against asl-validator 4.0.0 and against the
// contracts and error lists in src/: timeouts, Retry/Catch, payload fields, placeholders.
import validator from 'asl-validator';
import { describe, expect, it } from 'vitest';
import { TERMINAL_ERROR_NAMES, TRANSIENT_ERROR_NAMES } from '../../src/errors.js';
import { findSubstitutionKeys, loadDefinition, readRawDefinition } from '../../src/runner/definitions.js';
import type { LambdaTaskState, StateMachineName } from '../../src/workflow/contracts.js';
import {
  LAMBDA_TASKS,
  RENEW_DEVICE_LAMBDA_STATES,
  RENEW_FLEET_LAMBDA_STATES,
  STATE_NAMES,
  SUBSTITUTION_KEYS,
  TASK_CONTRACTS,
  TASK_TIMEOUTS,
} from '../../src/workflow/contracts.js';
import { LAMBDA_SERVICE_ERROR_NAMES, RETRY_GROUPS, TASK_RETRY_GROUPS, expectedRetry } from '../../src/workflow/error-handling.js';

interface Catcher {
  ErrorEquals: string[];
  Next: string;
  ResultPath?: string;
}
interface AslState {
  Type: string;
  Resource?: string;
  Parameters?: Record<string, unknown>;
  ResultSelector?: Record<string, unknown>;
  TimeoutSeconds?: number;
  Retry?: Array<{ ErrorEquals: string[] }>;
  Catch?: Catcher[];
  Next?: string;
  ItemProcessor?: { States: Record<string, AslState> };
  QueryLanguage?: string;
}
interface Asl {
  States: Record<string, AslState>;
  QueryLanguage?: string;
}

const device = readRawDefinition('renew-device') as unknown as Asl;
const fleet = readRawDefinition('renew-fleet') as unknown as Asl;

/** Every state, including those inside a Map's ItemProcessor. */
function allStates(asl: Asl): Array<[string, AslState]> {
  return Object.entries(asl.States).flatMap(([name, state]) => [
    [name, state] as [string, AslState],
    ...(state.ItemProcessor ? allStates(state.ItemProcessor as Asl) : []),
  ]);
}

function lambdaStatesOf(asl: Asl): Array<[LambdaTaskState, AslState]> {
  return allStates(asl).filter(([, s]) => s.Resource === 'arn:aws:states:::lambda:invoke') as Array<[LambdaTaskState, AslState]>;
}

function catcherFor(state: AslState, errorName: string): Catcher | undefined {
  return state.Catch?.find((c) => c.ErrorEquals.includes(errorName) || c.ErrorEquals.includes('States.ALL'));
}

/** Keys of a payload template, without the `.$` suffix. */
function templateKeys(template: unknown): string[] {
  return Object.keys(template as Record<string, unknown>)
    .map((k) => k.replace(/\.\$$/, ''))
    .sort();
}

function schemaKeys(schema: unknown): string[] {
  // Preflight's output schema is refined: its shape sits one level in.
  const s = schema as { shape?: Record<string, unknown>; def?: { in?: { shape?: Record<string, unknown> } } };
  const shape = s.shape ?? s.def?.in?.shape;
  if (!shape) throw new Error('schema without an object shape');
  return Object.keys(shape).sort();
}

describe.each([
  ['renew-device', device],
  ['renew-fleet', fleet],
] as const)('%s.asl.json', (name: StateMachineName, asl: Asl) => {
  it('passes asl-validator 4.0.0 once the placeholders are resolved', () => {
    const { isValid, errorsText } = validator(loadDefinition(name));
    expect(errorsText('\n')).toBe('');
    expect(isValid).toBe(true);
  });

  it('uses JSONPath (no JSONata anywhere)', () => {
    expect(asl.QueryLanguage ?? 'JSONPath').toBe('JSONPath');
    for (const [, state] of allStates(asl)) expect(state.QueryLanguage ?? 'JSONPath').toBe('JSONPath');
  });

  it('uses exactly the placeholders of SUBSTITUTION_KEYS', () => {
    expect(findSubstitutionKeys(asl)).toEqual([...SUBSTITUTION_KEYS[name]].sort());
  });

  it('gives every Task a TimeoutSeconds, and every Lambda Task its value from TASK_TIMEOUTS', () => {
    for (const [stateName, state] of allStates(asl).filter(([, s]) => s.Type === 'Task')) {
      expect(state.TimeoutSeconds, stateName).toBeGreaterThan(0);
    }
    for (const [stateName, state] of lambdaStatesOf(asl)) {
      expect(state.TimeoutSeconds, stateName).toBe(TASK_TIMEOUTS[stateName].stateSeconds);
    }
  });

  it('calls each Lambda Task through its own function placeholder', () => {
    for (const [stateName, state] of lambdaStatesOf(asl)) {
      expect(state.Parameters?.['FunctionName'], stateName).toBe(LAMBDA_TASKS[stateName].substitution);
    }
  });

  it('passes each Lambda Task exactly the fields of its input contract and keeps exactly those of its output', () => {
    for (const [stateName, state] of lambdaStatesOf(asl)) {
      expect(templateKeys(state.Parameters?.['Payload']), `${stateName} Payload`).toEqual(schemaKeys(TASK_CONTRACTS[stateName].input));
      expect(templateKeys(state.ResultSelector), `${stateName} ResultSelector`).toEqual(schemaKeys(TASK_CONTRACTS[stateName].output));
      for (const [key, path] of Object.entries(state.ResultSelector ?? {})) {
        expect(path, `${stateName}.${key}`).toBe(`$.Payload.${key.replace(/\.\$$/, '')}`);
      }
    }
  });

  it('carries the Retry block of error-handling.ts on every Lambda Task', () => {
    for (const [stateName, state] of lambdaStatesOf(asl)) {
      expect(state.Retry, stateName).toEqual(expectedRetry(stateName));
    }
  });

  it('never retries a terminal error name', () => {
    for (const [stateName, state] of allStates(asl)) {
      for (const retrier of state.Retry ?? []) {
        for (const error of retrier.ErrorEquals) {
          expect(TERMINAL_ERROR_NAMES as readonly string[], `${stateName} retries ${error}`).not.toContain(error);
          expect(['States.ALL', 'States.Timeout'], stateName).not.toContain(error);
        }
      }
    }
  });

  it('catches every terminal and every transient error name on every Lambda Task', () => {
    for (const [stateName, state] of lambdaStatesOf(asl)) {
      for (const error of [...TERMINAL_ERROR_NAMES, ...TRANSIENT_ERROR_NAMES, 'States.Timeout', 'Lambda.Unknown']) {
        expect(catcherFor(state, error), `${stateName} does not catch ${error}`).toBeDefined();
      }
    }
  });
});

describe('retry coverage', () => {
  it('puts every transient error name of src/errors.ts in exactly one retry group', () => {
    for (const name of TRANSIENT_ERROR_NAMES) {
      const groups = Object.values(RETRY_GROUPS).filter((g) => (g.errors as readonly string[]).includes(name));
      expect(groups.map((g) => g.name), name).toHaveLength(1);
    }
  });

  it('retries every transient error name in at least one Task, and the Lambda service errors in every Lambda Task', () => {
    const retried = new Set(
      [...lambdaStatesOf(device), ...lambdaStatesOf(fleet)].flatMap(([, s]) => (s.Retry ?? []).flatMap((r) => r.ErrorEquals)),
    );
    for (const name of TRANSIENT_ERROR_NAMES) expect(retried, name).toContain(name);
    for (const [stateName, state] of [...lambdaStatesOf(device), ...lambdaStatesOf(fleet)]) {
      const names = (state.Retry ?? []).flatMap((r) => r.ErrorEquals);
      for (const name of [...LAMBDA_SERVICE_ERROR_NAMES, 'Lambda.TooManyRequestsException']) expect(names, stateName).toContain(name);
    }
  });

  it('retries the device errors in every step that opens an SSH session', () => {
    const ssh = ['Preflight', 'InstallCertificate', 'BindTrustpoint', 'VerifyDeployment', 'SaveConfiguration', 'Cleanup', 'RemoveNewTrustpoint', 'RollbackBinding'] as const;
    for (const state of ssh) expect(TASK_RETRY_GROUPS[state], state).toContain('device');
    expect(TASK_RETRY_GROUPS.IssueCertificate).toEqual(expect.arrayContaining(['caThrottled', 'caIssueTimeout']));
  });
});

describe('renew-device routing', () => {
  const states = device.States;
  const next = (state: string, error = 'VerificationError') => catcherFor(states[state] as AslState, error)?.Next;

  it('covers every Lambda Task state of the contracts, and nothing else', () => {
    expect(lambdaStatesOf(device).map(([n]) => n).sort()).toEqual([...RENEW_DEVICE_LAMBDA_STATES].sort());
    expect(lambdaStatesOf(fleet).map(([n]) => n).sort()).toEqual([...RENEW_FLEET_LAMBDA_STATES].sort());
  });

  it('follows DESIGN.md steps 1-8 in order on the success path', () => {
    const order: string[] = [];
    let current: string | undefined = 'AcquireLock';
    while (current && order.length < 20) {
      order.push(current);
      const state: AslState | undefined = states[current];
      current = state?.Type === 'Choice' ? 'IssueCertificate' : state?.Next;
      if (order.includes(current ?? '')) break;
    }
    expect(order.filter((s) => s in STATE_NAMES)).toEqual([
      'AcquireLock',
      'Preflight',
      'IssueCertificate',
      'InstallCertificate',
      'BindTrustpoint',
      'VerifyDeployment',
      'SaveConfiguration',
      'Cleanup',
      'RecordState',
    ]);
  });

  it('sends DeviceBusyError at AcquireLock straight to a Fail state', () => {
    const target = next('AcquireLock', 'DeviceBusyError');
    expect(states[target ?? '']?.Type).toBe('Fail');
  });

  it.each([
    ['Preflight', 'RecordFailure'],
    ['IssueCertificate', 'RecordFailure'],
    ['InstallCertificate', 'RemoveNewTrustpoint'],
    ['BindTrustpoint', 'RollbackBinding'],
    ['VerifyDeployment', 'RollbackBinding'],
    ['SaveConfiguration', 'RollbackBinding'],
    ['RemoveNewTrustpoint', 'RecordFailure'],
    ['RollbackBinding', 'RecordFailure'],
  ])('sends a failure of %s to %s', (state, target) => {
    expect(next(state)).toBe(target);
  });

  it('keeps the original error when the cleanup or the rollback itself fails', () => {
    expect(catcherFor(states['RemoveNewTrustpoint'] as AslState, 'BindingError')?.ResultPath).toBe('$.removalError');
    expect(catcherFor(states['RollbackBinding'] as AslState, 'RollbackError')?.ResultPath).toBe('$.rollbackError');
  });
});
