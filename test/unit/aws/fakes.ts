// Shared fakes for the AWS adapter tests: a clock that only moves when told (or when the
// adapter sleeps), and AWS-shaped errors as the SDK raises them after its own retries.
import type { Clock } from '../../../src/ports.js';

export class FakeClock implements Clock {
  readonly sleeps: number[] = [];
  constructor(private current: Date = new Date('2026-11-27T12:00:00Z')) {}
  now(): Date {
    return new Date(this.current);
  }
  advance(ms: number): void {
    this.current = new Date(this.current.getTime() + ms);
  }
  /** A Sleep that records the wait and moves the clock instead of waiting. */
  readonly sleep = async (ms: number): Promise<void> => {
    this.sleeps.push(ms);
    this.advance(ms);
  };
}

/** An error shaped like an AWS SDK v3 service exception. */
export function awsError(name: string, message: string, fields: { status?: number; fault?: 'client' | 'server' } = {}): Error {
  return Object.assign(new Error(message), {
    name,
    $fault: fields.fault ?? ((fields.status ?? 400) >= 500 ? 'server' : 'client'),
    $metadata: { httpStatusCode: fields.status ?? 400, attempts: 3 },
  });
}

/** The error a promise rejects with; fails the test when it resolves. */
export async function rejectionOf(promise: Promise<unknown>): Promise<Error> {
  const outcome = await promise.then(
    () => undefined,
    (error: unknown) => error,
  );
  if (!(outcome instanceof Error)) throw new Error(`expected a rejection with an Error, got ${outcome === undefined ? 'a resolved promise' : String(outcome)}`);
  return outcome;
}
