// RemoveNewTrustpoint: the failure route before binding. Removes the trustpoint this execution
// created, if it exists; the ASA client refuses to remove one that is bound anywhere. Nothing
// was bound and the startup configuration was never written, so no save is needed.
import type { TaskInput, TaskOutput } from '../contracts.js';
import type { TaskDependencies } from '../dependencies.js';
import { withDeviceSession } from './shared.js';

export async function removeNewTrustpoint(deps: TaskDependencies, input: TaskInput<'RemoveNewTrustpoint'>): Promise<TaskOutput<'RemoveNewTrustpoint'>> {
  const entry = await deps.inventory.getDevice(input.deviceId);
  const ctx = { deviceId: input.deviceId, executionId: input.executionId, step: 'RemoveNewTrustpoint' };
  const result = await withDeviceSession(deps, entry, ctx, (session) => session.removeTrustpoint(input.trustpoint));
  return { removed: result === 'removed' };
}
