import { Match } from 'aws-cdk-lib/assertions';
import type { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { INTERFACE_ENDPOINT_SERVICES } from '../../lib/network.js';
import { ALL_HANDLER_STATES, ALL_LAMBDA_STATES, BACKUP_HANDLER_STATES, handlerNames, handlerTimeouts } from '../../lib/task-functions.js';
import type { TrustpointStack } from '../../lib/trustpoint-stack.js';
import { environmentKeysFor, speaksSsh } from '../../src/lambda/environment.js';
import type { HandlerState } from '../../src/lambda/environment.js';
import type { LambdaTaskState } from '../../src/workflow/contracts.js';
import { exampleConfig, synthesize } from './synth.js';

type Resource = { Type: string; Properties?: Record<string, unknown>; DependsOn?: string[] };
type Statement = { Effect: string; Action: string | string[]; Resource: unknown; Condition?: Record<string, unknown> };

const EXISTING_CA = 'arn:aws:acm-pca:eu-west-1:222222222222:certificate-authority/0a1b2c3d-1111-2222-3333-444455556666';
const TEMPLATE = 'arn:aws:acm-pca:::template/EndEntityCertificate/V1';

let stack: TrustpointStack;
let template: Template;
let resources: Record<string, Resource>;

function logicalId(construct: { node: { defaultChild?: unknown } } | object): string {
  const child = 'node' in construct ? ((construct as { node: { defaultChild?: unknown } }).node.defaultChild ?? construct) : construct;
  return stack.getLogicalId(child as never);
}

function ofType(type: string): [string, Resource][] {
  return Object.entries(resources).filter(([, resource]) => resource.Type === type);
}

function actions(statement: Statement): string[] {
  return Array.isArray(statement.Action) ? statement.Action : [statement.Action];
}

/** Every statement of every policy attached to `roleId` (inline policies of the role included). */
function statementsOfRole(roleId: string): Statement[] {
  const statements: Statement[] = [];
  for (const [, policy] of ofType('AWS::IAM::Policy')) {
    const roles = (policy.Properties?.['Roles'] as { Ref: string }[] | undefined) ?? [];
    if (roles.some((role) => role.Ref === roleId)) statements.push(...((policy.Properties?.['PolicyDocument'] as { Statement: Statement[] }).Statement ?? []));
  }
  for (const inline of (resources[roleId]?.Properties?.['Policies'] as { PolicyDocument: { Statement: Statement[] } }[] | undefined) ?? []) statements.push(...inline.PolicyDocument.Statement);
  return statements;
}

function roleOf(state: HandlerState): string {
  return logicalId(stack.tasks.roles[state]);
}

beforeAll(() => {
  ({ stack, template } = synthesize());
  resources = template.toJSON()['Resources'] as Record<string, Resource>;
});

describe('the key', () => {
  it('is customer-managed with rotation on, and encrypts the table, the bucket, the secret, the topic, the queue and every log group', () => {
    const key = { 'Fn::GetAtt': [logicalId(stack.node.findChild('DeploymentKey').node.findChild('Key')), 'Arn'] };
    template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    template.hasResourceProperties('AWS::DynamoDB::GlobalTable', { SSESpecification: { SSEEnabled: true, SSEType: 'KMS' }, Replicas: [Match.objectLike({ SSESpecification: { KMSMasterKeyId: key } })] });
    template.hasResourceProperties('AWS::S3::Bucket', { BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: key }, BucketKeyEnabled: true }] } });
    template.hasResourceProperties('AWS::SecretsManager::Secret', { KmsKeyId: key, GenerateSecretString: Match.objectLike({ PasswordLength: 64 }) });
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: key });
    template.hasResourceProperties('AWS::SQS::Queue', { KmsMasterKeyId: key });
    const logGroups = ofType('AWS::Logs::LogGroup');
    // One per function, one per state machine (5), and the VPC flow log group.
    expect(logGroups.length).toBe(ALL_HANDLER_STATES.length + 6);
    for (const [id, group] of logGroups) expect(group.Properties?.['KmsKeyId'], id).toEqual(key);
  });
});

