import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pkcs12Command } from '../../../src/cli/commands/pkcs12.js';
import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE } from '../../../src/cli/framework.js';
import { runCliCaptured, type CliRun } from '../../helpers/cli.js';
import { fromAsaPaste } from '../../../src/pki/asa-paste.js';
import { decodePkcs12 } from '../../../src/pki/pkcs12.js';
import { runOpenssl } from '../../helpers/openssl.js';
import { makeTestPki, type TestPki } from '../pki/pkcs12-fixtures.js';

let dir: string;
let pki: TestPki;
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'tp-cli-pkcs12-'));
  pki = makeTestPki('ec-p256');
  writeFileSync(path.join(dir, 'key.pem'), pki.leafKeyPem, { mode: 0o600 });
  writeFileSync(path.join(dir, 'cert.pem'), pki.leafPem);
  writeFileSync(path.join(dir, 'chain.pem'), `${pki.intermediatePem}${pki.rootPem}`);
  writeFileSync(path.join(dir, 'root-only.pem'), pki.rootPem);
  writeFileSync(path.join(dir, 'pass.txt'), 'Operator.Pass-2026\n', { mode: 0o600 });
  writeFileSync(path.join(dir, 'bad-pass.txt'), 'has a space\n', { mode: 0o600 });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function cli(...argv: string[]): Promise<CliRun> {
  return runCliCaptured(['pkcs12', ...argv], { cwd: dir, commands: [pkcs12Command] });
}

const BASE = ['--key', 'key.pem', '--cert', 'cert.pem', '--chain', 'chain.pem'];

async function opensslReads(p12: Uint8Array, passphrase: string) {
  return runOpenssl(['pkcs12', '-info', '-noout', '-passin', 'file:pass.txt', '-in', 'b.p12'], { files: { 'b.p12': p12, 'pass.txt': `${passphrase}\n` } });
}

