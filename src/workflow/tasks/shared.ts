// Helpers the task functions share: the device session around a step, the lease check of the
// steps that change something, and the conversions between the device's view of bindings
// (src/asa) and the contracts' (references in the state payloads).
import type { PreviousBindings } from '../../asa/operations.js';
import { normalizeSerialHex } from '../../inventory/refs.js';
import type { DeviceEntry, DeviceSession } from '../../ports.js';
import type { Bindings, Ikev2Binding } from '../contracts.js';
import type { TaskDependencies } from '../dependencies.js';

export interface StepContext {
  deviceId: string;
  executionId: string;
  step: string;
}

/**
 * Checks that this execution still holds the device's lease and extends it. A renewal that lost
 * its lease (expired and taken over) stops with DeviceBusyError before touching the device.
 */
export async function holdLease(deps: TaskDependencies, ctx: StepContext): Promise<void> {
  await deps.inventory.acquireLease(ctx.deviceId, ctx.executionId, deps.options.leaseTtlSeconds);
}

/** Opens an SSH session to the device of `entry`, runs `work`, and always closes the session. */
export async function withDeviceSession<T>(deps: TaskDependencies, entry: DeviceEntry, ctx: StepContext, work: (session: DeviceSession) => Promise<T>): Promise<T> {
  const credentials = await deps.secrets.getDeviceCredentials(entry.device.credentialsRef);
  const session = await deps.devices.connect(entry.device, credentials, { executionId: ctx.executionId, step: ctx.step });
  try {
    return await work(session);
  } finally {
    await session.close().catch(() => undefined);
  }
}

/** The device's bindings of the configured interfaces as a contract payload (null: none bound). */
export function bindingsPayload(previous: PreviousBindings): Bindings {
  return Object.fromEntries(previous.interfaces.map((b) => [b.interface, b.trustpoint ?? null]));
}

/** The first IKEv2 remote-access trustpoint (the one presented), or null when IKEv2 is not managed. */
export function ikev2Payload(previous: PreviousBindings, managed: boolean): Ikev2Binding {
  if (!managed) return null;
  return { trustpoint: previous.ikev2?.[0] ?? null };
}

/** The rollback target in the device's terms. */
export function previousBindingsFrom(bindings: Bindings, ikev2: Ikev2Binding): PreviousBindings {
  const previous: PreviousBindings = {
    interfaces: Object.entries(bindings).map(([name, trustpoint]) => ({ interface: name, trustpoint: trustpoint ?? undefined })),
  };
  if (ikev2 !== null) previous.ikev2 = ikev2.trustpoint === null ? [] : [ikev2.trustpoint];
  return previous;
}

/** Serial as the contracts carry it: hex without leading zero bytes (the ASA prints them, the CA may not). */
export function serialPayload(serialHex: string): string {
  return normalizeSerialHex(serialHex);
}
