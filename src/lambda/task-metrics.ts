// The metrics the task Lambdas emit (CloudWatch EMF through Powertools), derived from a task's
// input and output so that the domain stays free of them:
//
//   DaysToExpiry     per device (dimension DeviceId) and fleet-wide (service only, for the
//                    alarm's Minimum): from Preflight (the certificate served), RecordState
//                    (the new certificate) and the inventory listing of ListDueDevices.
//   Renewals         1 per recorded renewal (RecordState): renewals per day on the dashboard.
//   RenewalFailures  1 per recorded failure (RecordFailure), with dimension Outcome.
import type { DeviceEntry } from '../ports.js';
import type { LambdaTaskState, TaskInput, TaskOutput } from '../workflow/contracts.js';

export const METRIC_NAMES = {
  daysToExpiry: 'DaysToExpiry',
  renewals: 'Renewals',
  renewalFailures: 'RenewalFailures',
} as const;

export const DEVICE_DIMENSION = 'DeviceId';
export const OUTCOME_DIMENSION = 'Outcome';

/** Where metrics go: Powertools Metrics in Lambda, an array in tests. */
export interface MetricsSink {
  /** A value with only the service dimension. */
  fleet(name: string, value: number): void;
  /** A value with the service dimension and `dimensions`. */
  withDimensions(name: string, value: number, dimensions: Record<string, string>): void;
}

const DAY_MS = 86_400_000;

/** Whole days from `now` to `notAfter`, rounded down; negative once expired. */
export function daysToExpiry(notAfter: string, now: Date): number {
  return Math.floor((Date.parse(notAfter) - now.getTime()) / DAY_MS);
}

export function emitDaysToExpiry(sink: MetricsSink, deviceId: string, notAfter: string, now: Date): void {
  const days = daysToExpiry(notAfter, now);
  sink.withDimensions(METRIC_NAMES.daysToExpiry, days, { [DEVICE_DIMENSION]: deviceId });
  sink.fleet(METRIC_NAMES.daysToExpiry, days);
}

/** Emits what a successful task says about the fleet. Called after the output passed its contract. */
export function emitTaskMetrics(state: LambdaTaskState, input: unknown, output: unknown, sink: MetricsSink, now: Date): void {
  switch (state) {
    case 'Preflight': {
      const { deviceId } = input as TaskInput<'Preflight'>;
      const { current } = output as TaskOutput<'Preflight'>;
      if (current.notAfter !== null) emitDaysToExpiry(sink, deviceId, current.notAfter, now);
      return;
    }
    case 'RecordState': {
      const { deviceId, notAfter } = input as TaskInput<'RecordState'>;
      emitDaysToExpiry(sink, deviceId, notAfter, now);
      sink.fleet(METRIC_NAMES.renewals, 1);
      return;
    }
    case 'RecordFailure': {
      const { outcome } = output as TaskOutput<'RecordFailure'>;
      sink.withDimensions(METRIC_NAMES.renewalFailures, 1, { [OUTCOME_DIMENSION]: outcome });
      return;
    }
    default:
      return;
  }
}

/** DaysToExpiry of every listed device whose inventory records a certificate (ListDueDevices). */
export function emitInventoryMetrics(entries: readonly DeviceEntry[], sink: MetricsSink, now: Date): void {
  for (const entry of entries) {
    if (entry.state.notAfter !== undefined) emitDaysToExpiry(sink, entry.device.id, entry.state.notAfter, now);
  }
}
