// The contracts of backup-device and restore-device: execution input and output, and the input
// and output of every Task. Like src/workflow/contracts.ts they carry references only (device
// id, trustpoint names, serials, dates, bundle references, host key fingerprints): never a
// PKCS12, a passphrase, a key or a password. Outputs are strict objects, so a field returned by
// mistake fails loudly instead of reaching the execution history.
import { z } from 'zod';
import {
  FAILURE_TOPIC_ARN_KEY,
  LAMBDA_TASKS,
  RENEW_DEVICE_STATE_MACHINE_ARN_KEY,
  bundleRefSchema,
  caughtErrorSchema,
  deviceIdSchema,
  executionIdSchema,
  interfaceNameSchema,
  renewDeviceResultSchema,
  serialSchema,
  timestampSchema,
  trustpointNameSchema,
  parseContract,
  fleetSummaryFields,
} from '../contracts.js';
import type { RetryGroupName } from '../error-handling.js';

// --- Names: one name, four spellings -------------------------------------------------------

export const BACKUP_DEVICE_LAMBDA_STATES = ['ExportTrustpoints', 'StoreBackups', 'PruneGenerations'] as const;
/** restore-device's own Lambda Tasks; it also calls renew-device's AcquireLock, ReleaseLock and SaveConfiguration. */
export const RESTORE_DEVICE_LAMBDA_STATES = [
  'ConfirmHostKey',
  'RestorePreflight',
  'FindBackups',
  'ImportBackups',
  'RebindTrustpoints',
  'VerifyRestore',
  'RecordRestore',
  'RecordRestoreFailure',
] as const;
/** backup-fleet's own Lambda Tasks; it also publishes to the renewal's failure topic and starts backup-device. */
export const BACKUP_FLEET_LAMBDA_STATES = ['ListBackupDevices', 'SummarizeBackups'] as const;
/** The renewal's functions restore-device reuses as they are (same Lambda, same contract). */
export const REUSED_RENEWAL_STATES = ['AcquireLock', 'ReleaseLock', 'SaveConfiguration'] as const;

export type BackupDeviceLambdaState = (typeof BACKUP_DEVICE_LAMBDA_STATES)[number];
export type RestoreDeviceLambdaState = (typeof RESTORE_DEVICE_LAMBDA_STATES)[number];
export type BackupFleetLambdaState = (typeof BACKUP_FLEET_LAMBDA_STATES)[number];
export type BackupLambdaState = BackupDeviceLambdaState | RestoreDeviceLambdaState | BackupFleetLambdaState;

export type BackupStateMachineName = 'backup-device' | 'restore-device' | 'backup-fleet';
export const BACKUP_STATE_MACHINE_NAMES: readonly BackupStateMachineName[] = ['backup-device', 'restore-device', 'backup-fleet'];

/** backup-fleet starts one backup-device execution per device (`states:startExecution.sync:2`). */
export const BACKUP_DEVICE_STATE_MACHINE_ARN_KEY = 'BackupDeviceStateMachineArn';
/** TimeoutSeconds of backup-fleet's BackupDevice Task: backup-device's own execution timeout. */
export const BACKUP_DEVICE_CHILD_TIMEOUT_SECONDS = 3600;

function kebabCase(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();
}

export interface BackupLambdaTaskNames {
  state: BackupLambdaState;
  folder: string;
  constructId: string;
  substitutionKey: string;
  substitution: string;
}

export const BACKUP_LAMBDA_TASKS: Readonly<Record<BackupLambdaState, BackupLambdaTaskNames>> = Object.fromEntries(
  [...BACKUP_DEVICE_LAMBDA_STATES, ...RESTORE_DEVICE_LAMBDA_STATES, ...BACKUP_FLEET_LAMBDA_STATES].map((state) => {
    const substitutionKey = `${state}FunctionArn`;
    return [state, { state, folder: `lambdas/${kebabCase(state)}`, constructId: `${state}Function`, substitutionKey, substitution: `\${${substitutionKey}}` }];
  }),
) as Record<BackupLambdaState, BackupLambdaTaskNames>;

