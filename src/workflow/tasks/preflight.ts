// Preflight (DESIGN.md 1.2): read-only over SSH. The ASA client refuses a standby unit and
// multiple-context mode (terminal errors); the renewal checks of decisions.ts decide DUE,
// FORCED or NOT_DUE; the bindings read here are the rollback target.
//
// The new trustpoint's name is chosen here, before the certificate exists, so it cannot carry
// the serial: `<prefix>-<YYYYMMDD>-<hex tag of the execution id>` (trustpointNameFor with the
// tag as "serial"). A re-run of the same execution finds the trustpoint it created earlier
// (any date, same tag) and reuses it, so a re-run never adds a second trustpoint.
//
// NOT_DUE records what the device serves (trustpoint, serial, notAfter) in the inventory, so
// `trustpoint status` and the expiry metric know a device before its first renewal. Such an
// observation has no bundleRef: the SerialMismatch check ("changed outside trustpoint?") compares
// with a recorded serial only when trustpoint installed it (bundleRef set by RecordState or
// RecordRestore), so a certificate the operator manages is never replaced for changing.
import { createHash } from 'node:crypto';
import type { DeviceFacts, PreviousBindings } from '../../asa/operations.js';
import { AsaOutputParseError } from '../../errors.js';
import { sameSerial } from '../../inventory/refs.js';
import type { DeviceRecord } from '../../inventory/device.js';
import { isTrustpointOf, trustpointNameFor } from '../../inventory/trustpoint-name.js';
import type { RenewalState, RenewalStateUpdate } from '../../ports.js';
import type { TaskInput, TaskOutput, ServedCertificate } from '../contracts.js';
import { daysUntil, renewalReasons, type DeviceCertificate, type DeviceCertificateState } from '../decisions.js';
import type { TaskDependencies } from '../dependencies.js';
import { bindingsPayload, holdLease, ikev2Payload, serialPayload, withDeviceSession, type StepContext } from './shared.js';

const MAX_REASON = 500;

/** The bindings of the configured interfaces as the facts show them (explicit `ssl trust-point <tp> <if>` lines). */
export function bindingsFromFacts(device: DeviceRecord, facts: DeviceFacts): PreviousBindings {
  const previous: PreviousBindings = {
    interfaces: device.interfaces.map((name) => ({ interface: name, trustpoint: facts.ssl.bindings.find((b) => b.interface === name && !b.vpnlbIp)?.trustpoint })),
  };
  if (device.ikev2) previous.ikev2 = [...facts.ikev2.remoteAccessTrustpoints];
  return previous;
}

/** Identity certificates by trustpoint; a bound one whose dates cannot be placed in time stops the run. */
function certificatesByTrustpoint(facts: DeviceFacts, bound: ReadonlySet<string>): Record<string, DeviceCertificate> {
  const byTrustpoint: Record<string, DeviceCertificate> = {};
  for (const entry of facts.certificates) {
    if (entry.kind !== 'identity') continue;
    for (const trustpoint of entry.associatedTrustpoints) {
      const { start, end } = entry.validity;
      if (start === undefined || end === undefined) {
        if (!bound.has(trustpoint)) continue;
        throw new AsaOutputParseError(
          `${facts.hostname}: the validity of the certificate in trustpoint ${trustpoint} is printed in zone "${entry.validity.zone}", whose offset is unknown (show running-config clock); cannot tell whether it is due`,
        );
      }
      byTrustpoint[trustpoint] = { trustpoint, serialHex: entry.serialHex, notBefore: start, notAfter: end, status: entry.status };
    }
  }
  return byTrustpoint;
}

/** The certificate served on the configured interfaces that expires first (what an outage would hit first). */
function servedCertificate(state: DeviceCertificateState): ServedCertificate {
  const served = state.interfaces
    .map((iface) => state.bindings[iface])
    .flatMap((trustpoint) => (trustpoint === undefined ? [] : [state.certificates[trustpoint] ?? trustpoint]));
  const certificates = served.filter((c): c is DeviceCertificate => typeof c !== 'string').sort((a, b) => a.notAfter.getTime() - b.notAfter.getTime());
  const first = certificates[0];
  if (first) return { trustpoint: first.trustpoint, serial: serialPayload(first.serialHex), notAfter: first.notAfter.toISOString() };
  const bound = served.find((c): c is string => typeof c === 'string');
  return { trustpoint: bound ?? null, serial: null, notAfter: null };
}

/**
 * Hex tag of the execution: the same execution always gets the same trustpoint name suffix.
 * 40 bits keep names short enough to read in `show crypto ca trustpoints` and unique per day.
 */
export function executionTag(executionId: string): string {
  return createHash('sha256').update(`trustpoint\u0000${executionId}`).digest('hex').slice(0, 10);
}

