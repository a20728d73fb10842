// The environment of the task Lambdas, as zod schemas: one schema per capability (what a
// function is given: the inventory table, SSH to the devices, the bundle store, the CA), and a
// function's schema is the union of its capabilities' schemas plus the common part.
//
// The CDK stack (lib/) builds its `environment` props from `TrustpointEnvironment`, the input
// type of the full schema, so a variable the handlers need and the stack forgets is a compile
// error there; at run time the handler parses it and names the missing variable.
//
// This module imports zod only: lib/ may import it without pulling the AWS SDK into the app.
import { z } from 'zod';
import { ValidationError } from '../errors.js';
import type { BackupLambdaState } from '../workflow/backup/contracts.js';
import type { LambdaTaskState } from '../workflow/contracts.js';

/** What a task function needs from the outside world, beyond its input. */
export type Capability = 'inventory' | 'devices' | 'bundles' | 'ca' | 'backups';

/** Every Task state that runs in a Lambda of its own: the renewal's and backup/restore's. */
export type HandlerState = LambdaTaskState | BackupLambdaState;

/**
 * Capabilities per Lambda task: the handler must be given exactly these adapters (checked at
 * compile time), the stack grants exactly these permissions and sets exactly these variables.
 * `devices` means SSH to the ASAs plus their credentials from Secrets Manager: those functions
 * run in the VPC security group that may reach the ASA management addresses.
 */
export const TASK_CAPABILITIES = {
  AcquireLock: ['inventory'],
  Preflight: ['inventory', 'devices'],
  IssueCertificate: ['inventory', 'bundles', 'ca'],
  InstallCertificate: ['inventory', 'devices', 'bundles'],
  BindTrustpoint: ['inventory', 'devices'],
  VerifyDeployment: ['inventory', 'devices'],
  SaveConfiguration: ['inventory', 'devices'],
  Cleanup: ['inventory', 'devices'],
  RecordState: ['inventory'],
  ReleaseLock: ['inventory'],
  RemoveNewTrustpoint: ['inventory', 'devices'],
  RollbackBinding: ['inventory', 'devices'],
  RecordFailure: ['inventory'],
  ListDueDevices: ['inventory'],
  Summarize: [],
  // backup-device and restore-device (statemachines/BACKUP-RESTORE.md); `backups` is the catalog table.
  ExportTrustpoints: ['inventory', 'devices', 'bundles'],
  StoreBackups: ['bundles', 'backups'],
  PruneGenerations: ['bundles', 'backups'],
  ConfirmHostKey: ['inventory', 'devices'],
  RestorePreflight: ['inventory', 'devices'],
  FindBackups: ['bundles', 'backups'],
  ImportBackups: ['inventory', 'devices', 'bundles'],
  RebindTrustpoints: ['inventory', 'devices'],
  VerifyRestore: ['inventory', 'devices'],
  RecordRestore: ['inventory'],
  RecordRestoreFailure: ['inventory'],
  // backup-fleet: ListBackupDevices reads the inventory (Scan); SummarizeBackups reads only its input.
  ListBackupDevices: ['inventory'],
  SummarizeBackups: [],
} as const satisfies Record<HandlerState, readonly Capability[]>;

export type CapabilitiesOf<S extends HandlerState> = (typeof TASK_CAPABILITIES)[S][number];

export function capabilitiesOf(state: HandlerState): readonly Capability[] {
  return TASK_CAPABILITIES[state];
}

/** True for the tasks that open SSH sessions to the ASAs. */
export function speaksSsh(state: HandlerState): boolean {
  return (TASK_CAPABILITIES[state] as readonly Capability[]).includes('devices');
}

const wholeNumber = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d+$/, `expected a whole number from ${min} to ${max}`)
    .transform(Number)
    .refine((n) => n >= min && n <= max, `expected a whole number from ${min} to ${max}`);

const percentage = z
  .string()
  .regex(/^\d+(\.\d+)?$/, 'expected a percentage from 0 to 100')
  .transform(Number)
  .refine((n) => n >= 0 && n <= 100, 'expected a percentage from 0 to 100');

const arn = (service: string, resource: RegExp) =>
  z
    .string()
    .refine((value) => new RegExp(`^arn:aws[a-z-]*:${service}:[a-z0-9-]*:(\\d{12})?:`).test(value) && resource.test(value), `expected an ${service} ARN`);

