// Helpers the task functions share: the device session around a step, the lease check of the
// steps that change something, and the conversions between the device's view of bindings
// (src/asa) and the contracts' (references in the state payloads).
import type { PreviousBindings } from '../../asa/operations.js';
import { normalizeSerialHex } from '../../inventory/refs.js';
import type { DeviceEntry, DeviceSession } from '../../ports.js';
import type { Bindings, Ikev2Binding } from '../contracts.js';
import type { TaskDependencies, TaskLogLevel } from '../dependencies.js';

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

/** One log line of the step (every field public: names, serials, never a secret). */
export function logStep(deps: TaskDependencies, ctx: StepContext, level: TaskLogLevel, message: string): void {
  deps.log({ at: deps.clock.now().toISOString(), level, step: ctx.step, deviceId: ctx.deviceId, executionId: ctx.executionId, message });
}

export type KeypairRemoval = 'zeroized' | 'in-use' | 'absent' | 'failed';

/**
 * After a trustpoint of ours is gone: zeroizes the key pair its PKCS12 import created under the
 * trustpoint's name, unless another trustpoint still names it (`keypair <name>`, checked by the
 * device operation). The trustpoint is already removed (and, in Cleanup, saved), so a failure
 * here is logged with the command to finish by hand instead of failing the step: the key pair
 * is unused, not a risk to the VPN, and the contract's output has no field for it.
 */
export async function zeroizeKeypairOf(deps: TaskDependencies, ctx: StepContext, session: DeviceSession, trustpoint: string): Promise<KeypairRemoval> {
  let result: Exclude<KeypairRemoval, 'failed'>;
  try {
    result = await session.zeroizeUnusedKeypair(trustpoint);
  } catch (error) {
    const why = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    logStep(deps, ctx, 'warn', `trustpoint ${trustpoint} was removed but its key pair ${trustpoint} could not be zeroized (${why}); remove it by hand if no trustpoint uses it: crypto key zeroize rsa|ecdsa label ${trustpoint} noconfirm`);
    return 'failed';
  }
  if (result === 'zeroized') logStep(deps, ctx, 'info', `zeroized key pair ${trustpoint} of the removed trustpoint ${trustpoint}`);
  if (result === 'in-use') logStep(deps, ctx, 'info', `kept key pair ${trustpoint} of the removed trustpoint ${trustpoint}: another trustpoint uses it`);
  return result;
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