/** The definitionSubstitutions keys each machine needs (all strings: ARNs). */
export const BACKUP_SUBSTITUTION_KEYS: Readonly<Record<BackupStateMachineName, readonly string[]>> = {
  'backup-device': BACKUP_DEVICE_LAMBDA_STATES.map((s) => BACKUP_LAMBDA_TASKS[s].substitutionKey),
  'restore-device': [
    ...RESTORE_DEVICE_LAMBDA_STATES.map((s) => BACKUP_LAMBDA_TASKS[s].substitutionKey),
    ...REUSED_RENEWAL_STATES.map((s) => LAMBDA_TASKS[s].substitutionKey),
    RENEW_DEVICE_STATE_MACHINE_ARN_KEY,
  ],
  'backup-fleet': [...BACKUP_FLEET_LAMBDA_STATES.map((s) => BACKUP_LAMBDA_TASKS[s].substitutionKey), BACKUP_DEVICE_STATE_MACHINE_ARN_KEY, FAILURE_TOPIC_ARN_KEY],
};

/** State TimeoutSeconds and the (shorter) Lambda timeout the stack must set. */
export const BACKUP_TASK_TIMEOUTS: Readonly<Record<BackupLambdaState, { stateSeconds: number; lambdaSeconds: number }>> = {
  // One `crypto ca export` per trustpoint (slow on the ASA), decode check, encrypted put.
  ExportTrustpoints: { stateSeconds: 600, lambdaSeconds: 570 },
  StoreBackups: { stateSeconds: 60, lambdaSeconds: 50 },
  PruneGenerations: { stateSeconds: 60, lambdaSeconds: 50 },
  ConfirmHostKey: { stateSeconds: 120, lambdaSeconds: 100 },
  RestorePreflight: { stateSeconds: 120, lambdaSeconds: 100 },
  // Decrypts and decodes every candidate bundle.
  FindBackups: { stateSeconds: 120, lambdaSeconds: 100 },
  // One PKCS12 paste per trustpoint.
  ImportBackups: { stateSeconds: 600, lambdaSeconds: 570 },
  RebindTrustpoints: { stateSeconds: 180, lambdaSeconds: 160 },
  VerifyRestore: { stateSeconds: 180, lambdaSeconds: 160 },
  RecordRestore: { stateSeconds: 30, lambdaSeconds: 20 },
  RecordRestoreFailure: { stateSeconds: 30, lambdaSeconds: 20 },
  // One inventory Scan (all pages).
  ListBackupDevices: { stateSeconds: 60, lambdaSeconds: 50 },
  SummarizeBackups: { stateSeconds: 30, lambdaSeconds: 20 },
};

const LAMBDA_GROUPS: RetryGroupName[] = ['lambdaService', 'lambdaThrottled', 'lambdaNotReady'];

/** What each Task talks to decides which transient errors it retries (groups of src/workflow/error-handling.ts). */
export const BACKUP_TASK_RETRY_GROUPS: Readonly<Record<BackupLambdaState, readonly RetryGroupName[]>> = {
  ExportTrustpoints: [...LAMBDA_GROUPS, 'device', 'store'],
  StoreBackups: [...LAMBDA_GROUPS, 'store'],
  PruneGenerations: [...LAMBDA_GROUPS, 'store'],
  ConfirmHostKey: [...LAMBDA_GROUPS, 'device', 'store'],
  RestorePreflight: [...LAMBDA_GROUPS, 'device', 'store'],
  FindBackups: [...LAMBDA_GROUPS, 'store'],
  ImportBackups: [...LAMBDA_GROUPS, 'device', 'store'],
  RebindTrustpoints: [...LAMBDA_GROUPS, 'device', 'store'],
  VerifyRestore: [...LAMBDA_GROUPS, 'device', 'store'],
  RecordRestore: [...LAMBDA_GROUPS, 'store'],
  RecordRestoreFailure: [...LAMBDA_GROUPS, 'store'],
  ListBackupDevices: [...LAMBDA_GROUPS, 'store'],
  SummarizeBackups: [...LAMBDA_GROUPS],
};

