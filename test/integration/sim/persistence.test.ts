// Running vs startup configuration, the state file, reload and an RMA replacement.
import { mkdtempSync, rmSync, statSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cloneForRma, startSimulator, type RunningSimulator } from '../../../sim/fleet.js';
import { ShellDriver } from './shell-driver.js';

let dir: string;
let sim: RunningSimulator;

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'sim-persist-'));
  sim = await startSimulator({ id: 'fw-a', hostname: 'fw-a', stateDir: dir, factoryCertificate: true });
});

afterAll(async () => {
  await sim.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function configure(target: RunningSimulator, lines: string[]): Promise<ShellDriver> {
  const d = await ShellDriver.connect(target.info);
  await d.enable(target.info.enablePassword);
  await d.command('configure terminal');
  for (const l of lines) await d.command(l);
  return d;
}

describe('state file', () => {
  it('is written 0600 and holds the host key, so a restart serves the same key and credentials', async () => {
    expect(statSync(sim.stateFile).mode & 0o777).toBe(0o600);
    const before = sim.info;
    await sim.stop();
    sim = await startSimulator({ id: 'fw-a', stateDir: dir });
    expect(sim.info.hostKeySha256).toBe(before.hostKeySha256);
    expect(sim.info.password).toBe(before.password);
    expect(sim.info.enablePassword).toBe(before.enablePassword);
    expect(sim.device.hostname).toBe('fw-a');
  });

  it('saves key pairs at once but trustpoints only with write memory', async () => {
    const d = await configure(sim, ['crypto key generate rsa label SIM-K1 modulus 2048 noconfirm', 'crypto ca trustpoint SIM-TP1', 'exit']);
    d.end();
    const onDisk = JSON.parse(readFileSync(sim.stateFile, 'utf8')) as { keystore: { keypairs: { name: string }[] }; startup: { pki: { trustpoints: { name: string }[] } } };
    expect(onDisk.keystore.keypairs.map((k) => k.name)).toContain('SIM-K1');
    expect(onDisk.startup.pki.trustpoints.map((t) => t.name)).not.toContain('SIM-TP1');
    sim.reload();
    expect(sim.device.pki.keypair('SIM-K1')).toBeDefined();
    expect(sim.device.pki.trustpoint('SIM-TP1')).toBeUndefined();
  });
});

describe('reload', () => {
  it('loses unsaved changes and keeps saved ones', async () => {
    let d = await configure(sim, ['hostname fw-saved']);
    await d.command('write memory');
    await d.command('hostname fw-unsaved');
    expect(d.transcript.endsWith('fw-unsaved(config)# ')).toBe(true);
    sim.reload();
    await d.waitClosed();
    d = await ShellDriver.connect(sim.info);
    expect(d.transcript.endsWith('fw-saved> ')).toBe(true);
    d.end();
    expect(sim.device.runningConfigText()).toContain('\nhostname fw-saved\n');
  });

  it('closes the sessions and asks to save on the reload command', async () => {
    const d = await configure(sim, ['hostname fw-dirty', 'end']);
    d.send('reload\r');
    await d.waitFor('System config has been modified. Save? [Y]es/[N]o: ');
    d.send('n\r');
    await d.waitFor('Proceed with reload? [confirm]');
    d.send('\r');
    await d.waitClosed();
    expect(d.transcript).toContain('*** --- SHUTDOWN NOW ---');
    expect(sim.device.hostname).toBe('fw-saved');
  });

  it('reports uptime from the reload in show version', async () => {
    sim.reload();
    const d = await ShellDriver.connect(sim.info);
    await d.command('terminal pager 0');
    const out = await d.command('show version');
    expect(out).toMatch(/\r\nfw-saved up 0 mins \d+ secs?\r\n/);
    expect(out).toContain('Configuration has not been modified since last system restart.');
    d.end();
  });
});

describe('RMA replacement', () => {
  it('starts with the startup configuration, no keys and a new host key', async () => {
    const rmaDir = mkdtempSync(path.join(os.tmpdir(), 'sim-rma-'));
    try {
      const file = await cloneForRma(sim.stateFile, rmaDir, 'fw-a-rma');
      expect(statSync(file).mode & 0o777).toBe(0o600);
      const rma = await startSimulator({ id: 'fw-a-rma', stateDir: rmaDir });
      try {
        expect(rma.info.hostKeySha256).not.toBe(sim.info.hostKeySha256);
        expect(rma.info.password).toBe(sim.info.password);
        expect(rma.device.hostname).toBe('fw-saved');
        // The factory certificate came with the configuration; its key did not.
        expect(rma.device.pki.trustpoint('ASA_SelfSigned')?.identityCertificate).toBeDefined();
        expect(rma.device.pki.keypair('ASA_SelfSigned')).toBeUndefined();
        expect(rma.device.pki.tlsIdentityFor('outside')).toBeUndefined();
        expect(sim.device.pki.tlsIdentityFor('outside')).toBeDefined();
        const d = await ShellDriver.connect(rma.info);
        await d.enable(rma.info.enablePassword);
        expect(await d.command('show running-config ssl')).toContain('ssl trust-point ASA_SelfSigned outside\r\n');
        d.end();
      } finally {
        await rma.stop();
      }
    } finally {
      rmSync(rmaDir, { recursive: true, force: true });
    }
  });
});
