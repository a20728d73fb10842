import { mkdir, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE } from '../../../src/cli/framework.js';
import { runCliCaptured, type CliRun } from '../../helpers/cli.js';
import { describeCertificate } from '../../../src/pki/certificate-info.js';
import { splitPemBlocks, pemEncode } from '../../../src/pki/pem.js';
import { runOpensslOk } from '../../helpers/openssl.js';

let work: string;

function cli(argv: string[]): Promise<CliRun> {
  return runCliCaptured(argv, { cwd: work });
}

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'tp-cli-ca-'));
  const init = await cli(['ca', 'init', '--dir', 'ca']);
  expect(init.err).toBe('');
  expect(init.code).toBe(EXIT_OK);
  const csr = await cli(['csr', '--cn', 'vpn.example.com', '--san', 'vpn.example.com', '--san', '192.0.2.10', '--out', 'asa1']);
  expect(csr.code).toBe(EXIT_OK);
}, 60_000);

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe('trustpoint ca init', () => {
  it('created the CA files with private keys at mode 0600', async () => {
    expect((await readdir(path.join(work, 'ca'))).sort()).toEqual(['ca.json', 'intermediate.key.pem', 'intermediate.pem', 'root.key.pem', 'root.pem']);
    expect((await stat(path.join(work, 'ca', 'root.key.pem'))).mode & 0o777).toBe(0o600);
    expect((await stat(path.join(work, 'ca', 'intermediate.key.pem'))).mode & 0o777).toBe(0o600);
  });

  it('refuses a directory that already holds a CA (exit 1)', async () => {
    const again = await cli(['ca', 'init', '--dir', 'ca']);
    expect(again.code).toBe(EXIT_FAILURE);
    expect(again.err).toBe(`trustpoint ca init: LocalCaError: ${path.join(work, 'ca')} already holds a local CA (ca.json exists): refusing to overwrite it; use it as is, or choose another directory\n`);
  });

  it('makes an ECDSA CA with --key and names it with --name', async () => {
    const result = await cli(['ca', 'init', '--dir', 'ec-ca', '--key', 'ec:p384', '--name', 'Lab']);
    expect(result.code).toBe(EXIT_OK);
    expect(result.out).toMatch(/^Created a local CA in ec-ca:\n {2}root\.pem {10}cn=Lab Root CA, o=trustpoint {2}serial [0-9a-f]{32} {2}EC 384 {2}valid until /);
    expect(describeCertificate(await readFile(path.join(work, 'ec-ca', 'root.pem'), 'utf8')).signatureAlgorithm).toBe('ecdsa-with-SHA384');
  });
});

