// EventBridge Scheduler: the daily renew-fleet run and the weekly backup-fleet run, each with
// the same retry policy and the same encrypted SQS dead-letter queue for starts that still fail
// (an alarm watches the queue). Each schedule has its own role, which may start only its own
// state machine.
import { Duration, RemovalPolicy, Stack, TimeZone } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as targets from 'aws-cdk-lib/aws-scheduler-targets';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { DEFAULT_KEEP_BACKUP_GENERATIONS } from '../src/workflow/backup/contracts.js';
import type { TrustpointConfig } from './config.js';
import type { DeploymentKey } from './encryption.js';

/** Scheduler's retries of a start that fails (throttling, a transient API error) before the dead-letter queue. */
export const SCHEDULE_RETRY_ATTEMPTS = 10;
export const SCHEDULE_MAX_EVENT_AGE = Duration.hours(2);

/** What the weekly schedule starts backup-fleet with: every device, the default generations. */
export const BACKUP_FLEET_SCHEDULE_INPUT = { keepGenerations: DEFAULT_KEEP_BACKUP_GENERATIONS } as const;

export interface SchedulesProps {
  config: TrustpointConfig;
  key: DeploymentKey;
  renewFleet: sfn.IStateMachine;
  backupFleet: sfn.IStateMachine;
}

export class Schedules extends Construct {
  readonly deadLetterQueue: sqs.Queue;
  readonly renewFleetSchedule: scheduler.Schedule;
  readonly backupFleetSchedule: scheduler.Schedule;
  readonly backupFleetRole: iam.Role;

  constructor(scope: Construct, id: string, props: SchedulesProps) {
    super(scope, id);
    const { config } = props;

    this.deadLetterQueue = new sqs.Queue(this, 'ScheduleDeadLetterQueue', {
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: props.key.key,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
      removalPolicy: RemovalPolicy.DESTROY,
    });

    this.renewFleetSchedule = this.fleetSchedule(props, 'RenewFleetSchedule', {
      roleId: 'SchedulerRole',
      machineName: 'renew-fleet',
      description: 'daily renew-fleet (renews the devices inside their renewal window)',
      expression: config.schedules.renewFleet,
      machine: props.renewFleet,
      input: { force: false, dryRun: false },
    }).schedule;

    const backupFleet = this.fleetSchedule(props, 'BackupFleetSchedule', {
      roleId: 'BackupFleetSchedulerRole',
      machineName: 'backup-fleet',
      description: "weekly backup-fleet (exports every device's bound certificates as encrypted PKCS12 backups for an RMA)",
      expression: config.schedules.backupFleet,
      machine: props.backupFleet,
      input: BACKUP_FLEET_SCHEDULE_INPUT,
    });
    this.backupFleetSchedule = backupFleet.schedule;
    this.backupFleetRole = backupFleet.role;
  }

  /** A schedule that starts one fleet machine through its own role, with the shared retry policy and dead-letter queue. */
  private fleetSchedule(
    props: SchedulesProps,
    id: string,
    target: { roleId: string; machineName: string; description: string; expression: string; machine: sfn.IStateMachine; input: object },
  ): { schedule: scheduler.Schedule; role: iam.Role } {
    const { config } = props;
    const role = this.schedulerRole(target.roleId, `${config.namePrefix}: EventBridge Scheduler starts ${target.machineName}`, props.key);
    const schedule = new scheduler.Schedule(this, id, {
      description: `${config.namePrefix}: ${target.description}`,
      schedule: scheduler.ScheduleExpression.expression(target.expression, TimeZone.of(config.schedules.timeZone)),
      enabled: config.schedules.enabled,
      timeWindow: scheduler.TimeWindow.off(),
      target: new targets.StepFunctionsStartExecution(target.machine, {
        role,
        input: scheduler.ScheduleTargetInput.fromObject(target.input),
        deadLetterQueue: this.deadLetterQueue,
        retryAttempts: SCHEDULE_RETRY_ATTEMPTS,
        maxEventAge: SCHEDULE_MAX_EVENT_AGE,
      }),
    });
    return { schedule, role };
  }

  /** A role only EventBridge Scheduler of this account may assume; the target adds states:StartExecution on its machine. */
  private schedulerRole(id: string, description: string, key: DeploymentKey): iam.Role {
    const role = new iam.Role(this, id, {
      description,
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
      }),
    });
    // Sending to the KMS-encrypted dead-letter queue needs the key through SQS.
    role.addToPrincipalPolicy(key.statementFor('sqs', ['kms:GenerateDataKey', 'kms:Decrypt']));
    return role;
  }
}
