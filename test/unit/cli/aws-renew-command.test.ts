// `trustpoint renew <device> --aws` through the CLI framework, with Step Functions mocked at the
// SDK boundary: what is started, what is printed, the exit codes, and the usage errors that
// say where a missing value comes from.
import { DescribeExecutionCommand, GetExecutionHistoryCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import type { HistoryEvent } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE } from '../../../src/cli/framework.js';
import { onFakeClock, runCliCaptured, type CliRun } from '../../helpers/cli.js';

const sfn = mockClient(SFNClient);
const MACHINE = 'arn:aws:states:eu-west-1:111111111111:stateMachine:trustpoint-renew-device';
const EXECUTION = 'arn:aws:states:eu-west-1:111111111111:execution:trustpoint-renew-device:asa-1-20261127T120000Z-abcdef';
const CONSOLE = `https://eu-west-1.console.aws.amazon.com/states/home?region=eu-west-1#/v2/executions/details/${EXECUTION}`;
const NOW = new Date('2026-11-27T12:00:00.000Z');
const ENV = { NO_COLOR: '1', TRUSTPOINT_RENEW_DEVICE_ARN: MACHINE };

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

function cli(argv: string[], env: NodeJS.ProcessEnv = ENV): Promise<CliRun> {
  return runCliCaptured(argv, { env });
}

/** The follower sleeps 3 s between polls: a fake clock runs through them at once. */
function following(argv: string[], env: NodeJS.ProcessEnv = ENV): Promise<CliRun> {
  return onFakeClock(NOW, 3000, () => cli(argv, env));
}

function describes(...results: Record<string, unknown>[]): void {
  let chain = sfn.on(DescribeExecutionCommand);
  for (const result of results.slice(0, -1)) chain = chain.resolvesOnce({ executionArn: EXECUTION, stateMachineArn: MACHINE, startDate: NOW, ...result });
  chain.resolves({ executionArn: EXECUTION, stateMachineArn: MACHINE, startDate: NOW, ...results.at(-1) });
}

describe('trustpoint renew --aws', () => {
  beforeEach(() => {
    sfn.reset();
    sfn.on(StartExecutionCommand).resolves({ executionArn: EXECUTION, startDate: NOW });
    sfn.on(GetExecutionHistoryCommand).resolves({ events: [entered(1, 'AcquireLock'), entered(2, 'Preflight'), entered(3, 'IssueCertificate')] });
  });

  it('starts renew-device with the console input, prints the states, the outcome and the console URL, exit 0', async () => {
    describes({ status: 'RUNNING' }, { status: 'SUCCEEDED', output: JSON.stringify(RENEWED) });

    const run = await following(['renew', 'asa-1', '--aws', '--force']);

    expect(run.err).toBe('');
    expect(run.code).toBe(EXIT_OK);
    const start = sfn.commandCalls(StartExecutionCommand)[0]?.args[0].input;
    expect(start?.stateMachineArn).toBe(MACHINE);
    expect(JSON.parse(start?.input ?? '')).toEqual({ deviceId: 'asa-1', force: true, dryRun: false });
    expect(run.out).toMatch(/^Renewing asa-1 on AWS \(arn:aws:states:eu-west-1:111111111111:stateMachine:trustpoint-renew-device\) \[forced\]$/m);
    expect(run.out).toContain(`  Console: ${CONSOLE}\n`);
    // Each state once, in order, although the history was read on every poll.
    expect(run.out.match(/^ {2}-> \w+$/gm)).toEqual(['  -> AcquireLock', '  -> Preflight', '  -> IssueCertificate']);
    expect(run.out).toMatch(/^RENEWED: serial AA \(VPN-ID-20251127-aa\) -> serial BB \(VPN-ID-20261127-bb\), notAfter 2027-11-27T12:00:00.000Z/m);
    expect(run.out).toContain('ssl trust-point VPN-ID-20261127-bb on outside; TLS verified on outside; configuration saved');
    expect(run.out.trimEnd().endsWith(`Console: ${CONSOLE}`)).toBe(true);
  });

  it('reports a rolled-back renewal with its error name and cause, exit 1', async () => {
    describes({
      status: 'FAILED',
      error: 'VerificationError',
      cause: 'ROLLED_BACK: VerifyDeployment failed: outside presents serial AA, expected BB; the previous binding was restored and saved',
    });

    const run = await following(['renew', 'asa-1', '--aws']);

    expect(run.code).toBe(EXIT_FAILURE);
    expect(run.out).toMatch(/^ROLLED_BACK: VerificationError$/m);
    expect(run.out).toMatch(/^ {2}cause: VerifyDeployment failed: outside presents serial AA, expected BB; the previous binding was restored and saved$/m);
    expect(run.out).toContain(`Execution ${EXECUTION}\n  Console: ${CONSOLE}\n`);
  });

  it('says what to do when the device is not in the inventory table', async () => {
    describes({ status: 'FAILED', error: 'DeviceNotFoundError', cause: JSON.stringify({ errorType: 'DeviceNotFoundError', errorMessage: 'device asa-9 is not in the inventory' }) });

    const run = await following(['renew', 'asa-9', '--aws']);

    expect(run.code).toBe(EXIT_FAILURE);
    expect(run.out).toMatch(/^FAILED: DeviceNotFoundError$/m);
    expect(run.out).toContain('  cause: device asa-9 is not in the inventory\n');
    expect(run.out).toContain('trustpoint devices import FILE --aws');
  });

  it('reports an execution that timed out, exit 1', async () => {
    describes({ status: 'RUNNING' }, { status: 'TIMED_OUT' });

    const run = await following(['renew', 'asa-1', '--aws', '--json']);

    expect(run.code).toBe(EXIT_FAILURE);
    const report = JSON.parse(run.out) as Record<string, unknown>;
    expect(report).toMatchObject({ deviceId: 'asa-1', executionArn: EXECUTION, consoleUrl: CONSOLE, status: 'TIMED_OUT', outcome: 'TIMED_OUT', result: null, failure: { error: 'States.Timeout' } });
    expect(report['statesEntered']).toEqual(['AcquireLock', 'Preflight', 'IssueCertificate']);
  });

  it('prints the parsed result as JSON on success, with no progress lines', async () => {
    describes({ status: 'SUCCEEDED', output: JSON.stringify({ outcome: 'NOT_DUE', deviceId: 'asa-1', executionId: EXECUTION, reason: 'expires in 200 days', current: { trustpoint: 'VPN-ID-1', serial: 'AA', notAfter: '2027-06-15T00:00:00.000Z' } }) });

    const run = await following(['renew', 'asa-1', '--aws', '--dry-run', '--json']);

    expect(run.code).toBe(EXIT_OK);
    expect(JSON.parse(run.out)).toMatchObject({ status: 'SUCCEEDED', outcome: 'NOT_DUE', result: { reason: 'expires in 200 days' }, failure: null });
    expect(JSON.parse(sfn.commandCalls(StartExecutionCommand)[0]?.args[0].input.input ?? '')).toEqual({ deviceId: 'asa-1', force: false, dryRun: true });
  });

  it('takes --state-machine-arn over the environment variable', async () => {
    const other = 'arn:aws:states:us-east-1:222222222222:stateMachine:edge-renew-device';
    describes({ status: 'SUCCEEDED', output: JSON.stringify(RENEWED) });

    const run = await following(['renew', 'asa-1', '--aws', '--state-machine-arn', other, '--json']);

    expect(run.code).toBe(EXIT_OK);
    expect(sfn.commandCalls(StartExecutionCommand)[0]?.args[0].input.stateMachineArn).toBe(other);
  });

  it('says the execution goes on when following it fails, exit 1', async () => {
    sfn.on(DescribeExecutionCommand).rejects(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }));

    const run = await following(['renew', 'asa-1', '--aws']);

    expect(run.code).toBe(EXIT_FAILURE);
    expect(run.err).toContain(`StoreError: Step Functions DescribeExecution failed: ThrottlingException: Rate exceeded; stopped following ${EXECUTION}, which goes on: ${CONSOLE}`);
  });

  it('fails with the AWS error name when the start is refused, exit 1', async () => {
    sfn.on(StartExecutionCommand).rejects(Object.assign(new Error('User is not authorized to perform: states:StartExecution'), { name: 'AccessDeniedException' }));

    const run = await following(['renew', 'asa-1', '--aws']);

    expect(run.code).toBe(EXIT_FAILURE);
    expect(run.err).toContain('StoreError: Step Functions StartExecution failed: AccessDeniedException: User is not authorized');
  });
});

