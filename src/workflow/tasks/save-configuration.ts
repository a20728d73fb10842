// SaveConfiguration (DESIGN.md 1.7): `write memory` with `[OK]` required, and `write standby`
// on the active unit of a failover pair. Saving twice is harmless, so a retry just saves again.
import type { TaskInput, TaskOutput } from '../contracts.js';
import type { TaskDependencies } from '../dependencies.js';
import { holdLease, withDeviceSession, type StepContext } from './shared.js';

export async function saveConfiguration(deps: TaskDependencies, input: TaskInput<'SaveConfiguration'>): Promise<TaskOutput<'SaveConfiguration'>> {
  const ctx: StepContext = { deviceId: input.deviceId, executionId: input.executionId, step: 'SaveConfiguration' };
  await holdLease(deps, ctx);
  const entry = await deps.inventory.getDevice(input.deviceId);
  const saved = await withDeviceSession(deps, entry, ctx, (session) => session.saveConfiguration());
  return { saved: true, standbyWritten: saved.standby };
}