/** Default number of backup generations kept per trustpoint (the execution input may say otherwise). */
export const DEFAULT_KEEP_BACKUP_GENERATIONS = 3;
export const MAX_KEEP_BACKUP_GENERATIONS = 50;

// --- Primitives ----------------------------------------------------------------------------

/** `ssh-keygen -lf` form: what the operator reads on the replacement's console. */
export const hostKeySha256Schema = z.string().regex(/^SHA256:[A-Za-z0-9+/]{43}$/, 'expected an SSH host key fingerprint "SHA256:" + 43 base64 characters, as ssh-keygen -lf prints it');

/** Where a backup's bundle came from: exported from the device, or the renewal's own issued bundle. */
export const backupSourceSchema = z.enum(['exported', 'issued']);

/** One trustpoint's backup: what restore needs to put it back exactly as it was. */
export const backupItemSchema = z.strictObject({
  trustpoint: trustpointNameSchema,
  serial: serialSchema,
  notAfter: timestampSchema,
  /** The interfaces `ssl trust-point <tp> <if>` bound it to when the backup was taken. */
  interfaces: z.array(interfaceNameSchema),
  /** It was the IKEv2 remote-access trustpoint. */
  ikev2: z.boolean(),
  bundleRef: bundleRefSchema,
  source: backupSourceSchema,
  /** The bundle already existed (same serial): nothing was exported this time. */
  reused: z.boolean(),
});
export type BackupItem = z.infer<typeof backupItemSchema>;

/** A catalog entry: a backup item with when and by which execution it was recorded. */
export const backupEntrySchema = backupItemSchema.omit({ reused: true }).extend({
  deviceId: deviceIdSchema,
  takenAt: timestampSchema,
  executionId: executionIdSchema,
});
export type BackupEntry = z.infer<typeof backupEntrySchema>;

const deviceStep = { deviceId: deviceIdSchema, executionId: executionIdSchema };

// --- backup-device -------------------------------------------------------------------------

export const backupDeviceInputSchema = z.strictObject({
  deviceId: deviceIdSchema,
  /** Trustpoints to back up besides the bound ones (e.g. a standby certificate not bound yet). */
  trustpoints: z.array(trustpointNameSchema).optional(),
  keepGenerations: z.number().int().min(1).max(MAX_KEEP_BACKUP_GENERATIONS).optional(),
  AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID: z.string().optional(),
});
export type BackupDeviceInput = z.infer<typeof backupDeviceInputSchema>;

export const exportTrustpointsInputSchema = z.strictObject({ ...deviceStep, trustpoints: z.array(trustpointNameSchema) });
export const exportTrustpointsOutputSchema = z.strictObject({ items: z.array(backupItemSchema) });

export const storeBackupsInputSchema = z.strictObject({ ...deviceStep, items: z.array(backupItemSchema) });
export const storeBackupsOutputSchema = z.strictObject({ takenAt: timestampSchema, recorded: z.number().int().min(0) });

export const pruneGenerationsInputSchema = z.strictObject({ ...deviceStep, keepGenerations: z.number().int().min(1).max(MAX_KEEP_BACKUP_GENERATIONS) });
export const prunedEntrySchema = z.strictObject({ trustpoint: trustpointNameSchema, serial: serialSchema, takenAt: timestampSchema, bundleRemoved: z.boolean() });
export const pruneGenerationsOutputSchema = z.strictObject({ pruned: z.array(prunedEntrySchema), kept: z.number().int().min(0) });

export const backupDeviceResultSchema = z.strictObject({
  outcome: z.literal('BACKED_UP'),
  deviceId: deviceIdSchema,
  executionId: executionIdSchema,
  takenAt: timestampSchema,
  items: z.array(backupItemSchema),
  prune: pruneGenerationsOutputSchema.nullable(),
  pruneError: caughtErrorSchema.nullable(),
});
export type BackupDeviceResult = z.infer<typeof backupDeviceResultSchema>;

