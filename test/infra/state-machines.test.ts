import { Duration } from 'aws-cdk-lib';
import type { Topic } from 'aws-cdk-lib/aws-sns';
import validator from 'asl-validator';
import type { IConstruct } from 'constructs';
import { beforeAll, describe, expect, it } from 'vitest';
import { BACKUP_DEVICE_TIMEOUT, BACKUP_FLEET_TIMEOUT, definitionWithSubstitutions, RENEW_DEVICE_TIMEOUT, RENEW_FLEET_TIMEOUT, RESTORE_DEVICE_TIMEOUT } from '../../lib/state-machines.js';
import type { FailureTopic } from '../../lib/monitoring.js';
import type { TrustpointStack } from '../../lib/trustpoint-stack.js';
import { ValidationError } from '../../src/errors.js';
import { readBackupDefinition } from '../../src/runner/backup-runner.js';
import { readRawDefinition, resolveSubstitutions } from '../../src/runner/definitions.js';
import { BACKUP_DEVICE_STATE_MACHINE_ARN_KEY, BACKUP_LAMBDA_TASKS, BACKUP_SUBSTITUTION_KEYS } from '../../src/workflow/backup/contracts.js';
import type { BackupStateMachineName } from '../../src/workflow/backup/contracts.js';
import { FAILURE_TOPIC_ARN_KEY, LAMBDA_TASKS, RENEW_DEVICE_STATE_MACHINE_ARN_KEY, SUBSTITUTION_KEYS } from '../../src/workflow/contracts.js';
import type { StateMachineName } from '../../src/workflow/contracts.js';
import { synthesize } from './synth.js';

type Token = { 'Fn::GetAtt'?: [string, string]; Ref?: string };

let stack: TrustpointStack;
let resourceTypes: Record<string, string>;
let machines: Record<StateMachineName | BackupStateMachineName, { definition: string; substitutions: Record<string, Token> }>;

/** A CloudFormation reference as the dummy ARN of what it points at. */
function dummyArn(token: Token): string {
  const resource = token['Fn::GetAtt']?.[0] ?? token.Ref ?? '';
  const type = resourceTypes[resource];
  switch (type) {
    case 'AWS::Lambda::Function':
      return `arn:aws:lambda:eu-west-1:111111111111:function:${resource}`;
    case 'AWS::StepFunctions::StateMachine':
      return `arn:aws:states:eu-west-1:111111111111:stateMachine:${resource}`;
    case 'AWS::SNS::Topic':
      return `arn:aws:sns:eu-west-1:111111111111:${resource}`;
    default:
      throw new Error(`unexpected substitution ${JSON.stringify(token)} (${String(type)})`);
  }
}

beforeAll(() => {
  const synthesized = synthesize();
  stack = synthesized.stack;
  const resources = synthesized.template.toJSON()['Resources'] as Record<string, { Type: string; Properties: Record<string, unknown> }>;
  resourceTypes = Object.fromEntries(Object.entries(resources).map(([id, r]) => [id, r.Type]));
  const byName = (name: string) => {
    const machine = Object.values(resources).find((r) => r.Type === 'AWS::StepFunctions::StateMachine' && r.Properties['StateMachineName'] === `trustpoint-${name}`);
    if (!machine) throw new Error(`no state machine ${name}`);
    return { definition: machine.Properties['DefinitionString'] as string, substitutions: machine.Properties['DefinitionSubstitutions'] as Record<string, Token> };
  };
  machines = {
    'renew-device': byName('renew-device'),
    'renew-fleet': byName('renew-fleet'),
    'backup-device': byName('backup-device'),
    'restore-device': byName('restore-device'),
    'backup-fleet': byName('backup-fleet'),
  };
});

type MachineName = StateMachineName | BackupStateMachineName;

const failureTopic = (s: TrustpointStack): Topic => (s.node.findChild('Failures') as FailureTopic).topic;