describe('trustpoint pkcs12', () => {
  it('generates a passphrase, prints it once on stderr, and writes 0600 files openssl can read', async () => {
    const result = await cli(...BASE, '--out', 'gen.p12', '--asa-paste', 'gen.txt');
    expect(result.code, result.err).toBe(EXIT_OK);
    const match = /^PKCS12 passphrase: (\S+)$/m.exec(result.err);
    const passphrase = match?.[1] ?? '';
    expect(passphrase.length).toBeGreaterThanOrEqual(22);
    expect(result.err).toContain('not stored anywhere');
    expect((result.out + result.err).split(passphrase)).toHaveLength(2);
    expect(result.out).toContain('Wrote gen.p12 (legacy');
    expect(result.out).toContain('CN=Test Intermediate CA');
    expect(result.out).toContain('then type quit');

    for (const name of ['gen.p12', 'gen.txt']) expect(statSync(path.join(dir, name)).mode & 0o777).toBe(0o600);
    const p12 = readFileSync(path.join(dir, 'gen.p12'));
    const info = await opensslReads(p12, passphrase);
    expect(info.code, info.stderr).toBe(0);
    expect(info.stderr).toContain('pbeWithSHA1And3-KeyTripleDES-CBC');

    const paste = readFileSync(path.join(dir, 'gen.txt'), 'utf8');
    expect(paste).not.toContain('BEGIN');
    expect(paste.endsWith('\n')).toBe(true);
    expect(paste.trimEnd().split('\n').every((line) => line.length <= 64 && /^[A-Za-z0-9+/=]+$/.test(line))).toBe(true);
    expect(Buffer.from(fromAsaPaste(paste))).toEqual(p12);
  });

  it('uses the first line of --passphrase-file and the modern profile, without printing the passphrase', async () => {
    const result = await cli(...BASE, '--profile', 'modern', '--passphrase-file', 'pass.txt', '--out', 'modern.p12');
    expect(result.code, result.err).toBe(EXIT_OK);
    expect(result.out + result.err).not.toContain('Operator.Pass-2026');
    const p12 = readFileSync(path.join(dir, 'modern.p12'));
    const info = await opensslReads(p12, 'Operator.Pass-2026');
    expect(info.code, info.stderr).toBe(0);
    expect(info.stderr).toContain('AES-256-CBC');
    const contents = await decodePkcs12(p12, 'Operator.Pass-2026');
    expect(new X509Certificate(contents.certificatePem).raw).toEqual(new X509Certificate(pki.leafPem).raw);
    expect(contents.chainPems).toHaveLength(2);
  });

  it('refuses to overwrite an existing --out (exit 1) and leaves it untouched', async () => {
    writeFileSync(path.join(dir, 'exists.p12'), 'precious');
    const result = await cli(...BASE, '--out', 'exists.p12');
    expect(result.code).toBe(EXIT_FAILURE);
    expect(result.err).toContain('--out exists.p12 already exists: refusing to overwrite it');
    expect(result.err).not.toContain('PKCS12 passphrase');
    expect(readFileSync(path.join(dir, 'exists.p12'), 'utf8')).toBe('precious');
  });

  it('refuses to overwrite an existing --asa-paste and writes nothing', async () => {
    writeFileSync(path.join(dir, 'exists.txt'), 'precious');
    const result = await cli(...BASE, '--out', 'not-written.p12', '--asa-paste', 'exists.txt');
    expect(result.code).toBe(EXIT_FAILURE);
    expect(result.err).toContain('--asa-paste exists.txt already exists');
    expect(existsSync(path.join(dir, 'not-written.p12'))).toBe(false);
  });

  it('refuses a chain without the intermediate, naming the missing issuer', async () => {
    const result = await cli('--key', 'key.pem', '--cert', 'cert.pem', '--chain', 'root-only.pem', '--out', 'gap.p12');
    expect(result.code).toBe(EXIT_USAGE);
    expect(result.err).toContain('--chain: missing the issuer "O=trustpoint tests, CN=Test Intermediate CA"');
    expect(existsSync(path.join(dir, 'gap.p12'))).toBe(false);
  });

  it('refuses a passphrase file the ASA could not take, without echoing it', async () => {
    const result = await cli(...BASE, '--passphrase-file', 'bad-pass.txt', '--out', 'bad.p12');
    expect(result.code).toBe(EXIT_USAGE);
    expect(result.err).toContain('--passphrase-file: the passphrase on the first line of bad-pass.txt (11 characters, redacted) is not one an ASA can take');
    expect(result.err).not.toContain('has a space');
    expect(existsSync(path.join(dir, 'bad.p12'))).toBe(false);
  });

  it.each([
    [['--cert', 'cert.pem', '--chain', 'chain.pem', '--out', 'x.p12'], '--key is required'],
    [[...BASE, '--out', 'x.p12', '--profile', 'strong'], '--profile: "strong" is not one of legacy, modern'],
    [['--key', 'missing.pem', '--cert', 'cert.pem', '--chain', 'chain.pem', '--out', 'x.p12'], '--key: cannot read missing.pem (ENOENT)'],
    [['--key', 'cert.pem', '--cert', 'cert.pem', '--chain', 'chain.pem', '--out', 'x.p12'], '--key: not a readable PEM private key'],
    [[...BASE, '--out', 'same.p12', '--asa-paste', 'same.p12'], '--asa-paste must name a different file than --out'],
  ])('exits 2 for %j', async (argv, message) => {
    const result = await cli(...argv);
    expect(result.code).toBe(EXIT_USAGE);
    expect(result.err).toContain(message);
    expect(existsSync(path.join(dir, 'x.p12'))).toBe(false);
  });

  it('explains the profiles and the ASA paste in --help', async () => {
    const result = await cli('--help');
    expect(result.code).toBe(EXIT_OK);
    expect(result.out).toContain('Usage: trustpoint pkcs12 --key FILE --cert FILE --chain FILE [--profile PROFILE]');
    expect(result.out).toContain('crypto ca import <trustpoint> pkcs12 <passphrase>');
    expect(result.out).toContain('quit');
    expect(result.out).toContain('(one of: legacy, modern) [default: legacy]');
  });
});
