// The contracts of the renewal workflows: the execution input and output of renew-device and
// renew-fleet, and the input and output of every Task state. The Lambda handlers and the local
// runner parse with these schemas; the ASL files pass exactly these fields (a test checks it).
//
// State payloads are kept in the execution history for 90 days and shown in the console, so
// they carry references only: device id, execution id, trustpoint names, serials, dates, the
// certificate ARN/id and an opaque bundle reference. Never a private key, a PKCS12, a
// passphrase or a password. Outputs are strict objects: a task that returns an extra field
// (say, a passphrase) fails loudly instead of leaking it into the history.
import { z } from 'zod';
import { CLI_VALUE_PATTERNS } from '../asa/names.js';
import { ValidationError } from '../errors.js';
import { DEVICE_ID_PATTERN } from '../inventory/refs.js';

// --- Names: one name, four spellings -------------------------------------------------------

export const RENEW_DEVICE_LAMBDA_STATES = [
  'AcquireLock',
  'Preflight',
  'IssueCertificate',
  'InstallCertificate',
  'BindTrustpoint',
  'VerifyDeployment',
  'SaveConfiguration',
  'Cleanup',
  'RecordState',
  'ReleaseLock',
  'RemoveNewTrustpoint',
  'RollbackBinding',
  'RecordFailure',
] as const;

export const RENEW_FLEET_LAMBDA_STATES = ['ListDueDevices', 'Summarize'] as const;

export type RenewDeviceLambdaState = (typeof RENEW_DEVICE_LAMBDA_STATES)[number];
export type RenewFleetLambdaState = (typeof RENEW_FLEET_LAMBDA_STATES)[number];
export type LambdaTaskState = RenewDeviceLambdaState | RenewFleetLambdaState;

/** Every Task state name of both state machines, as constants: `STATE_NAMES.IssueCertificate`. */
export const STATE_NAMES = {
  AcquireLock: 'AcquireLock',
  Preflight: 'Preflight',
  IssueCertificate: 'IssueCertificate',
  InstallCertificate: 'InstallCertificate',
  BindTrustpoint: 'BindTrustpoint',
  VerifyDeployment: 'VerifyDeployment',
  SaveConfiguration: 'SaveConfiguration',
  Cleanup: 'Cleanup',
  RecordState: 'RecordState',
  ReleaseLock: 'ReleaseLock',
  RemoveNewTrustpoint: 'RemoveNewTrustpoint',
  RollbackBinding: 'RollbackBinding',
  RecordFailure: 'RecordFailure',
  ListDueDevices: 'ListDueDevices',
  Summarize: 'Summarize',
  /** renew-fleet: one renew-device execution per device (`states:startExecution.sync:2`). */
  RenewDevice: 'RenewDevice',
  /** renew-fleet: SNS publish to the failure topic. */
  NotifyOperators: 'NotifyOperators',
} as const;

export interface LambdaTaskNames {
  /** Task state name in the ASL: `IssueCertificate`. */
  state: LambdaTaskState;
  /** Handler folder: `lambdas/issue-certificate`. */
  folder: string;
  /** CDK construct id of the function: `IssueCertificateFunction`. */
  constructId: string;
  /** definitionSubstitutions key: `IssueCertificateFunctionArn`. */
  substitutionKey: string;
  /** As written in the ASL: `${IssueCertificateFunctionArn}`. */
  substitution: string;
}

function kebabCase(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();
}

function lambdaTaskNames(state: LambdaTaskState): LambdaTaskNames {
  const substitutionKey = `${state}FunctionArn`;
  return {
    state,
    folder: `lambdas/${kebabCase(state)}`,
    constructId: `${state}Function`,
    substitutionKey,
    substitution: `\${${substitutionKey}}`,
  };
}

export const LAMBDA_TASKS: Readonly<Record<LambdaTaskState, LambdaTaskNames>> = Object.fromEntries(
  [...RENEW_DEVICE_LAMBDA_STATES, ...RENEW_FLEET_LAMBDA_STATES].map((state) => [state, lambdaTaskNames(state)]),
) as Record<LambdaTaskState, LambdaTaskNames>;

