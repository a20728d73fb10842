// backup-device's tasks.
//
// ExportTrustpoints (SSH): every trustpoint bound with `ssl trust-point` (any interface), the
// IKEv2 remote-access trustpoint, and those the operator names. For each, the identity serial
// decides: a bundle the renewal issued with that serial is already a backup (same key), and so
// is an earlier export of that serial; otherwise `crypto ca export <tp> pkcs12 <passphrase>`
// with a fresh passphrase, checked by decoding it, sealed into the BundleStore with the
// passphrase inside the envelope. Only references leave the task.
// StoreBackups: one catalog entry per trustpoint (serial, notAfter, interfaces, when).
// PruneGenerations: keeps the newest N entries per slot (see backupSlot), deletes older backup bundles.
import { serialsEqual } from '../../asa/tls-probe.js';
import type { DeviceFacts } from '../../asa/operations.js';
import { AsaOutputParseError, Pkcs12ExportError, ValidationError } from '../../errors.js';
import { bundleRefFor, normalizeSerialHex, parseBundleRef } from '../../inventory/refs.js';
import { decodePkcs12, describeCertificate, detectPkcs12Encryption, generatePassphrase } from '../../pki/index.js';
import type { DeviceSession } from '../../ports.js';
import { withDeviceSession, type StepContext } from '../tasks/shared.js';
import type { BackupEntry, BackupItem, BackupTaskInput, BackupTaskOutput } from './contracts.js';
import type { BackupDependencies } from './ports.js';

interface Target {
  trustpoint: string;
  interfaces: string[];
  ikev2: boolean;
}

/** Bound trustpoints (interface order as configured), then the IKEv2 one, then those named. */
export function backupTargets(facts: Pick<DeviceFacts, 'ssl' | 'ikev2'>, named: readonly string[]): Target[] {
  const targets = new Map<string, Target>();
  const target = (trustpoint: string): Target => {
    let t = targets.get(trustpoint);
    if (!t) {
      t = { trustpoint, interfaces: [], ikev2: false };
      targets.set(trustpoint, t);
    }
    return t;
  };
  for (const binding of facts.ssl.bindings) {
    if (binding.vpnlbIp) continue;
    const t = target(binding.trustpoint);
    if (!t.interfaces.includes(binding.interface)) t.interfaces.push(binding.interface);
  }
  const ikev2 = facts.ikev2.remoteAccessTrustpoints[0];
  if (ikev2 !== undefined) target(ikev2).ikev2 = true;
  for (const name of named) target(name);
  return [...targets.values()];
}

async function exportOne(deps: BackupDependencies, session: DeviceSession, deviceId: string, target: Target, facts: DeviceFacts): Promise<BackupItem> {
  const identity = facts.certificates.find((e) => e.kind === 'identity' && e.associatedTrustpoints.includes(target.trustpoint));
  if (identity === undefined) {
    // The ASA's own words are the clearest answer: ask it.
    (await session.exportPkcs12(target.trustpoint, generatePassphrase())).fill(0);
    throw new Pkcs12ExportError(`${facts.hostname}: trustpoint ${target.trustpoint} shows no identity certificate, yet the ASA exported it; refusing to store an unverified backup`);
  }
  if (identity.validity.end === undefined) {
    throw new AsaOutputParseError(`${facts.hostname}: the validity of the certificate in ${target.trustpoint} is printed in zone "${identity.validity.zone}", whose offset is unknown (show running-config clock)`);
  }
  const serial = normalizeSerialHex(identity.serialHex);
  const base: BackupFacts = { trustpoint: target.trustpoint, serial, notAfter: identity.validity.end.toISOString(), interfaces: target.interfaces, ikev2: target.ikev2 };

  const issuedRef = bundleRefFor(deviceId, 'issued', serial);
  const issued = await deps.bundles.head(issuedRef);
  if (issued && serialsEqual(issued.serialHex, serial)) return { ...base, notAfter: issued.notAfter, bundleRef: issuedRef, source: 'issued', reused: true };
  const backupRef = bundleRefFor(deviceId, 'backup', serial);
  const earlier = await deps.bundles.head(backupRef);
  if (earlier && serialsEqual(earlier.serialHex, serial)) return { ...base, notAfter: earlier.notAfter, bundleRef: backupRef, source: 'exported', reused: true };

  const passphrase = generatePassphrase();
  const pkcs12 = await session.exportPkcs12(target.trustpoint, passphrase);
  try {
    return await storeExport(deps, deviceId, facts.hostname, base, pkcs12, passphrase);
  } finally {
    pkcs12.fill(0);
  }
}

type BackupFacts = Omit<BackupItem, 'bundleRef' | 'source' | 'reused'>;