describe('storage', () => {
  it('keeps the inventory table with point-in-time recovery and deletion protection', () => {
    template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      KeySchema: [{ AttributeName: 'deviceId', KeyType: 'HASH' }],
      Replicas: [Match.objectLike({ PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true }, DeletionProtectionEnabled: true })],
    });
    template.hasResource('AWS::DynamoDB::GlobalTable', { DeletionPolicy: 'Retain' });
  });

  it('keeps the backup catalog in a table of its own (device + trustpoint/serial), with point-in-time recovery and deletion protection', () => {
    const backups = logicalId(stack.storage.backupTable);
    expect(resources[backups]).toMatchObject({
      DeletionPolicy: 'Retain',
      Properties: {
        TableName: 'trustpoint-backups',
        KeySchema: [
          { AttributeName: 'deviceId', KeyType: 'HASH' },
          { AttributeName: 'entryKey', KeyType: 'RANGE' },
        ],
        Replicas: [expect.objectContaining({ PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true }, DeletionProtectionEnabled: true })],
      },
    });
  });

  it('blocks public access, versions the bundles and refuses plain HTTP', () => {
    const bucket = logicalId(stack.storage.bundleBucket);
    expect(resources[bucket]?.Properties).toMatchObject({
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      VersioningConfiguration: { Status: 'Enabled' },
      LoggingConfiguration: expect.anything(),
    });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: bucket },
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Action: 's3:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
  });
});

describe('network', () => {
  it('creates isolated subnets and no NAT gateway or internet gateway', () => {
    template.resourceCountIs('AWS::EC2::NatGateway', 0);
    template.resourceCountIs('AWS::EC2::InternetGateway', 0);
    template.hasResourceProperties('AWS::EC2::FlowLog', { TrafficType: 'ALL' });
  });

  it.each(INTERFACE_ENDPOINT_SERVICES)('has an interface endpoint with private DNS for %s', (service) => {
    template.hasResourceProperties('AWS::EC2::VPCEndpoint', { ServiceName: `com.amazonaws.eu-west-1.${service}`, VpcEndpointType: 'Interface', PrivateDnsEnabled: true });
  });

  it.each(['s3', 'dynamodb'])('has a gateway endpoint for %s', (service) => {
    template.hasResourceProperties('AWS::EC2::VPCEndpoint', { ServiceName: { 'Fn::Join': ['', ['com.amazonaws.', { Ref: 'AWS::Region' }, `.${service}`]] }, VpcEndpointType: 'Gateway' });
  });

  it('lets the SSH tasks out only to the ASA management CIDRs on 22 and 443, and to the endpoints on 443', () => {
    const group = logicalId(stack.network.deviceAccessSecurityGroup);
    expect(resources[group]?.Properties?.['SecurityGroupEgress']).toEqual([
      expect.objectContaining({ CidrIp: '10.20.0.0/24', IpProtocol: 'tcp', FromPort: 22, ToPort: 22 }),
      expect.objectContaining({ CidrIp: '10.20.0.0/24', IpProtocol: 'tcp', FromPort: 443, ToPort: 443 }),
    ]);
    const separate = ofType('AWS::EC2::SecurityGroupEgress').filter(([, rule]) => JSON.stringify(rule.Properties?.['GroupId']).includes(group));
    expect(separate.map(([, rule]) => rule.Properties?.['DestinationPrefixListId'] ?? 'endpoint security group').sort()).toEqual(['endpoint security group', 'pl-6da54004', 'pl-6fa54006']);
    for (const [, rule] of separate) expect(rule.Properties).toMatchObject({ IpProtocol: 'tcp', FromPort: 443, ToPort: 443 });
  });

  it('gives the other tasks no egress beyond the endpoints', () => {
    const group = logicalId(stack.network.awsOnlySecurityGroup);
    expect(resources[group]?.Properties?.['SecurityGroupEgress']).toBeUndefined();
    const separate = ofType('AWS::EC2::SecurityGroupEgress').filter(([, rule]) => JSON.stringify(rule.Properties?.['GroupId']).includes(group));
    expect(separate).toHaveLength(3);
    for (const [, rule] of separate) expect(rule.Properties).toMatchObject({ IpProtocol: 'tcp', FromPort: 443, ToPort: 443 });
  });

  it('opens no security group to the whole internet', () => {
    for (const [id, group] of ofType('AWS::EC2::SecurityGroup')) {
      for (const rule of [...((group.Properties?.['SecurityGroupEgress'] as object[]) ?? []), ...((group.Properties?.['SecurityGroupIngress'] as object[]) ?? [])]) {
        expect((rule as { CidrIp?: string }).CidrIp, id).not.toBe('0.0.0.0/0');
      }
    }
  });
});

