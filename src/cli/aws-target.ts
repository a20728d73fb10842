// Where the deployed stack is, for the `--aws` forms of the commands: the region and, per
// resource, a flag with an environment variable fallback. The values are stack outputs (there
// is no CloudFormation client here): a missing one is a usage error that names the flag, the
// variable and the output that holds the value.
import { STATE_MACHINE_ARN } from './aws-execution.js';
import { UsageError, booleanOption, stringOption, type CliIo, type OptionSpec, type ParsedArgs } from './framework.js';

export const DEFAULT_STACK_NAME = 'TrustpointStack';

export interface StackValue {
  flag: string;
  env: string;
  /** The CfnOutput of lib/trustpoint-stack.ts that holds the value. */
  output: string;
  valueName: string;
  /** What the value names, for help and errors. */
  what: string;
  /** The shape a value must have, and how to say so. */
  pattern?: RegExp;
  expected?: string;
}

const TABLE_NAME = { pattern: /^[A-Za-z0-9_.-]{3,255}$/, expected: 'a DynamoDB table name (3-255 letters, digits, "_", "-", ".")' };

export const STACK_VALUES = {
  renewDeviceArn: { flag: 'state-machine-arn', env: 'TRUSTPOINT_RENEW_DEVICE_ARN', output: 'RenewDeviceStateMachineArn', valueName: 'ARN', what: 'the renew-device state machine' },
  backupDeviceArn: { flag: 'state-machine-arn', env: 'TRUSTPOINT_BACKUP_DEVICE_ARN', output: 'BackupDeviceStateMachineArn', valueName: 'ARN', what: 'the backup-device state machine' },
  restoreDeviceArn: { flag: 'state-machine-arn', env: 'TRUSTPOINT_RESTORE_DEVICE_ARN', output: 'RestoreDeviceStateMachineArn', valueName: 'ARN', what: 'the restore-device state machine' },
  inventoryTable: { flag: 'table', env: 'TRUSTPOINT_INVENTORY_TABLE', output: 'InventoryTableName', valueName: 'NAME', what: 'the DynamoDB inventory table', ...TABLE_NAME },
  backupTable: { flag: 'backup-table', env: 'TRUSTPOINT_BACKUP_TABLE', output: 'BackupTableName', valueName: 'NAME', what: 'the DynamoDB backup catalog table', ...TABLE_NAME },
  secretPrefix: {
    flag: 'secret-prefix',
    env: 'TRUSTPOINT_SECRET_PREFIX',
    output: 'CredentialsSecretPrefix',
    valueName: 'PREFIX',
    what: 'the Secrets Manager name prefix of the device credentials',
    pattern: /^[A-Za-z0-9/_+=.@-]*[A-Za-z0-9_+=.@-]\/$/,
    expected: 'a secret name prefix ending in "/", e.g. "trustpoint/credentials/"',
  },
} as const satisfies Record<string, StackValue>;

export type StackValueName = keyof typeof STACK_VALUES;

export const REGION_ENV = ['AWS_REGION', 'AWS_DEFAULT_REGION'] as const;
const REGION_PATTERN = /^[a-z]{2}(?:-[a-z]+)+-\d$/;

const OUTPUTS_COMMAND = `aws cloudformation describe-stacks --stack-name ${DEFAULT_STACK_NAME} --query "Stacks[0].Outputs"`;

/** The AWS-side values a command needs, and whether it talks to Step Functions (region from the ARN). */
export interface AwsNeeds {
  values: readonly StackValueName[];
}

/** `--aws`, `--region` and one flag per stack value, for a command's options. */
export function awsOptions(needs: AwsNeeds): Record<string, OptionSpec> {
  const options: Record<string, OptionSpec> = {
    aws: { type: 'boolean', description: 'Run against the deployed stack (AWS) instead of the local data directory' },
    region: {
      type: 'string',
      valueName: 'REGION',
      description: usesStateMachine(needs)
        ? "With --aws: the stack's region; the state machine ARN's region is used, and another --region is refused"
        : `With --aws: the stack's region (default: $${REGION_ENV.join(' or $')})`,
    },
  };
  for (const name of needs.values) {
    const value = STACK_VALUES[name];
    options[value.flag] = { type: 'string', valueName: value.valueName, description: `With --aws: ${value.what} (default: $${value.env}; stack output ${value.output})` };
  }
  return options;
}

