// RollbackBinding: the failure route from binding on. Restores exactly the binding Preflight
// recorded on every interface (`no ssl trust-point` where there was none) and the IKEv2
// trustpoint, reads the bindings back (RollbackError if they are not as recorded), then saves.
//
// Rollback only runs before SaveConfiguration succeeded, so the startup configuration still
// holds the old bindings: a failed save here (the very fault that may have led here) leaves
// the device correct after a reload too, and is reported as `saved: false`, not as a failed
// rollback. The new trustpoint stays installed, unbound: a re-run of the execution reuses it.
import type { TaskInput, TaskOutput } from '../contracts.js';
import type { TaskDependencies } from '../dependencies.js';
import { logStep, previousBindingsFrom, withDeviceSession } from './shared.js';

export async function rollbackBinding(deps: TaskDependencies, input: TaskInput<'RollbackBinding'>): Promise<TaskOutput<'RollbackBinding'>> {
  const entry = await deps.inventory.getDevice(input.deviceId);
  const ctx = { deviceId: input.deviceId, executionId: input.executionId, step: 'RollbackBinding' };
  const previous = previousBindingsFrom(input.previousBindings, input.previousIkev2);
  const interfaces = previous.interfaces.map((b) => b.interface);
  return withDeviceSession(deps, entry, ctx, async (session) => {
    const before = await session.readBindings(interfaces);
    await session.rollbackBinding(previous);
    let saved = true;
    try {
      await session.saveConfiguration();
    } catch (error) {
      saved = false;
      const why = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      logStep(deps, ctx, 'warn', `bindings restored, but the save failed (${why}); the startup configuration still holds them`);
    }
    return {
      restoredInterfaces: previous.interfaces.filter((b) => b.trustpoint !== undefined).map((b) => b.interface),
      unboundInterfaces: previous.interfaces.filter((b, i) => b.trustpoint === undefined && before.interfaces[i]?.trustpoint !== undefined).map((b) => b.interface),
      ikev2Restored: previous.ikev2 !== undefined,
      saved,
    };
  });
}