/** Substitutions that are not Lambda ARNs. All substitution values are strings (ARNs). */
export const RENEW_DEVICE_STATE_MACHINE_ARN_KEY = 'RenewDeviceStateMachineArn';
export const FAILURE_TOPIC_ARN_KEY = 'FailureTopicArn';

/** The definitionSubstitutions keys each state machine needs; CDK must provide every one. */
export const SUBSTITUTION_KEYS = {
  'renew-device': RENEW_DEVICE_LAMBDA_STATES.map((s) => LAMBDA_TASKS[s].substitutionKey),
  'renew-fleet': [
    ...RENEW_FLEET_LAMBDA_STATES.map((s) => LAMBDA_TASKS[s].substitutionKey),
    RENEW_DEVICE_STATE_MACHINE_ARN_KEY,
    FAILURE_TOPIC_ARN_KEY,
  ],
} as const;

export type StateMachineName = keyof typeof SUBSTITUTION_KEYS;

/**
 * State TimeoutSeconds per Task, and the Lambda timeout the CDK stack must set. The Lambda
 * times out first, so Step Functions sees the function's own timeout error instead of
 * abandoning an invocation that is still talking to the ASA.
 */
export const TASK_TIMEOUTS: Readonly<Record<LambdaTaskState, { stateSeconds: number; lambdaSeconds: number }>> = {
  AcquireLock: { stateSeconds: 30, lambdaSeconds: 20 },
  Preflight: { stateSeconds: 120, lambdaSeconds: 100 },
  // Key generation (RSA-4096 up to ~3 s), PCA issue and bounded GetCertificate polling.
  IssueCertificate: { stateSeconds: 300, lambdaSeconds: 270 },
  // PKCS12 paste and import: the slowest ASA step.
  InstallCertificate: { stateSeconds: 300, lambdaSeconds: 270 },
  BindTrustpoint: { stateSeconds: 180, lambdaSeconds: 160 },
  VerifyDeployment: { stateSeconds: 180, lambdaSeconds: 160 },
  // write memory, and write standby on an active failover unit.
  SaveConfiguration: { stateSeconds: 240, lambdaSeconds: 220 },
  Cleanup: { stateSeconds: 240, lambdaSeconds: 220 },
  RecordState: { stateSeconds: 30, lambdaSeconds: 20 },
  ReleaseLock: { stateSeconds: 30, lambdaSeconds: 20 },
  RemoveNewTrustpoint: { stateSeconds: 240, lambdaSeconds: 220 },
  // Restore every binding, verify, write memory.
  RollbackBinding: { stateSeconds: 300, lambdaSeconds: 270 },
  RecordFailure: { stateSeconds: 30, lambdaSeconds: 20 },
  ListDueDevices: { stateSeconds: 60, lambdaSeconds: 50 },
  Summarize: { stateSeconds: 30, lambdaSeconds: 20 },
};

/** TimeoutSeconds of renew-fleet's RenewDevice Task (one renew-device execution). */
export const RENEW_DEVICE_CHILD_TIMEOUT_SECONDS = 3600;

// --- Primitives ----------------------------------------------------------------------------

/** Inventory device id: also used in file names locally and in execution names on AWS. */
export { DEVICE_ID_PATTERN };

export const deviceIdSchema = z.string().regex(DEVICE_ID_PATTERN, 'expected 1-63 letters, digits, ".", "_", "-", starting with a letter or digit');
/** The execution ARN ($$.Execution.Id); locally a pseudo-ARN. */
export const executionIdSchema = z.string().min(1).max(2048);
export const trustpointNameSchema = z.string().regex(CLI_VALUE_PATTERNS.trustpoint, 'expected a trustpoint name');
export const interfaceNameSchema = z.string().regex(CLI_VALUE_PATTERNS.interface, 'expected an interface nameif');
/** Certificate serial number in hex, no separators (up to 20 octets, RFC 5280). */
export const serialSchema = z.string().regex(/^[0-9A-Fa-f]{1,40}$/, 'expected a hex serial number');
export const timestampSchema = z.iso.datetime({ offset: true });

// A reference is a short opaque string (an ARN, an S3 key, a file id). The length cap and the
// PEM check keep a key or a PKCS12 from being passed off as a reference.
const referenceSchema = z
  .string()
  .min(1)
  .max(1024)
  .refine((value) => !value.includes('-----BEGIN'), 'a reference must not contain PEM material');

