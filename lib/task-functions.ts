// One NodejsFunction per Lambda Task state (one name, four spellings: state IssueCertificate,
// folder lambdas/issue-certificate, construct id IssueCertificateFunction, substitution
// ${IssueCertificateFunctionArn}), each with its own role that holds exactly the permissions
// of the task's capabilities (src/lambda/environment.ts TASK_CAPABILITIES), its own encrypted
// log group, and the environment variables of its capabilities and nothing else.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ArnFormat, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { capabilitiesOf, environmentFor, speaksSsh } from '../src/lambda/environment.js';
import type { HandlerState, TrustpointEnvironment } from '../src/lambda/environment.js';
import { BACKUP_DEVICE_LAMBDA_STATES, BACKUP_FLEET_LAMBDA_STATES, BACKUP_LAMBDA_TASKS, BACKUP_TASK_TIMEOUTS, RESTORE_DEVICE_LAMBDA_STATES } from '../src/workflow/backup/contracts.js';
import type { BackupLambdaState } from '../src/workflow/backup/contracts.js';
import { LAMBDA_TASKS, RENEW_DEVICE_LAMBDA_STATES, RENEW_FLEET_LAMBDA_STATES, TASK_TIMEOUTS } from '../src/workflow/contracts.js';
import type { LambdaTaskState } from '../src/workflow/contracts.js';
import type { TrustpointConfig } from './config.js';
import type { DeploymentKey } from './encryption.js';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** The newest Node runtime CDK 2.276 offers; the code also runs on Node 20 (CI). */
export const TASK_RUNTIME = lambda.Runtime.NODEJS_24_X;

/** CloudWatch namespace of the task metrics; the `service` dimension is the name prefix. */
export const METRICS_NAMESPACE = 'Trustpoint';

export const ALL_LAMBDA_STATES: readonly LambdaTaskState[] = [...RENEW_DEVICE_LAMBDA_STATES, ...RENEW_FLEET_LAMBDA_STATES];
/** backup-device's, restore-device's and backup-fleet's own functions (statemachines/BACKUP-RESTORE.md). */
export const BACKUP_HANDLER_STATES: readonly BackupLambdaState[] = [...BACKUP_DEVICE_LAMBDA_STATES, ...RESTORE_DEVICE_LAMBDA_STATES, ...BACKUP_FLEET_LAMBDA_STATES];
export const ALL_HANDLER_STATES: readonly HandlerState[] = [...ALL_LAMBDA_STATES, ...BACKUP_HANDLER_STATES];

function isBackupState(state: HandlerState): state is BackupLambdaState {
  return (BACKUP_HANDLER_STATES as readonly string[]).includes(state);
}

/** Folder, construct id and substitution key of any handler state. */
export function handlerNames(state: HandlerState): { folder: string; constructId: string; substitutionKey: string } {
  return isBackupState(state) ? BACKUP_LAMBDA_TASKS[state] : LAMBDA_TASKS[state];
}

export function handlerTimeouts(state: HandlerState): { stateSeconds: number; lambdaSeconds: number } {
  return isBackupState(state) ? BACKUP_TASK_TIMEOUTS[state] : TASK_TIMEOUTS[state];
}

/** IssueCertificate and ExportTrustpoints write bundles; the other bundle tasks read them. */
const BUNDLE_WRITERS: ReadonlySet<HandlerState> = new Set(['IssueCertificate', 'ExportTrustpoints']);
/** PruneGenerations deletes exported backup bundles (`bundles/<device>/backup/*` only). */
const BUNDLE_DELETERS: ReadonlySet<HandlerState> = new Set(['PruneGenerations']);

/** What each backup-catalog task does with the table (src/aws/dynamodb-backup-catalog.ts). */
const BACKUP_TABLE_ACTIONS: Partial<Record<HandlerState, readonly string[]>> = {
  StoreBackups: ['dynamodb:PutItem'],
  PruneGenerations: ['dynamodb:Query', 'dynamodb:DeleteItem'],
  FindBackups: ['dynamodb:Query'],
};

/** What each inventory task does with the table: the fleet listings Scan it; ListBackupDevices only reads. */
function inventoryActions(state: HandlerState): string[] {
  if (state === 'ListBackupDevices') return ['dynamodb:GetItem', 'dynamodb:Scan'];
  return ['dynamodb:GetItem', 'dynamodb:UpdateItem', ...(state === 'ListDueDevices' ? ['dynamodb:Scan'] : [])];
}

/** Key generation (RSA up to 4096) is CPU-bound, and Lambda CPU grows with memory. */
function memoryFor(state: HandlerState): number {
  if (state === 'IssueCertificate') return 1024;
  return speaksSsh(state) ? 512 : 256;
}

