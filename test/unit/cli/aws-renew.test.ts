import { DescribeExecutionCommand, GetExecutionHistoryCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import type { HistoryEvent } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { executionNameFor } from '../../../src/cli/aws-execution.js';
import { renewDeviceExecutionInput, renewOnAws } from '../../../src/cli/commands/aws-renew.js';
import { StoreError, ValidationError } from '../../../src/errors.js';

const sfn = mockClient(SFNClient);
const MACHINE = 'arn:aws:states:eu-west-1:111111111111:stateMachine:trustpoint-renew-device';
const EXECUTION = 'arn:aws:states:eu-west-1:111111111111:execution:trustpoint-renew-device:asa-1-20261127T120000Z-abcdef';
const NOW = new Date('2026-11-27T12:00:00.000Z');

const RENEWED = {
  outcome: 'RENEWED',
  deviceId: 'asa-1',
  executionId: EXECUTION,
  reason: 'Expiring: in 10 days',
  previous: { trustpoint: 'VPN-ID-20251127-aa', serial: 'AA', notAfter: '2026-12-07T12:00:00.000Z' },
  current: { trustpoint: 'VPN-ID-20261127-bb', serial: 'BB', notAfter: '2027-11-27T12:00:00.000Z' },
  certificateId: 'arn:aws:acm-pca:eu-west-1:111111111111:certificate-authority/11111111-2222-3333-4444-555555555555/certificate/bb',
  boundInterfaces: ['outside'],
  ikev2Bound: false,
  tlsVerifiedInterfaces: ['outside'],
  cleanup: { removedTrustpoints: [] },
  cleanupError: null,
};

function entered(id: number, name: string): HistoryEvent {
  return { id, type: 'TaskStateEntered', timestamp: NOW, stateEnteredEventDetails: { name } };
}

const noSleep = async (): Promise<void> => undefined;

describe('renewOnAws', () => {
  beforeEach(() => {
    sfn.reset();
    sfn.on(StartExecutionCommand).resolves({ executionArn: EXECUTION, startDate: NOW });
  });

  it('starts the execution with the console input and reports each state once, then the result', async () => {
    sfn
      .on(GetExecutionHistoryCommand)
      .resolvesOnce({ events: [entered(1, 'AcquireLock'), entered(2, 'Preflight')] })
      .resolves({
        events: [
          entered(1, 'AcquireLock'),
          entered(2, 'Preflight'),
          { id: 3, type: 'LambdaFunctionFailed', timestamp: NOW, lambdaFunctionFailedEventDetails: { error: 'DeviceTimeoutError', cause: JSON.stringify({ errorMessage: 'asa-1: no prompt within 30 s' }) } },
          entered(4, 'IssueCertificate'),
        ],
      });
    sfn.on(DescribeExecutionCommand).resolvesOnce({ status: 'RUNNING', executionArn: EXECUTION, stateMachineArn: MACHINE, startDate: NOW }).resolves({
      status: 'SUCCEEDED',
      executionArn: EXECUTION,
      stateMachineArn: MACHINE,
      startDate: NOW,
      output: JSON.stringify(RENEWED),
    });
    const lines: string[] = [];

    const outcome = await renewOnAws(sfn as unknown as SFNClient, { stateMachineArn: MACHINE, deviceId: 'asa-1', force: true }, { onProgress: (line) => lines.push(line), sleep: noSleep, now: () => NOW });

    const start = sfn.commandCalls(StartExecutionCommand)[0]?.args[0].input;
    expect(start?.stateMachineArn).toBe(MACHINE);
    expect(JSON.parse(start?.input ?? '')).toEqual({ deviceId: 'asa-1', force: true, dryRun: false });
    expect(start?.name).toMatch(/^asa-1-20261127T120000Z-[0-9a-f]{6}$/);
    expect(lines).toEqual([`Started ${EXECUTION}`, '-> AcquireLock', '-> Preflight', '   DeviceTimeoutError: asa-1: no prompt within 30 s', '-> IssueCertificate']);
    expect(outcome).toMatchObject({ status: 'SUCCEEDED', executionArn: EXECUTION, result: { outcome: 'RENEWED', current: { serial: 'BB' } } });
    expect(outcome.consoleUrl).toBe(`https://eu-west-1.console.aws.amazon.com/states/home?region=eu-west-1#/v2/executions/details/${EXECUTION}`);
  });

  it('returns the error name and the cause of a failed execution', async () => {
    sfn.on(GetExecutionHistoryCommand).resolves({ events: [] });
    sfn.on(DescribeExecutionCommand).resolves({
      status: 'FAILED',
      executionArn: EXECUTION,
      stateMachineArn: MACHINE,
      startDate: NOW,
      error: 'VerificationError',
      cause: 'ROLLED_BACK: VerifyDeployment failed: outside presents serial AA, expected BB; the previous binding was restored and saved',
    });

    const outcome = await renewOnAws(sfn as unknown as SFNClient, { stateMachineArn: MACHINE, deviceId: 'asa-1' }, { sleep: noSleep, now: () => NOW });

    expect(outcome).toMatchObject({ status: 'FAILED', error: 'VerificationError', cause: expect.stringMatching(/^ROLLED_BACK: VerifyDeployment failed/) });
  });

  it('stops following, without stopping the execution, after the follow timeout', async () => {
    let clock = NOW.getTime();
    sfn.on(GetExecutionHistoryCommand).resolves({ events: [] });
    sfn.on(DescribeExecutionCommand).resolves({ status: 'RUNNING', executionArn: EXECUTION, stateMachineArn: MACHINE, startDate: NOW });

    const outcome = await renewOnAws(
      sfn as unknown as SFNClient,
      { stateMachineArn: MACHINE, deviceId: 'asa-1' },
      { followTimeoutMs: 10_000, pollIntervalMs: 3000, now: () => new Date(clock), sleep: async (ms) => void (clock += ms) },
    );

    expect(outcome.status).toBe('STILL_RUNNING');
    expect(sfn.commandCalls(DescribeExecutionCommand).length).toBe(5);
  });

  it('names a bad state machine ARN before calling AWS', async () => {
    await expect(renewOnAws(sfn as unknown as SFNClient, { stateMachineArn: 'trustpoint-renew-device', deviceId: 'asa-1' })).rejects.toThrow(ValidationError);
    expect(sfn.calls()).toHaveLength(0);
  });

  it('surfaces a refused start as a StoreError with the AWS error name', async () => {
    sfn.on(StartExecutionCommand).rejects(Object.assign(new Error('User is not authorized to perform: states:StartExecution'), { name: 'AccessDeniedException' }));

    const error = await renewOnAws(sfn as unknown as SFNClient, { stateMachineArn: MACHINE, deviceId: 'asa-1' }).then(
      () => undefined,
      (caught: unknown) => caught,
    );

    expect(error).toBeInstanceOf(StoreError);
    expect((error as Error).message).toContain('AccessDeniedException');
  });
});

describe('renewDeviceExecutionInput and executionNameFor', () => {
  it('gives the console input and a unique readable name', () => {
    expect(renewDeviceExecutionInput({ deviceId: 'asa-1' })).toBe('{"deviceId":"asa-1","force":false,"dryRun":false}');
    expect(() => renewDeviceExecutionInput({ deviceId: 'asa 1' })).toThrow(ValidationError);
    const name = executionNameFor('core.fw-01', NOW);
    expect(name).toMatch(/^core_fw-01-20261127T120000Z-[0-9a-f]{6}$/);
    expect(name.length).toBeLessThanOrEqual(80);
    expect(executionNameFor('core.fw-01', NOW)).not.toBe(name);
  });
});