/** ACM PCA certificate ARN on AWS, the local CA's certificate id locally. */
export const certificateIdSchema = referenceSchema;
/** Opaque reference to the stored encrypted PKCS12 bundle; the BundleStore resolves it (and its passphrase). */
export const bundleRefSchema = referenceSchema;

/** Interface nameif -> trustpoint bound with `ssl trust-point` (null: none bound). */
export const bindingsSchema = z.record(interfaceNameSchema, trustpointNameSchema.nullable());
export type Bindings = z.infer<typeof bindingsSchema>;

/** The IKEv2 remote-access trustpoint; null when the device does not manage the IKEv2 binding. */
export const ikev2BindingSchema = z.strictObject({ trustpoint: trustpointNameSchema.nullable() }).nullable();
export type Ikev2Binding = z.infer<typeof ikev2BindingSchema>;

/** What Step Functions puts at a Catch's ResultPath. */
export const caughtErrorSchema = z.strictObject({ Error: z.string(), Cause: z.string() });
export type CaughtError = z.infer<typeof caughtErrorSchema>;

/** The certificate a device serves (or served) on its configured interfaces. */
export const servedCertificateSchema = z.strictObject({
  trustpoint: trustpointNameSchema.nullable(),
  serial: serialSchema.nullable(),
  notAfter: timestampSchema.nullable(),
});
export type ServedCertificate = z.infer<typeof servedCertificateSchema>;

// --- renew-device: execution input and output ---------------------------------------------

/** Step Functions adds this key when a parent execution starts the child (console linking). */
const STARTED_BY_KEY = 'AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID';

export const renewDeviceInputSchema = z.strictObject({
  deviceId: deviceIdSchema,
  force: z.boolean().optional(),
  dryRun: z.boolean().optional(),
  [STARTED_BY_KEY]: z.string().optional(),
});
export type RenewDeviceInput = z.infer<typeof renewDeviceInputSchema>;

export const RENEW_OUTCOMES = ['RENEWED', 'NOT_DUE', 'DRY_RUN', 'ROLLED_BACK', 'FAILED'] as const;
export type RenewOutcome = (typeof RENEW_OUTCOMES)[number];

const renewedResultSchema = z.strictObject({
  outcome: z.literal('RENEWED'),
  deviceId: deviceIdSchema,
  executionId: executionIdSchema,
  reason: z.string(),
  previous: servedCertificateSchema,
  current: z.strictObject({ trustpoint: trustpointNameSchema, serial: serialSchema, notAfter: timestampSchema }),
  certificateId: certificateIdSchema,
  boundInterfaces: z.array(interfaceNameSchema),
  ikev2Bound: z.boolean(),
  tlsVerifiedInterfaces: z.array(interfaceNameSchema),
  cleanup: z.strictObject({ removedTrustpoints: z.array(trustpointNameSchema) }).nullable(),
  cleanupError: caughtErrorSchema.nullable(),
});

const notDueResultSchema = z.strictObject({
  outcome: z.literal('NOT_DUE'),
  deviceId: deviceIdSchema,
  executionId: executionIdSchema,
  reason: z.string(),
  current: servedCertificateSchema,
});

const dryRunResultSchema = z.strictObject({
  outcome: z.literal('DRY_RUN'),
  deviceId: deviceIdSchema,
  executionId: executionIdSchema,
  decision: z.enum(['DUE', 'FORCED']),
  reason: z.string(),
  current: servedCertificateSchema,
  wouldCreateTrustpoint: trustpointNameSchema,
  bindings: bindingsSchema,
});

/**
 * Output of a renew-device execution that succeeded. A ROLLED_BACK or FAILED renewal ends the
 * execution failed (error name + cause); see `outcomeFromFailureCause`.
 */
export const renewDeviceResultSchema = z.discriminatedUnion('outcome', [
  renewedResultSchema,
  notDueResultSchema,
  dryRunResultSchema,
]);
export type RenewDeviceResult = z.infer<typeof renewDeviceResultSchema>;

// --- renew-device: Task contracts -----------------------------------------------------------

const deviceStep = { deviceId: deviceIdSchema, executionId: executionIdSchema };