describe('task functions', () => {
  it.each(ALL_HANDLER_STATES)('%s: Node 24 on arm64 in the private subnets, the right security group, its own timeout and environment', (state) => {
    const fn = resources[logicalId(stack.tasks.functions[state])];
    const group = logicalId(speaksSsh(state) ? stack.network.deviceAccessSecurityGroup : stack.network.awsOnlySecurityGroup);
    expect(logicalId(stack.tasks.functions[state])).toMatch(new RegExp(`^Tasks${handlerNames(state).constructId}`));
    expect(fn?.Properties).toMatchObject({
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      Handler: 'index.handler',
      Timeout: handlerTimeouts(state).lambdaSeconds,
      VpcConfig: { SecurityGroupIds: [{ 'Fn::GetAtt': [group, 'GroupId'] }], SubnetIds: stack.network.subnets.map((subnet) => ({ Ref: logicalId(subnet) })) },
      Role: { 'Fn::GetAtt': [roleOf(state), 'Arn'] },
    });
    const variables = Object.keys((fn?.Properties?.['Environment'] as { Variables: Record<string, unknown> }).Variables).sort();
    expect(variables).toEqual([...environmentKeysFor(state), 'NODE_OPTIONS'].sort());
    expect(handlerTimeouts(state).lambdaSeconds).toBeLessThan(handlerTimeouts(state).stateSeconds);
  });

  it('gives only IssueCertificate ACM PCA, and IssueCertificate only on the configured CA with the configured template', () => {
    const ca = { 'Fn::GetAtt': [logicalId(stack.node.findChild('IssuingCa').node.findChild('TrialRootCa')), 'Arn'] };
    for (const state of ALL_HANDLER_STATES) {
      const pca = statementsOfRole(roleOf(state)).filter((statement) => actions(statement).some((action) => action.startsWith('acm-pca:')));
      if (state !== 'IssueCertificate') {
        expect(pca, state).toEqual([]);
        continue;
      }
      expect(pca).toEqual([
        expect.objectContaining({ Action: 'acm-pca:IssueCertificate', Resource: ca, Condition: { StringEquals: { 'acm-pca:TemplateArn': { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':acm-pca:::template/EndEntityServerAuthCertificate/V1']] } } } }),
        expect.objectContaining({ Action: ['acm-pca:GetCertificate', 'acm-pca:DescribeCertificateAuthority'], Resource: ca }),
      ]);
    }
  });

  it('reads device credentials only under the deployment prefix, and only in the SSH tasks', () => {
    for (const state of ALL_HANDLER_STATES) {
      const reads = statementsOfRole(roleOf(state)).filter((statement) => actions(statement).includes('secretsmanager:GetSecretValue'));
      const resourcesRead = reads.map((statement) => JSON.stringify(statement.Resource));
      const credentials = resourcesRead.filter((resource) => resource.includes(':secret:'));
      if (speaksSsh(state)) expect(credentials, state).toEqual([JSON.stringify({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':secretsmanager:eu-west-1:111111111111:secret:trustpoint/credentials/*']] })]);
      else expect(credentials, state).toEqual([]);
    }
  });

  it('lets IssueCertificate write bundles and InstallCertificate only read them, under the prefix', () => {
    const bucket = logicalId(stack.storage.bundleBucket);
    const objects = { 'Fn::Join': ['', [{ 'Fn::GetAtt': [bucket, 'Arn'] }, '/trustpoint/bundles/*']] };
    const s3Of = (state: HandlerState) => statementsOfRole(roleOf(state)).filter((statement) => actions(statement).some((action) => action.startsWith('s3:')));
    expect(s3Of('IssueCertificate')).toEqual([expect.objectContaining({ Action: ['s3:GetObject', 's3:PutObject'], Resource: objects }), expect.objectContaining({ Action: 's3:ListBucket' })]);
    expect(s3Of('InstallCertificate')).toEqual([expect.objectContaining({ Action: 's3:GetObject', Resource: objects }), expect.objectContaining({ Action: 's3:ListBucket' })]);
    for (const state of ALL_LAMBDA_STATES.filter((s) => s !== 'IssueCertificate' && s !== 'InstallCertificate')) expect(s3Of(state), state).toEqual([]);
  });

  it('lets ExportTrustpoints write bundles, PruneGenerations delete only backup bundles, and the other backup tasks at most read', () => {
    const bucket = logicalId(stack.storage.bundleBucket);
    const objects = { 'Fn::Join': ['', [{ 'Fn::GetAtt': [bucket, 'Arn'] }, '/trustpoint/bundles/*']] };
    const backupObjects = { 'Fn::Join': ['', [{ 'Fn::GetAtt': [bucket, 'Arn'] }, '/trustpoint/bundles/*/backup/*']] };
    const s3Of = (state: HandlerState) => statementsOfRole(roleOf(state)).filter((statement) => actions(statement).some((action) => action.startsWith('s3:')));
    const listing = expect.objectContaining({ Action: 's3:ListBucket' });
    expect(s3Of('ExportTrustpoints')).toEqual([expect.objectContaining({ Action: ['s3:GetObject', 's3:PutObject'], Resource: objects }), listing]);
    expect(s3Of('PruneGenerations')).toEqual([expect.objectContaining({ Action: 's3:GetObject', Resource: objects }), expect.objectContaining({ Action: 's3:DeleteObject', Resource: backupObjects }), listing]);
    for (const state of ['StoreBackups', 'FindBackups', 'ImportBackups'] as const) expect(s3Of(state), state).toEqual([expect.objectContaining({ Action: 's3:GetObject', Resource: objects }), listing]);
    for (const state of ['ConfirmHostKey', 'RestorePreflight', 'RebindTrustpoints', 'VerifyRestore', 'RecordRestore', 'RecordRestoreFailure'] as const) expect(s3Of(state), state).toEqual([]);
  });

  it('gives the backup catalog table only to StoreBackups (put), PruneGenerations (query, delete) and FindBackups (query)', () => {
    const table = { 'Fn::GetAtt': [logicalId(stack.storage.backupTable), 'Arn'] };
    const expected: Partial<Record<HandlerState, unknown>> = { StoreBackups: 'dynamodb:PutItem', PruneGenerations: ['dynamodb:Query', 'dynamodb:DeleteItem'], FindBackups: 'dynamodb:Query' };
    for (const state of ALL_HANDLER_STATES) {
      const catalog = statementsOfRole(roleOf(state)).filter((statement) => JSON.stringify(statement.Resource) === JSON.stringify(table));
      if (expected[state] === undefined) expect(catalog, state).toEqual([]);
      else expect(catalog, state).toEqual([expect.objectContaining({ Action: expected[state] })]);
    }
    expect(BACKUP_HANDLER_STATES.filter(speaksSsh)).toEqual(['ExportTrustpoints', 'ConfirmHostKey', 'RestorePreflight', 'ImportBackups', 'RebindTrustpoints', 'VerifyRestore']);
  });

  it('lets ListBackupDevices only read the inventory (GetItem, Scan), with the key for decryption only', () => {
    const table = JSON.stringify({ 'Fn::GetAtt': [logicalId(stack.storage.table), 'Arn'] });
    const statements = statementsOfRole(roleOf('ListBackupDevices'));
    expect(statements.filter((s) => JSON.stringify(s.Resource) === table)).toEqual([expect.objectContaining({ Action: ['dynamodb:GetItem', 'dynamodb:Scan'] })]);
    expect(statements.filter((s) => actions(s).some((a) => a.startsWith('kms:')))).toEqual([expect.objectContaining({ Action: ['kms:Decrypt', 'kms:DescribeKey'] })]);
    expect(statements.filter((s) => actions(s).some((a) => a.startsWith('s3:') || a.startsWith('secretsmanager:')))).toEqual([]);
    expect(statementsOfRole(roleOf('SummarizeBackups')).filter((s) => actions(s).some((a) => /^(dynamodb|s3|secretsmanager|kms):/.test(a)))).toEqual([]);
  });

  it('uses the key only through the service that needs it (kms:ViaService)', () => {
    for (const state of ALL_HANDLER_STATES) {
      for (const statement of statementsOfRole(roleOf(state)).filter((s) => actions(s).some((action) => action.startsWith('kms:')))) {
        expect(statement.Condition, state).toEqual({ StringEquals: { 'kms:ViaService': expect.stringMatching(/^(dynamodb|s3|secretsmanager)\.eu-west-1\.amazonaws\.com$/) } });
      }
    }
  });
});

