// RemoveNewTrustpoint: the failure route before binding. Removes the trustpoint this execution
// created, if it exists; the ASA client refuses to remove one that is bound anywhere. Nothing
// was bound and the startup configuration was never written, so no save is needed.
// Then zeroizes the key pair named after it (the import creates it, even when the import fails
// later) unless a trustpoint still names it. Also when the trustpoint was already absent: the
// name carries this execution's tag, so a key pair of that name is a leftover of this execution
// (a failed import, or a retry after a removal whose zeroize did not happen). The output contract
// has no field for it: the task log says what happened to the key pair.
import type { TaskInput, TaskOutput } from '../contracts.js';
import type { TaskDependencies } from '../dependencies.js';
import { withDeviceSession, zeroizeKeypairOf, type StepContext } from './shared.js';

export async function removeNewTrustpoint(deps: TaskDependencies, input: TaskInput<'RemoveNewTrustpoint'>): Promise<TaskOutput<'RemoveNewTrustpoint'>> {
  const entry = await deps.inventory.getDevice(input.deviceId);
  const ctx: StepContext = { deviceId: input.deviceId, executionId: input.executionId, step: 'RemoveNewTrustpoint' };
  const result = await withDeviceSession(deps, entry, ctx, async (session) => {
    const removal = await session.removeTrustpoint(input.trustpoint);
    await zeroizeKeypairOf(deps, ctx, session, input.trustpoint);
    return removal;
  });
  return { removed: result === 'removed' };
}