/** Conditional write of the lease (execution ARN + expiry). Succeeds when free, expired, or already ours. */
export const acquireLockInputSchema = z.strictObject({ ...deviceStep });
export const acquireLockOutputSchema = z.strictObject({ leaseExpiresAt: timestampSchema });

export const PREFLIGHT_DECISIONS = ['DUE', 'FORCED', 'NOT_DUE'] as const;

export const preflightInputSchema = z.strictObject({ ...deviceStep, force: z.boolean() });
export const preflightOutputSchema = z
  .strictObject({
    decision: z.enum(PREFLIGHT_DECISIONS),
    /** Why, in words: `Expiring: notAfter 2026-03-01T00:00:00Z is within renewBeforeDays (30)`. */
    reason: z.string().min(1).max(500),
    current: servedCertificateSchema,
    /** Bindings of the device's configured interfaces before any change: the rollback target. */
    bindings: bindingsSchema,
    ikev2: ikev2BindingSchema,
    /** The trustpoint this execution will create; a name not present on the device. Null when NOT_DUE. */
    newTrustpoint: trustpointNameSchema.nullable(),
  })
  .refine((o) => (o.decision === 'NOT_DUE') === (o.newTrustpoint === null), {
    message: 'newTrustpoint must be null exactly when the decision is NOT_DUE',
    path: ['newTrustpoint'],
  });

/** Key pair + CSR in the function, issue, poll, bundle into a PKCS12, store it. References out. */
export const issueCertificateInputSchema = z.strictObject({ ...deviceStep, trustpoint: trustpointNameSchema });
export const issueCertificateOutputSchema = z.strictObject({
  certificateId: certificateIdSchema,
  serial: serialSchema,
  notBefore: timestampSchema,
  notAfter: timestampSchema,
  bundleRef: bundleRefSchema,
});

export const installCertificateInputSchema = z.strictObject({
  ...deviceStep,
  trustpoint: trustpointNameSchema,
  bundleRef: bundleRefSchema,
  serial: serialSchema,
});
export const installCertificateOutputSchema = z.strictObject({
  trustpoint: trustpointNameSchema,
  serial: serialSchema,
  /** True when the trustpoint already held this serial and nothing was imported. */
  alreadyInstalled: z.boolean(),
});

export const bindTrustpointInputSchema = z.strictObject({
  ...deviceStep,
  trustpoint: trustpointNameSchema,
  bindings: bindingsSchema,
  ikev2: ikev2BindingSchema,
});
export const bindTrustpointOutputSchema = z.strictObject({
  /** What the device had right before `ssl trust-point`, as read in this step. */
  previousBindings: bindingsSchema,
  boundInterfaces: z.array(interfaceNameSchema),
  ikev2Bound: z.boolean(),
});

export const verifyDeploymentInputSchema = z.strictObject({
  ...deviceStep,
  trustpoint: trustpointNameSchema,
  serial: serialSchema,
  notAfter: timestampSchema,
  bindings: bindingsSchema,
  ikev2: ikev2BindingSchema,
});
export const verifyDeploymentOutputSchema = z.strictObject({
  verifiedInterfaces: z.array(interfaceNameSchema),
  /** Interfaces where a TLS handshake presented the new serial with the full chain. */
  tlsVerifiedInterfaces: z.array(interfaceNameSchema),
  /** Interfaces not reachable from the function for a handshake (checked by config only). */
  tlsSkippedInterfaces: z.array(interfaceNameSchema),
});

export const saveConfigurationInputSchema = z.strictObject({ ...deviceStep });
export const saveConfigurationOutputSchema = z.strictObject({
  saved: z.literal(true),
  /** `write standby` was sent (active unit of a failover pair). */
  standbyWritten: z.boolean(),
});

/** Remove trustpoints older than the configured generations; never `trustpoint` or `previousTrustpoint`. */
export const cleanupInputSchema = z.strictObject({
  ...deviceStep,
  trustpoint: trustpointNameSchema,
  previousTrustpoint: trustpointNameSchema.nullable(),
});
export const cleanupOutputSchema = z.strictObject({ removedTrustpoints: z.array(trustpointNameSchema) });