// --- restore-device ------------------------------------------------------------------------

export const restoreDeviceInputSchema = z.strictObject({
  deviceId: deviceIdSchema,
  /**
   * The replacement's host key, read by the operator on its console. It becomes the pinned key
   * (nothing is trusted on first use); absent: the inventory's key, which a replacement does not present.
   */
  hostKeySha256: hostKeySha256Schema.nullable().optional(),
  AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID: z.string().optional(),
});
export type RestoreDeviceInput = z.infer<typeof restoreDeviceInputSchema>;

export const confirmHostKeyInputSchema = z.strictObject({ ...deviceStep, hostKeySha256: hostKeySha256Schema.nullable() });
export const confirmHostKeyOutputSchema = z.strictObject({
  hostKeySha256: hostKeySha256Schema,
  /** The inventory pinned another key before: the operator's confirmation replaced it. */
  changed: z.boolean(),
  previousHostKeySha256: hostKeySha256Schema,
});

export const restorePreflightInputSchema = z.strictObject({ ...deviceStep });
export const restorePreflightOutputSchema = z.strictObject({
  hostname: z.string(),
  failoverRole: z.enum(['active', 'none']),
  /** The bindings of the device record's interfaces on the replacement now (null: none). */
  bindings: z.record(interfaceNameSchema, trustpointNameSchema.nullable()),
});

export const findBackupsInputSchema = z.strictObject({ ...deviceStep });
export const unusableBackupSchema = z.strictObject({
  trustpoint: trustpointNameSchema,
  serial: serialSchema.nullable(),
  /** Why it cannot be restored, in words: missing, expired, undecryptable, wrong passphrase material. */
  reason: z.string().min(1).max(500),
});
export const findBackupsOutputSchema = z.strictObject({
  /** RESTORE: every backed-up trustpoint has a usable backup. RENEW: the renewal path (a new key on the new device). */
  plan: z.enum(['RESTORE', 'RENEW']),
  backups: z.array(backupItemSchema.omit({ reused: true }).extend({ takenAt: timestampSchema })),
  unusable: z.array(unusableBackupSchema),
  reason: z.string().min(1).max(2000),
});
export type FindBackupsOutput = z.infer<typeof findBackupsOutputSchema>;
export type PlannedBackup = FindBackupsOutput['backups'][number];

export const importBackupsInputSchema = z.strictObject({ ...deviceStep, backups: findBackupsOutputSchema.shape.backups });
export const importedTrustpointSchema = z.strictObject({ trustpoint: trustpointNameSchema, serial: serialSchema, alreadyPresent: z.boolean() });
export const importBackupsOutputSchema = z.strictObject({ imported: z.array(importedTrustpointSchema) });

export const rebindTrustpointsInputSchema = importBackupsInputSchema;
export const rebindTrustpointsOutputSchema = z.strictObject({
  bound: z.array(z.strictObject({ trustpoint: trustpointNameSchema, interfaces: z.array(interfaceNameSchema), ikev2: z.boolean() })),
});

export const verifyRestoreInputSchema = importBackupsInputSchema;
export const verifyRestoreOutputSchema = z.strictObject({
  verified: z.array(
    z.strictObject({
      trustpoint: trustpointNameSchema,
      serial: serialSchema,
      interfaces: z.array(interfaceNameSchema),
      tlsVerifiedInterfaces: z.array(interfaceNameSchema),
      tlsSkippedInterfaces: z.array(interfaceNameSchema),
    }),
  ),
});

export const recordRestoreInputSchema = z.strictObject({ ...deviceStep, backups: findBackupsOutputSchema.shape.backups });
export const recordRestoreOutputSchema = z.strictObject({ recordedAt: timestampSchema });

/** Results of the restore steps reached before the failure (null: not reached or failed). */
export const restoreProgressSchema = z.strictObject({
  hostKey: confirmHostKeyOutputSchema.nullable(),
  preflight: restorePreflightOutputSchema.nullable(),
  backups: findBackupsOutputSchema.nullable(),
  imported: importBackupsOutputSchema.nullable(),
  binding: rebindTrustpointsOutputSchema.nullable(),
  verification: verifyRestoreOutputSchema.nullable(),
  save: z.strictObject({ saved: z.literal(true), standbyWritten: z.boolean() }).nullable(),
});
export type RestoreProgress = z.infer<typeof restoreProgressSchema>;

