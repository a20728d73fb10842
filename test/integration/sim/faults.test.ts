// Every fault knob of the simulator, through a real SSH client.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { defaultFaults } from '../../../sim/faults.js';
import { startFleet, type Fleet, type RunningSimulator } from '../../../sim/fleet.js';
import { ShellDriver } from './shell-driver.js';

let fleet: Fleet;
let sim: RunningSimulator;

beforeAll(async () => {
  fleet = await startFleet({ count: 1, factoryCertificate: false });
  sim = fleet.simulators[0]!;
});

afterEach(() => {
  sim.setFaults(defaultFaults());
});

afterAll(async () => {
  await fleet.stop();
});

async function privileged(): Promise<ShellDriver> {
  const d = await ShellDriver.connect(sim.info);
  await d.enable(sim.info.enablePassword);
  return d;
}

async function timed<T>(f: () => Promise<T>): Promise<[T, number]> {
  const start = performance.now();
  const value = await f();
  return [value, performance.now() - start];
}

describe('fault knobs', () => {
  it('commandDelayMs delays every command', async () => {
    const d = await privileged();
    sim.setFaults({ commandDelayMs: 600 });
    const [out, ms] = await timed(() => d.command('show clock'));
    expect(out).toMatch(/UTC/);
    expect(ms).toBeGreaterThanOrEqual(590);
    d.end();
  });

  it('refuseAuth rejects the right password', async () => {
    sim.setFaults({ refuseAuth: true });
    await expect(ShellDriver.connect(sim.info)).rejects.toThrow(/authentication/i);
    sim.setFaults({ refuseAuth: false });
    (await ShellDriver.connect(sim.info)).end();
  });

  it('hostKeyChanged serves a host key other than the persisted one', async () => {
    const seen: string[] = [];
    const hostVerifier = (key: Buffer): boolean => {
      seen.push(`SHA256:${createHash('sha256').update(key).digest('base64').replace(/=+$/, '')}`);
      return true;
    };
    sim.setFaults({ hostKeyChanged: true });
    (await ShellDriver.connect(sim.info, { hostVerifier })).end();
    sim.setFaults({ hostKeyChanged: false });
    (await ShellDriver.connect(sim.info, { hostVerifier })).end();
    expect(seen[0]).not.toBe(sim.info.hostKeySha256);
    expect(seen[1]).toBe(sim.info.hostKeySha256);
  });

  it('dropAfterCommand (before) closes the connection before the command runs', async () => {
    const d = await privileged();
    await d.command('conf t');
    await d.command('hostname dropped-before');
    sim.setFaults({ dropAfterCommand: 'write memory' });
    d.send('wr mem\r');
    await d.waitClosed();
    expect(d.transcript.endsWith('dropped-before(config)# wr mem\r\n')).toBe(true);
    expect(sim.device.startupConfig().hostname).not.toBe('dropped-before');
    sim.setFaults({ dropAfterCommand: undefined });
    sim.reload();
  });

  it('dropAfterCommand with dropAfter "after" runs the command, sends its output, then drops', async () => {
    const d = await privileged();
    await d.command('conf t');
    await d.command('hostname dropped-after');
    sim.setFaults({ dropAfterCommand: 'write memory', dropAfter: 'after' });
    d.send('write memory\r');
    await d.waitClosed();
    expect(d.transcript).toMatch(/\[OK\]\r\n$/);
    expect(d.transcript).not.toContain('Logoff');
    expect(sim.device.startupConfig().hostname).toBe('dropped-after');
  });

  it('failCommand prints the given lines instead of running the (abbreviated) command', async () => {
    const d = await privileged();
    await d.command('conf t');
    await d.command('hostname not-saved');
    sim.setFaults({ failCommand: [{ match: 'write memory', lines: ['%Error copying system:/running-config (No Device)', 'Error executing command', '[FAILED]'] }] });
    const out = await d.command('wr mem');
    expect(out).toBe('wr mem\r\n%Error copying system:/running-config (No Device)\r\nError executing command\r\n[FAILED]\r\nnot-saved(config)# ');
    expect(sim.device.startupConfig().hostname).not.toBe('not-saved');
    d.end();
  });

  it('keygenDelayMs slows crypto key generate', async () => {
    const d = await privileged();
    await d.command('conf t');
    sim.setFaults({ keygenDelayMs: 1500 });
    const [out, ms] = await timed(() => d.command('crypto key generate ecdsa label SIM-SLOW elliptic-curve 256 noconfirm'));
    expect(out).not.toContain('ERROR');
    expect(ms).toBeGreaterThanOrEqual(1490);
    d.end();
  });

  describe('rejectModernPkcs12', () => {
    let dir: string;
    let modern: string[];
    let legacy: string[];
    beforeAll(() => {
      dir = mkdtempSync(path.join(os.tmpdir(), 'sim-faults-p12-'));
      const run = (args: string[]): void => void execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
      run(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'k.pem', '-out', 'c.pem', '-subj', '/CN=sim-fault.example', '-days', '30']);
      run(['pkcs12', '-export', '-inkey', 'k.pem', '-in', 'c.pem', '-passout', 'pass:Sim-pass-123', '-out', 'modern.p12']);
      run(['pkcs12', '-export', '-legacy', '-inkey', 'k.pem', '-in', 'c.pem', '-passout', 'pass:Sim-pass-123', '-out', 'legacy.p12']);
      const lines = (f: string): string[] => readFileSync(path.join(dir, f)).toString('base64').match(/.{1,64}/g)!;
      modern = lines('modern.p12');
      legacy = lines('legacy.p12');
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    async function importBundle(tp: string, base64: string[]): Promise<string> {
      const d = await privileged();
      await d.command('conf t');
      d.send(`crypto ca import ${tp} pkcs12 Sim-pass-123\r`);
      await d.waitFor('End with the word "quit" on a line by itself:');
      d.send(`${base64.join('\r')}\rquit\r`);
      const out = await d.waitFor(/\(config\)# $/);
      d.end();
      return out;
    }

    it('refuses an OpenSSL 3 default (AES) bundle and accepts a legacy one', async () => {
      sim.setFaults({ rejectModernPkcs12: true });
      expect(await importBundle('SIM-P12-MODERN', modern)).toMatch(/ERROR/);
      expect(sim.device.pki.trustpoint('SIM-P12-MODERN')?.identityCertificate).toBeUndefined();
      expect(await importBundle('SIM-P12-LEGACY', legacy)).toContain('Import PKCS12 operation completed successfully');
    });

    it('accepts the AES bundle when the knob is off', async () => {
      expect(await importBundle('SIM-P12-MODERN2', modern)).toContain('Import PKCS12 operation completed successfully');
    });
  });
});
