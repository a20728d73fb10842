// The state machines, from the single definitions in statemachines/*.asl.json (the local
// runner executes the same files). Every `${Key}` the ASL uses must be one of
// SUBSTITUTION_KEYS / BACKUP_SUBSTITUTION_KEYS and have a value here, or the synth stops with a
// ValidationError.
//
// Logging: level ALL with execution data. The payloads carry references only (device id,
// execution ARN, trustpoint names, serials, dates, the certificate ARN, an opaque bundle
// reference; the contracts' strict schemas reject anything else, PEM included), so the logs
// show nothing the console's execution history does not already show to the same readers, and
// they keep it after the history's 90 days, encrypted with the deployment key. Operators get
// the serials and the error causes per step in Logs Insights.
import { readFileSync } from 'node:fs';
import { ArnFormat, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sns from 'aws-cdk-lib/aws-sns';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { ValidationError } from '../src/errors.js';
import type { HandlerState } from '../src/lambda/environment.js';
import { definitionPath, findSubstitutionKeys } from '../src/runner/definitions.js';
import {
  BACKUP_DEVICE_CHILD_TIMEOUT_SECONDS,
  BACKUP_DEVICE_LAMBDA_STATES,
  BACKUP_DEVICE_STATE_MACHINE_ARN_KEY,
  BACKUP_FLEET_LAMBDA_STATES,
  BACKUP_STATE_MACHINE_NAMES,
  BACKUP_SUBSTITUTION_KEYS,
  RESTORE_DEVICE_LAMBDA_STATES,
  REUSED_RENEWAL_STATES,
} from '../src/workflow/backup/contracts.js';
import type { BackupStateMachineName } from '../src/workflow/backup/contracts.js';
import {
  FAILURE_TOPIC_ARN_KEY,
  RENEW_DEVICE_CHILD_TIMEOUT_SECONDS,
  RENEW_DEVICE_LAMBDA_STATES,
  RENEW_DEVICE_STATE_MACHINE_ARN_KEY,
  RENEW_FLEET_LAMBDA_STATES,
  SUBSTITUTION_KEYS,
} from '../src/workflow/contracts.js';
import type { StateMachineName } from '../src/workflow/contracts.js';
import type { TrustpointConfig } from './config.js';
import type { DeploymentKey } from './encryption.js';
import { handlerNames } from './task-functions.js';

/** renew-device ends within the Task timeout renew-fleet gives each child. */
export const RENEW_DEVICE_TIMEOUT = Duration.seconds(RENEW_DEVICE_CHILD_TIMEOUT_SECONDS);
/** renew-fleet runs daily: it must end before the next run starts. */
export const RENEW_FLEET_TIMEOUT = Duration.hours(23);
/** One `crypto ca export` per trustpoint (600 s state timeout each try), store, prune; backup-fleet's child Task waits as long. */
export const BACKUP_DEVICE_TIMEOUT = Duration.seconds(BACKUP_DEVICE_CHILD_TIMEOUT_SECONDS);
/**
 * backup-fleet runs weekly. A child takes about a minute, so a few hundred devices five at a
 * time end within hours; a run still going after a day is stuck, and its timeout alarm says so.
 */
export const BACKUP_FLEET_TIMEOUT = Duration.hours(24);
/** The restore steps, or the renewal fallback (a renew-device child of up to an hour). */
export const RESTORE_DEVICE_TIMEOUT = Duration.hours(2);

function isBackupMachine(name: StateMachineName | BackupStateMachineName): name is BackupStateMachineName {
  return (BACKUP_STATE_MACHINE_NAMES as readonly string[]).includes(name);
}

/**
 * The ASL of a state machine, with the execution timeout set, after checking its placeholders
 * against `values`. CDK's `timeout` prop applies to definitions it builds, not to a definition
 * string, so the timeout goes into the ASL here (a different value in the file is an error).
 */
export function definitionWithSubstitutions(
  name: StateMachineName | BackupStateMachineName,
  values: Readonly<Record<string, string>>,
  timeout: Duration,
): { definition: string; substitutions: Record<string, string> } {
  const file = definitionPath(name);
  const asl = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  const seconds = timeout.toSeconds();
  if (asl['TimeoutSeconds'] !== undefined && asl['TimeoutSeconds'] !== seconds) {
    throw new ValidationError(`${file} TimeoutSeconds`, `is ${String(asl['TimeoutSeconds'])}, the stack sets ${seconds}`);
  }
  const definition = JSON.stringify({ ...asl, TimeoutSeconds: seconds });
  const used = findSubstitutionKeys(asl);
  const expected = [...(isBackupMachine(name) ? BACKUP_SUBSTITUTION_KEYS[name] : SUBSTITUTION_KEYS[name])].sort();
  const unknown = used.filter((key) => !expected.includes(key));
  if (unknown.length > 0) throw new ValidationError(`${file} \${${unknown[0]}}`, `is not one of the substitution keys of ${name} (${expected.join(', ')})`);
  const substitutions: Record<string, string> = {};
  for (const key of expected) {
    const value = values[key];
    if (value === undefined) throw new ValidationError(`definitionSubstitutions.${key}`, `no value for this placeholder of ${name}`);
    substitutions[key] = value;
  }
  return { definition, substitutions };
}

function functionSubstitutions(states: readonly HandlerState[], functions: Readonly<Record<HandlerState, lambda.IFunction>>): Record<string, string> {
  return Object.fromEntries(states.map((state) => [handlerNames(state).substitutionKey, functions[state].functionArn]));
}

export interface StateMachinesProps {
  config: TrustpointConfig;
  key: DeploymentKey;
  functions: Readonly<Record<HandlerState, lambda.IFunction>>;
  failureTopic: sns.ITopic;
}

export class StateMachines extends Construct {
  readonly renewDevice: sfn.StateMachine;
  readonly renewFleet: sfn.StateMachine;
  readonly backupDevice: sfn.StateMachine;
  readonly restoreDevice: sfn.StateMachine;
  readonly backupFleet: sfn.StateMachine;

  constructor(scope: Construct, id: string, props: StateMachinesProps) {
    super(scope, id);
    const { config } = props;

    this.renewDevice = this.stateMachine(props, 'RenewDevice', 'renew-device', RENEW_DEVICE_LAMBDA_STATES, {}, RENEW_DEVICE_TIMEOUT, 'Renew the identity certificate of one ASA (statemachines/README.md)');

    this.renewFleet = this.stateMachine(
      props,
      'RenewFleet',
      'renew-fleet',
      RENEW_FLEET_LAMBDA_STATES,
      { [RENEW_DEVICE_STATE_MACHINE_ARN_KEY]: this.renewDevice.stateMachineArn, [FAILURE_TOPIC_ARN_KEY]: props.failureTopic.topicArn },
      RENEW_FLEET_TIMEOUT,
      'Renew every due ASA, a few at a time, then report (statemachines/README.md)',
    );
    this.allowStartAndFollow(this.renewFleet, this.renewDevice, `${config.namePrefix}-renew-device`, 'RenewDevice');
    this.allowNotify(this.renewFleet, props);

    this.backupDevice = this.stateMachine(props, 'BackupDevice', 'backup-device', BACKUP_DEVICE_LAMBDA_STATES, {}, BACKUP_DEVICE_TIMEOUT, 'Export and keep the identity certificates of one ASA as PKCS12 (statemachines/BACKUP-RESTORE.md)');

    this.restoreDevice = this.stateMachine(
      props,
      'RestoreDevice',
      'restore-device',
      [...RESTORE_DEVICE_LAMBDA_STATES, ...REUSED_RENEWAL_STATES],
      { [RENEW_DEVICE_STATE_MACHINE_ARN_KEY]: this.renewDevice.stateMachineArn },
      RESTORE_DEVICE_TIMEOUT,
      'Restore the backed-up certificates onto a replacement ASA, or renew on it (statemachines/BACKUP-RESTORE.md)',
    );
    this.allowStartAndFollow(this.restoreDevice, this.renewDevice, `${config.namePrefix}-renew-device`, 'RenewDevice');

    this.backupFleet = this.stateMachine(
      props,
      'BackupFleet',
      'backup-fleet',
      BACKUP_FLEET_LAMBDA_STATES,
      { [BACKUP_DEVICE_STATE_MACHINE_ARN_KEY]: this.backupDevice.stateMachineArn, [FAILURE_TOPIC_ARN_KEY]: props.failureTopic.topicArn },
      BACKUP_FLEET_TIMEOUT,
      'Back up every ASA of the inventory, a few at a time, then report (statemachines/BACKUP-RESTORE.md)',
    );
    this.allowStartAndFollow(this.backupFleet, this.backupDevice, `${config.namePrefix}-backup-device`, 'BackupDevice');
    this.allowNotify(this.backupFleet, props);
  }

  /** One STANDARD machine from its committed ASL (the task functions of `states`, plus `others`), traced and logged, allowed to invoke exactly those functions. */
  private stateMachine(
    props: StateMachinesProps,
    id: string,
    name: StateMachineName | BackupStateMachineName,
    states: readonly HandlerState[],
    others: Record<string, string>,
    timeout: Duration,
    comment: string,
  ): sfn.StateMachine {
    const { definition, substitutions } = definitionWithSubstitutions(name, { ...functionSubstitutions(states, props.functions), ...others }, timeout);
    const machine = new sfn.StateMachine(this, id, {
      stateMachineName: `${props.config.namePrefix}-${name}`,
      definitionBody: sfn.DefinitionBody.fromString(definition),
      definitionSubstitutions: substitutions,
      stateMachineType: sfn.StateMachineType.STANDARD,
      tracingEnabled: true,
      logs: this.logDestination(`${id}Logs`, props.config, props.key.key),
      comment,
    });
    this.allowInvoke(machine, states, props.functions);
    return machine;
  }

  /** The SNS Task of a fleet machine: publish to the failure topic (encrypted with the deployment key). */
  private allowNotify(machine: sfn.StateMachine, props: StateMachinesProps): void {
    machine.addToRolePolicy(new iam.PolicyStatement({ sid: 'NotifyOperators', actions: ['sns:Publish'], resources: [props.failureTopic.topicArn] }));
    machine.addToRolePolicy(props.key.statementFor('sns', ['kms:Decrypt', 'kms:GenerateDataKey']));
  }

  /**
   * startExecution.sync:2 of one child machine: start it, then follow its executions
   * (DescribeExecution, StopExecution, and the EventBridge rule Step Functions manages for .sync
   * integrations). `childName` is the child's physical name; nothing else may be started.
   */
  private allowStartAndFollow(machine: sfn.StateMachine, child: sfn.StateMachine, childName: string, sid: string): void {
    const stack = Stack.of(this);
    const childExecutions = stack.formatArn({
      service: 'states',
      resource: 'execution',
      resourceName: `${childName}:*`,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    machine.addToRolePolicy(new iam.PolicyStatement({ sid: `Start${sid}`, actions: ['states:StartExecution'], resources: [child.stateMachineArn] }));
    machine.addToRolePolicy(new iam.PolicyStatement({ sid: `Follow${sid}`, actions: ['states:DescribeExecution', 'states:StopExecution'], resources: [childExecutions] }));
    machine.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'SyncIntegrationRule',
        actions: ['events:PutTargets', 'events:PutRule', 'events:DescribeRule'],
        resources: [stack.formatArn({ service: 'events', resource: 'rule', resourceName: 'StepFunctionsGetEventsForStepFunctionsExecutionRule' })],
      }),
    );
  }

  private logDestination(id: string, config: TrustpointConfig, key: kms.IKey): sfn.LogOptions {
    const destination = new logs.LogGroup(this, id, {
      logGroupName: `/aws/vendedlogs/states/${config.namePrefix}-${id.replace(/Logs$/, '').replace(/([a-z])([A-Z])/g, '$1-$2').toLowerCase()}`,
      encryptionKey: key,
      retention: config.logRetentionDays as logs.RetentionDays,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    return { destination, level: sfn.LogLevel.ALL, includeExecutionData: true };
  }

  /** lambda:InvokeFunction on the unqualified ARNs the ASL calls, and no others. */
  private allowInvoke(machine: sfn.StateMachine, states: readonly HandlerState[], functions: Readonly<Record<HandlerState, lambda.IFunction>>): void {
    machine.addToRolePolicy(new iam.PolicyStatement({ sid: 'InvokeTaskFunctions', actions: ['lambda:InvokeFunction'], resources: states.map((state) => functions[state].functionArn) }));
  }
}