export const recordRestoreFailureInputSchema = z.strictObject({
  ...deviceStep,
  error: caughtErrorSchema,
  progress: restoreProgressSchema,
});
export const recordRestoreFailureOutputSchema = z.strictObject({ error: z.string().min(1), cause: z.string().min(1) });

const restoredResultSchema = z.strictObject({
  outcome: z.literal('RESTORED'),
  deviceId: deviceIdSchema,
  executionId: executionIdSchema,
  hostKey: confirmHostKeyOutputSchema,
  failoverRole: z.enum(['active', 'none']),
  restored: findBackupsOutputSchema.shape.backups,
  imported: importBackupsOutputSchema.shape.imported,
  verified: verifyRestoreOutputSchema.shape.verified,
  standbyWritten: z.boolean(),
  message: z.string().min(1),
});

const renewedInsteadResultSchema = z.strictObject({
  outcome: z.literal('RENEWED_INSTEAD'),
  deviceId: deviceIdSchema,
  executionId: executionIdSchema,
  hostKey: confirmHostKeyOutputSchema,
  /** Why no backup was restored, and that a new key was generated on the replacement. */
  reason: z.string().min(1),
  unusable: z.array(unusableBackupSchema),
  renewal: renewDeviceResultSchema,
});

export const restoreDeviceResultSchema = z.discriminatedUnion('outcome', [restoredResultSchema, renewedInsteadResultSchema]);
export type RestoreDeviceResult = z.infer<typeof restoreDeviceResultSchema>;

// --- backup-fleet --------------------------------------------------------------------------

export const backupFleetInputSchema = z.strictObject({
  /** Only these devices (default: every device in the inventory). */
  deviceIds: z.array(deviceIdSchema).min(1).nullable().optional(),
  /** Passed to every backup-device execution (default DEFAULT_KEEP_BACKUP_GENERATIONS). */
  keepGenerations: z.number().int().min(1).max(MAX_KEEP_BACKUP_GENERATIONS).optional(),
});
export type BackupFleetInput = z.infer<typeof backupFleetInputSchema>;

export const listBackupDevicesInputSchema = z.strictObject({
  executionId: executionIdSchema,
  deviceIds: z.array(deviceIdSchema).min(1).nullable(),
  /** Checked here, so that a bad value fails the run before any device instead of every device's prune. */
  keepGenerations: z.number().int().min(1).max(MAX_KEEP_BACKUP_GENERATIONS),
});
export const listBackupDevicesOutputSchema = z.strictObject({
  devices: z.array(z.strictObject({ deviceId: deviceIdSchema })),
  /** Map MaxConcurrencyPath (numbers come from state, not from `${...}` substitutions). */
  maxConcurrency: z.number().int().min(1).max(40),
  toleratedFailurePercentage: z.number().min(0).max(100),
});

/** One Map iteration of backup-fleet: the child's output, or its failure. */
export const backupFleetDeviceRecordSchema = z.strictObject({
  deviceId: deviceIdSchema,
  outcome: z.enum(['BACKED_UP', 'FAILED']),
  executionArn: z.string().nullable(),
  result: backupDeviceResultSchema.nullable(),
  /** For FAILED: the Error/Cause of the BackupDevice Task (States.TaskFailed + the child's DescribeExecution JSON on AWS). */
  error: z.string().nullable(),
  cause: z.string().nullable(),
});
export type BackupFleetDeviceRecord = z.infer<typeof backupFleetDeviceRecordSchema>;

export const summarizeBackupsInputSchema = z.strictObject({
  executionId: executionIdSchema,
  toleratedFailurePercentage: z.number().min(0).max(100),
  devices: z.array(backupFleetDeviceRecordSchema),
});

