// What tells the operators: the failure topic (KMS-encrypted, TLS only, one email
// subscription), alarms on failed executions (renewals and the weekly fleet backup), on a
// schedule that could not start renew-fleet or backup-fleet,
// and on any device whose certificate expires in fewer than `expiryAlarmDays` days; and a
// dashboard with days to expiry per device and renewals per day.
//
// DaysToExpiry comes from the task Lambdas (src/lambda/task-metrics.ts) twice: per device
// (dimension DeviceId) for the dashboard, and with the service dimension only, so that one
// alarm on its Minimum covers every device.
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { DEVICE_DIMENSION, METRIC_NAMES, OUTCOME_DIMENSION } from '../src/lambda/task-metrics.js';
import type { TrustpointConfig } from './config.js';
import { METRICS_NAMESPACE } from './task-functions.js';

export class FailureTopic extends Construct {
  readonly topic: sns.Topic;

  constructor(scope: Construct, id: string, props: { config: TrustpointConfig; key: kms.IKey }) {
    super(scope, id);
    this.topic = new sns.Topic(this, 'Topic', {
      topicName: `${props.config.namePrefix}-failures`,
      displayName: `${props.config.namePrefix} ASA certificate renewal`,
      masterKey: props.key,
      enforceSSL: true,
    });
    this.topic.addSubscription(new subscriptions.EmailSubscription(props.config.notificationEmail));
  }
}

export interface MonitoringProps {
  config: TrustpointConfig;
  topic: sns.ITopic;
  renewDevice: sfn.IStateMachine;
  renewFleet: sfn.IStateMachine;
  backupFleet: sfn.IStateMachine;
  scheduleDeadLetterQueue: sqs.IQueue;
}

/** What an operator reads in the alarm of each watched state machine. */
const FAILED_EXECUTION_ALARMS = {
  RenewDevice: {
    name: 'renew-device-failed',
    description: "A RenewDevice execution failed, timed out or was aborted. The execution's error and cause name the device and the step; the device serves its previous certificate or the new verified one.",
  },
  RenewFleet: {
    name: 'renew-fleet-failed',
    description: "A RenewFleet execution failed, timed out or was aborted. The execution's error and cause name the device and the step; the device serves its previous certificate or the new verified one.",
  },
  BackupFleet: {
    name: 'backup-fleet-failed',
    description:
      'The weekly BackupFleet execution failed (more devices than tolerated could not be backed up, or the inventory could not be read), timed out or was aborted. Its cause is the summary: one line per device with the error, e.g. the ASA refusing crypto ca export. Nothing on the devices changed; their previous backups are kept.',
  },
} as const;

export class Monitoring extends Construct {
  readonly alarms: cloudwatch.Alarm[] = [];
  readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    const { config } = props;
    const service = config.namePrefix;
    const action = new actions.SnsAction(props.topic);

    for (const [name, machine] of [
      ['RenewDevice', props.renewDevice],
      ['RenewFleet', props.renewFleet],
      ['BackupFleet', props.backupFleet],
    ] as const) {
      const unsuccessful = new cloudwatch.MathExpression({
        expression: 'failed + timedOut + aborted',
        usingMetrics: {
          failed: machine.metricFailed({ period: Duration.minutes(5), statistic: 'Sum' }),
          timedOut: machine.metricTimedOut({ period: Duration.minutes(5), statistic: 'Sum' }),
          aborted: machine.metricAborted({ period: Duration.minutes(5), statistic: 'Sum' }),
        },
        label: `${name} executions failed, timed out or aborted`,
        period: Duration.minutes(5),
      });
      this.alarms.push(
        unsuccessful.createAlarm(this, `${name}FailedAlarm`, {
          alarmName: `${service}-${FAILED_EXECUTION_ALARMS[name].name}`,
          alarmDescription: FAILED_EXECUTION_ALARMS[name].description,
          threshold: 1,
          evaluationPeriods: 1,
          comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
          treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        }),
      );
    }

    const fleetDaysToExpiry = new cloudwatch.Metric({
      namespace: METRICS_NAMESPACE,
      metricName: METRIC_NAMES.daysToExpiry,
      dimensionsMap: { service },
      statistic: 'Minimum',
      period: Duration.days(1),
      label: 'Fewest days to expiry in the fleet',
    });
    this.alarms.push(
      fleetDaysToExpiry.createAlarm(this, 'ExpiryAlarm', {
        alarmName: `${service}-certificate-expiring`,
        alarmDescription: `An ASA certificate expires in fewer than ${config.expiryAlarmDays} days and was not renewed. See the dashboard's days-to-expiry graph for the device, then its last renew-device execution.`,
        threshold: config.expiryAlarmDays,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
    );

    this.alarms.push(
      props.scheduleDeadLetterQueue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5), statistic: 'Maximum' }).createAlarm(this, 'ScheduleDeadLetterAlarm', {
        alarmName: `${service}-schedule-undelivered`,
        alarmDescription: 'EventBridge Scheduler could not start renew-fleet or backup-fleet after its retries: the message in the dead-letter queue says which and why (permissions, throttling, a deleted state machine).',
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
    );
    for (const alarm of this.alarms) {
      alarm.addAlarmAction(action);
    }

    const perDevice = new cloudwatch.MathExpression({
      expression: `SEARCH('{${METRICS_NAMESPACE},service,${DEVICE_DIMENSION}} MetricName="${METRIC_NAMES.daysToExpiry}" service="${service}"', 'Minimum', 86400)`,
      usingMetrics: {},
      label: '',
      period: Duration.days(1),
    });
    const renewals = new cloudwatch.Metric({ namespace: METRICS_NAMESPACE, metricName: METRIC_NAMES.renewals, dimensionsMap: { service }, statistic: 'Sum', period: Duration.days(1), label: 'Renewals' });
    const failures = new cloudwatch.MathExpression({
      expression: `SEARCH('{${METRICS_NAMESPACE},service,${OUTCOME_DIMENSION}} MetricName="${METRIC_NAMES.renewalFailures}" service="${service}"', 'Sum', 86400)`,
      usingMetrics: {},
      label: '',
      period: Duration.days(1),
    });

    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName: `${service}-certificates`,
      defaultInterval: Duration.days(35),
    });
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Days to expiry per device',
        left: [perDevice],
        leftAnnotations: [{ value: config.expiryAlarmDays, label: 'alarm threshold', color: '#d62728' }],
        width: 24,
        height: 8,
        legendPosition: cloudwatch.LegendPosition.RIGHT,
      }),
    );
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({ title: 'Renewals per day', left: [renewals], right: [failures], width: 12, height: 6, view: cloudwatch.GraphWidgetView.BAR }),
      new cloudwatch.AlarmStatusWidget({ title: 'Alarms', alarms: this.alarms, width: 12, height: 6 }),
    );
  }
}
