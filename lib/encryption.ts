// One customer-managed KMS key (rotation on) for everything the deployment stores: the
// inventory table, the bundle bucket, the master-key secret, the SNS topic, the schedule DLQ
// and the log groups. The key policy lets the account's IAM policies decide (CDK's default
// root statement) and adds the two service principals that use the key on their own behalf:
// CloudWatch Logs (log groups of this account only) and CloudWatch alarms (publishing to
// the encrypted topic).
import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';

export class DeploymentKey extends Construct {
  readonly key: kms.Key;

  constructor(scope: Construct, id: string, props: { namePrefix: string }) {
    super(scope, id);
    const stack = Stack.of(this);
    this.key = new kms.Key(this, 'Key', {
      alias: `alias/${props.namePrefix}`,
      description: `${props.namePrefix}: inventory, bundles, secrets, notifications and logs of the ASA certificate renewal`,
      enableKeyRotation: true,
      rotationPeriod: Duration.days(365),
      pendingWindow: Duration.days(30),
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudWatchLogsOfThisAccount',
        principals: [new iam.ServicePrincipal(`logs.${stack.region}.amazonaws.com`)],
        actions: ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncryptFrom', 'kms:ReEncryptTo', 'kms:GenerateDataKey', 'kms:DescribeKey'],
        resources: ['*'],
        conditions: { ArnLike: { 'kms:EncryptionContext:aws:logs:arn': `arn:${stack.partition}:logs:${stack.region}:${stack.account}:log-group:*` } },
      }),
    );
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudWatchAlarmsToTheEncryptedTopic',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': stack.account } },
      }),
    );
  }

  /**
   * Explicit key actions for a role that uses `service` with this key (no wildcard actions).
   * The kms:ViaService condition keeps the permission from working outside that service.
   */
  statementFor(service: 'dynamodb' | 's3' | 'secretsmanager' | 'sns' | 'sqs', actions: readonly ('kms:Decrypt' | 'kms:Encrypt' | 'kms:GenerateDataKey' | 'kms:DescribeKey')[]): iam.PolicyStatement {
    const stack = Stack.of(this);
    return new iam.PolicyStatement({
      actions: [...actions],
      resources: [this.key.keyArn],
      conditions: { StringEquals: { 'kms:ViaService': `${service}.${stack.region}.amazonaws.com` } },
    });
  }
}
