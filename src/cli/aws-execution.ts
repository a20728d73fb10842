// Start one execution of a deployed state machine and follow it until it ends, reporting each
// state as it is entered (from the execution history) and, at the end, its output or its error
// and cause. The `--aws` forms of renew, backup and restore share it; each parses the output
// with its own contract.
//
// The operator needs states:StartExecution on the state machine and states:DescribeExecution +
// states:GetExecutionHistory on its executions.
import { randomBytes } from 'node:crypto';
import { DescribeExecutionCommand, GetExecutionHistoryCommand, StartExecutionCommand } from '@aws-sdk/client-sfn';
import type { HistoryEvent, SFNClient } from '@aws-sdk/client-sfn';
import { StoreError, ValidationError } from '../errors.js';
import { causeMessage } from '../workflow/contracts.js';

/** A Step Functions state machine ARN; group 1 is its region. */
export const STATE_MACHINE_ARN = /^arn:aws[a-z-]*:states:([a-z0-9-]+):\d{12}:stateMachine:[A-Za-z0-9_-]{1,80}$/;

export interface ExecutionRequest {
  stateMachineArn: string;
  /** The stack output that holds the ARN, named when the ARN is malformed. */
  stateMachineOutput: string;
  name: string;
  /** The execution input, JSON text: what an operator would paste in the console. */
  input: string;
}

export interface FollowOptions {
  /** Called once the execution has started (after the `Started` progress line), with its console URL. */
  onStarted?: (executionArn: string, consoleUrl: string) => void;
  /** One line per state entered and per task failure (retried or caught). */
  onProgress?: (line: string) => void;
  pollIntervalMs?: number;
  /** Give up following (the execution goes on) after this long. */
  followTimeoutMs?: number;
  sleep?: (ms: number) => Promise<void>;
  now?: () => Date;
}

interface EndCommon {
  executionArn: string;
  consoleUrl: string;
  /** State names in the order they were entered. */
  statesEntered: string[];
}

export type ExecutionEnd =
  | (EndCommon & { status: 'SUCCEEDED'; output: unknown })
  | (EndCommon & { status: 'FAILED' | 'TIMED_OUT' | 'ABORTED'; error: string; cause: string })
  | (EndCommon & { status: 'STILL_RUNNING' });

/** An execution's end with its output parsed by the command's contract (`result`). */
export type ExecutionOutcome<T> = (EndCommon & { status: 'SUCCEEDED'; result: T }) | Exclude<ExecutionEnd, { status: 'SUCCEEDED' }>;

/** `<deviceId>-<UTC stamp>-<random>`: unique, readable in the console, at most 80 characters. */
export function executionNameFor(deviceId: string, now: Date): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  return `${deviceId.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 56)}-${stamp}-${randomBytes(3).toString('hex')}`;
}

export function executionConsoleUrl(executionArn: string): string {
  const region = executionArn.split(':')[3] ?? 'us-east-1';
  return `https://${region}.console.aws.amazon.com/states/home?region=${region}#/v2/executions/details/${executionArn}`;
}

function enteredState(event: HistoryEvent): string | undefined {
  const entered = event.stateEnteredEventDetails;
  return entered?.name !== undefined && event.type?.endsWith('StateEntered') ? entered.name : undefined;
}

function progressLine(event: HistoryEvent): string | undefined {
  const entered = enteredState(event);
  if (entered !== undefined) return `-> ${entered}`;
  const failed = event.taskFailedEventDetails ?? event.lambdaFunctionFailedEventDetails;
  if (failed !== undefined) return `   ${failed.error ?? 'Error'}: ${causeMessage(failed.cause ?? '').slice(0, 300)}`;
  if (event.type === 'TaskTimedOut') return '   the task timed out';
  return undefined;
}

function sfnError(action: string, error: unknown, started?: { executionArn: string; consoleUrl: string }): StoreError {
  const described = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  const goesOn = started === undefined ? '' : `; stopped following ${started.executionArn}, which goes on: ${started.consoleUrl}`;
  return new StoreError(`Step Functions ${action} failed: ${described}${goesOn}`, { cause: error });
}

/** Parses an execution's output JSON with a contract, naming the execution when it does not fit. */
export function parseExecutionOutput<T>(executionArn: string, output: unknown, what: string, parse: (value: unknown) => { success: true; data: T } | { success: false; error: { issues: { message: string }[] } }): T {
  const parsed = parse(output);
  if (!parsed.success) throw new ValidationError('execution output', `the output of ${executionArn} is not a ${what}: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
  return parsed.data;
}

/** Starts an execution and follows it to its end (or the follow timeout). */
export async function startAndFollowExecution(client: SFNClient, request: ExecutionRequest, options: FollowOptions = {}): Promise<ExecutionEnd> {
  if (!STATE_MACHINE_ARN.test(request.stateMachineArn)) {
    throw new ValidationError('stateMachineArn', `${JSON.stringify(request.stateMachineArn)} is not a state machine ARN (the ${request.stateMachineOutput} output of the stack)`);
  }
  const now = options.now ?? (() => new Date());
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const progress = options.onProgress ?? (() => undefined);
  const pollIntervalMs = options.pollIntervalMs ?? 3000;
  const deadline = now().getTime() + (options.followTimeoutMs ?? 65 * 60_000);

  let executionArn: string | undefined;
  try {
    executionArn = (await client.send(new StartExecutionCommand({ stateMachineArn: request.stateMachineArn, name: request.name, input: request.input }))).executionArn;
  } catch (error) {
    throw sfnError('StartExecution', error);
  }
  if (executionArn === undefined) throw new StoreError('Step Functions StartExecution returned no executionArn');
  const consoleUrl = executionConsoleUrl(executionArn);
  const statesEntered: string[] = [];
  progress(`Started ${executionArn}`);
  options.onStarted?.(executionArn, consoleUrl);

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
          const state = enteredState(event);
          if (state !== undefined) statesEntered.push(state);
          const line = progressLine(event);
          if (line !== undefined) progress(line);
        }
        nextToken = page.nextToken;
      } while (nextToken !== undefined);
    } catch (error) {
      throw sfnError('GetExecutionHistory', error, { executionArn, consoleUrl });
    }
    let described;
    try {
      described = await client.send(new DescribeExecutionCommand({ executionArn }));
    } catch (error) {
      throw sfnError('DescribeExecution', error, { executionArn, consoleUrl });
    }
    const status = described.status;
    if (status === 'SUCCEEDED') {
      let output: unknown;
      try {
        output = JSON.parse(described.output ?? 'null') as unknown;
      } catch {
        throw new ValidationError('execution output', `the output of ${executionArn} is not JSON`);
      }
      return { status, executionArn, consoleUrl, statesEntered, output };
    }
    if (status === 'FAILED' || status === 'TIMED_OUT' || status === 'ABORTED') {
      const error = described.error ?? (status === 'TIMED_OUT' ? 'States.Timeout' : status);
      const cause = causeMessage(described.cause ?? '') || (status === 'TIMED_OUT' ? 'the execution ran longer than the state machine allows' : status === 'ABORTED' ? 'the execution was stopped' : 'no cause given');
      return { status, executionArn, consoleUrl, statesEntered, error, cause };
    }
    if (now().getTime() >= deadline) return { status: 'STILL_RUNNING', executionArn, consoleUrl, statesEntered };
    await sleep(pollIntervalMs);
  }
}