describe('IAM', () => {
  it('has no wildcard action in any policy', () => {
    const statements = [
      ...ofType('AWS::IAM::Policy').flatMap(([, policy]) => (policy.Properties?.['PolicyDocument'] as { Statement: Statement[] }).Statement),
      ...ofType('AWS::IAM::Role').flatMap(([, role]) => ((role.Properties?.['Policies'] as { PolicyDocument: { Statement: Statement[] } }[]) ?? []).flatMap((p) => p.PolicyDocument.Statement)),
    ];
    expect(statements.length).toBeGreaterThan(50);
    for (const statement of statements) for (const action of actions(statement)) expect(action).not.toContain('*');
  });

  it('lets the state machines invoke exactly their own task functions', () => {
    for (const [machine, states] of [
      [stack.stateMachines.renewDevice, ALL_LAMBDA_STATES.filter((s) => s !== 'ListDueDevices' && s !== 'Summarize')],
      [stack.stateMachines.renewFleet, ['ListDueDevices', 'Summarize'] as LambdaTaskState[]],
      [stack.stateMachines.backupDevice, ['ExportTrustpoints', 'StoreBackups', 'PruneGenerations'] as HandlerState[]],
      [
        stack.stateMachines.restoreDevice,
        ['ConfirmHostKey', 'RestorePreflight', 'FindBackups', 'ImportBackups', 'RebindTrustpoints', 'VerifyRestore', 'RecordRestore', 'RecordRestoreFailure', 'AcquireLock', 'ReleaseLock', 'SaveConfiguration'] as HandlerState[],
      ],
      [stack.stateMachines.backupFleet, ['ListBackupDevices', 'SummarizeBackups'] as HandlerState[]],
    ] as const) {
      const invoke = statementsOfRole(logicalId(machine.role)).filter((statement) => actions(statement).includes('lambda:InvokeFunction'));
      expect(invoke).toHaveLength(1);
      expect(invoke[0]?.Resource).toEqual(states.map((state) => ({ 'Fn::GetAtt': [logicalId(stack.tasks.functions[state]), 'Arn'] })));
    }
  });
});

