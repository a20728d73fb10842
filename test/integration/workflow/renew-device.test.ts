// renew-device, the real ASL executed by the local runner with the real task functions, against
// simulated ASAs on loopback, the local CA and file stores in a temporary directory.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { serialsEqual } from '../../../src/asa/tls-probe.js';
import { executionTag } from '../../../src/workflow/tasks/preflight.js';
import { faultingConnector, renew, scanForSecrets, served, servedSerial, simById, startWorld, tasksWith, PREFIX, STARTING_TRUSTPOINT, type World } from './world.js';

/** Certificates the local CA has issued so far (it archives each one under issued/). */
function issuedCount(world: World): number {
  return readdirSync(path.join(world.env.dataDir, 'ca', 'issued')).length;
}

/** The trustpoints on a device that carry an execution's tag (Preflight names them `<prefix>-<date>-<tag tail>`). */
function trustpointsOfExecution(trustpoints: string[], executionArn: string): string[] {
  const tag = executionTag(executionArn);
  return trustpoints.filter((tp) => tp.startsWith(`${PREFIX}-`) && tag.endsWith(tp.slice(`${PREFIX}-YYYYMMDD-`.length)));
}

describe('renew-device against the simulator', () => {
  let world: World;

  beforeAll(async () => {
    world = await startWorld({ devices: [{ startingDays: 10, keySpec: 'rsa:2048' }, { startingDays: 200 }, { startingDays: 5 }, { startingDays: 5 }, { startingDays: 5, sim: { failover: { role: 'standby', unit: 'secondary' } } }, { startingDays: 5, ikev2: true }] });
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

    // One redacted transcript per SSH session, 0600, under the data directory.
    const dir = path.join(world.env.transcriptsDir, 'asa-1');
    const transcripts = readdirSync(dir);
    expect(transcripts.map((name) => name.replace(/^\d{8}T\d{9}Z-([A-Za-z]+)-[0-9a-f]{6}\.log$/, '$1')).sort()).toEqual(
      ['BindTrustpoint', 'Cleanup', 'InstallCertificate', 'Preflight', 'SaveConfiguration', 'VerifyDeployment'],
    );
    const install = transcripts.find((name) => name.includes('-InstallCertificate-'))!;
    expect(statSync(path.join(dir, install)).mode & 0o777).toBe(0o600);
    const text = readFileSync(path.join(dir, install), 'utf8');
    expect(text).toContain(`> crypto ca import ${output.current.trustpoint} pkcs12 <redacted>`);
    expect(text).toMatch(/> <redacted: \d+ pasted lines, then "quit">/);
    expect(text).toContain('Import PKCS12 operation completed successfully');

    // `write memory` happened: a reload rebuilds the running configuration from startup.
    sim.reload();
    expect(servedSerial(await served(sim))).toBe(output.current.serial);
  });

  it('ends NOT_DUE on a healthy device and changes nothing on it', async () => {
    const sim = simById(world, 'asa-2');
    const before = await served(sim);
    const issued = issuedCount(world);

    const result = await renew(world, { deviceId: 'asa-2' });

    if (result.status !== 'SUCCEEDED') throw new Error(`${result.error}: ${result.cause}`);
    expect(result.output).toMatchObject({ outcome: 'NOT_DUE', deviceId: 'asa-2', current: { trustpoint: STARTING_TRUSTPOINT, serial: servedSerial(before) } });
    if (result.output.outcome !== 'NOT_DUE') return;
    expect(result.output.reason).toMatch(/^NotDue: .* in 19\d days: beyond renewBeforeDays \(30\)$/);
    expect(await served(sim)).toEqual(before);
    expect(sim.device.hasUnsavedChanges).toBe(false);
    expect(issuedCount(world)).toBe(issued);
    const entry = await world.env.inventory.getDevice('asa-2');
    expect(entry.lease).toBeUndefined();
    expect(entry.state.lastOutcome).toMatchObject({ status: 'not-due', executionId: result.executionArn });
  });

  it('renews a healthy device when forced', async () => {
    const sim = simById(world, 'asa-2');
    const before = servedSerial(await served(sim));

    const result = await renew(world, { deviceId: 'asa-2', force: true });

    if (result.status !== 'SUCCEEDED') throw new Error(`${result.error}: ${result.cause}`);
    expect(result.output.outcome).toBe('RENEWED');
    if (result.output.outcome !== 'RENEWED') return;
    expect(result.output.reason).toMatch(/^Forced: /);
    expect(result.output.previous.serial).toBe(before);
    expect(servedSerial(await served(sim))).toBe(result.output.current.serial);
    expect((await world.env.inventory.getDevice('asa-2')).lease).toBeUndefined();
  });

  it('reports what a dry run would do and changes nothing, issuing no certificate', async () => {
    const sim = simById(world, 'asa-3');
    const before = await served(sim);
    const issued = issuedCount(world);

    const result = await renew(world, { deviceId: 'asa-3', dryRun: true });

    if (result.status !== 'SUCCEEDED') throw new Error(`${result.error}: ${result.cause}`);
    expect(result.output).toMatchObject({ outcome: 'DRY_RUN', decision: 'DUE', bindings: { outside: STARTING_TRUSTPOINT, inside: STARTING_TRUSTPOINT } });
    if (result.output.outcome !== 'DRY_RUN') return;
    expect(result.output.reason).toMatch(/^Expiring: /);
    expect(trustpointsOfExecution([result.output.wouldCreateTrustpoint], result.executionArn)).toHaveLength(1);
    expect(await served(sim)).toEqual(before);
    expect(issuedCount(world)).toBe(issued);
    expect((await world.env.inventory.getDevice('asa-3')).lease).toBeUndefined();
  });

  it.each([
    { deviceId: 'asa-3', step: 'BindTrustpoint', match: 'ssl trust-point', line: 'ERROR: Trustpoint is not enrolled', outcome: 'ROLLED_BACK', error: 'BindingError' },
    { deviceId: 'asa-4', step: 'InstallCertificate', match: 'crypto ca import', line: 'ERROR: Import PKCS12 operation failed', outcome: 'FAILED', error: 'Pkcs12ImportError' },
  ])('converges when a failed execution ($error at $step) is re-run: one certificate, one trustpoint', async ({ deviceId, step, match, line, outcome, error }) => {
    const sim = simById(world, deviceId);
    const before = await served(sim);
    const issued = issuedCount(world);
    const executionName = `rerun-${deviceId}`;
    const fault = faultingConnector(world, sim, { step, faults: { failCommand: [{ match, lines: [line] }] }, times: Number.POSITIVE_INFINITY });

    const failed = await renew(world, { deviceId }, { tasks: tasksWith(world, fault), executionName });
    if (failed.status !== 'FAILED') throw new Error('expected the first run to fail');
    expect(failed.error).toBe(error);
    expect(failed.cause.startsWith(`${outcome}: `)).toBe(true);
    expect(servedSerial(await served(sim))).toBe(servedSerial(before));
    expect(issuedCount(world)).toBe(issued + 1);

    const rerun = await renew(world, { deviceId }, { executionName });

    if (rerun.status !== 'SUCCEEDED') throw new Error(`${rerun.error}: ${rerun.cause}`);
    expect(rerun.executionArn).toBe(failed.executionArn);
    expect(rerun.output.outcome).toBe('RENEWED');
    if (rerun.output.outcome !== 'RENEWED') return;
    expect(issuedCount(world), 'no second certificate for the same execution').toBe(issued + 1);
    const after = await served(sim);
    expect(servedSerial(after)).toBe(rerun.output.current.serial);
    expect(trustpointsOfExecution(after.trustpoints, rerun.executionArn)).toEqual([rerun.output.current.trustpoint]);
    expect(after.trustpoints).toEqual([...new Set(after.trustpoints)]);
    const installs = world.events.filter((e) => e.executionArn === rerun.executionArn && e.event.type === 'StateExited' && e.event.state.name === 'InstallCertificate');
    const lastInstall = installs.at(-1)?.event as { state: { output?: { install?: { alreadyInstalled?: boolean } } } } | undefined;
    // After a rollback the trustpoint is still installed; after a failed import it was removed and is imported again.
    expect(lastInstall?.state.output?.install?.alreadyInstalled).toBe(step === 'BindTrustpoint');
    expect((await world.env.inventory.getDevice(deviceId)).lease).toBeUndefined();
  });

  it('moves the IKEv2 remote-access trustpoint too when the device record asks for it', async () => {
    const sim = simById(world, 'asa-6');
    expect(sim.device.pki.listIkev2RemoteAccessTrustpoints()).toEqual([STARTING_TRUSTPOINT]);

    const result = await renew(world, { deviceId: 'asa-6' });

    if (result.status !== 'SUCCEEDED') throw new Error(`${result.error}: ${result.cause}`);
    expect(result.output).toMatchObject({ outcome: 'RENEWED', ikev2Bound: true });
    if (result.output.outcome !== 'RENEWED') return;
    expect(sim.device.pki.listIkev2RemoteAccessTrustpoints()).toEqual([result.output.current.trustpoint]);
    expect(servedSerial(await served(sim))).toBe(result.output.current.serial);
    sim.reload();
    expect(sim.device.pki.listIkev2RemoteAccessTrustpoints()).toEqual([result.output.current.trustpoint]);
  });

  it('refuses the standby unit of a failover pair at Preflight, at once (terminal), and changes nothing', async () => {
    const sim = simById(world, 'asa-5');
    const before = await served(sim);

    const result = await renew(world, { deviceId: 'asa-5' });

    if (result.status !== 'FAILED') throw new Error('expected a failure');
    expect(result.error).toBe('StandbyUnitError');
    expect(result.cause).toMatch(/^FAILED: Preflight failed with StandbyUnitError: .*standby unit.*active unit/);
    expect(world.events.some((e) => e.executionArn === result.executionArn && e.event.type === 'StateRetried')).toBe(false);
    expect(await served(sim)).toEqual(before);
    expect((await world.env.inventory.getDevice('asa-5')).lease).toBeUndefined();
  });

  it('leaves no private key, PKCS12, passphrase or password in state payloads, logs, transcripts or the inventory', async () => {
    const report = await scanForSecrets(world);
    expect(report.findings).toEqual([]);
    // Not a vacuous scan: it looked at transcripts with imports in them, and at real secrets.
    expect(Object.keys(report.scanned).filter((label) => label.startsWith('transcripts/')).length).toBeGreaterThan(20);
    expect(report.secrets).toBeGreaterThan(100);
    expect(report.scanned['runner events']).toBeGreaterThan(10_000);
    // And it does see a leak: a passphrase planted in a state payload is found.
    const [bundle] = await world.env.bundles.list('asa-1');
    const { contents } = await world.env.bundles.get(bundle!.ref);
    world.events.push({ ...world.events[0]!, event: { type: 'StateEntered', timestamp: 0, state: { name: 'Planted', input: { passphrase: contents.passphrase } } } as never });
    try {
      expect((await scanForSecrets(world)).findings).toEqual([`runner events: the passphrase of ${bundle!.ref}`]);
    } finally {
      world.events.pop();
    }
  });
});
