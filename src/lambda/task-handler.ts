// The one factory every lambdas/<task>/handler.ts calls:
//
//   export const handler = taskHandler('IssueCertificate', issueCertificate, { inventory, bundles, ca });
//   export const handler = backupTaskHandler('FindBackups', findBackups, { bundles, backups });
//
// On the first invocation of a container it parses the environment (zod; a missing variable is
// a ValidationError naming it), builds the adapters the task's capabilities call for (SDK
// clients once per container) and binds the task function. Each invocation then validates the
// input against the contract (ValidationError naming the field), makes one call into
// src/workflow, and returns the contract's output, which carries references only. Metrics
// (task-metrics.ts) are flushed after every invocation, failed ones included.
//
// The adapters are passed in by the handler, not imported here, so that esbuild bundles into
// each function exactly the SDK clients (and ssh2) its task uses.
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { ValidationError } from '../errors.js';
import { systemClock } from '../ports.js';
import type { Clock, DeviceEntry, Inventory } from '../ports.js';
import { BACKUP_TASK_CONTRACTS } from '../workflow/backup/contracts.js';
import type { BackupLambdaState, BackupTaskInput, BackupTaskOutput } from '../workflow/backup/contracts.js';
import type { BackupDependencies } from '../workflow/backup/ports.js';
import { TASK_CONTRACTS } from '../workflow/contracts.js';
import type { LambdaTaskState, TaskInput, TaskOutput } from '../workflow/contracts.js';
import { taskOptions } from '../workflow/dependencies.js';
import type { TaskDependencies, TaskLogEntry, TaskLogSink } from '../workflow/dependencies.js';
import { contractTaskFunction } from '../workflow/task-function.js';
import type { ContractTable } from '../workflow/task-function.js';
import type { AdapterBuilder } from './adapters/types.js';
import { capabilitiesOf, parseTaskEnvironment } from './environment.js';
import type { Capability, CapabilitiesOf, HandlerState, TaskEnvironment } from './environment.js';
import { emitInventoryMetrics, emitTaskMetrics } from './task-metrics.js';
import type { MetricsSink } from './task-metrics.js';

export type TaskImplementation<S extends LambdaTaskState> = (deps: TaskDependencies, input: TaskInput<S>) => Promise<TaskOutput<S>>;

export type BackupTaskImplementation<S extends BackupLambdaState> = (deps: BackupDependencies, input: BackupTaskInput<S>) => Promise<BackupTaskOutput<S>>;

/** Exactly the adapter builders of the task's capabilities: a missing or extra one does not compile. */
export type AdaptersFor<S extends HandlerState> = { [C in CapabilitiesOf<S>]: AdapterBuilder<C> };

export type LambdaTaskHandler<S extends LambdaTaskState> = (event: unknown) => Promise<TaskOutput<S>>;
export type BackupLambdaTaskHandler<S extends BackupLambdaState> = (event: unknown) => Promise<BackupTaskOutput<S>>;

/** What the factory takes from the Lambda runtime; tests replace it. */
export interface TaskHandlerRuntime {
  env: Readonly<Record<string, string | undefined>>;
  clock: Clock;
  /** Where the task's log lines go (default: Powertools Logger, JSON on stdout). */
  log?: TaskLogSink;
  /** Where metrics go (default: Powertools Metrics, EMF on stdout). */
  metrics?: MetricsSink & { flush(): void };
}

/** Powertools Metrics behind the MetricsSink interface; flush() publishes what was added. */
export function powertoolsMetricsSink(namespace: string, serviceName: string): MetricsSink & { flush(): void } {
  const metrics = new Metrics({ namespace, serviceName });
  let pending = false;
  return {
    fleet(name, value) {
      metrics.addMetric(name, MetricUnit.NoUnit, value);
      pending = true;
    },
    withDimensions(name, value, dimensions) {
      const single = metrics.singleMetric();
      for (const [key, each] of Object.entries(dimensions)) single.addDimension(key, each);
      single.addMetric(name, MetricUnit.NoUnit, value);
    },
    flush() {
      if (pending) metrics.publishStoredMetrics();
      pending = false;
    },
  };
}

export function powertoolsLogSink(serviceName: string): TaskLogSink {
  const logger = new Logger({ serviceName });
  return (entry: TaskLogEntry) => {
    const context = { step: entry.step, executionId: entry.executionId, ...(entry.deviceId === undefined ? {} : { deviceId: entry.deviceId }) };
    logger[entry.level](entry.message, context);
  };
}

/** A dependency this task's capabilities do not provide: any use is a wiring error, named as such. */
function notGranted<T extends object>(state: HandlerState, dependency: string): T {
  return new Proxy({} as T, {
    get(_target, property) {
      if (property === 'then') return undefined;
      throw new ValidationError(`${state}.${dependency}`, `the ${state} function is not given ${dependency} (src/lambda/environment.ts TASK_CAPABILITIES); it cannot call ${String(property)}`);
    },
  });
}