/** Checks an exported PKCS12 against what the device showed, then seals it into the BundleStore. */
async function storeExport(deps: BackupDependencies, deviceId: string, hostname: string, base: BackupFacts, pkcs12: Uint8Array, passphrase: string): Promise<BackupItem> {
  // The bundle must open with the passphrase it is stored with and hold the serial the device showed.
  const contents = await decodePkcs12(pkcs12, passphrase);
  const leaf = describeCertificate(contents.certificatePem);
  if (!serialsEqual(leaf.serialHex, base.serial)) {
    throw new Pkcs12ExportError(`${hostname}: the export of ${base.trustpoint} holds serial ${leaf.serialHex}, but the trustpoint shows ${base.serial}`);
  }
  const encryption = detectPkcs12Encryption(pkcs12);
  const ref = await deps.bundles.put(
    {
      deviceId,
      kind: 'backup',
      serialHex: base.serial,
      trustpoint: base.trustpoint,
      notAfter: leaf.notAfter.toISOString(),
      pkcs12Profile: encryption === 'legacy-3des' || encryption === 'rc2-40' ? 'legacy' : 'modern',
    },
    { pkcs12, passphrase },
  );
  return { ...base, notAfter: leaf.notAfter.toISOString(), bundleRef: ref, source: 'exported', reused: false };
}

export async function exportTrustpoints(deps: BackupDependencies, input: BackupTaskInput<'ExportTrustpoints'>): Promise<BackupTaskOutput<'ExportTrustpoints'>> {
  const ctx: StepContext = { deviceId: input.deviceId, executionId: input.executionId, step: 'ExportTrustpoints' };
  const entry = await deps.inventory.getDevice(input.deviceId);
  return withDeviceSession(deps, entry, ctx, async (session) => {
    const facts = await session.preflight();
    const targets = backupTargets(facts, input.trustpoints);
    if (targets.length === 0) {
      throw new ValidationError('trustpoints', `${facts.hostname} binds no trustpoint with "ssl trust-point" or IKEv2 and none was named: nothing to back up`);
    }
    const items: BackupItem[] = [];
    for (const target of targets) items.push(await exportOne(deps, session, input.deviceId, target, facts));
    return { items };
  });
}

export async function storeBackups(deps: BackupDependencies, input: BackupTaskInput<'StoreBackups'>): Promise<BackupTaskOutput<'StoreBackups'>> {
  const takenAt = deps.clock.now().toISOString();
  for (const item of input.items) {
    // The catalog must not point at a bundle that is not there.
    if ((await deps.bundles.head(item.bundleRef)) === undefined) {
      throw new ValidationError('items.bundleRef', `${item.bundleRef} (trustpoint ${item.trustpoint}) is not in the bundle store`);
    }
    await deps.catalog.put({
      deviceId: input.deviceId,
      trustpoint: item.trustpoint,
      serial: item.serial,
      notAfter: item.notAfter,
      interfaces: item.interfaces,
      ikev2: item.ikev2,
      bundleRef: item.bundleRef,
      source: item.source,
      takenAt,
      executionId: input.executionId,
    });
  }
  return { takenAt, recorded: input.items.length };
}

/**
 * What a backup stands for: the interfaces (and IKEv2) it was serving. Each renewal creates a
 * trustpoint with a new name, so generations are counted per slot, not per trustpoint name; a
 * trustpoint bound nowhere (named by the operator) is its own slot.
 */
export function backupSlot(entry: Pick<BackupEntry, 'trustpoint' | 'interfaces' | 'ikev2'>): string {
  if (entry.interfaces.length === 0 && !entry.ikev2) return `trustpoint:${entry.trustpoint}`;
  return `bound:${[...entry.interfaces].sort().join(',')}${entry.ikev2 ? '+ikev2' : ''}`;
}

export async function pruneGenerations(deps: BackupDependencies, input: BackupTaskInput<'PruneGenerations'>): Promise<BackupTaskOutput<'PruneGenerations'>> {
  const entries = await deps.catalog.list(input.deviceId);
  const perSlot = new Map<string, number>();
  const keep: BackupEntry[] = [];
  const drop: BackupEntry[] = [];
  for (const entry of entries) {
    const slot = backupSlot(entry);
    const count = (perSlot.get(slot) ?? 0) + 1;
    perSlot.set(slot, count);
    (count <= input.keepGenerations ? keep : drop).push(entry);
  }
  const pruned: BackupTaskOutput<'PruneGenerations'>['pruned'] = [];
  for (const entry of drop) {
    await deps.catalog.remove(input.deviceId, entry.trustpoint, entry.serial);
    // An issued bundle is the renewal's record of what it installed: only exported (backup-kind)
    // bundles go, and only when no kept entry still points at the same bundle.
    const removable = entry.source === 'exported' && parseBundleRef(entry.bundleRef).kind === 'backup' && !keep.some((k) => k.bundleRef === entry.bundleRef);
    const bundleRemoved = removable ? (await deps.bundles.delete(entry.bundleRef)) === 'deleted' : false;
    pruned.push({ trustpoint: entry.trustpoint, serial: entry.serial, takenAt: entry.takenAt, bundleRemoved });
  }
  return { pruned, kept: keep.length };
}