export const backupFleetDeviceSummarySchema = z.strictObject({
  deviceId: deviceIdSchema,
  outcome: z.enum(['BACKED_UP', 'FAILED']),
  takenAt: timestampSchema.nullable(),
  /** What the backup holds now, per trustpoint: exported this time, or an earlier bundle of the same serial reused. */
  trustpoints: z.array(z.strictObject({ trustpoint: trustpointNameSchema, serial: serialSchema, source: backupSourceSchema, reused: z.boolean() })),
  /** Older backup entries removed by PruneGenerations (null: failed or not reached). */
  pruned: z.number().int().min(0).nullable(),
  /** PruneGenerations failed: `<error name>: <cause>`; the backup itself stands. */
  pruneError: z.string().nullable(),
  error: z.string().nullable(),
  cause: z.string().nullable(),
  executionArn: z.string().nullable(),
});
export type BackupFleetDeviceSummary = z.infer<typeof backupFleetDeviceSummarySchema>;

export const summarizeBackupsOutputSchema = z.strictObject({
  ...fleetSummaryFields,
  backedUp: z.number().int().min(0),
  failed: z.number().int().min(0),
  /** Trustpoints in the backed-up devices' backups, and of those how many were exported this run or reused. */
  trustpoints: z.number().int().min(0),
  exported: z.number().int().min(0),
  reused: z.number().int().min(0),
  /** Devices backed up whose PruneGenerations failed (older backups kept). */
  pruneFailures: z.number().int().min(0),
  devices: z.array(backupFleetDeviceSummarySchema),
});

export const backupFleetResultSchema = z.strictObject({
  summary: summarizeBackupsOutputSchema,
  notification: z.strictObject({ messageId: z.string() }).nullable(),
  notificationError: caughtErrorSchema.nullable(),
});
export type BackupFleetResult = z.infer<typeof backupFleetResultSchema>;

// --- The table -----------------------------------------------------------------------------

export const BACKUP_TASK_CONTRACTS = {
  ExportTrustpoints: { input: exportTrustpointsInputSchema, output: exportTrustpointsOutputSchema },
  StoreBackups: { input: storeBackupsInputSchema, output: storeBackupsOutputSchema },
  PruneGenerations: { input: pruneGenerationsInputSchema, output: pruneGenerationsOutputSchema },
  ConfirmHostKey: { input: confirmHostKeyInputSchema, output: confirmHostKeyOutputSchema },
  RestorePreflight: { input: restorePreflightInputSchema, output: restorePreflightOutputSchema },
  FindBackups: { input: findBackupsInputSchema, output: findBackupsOutputSchema },
  ImportBackups: { input: importBackupsInputSchema, output: importBackupsOutputSchema },
  RebindTrustpoints: { input: rebindTrustpointsInputSchema, output: rebindTrustpointsOutputSchema },
  VerifyRestore: { input: verifyRestoreInputSchema, output: verifyRestoreOutputSchema },
  RecordRestore: { input: recordRestoreInputSchema, output: recordRestoreOutputSchema },
  RecordRestoreFailure: { input: recordRestoreFailureInputSchema, output: recordRestoreFailureOutputSchema },
  ListBackupDevices: { input: listBackupDevicesInputSchema, output: listBackupDevicesOutputSchema },
  SummarizeBackups: { input: summarizeBackupsInputSchema, output: summarizeBackupsOutputSchema },
} as const satisfies Record<BackupLambdaState, { input: z.ZodType; output: z.ZodType }>;

export type BackupTaskInput<S extends BackupLambdaState> = z.infer<(typeof BACKUP_TASK_CONTRACTS)[S]['input']>;
export type BackupTaskOutput<S extends BackupLambdaState> = z.infer<(typeof BACKUP_TASK_CONTRACTS)[S]['output']>;

export function parseBackupTaskOutput<S extends BackupLambdaState>(state: S, value: unknown): BackupTaskOutput<S> {
  return parseContract(BACKUP_TASK_CONTRACTS[state].output as unknown as z.ZodType<BackupTaskOutput<S>>, value, `${state} output`);
}
