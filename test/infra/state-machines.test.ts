import { Duration } from 'aws-cdk-lib';
import validator from 'asl-validator';
import { beforeAll, describe, expect, it } from 'vitest';
import { BACKUP_DEVICE_TIMEOUT, BACKUP_FLEET_TIMEOUT, definitionWithSubstitutions, RENEW_DEVICE_TIMEOUT, RENEW_FLEET_TIMEOUT, RESTORE_DEVICE_TIMEOUT } from '../../lib/state-machines.js';
import type { TrustpointStack } from '../../lib/trustpoint-stack.js';
import { ValidationError } from '../../src/errors.js';
import { readBackupDefinition } from '../../src/runner/backup-runner.js';
import { readRawDefinition, resolveSubstitutions } from '../../src/runner/definitions.js';
import { BACKUP_DEVICE_STATE_MACHINE_ARN_KEY, BACKUP_LAMBDA_TASKS, BACKUP_SUBSTITUTION_KEYS } from '../../src/workflow/backup/contracts.js';
import type { BackupStateMachineName } from '../../src/workflow/backup/contracts.js';
import { FAILURE_TOPIC_ARN_KEY, LAMBDA_TASKS, RENEW_DEVICE_STATE_MACHINE_ARN_KEY, SUBSTITUTION_KEYS } from '../../src/workflow/contracts.js';
import type { LambdaTaskState, StateMachineName } from '../../src/workflow/contracts.js';
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

const BACKUP_TIMEOUTS = { 'backup-device': BACKUP_DEVICE_TIMEOUT, 'restore-device': RESTORE_DEVICE_TIMEOUT, 'backup-fleet': BACKUP_FLEET_TIMEOUT } as const;

describe.each(['backup-device', 'restore-device', 'backup-fleet'] as const)('the synthesized %s', (name) => {
  it('has exactly the substitution keys of BACKUP_SUBSTITUTION_KEYS, each pointing at its resource', () => {
    const { substitutions } = machines[name];

    expect(Object.keys(substitutions).sort()).toEqual([...BACKUP_SUBSTITUTION_KEYS[name]].sort());
    for (const task of [...Object.values(BACKUP_LAMBDA_TASKS), ...Object.values(LAMBDA_TASKS)].filter((t) => t.substitutionKey in substitutions)) {
      expect(substitutions[task.substitutionKey]?.['Fn::GetAtt']).toEqual([stack.getLogicalId(stack.tasks.functions[task.state].node.defaultChild as never), 'Arn']);
    }
    if (name === 'restore-device') expect(substitutions[RENEW_DEVICE_STATE_MACHINE_ARN_KEY]).toEqual({ Ref: stack.getLogicalId(stack.stateMachines.renewDevice.node.defaultChild as never) });
    if (name === 'backup-fleet') {
      expect(substitutions[BACKUP_DEVICE_STATE_MACHINE_ARN_KEY]).toEqual({ Ref: stack.getLogicalId(stack.stateMachines.backupDevice.node.defaultChild as never) });
      expect(substitutions[FAILURE_TOPIC_ARN_KEY]?.Ref).toMatch(/^FailuresTopic/);
    }
  });

  it('passes asl-validator once resolved, and equals the committed ASL file (plus the execution timeout)', () => {
    const { definition, substitutions } = machines[name];
    const values = Object.fromEntries(Object.entries(substitutions).map(([key, token]) => [key, dummyArn(token)]));

    const resolved = resolveSubstitutions(JSON.parse(definition) as Record<string, unknown>, values);
    const result = validator(structuredClone(resolved), { checkPaths: true, checkArn: true });

    expect(result.errorsText('\n')).toBe('');
    expect(result.isValid).toBe(true);
    const timeout = BACKUP_TIMEOUTS[name].toSeconds();
    expect(resolved).toEqual({ ...resolveSubstitutions(readBackupDefinition(name), values), TimeoutSeconds: timeout });
  });
});

describe.each(['renew-device', 'renew-fleet'] as const)('the synthesized %s', (name) => {
  it('has exactly the substitution keys of the contracts, each pointing at its resource', () => {
    const { substitutions } = machines[name];

    expect(Object.keys(substitutions).sort()).toEqual([...SUBSTITUTION_KEYS[name]].sort());
    for (const task of Object.values(LAMBDA_TASKS).filter((t) => t.substitutionKey in substitutions)) {
      const target = substitutions[task.substitutionKey]?.['Fn::GetAtt'];
      expect(target?.[1]).toBe('Arn');
      expect(target?.[0]).toBe(stack.getLogicalId(stack.tasks.functions[task.state as LambdaTaskState].node.defaultChild as never));
    }
    if (name === 'renew-fleet') {
      expect(substitutions[RENEW_DEVICE_STATE_MACHINE_ARN_KEY]).toEqual({ Ref: stack.getLogicalId(stack.stateMachines.renewDevice.node.defaultChild as never) });
      expect(substitutions[FAILURE_TOPIC_ARN_KEY]?.Ref).toMatch(/^FailuresTopic/);
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
    const timeout = (name === 'renew-device' ? RENEW_DEVICE_TIMEOUT : RENEW_FLEET_TIMEOUT).toSeconds();
    expect(resolved).toEqual({ ...resolveSubstitutions(readRawDefinition(name), values), TimeoutSeconds: timeout });
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
