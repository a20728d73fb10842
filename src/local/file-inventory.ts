// The local inventory: one file per device record and per renewal state, and a per-device
// lease kept as an append-only log of exclusively created files:
//
//   <dataDir>/inventory/devices/<id>.json       the device record
//   <dataDir>/inventory/state/<id>.json         the renewal state
//   <dataDir>/inventory/leases/<id>/<gen>.json  lease generations; the highest one is current
//
// Every lease change (take, extend, take over an expired one, release) creates generation
// n+1 exclusively. Of two runs that both saw generation n, exactly one creates n+1; the
// other re-reads and finds the winner's lease. No lock file is ever deleted to take a lease
// over, which is what makes a plain O_EXCL lock file racy once it has expired.
import { readdir, unlink } from 'node:fs/promises';
import path from 'node:path';
import { DeviceBusyError, DeviceNotFoundError, StoreError, ValidationError } from '../errors.js';
import { parseDevice } from '../inventory/device.js';
import type { DeviceRecord } from '../inventory/device.js';
import { checkDeviceId } from '../inventory/refs.js';
import { systemClock } from '../ports.js';
import type { Clock, DeviceEntry, Inventory, Lease, RenewalState, RenewalStateUpdate } from '../ports.js';
import { createFileExclusive, isErrnoException, readFileIfExists, storeError, writeFileAtomic } from './files.js';

interface LeaseEntry extends Lease {
  released?: true;
}

const GENERATION = /^(\d{12})\.json$/;
const MAX_ATTEMPTS = 50;
const MAX_TTL_SECONDS = 24 * 3600;

export function checkLeaseTtl(ttlSeconds: number): number {
  if (!Number.isInteger(ttlSeconds) || ttlSeconds < 1 || ttlSeconds > MAX_TTL_SECONDS) {
    throw new ValidationError('ttlSeconds', `${ttlSeconds} is not a lease duration: expected whole seconds from 1 to ${MAX_TTL_SECONDS}`);
  }
  return ttlSeconds;
}

export function busyError(deviceId: string, lease: Lease): DeviceBusyError {
  return new DeviceBusyError(
    `device ${deviceId} is locked by ${lease.owner} until ${lease.expiresAt}: another run is changing it (the lock lapses by itself at that time if that run died)`,
  );
}

/** Applies an update: `null` deletes a field, `undefined` leaves it. */
export function applyStateUpdate(state: RenewalState, update: RenewalStateUpdate, now: Date): RenewalState {
  const next: Record<string, unknown> = { ...state };
  for (const [key, value] of Object.entries(update)) {
    if (value === null) delete next[key];
    else if (value !== undefined) next[key] = value;
  }
  next['updatedAt'] = now.toISOString();
  return next as RenewalState;
}

export class FileInventory implements Inventory {
  readonly #devicesDir: string;
  readonly #stateDir: string;
  readonly #leasesDir: string;

  constructor(
    dataDir: string,
    private readonly clock: Clock = systemClock,
  ) {
    const root = path.join(dataDir, 'inventory');
    this.#devicesDir = path.join(root, 'devices');
    this.#stateDir = path.join(root, 'state');
    this.#leasesDir = path.join(root, 'leases');
  }

