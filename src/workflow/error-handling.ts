// How the state machines treat each error name: which retrier retries it (with what backoff)
// and where Catch sends it. The ASL files carry the same Retry blocks (test/statemachines checks
// them against `expectedRetry`), and statemachines/README.md carries `renderErrorTable()`.
import { TERMINAL_ERROR_NAMES, TRANSIENT_ERROR_NAMES } from '../errors.js';
import type {
  CaughtError,
  LambdaTaskState,
  RenewDeviceLambdaState,
  RenewProgress,
  TaskInput,
  TaskOutput,
} from './contracts.js';
import { causeMessage } from './contracts.js';

export interface Retrier {
  ErrorEquals: string[];
  IntervalSeconds: number;
  MaxAttempts: number;
  BackoffRate: number;
  MaxDelaySeconds: number;
  JitterStrategy: 'FULL';
}

export interface RetryGroup {
  name: string;
  errors: readonly string[];
  retrier: Omit<Retrier, 'ErrorEquals'>;
  why: string;
}

/** Lambda service errors (AWS's recommended retrier), not errors of our code. */
export const LAMBDA_SERVICE_ERROR_NAMES = [
  'Lambda.ServiceException',
  'Lambda.AWSLambdaException',
  'Lambda.SdkClientException',
  'Lambda.ClientExecutionTimeoutException',
] as const;

const full = 'FULL' as const;

// Order matters: Step Functions uses the first retrier whose ErrorEquals matches.
export const RETRY_GROUPS = {
  lambdaService: {
    name: 'lambdaService',
    errors: LAMBDA_SERVICE_ERROR_NAMES,
    retrier: { IntervalSeconds: 2, MaxAttempts: 6, BackoffRate: 2, MaxDelaySeconds: 60, JitterStrategy: full },
    why: 'Lambda service hiccup; the function did not run or its result was lost',
  },
  lambdaThrottled: {
    name: 'lambdaThrottled',
    errors: ['Lambda.TooManyRequestsException'],
    retrier: { IntervalSeconds: 5, MaxAttempts: 6, BackoffRate: 2, MaxDelaySeconds: 120, JitterStrategy: full },
    why: 'account concurrency reached; back off longer',
  },
  lambdaNotReady: {
    name: 'lambdaNotReady',
    errors: ['Lambda.ResourceNotReadyException'],
    retrier: { IntervalSeconds: 30, MaxAttempts: 3, BackoffRate: 1.5, MaxDelaySeconds: 90, JitterStrategy: full },
    why: 'an idle VPC function is rebuilding its network interface (up to ~90 s)',
  },
  caThrottled: {
    name: 'caThrottled',
    errors: ['CaThrottledError', 'CaUnavailableError'],
    retrier: { IntervalSeconds: 2, MaxAttempts: 6, BackoffRate: 2, MaxDelaySeconds: 60, JitterStrategy: full },
    why: 'ACM PCA rate limit (25 IssueCertificate/s per account) or a CA outage',
  },
  caIssueTimeout: {
    name: 'caIssueTimeout',
    errors: ['CaIssueTimeoutError'],
    retrier: { IntervalSeconds: 10, MaxAttempts: 3, BackoffRate: 2, MaxDelaySeconds: 60, JitterStrategy: full },
    why: 'the certificate was not issued within the polling budget; the retry reuses the same idempotency token',
  },
  device: {
    name: 'device',
    errors: ['DeviceUnreachableError', 'DeviceTimeoutError', 'DeviceDisconnectedError'],
    retrier: { IntervalSeconds: 10, MaxAttempts: 3, BackoffRate: 2, MaxDelaySeconds: 60, JitterStrategy: full },
    why: 'SSH connect, command or session failure; every SSH step first checks what is already on the device',
  },
  store: {
    name: 'store',
    errors: ['StoreError'],
    retrier: { IntervalSeconds: 1, MaxAttempts: 5, BackoffRate: 2, MaxDelaySeconds: 20, JitterStrategy: full },
    why: 'inventory, secret or bundle store throttled or unavailable',
  },
} as const satisfies Record<string, RetryGroup>;

export type RetryGroupName = keyof typeof RETRY_GROUPS;

const LAMBDA_GROUPS: RetryGroupName[] = ['lambdaService', 'lambdaThrottled', 'lambdaNotReady'];

