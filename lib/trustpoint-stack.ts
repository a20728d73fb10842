// The whole AWS deployment of trustpoint in one stack: key, network, storage, CA, the task
// Lambdas, the five state machines, the two schedules, the failure topic, alarms and dashboard.
import { CfnOutput, Stack } from 'aws-cdk-lib';
import type { StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { IssuingCa } from './certificate-authority.js';
import type { TrustpointConfig } from './config.js';
import { DeploymentKey } from './encryption.js';
import { FailureTopic, Monitoring } from './monitoring.js';
import { acknowledgeFindings } from './nag-acknowledgements.js';
import { Network } from './network.js';
import { Schedules } from './schedules.js';
import { StateMachines } from './state-machines.js';
import { Storage } from './storage.js';
import { TaskFunctions } from './task-functions.js';

export interface TrustpointStackProps extends StackProps {
  config: TrustpointConfig;
}

export class TrustpointStack extends Stack {
  readonly config: TrustpointConfig;
  readonly network: Network;
  readonly storage: Storage;
  readonly tasks: TaskFunctions;
  readonly stateMachines: StateMachines;
  readonly schedules: Schedules;
  readonly monitoring: Monitoring;

  constructor(scope: Construct, id: string, props: TrustpointStackProps) {
    super(scope, id, { ...props, env: { account: props.config.account, region: props.config.region } });
    const { config } = props;
    this.config = config;

    const key = new DeploymentKey(this, 'DeploymentKey', { namePrefix: config.namePrefix });
    this.network = new Network(this, 'Network', { config, key: key.key });
    this.storage = new Storage(this, 'Storage', { namePrefix: config.namePrefix, key: key.key });
    const ca = new IssuingCa(this, 'IssuingCa', config);
    this.tasks = new TaskFunctions(this, 'Tasks', {
      config,
      key,
      table: this.storage.table,
      backupTable: this.storage.backupTable,
      bundleBucket: this.storage.bundleBucket,
      bundleKeyPrefix: this.storage.bundleKeyPrefix,
      masterKeySecret: this.storage.masterKeySecret,
      credentialsSecretPrefix: this.storage.credentialsSecretPrefix,
      caArn: ca.caArn,
      templateArn: ca.templateArn,
      vpc: this.network.vpc,
      subnets: this.network.subnets,
      deviceAccessSecurityGroup: this.network.deviceAccessSecurityGroup,
      awsOnlySecurityGroup: this.network.awsOnlySecurityGroup,
    });
    const failures = new FailureTopic(this, 'Failures', { config, key: key.key });
    this.stateMachines = new StateMachines(this, 'StateMachines', { config, key, functions: this.tasks.functions, failureTopic: failures.topic });
    this.schedules = new Schedules(this, 'Schedules', { config, key, renewFleet: this.stateMachines.renewFleet, backupFleet: this.stateMachines.backupFleet });
    this.monitoring = new Monitoring(this, 'Monitoring', {
      config,
      topic: failures.topic,
      renewDevice: this.stateMachines.renewDevice,
      renewFleet: this.stateMachines.renewFleet,
      backupFleet: this.stateMachines.backupFleet,
      scheduleDeadLetterQueue: this.schedules.deadLetterQueue,
    });

    // What the operator CLI (`--aws`) and the README's console steps need.
    new CfnOutput(this, 'RenewDeviceStateMachineArn', { value: this.stateMachines.renewDevice.stateMachineArn });
    new CfnOutput(this, 'RenewFleetStateMachineArn', { value: this.stateMachines.renewFleet.stateMachineArn });
    new CfnOutput(this, 'BackupDeviceStateMachineArn', { value: this.stateMachines.backupDevice.stateMachineArn });
    new CfnOutput(this, 'RestoreDeviceStateMachineArn', { value: this.stateMachines.restoreDevice.stateMachineArn });
    new CfnOutput(this, 'BackupFleetStateMachineArn', { value: this.stateMachines.backupFleet.stateMachineArn });
    new CfnOutput(this, 'InventoryTableName', { value: this.storage.table.tableName });
    new CfnOutput(this, 'BackupTableName', { value: this.storage.backupTable.tableName });
    new CfnOutput(this, 'BundleBucketName', { value: this.storage.bundleBucket.bucketName });
    new CfnOutput(this, 'CredentialsSecretPrefix', { value: this.storage.credentialsSecretPrefix });
    new CfnOutput(this, 'DeploymentKeyArn', { value: key.key.keyArn });
    new CfnOutput(this, 'FailureTopicArn', { value: failures.topic.topicArn });
    new CfnOutput(this, 'CertificateAuthorityArn', { value: ca.caArn });

    acknowledgeFindings(this);
  }
}
