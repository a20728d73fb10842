// RecordFailure: the outcome of a failed renewal (describeFailure: ROLLED_BACK or FAILED, the
// error name and a cause an operator can act on) written to the inventory, then the lease
// released. Returns what the execution fails with. Safe to repeat: the same write again.
import type { TaskInput, TaskOutput } from '../contracts.js';
import type { TaskDependencies } from '../dependencies.js';
import { describeFailure } from '../error-handling.js';

export async function recordFailure(deps: TaskDependencies, input: TaskInput<'RecordFailure'>): Promise<TaskOutput<'RecordFailure'>> {
  const failure = describeFailure(input);
  await deps.inventory.recordState(input.deviceId, input.executionId, {
    lastOutcome: {
      status: failure.outcome === 'ROLLED_BACK' ? 'rolled-back' : 'failed',
      at: deps.clock.now().toISOString(),
      executionId: input.executionId,
      errorName: failure.error,
      cause: failure.cause,
    },
  });
  await deps.inventory.releaseLease(input.deviceId, input.executionId);
  return failure;
}
