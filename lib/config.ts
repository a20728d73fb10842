// The deployment's configuration: the `trustpoint` object of the CDK context (cdk.json, or
// `-c trustpoint='{"...": ...}'`), validated at synth. A bad or missing value stops the synth
// with a ValidationError naming the field (`trustpoint.vpc.subnets.0.routeTableId`) and what
// was expected, before any resource is built.
import { z } from 'zod';
import { ValidationError } from '../src/errors.js';
import { DEFAULT_TASK_OPTIONS } from '../src/workflow/dependencies.js';

export const CONFIG_CONTEXT_KEY = 'trustpoint';

const CA_ARN = /^arn:aws[a-z-]*:acm-pca:[a-z0-9-]+:\d{12}:certificate-authority\/[0-9a-f-]{36}$/;
const TEMPLATE_ARN = /^arn:aws[a-z-]*:acm-pca:::template\/[A-Za-z0-9_]+\/V\d+$/;
const IPV4_CIDR = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}\/(3[0-2]|[12]?\d)$/;
/** EventBridge Scheduler cron() or rate() expression. */
const SCHEDULE_EXPRESSION = /^(cron\(\S+( \S+){5}\)|rate\(\d+ (minute|minutes|hour|hours|day|days)\))$/;

const cidr = z
  .string()
  .regex(IPV4_CIDR, 'expected an IPv4 CIDR such as 10.20.0.0/24')
  .refine((value) => !value.endsWith('/0'), 'a /0 would open SSH and HTTPS to every address: list the ASA management networks');

const existingVpcSchema = z.strictObject({
  vpcId: z.string().regex(/^vpc-[0-9a-f]{8,17}$/, 'expected a VPC id (vpc-...)'),
  /** Private subnets the Lambdas run in, with their route tables (for the S3 and DynamoDB gateway endpoints). */
  subnets: z
    .array(
      z.strictObject({
        subnetId: z.string().regex(/^subnet-[0-9a-f]{8,17}$/, 'expected a subnet id (subnet-...)'),
        availabilityZone: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d[a-z]$/, 'expected an availability zone such as eu-west-1a'),
        routeTableId: z.string().regex(/^rtb-[0-9a-f]{8,17}$/, 'expected a route table id (rtb-...)'),
      }),
    )
    .min(2, 'expected at least 2 subnets in different availability zones'),
  /**
   * False when the VPC already has the interface endpoints (private DNS) and the S3/DynamoDB
   * gateway endpoints on these route tables: a second one would conflict. Then
   * endpointSecurityGroupId names the security group of the existing interface endpoints.
   */
  createEndpoints: z.boolean().default(true),
  endpointSecurityGroupId: z.string().regex(/^sg-[0-9a-f]{8,17}$/, 'expected a security group id (sg-...)').optional(),
});

const newVpcSchema = z.strictObject({
  create: z.literal(true),
  cidr: cidr.default('10.42.0.0/24'),
  maxAzs: z.number().int().min(2).max(3).default(2),
});