/** Per machine: its substitution keys, its execution timeout, the committed ASL file, and the state machines or topic it refers to. */
const EXPECTED: Record<MachineName, { keys: readonly string[]; timeout: Duration; committed: () => Record<string, unknown>; refs: (s: TrustpointStack) => Record<string, IConstruct> }> = {
  'renew-device': { keys: SUBSTITUTION_KEYS['renew-device'], timeout: RENEW_DEVICE_TIMEOUT, committed: () => readRawDefinition('renew-device'), refs: () => ({}) },
  'renew-fleet': {
    keys: SUBSTITUTION_KEYS['renew-fleet'],
    timeout: RENEW_FLEET_TIMEOUT,
    committed: () => readRawDefinition('renew-fleet'),
    refs: (s) => ({ [RENEW_DEVICE_STATE_MACHINE_ARN_KEY]: s.stateMachines.renewDevice, [FAILURE_TOPIC_ARN_KEY]: failureTopic(s) }),
  },
  'backup-device': { keys: BACKUP_SUBSTITUTION_KEYS['backup-device'], timeout: BACKUP_DEVICE_TIMEOUT, committed: () => readBackupDefinition('backup-device'), refs: () => ({}) },
  'restore-device': {
    keys: BACKUP_SUBSTITUTION_KEYS['restore-device'],
    timeout: RESTORE_DEVICE_TIMEOUT,
    committed: () => readBackupDefinition('restore-device'),
    refs: (s) => ({ [RENEW_DEVICE_STATE_MACHINE_ARN_KEY]: s.stateMachines.renewDevice }),
  },
  'backup-fleet': {
    keys: BACKUP_SUBSTITUTION_KEYS['backup-fleet'],
    timeout: BACKUP_FLEET_TIMEOUT,
    committed: () => readBackupDefinition('backup-fleet'),
    refs: (s) => ({ [BACKUP_DEVICE_STATE_MACHINE_ARN_KEY]: s.stateMachines.backupDevice, [FAILURE_TOPIC_ARN_KEY]: failureTopic(s) }),
  },
};

describe.each(Object.keys(EXPECTED) as MachineName[])('the synthesized %s', (name) => {
  it('has exactly the substitution keys of its contracts, each pointing at its resource', () => {
    const { substitutions } = machines[name];

    expect(Object.keys(substitutions).sort()).toEqual([...EXPECTED[name].keys].sort());
    for (const task of [...Object.values(BACKUP_LAMBDA_TASKS), ...Object.values(LAMBDA_TASKS)].filter((t) => t.substitutionKey in substitutions)) {
      expect(substitutions[task.substitutionKey]?.['Fn::GetAtt']).toEqual([stack.getLogicalId(stack.tasks.functions[task.state].node.defaultChild as never), 'Arn']);
    }
    for (const [key, construct] of Object.entries(EXPECTED[name].refs(stack))) {
      expect(substitutions[key]).toEqual({ Ref: stack.getLogicalId(construct.node.defaultChild as never) });
    }
  });

  it('passes asl-validator once resolved, and equals the committed ASL file (plus the execution timeout)', () => {
    const { definition, substitutions } = machines[name];
    const values = Object.fromEntries(Object.entries(substitutions).map(([key, token]) => [key, dummyArn(token)]));

    const resolved = resolveSubstitutions(JSON.parse(definition) as Record<string, unknown>, values);
    // asl-validator fills in defaults (QueryLanguage) in the object it is given: validate a copy.
    const result = validator(structuredClone(resolved), { checkPaths: true, checkArn: true });

    expect(result.errorsText('\n')).toBe('');
    expect(result.isValid).toBe(true);
    expect(resolved).toEqual({ ...resolveSubstitutions(EXPECTED[name].committed(), values), TimeoutSeconds: EXPECTED[name].timeout.toSeconds() });
  });
});

describe('definitionWithSubstitutions', () => {
  it('stops the synth when a placeholder has no value, naming the key', () => {
    const values = Object.fromEntries(SUBSTITUTION_KEYS['renew-fleet'].map((key) => [key, `arn:aws:lambda:eu-west-1:111111111111:function:${key}`]));
    delete values[FAILURE_TOPIC_ARN_KEY];

    expect(() => definitionWithSubstitutions('renew-fleet', values, Duration.hours(1))).toThrow(ValidationError);
    expect(() => definitionWithSubstitutions('renew-fleet', values, Duration.hours(1))).toThrow(`definitionSubstitutions.${FAILURE_TOPIC_ARN_KEY}`);
  });
});