/** The trustpoint this execution creates: one it already created on the device, else a new name. */
export function newTrustpointName(prefix: string, now: Date, executionId: string, existing: Iterable<string>): string {
  const candidate = trustpointNameFor(prefix, now, executionTag(executionId));
  const tail = candidate.slice(prefix.length + '-YYYYMMDD-'.length);
  for (const name of existing) {
    if (isTrustpointOf(prefix, name) && name.slice(prefix.length + '-YYYYMMDD-'.length) === tail) return name;
  }
  return candidate;
}

function trustpointsOnDevice(facts: DeviceFacts): Set<string> {
  const names = new Set<string>();
  for (const entry of facts.certificates) for (const tp of entry.associatedTrustpoints) names.add(tp);
  for (const binding of facts.ssl.bindings) names.add(binding.trustpoint);
  for (const tp of facts.ikev2.remoteAccessTrustpoints) names.add(tp);
  return names;
}

function clip(text: string): string {
  return text.length <= MAX_REASON ? text : `${text.slice(0, MAX_REASON - 1)}…`;
}

function notDueReason(current: ServedCertificate, renewBeforeDays: number, now: Date): string {
  if (current.notAfter === null) return 'NotDue: no renewal check applies';
  const days = daysUntil(new Date(current.notAfter), now);
  return `NotDue: the certificate served (trustpoint ${current.trustpoint ?? '?'}, serial ${current.serial ?? '?'}) expires at ${current.notAfter}, in ${days} days: beyond renewBeforeDays (${renewBeforeDays})`;
}

/**
 * The inventory fields for the certificate a NOT_DUE run found served. The same serial as
 * recorded: the recorded certificate, its bundle, CA id and previous trustpoint stay. Another
 * serial (or none recorded): an observation, so the references that describe another
 * certificate are removed (RenewalStateUpdate: null removes).
 */
export function servedStateUpdate(recorded: RenewalState, current: ServedCertificate): RenewalStateUpdate {
  if (current.trustpoint === null || current.serial === null || current.notAfter === null) return {};
  const served = { trustpoint: current.trustpoint, serialHex: current.serial, notAfter: current.notAfter };
  if (recorded.serialHex !== undefined && sameSerial(recorded.serialHex, current.serial)) return served;
  return { ...served, bundleRef: null, certificateId: null, previousTrustpoint: null };
}

export async function preflight(deps: TaskDependencies, input: TaskInput<'Preflight'>): Promise<TaskOutput<'Preflight'>> {
  const ctx: StepContext = { deviceId: input.deviceId, executionId: input.executionId, step: 'Preflight' };
  await holdLease(deps, ctx);
  const entry = await deps.inventory.getDevice(input.deviceId);
  const device = entry.device;
  const facts = await withDeviceSession(deps, entry, ctx, (session) => session.preflight());
  const now = deps.clock.now();

  const previous = bindingsFromFacts(device, facts);
  const bound = new Set(previous.interfaces.flatMap((b) => (b.trustpoint === undefined ? [] : [b.trustpoint])));
  const state: DeviceCertificateState = {
    interfaces: device.interfaces,
    ikev2: device.ikev2,
    bindings: Object.fromEntries(previous.interfaces.map((b) => [b.interface, b.trustpoint])),
    certificates: certificatesByTrustpoint(facts, bound),
    ...(facts.ikev2.remoteAccessTrustpoints[0] === undefined ? {} : { ikev2Trustpoint: facts.ikev2.remoteAccessTrustpoints[0] }),
    ...(entry.state.serialHex === undefined || entry.state.bundleRef === undefined ? {} : { recordedSerialHex: entry.state.serialHex }),
  };
  const current = servedCertificate(state);
  const renewBeforeDays = device.certificate.renewBeforeDays;
  const newTrustpoint = newTrustpointName(device.trustpointPrefix, now, input.executionId, trustpointsOnDevice(facts));
  const base = { current, bindings: bindingsPayload(previous), ikev2: ikev2Payload(previous, device.ikev2) };

  // A re-run of an execution that already bound its trustpoint finishes that renewal (verify,
  // save, record) instead of reporting NOT_DUE with the inventory left behind.
  const resumed = bound.has(newTrustpoint);
  const reasons = renewalReasons(state, { now, renewBeforeDays, force: input.force });
  if (input.force || resumed || reasons.length > 0) {
    const described = reasons.map((r) => `${r.reason}: ${r.message}`);
    if (resumed) described.unshift(`Resumed: trustpoint ${newTrustpoint} of this execution is already bound; finishing its renewal`);
    return { decision: input.force ? 'FORCED' : 'DUE', reason: clip(described.join('; ')), ...base, newTrustpoint };
  }
  await deps.inventory.recordState(input.deviceId, input.executionId, {
    ...servedStateUpdate(entry.state, current),
    lastOutcome: { status: 'not-due', at: now.toISOString(), executionId: input.executionId },
  });
  return { decision: 'NOT_DUE', reason: clip(notDueReason(current, renewBeforeDays, now)), ...base, newTrustpoint: null };
}
