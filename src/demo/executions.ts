// Follows the runner's events and keeps, per renew-device execution, which device it was for,
// how each Task went (with timings) and how it ended; for renew-fleet, the summary. The demo,
// `trustpoint renew` and the fleet benchmark read the run from here.
import type { RunnerEvent } from '../runner/local-runner.js';
import {
  RENEW_DEVICE_LAMBDA_STATES,
  renewDeviceResultSchema,
  summarizeOutputSchema,
  type FleetSummary,
  type RenewDeviceResult,
} from '../workflow/contracts.js';

export type StepStatus = 'running' | 'ok' | 'caught' | 'failed';

export interface StepRecord {
  state: string;
  /** Epoch milliseconds, from the runner's event timestamps. */
  enteredAt: number;
  exitedAt?: number;
  status: StepStatus;
  /** Failed attempts that were retried. */
  retries: number;
  /** The last error the state failed with (retried or not). */
  error?: { name: string; cause: string };
  /** The state data the state exited with (references only, by contract). */
  output?: unknown;
}

export interface DeviceExecution {
  executionArn: string;
  deviceId: string;
  status: 'RUNNING' | 'SUCCEEDED' | 'FAILED';
  startedAt: number;
  endedAt?: number;
  steps: StepRecord[];
  result?: RenewDeviceResult;
  error?: string;
  cause?: string;
}

export interface FleetExecution {
  executionArn: string;
  status: 'RUNNING' | 'SUCCEEDED' | 'FAILED';
  summary?: FleetSummary;
  error?: string;
  cause?: string;
}

const DEVICE_TASKS: ReadonlySet<string> = new Set(RENEW_DEVICE_LAMBDA_STATES);

function causeText(cause: unknown): string {
  if (typeof cause === 'string') return cause;
  if (cause instanceof Error) return cause.message;
  return cause === undefined || cause === null ? '' : JSON.stringify(cause);
}

export class ExecutionTracker {
  readonly #devices = new Map<string, DeviceExecution>();
  #fleet: FleetExecution | undefined;

  /** Feed every runner event, in order. Returns the execution the event belongs to, if a device one. */
  record(runnerEvent: RunnerEvent): DeviceExecution | undefined {
    const { event, executionArn } = runnerEvent;
    if (runnerEvent.stateMachine === 'renew-fleet') {
      this.#recordFleet(runnerEvent);
      return undefined;
    }
    if (event.type === 'ExecutionStarted') {
      const input = event.input as { deviceId?: unknown } | null;
      const deviceId = typeof input?.deviceId === 'string' ? input.deviceId : '(unknown)';
      const execution: DeviceExecution = { executionArn, deviceId, status: 'RUNNING', startedAt: event.timestamp, steps: [] };
      this.#devices.set(executionArn, execution);
      return execution;
    }
    const execution = this.#devices.get(executionArn);
    if (!execution) return undefined;
    switch (event.type) {
      case 'ExecutionSucceeded': {
        execution.status = 'SUCCEEDED';
        execution.endedAt = event.timestamp;
        const parsed = renewDeviceResultSchema.safeParse(event.output);
        if (parsed.success) execution.result = parsed.data;
        break;
      }
      case 'ExecutionFailed':
        execution.status = 'FAILED';
        execution.endedAt = event.timestamp;
        execution.error = event.Error;
        execution.cause = causeText(event.Cause);
        break;
      case 'StateEntered':
        if (DEVICE_TASKS.has(event.state.name)) {
          const current = execution.steps.at(-1);
          // A retried state is entered again: keep one record with the retry count.
          if (current && current.state === event.state.name && current.status === 'running') break;
          execution.steps.push({ state: event.state.name, enteredAt: event.timestamp, status: 'running', retries: 0 });
        }
        break;
      case 'StateFailed': {
        const step = this.#openStep(execution, event.state.name);
        if (step) step.error = { name: event.Error, cause: causeText(event.Cause) };
        break;
      }
      case 'StateRetried': {
        const step = this.#openStep(execution, event.state.name);
        if (step) step.retries += 1;
        break;
      }
      case 'StateCaught': {
        const step = this.#openStep(execution, event.state.name);
        if (step) step.status = 'caught';
        break;
      }
      case 'StateExited': {
        const step = this.#openStep(execution, event.state.name);
        if (step) {
          step.exitedAt = event.timestamp;
          if (step.status === 'running') step.status = 'ok';
          step.output = event.state.output;
        }
        break;
      }
      default:
        break;
    }
    return execution;
  }

  #openStep(execution: DeviceExecution, state: string): StepRecord | undefined {
    const step = execution.steps.at(-1);
    return step && step.state === state && step.exitedAt === undefined ? step : undefined;
  }

  #recordFleet({ event, executionArn }: RunnerEvent): void {
    if (event.type === 'ExecutionStarted') {
      this.#fleet = { executionArn, status: 'RUNNING' };
      return;
    }
    const fleet = this.#fleet;
    if (!fleet) return;
    if (event.type === 'StateExited' && event.state.name === 'Summarize') {
      const data = event.state.output as { summary?: unknown } | null;
      const parsed = summarizeOutputSchema.safeParse(data?.summary);
      if (parsed.success) fleet.summary = parsed.data;
    } else if (event.type === 'ExecutionSucceeded') {
      fleet.status = 'SUCCEEDED';
    } else if (event.type === 'ExecutionFailed') {
      fleet.status = 'FAILED';
      fleet.error = event.Error;
      fleet.cause = causeText(event.Cause);
    }
  }

  /** Every renew-device execution seen, in start order. */
  deviceExecutions(): DeviceExecution[] {
    return [...this.#devices.values()];
  }

  /** The last execution for `deviceId`. */
  latestFor(deviceId: string): DeviceExecution | undefined {
    return this.deviceExecutions()
      .filter((e) => e.deviceId === deviceId)
      .at(-1);
  }

  fleet(): FleetExecution | undefined {
    return this.#fleet;
  }
}