/** Write the new state to the inventory and release the lease, in one conditional write. */
export const recordStateInputSchema = z.strictObject({
  ...deviceStep,
  trustpoint: trustpointNameSchema,
  serial: serialSchema,
  notBefore: timestampSchema,
  notAfter: timestampSchema,
  certificateId: certificateIdSchema,
  bundleRef: bundleRefSchema,
  previous: servedCertificateSchema,
});
export const recordStateOutputSchema = z.strictObject({ recordedAt: timestampSchema });

/** Release the lease if this execution holds it; `released: false` when it did not. */
export const releaseLockInputSchema = z.strictObject({ ...deviceStep });
export const releaseLockOutputSchema = z.strictObject({ released: z.boolean() });

/** Failure before binding: remove the trustpoint this execution created, if it exists and is unbound. */
export const removeNewTrustpointInputSchema = z.strictObject({ ...deviceStep, trustpoint: trustpointNameSchema });
export const removeNewTrustpointOutputSchema = z.strictObject({ removed: z.boolean() });

/** Failure from binding on: restore `previousBindings` (unbind where there was none), verify, save. */
export const rollbackBindingInputSchema = z.strictObject({
  ...deviceStep,
  trustpoint: trustpointNameSchema,
  previousBindings: bindingsSchema,
  previousIkev2: ikev2BindingSchema,
});
export const rollbackBindingOutputSchema = z.strictObject({
  restoredInterfaces: z.array(interfaceNameSchema),
  /** Interfaces that had no trustpoint before and had the new one removed. */
  unboundInterfaces: z.array(interfaceNameSchema),
  ikev2Restored: z.boolean(),
  saved: z.boolean(),
});

/** Results of the steps that completed before the failure (null: not reached or failed). */
export const renewProgressSchema = z.strictObject({
  preflight: preflightOutputSchema.nullable(),
  certificate: issueCertificateOutputSchema.nullable(),
  install: installCertificateOutputSchema.nullable(),
  binding: bindTrustpointOutputSchema.nullable(),
  verification: verifyDeploymentOutputSchema.nullable(),
  save: saveConfigurationOutputSchema.nullable(),
});
export type RenewProgress = z.infer<typeof renewProgressSchema>;

/** Record the failure in the inventory and release the lease; returns what the Fail state reports. */
export const recordFailureInputSchema = z.strictObject({
  ...deviceStep,
  error: caughtErrorSchema,
  progress: renewProgressSchema,
  removal: removeNewTrustpointOutputSchema.nullable(),
  removalError: caughtErrorSchema.nullable(),
  rollback: rollbackBindingOutputSchema.nullable(),
  rollbackError: caughtErrorSchema.nullable(),
});
export const recordFailureOutputSchema = z.strictObject({
  outcome: z.enum(['ROLLED_BACK', 'FAILED']),
  failedStep: z.enum(RENEW_DEVICE_LAMBDA_STATES),
  /** The error name the execution fails with. */
  error: z.string().min(1),
  /** The cause the execution fails with, starting with `ROLLED_BACK:` or `FAILED:`. */
  cause: z.string().min(1),
});

// --- renew-fleet ----------------------------------------------------------------------------

export const renewFleetInputSchema = z.strictObject({
  force: z.boolean().optional(),
  dryRun: z.boolean().optional(),
  /** Restrict the run to these devices; absent or null: the whole inventory. */
  deviceIds: z.array(deviceIdSchema).nullable().optional(),
});
export type RenewFleetInput = z.infer<typeof renewFleetInputSchema>;

export const listDueDevicesInputSchema = z.strictObject({
  executionId: executionIdSchema,
  force: z.boolean(),
  dryRun: z.boolean(),
  deviceIds: z.array(deviceIdSchema).nullable(),
});
export const listDueDevicesOutputSchema = z.strictObject({
  devices: z.array(z.strictObject({ deviceId: deviceIdSchema })),
  /** Devices looked at (due or not). */
  checkedCount: z.number().int().min(0),
  /** Map MaxConcurrencyPath. Numbers come from state, not from `${...}` substitutions (strings in CDK). */
  maxConcurrency: z.number().int().min(1).max(40),
  toleratedFailurePercentage: z.number().min(0).max(100),
});

