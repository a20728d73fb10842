// BindTrustpoint (DESIGN.md 1.5): `ssl trust-point <new-tp> <interface>` on every configured
// interface (and the IKEv2 remote-access trustpoint when the device manages it). One command
// per interface replaces the old binding, so an interface never goes without a certificate.
// Safe to repeat: interfaces already bound to the new trustpoint are left alone, and for them
// the previous binding reported is the one Preflight recorded, not the new trustpoint itself.
import type { TaskInput, TaskOutput } from '../contracts.js';
import type { TaskDependencies } from '../dependencies.js';
import { bindingsPayload, holdLease, withDeviceSession, type StepContext } from './shared.js';

export async function bindTrustpoint(deps: TaskDependencies, input: TaskInput<'BindTrustpoint'>): Promise<TaskOutput<'BindTrustpoint'>> {
  const ctx: StepContext = { deviceId: input.deviceId, executionId: input.executionId, step: 'BindTrustpoint' };
  await holdLease(deps, ctx);
  const entry = await deps.inventory.getDevice(input.deviceId);
  const interfaces = Object.keys(input.bindings);
  const ikev2 = input.ikev2 !== null;
  return withDeviceSession(deps, entry, ctx, async (session) => {
    const now = await session.readBindings(interfaces, { ikev2 });
    const previous = bindingsPayload({
      interfaces: now.interfaces.map((b) => ({ interface: b.interface, trustpoint: b.trustpoint === input.trustpoint ? (input.bindings[b.interface] ?? undefined) : b.trustpoint })),
    });
    const done = now.interfaces.every((b) => b.trustpoint === input.trustpoint) && (!ikev2 || now.ikev2?.[0] === input.trustpoint);
    if (!done) await session.bindTrustpoint(input.trustpoint, interfaces, { ikev2 });
    return { previousBindings: previous, boundInterfaces: interfaces, ikev2Bound: ikev2 };
  });
}