export interface TaskFunctionsProps {
  config: TrustpointConfig;
  key: DeploymentKey;
  table: dynamodb.ITableV2;
  backupTable: dynamodb.ITableV2;
  bundleBucket: s3.IBucket;
  bundleKeyPrefix: string;
  masterKeySecret: secretsmanager.ISecret;
  credentialsSecretPrefix: string;
  caArn: string;
  templateArn: string;
  vpc: ec2.IVpc;
  subnets: ec2.ISubnet[];
  deviceAccessSecurityGroup: ec2.ISecurityGroup;
  awsOnlySecurityGroup: ec2.ISecurityGroup;
}

export class TaskFunctions extends Construct {
  readonly functions: Readonly<Record<HandlerState, nodejs.NodejsFunction>>;
  readonly roles: Readonly<Record<HandlerState, iam.Role>>;
  /** The VPC attachment permissions of each role, in a policy of their own (their Resource is "*"). */
  readonly networkInterfacePolicies: Readonly<Record<HandlerState, iam.Policy>>;

  constructor(scope: Construct, id: string, props: TaskFunctionsProps) {
    super(scope, id);
    const { config } = props;
    // The compiler checks this object against the handlers' environment schemas: a variable
    // a handler reads and the stack forgets does not compile.
    const environment: TrustpointEnvironment = {
      TRUSTPOINT_NAME_PREFIX: config.namePrefix,
      POWERTOOLS_SERVICE_NAME: config.namePrefix,
      POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
      TRUSTPOINT_LEASE_TTL_SECONDS: String(config.options.leaseTtlSeconds),
      TRUSTPOINT_KEEP_GENERATIONS: String(config.options.keepGenerations),
      TRUSTPOINT_MAX_CONCURRENCY: String(config.options.maxConcurrency),
      TRUSTPOINT_TOLERATED_FAILURE_PERCENTAGE: String(config.options.toleratedFailurePercentage),
      INVENTORY_TABLE_NAME: props.table.tableName,
      CREDENTIALS_SECRET_PREFIX: props.credentialsSecretPrefix,
      BUNDLE_BUCKET_NAME: props.bundleBucket.bucketName,
      BUNDLE_KEY_PREFIX: props.bundleKeyPrefix,
      BUNDLE_KMS_KEY_ARN: props.key.key.keyArn,
      BUNDLE_MASTER_KEY_SECRET_ARN: props.masterKeySecret.secretArn,
      CA_ARN: props.caArn,
      CA_TEMPLATE_ARN: props.templateArn,
      BACKUP_TABLE_NAME: props.backupTable.tableName,
    };

    const functions: Partial<Record<HandlerState, nodejs.NodejsFunction>> = {};
    const roles: Partial<Record<HandlerState, iam.Role>> = {};
    const networkInterfacePolicies: Partial<Record<HandlerState, iam.Policy>> = {};
    for (const state of ALL_HANDLER_STATES) {
      const names = handlerNames(state);
      const logGroup = new logs.LogGroup(this, `${state}Logs`, {
        encryptionKey: props.key.key,
        retention: config.logRetentionDays as logs.RetentionDays,
        removalPolicy: RemovalPolicy.RETAIN,
      });
      const role = new iam.Role(this, `${state}Role`, {
        assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
        description: `${config.namePrefix} ${state} task: ${capabilitiesOf(state).join(', ') || 'no AWS resources'}`,
      });
      logGroup.grantWrite(role);
      const networkInterfaces = this.networkInterfacePolicy(state, role);
      this.grantCapabilities(state, role, props);

      const fn = new nodejs.NodejsFunction(this, names.constructId, {
        entry: path.join(REPO_ROOT, names.folder, 'handler.ts'),
        handler: 'handler',
        projectRoot: REPO_ROOT,
        depsLockFilePath: path.join(REPO_ROOT, 'package-lock.json'),
        runtime: TASK_RUNTIME,
        architecture: lambda.Architecture.ARM_64,
        memorySize: memoryFor(state),
        timeout: Duration.seconds(handlerTimeouts(state).lambdaSeconds),
        description: `${config.namePrefix}: ${state} (${names.folder}/handler.ts)`,
        environment: environmentFor(state, environment),
        role,
        logGroup,
        vpc: props.vpc,
        vpcSubnets: { subnets: props.subnets },
        securityGroups: [speaksSsh(state) ? props.deviceAccessSecurityGroup : props.awsOnlySecurityGroup],
        allowPublicSubnet: false,
        bundling: {
          minify: true,
          sourceMap: true,
          sourcesContent: false,
          target: 'node24',
          format: nodejs.OutputFormat.CJS,
          // The SDK clients are bundled at the version the code is tested with (3.523.0), not
          // taken from the runtime; ssh2's optional native addons are left out (it falls back
          // to pure JavaScript).
          bundleAwsSDK: true,
          externalModules: ['cpu-features', '*.node'],
          forceDockerBundling: false,
        },
      });
      // Stack traces point into the TypeScript sources (the bundles carry source maps).
      fn.addEnvironment('NODE_OPTIONS', '--enable-source-maps');
      // Lambda checks the ENI permissions when it creates the function.
      fn.node.addDependency(role, networkInterfaces);
      functions[state] = fn;
      roles[state] = role;
      networkInterfacePolicies[state] = networkInterfaces;
    }
    this.functions = functions as Record<HandlerState, nodejs.NodejsFunction>;
    this.roles = roles as Record<HandlerState, iam.Role>;
    this.networkInterfacePolicies = networkInterfacePolicies as Record<HandlerState, iam.Policy>;
  }