/** One Map iteration's result: the child's output, or its failure. */
export const fleetDeviceRecordSchema = z.strictObject({
  deviceId: deviceIdSchema,
  outcome: z.enum(['RENEWED', 'NOT_DUE', 'DRY_RUN', 'FAILED']),
  executionArn: z.string().nullable(),
  result: renewDeviceResultSchema.nullable(),
  /** For FAILED: the Error/Cause the RenewDevice task failed with (States.TaskFailed + JSON on AWS). */
  error: z.string().nullable(),
  cause: z.string().nullable(),
});
export type FleetDeviceRecord = z.infer<typeof fleetDeviceRecordSchema>;

export const summarizeInputSchema = z.strictObject({
  executionId: executionIdSchema,
  force: z.boolean(),
  dryRun: z.boolean(),
  checkedCount: z.number().int().min(0),
  toleratedFailurePercentage: z.number().min(0).max(100),
  devices: z.array(fleetDeviceRecordSchema),
});

export const fleetDeviceSummarySchema = z.strictObject({
  deviceId: deviceIdSchema,
  outcome: z.enum(RENEW_OUTCOMES),
  previousSerial: serialSchema.nullable(),
  serial: serialSchema.nullable(),
  notAfter: timestampSchema.nullable(),
  trustpoint: trustpointNameSchema.nullable(),
  error: z.string().nullable(),
  cause: z.string().nullable(),
  executionArn: z.string().nullable(),
});

/** The fields every fleet summary (renew-fleet, backup-fleet) has: counts, tolerance, the notification. */
export const fleetSummaryFields = {
  total: z.number().int().min(0),
  /** Failed devices / total * 100; 0 for an empty run. */
  failurePercentage: z.number().min(0).max(100),
  toleratedFailurePercentage: z.number().min(0).max(100),
  toleranceExceeded: z.boolean(),
  /** Publish to the failure topic (any device failed or was rolled back). */
  notify: z.boolean(),
  /** SNS Subject: at most 100 printable ASCII characters. */
  subject: z.string().min(1).max(100),
  message: z.string().min(1),
};

export const summarizeOutputSchema = z.strictObject({
  ...fleetSummaryFields,
  renewed: z.number().int().min(0),
  notDue: z.number().int().min(0),
  dryRun: z.number().int().min(0),
  /** Rolled back and failed devices count as failed in failurePercentage. */
  rolledBack: z.number().int().min(0),
  failed: z.number().int().min(0),
  devices: z.array(fleetDeviceSummarySchema),
});
export type FleetSummary = z.infer<typeof summarizeOutputSchema>;

/** NotifyOperators: SNS Publish on AWS; locally a function with the same fields. */
export const notifyOperatorsInputSchema = z.strictObject({
  topicArn: z.string().min(1),
  subject: z.string().min(1).max(100),
  message: z.string().min(1),
});
export const notifyOperatorsOutputSchema = z.strictObject({ messageId: z.string().min(1) });

export const renewFleetResultSchema = z.strictObject({
  summary: summarizeOutputSchema,
  notification: z.strictObject({ messageId: z.string() }).nullable(),
  notificationError: caughtErrorSchema.nullable(),
});
export type RenewFleetResult = z.infer<typeof renewFleetResultSchema>;

// --- The table of Task contracts ------------------------------------------------------------

export const TASK_CONTRACTS = {
  AcquireLock: { input: acquireLockInputSchema, output: acquireLockOutputSchema },
  Preflight: { input: preflightInputSchema, output: preflightOutputSchema },
  IssueCertificate: { input: issueCertificateInputSchema, output: issueCertificateOutputSchema },
  InstallCertificate: { input: installCertificateInputSchema, output: installCertificateOutputSchema },
  BindTrustpoint: { input: bindTrustpointInputSchema, output: bindTrustpointOutputSchema },
  VerifyDeployment: { input: verifyDeploymentInputSchema, output: verifyDeploymentOutputSchema },
  SaveConfiguration: { input: saveConfigurationInputSchema, output: saveConfigurationOutputSchema },
  Cleanup: { input: cleanupInputSchema, output: cleanupOutputSchema },
  RecordState: { input: recordStateInputSchema, output: recordStateOutputSchema },
  ReleaseLock: { input: releaseLockInputSchema, output: releaseLockOutputSchema },
  RemoveNewTrustpoint: { input: removeNewTrustpointInputSchema, output: removeNewTrustpointOutputSchema },
  RollbackBinding: { input: rollbackBindingInputSchema, output: rollbackBindingOutputSchema },
  RecordFailure: { input: recordFailureInputSchema, output: recordFailureOutputSchema },
  ListDueDevices: { input: listDueDevicesInputSchema, output: listDueDevicesOutputSchema },
  Summarize: { input: summarizeInputSchema, output: summarizeOutputSchema },
  NotifyOperators: { input: notifyOperatorsInputSchema, output: notifyOperatorsOutputSchema },
} as const satisfies Record<LambdaTaskState | 'NotifyOperators', { input: z.ZodType; output: z.ZodType }>;

