// Key pairs of removed trustpoints: every PKCS12 import creates a key pair named after its
// trustpoint. Cleanup (older generations) and RemoveNewTrustpoint (a failed install) remove the
// trustpoint and must zeroize that key pair too, unless another trustpoint still names it; the
// key pairs of the bound, the previous and foreign trustpoints stay. Real ASL, task functions and
// simulators; what the ASA holds is read over SSH (`show crypto key mypubkey ecdsa`).
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { showCryptoKeyMypubkey } from '../../../src/asa/commands.js';
import { connectToDevice } from '../../../src/asa/operations.js';
import { parseShowCryptoKeyMypubkey } from '../../../src/asa/parsers/trustpoint-config.js';
import { Pkcs12ImportError } from '../../../src/errors.js';
import type { RunningSimulator } from '../../../sim/fleet.js';
import type { TaskLogEntry } from '../../../src/workflow/dependencies.js';
import { buildTaskFunctions } from '../../../src/workflow/task-functions.js';
import { renew, served, servedSerial, simById, startWorld, tasksWith, STARTING_TRUSTPOINT, type World } from './world.js';

/** The ECDSA key pairs the ASA lists (the world's keys are all P-256). */
async function keypairsOn(sim: RunningSimulator): Promise<string[]> {
  const { info } = sim;
  const device = await connectToDevice({ host: info.host, port: info.port, username: info.username, password: info.password, enablePassword: info.enablePassword, hostKeySha256: info.hostKeySha256, retry: { attempts: 1 } });
  try {
    return parseShowCryptoKeyMypubkey((await device.session.run(showCryptoKeyMypubkey('ecdsa'))).output).map((k) => k.name).sort();
  } finally {
    await device.close();
  }
}

function taskLog(world: World, executionArn: string, step: string): TaskLogEntry[] {
  return readFileSync(world.env.logFile, 'utf8')
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => JSON.parse(line) as TaskLogEntry)
    .filter((entry) => entry.executionId === executionArn && entry.step === step);
}

describe('key pairs of removed trustpoints', () => {
  let world: World;

  beforeAll(async () => {
    world = await startWorld({ devices: [{ startingDays: 10 }, { startingDays: 5 }] });
  });
  afterAll(async () => {
    await world?.stop();
  });

  async function forcedRenewal(deviceId: string) {
    const result = await renew(world, { deviceId, force: true });
    if (result.status !== 'SUCCEEDED') throw new Error(`${result.error}: ${result.cause}`);
    if (result.output.outcome !== 'RENEWED') throw new Error(`expected RENEWED, got ${result.output.outcome}`);
    return { executionArn: result.executionArn, output: result.output };
  }

  it('Cleanup zeroizes the key pair of each generation it removes, keeps those of the bound, previous and foreign trustpoints, and one another trustpoint names', async () => {
    const sim = simById(world, 'asa-1');
    const first = await forcedRenewal('asa-1');
    const second = await forcedRenewal('asa-1');
    const a = first.output.current.trustpoint;
    const b = second.output.current.trustpoint;
    // keepGenerations 2: nothing of ours is removed yet, and every import left its key pair.
    expect(second.output.cleanup).toEqual({ removedTrustpoints: [] });
    expect(await keypairsOn(sim)).toEqual([STARTING_TRUSTPOINT, a, b].sort());

    const third = await forcedRenewal('asa-1');
    const c = third.output.current.trustpoint;
    expect(third.output.cleanup).toEqual({ removedTrustpoints: [a] });
    expect(third.output.cleanupError).toBeNull();
    expect(await keypairsOn(sim), 'the removed generation has no key pair left').toEqual([STARTING_TRUSTPOINT, b, c].sort());
    expect(taskLog(world, third.executionArn, 'Cleanup').map((e) => e.message)).toContain(`zeroized key pair ${a} of the removed trustpoint ${a}`);
    // The bound certificate still works with its key: the TLS handshake on every interface presents it.
    expect(servedSerial(await served(sim))).toBe(third.output.current.serial);

    // An operator's trustpoint that names b's key pair (enrolled with it): b goes, its key pair stays.
    const operator = sim.device.pki.ensureTrustpoint('OPERATOR_TP');
    operator.keypair = b;
    sim.device.markConfigChanged();
    sim.device.writeMemory();
    const fourth = await forcedRenewal('asa-1');
    const d = fourth.output.current.trustpoint;
    expect(fourth.output.cleanup).toEqual({ removedTrustpoints: [b] });
    expect(await keypairsOn(sim)).toEqual([STARTING_TRUSTPOINT, b, c, d].sort());
    expect(taskLog(world, fourth.executionArn, 'Cleanup').map((e) => e.message)).toContain(`kept key pair ${b} of the removed trustpoint ${b}: another trustpoint uses it`);

    // What was saved survives a reload: d served, c still there, a and b gone.
    sim.reload();
    const after = await served(sim);
    expect(servedSerial(after)).toBe(fourth.output.current.serial);
    expect(after.trustpoints).toEqual([STARTING_TRUSTPOINT, c, d].sort());
    expect(await keypairsOn(sim)).toEqual([STARTING_TRUSTPOINT, b, c, d].sort());
  });

  it.each([
    { name: 'removes the trustpoint and zeroizes its key pair', removeTrustpointFirst: false, removed: true },
    { name: 'zeroizes a key pair left without its trustpoint (a retry after the removal)', removeTrustpointFirst: true, removed: false },
  ])('RemoveNewTrustpoint after a failed install $name; the served certificate and its key pair stay', async ({ removeTrustpointFirst, removed }) => {
    const sim = simById(world, 'asa-2');
    const before = await served(sim);
    const keypairsBefore = await keypairsOn(sim);
    const real = buildTaskFunctions(world.env.dependencies);
    let imported: string | undefined;
    // The import really happens on the device; then the step fails (as when the certificate does not come up Available).
    const tasks = tasksWith(world, world.env.connector, {
      InstallCertificate: async (input) => {
        await real.InstallCertificate(input);
        imported = input.trustpoint;
        expect(sim.device.pki.keypair(input.trustpoint), 'the import created a key pair named after the trustpoint').toBeDefined();
        if (removeTrustpointFirst) sim.device.pki.removeTrustpoint(input.trustpoint);
        throw new Pkcs12ImportError(`test: trustpoint ${input.trustpoint} failed after its import`);
      },
    });

    const result = await renew(world, { deviceId: 'asa-2' }, { tasks });

    if (result.status !== 'FAILED') throw new Error('expected the renewal to fail');
    expect(result.error).toBe('Pkcs12ImportError');
    expect(imported).toBeDefined();
    const removal = world.events.find((e) => e.executionArn === result.executionArn && e.event.type === 'StateExited' && e.event.state.name === 'RemoveNewTrustpoint')?.event as
      | { state: { output?: { removal?: { removed?: boolean } } } }
      | undefined;
    expect(removal?.state.output?.removal?.removed).toBe(removed);
    expect(sim.device.pki.trustpoint(imported!)).toBeUndefined();
    expect(await keypairsOn(sim)).toEqual(keypairsBefore);
    expect(keypairsBefore).toContain(STARTING_TRUSTPOINT);
    expect(taskLog(world, result.executionArn, 'RemoveNewTrustpoint').map((e) => e.message)).toContain(`zeroized key pair ${imported} of the removed trustpoint ${imported}`);
    expect(await served(sim)).toEqual(before);
    expect((await world.env.inventory.getDevice('asa-2')).lease).toBeUndefined();
  });
});