describe('state machines', () => {
  it.each([
    ['trustpoint-renew-device', 3600],
    ['trustpoint-renew-fleet', 82800],
    ['trustpoint-backup-device', 3600],
    ['trustpoint-restore-device', 7200],
    ['trustpoint-backup-fleet', 86400],
  ])('%s logs ALL with execution data to an encrypted group, traces with X-Ray and has a timeout', (name, timeout) => {
    template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      StateMachineName: name,
      StateMachineType: 'STANDARD',
      LoggingConfiguration: { Level: 'ALL', IncludeExecutionData: true, Destinations: [Match.anyValue()] },
      TracingConfiguration: { Enabled: true },
    });
    const machine = ofType('AWS::StepFunctions::StateMachine').find(([, m]) => m.Properties?.['StateMachineName'] === name)?.[1];
    expect(JSON.parse(machine?.Properties?.['DefinitionString'] as string)).toMatchObject({ TimeoutSeconds: timeout });
  });
});

describe('restore-device', () => {
  it('may start renew-device (.sync:2) and follow only renew-device executions; backup-device may start nothing', () => {
    const restore = statementsOfRole(logicalId(stack.stateMachines.restoreDevice.role));
    expect(restore.filter((st) => actions(st).includes('states:StartExecution'))).toEqual([expect.objectContaining({ Resource: { Ref: logicalId(stack.stateMachines.renewDevice) } })]);
    expect(restore.filter((st) => actions(st).includes('states:DescribeExecution'))).toEqual([
      expect.objectContaining({ Action: ['states:DescribeExecution', 'states:StopExecution'], Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':states:eu-west-1:111111111111:execution:trustpoint-renew-device:*']] } }),
    ]);
    const backup = statementsOfRole(logicalId(stack.stateMachines.backupDevice.role));
    expect(backup.filter((st) => actions(st).some((action) => action.startsWith('states:') || action.startsWith('events:')))).toEqual([]);
  });
});