  /** What Lambda needs to attach the function to the VPC (Hyperplane ENIs); these actions take no resource ARN. */
  private networkInterfacePolicy(state: HandlerState, role: iam.Role): iam.Policy {
    return new iam.Policy(this, `${state}NetworkInterfaces`, {
      roles: [role],
      statements: [
        new iam.PolicyStatement({
          sid: 'VpcNetworkInterfaces',
          actions: ['ec2:CreateNetworkInterface', 'ec2:DescribeNetworkInterfaces', 'ec2:DeleteNetworkInterface', 'ec2:AssignPrivateIpAddresses', 'ec2:UnassignPrivateIpAddresses'],
          resources: ['*'],
        }),
      ],
    });
  }

  private grantCapabilities(state: HandlerState, role: iam.Role, props: TaskFunctionsProps): void {
    const stack = Stack.of(this);
    for (const capability of capabilitiesOf(state)) {
      switch (capability) {
        case 'inventory':
          role.addToPrincipalPolicy(
            new iam.PolicyStatement({
              sid: 'Inventory',
              actions: inventoryActions(state),
              resources: [props.table.tableArn],
            }),
          );
          role.addToPrincipalPolicy(
            props.key.statementFor('dynamodb', state === 'ListBackupDevices' ? ['kms:Decrypt', 'kms:DescribeKey'] : ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey', 'kms:DescribeKey']),
          );
          break;
        case 'devices':
          role.addToPrincipalPolicy(
            new iam.PolicyStatement({
              sid: 'DeviceCredentials',
              actions: ['secretsmanager:GetSecretValue'],
              resources: [stack.formatArn({ service: 'secretsmanager', resource: 'secret', resourceName: `${props.credentialsSecretPrefix}*`, arnFormat: ArnFormat.COLON_RESOURCE_NAME })],
            }),
          );
          role.addToPrincipalPolicy(props.key.statementFor('secretsmanager', ['kms:Decrypt']));
          break;
        case 'bundles': {
          const writes = BUNDLE_WRITERS.has(state);
          role.addToPrincipalPolicy(
            new iam.PolicyStatement({
              sid: 'Bundles',
              actions: writes ? ['s3:GetObject', 's3:PutObject'] : ['s3:GetObject'],
              resources: [props.bundleBucket.arnForObjects(`${props.bundleKeyPrefix}bundles/*`)],
            }),
          );
          // Without ListBucket a missing bundle answers 403 instead of 404, and the retry-safety
          // check (BundleStore.head) could not tell "not written yet" from "not allowed".
          if (BUNDLE_DELETERS.has(state)) {
            // Only exported backups are pruned; the renewal's issued bundles stay out of reach.
            role.addToPrincipalPolicy(
              new iam.PolicyStatement({ sid: 'PruneBackupBundles', actions: ['s3:DeleteObject'], resources: [props.bundleBucket.arnForObjects(`${props.bundleKeyPrefix}bundles/*/backup/*`)] }),
            );
          }
          role.addToPrincipalPolicy(new iam.PolicyStatement({ sid: 'BundleListing', actions: ['s3:ListBucket'], resources: [props.bundleBucket.bucketArn] }));
          role.addToPrincipalPolicy(props.key.statementFor('s3', writes ? ['kms:Decrypt', 'kms:GenerateDataKey'] : ['kms:Decrypt']));
          role.addToPrincipalPolicy(new iam.PolicyStatement({ sid: 'BundleMasterKey', actions: ['secretsmanager:GetSecretValue'], resources: [props.masterKeySecret.secretArn] }));
          role.addToPrincipalPolicy(props.key.statementFor('secretsmanager', ['kms:Decrypt']));
          break;
        }
        case 'backups':
          role.addToPrincipalPolicy(new iam.PolicyStatement({ sid: 'BackupCatalog', actions: [...(BACKUP_TABLE_ACTIONS[state] ?? [])], resources: [props.backupTable.tableArn] }));
          role.addToPrincipalPolicy(props.key.statementFor('dynamodb', ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey', 'kms:DescribeKey']));
          break;
        case 'ca':
          role.addToPrincipalPolicy(
            new iam.PolicyStatement({
              sid: 'IssueWithTheConfiguredTemplateOnly',
              actions: ['acm-pca:IssueCertificate'],
              resources: [props.caArn],
              conditions: { StringEquals: { 'acm-pca:TemplateArn': props.templateArn } },
            }),
          );
          role.addToPrincipalPolicy(
            new iam.PolicyStatement({ sid: 'ReadTheConfiguredCa', actions: ['acm-pca:GetCertificate', 'acm-pca:DescribeCertificateAuthority'], resources: [props.caArn] }),
          );
          break;
      }
    }
  }
}
