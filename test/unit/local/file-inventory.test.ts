import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DeviceBusyError, DeviceNotFoundError, ValidationError } from '../../../src/errors.js';
import { FileInventory } from '../../../src/local/file-inventory.js';
import type { Clock } from '../../../src/ports.js';
import { aDevice } from '../inventory/builders.js';

class ManualClock implements Clock {
  constructor(private current: Date) {}
  now(): Date {
    return new Date(this.current);
  }
  advanceSeconds(seconds: number): void {
    this.current = new Date(this.current.getTime() + seconds * 1000);
  }
}

describe('FileInventory', () => {
  let dataDir: string;
  let clock: ManualClock;
  let inventory: FileInventory;

  beforeEach(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'tp-inventory-'));
    clock = new ManualClock(new Date('2026-11-27T10:00:00Z'));
    inventory = new FileInventory(dataDir, clock);
    await inventory.putDevice(aDevice({ id: 'asa-1' }));
  });

  afterEach(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  describe('device records', () => {
    it('returns a stored device with an empty state and no lease', async () => {
      const entry = await inventory.getDevice('asa-1');

      expect(entry).toEqual({ device: aDevice({ id: 'asa-1' }), state: {} });
    });

    it('lists devices in id order', async () => {
      await inventory.putDevice(aDevice({ id: 'asa-0', host: 'asa-0.example.net' }));

      expect((await inventory.listDevices()).map((entry) => entry.device.id)).toEqual(['asa-0', 'asa-1']);
    });

    it('lists nothing in a fresh data directory', async () => {
      expect(await new FileInventory(path.join(dataDir, 'empty')).listDevices()).toEqual([]);
    });

    it('throws DeviceNotFoundError for an unknown device', async () => {
      await expect(inventory.getDevice('asa-9')).rejects.toThrow(DeviceNotFoundError);
      await expect(inventory.acquireLease('asa-9', 'run-a', 60)).rejects.toThrow(DeviceNotFoundError);
    });

    it('refuses a device id that could escape the data directory', async () => {
      await expect(inventory.getDevice('../secrets/x')).rejects.toThrow(ValidationError);
    });

    it('keeps the renewal state when the record is replaced', async () => {
      await inventory.acquireLease('asa-1', 'run-a', 60);
      await inventory.recordState('asa-1', 'run-a', { serialHex: 'ab' });

      await inventory.putDevice(aDevice({ id: 'asa-1', interfaces: ['outside', 'dmz'] }));

      const entry = await inventory.getDevice('asa-1');
      expect(entry.device.interfaces).toEqual(['outside', 'dmz']);
      expect(entry.state.serialHex).toBe('ab');
    });
  });

  describe('leases', () => {
    it('gives the lease to the first owner and DeviceBusyError naming holder and expiry to the second', async () => {
      const lease = await inventory.acquireLease('asa-1', 'run-a', 900);

      expect(lease).toEqual({ owner: 'run-a', expiresAt: '2026-11-27T10:15:00.000Z' });
      const second = inventory.acquireLease('asa-1', 'run-b', 900);
      await expect(second).rejects.toThrow(DeviceBusyError);
      await expect(second).rejects.toThrow(/locked by run-a until 2026-11-27T10:15:00.000Z/);
      expect((await inventory.getDevice('asa-1')).lease).toEqual(lease);
    });

    it('lets the same owner take it again and extends it (a retried AcquireLock)', async () => {
      await inventory.acquireLease('asa-1', 'run-a', 60);
      clock.advanceSeconds(30);

      const lease = await inventory.acquireLease('asa-1', 'run-a', 60);

      expect(lease.expiresAt).toBe('2026-11-27T10:01:30.000Z');
    });

    it('lets another owner take over an expired lease', async () => {
      await inventory.acquireLease('asa-1', 'run-a', 60);
      clock.advanceSeconds(61);

      const lease = await inventory.acquireLease('asa-1', 'run-b', 60);

      expect(lease.owner).toBe('run-b');
      await expect(inventory.acquireLease('asa-1', 'run-a', 60)).rejects.toThrow(/locked by run-b/);
    });

    it('holds until the exact expiry instant', async () => {
      await inventory.acquireLease('asa-1', 'run-a', 60);
      clock.advanceSeconds(59);

      await expect(inventory.acquireLease('asa-1', 'run-b', 60)).rejects.toThrow(DeviceBusyError);
    });

    it('releases only for the holder', async () => {
      await inventory.acquireLease('asa-1', 'run-a', 60);

      expect(await inventory.releaseLease('asa-1', 'run-b')).toBe(false);
      expect(await inventory.releaseLease('asa-1', 'run-a')).toBe(true);
      expect(await inventory.releaseLease('asa-1', 'run-a')).toBe(false);
      expect((await inventory.getDevice('asa-1')).lease).toBeUndefined();
      expect((await inventory.acquireLease('asa-1', 'run-b', 60)).owner).toBe('run-b');
    });

    it('gives the lease to exactly one of many concurrent owners', async () => {
      const owners = Array.from({ length: 8 }, (_, index) => `run-${index}`);

      const results = await Promise.allSettled(owners.map((owner) => inventory.acquireLease('asa-1', owner, 60)));

      const winners = results.filter((result) => result.status === 'fulfilled');
      const losers = results.filter((result): result is PromiseRejectedResult => result.status === 'rejected');
      expect(winners).toHaveLength(1);
      expect(losers.every((result) => result.reason instanceof DeviceBusyError)).toBe(true);
      const holder = (await inventory.getDevice('asa-1')).lease?.owner;
      expect(holder).toBe((winners[0] as PromiseFulfilledResult<{ owner: string }>).value.owner);
    });

    it('gives an expired lease to exactly one of two concurrent owners', async () => {
      await inventory.acquireLease('asa-1', 'run-dead', 60);
      clock.advanceSeconds(120);

      const [a, b] = await Promise.allSettled([inventory.acquireLease('asa-1', 'run-a', 60), inventory.acquireLease('asa-1', 'run-b', 60)]);

      expect([a.status, b.status].sort()).toEqual(['fulfilled', 'rejected']);
      const loser = [a, b].find((result) => result.status === 'rejected') as PromiseRejectedResult;
      expect(loser.reason).toBeInstanceOf(DeviceBusyError);
    });

    it('keeps only the last two lease generations on disk', async () => {
      for (let round = 0; round < 5; round++) {
        await inventory.acquireLease('asa-1', 'run-a', 60);
        await inventory.releaseLease('asa-1', 'run-a');
      }

      expect(await readdir(path.join(dataDir, 'inventory', 'leases', 'asa-1'))).toEqual(['000000000009.json', '000000000010.json']);
    });

    it.each([0, -1, 1.5, 86401])('rejects a lease duration of %s seconds', async (ttl) => {
      await expect(inventory.acquireLease('asa-1', 'run-a', ttl)).rejects.toThrow(ValidationError);
    });
  });

  describe('renewal state', () => {
    it('records fields, removes those set to null, and stamps the time', async () => {
      await inventory.acquireLease('asa-1', 'run-a', 60);
      await inventory.recordState('asa-1', 'run-a', { trustpoint: 'VPN-ID-20261127-ab', serialHex: 'ab', previousTrustpoint: 'VPN-ID-20251127-aa' });
      clock.advanceSeconds(5);

      const state = await inventory.recordState('asa-1', 'run-a', {
        previousTrustpoint: null,
        lastOutcome: { status: 'renewed', at: clock.now().toISOString(), executionId: 'run-a' },
      });

      expect(state).toEqual({
        trustpoint: 'VPN-ID-20261127-ab',
        serialHex: 'ab',
        lastOutcome: { status: 'renewed', at: '2026-11-27T10:00:05.000Z', executionId: 'run-a' },
        updatedAt: '2026-11-27T10:00:05.000Z',
      });
      expect((await inventory.getDevice('asa-1')).state).toEqual(state);
    });

    it('refuses a write from a run that does not hold the lease', async () => {
      await inventory.acquireLease('asa-1', 'run-a', 60);

      await expect(inventory.recordState('asa-1', 'run-b', { serialHex: 'ab' })).rejects.toThrow(/held by run-a/);
      expect((await inventory.getDevice('asa-1')).state).toEqual({});
    });

    it('refuses a write after the lease was taken over', async () => {
      await inventory.acquireLease('asa-1', 'run-a', 60);
      clock.advanceSeconds(61);
      await inventory.acquireLease('asa-1', 'run-b', 60);

      await expect(inventory.recordState('asa-1', 'run-a', { serialHex: 'ab' })).rejects.toThrow(DeviceBusyError);
    });

    it('accepts a write from the holder of an expired lease nobody took over', async () => {
      await inventory.acquireLease('asa-1', 'run-a', 60);
      clock.advanceSeconds(61);

      await expect(inventory.recordState('asa-1', 'run-a', { serialHex: 'ab' })).resolves.toMatchObject({ serialHex: 'ab' });
    });
  });
});
