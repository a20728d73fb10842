// ListDueDevices (renew-fleet 1), inventory only: the devices to run renew-device for. With
// `force` every selected device. Otherwise a device is left out only when the inventory
// records a certificate this workflow installed (with its bundle) that is outside its renewal window and the
// last run did not fail; anything unknown goes to renew-device, whose Preflight looks at the
// device itself and ends NOT_DUE when nothing is due.
import type { DeviceEntry } from '../../ports.js';
import type { TaskInput, TaskOutput } from '../contracts.js';
import type { TaskDependencies } from '../dependencies.js';

const DAY_MS = 86_400_000;

export function isDueByInventory(entry: DeviceEntry, now: Date): boolean {
  const { state, device } = entry;
  // Only a certificate this workflow installed (it has our bundle) can be trusted from the
  // inventory: one merely seen at a NOT_DUE Preflight may have been replaced by hand since.
  if (state.notAfter === undefined || state.bundleRef === undefined) return true;
  const status = state.lastOutcome?.status;
  if (status === 'failed' || status === 'rolled-back') return true;
  return Date.parse(state.notAfter) - now.getTime() <= device.certificate.renewBeforeDays * DAY_MS;
}

export async function listDueDevices(deps: TaskDependencies, input: TaskInput<'ListDueDevices'>): Promise<TaskOutput<'ListDueDevices'>> {
  const entries = input.deviceIds === null ? await deps.inventory.listDevices() : await Promise.all([...new Set(input.deviceIds)].map((id) => deps.inventory.getDevice(id)));
  const now = deps.clock.now();
  const due = entries.filter((entry) => input.force || isDueByInventory(entry, now));
  return {
    devices: due.map((entry) => ({ deviceId: entry.device.id })),
    checkedCount: entries.length,
    maxConcurrency: deps.options.maxConcurrency,
    toleratedFailurePercentage: deps.options.toleratedFailurePercentage,
  };
}
