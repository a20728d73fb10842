// A NOT_DUE run records what the device serves (trustpoint, serial, notAfter) in the inventory,
// so `trustpoint status` shows a device's certificate before trustpoint ever renewed it. Such an
// observation is not a certificate trustpoint installed: an operator replacing it by hand is not
// "changed outside trustpoint" (SerialMismatch); one trustpoint installed still is. Real ASL,
// task functions, simulator and CLI.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMMANDS } from '../../../src/cli/commands/index.js';
import type { DeviceStatus } from '../../../src/cli/commands/status.js';
import { EXIT_OK, runCli, type CliIo } from '../../../src/cli/framework.js';
import { buildCsr, generateKeyPair } from '../../../src/pki/index.js';
import { certificateSerial, renew, served, servedSerial, simById, startWorld, INTERFACES, STARTING_TRUSTPOINT, type World } from './world.js';

const DEVICE = 'asa-1';

describe('NOT_DUE records the served certificate', () => {
  let world: World;

  beforeAll(async () => {
    world = await startWorld({ devices: [{ startingDays: 200 }] });
  });
  afterAll(async () => {
    await world?.stop();
  });

  async function status(): Promise<{ json: DeviceStatus; table: string }> {
    const out: string[] = [];
    const io: CliIo = { stdout: (t) => out.push(t), stderr: (t) => out.push(t), env: { NO_COLOR: '1' }, cwd: world.dir };
    expect(await runCli(COMMANDS, ['status', '--json', '--data-dir', world.env.dataDir], io)).toBe(EXIT_OK);
    const [json] = JSON.parse(out.join('')) as DeviceStatus[];
    out.length = 0;
    expect(await runCli(COMMANDS, ['status', '--data-dir', world.env.dataDir], io)).toBe(EXIT_OK);
    return { json: json!, table: out.join('') };
  }

  /** What an operator does by hand: a certificate from the same CA imported into a trustpoint of their own, bound, saved. */
  async function operatorReplaces(trustpoint: string, days: number): Promise<string> {
    const sim = simById(world, DEVICE);
    const key = await generateKeyPair('ec:p256');
    const cn = `${DEVICE}.vpn.example.com`;
    const issued = await world.env.localCa.sign(await buildCsr({ subject: { cn }, sans: [cn] }, key), { days });
    const pki = sim.device.pki;
    pki.putKeypair({ name: trustpoint, kind: 'ecdsa', bits: 256, keyPem: key.privateKeyPem, generatedAt: new Date().toISOString() });
    const record = pki.ensureTrustpoint(trustpoint);
    record.keypair = trustpoint;
    record.identityCertificate = issued.certificatePem;
    record.caCertificates = [...issued.chainPems];
    for (const name of INTERFACES) pki.bindSsl(trustpoint, name);
    sim.device.markConfigChanged();
    sim.device.writeMemory();
    return certificateSerial(issued.certificatePem);
  }

  async function notDue() {
    const result = await renew(world, { deviceId: DEVICE });
    if (result.status !== 'SUCCEEDED') throw new Error(`${result.error}: ${result.cause}`);
    if (result.output.outcome !== 'NOT_DUE') throw new Error(`expected NOT_DUE, got ${result.output.outcome}: ${result.output.reason}`);
    return result.output;
  }

  it('records the served trustpoint, serial and notAfter, which status shows', async () => {
    const before = await status();
    expect(before.json).toMatchObject({ trustpoint: null, serial: null, notAfter: null, daysToExpiry: null, lastOutcome: null });
    const serial = servedSerial(await served(simById(world, DEVICE)));

    const output = await notDue();

    expect(output.current).toMatchObject({ trustpoint: STARTING_TRUSTPOINT, serial });
    const entry = await world.env.inventory.getDevice(DEVICE);
    expect(entry.lease).toBeUndefined();
    expect(entry.state).toMatchObject({ trustpoint: STARTING_TRUSTPOINT, serialHex: serial, notAfter: output.current.notAfter, lastOutcome: { status: 'not-due' } });
    expect(entry.state.bundleRef).toBeUndefined();
    expect(entry.state.certificateId).toBeUndefined();
    const after = await status();
    expect(after.json).toMatchObject({ trustpoint: STARTING_TRUSTPOINT, serial, notAfter: output.current.notAfter, lastOutcome: 'not-due' });
    expect(after.json.daysToExpiry).toBeGreaterThanOrEqual(198);
    expect(after.json.daysToExpiry).toBeLessThanOrEqual(200);
    expect(after.table.split('\n')[1]).toMatch(new RegExp(`^${DEVICE} +\\S+ +${STARTING_TRUSTPOINT} +${serial} +\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ +\\d+ +not-due `));
  });

  it('records a certificate the operator replaced by hand, without renewing it (an observation is not ours to police)', async () => {
    const serial = await operatorReplaces('OPS_TP', 300);

    const output = await notDue();

    expect(output.current).toMatchObject({ trustpoint: 'OPS_TP', serial });
    expect((await world.env.inventory.getDevice(DEVICE)).state).toMatchObject({ trustpoint: 'OPS_TP', serialHex: serial, notAfter: output.current.notAfter });
    expect((await status()).json).toMatchObject({ trustpoint: 'OPS_TP', serial });
  });

  it('after a renewal, a NOT_DUE run keeps the bundle, CA id and previous trustpoint; a hand-made change to that certificate is still due (SerialMismatch)', async () => {
    const observed = (await world.env.inventory.getDevice(DEVICE)).state;
    const renewed = await renew(world, { deviceId: DEVICE, force: true });
    if (renewed.status !== 'SUCCEEDED') throw new Error(`${renewed.error}: ${renewed.cause}`);
    if (renewed.output.outcome !== 'RENEWED') throw new Error(renewed.output.outcome);
    expect(renewed.output.previous).toMatchObject({ trustpoint: 'OPS_TP', serial: observed.serialHex, notAfter: observed.notAfter });
    const recorded = (await world.env.inventory.getDevice(DEVICE)).state;
    expect(recorded).toMatchObject({ trustpoint: renewed.output.current.trustpoint, serialHex: renewed.output.current.serial, previousTrustpoint: 'OPS_TP', certificateId: renewed.output.certificateId });
    expect(recorded.bundleRef).toBeDefined();

    const output = await notDue();

    expect(output.current.serial).toBe(renewed.output.current.serial);
    const kept = (await world.env.inventory.getDevice(DEVICE)).state;
    expect(kept).toMatchObject({
      trustpoint: recorded.trustpoint,
      serialHex: recorded.serialHex,
      notAfter: recorded.notAfter,
      bundleRef: recorded.bundleRef,
      certificateId: recorded.certificateId,
      previousTrustpoint: 'OPS_TP',
      lastOutcome: { status: 'not-due' },
    });

    await operatorReplaces('OPS_TP2', 300);
    const dryRun = await renew(world, { deviceId: DEVICE, dryRun: true });
    if (dryRun.status !== 'SUCCEEDED') throw new Error(`${dryRun.error}: ${dryRun.cause}`);
    expect(dryRun.output).toMatchObject({ outcome: 'DRY_RUN', decision: 'DUE' });
    if (dryRun.output.outcome !== 'DRY_RUN') return;
    expect(dryRun.output.reason).toMatch(/^SerialMismatch: the inventory records serial /);
  });
});