/** A paragraph for --help: where each value comes from. */
export function awsHelp(needs: AwsNeeds): string {
  const lines = [
    '',
    'With --aws, the values come from the stack outputs; set them once, e.g.:',
    ...needs.values.map((name) => `  export ${STACK_VALUES[name].env}=<${STACK_VALUES[name].output}>`),
    ...(usesStateMachine(needs) ? [] : ['  export AWS_REGION=<the region of the stack>']),
    `The stack outputs are listed by (the stack is <NamePrefix>Stack, ${DEFAULT_STACK_NAME} by default):`,
    `  ${OUTPUTS_COMMAND}`,
    'AWS credentials come from the usual chain (AWS_PROFILE, SSO, environment, instance role).',
  ];
  return lines.join('\n');
}

function usesStateMachine(needs: AwsNeeds): boolean {
  return needs.values.some((name) => STACK_VALUES[name].flag === 'state-machine-arn');
}

/**
 * `--aws` against the local-only flags and the reverse: AWS flags without `--aws`, or
 * `--data-dir` with it, are usage errors (one of them would be silently ignored otherwise).
 */
export function isAwsMode(args: ParsedArgs, needs: AwsNeeds): boolean {
  const aws = booleanOption(args, 'aws');
  const awsFlags = ['region', ...needs.values.map((name) => STACK_VALUES[name].flag)];
  if (!aws) {
    const given = awsFlags.find((flag) => args.values[flag] !== undefined);
    if (given !== undefined) throw new UsageError(`--${given} applies only with --aws`);
  } else if (args.values['data-dir'] !== undefined) {
    throw new UsageError('--data-dir applies only to the local form; --aws uses the deployed stack');
  }
  return aws;
}

export function missingValueMessage(value: StackValue): string {
  return `--${value.flag} is required with --aws: ${value.what}, the ${value.output} output of the stack; pass --${value.flag} or set $${value.env} (${OUTPUTS_COMMAND})`;
}

/** The flag's value, else the environment variable's, else a usage error naming both and the output. */
export function resolveStackValue(args: ParsedArgs, io: Pick<CliIo, 'env'>, name: StackValueName): string {
  const value: StackValue = STACK_VALUES[name];
  const fromFlag = stringOption(args, value.flag);
  const given = (fromFlag ?? io.env[value.env])?.trim();
  if (given === undefined || given === '') throw new UsageError(missingValueMessage(value));
  if (value.pattern !== undefined && !value.pattern.test(given)) {
    const source = fromFlag !== undefined ? `--${value.flag}` : `$${value.env}`;
    throw new UsageError(`${source}: ${JSON.stringify(given.slice(0, 200))} is not ${value.expected ?? 'valid'}: expected the ${value.output} output of the stack`);
  }
  return given;
}

/** A state machine ARN, checked, with the region it lives in. */
export function resolveStateMachine(args: ParsedArgs, io: Pick<CliIo, 'env'>, name: 'renewDeviceArn' | 'backupDeviceArn' | 'restoreDeviceArn'): { arn: string; region: string } {
  const value: StackValue = STACK_VALUES[name];
  const arn = resolveStackValue(args, io, name);
  const source = stringOption(args, value.flag) !== undefined ? `--${value.flag}` : `$${value.env}`;
  const region = STATE_MACHINE_ARN.exec(arn)?.[1];
  if (region === undefined) {
    throw new UsageError(`${source}: ${JSON.stringify(arn.slice(0, 200))} is not a state machine ARN: expected arn:aws:states:<region>:<account>:stateMachine:<name>, the ${value.output} output of the stack`);
  }
  const flagRegion = stringOption(args, 'region');
  if (flagRegion !== undefined && flagRegion !== region) {
    throw new UsageError(`--region ${flagRegion} does not match the region of ${source} (${region}): the state machine runs where its ARN says`);
  }
  return { arn, region };
}

/** `--region`, else $AWS_REGION, else $AWS_DEFAULT_REGION; a usage error when none is set. */
export function resolveRegion(args: ParsedArgs, io: Pick<CliIo, 'env'>): string {
  const flag = stringOption(args, 'region');
  const fromEnv = REGION_ENV.map((name) => ({ name, value: io.env[name] })).find((e) => e.value !== undefined && e.value !== '');
  const region = flag ?? fromEnv?.value;
  if (region === undefined) {
    throw new UsageError(`--region is required with --aws: the region the stack is deployed in ("region" in the trustpoint object of cdk.json); pass --region or set $AWS_REGION`);
  }
  if (!REGION_PATTERN.test(region)) {
    throw new UsageError(`${flag !== undefined ? '--region' : `$${fromEnv?.name ?? 'AWS_REGION'}`}: ${JSON.stringify(region.slice(0, 40))} is not an AWS region: expected e.g. eu-west-1`);
  }
  return region;
}
