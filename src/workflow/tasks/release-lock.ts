// ReleaseLock: the end of a renewal that changed nothing (NOT_DUE or dry run). Safe to repeat:
// a lease this execution no longer holds is left alone (`released: false`).
import type { TaskInput, TaskOutput } from '../contracts.js';
import type { TaskDependencies } from '../dependencies.js';

export async function releaseLock(deps: TaskDependencies, input: TaskInput<'ReleaseLock'>): Promise<TaskOutput<'ReleaseLock'>> {
  return { released: await deps.inventory.releaseLease(input.deviceId, input.executionId) };
}