/** What each Lambda Task talks to decides which transient errors it can raise, hence retries. */
export const TASK_RETRY_GROUPS: Readonly<Record<LambdaTaskState, readonly RetryGroupName[]>> = {
  AcquireLock: [...LAMBDA_GROUPS, 'store'],
  Preflight: [...LAMBDA_GROUPS, 'device', 'store'],
  IssueCertificate: [...LAMBDA_GROUPS, 'caThrottled', 'caIssueTimeout', 'store'],
  InstallCertificate: [...LAMBDA_GROUPS, 'device', 'store'],
  BindTrustpoint: [...LAMBDA_GROUPS, 'device', 'store'],
  VerifyDeployment: [...LAMBDA_GROUPS, 'device', 'store'],
  SaveConfiguration: [...LAMBDA_GROUPS, 'device', 'store'],
  Cleanup: [...LAMBDA_GROUPS, 'device', 'store'],
  RecordState: [...LAMBDA_GROUPS, 'store'],
  ReleaseLock: [...LAMBDA_GROUPS, 'store'],
  RemoveNewTrustpoint: [...LAMBDA_GROUPS, 'device', 'store'],
  RollbackBinding: [...LAMBDA_GROUPS, 'device', 'store'],
  RecordFailure: [...LAMBDA_GROUPS, 'store'],
  ListDueDevices: [...LAMBDA_GROUPS, 'store'],
  Summarize: [...LAMBDA_GROUPS],
};

/** The Retry block the ASL must carry for `state`. */
export function expectedRetry(state: LambdaTaskState): Retrier[] {
  return TASK_RETRY_GROUPS[state].map((group) => {
    const g: RetryGroup = RETRY_GROUPS[group];
    return { ErrorEquals: [...g.errors], ...g.retrier };
  });
}

/** RenewDevice (startExecution.sync:2): only a refused start is retried, never a failed child. */
export const CHILD_START_RETRY: Retrier[] = [
  {
    ErrorEquals: ['StepFunctions.ExecutionLimitExceeded'],
    IntervalSeconds: 5,
    MaxAttempts: 5,
    BackoffRate: 2,
    MaxDelaySeconds: 60,
    JitterStrategy: full,
  },
];

/** NotifyOperators (sns:publish): a duplicate message is harmless, a lost one is not. */
export const NOTIFY_RETRY: Retrier[] = [
  { ErrorEquals: ['States.TaskFailed'], IntervalSeconds: 2, MaxAttempts: 3, BackoffRate: 2, MaxDelaySeconds: 20, JitterStrategy: full },
];

/** Error names raised by Fail states of the ASL itself (not thrown by task code). */
export const WORKFLOW_ERROR_NAMES = {
  /** renew-fleet: more devices failed than the tolerated percentage. */
  fleetToleranceExceeded: 'FleetFailureToleranceExceeded',
  /** Execution input is not `{ deviceId, force?, dryRun? }` / `{ force?, dryRun?, deviceIds? }`. */
  invalidInput: 'ValidationError',
} as const;

// --- The README table ---------------------------------------------------------------------

function groupOf(name: string): RetryGroup | undefined {
  return Object.values(RETRY_GROUPS).find((g: RetryGroup) => g.errors.includes(name));
}

function describeRetry(g: RetryGroup): string {
  const r = g.retrier;
  return `${r.MaxAttempts} retries, ${r.IntervalSeconds} s x${r.BackoffRate} up to ${r.MaxDelaySeconds} s, full jitter`;
}

function statesRetrying(group: string): string {
  return Object.entries(TASK_RETRY_GROUPS)
    .filter(([, groups]) => (groups as readonly string[]).includes(group))
    .map(([state]) => state)
    .join(', ');
}

const TERMINAL_CATCH: Record<string, string> = {
  DeviceBusyError: 'AcquireLock: Fail `DeviceBusy` at once; the lock belongs to another execution and is not touched',
};

const DEFAULT_CATCH = 'Catch: the failure route of the step (below)';

/** The markdown table of error names, generated from src/errors.ts and the retry groups. */
export function renderErrorTable(): string {
  const rows: string[] = ['| Error name | Kind | Retry | Then |', '|---|---|---|---|'];
  for (const name of TRANSIENT_ERROR_NAMES) {
    const g = groupOf(name);
    const retry = g ? `${describeRetry(g)} (${statesRetrying(g.name)})` : '**not retried**';
    rows.push(`| \`${name}\` | transient | ${retry} | once retries run out: ${DEFAULT_CATCH} |`);
  }
  for (const name of TERMINAL_ERROR_NAMES) {
    rows.push(`| \`${name}\` | terminal | no | ${TERMINAL_CATCH[name] ?? DEFAULT_CATCH} |`);
  }
  for (const g of [RETRY_GROUPS.lambdaService, RETRY_GROUPS.lambdaThrottled, RETRY_GROUPS.lambdaNotReady]) {
    for (const name of g.errors) {
      rows.push(`| \`${name}\` | Lambda service | ${describeRetry(g)} (every Lambda Task) | once retries run out: ${DEFAULT_CATCH} |`);
    }
  }
  rows.push(
    `| \`States.Timeout\` | Task timeout | no: the Lambda may still hold an SSH session | ${DEFAULT_CATCH} |`,
    `| \`StepFunctions.ExecutionLimitExceeded\` | renew-fleet child start | ${CHILD_START_RETRY[0]?.MaxAttempts ?? 0} retries (RenewDevice) | recorded as FAILED for that device |`,
    '| `States.TaskFailed` | renew-fleet child failed | no (the child already retried) | recorded per device; Summarize reads the child error and cause |',
    `| \`${WORKFLOW_ERROR_NAMES.fleetToleranceExceeded}\` | renew-fleet and backup-fleet Fail state | - | the run fails after the summary and notification |`,
  );
  return rows.join('\n');
}

