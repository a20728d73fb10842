// The contracts and helpers the ASL, the handlers and the runner share.
import { describe, expect, it } from 'vitest';
import { Pkcs12ImportError, ValidationError } from '../../src/errors.js';
import { findSubstitutionKeys, localSubstitutions, resolveSubstitutions } from '../../src/runner/definitions.js';
import { toTaskError } from '../../src/runner/local-runner.js';
import '../../src/runner/polyfill.js';
import {
  LAMBDA_TASKS,
  SUBSTITUTION_KEYS,
  causeMessage,
  TASK_TIMEOUTS,
  outcomeFromFailureCause,
  parseChildFailure,
  parseTaskInput,
  parseTaskOutput,
} from '../../src/workflow/contracts.js';
import type { TaskInput } from '../../src/workflow/contracts.js';
import { describeFailure, failedStep } from '../../src/workflow/error-handling.js';
import { NEW_TRUSTPOINT, aPreflight } from './scripted-tasks.js';
import { pemText } from '../helpers/pem-text.js';

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

describe('LAMBDA_TASKS', () => {
  it.each([
    ['IssueCertificate', 'lambdas/issue-certificate', 'IssueCertificateFunction', '${IssueCertificateFunctionArn}'],
    ['RemoveNewTrustpoint', 'lambdas/remove-new-trustpoint', 'RemoveNewTrustpointFunction', '${RemoveNewTrustpointFunctionArn}'],
    ['ListDueDevices', 'lambdas/list-due-devices', 'ListDueDevicesFunction', '${ListDueDevicesFunctionArn}'],
  ] as const)('spells %s as folder, construct id and substitution', (state, folder, constructId, substitution) => {
    expect(LAMBDA_TASKS[state]).toMatchObject({ folder, constructId, substitution });
  });

  it('gives every Lambda a timeout shorter than its state timeout', () => {
    for (const [state, t] of Object.entries(TASK_TIMEOUTS)) expect(t.lambdaSeconds, state).toBeLessThan(t.stateSeconds);
  });
});

describe('task contracts', () => {
  const issued = {
    certificateId: 'arn:aws:acm-pca:eu-west-1:111122223333:certificate-authority/ca/certificate/abc',
    serial: '7F01A2',
    notBefore: '2026-05-01T12:00:00Z',
    notAfter: '2027-05-01T12:00:00Z',
    bundleRef: 's3://trustpoint-bundles/fw1/TP-20260501-1.p12.enc',
  };

  it('accepts an output of references only', () => {
    expect(parseTaskOutput('IssueCertificate', issued)).toEqual(issued);
  });

  it('rejects an extra field without echoing its value', () => {
    const error = thrown(() => parseTaskOutput('IssueCertificate', { ...issued, passphrase: 'Zq8-secret-41' }));
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as Error).message).toContain('IssueCertificate output');
    expect((error as Error).message).toContain('passphrase');
    expect((error as Error).message).not.toContain('Zq8-secret-41');
  });

  it('rejects PEM material passed off as a bundle reference', () => {
    const pem = pemText('ENCRYPTED PRIVATE KEY', 'MIIFHDBOBgkqhkiG9w0BBQ0wQTApBgkqhkiG9w0BBQwwHAQI').trimEnd();
    const error = thrown(() => parseTaskOutput('IssueCertificate', { ...issued, bundleRef: pem }));
    expect((error as Error).message).toMatch(/^IssueCertificate output\.bundleRef: /);
    expect((error as Error).message).not.toContain('MIIF');
  });

  it.each([
    ['a newline', 'TP-1\nwrite erase'],
    ['a space', 'TP 1'],
    ['a question mark', 'TP?'],
  ])('rejects a trustpoint name with %s before it can reach the CLI', (_what, trustpoint) => {
    const error = thrown(() => parseTaskInput('BindTrustpoint', { deviceId: 'fw1', executionId: 'arn:x', trustpoint, bindings: {}, ikev2: null }));
    expect((error as Error).message).toMatch(/^BindTrustpoint input\.trustpoint: /);
  });

  it('rejects a Preflight output that names a new trustpoint for NOT_DUE', () => {
    const error = thrown(() => parseTaskOutput('Preflight', aPreflight({ decision: 'NOT_DUE' })));
    expect((error as Error).message).toContain('Preflight output.newTrustpoint');
  });
});

describe('parseChildFailure', () => {
  it('reads the child error and cause from a startExecution.sync:2 failure', () => {
    const cause = JSON.stringify({
      ExecutionArn: 'arn:aws:states:eu-west-1:111122223333:execution:renew-device:abc',
      Status: 'FAILED',
      Error: 'VerificationError',
      Cause: 'ROLLED_BACK: VerifyDeployment failed with VerificationError: ...',
    });
    expect(parseChildFailure('States.TaskFailed', cause)).toEqual({
      executionArn: 'arn:aws:states:eu-west-1:111122223333:execution:renew-device:abc',
      error: 'VerificationError',
      cause: 'ROLLED_BACK: VerifyDeployment failed with VerificationError: ...',
    });
  });

  it.each([
    ['States.TaskFailed', 'not json'],
    ['States.Timeout', '{}'],
    ['StepFunctions.ExecutionLimitExceeded', 'limit'],
  ])('returns %s as it is when it does not carry a child failure', (error, cause) => {
    expect(parseChildFailure(error, cause)).toEqual({ executionArn: null, error, cause });
  });

  it.each([
    ['ROLLED_BACK: BindTrustpoint failed', 'ROLLED_BACK'],
    ['FAILED: Preflight failed', 'FAILED'],
    ['fw1 is locked by another execution', 'FAILED'],
  ] as const)('reads the outcome of "%s" as %s', (cause, outcome) => {
    expect(outcomeFromFailureCause(cause)).toBe(outcome);
  });
});