describe('trustpoint renew --aws: usage errors, before any AWS call', () => {
  beforeEach(() => sfn.reset());

  it.each([
    ['no state machine ARN', ['renew', 'asa-1', '--aws'], { NO_COLOR: '1' }, /--state-machine-arn is required with --aws: the renew-device state machine, the RenewDeviceStateMachineArn output of the stack; pass --state-machine-arn or set \$TRUSTPOINT_RENEW_DEVICE_ARN/],
    ['an ARN that is not one', ['renew', 'asa-1', '--aws'], { TRUSTPOINT_RENEW_DEVICE_ARN: 'trustpoint-renew-device' }, /\$TRUSTPOINT_RENEW_DEVICE_ARN: "trustpoint-renew-device" is not a state machine ARN/],
    ['a region that contradicts the ARN', ['renew', 'asa-1', '--aws', '--region', 'us-east-1'], ENV, /--region us-east-1 does not match the region of \$TRUSTPOINT_RENEW_DEVICE_ARN \(eu-west-1\)/],
    ['an AWS flag without --aws', ['renew', 'asa-1', '--state-machine-arn', MACHINE], { NO_COLOR: '1' }, /--state-machine-arn applies only with --aws/],
    ['--data-dir with --aws', ['renew', 'asa-1', '--aws', '--data-dir', 'x'], ENV, /--data-dir applies only to the local form/],
    ['a bad device id', ['renew', 'asa 1', '--aws'], ENV, /<device>: "asa 1" is not a device id/],
  ])('exits 2 on %s', async (_case, argv, env, message) => {
    const run = await cli(argv, env);
    expect(run.code).toBe(EXIT_USAGE);
    expect(run.err).toMatch(message);
    expect(sfn.calls()).toHaveLength(0);
  });

  it('lists the variables and stack outputs in --help', async () => {
    const run = await cli(['renew', '--help'], {});
    expect(run.code).toBe(EXIT_OK);
    expect(run.out).toContain('--aws');
    expect(run.out).toMatch(/--state-machine-arn ARN\s+With --aws: the renew-device state machine \(default: \$TRUSTPOINT_RENEW_DEVICE_ARN; stack output RenewDeviceStateMachineArn\)/);
    expect(run.out).toContain('export TRUSTPOINT_RENEW_DEVICE_ARN=<RenewDeviceStateMachineArn>');
  });
});