describe('backup-fleet', () => {
  it('may start backup-device (.sync:2), follow only backup-device executions and publish only to the failure topic', () => {
    const statements = statementsOfRole(logicalId(stack.stateMachines.backupFleet.role));
    expect(statements.filter((st) => actions(st).includes('states:StartExecution'))).toEqual([expect.objectContaining({ Resource: { Ref: logicalId(stack.stateMachines.backupDevice) } })]);
    expect(statements.filter((st) => actions(st).some((action) => action.startsWith('states:') && action !== 'states:StartExecution'))).toEqual([
      expect.objectContaining({ Action: ['states:DescribeExecution', 'states:StopExecution'], Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':states:eu-west-1:111111111111:execution:trustpoint-backup-device:*']] } }),
    ]);
    expect(statements.filter((st) => actions(st).includes('sns:Publish'))).toEqual([expect.objectContaining({ Resource: { Ref: logicalId(stack.node.findChild('Failures').node.findChild('Topic')) } })]);
    expect(JSON.stringify(statements)).not.toContain('renew-device');
    expect(statements.filter((st) => actions(st).some((action) => action.startsWith('dynamodb:') || action.startsWith('s3:') || action.startsWith('secretsmanager:')))).toEqual([]);
  });
});

describe('schedule', () => {
  it('starts renew-fleet daily with a retry policy and an encrypted dead-letter queue', () => {
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'cron(0 3 * * ? *)',
      ScheduleExpressionTimezone: 'Etc/UTC',
      State: 'ENABLED',
      Target: {
        Arn: { Ref: logicalId(stack.stateMachines.renewFleet) },
        Input: JSON.stringify({ force: false, dryRun: false }),
        RetryPolicy: { MaximumRetryAttempts: 10, MaximumEventAgeInSeconds: 7200 },
        DeadLetterConfig: { Arn: { 'Fn::GetAtt': [logicalId(stack.schedules.deadLetterQueue), 'Arn'] } },
      },
    });
    template.resourceCountIs('AWS::Scheduler::Schedule', 2);
  });

  it('starts backup-fleet weekly (Sunday 02:00 by default) with the same retry policy and dead-letter queue, through a role that may start only backup-fleet', () => {
    const schedule = resources[logicalId(stack.schedules.backupFleetSchedule)];
    expect(schedule?.Properties).toMatchObject({
      ScheduleExpression: 'cron(0 2 ? * SUN *)',
      ScheduleExpressionTimezone: 'Etc/UTC',
      State: 'ENABLED',
      FlexibleTimeWindow: { Mode: 'OFF' },
      Target: {
        Arn: { Ref: logicalId(stack.stateMachines.backupFleet) },
        RoleArn: { 'Fn::GetAtt': [logicalId(stack.schedules.backupFleetRole), 'Arn'] },
        Input: JSON.stringify({ keepGenerations: 3 }),
        RetryPolicy: { MaximumRetryAttempts: 10, MaximumEventAgeInSeconds: 7200 },
        DeadLetterConfig: { Arn: { 'Fn::GetAtt': [logicalId(stack.schedules.deadLetterQueue), 'Arn'] } },
      },
    });
    const role = statementsOfRole(logicalId(stack.schedules.backupFleetRole));
    expect(role.filter((st) => actions(st).some((action) => action.startsWith('states:')))).toEqual([expect.objectContaining({ Action: 'states:StartExecution', Resource: { Ref: logicalId(stack.stateMachines.backupFleet) } })]);
    expect(role.filter((st) => actions(st).includes('sqs:SendMessage'))).toEqual([expect.objectContaining({ Resource: { 'Fn::GetAtt': [logicalId(stack.schedules.deadLetterQueue), 'Arn'] } })]);
    expect(resources[logicalId(stack.schedules.backupFleetRole)]?.Properties?.['AssumeRolePolicyDocument']).toMatchObject({
      Statement: [expect.objectContaining({ Principal: { Service: 'scheduler.amazonaws.com' }, Condition: { StringEquals: { 'aws:SourceAccount': '111111111111' } } })],
    });
  });

  it('takes the weekly expression and the time zone from the configuration', () => {
    const config = exampleConfig();
    config['schedules'] = { backupFleet: 'cron(30 1 ? * SAT *)', timeZone: 'Europe/Zurich' };
    const { template: other } = synthesize(config);

    other.hasResourceProperties('AWS::Scheduler::Schedule', { ScheduleExpression: 'cron(30 1 ? * SAT *)', ScheduleExpressionTimezone: 'Europe/Zurich' });
    other.hasResourceProperties('AWS::Scheduler::Schedule', { ScheduleExpression: 'cron(0 3 * * ? *)', ScheduleExpressionTimezone: 'Europe/Zurich' });
  });
});