/** ListDueDevices: DaysToExpiry of every device it reads from the inventory, without a second scan. */
function observedInventory(inner: Inventory, onList: (entries: DeviceEntry[]) => void): Inventory {
  return new Proxy(inner, {
    get(target, property, receiver) {
      if (property === 'listDevices') {
        return async () => {
          const entries = await target.listDevices();
          onList(entries);
          return entries;
        };
      }
      const value: unknown = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}

function buildDependencies<S extends HandlerState>(state: S, adapters: AdaptersFor<S>, env: TaskEnvironment<CapabilitiesOf<S>>, runtime: TaskHandlerRuntime, log: TaskLogSink): BackupDependencies {
  const provided: Partial<BackupDependencies> = {};
  const builders = adapters as unknown as Record<Capability, AdapterBuilder<Capability>>;
  for (const capability of capabilitiesOf(state)) {
    const builder = builders[capability];
    if (builder === undefined) throw new ValidationError(`${state}.adapters.${capability}`, 'no adapter builder given for this capability');
    Object.assign(provided, builder(env as never, runtime.clock));
  }
  const options = taskOptions({
    leaseTtlSeconds: env.TRUSTPOINT_LEASE_TTL_SECONDS,
    keepGenerations: env.TRUSTPOINT_KEEP_GENERATIONS,
    maxConcurrency: env.TRUSTPOINT_MAX_CONCURRENCY,
    toleratedFailurePercentage: env.TRUSTPOINT_TOLERATED_FAILURE_PERCENTAGE,
  });
  return {
    inventory: provided.inventory ?? notGranted(state, 'inventory'),
    secrets: provided.secrets ?? notGranted(state, 'secrets'),
    bundles: provided.bundles ?? notGranted(state, 'bundles'),
    ca: provided.ca ?? notGranted(state, 'ca'),
    devices: provided.devices ?? notGranted(state, 'devices'),
    catalog: provided.catalog ?? notGranted(state, 'catalog'),
    clock: runtime.clock,
    log,
    // The fleet notification is an SNS Task in the ASL, not a Lambda call.
    notify: () => Promise.reject(new ValidationError(`${state}.notify`, 'task Lambdas do not publish notifications: NotifyOperators is an SNS Task of renew-fleet')),
    options,
  };
}

/**
 * The handler core, for any machine's contract table: bind once per container (environment,
 * adapters, task function), then per invocation run the task and flush metrics.
 */
function contractHandler<T extends ContractTable, S extends HandlerState & keyof T & string>(
  contracts: T,
  state: S,
  implementation: (deps: BackupDependencies, input: unknown) => Promise<unknown>,
  adapters: AdaptersFor<S>,
  runtime: TaskHandlerRuntime,
  afterBind: (deps: BackupDependencies, metrics: MetricsSink) => void,
  emit: (event: unknown, output: unknown, metrics: MetricsSink) => void,
): (event: unknown) => Promise<unknown> {
  let bound: { run: (input: unknown) => Promise<unknown>; metrics: MetricsSink & { flush(): void } } | undefined;

  const bind = () => {
    const env = parseTaskEnvironment(state, runtime.env);
    const metrics = runtime.metrics ?? powertoolsMetricsSink(env.POWERTOOLS_METRICS_NAMESPACE, env.POWERTOOLS_SERVICE_NAME);
    const log = runtime.log ?? powertoolsLogSink(env.POWERTOOLS_SERVICE_NAME);
    const deps = buildDependencies(state, adapters, env, runtime, log);
    afterBind(deps, metrics);
    const run = contractTaskFunction(contracts, state, implementation as never, deps) as (input: unknown) => Promise<unknown>;
    return { run, metrics };
  };

  return async (event: unknown) => {
    // Not cached on failure: a fixed environment (redeploy) or a transient builder error heals.
    bound ??= bind();
    const { run, metrics } = bound;
    try {
      const output = await run(event);
      emit(event, output, metrics);
      return output;
    } finally {
      metrics.flush();
    }
  };
}

/**
 * The Lambda handler of one renew-device / renew-fleet Task state. `runtime` defaults to
 * process.env and the system clock; tests pass their own (and their own adapter builders).
 */
export function taskHandler<S extends LambdaTaskState>(
  state: S,
  implementation: TaskImplementation<S>,
  adapters: AdaptersFor<S>,
  runtime: TaskHandlerRuntime = { env: process.env, clock: systemClock },
): LambdaTaskHandler<S> {
  const handler = contractHandler(
    TASK_CONTRACTS,
    state,
    implementation as (deps: BackupDependencies, input: unknown) => Promise<unknown>,
    adapters,
    runtime,
    (deps, metrics) => {
      if (state === 'ListDueDevices') deps.inventory = observedInventory(deps.inventory, (entries) => emitInventoryMetrics(entries, metrics, runtime.clock.now()));
    },
    (event, output, metrics) => emitTaskMetrics(state, event, output, metrics, runtime.clock.now()),
  );
  return handler as LambdaTaskHandler<S>;
}

/** The Lambda handler of one backup-device / restore-device Task state (no task metrics). */
export function backupTaskHandler<S extends BackupLambdaState>(
  state: S,
  implementation: BackupTaskImplementation<S>,
  adapters: AdaptersFor<S>,
  runtime: TaskHandlerRuntime = { env: process.env, clock: systemClock },
): BackupLambdaTaskHandler<S> {
  const handler = contractHandler(
    BACKUP_TASK_CONTRACTS,
    state,
    implementation as (deps: BackupDependencies, input: unknown) => Promise<unknown>,
    adapters,
    runtime,
    () => undefined,
    () => undefined,
  );
  return handler as BackupLambdaTaskHandler<S>;
}
