import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { backoffDelay, connectSsh, sshFingerprint } from '../../../src/asa/ssh-connect.js';
import { ValidationError } from '../../../src/errors.js';

describe('sshFingerprint', () => {
  it.each(['ed25519', 'ecdsa'])('matches ssh-keygen -lf for a %s key', (type) => {
    const dir = mkdtempSync(path.join(tmpdir(), 'tp-sshfp-'));
    try {
      const file = path.join(dir, 'key');
      execFileSync('ssh-keygen', ['-q', '-t', type, '-N', '', '-f', file]);
      const blob = Buffer.from(readFileSync(`${file}.pub`, 'utf8').split(' ')[1]!, 'base64');
      const expected = execFileSync('ssh-keygen', ['-lf', `${file}.pub`], { encoding: 'utf8' }).split(' ')[1];
      expect(sshFingerprint(blob)).toBe(expected);
      expect(expected).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('backoffDelay', () => {
  const policy = { attempts: 5, baseDelayMs: 1000, maxDelayMs: 8000 };
  it.each([
    [1, 0, 500],
    [1, 1, 1000],
    [2, 1, 2000],
    [3, 0.5, 3000],
    [4, 1, 8000],
    [6, 1, 8000],
    [6, 0, 4000],
  ])('retry %i with random %f waits %i ms', (attempt, random, expected) => {
    expect(backoffDelay(attempt, policy, () => random)).toBe(expected);
  });
});

describe('connectSsh', () => {
  it.each(['', 'SHA256:abc', 'MD5:aa:bb', `sha256:${'A'.repeat(43)}`])('refuses the pinned fingerprint %j before connecting', async (fingerprint) => {
    await expect(connectSsh({ host: '127.0.0.1', port: 9, username: 'u', password: 'p', hostKeySha256: fingerprint })).rejects.toThrow(ValidationError);
  });
});