describe('notifications and alarms', () => {
  it('sends to one encrypted, TLS-only topic with the configured email', () => {
    template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'netops@example.com' });
    template.hasResourceProperties('AWS::SNS::TopicPolicy', { PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) } });
  });

  it('alarms when any device has fewer than expiryAlarmDays days left', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'trustpoint-certificate-expiring',
      Metrics: [Match.objectLike({ MetricStat: { Metric: { Namespace: 'Trustpoint', MetricName: 'DaysToExpiry', Dimensions: [{ Name: 'service', Value: 'trustpoint' }] }, Period: 86400, Stat: 'Minimum' } })],
      Threshold: 14,
      ComparisonOperator: 'LessThanThreshold',
      AlarmActions: [{ Ref: logicalId(stack.node.findChild('Failures').node.findChild('Topic')) }],
    });
  });

  it.each(['trustpoint-renew-device-failed', 'trustpoint-renew-fleet-failed', 'trustpoint-backup-fleet-failed', 'trustpoint-schedule-undelivered'])('has the alarm %s, which notifies the topic', (name) => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmName: name, AlarmActions: [Match.anyValue()], ComparisonOperator: 'GreaterThanOrEqualToThreshold', Threshold: 1 });
  });

  it('has a dashboard with days to expiry per device and renewals per day', () => {
    const body = JSON.stringify(ofType('AWS::CloudWatch::Dashboard')[0]?.[1].Properties?.['DashboardBody']);
    expect(body).toContain('Days to expiry per device');
    expect(body).toContain('DeviceId} MetricName=\\\\\\"DaysToExpiry\\\\\\"');
    expect(body).toContain('Renewals per day');
  });
});

describe('the template snapshot', () => {
  it('matches, with asset hashes normalised', () => {
    const text = JSON.stringify(template.toJSON(), null, 1).replace(/[0-9a-f]{64}/g, '<asset-hash>');
    expect(text).toMatchSnapshot();
  });
});

describe('with an existing VPC and CA', () => {
  let other: { stack: TrustpointStack; template: Template };

  beforeAll(() => {
    const config = exampleConfig();
    delete config['createCa'];
    other = synthesize({
      ...config,
      caArn: EXISTING_CA.replace('222222222222', '111111111111'),
      templateArn: TEMPLATE,
      vpc: {
        vpcId: 'vpc-0123456789abcdef0',
        subnets: [
          { subnetId: 'subnet-0aaaaaaaaaaaaaaa1', availabilityZone: 'eu-west-1a', routeTableId: 'rtb-0aaaaaaaaaaaaaaa1' },
          { subnetId: 'subnet-0bbbbbbbbbbbbbbb2', availabilityZone: 'eu-west-1b', routeTableId: 'rtb-0bbbbbbbbbbbbbbb2' },
        ],
        createEndpoints: false,
        endpointSecurityGroupId: 'sg-0123456789abcdef0',
      },
    });
  });

  it('creates no VPC, no endpoints and no CA, and runs the functions in the given subnets', () => {
    other.template.resourceCountIs('AWS::EC2::VPC', 0);
    other.template.resourceCountIs('AWS::EC2::VPCEndpoint', 0);
    other.template.resourceCountIs('AWS::ACMPCA::CertificateAuthority', 0);
    other.template.hasResourceProperties('AWS::Lambda::Function', { VpcConfig: { SubnetIds: ['subnet-0aaaaaaaaaaaaaaa1', 'subnet-0bbbbbbbbbbbbbbb2'] } });
    other.template.hasResourceProperties('AWS::EC2::SecurityGroupEgress', { DestinationSecurityGroupId: 'sg-0123456789abcdef0', FromPort: 443, ToPort: 443 });
  });

  it('restricts IssueCertificate to the given CA and template', () => {
    other.template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Action: 'acm-pca:IssueCertificate', Resource: EXISTING_CA.replace('222222222222', '111111111111'), Condition: { StringEquals: { 'acm-pca:TemplateArn': TEMPLATE } } }),
        ]),
      },
    });
  });
});