// --- What RecordFailure reports -------------------------------------------------------------

/** The step that failed, read from which results are present (each Catch keeps earlier results). */
export function failedStep(progress: RenewProgress): RenewDeviceLambdaState {
  if (progress.preflight === null) return 'Preflight';
  if (progress.certificate === null) return 'IssueCertificate';
  if (progress.install === null) return 'InstallCertificate';
  if (progress.binding === null) return 'BindTrustpoint';
  if (progress.verification === null) return 'VerifyDeployment';
  if (progress.save === null) return 'SaveConfiguration';
  return 'RecordState';
}

function sentence(text: string): string {
  const trimmed = text.trim();
  if (trimmed === '') return '';
  return /[.!?]$/.test(trimmed) ? trimmed : `${trimmed}.`;
}

function describeBindings(bindings: Record<string, string | null>): string {
  const parts = Object.entries(bindings).map(([iface, tp]) => `${iface} -> ${tp ?? '(none)'}`);
  return parts.length > 0 ? parts.join(', ') : '(no interfaces)';
}

function servedNow(progress: RenewProgress): string {
  const current = progress.preflight?.current;
  if (!current || current.serial === null) return 'The device serves the certificate it served before.';
  return `The device serves the certificate it served before (trustpoint ${current.trustpoint ?? '?'}, serial ${current.serial}).`;
}

function errorLine(step: string, error: CaughtError): string {
  return `${step} failed with ${error.Error}: ${sentence(causeMessage(error.Cause)) || '(no cause given).'}`;
}

/**
 * The outcome, error name and cause of a failed renewal, in words an operator can act on.
 * Pure: the RecordFailure task writes it to the inventory and returns it for the Fail state.
 */
export function describeFailure(input: TaskInput<'RecordFailure'>): TaskOutput<'RecordFailure'> {
  const step = failedStep(input.progress);
  const what = errorLine(step, input.error);
  const preflight = input.progress.preflight;
  const newTp = preflight?.newTrustpoint ?? null;

  if (input.rollbackError !== null) {
    const expected = preflight ? describeBindings(preflight.bindings) : '(unknown)';
    return {
      outcome: 'FAILED',
      failedStep: step,
      error: input.rollbackError.Error,
      cause:
        `FAILED: rollback did not complete: ${sentence(causeMessage(input.rollbackError.Cause))} ` +
        `It was rolling back because ${what} ` +
        `Check the bindings by hand; they should be: ${expected}.`,
    };
  }
  if (input.rollback !== null) {
    const r = input.rollback;
    const restored = preflight ? describeBindings(preflight.bindings) : r.restoredInterfaces.join(', ');
    const saved = r.saved ? 'configuration saved' : 'configuration not saved (startup configuration unchanged)';
    return {
      outcome: 'ROLLED_BACK',
      failedStep: step,
      error: input.error.Error,
      cause: `ROLLED_BACK: ${what} Bindings restored (${restored}); ${saved}. ${servedNow(input.progress)}`,
    };
  }
  let trustpointNote = '';
  if (newTp !== null && (step === 'InstallCertificate' || input.removal !== null || input.removalError !== null)) {
    if (input.removalError !== null) {
      trustpointNote = ` The new trustpoint ${newTp} could not be removed (${input.removalError.Error}: ${sentence(causeMessage(input.removalError.Cause))}) It is not bound to any interface.`;
    } else if (input.removal?.removed === true) {
      trustpointNote = ` The new trustpoint ${newTp} was removed.`;
    } else {
      trustpointNote = ` The new trustpoint ${newTp} was not created.`;
    }
  }
  return {
    outcome: 'FAILED',
    failedStep: step,
    error: input.error.Error,
    cause: `FAILED: ${what} Nothing was bound.${trustpointNote} ${servedNow(input.progress)}`,
  };
}
