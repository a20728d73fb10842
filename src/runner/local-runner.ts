// Runs the ASL files of statemachines/ locally with aws-local-stepfunctions, calling in-process
// task functions instead of Lambda, SNS and child executions. The same definitions run on AWS.
//
// - Lambda Tasks use `arn:aws:states:::lambda:invoke`: the local handler of the state receives
//   `{ FunctionName, Payload }`, calls the task function with the parsed Payload, and returns
//   the `{ Payload }` envelope the ResultSelector reads.
// - A thrown error is passed on as a plain Error with the same `name` and `message` (and no
//   `cause`), so Retry/Catch match on the name and the Cause is the message, as with Lambda.
// - renew-fleet's RenewDevice Task runs a renew-device execution in-process and, on failure,
//   throws `States.TaskFailed` with the child's Error/Cause in a JSON cause, as
//   `startExecution.sync:2` does.
import './polyfill.js';
import { randomUUID } from 'node:crypto';
import { ExecutionError, StateMachine } from 'aws-local-stepfunctions';
import type { RunOptions } from 'aws-local-stepfunctions';
import type { z } from 'zod';
import { ValidationError } from '../errors.js';
import type {
  RenewDeviceInput,
  RenewDeviceLambdaState,
  RenewDeviceResult,
  RenewFleetInput,
  RenewFleetResult,
  StateMachineName,
} from '../workflow/contracts.js';
import {
  RENEW_DEVICE_LAMBDA_STATES,
  RENEW_FLEET_LAMBDA_STATES,
  STATE_NAMES,
  TASK_CONTRACTS,
  parseContract,
  parseTaskInput,
  parseTaskOutput,
  renewDeviceResultSchema,
  renewFleetResultSchema,
} from '../workflow/contracts.js';
import type { ContractTable, ContractTaskFunction } from '../workflow/task-function.js';
import { loadDefinition, localExecutionArn, localStateMachineArn, localSubstitutions, type DefinitionName } from './definitions.js';

type JsonValue = Parameters<StateMachine['run']>[0];
type Overrides = NonNullable<RunOptions['overrides']>;
export type LocalHandlers = NonNullable<Overrides['taskResourceLocalHandlers']>;
export type RetryIntervalOverrides = NonNullable<Overrides['retryIntervalOverrides']>;
/** An event of aws-local-stepfunctions (StateEntered, StateRetried, ExecutionFailed, ...). */
export type StateMachineEvent = ReturnType<StateMachine['run']>['eventLogs'] extends AsyncGenerator<infer E> ? E : never;

export type TaskFunction<S extends keyof typeof TASK_CONTRACTS> = ContractTaskFunction<typeof TASK_CONTRACTS, S>;
export type RenewDeviceTaskFunctions = { [S in RenewDeviceLambdaState]: TaskFunction<S> };
export type RenewFleetTaskFunctions = RenewDeviceTaskFunctions & {
  ListDueDevices: TaskFunction<'ListDueDevices'>;
  Summarize: TaskFunction<'Summarize'>;
  NotifyOperators: TaskFunction<'NotifyOperators'>;
};

/** Every task function of both machines, keyed by Task state name. */
export type TaskFunctions = RenewFleetTaskFunctions;

/** One event of an execution; `N` widens for the runners of other machines (backup-runner.ts). */
export interface RunnerEvent<N extends string = StateMachineName> {
  stateMachine: N;
  executionArn: string;
  event: StateMachineEvent;
}

export interface LocalRunOptions<Tasks> {
  tasks: Tasks;
  /** Execution name (default: a random UUID); part of the execution ARN the tasks see. */
  executionName?: string;
  /** Per state name, the pause before a retry in ms (or one per retrier); see `noRetryDelays`. */
  retryIntervalOverrides?: RetryIntervalOverrides;
  /** Every event as it happens, child executions included: progress output, audit. */
  onEvent?: (event: RunnerEvent) => void;
  /** Directory of the *.asl.json files (default: the repository's statemachines/). */
  definitionsDir?: string;
}

export type LocalExecutionResult<Output, N extends string = StateMachineName> =
  | { status: 'SUCCEEDED'; executionArn: string; output: Output; events: RunnerEvent<N>[] }
  | { status: 'FAILED'; executionArn: string; error: string; cause: string; events: RunnerEvent<N>[] };

/** Retry pauses of 0 ms for every Task state of both machines (tests, demos). */
export function noRetryDelays(): RetryIntervalOverrides {
  const overrides: RetryIntervalOverrides = {};
  for (const state of Object.values(STATE_NAMES)) overrides[state] = 0;
  return overrides;
}

/** The error Step Functions would see: same name, the message as Cause, nothing else attached. */
export function toTaskError(error: unknown): Error {
  if (error instanceof Error) {
    const mapped = new Error(error.message);
    mapped.name = typeof error.name === 'string' && error.name !== '' ? error.name : 'Error';
    return mapped;
  }
  const mapped = new Error('the task threw a value that is not an Error');
  mapped.name = 'Error';
  return mapped;
}