describe('causeMessage', () => {
  it.each([
    ['the message of an AWS Lambda error cause', '{"errorType":"DeviceBusyError","errorMessage":"fw1 is locked","trace":["at x"]}', 'fw1 is locked'],
    ['a plain message as it is', 'fw1 is locked', 'fw1 is locked'],
    ['a brace-led cause that is not JSON as it is', '{not json', '{not json'],
  ])('returns %s', (_what, cause, message) => {
    expect(causeMessage(cause)).toBe(message);
  });

  it('reads a child failure whose cause is a Lambda error', () => {
    const cause = JSON.stringify({ Status: 'FAILED', Error: 'DeviceBusyError', Cause: '{"errorType":"DeviceBusyError","errorMessage":"fw1 is locked"}' });
    expect(parseChildFailure('States.TaskFailed', cause)).toMatchObject({ error: 'DeviceBusyError', cause: 'fw1 is locked' });
  });
});

describe('describeFailure', () => {
  const base: TaskInput<'RecordFailure'> = {
    deviceId: 'fw1',
    executionId: 'arn:x',
    error: { Error: 'Pkcs12ImportError', Cause: 'ERROR: Import PKCS12 operation failed' },
    progress: {
      preflight: aPreflight(),
      certificate: { certificateId: 'c', serial: '7F01A2', notBefore: '2026-05-01T12:00:00Z', notAfter: '2027-05-01T12:00:00Z', bundleRef: 'b' },
      install: null,
      binding: null,
      verification: null,
      save: null,
    },
    removal: { removed: false },
    removalError: null,
    rollback: null,
    rollbackError: null,
  };

  it('quotes the message of an AWS Lambda error, not its JSON', () => {
    const report = describeFailure({
      ...base,
      error: { Error: 'Pkcs12ImportError', Cause: '{"errorType":"Pkcs12ImportError","errorMessage":"ERROR: Import PKCS12 operation failed","trace":[]}' },
    });
    expect(report.cause).toContain('InstallCertificate failed with Pkcs12ImportError: ERROR: Import PKCS12 operation failed.');
  });

  it('says the new trustpoint was not created when the removal found nothing', () => {
    const report = describeFailure(base);
    expect(report).toMatchObject({ outcome: 'FAILED', failedStep: 'InstallCertificate', error: 'Pkcs12ImportError' });
    expect(report.cause).toContain(`The new trustpoint ${NEW_TRUSTPOINT} was not created.`);
  });

  it('says the new trustpoint is left unbound when its removal failed', () => {
    const report = describeFailure({ ...base, removal: null, removalError: { Error: 'DeviceTimeoutError', Cause: 'no prompt' } });
    expect(report.cause).toContain(`The new trustpoint ${NEW_TRUSTPOINT} could not be removed (DeviceTimeoutError: no prompt.) It is not bound to any interface.`);
  });

  it('finds the failed step from the results present', () => {
    expect(failedStep({ ...base.progress, preflight: null })).toBe('Preflight');
    expect(failedStep({ ...base.progress, certificate: null })).toBe('IssueCertificate');
  });
});

describe('substitutions', () => {
  it('resolves every placeholder and reports an unknown one by name', () => {
    expect(resolveSubstitutions({ a: ['${X}-${Y}'] }, { X: '1', Y: '2' })).toEqual({ a: ['1-2'] });
    const error = thrown(() => resolveSubstitutions({ a: '${Missing}' }, {}));
    expect((error as Error).message).toBe('definitionSubstitutions.Missing: no value given for this placeholder');
    expect(findSubstitutionKeys({ a: '${B} ${A}', b: ['${A}'] })).toEqual(['A', 'B']);
  });

  it('has a local pseudo-ARN for every key of both machines', () => {
    const local = localSubstitutions();
    for (const key of [...SUBSTITUTION_KEYS['renew-device'], ...SUBSTITUTION_KEYS['renew-fleet']]) {
      expect(local[key], key).toMatch(/^arn:aws:(lambda|states|sns):local:000000000000:/);
    }
  });
});

describe('the runner glue', () => {
  it('passes on an error as name and message only, without its cause', () => {
    const original = new Pkcs12ImportError('ERROR: Import PKCS12 operation failed', { cause: new Error('inner detail') });
    const mapped = toTaskError(original);
    expect([mapped.name, mapped.message, mapped.cause]).toEqual(['Pkcs12ImportError', 'ERROR: Import PKCS12 operation failed', undefined]);
    expect(toTaskError('a string').name).toBe('Error');
  });

  it('provides Promise.withResolvers', async () => {
    const withResolvers = (Promise as unknown as { withResolvers: <T>() => { promise: Promise<T>; resolve: (v: T) => void } }).withResolvers;
    const { promise, resolve } = withResolvers<number>();
    resolve(42);
    await expect(promise).resolves.toBe(42);
  });
});