  async listDevices(): Promise<DeviceEntry[]> {
    let names: string[];
    try {
      names = await readdir(this.#devicesDir);
    } catch (error) {
      if (isErrnoException(error, 'ENOENT')) return [];
      throw storeError(`list ${this.#devicesDir}`, error);
    }
    const ids = names.filter((name) => name.endsWith('.json')).map((name) => name.slice(0, -'.json'.length));
    return Promise.all(ids.sort().map((id) => this.getDevice(id)));
  }

  async getDevice(deviceId: string): Promise<DeviceEntry> {
    checkDeviceId(deviceId);
    const file = path.join(this.#devicesDir, `${deviceId}.json`);
    const text = await readFileIfExists(file);
    if (text === undefined) throw new DeviceNotFoundError(`no device ${JSON.stringify(deviceId)} in the inventory (${this.#devicesDir})`);
    const device = parseDevice(parseJson(text, file), `inventory[${deviceId}]`);
    const state = await this.#readState(deviceId);
    const { entry } = await this.#currentLease(deviceId);
    return { device, state, ...(entry && !entry.released ? { lease: { owner: entry.owner, expiresAt: entry.expiresAt } } : {}) };
  }

  async putDevice(device: DeviceRecord): Promise<void> {
    const checked = parseDevice(device);
    await writeFileAtomic(path.join(this.#devicesDir, `${checked.id}.json`), `${JSON.stringify(checked, null, 2)}\n`);
  }

  async acquireLease(deviceId: string, owner: string, ttlSeconds: number): Promise<Lease> {
    checkLeaseTtl(ttlSeconds);
    checkOwner(owner);
    await this.#requireDevice(deviceId);
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const { generation, entry } = await this.#currentLease(deviceId);
      const now = this.clock.now();
      if (entry && !entry.released && entry.owner !== owner && Date.parse(entry.expiresAt) > now.getTime()) {
        throw busyError(deviceId, entry);
      }
      const lease: Lease = { owner, expiresAt: new Date(now.getTime() + ttlSeconds * 1000).toISOString() };
      if (await this.#appendLease(deviceId, generation, lease)) return lease;
    }
    throw new StoreError(`could not take the lease of device ${deviceId}: it changed hands ${MAX_ATTEMPTS} times while trying`);
  }

  async releaseLease(deviceId: string, owner: string): Promise<boolean> {
    checkDeviceId(deviceId);
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const { generation, entry } = await this.#currentLease(deviceId);
      if (!entry || entry.released || entry.owner !== owner) return false;
      const released: LeaseEntry = { owner, expiresAt: this.clock.now().toISOString(), released: true };
      if (await this.#appendLease(deviceId, generation, released)) return true;
    }
    throw new StoreError(`could not release the lease of device ${deviceId}: it changed hands ${MAX_ATTEMPTS} times while trying`);
  }

  async recordState(deviceId: string, owner: string, update: RenewalStateUpdate): Promise<RenewalState> {
    await this.#requireDevice(deviceId);
    const { entry } = await this.#currentLease(deviceId);
    if (!entry || entry.released || entry.owner !== owner) {
      throw new DeviceBusyError(
        entry && !entry.released
          ? `cannot record the state of device ${deviceId} for ${owner}: the lease is held by ${entry.owner} until ${entry.expiresAt}`
          : `cannot record the state of device ${deviceId} for ${owner}: it does not hold the lease`,
      );
    }
    const next = applyStateUpdate(await this.#readState(deviceId), update, this.clock.now());
    await writeFileAtomic(path.join(this.#stateDir, `${deviceId}.json`), `${JSON.stringify(next, null, 2)}\n`);
    return next;
  }

  async #requireDevice(deviceId: string): Promise<void> {
    checkDeviceId(deviceId);
    if ((await readFileIfExists(path.join(this.#devicesDir, `${deviceId}.json`))) === undefined) {
      throw new DeviceNotFoundError(`no device ${JSON.stringify(deviceId)} in the inventory (${this.#devicesDir})`);
    }
  }

  async #readState(deviceId: string): Promise<RenewalState> {
    const file = path.join(this.#stateDir, `${deviceId}.json`);
    const text = await readFileIfExists(file);
    return text === undefined ? {} : (parseJson(text, file) as RenewalState);
  }

  /** The highest lease generation and its entry (generation 0 and no entry when never leased). */
  async #currentLease(deviceId: string): Promise<{ generation: number; entry?: LeaseEntry }> {
    const dir = path.join(this.#leasesDir, deviceId);
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      let names: string[];
      try {
        names = await readdir(dir);
      } catch (error) {
        if (isErrnoException(error, 'ENOENT')) return { generation: 0 };
        throw storeError(`list ${dir}`, error);
      }
      const generation = Math.max(0, ...names.map((name) => Number(GENERATION.exec(name)?.[1] ?? 0)));
      if (generation === 0) return { generation };
      const file = path.join(dir, generationName(generation));
      const text = await readFileIfExists(file);
      // Pruned between readdir and read: a newer generation exists, look again.
      if (text === undefined) continue;
      return { generation, entry: parseJson(text, file) as LeaseEntry };
    }
    throw new StoreError(`could not read the lease of device ${deviceId}: it kept changing`);
  }

  /** Creates generation `current + 1`; false when another run created it first. */
  async #appendLease(deviceId: string, current: number, entry: LeaseEntry): Promise<boolean> {
    const dir = path.join(this.#leasesDir, deviceId);
    if (!(await createFileExclusive(path.join(dir, generationName(current + 1)), JSON.stringify(entry)))) return false;
    // Keep the last two generations; older ones are history nobody reads.
    if (current > 1) await unlink(path.join(dir, generationName(current - 1))).catch(() => undefined);
    return true;
  }
}

function generationName(generation: number): string {
  return `${String(generation).padStart(12, '0')}.json`;
}

function checkOwner(owner: string): void {
  if (typeof owner !== 'string' || owner.length === 0 || owner.length > 2048 || /[\u0000-\u001f]/.test(owner)) {
    throw new ValidationError('owner', 'expected the id of the run taking the lease (an execution ARN or run id)');
  }
}

function parseJson(text: Buffer, file: string): unknown {
  try {
    return JSON.parse(text.toString('utf8'));
  } catch (error) {
    throw new ValidationError('inventory', `${file} is not valid JSON: fix or remove it`, { cause: error });
  }
}