export type ContractState = keyof typeof TASK_CONTRACTS;
export type TaskInput<S extends ContractState> = z.infer<(typeof TASK_CONTRACTS)[S]['input']>;
export type TaskOutput<S extends ContractState> = z.infer<(typeof TASK_CONTRACTS)[S]['output']>;

/**
 * Parse with `schema`; on failure throw a ValidationError naming the first offending path.
 * Zod's messages describe the expected shape, not the received value, so nothing secret is echoed.
 */
export function parseContract<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues;
  const first = issues[0];
  const path = first && first.path.length > 0 ? `${what}.${first.path.map(String).join('.')}` : what;
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more problem(s))` : '';
  throw new ValidationError(path, `${first?.message ?? 'invalid'}${more}`);
}

export function parseTaskInput<S extends ContractState>(state: S, value: unknown): TaskInput<S> {
  return parseContract(TASK_CONTRACTS[state].input as unknown as z.ZodType<TaskInput<S>>, value, `${state} input`);
}

export function parseTaskOutput<S extends ContractState>(state: S, value: unknown): TaskOutput<S> {
  return parseContract(TASK_CONTRACTS[state].output as unknown as z.ZodType<TaskOutput<S>>, value, `${state} output`);
}

// --- Reading a failed renewal ---------------------------------------------------------------

/**
 * The message inside a caught Cause. On AWS the Cause of a Lambda error is the runtime's JSON
 * (`{"errorType":"...","errorMessage":"...","trace":[...]}`); locally it is the message itself.
 */
export function causeMessage(cause: string): string {
  if (!cause.startsWith('{')) return cause;
  try {
    const parsed: unknown = JSON.parse(cause);
    if (typeof parsed === 'object' && parsed !== null) {
      const message = (parsed as Record<string, unknown>)['errorMessage'];
      if (typeof message === 'string') return message;
    }
  } catch {
    // Not JSON after all: the cause is the message.
  }
  return cause;
}

/** RecordFailure prefixes the cause with the outcome so that the fleet summary can read it back. */
export function outcomeFromFailureCause(cause: string): 'ROLLED_BACK' | 'FAILED' {
  return cause.startsWith('ROLLED_BACK:') ? 'ROLLED_BACK' : 'FAILED';
}

export interface ChildFailure {
  executionArn: string | null;
  error: string;
  cause: string;
}

/**
 * The RenewDevice Task of renew-fleet fails with `States.TaskFailed` when the child execution
 * fails; the cause is the JSON of the child's DescribeExecution (ExecutionArn, Status, Error,
 * Cause, ...). The local runner produces the same shape. Anything else (a start that failed,
 * a timeout) is returned as it is.
 */
export function parseChildFailure(error: string, cause: string): ChildFailure {
  if (error === 'States.TaskFailed') {
    try {
      const described: unknown = JSON.parse(cause);
      if (typeof described === 'object' && described !== null) {
        const d = described as Record<string, unknown>;
        const childError = d['Error'] ?? d['error'];
        const childCause = d['Cause'] ?? d['cause'];
        const arn = d['ExecutionArn'] ?? d['executionArn'];
        if (typeof childError === 'string') {
          return {
            executionArn: typeof arn === 'string' ? arn : null,
            error: childError,
            cause: typeof childCause === 'string' ? causeMessage(childCause) : '',
          };
        }
      }
    } catch {
      // Not JSON: a failure of the Task itself, reported below as it is.
    }
  }
  return { executionArn: null, error, cause: causeMessage(cause) };
}
