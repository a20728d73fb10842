// The one factory every lambdas/<task>/handler.ts calls:
//
//   export const handler = taskHandler('IssueCertificate', issueCertificate, { inventory, bundles, ca });
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
import type { LambdaTaskState, TaskInput, TaskOutput } from '../workflow/contracts.js';
import { taskOptions } from '../workflow/dependencies.js';
import type { TaskDependencies, TaskLogEntry, TaskLogSink } from '../workflow/dependencies.js';
import { taskFunction } from '../workflow/task-function.js';
import type { AdapterBuilder } from './adapters/types.js';
import { capabilitiesOf, parseTaskEnvironment } from './environment.js';
import type { Capability, CapabilitiesOf, TaskEnvironment } from './environment.js';
import { emitInventoryMetrics, emitTaskMetrics } from './task-metrics.js';
import type { MetricsSink } from './task-metrics.js';

export type TaskImplementation<S extends LambdaTaskState> = (deps: TaskDependencies, input: TaskInput<S>) => Promise<TaskOutput<S>>;

/** Exactly the adapter builders of the task's capabilities: a missing or extra one does not compile. */
export type AdaptersFor<S extends LambdaTaskState> = { [C in CapabilitiesOf<S>]: AdapterBuilder<C> };

export type LambdaTaskHandler<S extends LambdaTaskState> = (event: unknown) => Promise<TaskOutput<S>>;

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
function notGranted<T extends object>(state: LambdaTaskState, dependency: string): T {
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

function buildDependencies<S extends LambdaTaskState>(state: S, adapters: AdaptersFor<S>, env: TaskEnvironment<CapabilitiesOf<S>>, runtime: TaskHandlerRuntime, log: TaskLogSink): TaskDependencies {
  const provided: Partial<TaskDependencies> = {};
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
    clock: runtime.clock,
    log,
    // The fleet notification is an SNS Task in the ASL, not a Lambda call.
    notify: () => Promise.reject(new ValidationError(`${state}.notify`, 'task Lambdas do not publish notifications: NotifyOperators is an SNS Task of renew-fleet')),
    options,
  };
}

/**
 * The Lambda handler of one Task state. `runtime` defaults to process.env and the system clock;
 * tests pass their own (and their own adapter builders).
 */
export function taskHandler<S extends LambdaTaskState>(
  state: S,
  implementation: TaskImplementation<S>,
  adapters: AdaptersFor<S>,
  runtime: TaskHandlerRuntime = { env: process.env, clock: systemClock },
): LambdaTaskHandler<S> {
  let bound: { run: (input: TaskInput<S>) => Promise<TaskOutput<S>>; metrics: MetricsSink & { flush(): void } } | undefined;

  const bind = () => {
    const env = parseTaskEnvironment(state, runtime.env);
    const metrics = runtime.metrics ?? powertoolsMetricsSink(env.POWERTOOLS_METRICS_NAMESPACE, env.POWERTOOLS_SERVICE_NAME);
    const log = runtime.log ?? powertoolsLogSink(env.POWERTOOLS_SERVICE_NAME);
    const deps = buildDependencies(state, adapters, env, runtime, log);
    if (state === 'ListDueDevices') {
      deps.inventory = observedInventory(deps.inventory, (entries) => emitInventoryMetrics(entries, metrics, runtime.clock.now()));
    }
    return { run: taskFunction(state, implementation, deps), metrics };
  };

  return async (event: unknown) => {
    // Not cached on failure: a fixed environment (redeploy) or a transient builder error heals.
    bound ??= bind();
    const { run, metrics } = bound;
    try {
      const output = await run(event as TaskInput<S>);
      emitTaskMetrics(state, event, output, metrics, runtime.clock.now());
      return output;
    } finally {
      metrics.flush();
    }
  };
}
