// renew-fleet over three simulators (one due, one healthy, one failing at binding), the real
// ASL (parent and child executions) and task functions: per-device outcomes, the summary, the
// operators' notification, and what each device serves afterwards.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runLocalRenewFleet } from '../../../src/local/environment.js';
import { noRetryDelays } from '../../../src/runner/local-runner.js';
import { scanForSecrets, served, servedSerial, simById, startWorld, type World } from './world.js';

describe('renew-fleet against three simulators', () => {
  let world: World;
  const starting: Record<string, string> = {};

  beforeAll(async () => {
    world = await startWorld({ devices: [{ startingDays: 10 }, { startingDays: 200 }, { startingDays: 12 }], env: { task: { toleratedFailurePercentage: 50, maxConcurrency: 3 } } });
    simById(world, 'asa-3').setFaults({ failCommand: [{ match: 'ssl trust-point', lines: ['ERROR: Trustpoint is not enrolled'] }] });
    for (const sim of world.sims) starting[sim.info.id] = servedSerial(await served(sim));
  });
  afterAll(async () => {
    await world?.stop();
  });

  it('renews the due device, leaves the healthy one, rolls back the one failing at bind, and summarises', async () => {
    const result = await runLocalRenewFleet(world.env, {}, { retryIntervalOverrides: noRetryDelays(), onEvent: (e) => world.events.push(e) });

    if (result.status !== 'SUCCEEDED') throw new Error(`${result.error}: ${result.cause}`);
    const { summary, notification } = result.output;
    expect(summary).toMatchObject({ total: 3, renewed: 1, notDue: 1, dryRun: 0, rolledBack: 1, failed: 0, failurePercentage: 33.33, toleratedFailurePercentage: 50, toleranceExceeded: false, notify: true });
    const byId = Object.fromEntries(summary.devices.map((d) => [d.deviceId, d]));
    expect(byId['asa-1']).toMatchObject({ outcome: 'RENEWED', previousSerial: starting['asa-1'], error: null });
    expect(byId['asa-2']).toMatchObject({ outcome: 'NOT_DUE', serial: starting['asa-2'], previousSerial: null });
    expect(byId['asa-3']).toMatchObject({ outcome: 'ROLLED_BACK', error: 'BindingError', serial: null });
    expect(byId['asa-3']?.cause).toMatch(/^ROLLED_BACK: BindTrustpoint failed with BindingError: .*Trustpoint is not enrolled/);
    expect(byId['asa-3']?.executionArn).toMatch(/:execution:renew-device:/);

    // What each device serves now, by TLS and by its configuration.
    expect(servedSerial(await served(simById(world, 'asa-1')))).toBe(byId['asa-1']?.serial);
    expect(byId['asa-1']?.serial).not.toBe(starting['asa-1']);
    expect(servedSerial(await served(simById(world, 'asa-2')))).toBe(starting['asa-2']);
    expect(servedSerial(await served(simById(world, 'asa-3')))).toBe(starting['asa-3']);
    for (const sim of world.sims) expect((await world.env.inventory.getDevice(sim.info.id)).lease).toBeUndefined();

    // The operators were told, with one line per device.
    expect(notification?.messageId).toMatch(/^[0-9a-f-]{36}$/);
    const [file] = readdirSync(world.env.notificationsDir).filter((name) => name.endsWith(`${notification?.messageId}.txt`));
    const text = readFileSync(path.join(world.env.notificationsDir, file!), 'utf8');
    expect(text).toMatch(/^Subject: trustpoint: 1 rolled back, 0 failed of 3 ASA renewals\n/);
    expect(text).toContain(`asa-1: RENEWED, serial ${starting['asa-1']} -> ${byId['asa-1']?.serial}`);
    expect(text).toContain(`asa-2: NOT_DUE, serves serial ${starting['asa-2']}`);
    expect(text).toContain('asa-3: ROLLED_BACK, BindingError: ROLLED_BACK: BindTrustpoint failed');
  });

  it('fails the run with FleetFailureToleranceExceeded when more devices fail than tolerated', async () => {
    const result = await runLocalRenewFleet(world.env, { deviceIds: ['asa-3'] }, { retryIntervalOverrides: noRetryDelays(), onEvent: (e) => world.events.push(e) });

    if (result.status !== 'FAILED') throw new Error('expected the fleet run to fail');
    expect(result.error).toBe('FleetFailureToleranceExceeded');
    expect(result.cause).toContain('Failures: 100% (tolerated: 50%): TOLERANCE EXCEEDED');
    expect(servedSerial(await served(simById(world, 'asa-3')))).toBe(starting['asa-3']);
  });

  it('leaves no secret in the payloads, logs or transcripts of the fleet runs', async () => {
    expect((await scanForSecrets(world)).findings).toEqual([]);
  });
});
