// The AWS side of `trustpoint renew <device> --aws`: start one renew-device execution of the
// deployed state machine and follow it until it ends, reporting each state as it is entered
// (from the execution history) and, at the end, the parsed result or the error and cause.
// The CLI command owns flags and printing; this module owns the Step Functions calls.
//
// The operator needs states:StartExecution on the renew-device state machine and
// states:DescribeExecution + states:GetExecutionHistory on its executions.
import { randomBytes } from 'node:crypto';
import { DescribeExecutionCommand, GetExecutionHistoryCommand, StartExecutionCommand } from '@aws-sdk/client-sfn';
import type { HistoryEvent, SFNClient } from '@aws-sdk/client-sfn';
import { StoreError, ValidationError } from '../../errors.js';
import { checkDeviceId } from '../../inventory/refs.js';
import { causeMessage, renewDeviceResultSchema } from '../../workflow/contracts.js';
import type { RenewDeviceResult } from '../../workflow/contracts.js';

const STATE_MACHINE_ARN = /^arn:aws[a-z-]*:states:([a-z0-9-]+):\d{12}:stateMachine:[A-Za-z0-9_-]{1,80}$/;

export interface AwsRenewRequest {
  /** The RenewDeviceStateMachineArn output of the stack. */
  stateMachineArn: string;
  deviceId: string;
  force?: boolean;
  dryRun?: boolean;
}

export interface AwsRenewOptions {
  /** One line per state entered, per task failure (retried or caught), and at the end. */
  onProgress?: (line: string) => void;
  pollIntervalMs?: number;
  /** Give up following (the execution goes on) after this long; default 65 minutes. */
  followTimeoutMs?: number;
  sleep?: (ms: number) => Promise<void>;
  now?: () => Date;
}

export type AwsRenewOutcome =
  | { status: 'SUCCEEDED'; executionArn: string; consoleUrl: string; result: RenewDeviceResult }
  | { status: 'FAILED' | 'TIMED_OUT' | 'ABORTED'; executionArn: string; consoleUrl: string; error: string; cause: string }
  | { status: 'STILL_RUNNING'; executionArn: string; consoleUrl: string };

/** The execution input to paste in the Step Functions console, the same the CLI sends. */
export function renewDeviceExecutionInput(request: Pick<AwsRenewRequest, 'deviceId' | 'force' | 'dryRun'>): string {
  return JSON.stringify({ deviceId: checkDeviceId(request.deviceId), force: request.force ?? false, dryRun: request.dryRun ?? false });
}

/** `<deviceId>-<UTC stamp>-<random>`: unique, readable in the console, at most 80 characters. */
export function executionNameFor(deviceId: string, now: Date): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  return `${deviceId.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 56)}-${stamp}-${randomBytes(3).toString('hex')}`;
}

export function executionConsoleUrl(executionArn: string): string {
  const region = executionArn.split(':')[3] ?? 'us-east-1';
  return `https://${region}.console.aws.amazon.com/states/home?region=${region}#/v2/executions/details/${executionArn}`;
}

function progressLine(event: HistoryEvent): string | undefined {
  const entered = event.stateEnteredEventDetails;
  if (entered?.name !== undefined && event.type?.endsWith('StateEntered')) return `-> ${entered.name}`;
  const failed = event.taskFailedEventDetails ?? event.lambdaFunctionFailedEventDetails;
  if (failed !== undefined) return `   ${failed.error ?? 'Error'}: ${causeMessage(failed.cause ?? '').slice(0, 300)}`;
  if (event.type === 'TaskTimedOut') return '   the task timed out';
  return undefined;
}

function sfnError(action: string, error: unknown): StoreError {
  const described = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return new StoreError(`Step Functions ${action} failed: ${described}`, { cause: error });
}

/** Starts a renew-device execution and follows it to its end (or the follow timeout). */
export async function renewOnAws(client: SFNClient, request: AwsRenewRequest, options: AwsRenewOptions = {}): Promise<AwsRenewOutcome> {
  if (!STATE_MACHINE_ARN.test(request.stateMachineArn)) {
    throw new ValidationError('stateMachineArn', `${JSON.stringify(request.stateMachineArn)} is not a state machine ARN (the RenewDeviceStateMachineArn output of the stack)`);
  }
  const now = options.now ?? (() => new Date());
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const progress = options.onProgress ?? (() => undefined);
  const pollIntervalMs = options.pollIntervalMs ?? 3000;
  const deadline = now().getTime() + (options.followTimeoutMs ?? 65 * 60_000);

  let executionArn: string | undefined;
  try {
    executionArn = (
      await client.send(new StartExecutionCommand({ stateMachineArn: request.stateMachineArn, name: executionNameFor(request.deviceId, now()), input: renewDeviceExecutionInput(request) }))
    ).executionArn;
  } catch (error) {
    throw sfnError('StartExecution', error);
  }
  if (executionArn === undefined) throw new StoreError('Step Functions StartExecution returned no executionArn');
  const consoleUrl = executionConsoleUrl(executionArn);
  progress(`Started ${executionArn}`);

  // History pages are read from the start each poll; events already reported are skipped by id.
  let lastReported = 0;
  for (;;) {
    try {
      let nextToken: string | undefined;
      do {
        const page = await client.send(new GetExecutionHistoryCommand({ executionArn, maxResults: 1000, ...(nextToken === undefined ? {} : { nextToken }) }));
        for (const event of page.events ?? []) {
          if ((event.id ?? 0) <= lastReported) continue;
          lastReported = event.id ?? lastReported;
          const line = progressLine(event);
          if (line !== undefined) progress(line);
        }
        nextToken = page.nextToken;
      } while (nextToken !== undefined);
    } catch (error) {
      throw sfnError('GetExecutionHistory', error);
    }
    let described;
    try {
      described = await client.send(new DescribeExecutionCommand({ executionArn }));
    } catch (error) {
      throw sfnError('DescribeExecution', error);
    }
    const status = described.status;
    if (status === 'SUCCEEDED') {
      const parsed = renewDeviceResultSchema.safeParse(JSON.parse(described.output ?? 'null') as unknown);
      if (!parsed.success) throw new ValidationError('execution output', `the output of ${executionArn} is not a renew-device result: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
      progress(`SUCCEEDED: ${parsed.data.outcome}`);
      return { status, executionArn, consoleUrl, result: parsed.data };
    }
    if (status === 'FAILED' || status === 'TIMED_OUT' || status === 'ABORTED') {
      const error = described.error ?? status;
      const cause = causeMessage(described.cause ?? '');
      progress(`${status}: ${error}: ${cause}`);
      return { status, executionArn, consoleUrl, error, cause };
    }
    if (now().getTime() >= deadline) return { status: 'STILL_RUNNING', executionArn, consoleUrl };
    await sleep(pollIntervalMs);
  }
}
