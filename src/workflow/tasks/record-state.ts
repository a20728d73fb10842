// RecordState (DESIGN.md 1.8): the new trustpoint, serial, notAfter, bundle reference, CA id and
// the previous trustpoint to the inventory, then the lease released. Safe to repeat: when the
// inventory already records this execution's serial, only the release is repeated.
import { sameSerial } from '../../inventory/refs.js';
import type { TaskInput, TaskOutput } from '../contracts.js';
import type { TaskDependencies } from '../dependencies.js';

export async function recordState(deps: TaskDependencies, input: TaskInput<'RecordState'>): Promise<TaskOutput<'RecordState'>> {
  const entry = await deps.inventory.getDevice(input.deviceId);
  const state = entry.state;
  if (state.lastOutcome?.executionId === input.executionId && state.lastOutcome.status === 'renewed' && state.serialHex !== undefined && sameSerial(state.serialHex, input.serial)) {
    await deps.inventory.releaseLease(input.deviceId, input.executionId);
    return { recordedAt: state.lastOutcome.at };
  }
  const recordedAt = deps.clock.now().toISOString();
  await deps.inventory.recordState(input.deviceId, input.executionId, {
    trustpoint: input.trustpoint,
    serialHex: input.serial,
    notAfter: input.notAfter,
    bundleRef: input.bundleRef,
    certificateId: input.certificateId,
    previousTrustpoint: input.previous.trustpoint,
    lastOutcome: { status: 'renewed', at: recordedAt, executionId: input.executionId },
  });
  await deps.inventory.releaseLease(input.deviceId, input.executionId);
  return { recordedAt };
}