/** Every function: the name prefix, the metrics namespace and the task options. */
export const commonEnvironmentSchema = z.object({
  /** The deployment's name prefix: secrets, S3 keys and metrics live under it. */
  TRUSTPOINT_NAME_PREFIX: z.string().regex(/^[a-z][a-z0-9-]{1,30}$/, 'expected 2-31 lowercase letters, digits and "-", starting with a letter'),
  POWERTOOLS_SERVICE_NAME: z.string().min(1),
  POWERTOOLS_METRICS_NAMESPACE: z.string().regex(/^[A-Za-z0-9._/#:-]{1,255}$/, 'expected a CloudWatch namespace'),
  TRUSTPOINT_LEASE_TTL_SECONDS: wholeNumber(60, 86_400),
  TRUSTPOINT_KEEP_GENERATIONS: wholeNumber(2, 20),
  TRUSTPOINT_MAX_CONCURRENCY: wholeNumber(1, 40),
  TRUSTPOINT_TOLERATED_FAILURE_PERCENTAGE: percentage,
});

export const CAPABILITY_ENVIRONMENT_SCHEMAS = {
  inventory: z.object({
    INVENTORY_TABLE_NAME: z.string().regex(/^[A-Za-z0-9_.-]{3,255}$/, 'expected a DynamoDB table name'),
  }),
  devices: z.object({
    /** Device credentials secrets must be named `<prefix>/...`: the IAM policy allows no others. */
    CREDENTIALS_SECRET_PREFIX: z.string().regex(/^[A-Za-z0-9/_+=.@-]{1,256}\/$/, 'expected a secret name prefix ending with "/"'),
  }),
  bundles: z.object({
    BUNDLE_BUCKET_NAME: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'expected an S3 bucket name'),
    BUNDLE_KEY_PREFIX: z.string().regex(/^[A-Za-z0-9._-]+\/$/, 'expected a key prefix ending with "/"'),
    BUNDLE_KMS_KEY_ARN: arn('kms', /:key\/[0-9a-f-]{36}$/),
    BUNDLE_MASTER_KEY_SECRET_ARN: arn('secretsmanager', /:secret:.+$/),
  }),
  ca: z.object({
    CA_ARN: arn('acm-pca', /:certificate-authority\/[0-9a-f-]{36}$/),
    CA_TEMPLATE_ARN: arn('acm-pca', /:template\/[A-Za-z0-9_]+\/V\d+$/),
  }),
  backups: z.object({
    BACKUP_TABLE_NAME: z.string().regex(/^[A-Za-z0-9_.-]{3,255}$/, 'expected a DynamoDB table name'),
  }),
} as const satisfies Record<Capability, z.ZodObject>;

type CapabilitySchemas = typeof CAPABILITY_ENVIRONMENT_SCHEMAS;

/** The variables as lib/ writes them (strings). Every function's environment is a subset. */
export type TrustpointEnvironment = z.input<typeof commonEnvironmentSchema> &
  z.input<CapabilitySchemas['inventory']> &
  z.input<CapabilitySchemas['devices']> &
  z.input<CapabilitySchemas['bundles']> &
  z.input<CapabilitySchemas['ca']> &
  z.input<CapabilitySchemas['backups']>;

/** The parsed variables a function with capabilities `C` sees. */
export type TaskEnvironment<C extends Capability> = z.output<typeof commonEnvironmentSchema> & UnionToIntersection<{ [K in C]: z.output<CapabilitySchemas[K]> }[C]>;

type UnionToIntersection<U> = (U extends unknown ? (arg: U) => void : never) extends (arg: infer I) => void ? I : never;

/** The zod schema of one task's environment. */
export function environmentSchemaFor(state: HandlerState): z.ZodObject {
  let schema: z.ZodObject = commonEnvironmentSchema;
  for (const capability of capabilitiesOf(state)) schema = schema.extend(CAPABILITY_ENVIRONMENT_SCHEMAS[capability].shape);
  return schema;
}

/** The names of the variables one task reads: what lib/ sets on its function, and nothing else. */
export function environmentKeysFor(state: HandlerState): string[] {
  return Object.keys(environmentSchemaFor(state).shape).sort();
}

/** The subset of the full environment that one task's function gets. */
export function environmentFor(state: HandlerState, full: TrustpointEnvironment): Record<string, string> {
  const values = full as unknown as Record<string, string>;
  return Object.fromEntries(environmentKeysFor(state).map((key) => [key, values[key] as string]));
}

/**
 * Parses `env` (process.env) for one task. A missing or malformed variable is a
 * ValidationError naming it; values are not echoed (they are names and ARNs, but the rule is
 * simpler when nothing from the environment reaches a message).
 */
export function parseTaskEnvironment<S extends HandlerState>(state: S, env: Readonly<Record<string, string | undefined>>): TaskEnvironment<CapabilitiesOf<S>> {
  const parsed = environmentSchemaFor(state).safeParse(env);
  if (parsed.success) return parsed.data as TaskEnvironment<CapabilitiesOf<S>>;
  const problems = parsed.error.issues.map((issue) => {
    const variable = issue.path.map(String).join('.') || '(environment)';
    const missing = env[variable] === undefined;
    return { variable, problem: missing ? 'is not set' : issue.message };
  });
  const first = problems[0] ?? { variable: '(environment)', problem: 'is invalid' };
  const more = problems.length > 1 ? ` (also: ${problems.slice(1).map((p) => `${p.variable} ${p.problem}`).join('; ')})` : '';
  throw new ValidationError(`environment.${first.variable}`, `${first.problem} for the ${state} function${more}`);
}