export function namedError(name: string, message: string): Error {
  const error = new Error(message);
  error.name = name;
  return error;
}

/** JSON round trip: what crosses a Lambda boundary (drops undefined, turns Dates into strings). */
export function overTheWire(value: unknown): JsonValue {
  return JSON.parse(JSON.stringify(value ?? null)) as JsonValue;
}

/**
 * The local handler of a `states:startExecution.sync:2` Task: checks that it starts
 * `stateMachineArn`, runs the child in-process, and answers as Step Functions does: the
 * DescribeExecution fields on success, `States.TaskFailed` with them as a JSON cause on failure.
 */
export function childExecutionHandler(
  state: string,
  stateMachineArn: string,
  runChild: (input: unknown) => Promise<LocalExecutionResult<unknown, string>>,
): (request: JsonValue) => Promise<JsonValue> {
  return async (request) => {
    const { StateMachineArn, Input } = (request ?? {}) as { StateMachineArn?: unknown; Input?: unknown };
    if (StateMachineArn !== stateMachineArn) {
      throw namedError('States.Runtime', `${state} must start ${stateMachineArn}, not ${String(StateMachineArn)}`);
    }
    const child = await runChild(Input);
    if (child.status === 'SUCCEEDED') {
      return { ExecutionArn: child.executionArn, StateMachineArn: stateMachineArn, Status: 'SUCCEEDED', Output: overTheWire(child.output) };
    }
    throw namedError('States.TaskFailed', JSON.stringify({ ExecutionArn: child.executionArn, StateMachineArn: stateMachineArn, Status: 'FAILED', Error: child.error, Cause: child.cause }));
  };
}

/**
 * The local handler of a Lambda Task of any machine: the Payload parsed with `contracts[state]`
 * after a JSON round trip, the task function's output parsed likewise, the `{ Payload }` envelope.
 */
export function lambdaHandler<T extends ContractTable, S extends keyof T & string>(contracts: T, state: S, fn: ContractTaskFunction<T, S>): LocalHandlers[string] {
  const contract = contracts[state];
  if (contract === undefined) throw new ValidationError(`tasks.${state}`, 'no contract for this Task state');
  return async (request: JsonValue) => {
    try {
      const payload = (request as { Payload?: unknown } | null)?.Payload;
      const input = parseContract(contract.input as z.ZodType<Parameters<typeof fn>[0]>, overTheWire(payload), `${state} input`);
      const output = parseContract(contract.output, overTheWire(await fn(input)), `${state} output`);
      return { Payload: overTheWire(output), StatusCode: 200 };
    } catch (error) {
      throw toTaskError(error);
    }
  };
}

/**
 * The local handler of an `sns:publish` NotifyOperators Task (renew-fleet, backup-fleet): checks
 * the topic, calls the NotifyOperators task function, and answers `{ MessageId }` as SNS does.
 */
export function notifyOperatorsHandler(topicArn: string | undefined, notify: TaskFunction<'NotifyOperators'>): LocalHandlers[string] {
  return async (request: JsonValue) => {
    const { TopicArn, Subject, Message } = (request ?? {}) as { TopicArn?: unknown; Subject?: unknown; Message?: unknown };
    if (TopicArn !== topicArn) {
      throw namedError('States.Runtime', `NotifyOperators must publish to ${String(topicArn)}, not ${String(TopicArn)}`);
    }
    try {
      const input = parseTaskInput('NotifyOperators', { topicArn: TopicArn, subject: Subject, message: Message });
      const output = parseTaskOutput('NotifyOperators', overTheWire(await notify(input)));
      return { MessageId: output.messageId };
    } catch (error) {
      throw toTaskError(error);
    }
  };
}

export interface ExecutionContext<N extends string = StateMachineName> {
  onEvent: ((event: RunnerEvent<N>) => void) | undefined;
  retryIntervalOverrides: RetryIntervalOverrides | undefined;
  definitionsDir: string | undefined;
  events: RunnerEvent<N>[];
}

// Building a StateMachine validates the definition (ajv), which costs more than a whole
// scripted execution; runs are independent, so one instance per definition file is reused.
const machines = new Map<string, StateMachine>();

/** The StateMachine of a resolved definition, built once per (directory, name). */
export function cachedMachine(name: string, dir: string | undefined, load: () => Record<string, unknown>): StateMachine {
  const key = `${dir ?? ''}|${name}`;
  let machine = machines.get(key);
  if (!machine) {
    machine = new StateMachine(load() as unknown as ConstructorParameters<typeof StateMachine>[0]);
    machines.set(key, machine);
  }
  return machine;
}

function machineFor(name: StateMachineName, dir: string | undefined): StateMachine {
  return cachedMachine(name, dir, () => loadDefinition(name, { dir }));
}

/**
 * Runs one execution of `machine` to its end, collecting its events into ctx (and onEvent);
 * a failure is returned with the state's error name and cause, as DescribeExecution shows it.
 */
