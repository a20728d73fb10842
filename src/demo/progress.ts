// Progress lines while a renewal runs, from the runner's events.
//
// `device` style (one renew-device execution, `trustpoint renew`): the state name is written
// when the state starts and the rest of the line when it ends, so a slow step shows what it is
// waiting for: `  InstallCertificate ...... ok (imported into VPN-20261127-7b21aa90)`.
// `fleet` style (renew-fleet, the demo): executions run side by side, so each line is written
// whole when a state ends, prefixed with the device id.
import type { RunnerEvent } from '../runner/local-runner.js';
import type { Palette } from './palette.js';
import { ExecutionTracker, type DeviceExecution, type StepRecord } from './executions.js';
import { asaWordsIn } from './report.js';
import { describeStep } from './step-details.js';

export interface ProgressOptions {
  style: 'device' | 'fleet';
  write: (text: string) => void;
  palette: Palette;
  now?: () => Date;
  /** States not worth a line when they succeed (lock bookkeeping); failures are always shown. */
  quietStates?: ReadonlySet<string>;
  /** Fleet style: the width the device ids are padded to. */
  deviceIdWidth?: number;
}

const STATE_WIDTH = 20;
/** renew-fleet's own Task states worth a line. */
const FLEET_STEPS: ReadonlySet<string> = new Set(['ListDueDevices', 'Summarize']);
const MAX_CAUSE = 160;

function shortCause(cause: string): string {
  const oneLine = cause.replace(/\s+/g, ' ').trim();
  return oneLine.length > MAX_CAUSE ? `${oneLine.slice(0, MAX_CAUSE - 1)}…` : oneLine;
}

function dots(state: string): string {
  return `${state} ${'.'.repeat(Math.max(2, STATE_WIDTH - state.length))}`;
}

export interface ProgressPrinter {
  /** Give it to the runner as `onEvent`. */
  onEvent: (event: RunnerEvent) => void;
  /** The tracker fed by the same events. */
  tracker: ExecutionTracker;
}

export function createProgressPrinter(options: ProgressOptions): ProgressPrinter {
  const tracker = new ExecutionTracker();
  const now = options.now ?? (() => new Date());
  const { palette } = options;
  const quiet = options.quietStates ?? new Set<string>();
  const idWidth = options.deviceIdWidth ?? 14;
  /** Device style: the state whose line is written up to its dots and waits for its end. */
  let openState: string | undefined;

  const endText = (step: StepRecord): string => {
    if (step.status === 'caught') {
      const error = step.error;
      if (!error) return palette.bad('FAILED');
      const said = asaWordsIn(error.cause);
      return `${palette.bad('FAILED')} (${error.name}: ${said ? `the ASA said "${said}"` : shortCause(error.cause)})`;
    }
    const detail = describeStep(step.state, step.output, now());
    const retried = step.retries > 0 ? ` after ${step.retries} retr${step.retries === 1 ? 'y' : 'ies'}` : '';
    return `${palette.good('ok')}${retried}${detail ? ` (${detail})` : ''}`;
  };
  const retryText = (step: StepRecord): string => `${palette.warn(`retry ${step.retries}`)} (${step.error?.name ?? 'Error'}: ${shortCause(step.error?.cause ?? '')})`;

  const deviceStyle = (type: string, step: StepRecord): void => {
    if (type === 'StateEntered') {
      if (quiet.has(step.state) || openState === step.state) return;
      options.write(`  ${dots(step.state)} `);
      openState = step.state;
    } else if (type === 'StateRetried') {
      if (openState !== step.state) options.write(`  ${dots(step.state)} `);
      options.write(`${retryText(step)}\n  ${dots(step.state)} `);
      openState = step.state;
    } else if (type === 'StateExited') {
      if (openState !== step.state) {
        if (quiet.has(step.state) && step.status === 'ok') return;
        options.write(`  ${dots(step.state)} `);
      }
      options.write(`${endText(step)}\n`);
      openState = undefined;
    }
  };

  const fleetStyle = (type: string, step: StepRecord, execution: DeviceExecution): void => {
    const prefix = `  ${execution.deviceId.padEnd(idWidth)} ${step.state.padEnd(STATE_WIDTH)} `;
    if (type === 'StateRetried') options.write(`${prefix}${retryText(step)}\n`);
    else if (type === 'StateExited' && !(quiet.has(step.state) && step.status === 'ok')) options.write(`${prefix}${endText(step)}\n`);
  };

  const onEvent = (runnerEvent: RunnerEvent): void => {
    const execution = tracker.record(runnerEvent);
    const { event } = runnerEvent;
    if (runnerEvent.stateMachine === 'renew-fleet') {
      if (options.style === 'fleet' && event.type === 'StateExited' && FLEET_STEPS.has(event.state.name)) {
        const detail = describeStep(event.state.name, event.state.output, now());
        options.write(`  ${''.padEnd(idWidth)} ${event.state.name.padEnd(STATE_WIDTH)} ${palette.good('ok')}${detail ? ` (${detail})` : ''}\n`);
      }
      return;
    }
    const step = execution?.steps.at(-1);
    if (!execution || !step || !('state' in event) || event.state.name !== step.state) return;
    if (options.style === 'device') deviceStyle(event.type, step);
    else fleetStyle(event.type, step, execution);
  };

  return { onEvent, tracker };
}
