// AcquireLock (DESIGN.md 1.1): the device's lease, owned by the execution. Safe to repeat: the
// same execution extends its own lease; another one gets DeviceBusyError naming the holder.
import type { TaskInput, TaskOutput } from '../contracts.js';
import type { TaskDependencies } from '../dependencies.js';

export async function acquireLock(deps: TaskDependencies, input: TaskInput<'AcquireLock'>): Promise<TaskOutput<'AcquireLock'>> {
  const lease = await deps.inventory.acquireLease(input.deviceId, input.executionId, deps.options.leaseTtlSeconds);
  return { leaseExpiresAt: lease.expiresAt };
}
