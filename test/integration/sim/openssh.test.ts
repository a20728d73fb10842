// The system OpenSSH client against the simulator: login with password, host key pinned via
// known_hosts, commands fed on stdin; the old-asa algorithm profile.
import { spawn, execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type RunningSimulator } from '../../../sim/fleet.js';
import { hostKeyPublicLine } from '../../../sim/ssh-server.js';

let dir: string;
let current: RunningSimulator;
let old: RunningSimulator;

const OLD_ASA_CLIENT = ['-o', 'KexAlgorithms=diffie-hellman-group14-sha1', '-o', 'HostKeyAlgorithms=ssh-rsa', '-o', 'Ciphers=aes128-cbc', '-o', 'MACs=hmac-sha1'];

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'sim-openssh-'));
  current = await startSimulator({ id: 'ssh-current', hostname: 'asa-ssh', stateDir: dir });
  old = await startSimulator({ id: 'ssh-old', hostname: 'asa-old', stateDir: dir, profile: 'old-asa' });
  const askpass = path.join(dir, 'askpass.sh');
  writeFileSync(askpass, '#!/bin/sh\nprintf "%s\\n" "$SIM_PASSWORD"\n');
  chmodSync(askpass, 0o700);
  const knownHosts = [current, old].map((s) => `[${s.info.host}]:${s.info.port} ${hostKeyPublicLine(s.device.hostKeyPem)}`).join('\n');
  writeFileSync(path.join(dir, 'known_hosts'), `${knownHosts}\n`);
});

afterAll(async () => {
  await current.stop();
  await old.stop();
  rmSync(dir, { recursive: true, force: true });
});

function runSsh(sim: RunningSimulator, extra: string[], stdin: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const args = [
    '-F', '/dev/null', '-tt', '-p', String(sim.info.port),
    '-o', 'StrictHostKeyChecking=yes', '-o', `UserKnownHostsFile=${path.join(dir, 'known_hosts')}`, '-o', 'GlobalKnownHostsFile=/dev/null',
    '-o', 'PubkeyAuthentication=no', '-o', 'PreferredAuthentications=password,keyboard-interactive', '-o', 'NumberOfPasswordPrompts=1',
    '-o', 'ConnectTimeout=15', ...extra, `${sim.info.username}@${sim.info.host}`,
  ];
  return new Promise((resolve, reject) => {
    const child = spawn('ssh', args, {
      env: { ...process.env, SSH_ASKPASS: path.join(dir, 'askpass.sh'), SSH_ASKPASS_REQUIRE: 'force', DISPLAY: ':0', SIM_PASSWORD: sim.info.password },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(stdin);
  });
}

describe('OpenSSH client', () => {
  it('logs in with the pinned host key and runs enable, show version, show running-config, logout', async () => {
    const script = `enable\n${current.info.enablePassword}\nterminal pager 0\nshow version\nshow running-config\nlogout\n`;
    const r = await runSsh(current, [], script);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('User admin logged in to asa-ssh\r\n');
    expect(r.stdout).toContain(`Password: ${'*'.repeat(current.info.enablePassword.length)}\r\nasa-ssh# `);
    expect(r.stdout).toContain('Cisco Adaptive Security Appliance Software Version 9.16(4)');
    expect(r.stdout).toMatch(/: Saved\r\n[\s\S]*hostname asa-ssh\r\n[\s\S]*: end\r\n/);
    expect(r.stdout).toContain('asa-ssh# logout\r\n\r\nLogoff\r\n');
  });

  it('ssh-keygen -lf prints the hostKeySha256 the simulator reports', () => {
    const pub = path.join(dir, 'host.pub');
    writeFileSync(pub, `${hostKeyPublicLine(current.device.hostKeyPem)}\n`);
    const out = execFileSync('ssh-keygen', ['-lf', pub], { encoding: 'utf8' });
    expect(out.split(' ')[1]).toBe(current.info.hostKeySha256);
    expect(out).toMatch(/^2048 SHA256:\S+ .*\(RSA\)\n$/);
  });

  it('refuses a host key that is not the pinned one (StrictHostKeyChecking)', async () => {
    current.setFaults({ hostKeyChanged: true });
    try {
      const r = await runSsh(current, [], 'logout\n');
      expect(r.code).toBe(255);
      expect(r.stderr).toMatch(/REMOTE HOST IDENTIFICATION HAS CHANGED|Host key verification failed/);
    } finally {
      current.setFaults({ hostKeyChanged: false });
    }
  });

  it('connects to the old-asa profile only when the old algorithms are enabled explicitly', async () => {
    const withOld = await runSsh(old, OLD_ASA_CLIENT, 'terminal pager 0\nshow version\nlogout\n');
    expect(withOld.code).toBe(0);
    expect(withOld.stdout).toContain('asa-old> show version\r\n');
    const plain = await runSsh(old, [], 'logout\n');
    expect(plain.code).toBe(255);
    expect(plain.stderr).toMatch(/no matching (key exchange method|host key type|cipher|MAC) found/);
  });
});