export async function executeMachine<N extends DefinitionName>(
  machine: StateMachine,
  name: N,
  input: unknown,
  handlers: LocalHandlers,
  executionName: string,
  ctx: ExecutionContext<N>,
): Promise<LocalExecutionResult<unknown, N>> {
  const executionArn = localExecutionArn(name, executionName);
  const execution = machine.run(overTheWire(input), {
    overrides: { taskResourceLocalHandlers: handlers, retryIntervalOverrides: ctx.retryIntervalOverrides ?? {} },
    context: {
      Execution: { Id: executionArn, Name: executionName },
      StateMachine: { Id: localStateMachineArn(name), Name: name },
    },
  });
  const collected = (async () => {
    for await (const event of execution.eventLogs) {
      const record: RunnerEvent<N> = { stateMachine: name, executionArn, event };
      ctx.events.push(record);
      ctx.onEvent?.(record);
    }
  })();
  try {
    const output = await execution.result;
    await collected;
    return { status: 'SUCCEEDED', executionArn, output, events: ctx.events };
  } catch (error) {
    await collected;
    // ExecutionError wraps the state's error: its name is the Error, its message the Cause.
    const failure = error instanceof ExecutionError && error.cause instanceof Error ? error.cause : error;
    const { name, message } = failure instanceof Error ? failure : namedError('Error', String(failure));
    return { status: 'FAILED', executionArn, error: name, cause: message, events: ctx.events };
  }
}

function execute(name: StateMachineName, input: unknown, handlers: LocalHandlers, executionName: string, ctx: ExecutionContext): Promise<LocalExecutionResult<unknown>> {
  return executeMachine(machineFor(name, ctx.definitionsDir), name, input, handlers, executionName, ctx);
}

/** The local handlers of `states`' Lambda Tasks; a missing task function is an error at start. */
function renewalHandlers<T extends Partial<TaskFunctions>>(states: readonly (keyof T & keyof typeof TASK_CONTRACTS)[], tasks: T): LocalHandlers {
  const handlers: LocalHandlers = {};
  for (const state of states) {
    const fn = tasks[state] as TaskFunction<typeof state> | undefined;
    if (typeof fn !== 'function') throw new ValidationError(`tasks.${state}`, 'no task function given');
    handlers[state] = lambdaHandler(TASK_CONTRACTS, state, fn);
  }
  return handlers;
}

export function checkOutput<T, N extends string>(result: LocalExecutionResult<unknown, N>, parse: (value: unknown) => T): LocalExecutionResult<T, N> {
  if (result.status === 'FAILED') return result;
  return { ...result, output: parse(result.output) };
}

/** A fresh context of one top-level execution: its child executions add their events to it. */
function contextOf(options: LocalRunOptions<unknown>): ExecutionContext {
  return { onEvent: options.onEvent, retryIntervalOverrides: options.retryIntervalOverrides, definitionsDir: options.definitionsDir, events: [] };
}

/** Execute renew-device for one device; task functions are keyed by Task state name. */
export async function runRenewDevice(
  input: RenewDeviceInput,
  options: LocalRunOptions<RenewDeviceTaskFunctions>,
): Promise<LocalExecutionResult<RenewDeviceResult>> {
  const ctx = contextOf(options);
  const result = await execute('renew-device', input, renewalHandlers(RENEW_DEVICE_LAMBDA_STATES, options.tasks), options.executionName ?? randomUUID(), ctx);
  return checkOutput(result, (output) => parseContract(renewDeviceResultSchema, output, 'renew-device output'));
}

/** Execute renew-fleet; each device's renew-device execution runs in-process with the same task functions. */
export async function runRenewFleet(
  input: RenewFleetInput,
  options: LocalRunOptions<RenewFleetTaskFunctions>,
): Promise<LocalExecutionResult<RenewFleetResult>> {
  const ctx = contextOf(options);
  const deviceHandlers = renewalHandlers(RENEW_DEVICE_LAMBDA_STATES, options.tasks);
  const renewDeviceArn = localSubstitutions()['RenewDeviceStateMachineArn'];
  const topicArn = localSubstitutions()['FailureTopicArn'];

  const handlers = renewalHandlers(RENEW_FLEET_LAMBDA_STATES, options.tasks);

  if (renewDeviceArn === undefined) throw new ValidationError('RenewDeviceStateMachineArn', 'no local substitution');
  handlers[STATE_NAMES.RenewDevice] = childExecutionHandler(STATE_NAMES.RenewDevice, renewDeviceArn, (input) =>
    execute('renew-device', input, deviceHandlers, randomUUID(), ctx),
  );

  handlers[STATE_NAMES.NotifyOperators] = notifyOperatorsHandler(topicArn, options.tasks.NotifyOperators);

  const result = await execute('renew-fleet', input, handlers, options.executionName ?? randomUUID(), ctx);
  return checkOutput(result, (output) => parseContract(renewFleetResultSchema, output, 'renew-fleet output'));
}