describe('trustpoint ca sign', () => {
  it('writes cert.pem and chain.pem (intermediate, then root) that openssl verifies, and prints serial and notAfter', async () => {
    const result = await cli(['ca', 'sign', '--dir', 'ca', '--csr', 'asa1/csr.pem', '--days', '90', '--out', 'signed']);
    expect(result.err).toBe('');
    expect(result.code).toBe(EXIT_OK);
    const certPem = await readFile(path.join(work, 'signed', 'cert.pem'), 'utf8');
    const chainPem = await readFile(path.join(work, 'signed', 'chain.pem'), 'utf8');
    const info = describeCertificate(certPem);
    expect(result.out).toContain(`Issued certificate serial ${info.serialHex}, valid until ${info.notAfter.toISOString()} (90 days)\n`);
    expect(result.out).toContain('  Subject: cn=vpn.example.com\n');
    expect(result.out).toContain('  SANs:    DNS:vpn.example.com, IP:192.0.2.10\n');
    expect(result.out).toContain('Wrote signed/chain.pem (intermediate, then root)\n');
    expect(Math.round((info.notAfter.getTime() - Date.now()) / 86_400_000)).toBe(90);

    const chain = splitPemBlocks(chainPem).map((b) => pemEncode(b.label, b.der));
    expect(chain).toEqual([await readFile(path.join(work, 'ca', 'intermediate.pem'), 'utf8'), await readFile(path.join(work, 'ca', 'root.pem'), 'utf8')]);
    const verify = await runOpensslOk(['verify', '-CAfile', 'root.pem', '-untrusted', 'int.pem', 'cert.pem'], { files: { 'root.pem': chain[1]!, 'int.pem': chain[0]!, 'cert.pem': certPem } });
    expect(verify.stdout.trim()).toBe('cert.pem: OK');
    // The certificate belongs to the key `trustpoint csr` wrote.
    const key = await readFile(path.join(work, 'asa1', 'key.pem'), 'utf8');
    const fromKey = await runOpensslOk(['pkey', '-in', 'k.pem', '-pubout'], { files: { 'k.pem': key } });
    const fromCert = await runOpensslOk(['x509', '-in', 'c.pem', '-noout', '-pubkey'], { files: { 'c.pem': certPem } });
    expect(fromCert.stdout).toBe(fromKey.stdout);
  });

  it('defaults to 365 days', async () => {
    expect((await cli(['ca', 'sign', '--dir', 'ca', '--csr', 'asa1/csr.pem', '--out', 'default-days'])).code).toBe(EXIT_OK);
    const info = describeCertificate(await readFile(path.join(work, 'default-days', 'cert.pem'), 'utf8'));
    expect(Math.round((info.notAfter.getTime() - Date.now()) / 86_400_000)).toBe(365);
  });

  it('refuses to overwrite an existing cert.pem before issuing anything (exit 1)', async () => {
    await mkdir(path.join(work, 'occupied'));
    await writeFile(path.join(work, 'occupied', 'cert.pem'), 'keep me\n');
    const issuedBefore = (await readdir(path.join(work, 'ca', 'issued'))).length;
    const result = await cli(['ca', 'sign', '--dir', 'ca', '--csr', 'asa1/csr.pem', '--out', 'occupied']);
    expect(result.code).toBe(EXIT_FAILURE);
    expect(result.err).toContain('trustpoint ca sign: occupied/cert.pem already exists: refusing to overwrite it');
    expect(await readFile(path.join(work, 'occupied', 'cert.pem'), 'utf8')).toBe('keep me\n');
    expect((await readdir(path.join(work, 'ca', 'issued'))).length).toBe(issuedBefore);
  });

  it.each([
    [['--days', '0'], 2, '--days: 0 is out of range (1 to 36500)'],
    [['--days', 'ninety'], 2, '--days: "ninety" is not a whole number'],
    [['--days', '4000'], 1, 'CaRequestFailedError: --days: 4000 days would end'],
  ])('rejects %j (exit %i)', async (flags, code, message) => {
    const result = await cli(['ca', 'sign', '--dir', 'ca', '--csr', 'asa1/csr.pem', '--out', 'never', ...flags]);
    expect(result.code).toBe(code);
    expect(result.err).toContain(message);
    await expect(stat(path.join(work, 'never'))).rejects.toThrow();
  });

  it('exits 2 when the CSR file cannot be read', async () => {
    const result = await cli(['ca', 'sign', '--dir', 'ca', '--csr', 'missing.pem', '--out', 'never']);
    expect(result.code).toBe(EXIT_USAGE);
    expect(result.err).toContain('trustpoint ca sign: --csr: cannot read missing.pem (ENOENT)');
  });

  it('exits 1 naming --csr when the file is not a CSR', async () => {
    const result = await cli(['ca', 'sign', '--dir', 'ca', '--csr', 'asa1/key.pem', '--out', 'never']);
    expect(result.code).toBe(EXIT_FAILURE);
    expect(result.err).toContain('trustpoint ca sign: CaRequestFailedError: --csr: not a PKCS#10 certificate request');
    expect(result.err).not.toContain('PRIVATE KEY');
  });

  it('exits 1 naming the missing file when --dir holds no CA', async () => {
    const result = await cli(['ca', 'sign', '--dir', 'no-ca', '--csr', 'asa1/csr.pem', '--out', 'never']);
    expect(result.code).toBe(EXIT_FAILURE);
    expect(result.err).toBe(`trustpoint ca sign: LocalCaError: ${path.join(work, 'no-ca', 'ca.json')} is missing (create one with \`trustpoint ca init --dir DIR\`)\n`);
  });

  it('lists init and sign under `trustpoint ca`', async () => {
    const result = await cli(['ca', '--help']);
    expect(result.code).toBe(EXIT_OK);
    expect(result.out).toMatch(/ca init\s+Create a local two-tier CA/);
    expect(result.out).toMatch(/ca sign\s+Sign a CSR with the local CA/);
  });
});
