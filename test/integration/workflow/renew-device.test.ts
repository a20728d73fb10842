// renew-device, the real ASL executed by the local runner with the real task functions, against
// simulated ASAs on loopback, the local CA and file stores in a temporary directory.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serialsEqual } from '../../../src/asa/tls-probe.js';
import { renew, served, servedSerial, simById, startWorld, PREFIX, STARTING_TRUSTPOINT, type World } from './world.js';

describe('renew-device against the simulator', () => {
  let world: World;

  beforeAll(async () => {
    world = await startWorld({ devices: [{ startingDays: 10, keySpec: 'rsa:2048' }, { startingDays: 200 }] });
  });
  afterAll(async () => {
    await world?.stop();
  });

  it('renews a device whose certificate expires in 10 days: new serial served, inventory updated, lock released, saved', async () => {
    const sim = simById(world, 'asa-1');
    const before = servedSerial(await served(sim));

    const result = await renew(world, { deviceId: 'asa-1' });

    if (result.status !== 'SUCCEEDED') throw new Error(`${result.error}: ${result.cause}`);
    const output = result.output;
    expect(output.outcome).toBe('RENEWED');
    if (output.outcome !== 'RENEWED') return;
    expect(output.reason).toMatch(/^Expiring: /);
    expect(output.previous).toMatchObject({ trustpoint: STARTING_TRUSTPOINT, serial: before });
    expect(output.current.trustpoint).toMatch(new RegExp(`^${PREFIX}-\\d{8}-[0-9a-f]{8,}$`));
    expect(serialsEqual(output.current.serial, before)).toBe(false);
    expect(output.tlsVerifiedInterfaces.sort()).toEqual(['inside', 'outside']);

    const after = await served(sim);
    expect(servedSerial(after)).toBe(output.current.serial);
    expect(after.bindings).toEqual({ outside: output.current.trustpoint, inside: output.current.trustpoint });

    const entry = await world.env.inventory.getDevice('asa-1');
    expect(entry.lease).toBeUndefined();
    expect(entry.state).toMatchObject({
      trustpoint: output.current.trustpoint,
      serialHex: output.current.serial,
      notAfter: output.current.notAfter,
      previousTrustpoint: STARTING_TRUSTPOINT,
      lastOutcome: { status: 'renewed', executionId: result.executionArn },
    });
    expect(entry.state.bundleRef).toBe(`bundle/asa-1/issued/${output.current.serial}`);

    // `write memory` happened: a reload rebuilds the running configuration from startup.
    sim.reload();
    expect(servedSerial(await served(sim))).toBe(output.current.serial);
  });
});