export const configSchema = z
  .strictObject({
    /** 12-digit account and region the stack deploys to (the AZ and prefix-list lookups need them). */
    account: z.string().regex(/^\d{12}$/, 'expected a 12-digit AWS account id'),
    region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'expected an AWS region such as eu-west-1'),
    /** Prefix of every physical name: secrets `<prefix>/...`, S3 keys `<prefix>/...`, state machines `<prefix>-renew-device`. */
    namePrefix: z.string().regex(/^[a-z][a-z0-9-]{1,20}$/, 'expected 2-21 lowercase letters, digits and "-", starting with a letter').default('trustpoint'),
    /** The issuing CA; or `createCa: true` for a trial (a general-purpose CA costs $400 a month, pro-rated). */
    caArn: z.string().regex(CA_ARN, 'expected an ACM PCA certificate authority ARN').optional(),
    createCa: z.boolean().optional(),
    templateArn: z.string().regex(TEMPLATE_ARN, 'expected an ACM PCA template ARN (arn:aws:acm-pca:::template/<Name>/V<n>)').optional(),
    vpc: z.union([newVpcSchema, existingVpcSchema], { error: 'expected {"create": true, ...} or {"vpcId": "vpc-...", "subnets": [...]}' }),
    asaManagementCidrs: z.array(cidr).min(1, 'expected at least one ASA management CIDR'),
    schedules: z
      .strictObject({
        renewFleet: z.string().regex(SCHEDULE_EXPRESSION, 'expected an EventBridge Scheduler expression such as cron(0 3 * * ? *)').default('cron(0 3 * * ? *)'),
        /** The weekly fleet backup (backup-fleet): every device's bound trustpoints exported and kept. */
        backupFleet: z.string().regex(SCHEDULE_EXPRESSION, 'expected an EventBridge Scheduler expression such as cron(0 2 ? * SUN *)').default('cron(0 2 ? * SUN *)'),
        timeZone: z.string().regex(/^[A-Za-z_]+(\/[A-Za-z0-9_+-]+)*$/, 'expected an IANA time zone such as Europe/Zurich').default('Etc/UTC'),
        /** Off while the operators watch the first runs. */
        enabled: z.boolean().default(true),
      })
      .default({ renewFleet: 'cron(0 3 * * ? *)', backupFleet: 'cron(0 2 ? * SUN *)', timeZone: 'Etc/UTC', enabled: true }),
    notificationEmail: z.email('expected an email address for the failure notifications'),
    /** Alarm when any device's certificate expires in fewer days than this. */
    expiryAlarmDays: z.number().int().min(1).max(365).default(14),
    options: z
      .strictObject({
        leaseTtlSeconds: z.number().int().min(60).max(86_400).default(DEFAULT_TASK_OPTIONS.leaseTtlSeconds),
        keepGenerations: z.number().int().min(2).max(20).default(DEFAULT_TASK_OPTIONS.keepGenerations),
        maxConcurrency: z.number().int().min(1).max(40).default(DEFAULT_TASK_OPTIONS.maxConcurrency),
        toleratedFailurePercentage: z.number().min(0).max(100).default(DEFAULT_TASK_OPTIONS.toleratedFailurePercentage),
      })
      .default({ ...DEFAULT_TASK_OPTIONS }),
    logRetentionDays: z.union([z.literal(30), z.literal(90), z.literal(180), z.literal(365), z.literal(731)], { error: 'expected 30, 90, 180, 365 or 731' }).default(365),
  })
  .superRefine((config, ctx) => {
    if ((config.caArn === undefined) === (config.createCa !== true)) {
      ctx.addIssue({ code: 'custom', path: ['caArn'], message: 'set either caArn (an existing ACM PCA) or "createCa": true (a new CA for trials), not both and not neither' });
    }
    if (config.caArn !== undefined) {
      const caRegion = config.caArn.split(':')[3];
      if (caRegion !== config.region) ctx.addIssue({ code: 'custom', path: ['caArn'], message: `the CA is in ${caRegion ?? '?'}, the stack in ${config.region}: they must be in the same region` });
    }
    if ('subnets' in config.vpc) {
      const zones = new Set(config.vpc.subnets.map((subnet) => subnet.availabilityZone));
      if (zones.size < 2) ctx.addIssue({ code: 'custom', path: ['vpc', 'subnets'], message: 'expected subnets in at least 2 availability zones' });
      if (!config.vpc.createEndpoints && config.vpc.endpointSecurityGroupId === undefined) {
        ctx.addIssue({ code: 'custom', path: ['vpc', 'endpointSecurityGroupId'], message: 'with "createEndpoints": false, name the security group of the existing interface endpoints' });
      }
      for (const [index, subnet] of config.vpc.subnets.entries()) {
        if (!subnet.availabilityZone.startsWith(config.region)) {
          ctx.addIssue({ code: 'custom', path: ['vpc', 'subnets', index, 'availabilityZone'], message: `${subnet.availabilityZone} is not in ${config.region}` });
        }
      }
    }
  });

export type TrustpointConfig = z.output<typeof configSchema>;
export type TrustpointConfigInput = z.input<typeof configSchema>;

/** The template an ASA identity certificate needs: serverAuth only. */
export function defaultTemplateArn(partition = 'aws'): string {
  return `arn:${partition}:acm-pca:::template/EndEntityServerAuthCertificate/V1`;
}

/** Validates the context value; the error names the first offending field under `trustpoint.`. */
export function parseConfig(value: unknown): TrustpointConfig {
  if (value === undefined) {
    throw new ValidationError(CONFIG_CONTEXT_KEY, 'no configuration: add a "trustpoint" object to the "context" of cdk.json (see lib/config.ts)');
  }
  const parsed = configSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const segments = issue ? [...issue.path.map(String), ...(issue.code === 'unrecognized_keys' ? issue.keys.slice(0, 1) : [])] : [];
  const path = [CONFIG_CONTEXT_KEY, ...segments].join('.');
  const more = parsed.error.issues.length > 1 ? ` (and ${parsed.error.issues.length - 1} more problem(s))` : '';
  throw new ValidationError(path, `${issue?.message ?? 'invalid'}${more}`);
}

/** The context value as given: an object, or JSON text (`-c trustpoint='{...}'`). */
export function configFromContext(raw: unknown): TrustpointConfig {
  if (typeof raw === 'string') {
    try {
      return parseConfig(JSON.parse(raw) as unknown);
    } catch (error) {
      if (error instanceof ValidationError) throw error;
      throw new ValidationError(CONFIG_CONTEXT_KEY, `not valid JSON: ${(error as Error).message}`, { cause: error });
    }
  }
  return parseConfig(raw);
}
