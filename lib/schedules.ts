// EventBridge Scheduler: the daily renew-fleet run, with a retry policy and an encrypted SQS
// dead-letter queue for starts that still fail (an alarm watches the queue). The weekly fleet
// backup schedule comes with the backup-device state machine, which is not deployed yet.
import { Duration, RemovalPolicy, Stack, TimeZone } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as targets from 'aws-cdk-lib/aws-scheduler-targets';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { TrustpointConfig } from './config.js';
import type { DeploymentKey } from './encryption.js';

export interface SchedulesProps {
  config: TrustpointConfig;
  key: DeploymentKey;
  renewFleet: sfn.IStateMachine;
}

export class Schedules extends Construct {
  readonly deadLetterQueue: sqs.Queue;
  readonly renewFleetSchedule: scheduler.Schedule;

  constructor(scope: Construct, id: string, props: SchedulesProps) {
    super(scope, id);
    const { config } = props;
    const stack = Stack.of(this);

    this.deadLetterQueue = new sqs.Queue(this, 'ScheduleDeadLetterQueue', {
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: props.key.key,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
      removalPolicy: RemovalPolicy.DESTROY,
    });

    const role = new iam.Role(this, 'SchedulerRole', {
      description: `${config.namePrefix}: EventBridge Scheduler starts renew-fleet`,
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': stack.account } },
      }),
    });
    // Sending to the KMS-encrypted dead-letter queue needs the key through SQS.
    role.addToPrincipalPolicy(props.key.statementFor('sqs', ['kms:GenerateDataKey', 'kms:Decrypt']));

    this.renewFleetSchedule = new scheduler.Schedule(this, 'RenewFleetSchedule', {
      description: `${config.namePrefix}: daily renew-fleet (renews the devices inside their renewal window)`,
      schedule: scheduler.ScheduleExpression.expression(config.schedules.renewFleet, TimeZone.of(config.schedules.timeZone)),
      enabled: config.schedules.enabled,
      timeWindow: scheduler.TimeWindow.off(),
      target: new targets.StepFunctionsStartExecution(props.renewFleet, {
        role,
        input: scheduler.ScheduleTargetInput.fromObject({ force: false, dryRun: false }),
        deadLetterQueue: this.deadLetterQueue,
        retryAttempts: 10,
        maxEventAge: Duration.hours(2),
      }),
    });
  }
}
