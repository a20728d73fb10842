// Every cdk-nag AwsSolutions finding this stack accepts, on the narrowest construct, with the
// reason. Anything not listed here fails the synth.
import { Stack, Validations } from 'aws-cdk-lib';
import type { CfnResource } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { capabilitiesOf, speaksSsh } from '../src/lambda/environment.js';
import { ALL_HANDLER_STATES } from './task-functions.js';
import type { TrustpointStack } from './trustpoint-stack.js';

function acknowledge(scope: IConstruct, id: string, reason: string): void {
  Validations.of(scope).acknowledge({ id, reason });
}

export function acknowledgeFindings(stack: TrustpointStack): void {
  const { account, region } = stack;
  const prefix = stack.storage.credentialsSecretPrefix;

  acknowledge(
    stack.storage.masterKeySecret,
    'AwsSolutions-SMG4',
    'The bundle master key is not rotated automatically: each secret version is the key id of the bundles it sealed, and Secrets Manager deprecates unlabelled versions beyond about 100, which would make old bundles (RMA backups) unreadable. Rotate it deliberately with put-secret-value; new bundles use the new version, old ones keep opening (docs/decisions/20261127-secrets-and-bundles.md).',
  );

  for (const policy of Object.values(stack.tasks.networkInterfacePolicies)) {
    acknowledge(
      policy,
      'AwsSolutions-IAM5[Resource::*]',
      'Attaching a Lambda function to a VPC needs ec2:CreateNetworkInterface and ec2:DescribeNetworkInterfaces on "*" (they take no resource ARN; see the AWS Lambda VPC guide). This policy holds only the five ENI actions of AWSLambdaVPCAccessExecutionRole, without its logs:* on "*".',
    );
  }

  const credentials = `Resource::arn:<AWS::Partition>:secretsmanager:${region}:${account}:secret:${prefix}*`;
  const bundleObjects = `Resource::<${Stack.of(stack).getLogicalId(stack.storage.bundleBucket.node.defaultChild as CfnResource)}.Arn>/${stack.storage.bundleKeyPrefix}bundles/*`;
  const backupBundleObjects = `${bundleObjects}/backup/*`;
  for (const state of ALL_HANDLER_STATES) {
    const policy = stack.tasks.roles[state].node.tryFindChild('DefaultPolicy');
    if (policy === undefined) continue;
    if (speaksSsh(state)) {
      acknowledge(
        policy,
        `AwsSolutions-IAM5[${credentials}]`,
        `${state} reads the SSH credentials of the devices it renews. Credentials are one secret per credentials group, created by the operator under "${prefix}"; the secret ARN ends in a random suffix, so a name prefix is the narrowest resource. Only GetSecretValue is allowed.`,
      );
    }
    if (capabilitiesOf(state).includes('bundles')) {
      acknowledge(
        policy,
        `AwsSolutions-IAM5[${bundleObjects}]`,
        `${state} ${state === 'IssueCertificate' || state === 'ExportTrustpoints' ? 'writes and reads' : 'reads'} the encrypted PKCS12 bundles, one object per device and serial under ${stack.storage.bundleKeyPrefix}bundles/; object keys are only known at run time. Nothing else in the bucket is reachable.`,
      );
    }
    if (state === 'PruneGenerations') {
      acknowledge(
        policy,
        `AwsSolutions-IAM5[${backupBundleObjects}]`,
        `PruneGenerations deletes the exported backup bundles beyond the kept generations, one object per device and serial under ${stack.storage.bundleKeyPrefix}bundles/<device>/backup/; the keys are only known at run time. The renewal's issued bundles (bundles/<device>/issued/) are outside this resource, so they cannot be deleted.`,
      );
    }
  }

  const { renewDevice, renewFleet, backupDevice, restoreDevice, backupFleet } = stack.stateMachines;
  for (const machine of [renewDevice, renewFleet, backupDevice, restoreDevice, backupFleet]) {
    const policy = machine.role.node.tryFindChild('DefaultPolicy');
    if (policy === undefined) continue;
    acknowledge(
      policy,
      'AwsSolutions-IAM5[Resource::*]',
      'Added by CDK for the state machine logging and X-Ray tracing: the CloudWatch Logs vended log-delivery actions (logs:CreateLogDelivery, ...) and xray:PutTraceSegments/PutTelemetryRecords/GetSamplingRules/GetSamplingTargets do not support resource-level permissions.',
    );
  }
  for (const [name, machine] of [['renew-fleet', renewFleet], ['restore-device', restoreDevice]] as const) {
    const policy = machine.role.node.tryFindChild('DefaultPolicy');
    if (policy === undefined) continue;
    acknowledge(
      policy,
      `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:states:${region}:${account}:execution:${stack.config.namePrefix}-renew-device:*]`,
      `${name} follows the renew-device executions it starts (states:DescribeExecution, states:StopExecution for startExecution.sync:2); execution names are generated per run, so the ARN ends in "*" under the renew-device state machine only.`,
    );
  }
  const backupFleetPolicy = backupFleet.role.node.tryFindChild('DefaultPolicy');
  if (backupFleetPolicy !== undefined) {
    acknowledge(
      backupFleetPolicy,
      `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:states:${region}:${account}:execution:${stack.config.namePrefix}-backup-device:*]`,
      'backup-fleet follows the backup-device executions it starts, one per device (states:DescribeExecution, states:StopExecution for startExecution.sync:2); execution names are generated per run, so the ARN ends in "*" under the backup-device state machine only. It cannot start or follow any other state machine.',
    );
  }

  acknowledge(
    stack.schedules.deadLetterQueue,
    'AwsSolutions-SQS3',
    'This queue is the dead-letter queue of the renew-fleet and backup-fleet schedules; an alarm fires on its first message. A dead-letter queue of a dead-letter queue would only hide that.',
  );
}
