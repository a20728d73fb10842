// Cleanup (DESIGN.md 1.9): removes this workflow's older trustpoints (named `<prefix>-YYYYMMDD-...`)
// beyond `keepGenerations`, never the new one, the previous one, or any trustpoint still bound
// (ssl, the default ssl trust-point, IKEv2). Trustpoints the workflow did not name are never
// touched. Saves when it removed something, then zeroizes the key pair each removed trustpoint's
// PKCS12 import created under its name, unless another trustpoint still names that key pair
// (zeroizeKeypairOf; the kept and bound trustpoints exist, so theirs are never touched). The
// output contract has no field for key pairs: they are reported in the task log. Superseded
// certificates are not revoked here.
import { isTrustpointOf } from '../../inventory/trustpoint-name.js';
import type { TaskInput, TaskOutput } from '../contracts.js';
import type { TaskDependencies } from '../dependencies.js';
import { holdLease, withDeviceSession, zeroizeKeypairOf, type StepContext } from './shared.js';

export async function cleanup(deps: TaskDependencies, input: TaskInput<'Cleanup'>): Promise<TaskOutput<'Cleanup'>> {
  const ctx: StepContext = { deviceId: input.deviceId, executionId: input.executionId, step: 'Cleanup' };
  await holdLease(deps, ctx);
  const entry = await deps.inventory.getDevice(input.deviceId);
  const prefix = entry.device.trustpointPrefix;
  return withDeviceSession(deps, entry, ctx, async (session) => {
    const facts = await session.preflight();
    const inUse = new Set<string>([
      ...facts.ssl.bindings.map((b) => b.trustpoint),
      ...(facts.ssl.defaultTrustpoint === undefined ? [] : [facts.ssl.defaultTrustpoint]),
      ...facts.ikev2.remoteAccessTrustpoints,
    ]);
    const kept = [input.trustpoint, ...(input.previousTrustpoint !== null && isTrustpointOf(prefix, input.previousTrustpoint) ? [input.previousTrustpoint] : [])];
    const ours = new Set(facts.certificates.flatMap((e) => e.associatedTrustpoints).filter((tp) => isTrustpointOf(prefix, tp)));
    // Newest first: the name carries the date; the same day sorts by tag (arbitrary but stable).
    const candidates = [...ours].filter((tp) => !kept.includes(tp) && !inUse.has(tp)).sort().reverse();
    const slots = Math.max(0, deps.options.keepGenerations - kept.length);
    const removedTrustpoints: string[] = [];
    for (const trustpoint of candidates.slice(slots)) {
      if ((await session.removeTrustpoint(trustpoint)) === 'removed') removedTrustpoints.push(trustpoint);
    }
    if (removedTrustpoints.length > 0) await session.saveConfiguration();
    // Zeroizing takes effect at once (key pairs are not part of the configuration), so only
    // after the save: a failed save must not leave configured trustpoints without their keys.
    for (const trustpoint of removedTrustpoints) await zeroizeKeypairOf(deps, ctx, session, trustpoint);
    return { removedTrustpoints };
  });
}
