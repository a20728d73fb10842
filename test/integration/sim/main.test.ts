// `npm run sim`: one JSON line per device on stdout, reachable devices, clean exit on SIGTERM.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { SimulatorInfo } from '../../../sim/fleet.js';
import { ShellDriver } from './shell-driver.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const stateDir = mkdtempSync(path.join(os.tmpdir(), 'sim-main-'));

afterAll(() => rmSync(stateDir, { recursive: true, force: true }));

describe('sim/main.ts', () => {
  it('prints a JSON line per device, serves them, and exits 0 on SIGTERM', async () => {
    // tsx itself (what `npm run sim` runs), not npx: npx does not pass SIGTERM on to tsx.
    const tsx = path.join(repoRoot, 'node_modules/tsx/dist/cli.mjs');
    const child = spawn(process.execPath, [tsx, 'sim/main.ts', '--count', '2', '--state-dir', stateDir], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    const infos = await new Promise<SimulatorInfo[]>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no JSON lines in time; stderr: ${stderr}`)), 45_000);
      child.stdout.on('data', (d: Buffer) => {
        stdout += d.toString();
        const lines = stdout.split('\n').filter((l) => l.trim().length > 0);
        if (lines.length >= 2 && stdout.endsWith('\n')) {
          clearTimeout(timer);
          resolve(lines.map((l) => JSON.parse(l) as SimulatorInfo));
        }
      });
      child.on('close', () => reject(new Error(`sim exited early; stderr: ${stderr}`)));
    });
    try {
      expect(infos.map((i) => i.id)).toEqual(['asa-1', 'asa-2']);
      for (const info of infos) {
        expect(Object.keys(info).sort()).toEqual(['enablePassword', 'host', 'hostKeySha256', 'id', 'password', 'port', 'tls', 'username']);
        expect(info.host).toBe('127.0.0.1');
        expect(info.hostKeySha256).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
        const d = await ShellDriver.connect(info);
        await d.enable(info.enablePassword);
        await d.command('terminal pager 0');
        expect(await d.command('show version')).toContain(`${info.id} up `);
        // The first device is a factory ASA with a self-signed certificate on outside.
        const ssl = await d.command('show running-config ssl');
        if (info.id === 'asa-1') expect(ssl).toContain('ssl trust-point ASA_SelfSigned outside\r\n');
        else expect(ssl).not.toContain('ssl trust-point');
        d.end();
      }
      expect(existsSync(path.join(stateDir, 'asa-1.json'))).toBe(true);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
  });
});
