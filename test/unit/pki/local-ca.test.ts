import { chmod, cp, mkdtemp, readFile, readdir, rm, stat, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CaRequestFailedError, LocalCaError, ValidationError } from '../../../src/errors.js';
import { describeCertificate, orderChain } from '../../../src/pki/certificate-info.js';
import { buildCsr } from '../../../src/pki/csr.js';
import { generateKeyPair, type KeyMaterial } from '../../../src/pki/keys.js';
import { LocalCa } from '../../../src/pki/local-ca.js';
import { pemDecode, pemEncode } from '../../../src/pki/pem.js';
import { runOpenssl, runOpensslOk } from '../../helpers/openssl.js';

const NOW = new Date('2030-03-01T12:00:00Z');
const DAY = 86_400_000;

let work: string;
let caDir: string;
let ca: LocalCa;
let rsaKey: KeyMaterial;
let ecKey: KeyMaterial;
let rsaCsr: string;
let ecCsr: string;

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'tp-local-ca-'));
  caDir = path.join(work, 'ca');
  ca = await LocalCa.init(caDir, { now: NOW });
  rsaKey = await generateKeyPair('rsa:2048');
  ecKey = await generateKeyPair('ec:p256');
  rsaCsr = await buildCsr({ subject: { cn: 'vpn.example.com', o: 'Example Ltd', c: 'US' }, sans: ['vpn.example.com', '*.vpn.example.com', '192.0.2.10'] }, rsaKey);
  ecCsr = await buildCsr({ subject: { cn: 'asa2.example.com' }, sans: ['asa2.example.com', '2001:db8::2'] }, ecKey);
}, 60_000);

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

async function x509Text(pem: string): Promise<string> {
  return (await runOpensslOk(['x509', '-in', 'c.pem', '-noout', '-text'], { files: { 'c.pem': pem } })).stdout;
}

async function opensslVerify(rootPem: string, intermediatePem: string, leafPem: string): Promise<string> {
  const result = await runOpensslOk(['verify', '-CAfile', 'root.pem', '-untrusted', 'int.pem', '-purpose', 'sslserver', '-attime', String(NOW.getTime() / 1000), 'leaf.pem'], {
    files: { 'root.pem': rootPem, 'int.pem': intermediatePem, 'leaf.pem': leafPem },
  });
  return result.stdout.trim();
}

/** The subject of a CSR or certificate as openssl prints it (RFC 2253). */
async function subjectLine(kind: 'req' | 'x509', pem: string): Promise<string> {
  const { stdout } = await runOpensslOk([kind, '-in', 'in.pem', '-noout', '-subject', '-nameopt', 'RFC2253'], { files: { 'in.pem': pem } });
  return stdout.trim().replace(/^subject=/, '');
}

describe('LocalCa.init', () => {
  it('writes root, intermediate, 0600 keys and metadata into a 0700 directory', async () => {
    expect((await readdir(caDir)).sort()).toEqual(['ca.json', 'intermediate.key.pem', 'intermediate.pem', 'root.key.pem', 'root.pem']);
    expect((await stat(caDir)).mode & 0o777).toBe(0o700);
    expect((await stat(path.join(caDir, 'root.key.pem'))).mode & 0o777).toBe(0o600);
    expect((await stat(path.join(caDir, 'intermediate.key.pem'))).mode & 0o777).toBe(0o600);
    const metadata = JSON.parse(await readFile(path.join(caDir, 'ca.json'), 'utf8')) as Record<string, unknown>;
    expect(metadata).toMatchObject({ format: 'trustpoint-local-ca/1', name: 'trustpoint local', keySpec: 'rsa:2048', createdAt: NOW.toISOString() });
    expect(JSON.stringify(metadata)).not.toContain('PRIVATE KEY');
    expect(await readFile(path.join(caDir, 'root.pem'), 'utf8')).toBe(ca.rootPem);
  });

  it('makes a root (CA:TRUE) and an intermediate (CA:TRUE, pathlen 0) that openssl accepts as a chain', async () => {
    const root = await x509Text(ca.rootPem);
    expect(root).toMatch(/Basic Constraints: critical\s+CA:TRUE\n/);
    expect(root).toMatch(/Key Usage: critical\s+Digital Signature, Certificate Sign, CRL Sign/);
    expect(root).toContain('Subject: O = trustpoint, CN = trustpoint local Root CA');
    const intermediate = await x509Text(ca.intermediatePem);
    expect(intermediate).toMatch(/Basic Constraints: critical\s+CA:TRUE, pathlen:0/);
    expect(intermediate).toContain('Issuer: O = trustpoint, CN = trustpoint local Root CA');
    expect(intermediate).toContain('Signature Algorithm: sha256WithRSAEncryption');
    const { stdout } = await runOpensslOk(['verify', '-CAfile', 'root.pem', '-attime', String(NOW.getTime() / 1000), 'int.pem'], { files: { 'root.pem': ca.rootPem, 'int.pem': ca.intermediatePem } });
    expect(stdout.trim()).toBe('int.pem: OK');
    const info = describeCertificate(ca.intermediatePem);
    expect(info.notBefore).toEqual(new Date(NOW.getTime() - 3_600_000));
    expect(info.notAfter).toEqual(new Date(NOW.getTime() + 1825 * DAY));
    expect(describeCertificate(ca.rootPem).selfSigned).toBe(true);
  });

  it('refuses a directory that already holds a CA, and leaves it untouched', async () => {
    const before = await readFile(path.join(caDir, 'intermediate.key.pem'), 'utf8');
    const error = await LocalCa.init(caDir, { now: NOW }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LocalCaError);
    expect((error as Error).message).toBe(`${caDir} already holds a local CA (ca.json exists): refusing to overwrite it; use it as is, or choose another directory`);
    expect(await readFile(path.join(caDir, 'intermediate.key.pem'), 'utf8')).toBe(before);
  });

  it('rejects an unusable CA name', async () => {
    await expect(LocalCa.init(path.join(work, 'bad-name'), { name: 'bad\nname' })).rejects.toThrow(ValidationError);
  });
});

describe('LocalCa.open', () => {
  it('opens what init wrote', async () => {
    const opened = await LocalCa.open(caDir);
    expect(opened.rootPem).toBe(ca.rootPem);
    expect(opened.intermediatePem).toBe(ca.intermediatePem);
    expect(opened.keySpec).toBe('rsa:2048');
  });

  it.each(['ca.json', 'root.pem', 'intermediate.pem', 'intermediate.key.pem'])('names %s when it is missing', async (file) => {
    const copy = path.join(work, `missing-${file}`);
    await cp(caDir, copy, { recursive: true });
    await unlink(path.join(copy, file));
    const error = await LocalCa.open(copy).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LocalCaError);
    expect((error as Error).message).toContain(`${path.join(copy, file)} is missing`);
  });

  it('refuses an intermediate key readable by others', async () => {
    const copy = path.join(work, 'loose-mode');
    await cp(caDir, copy, { recursive: true });
    await chmod(path.join(copy, 'intermediate.key.pem'), 0o644);
    await expect(LocalCa.open(copy)).rejects.toThrow(`${path.join(copy, 'intermediate.key.pem')} is accessible by group or others (mode 0644): run chmod 600`);
  });

  it('refuses an intermediate key that does not match the intermediate certificate', async () => {
    const copy = path.join(work, 'wrong-key');
    await cp(caDir, copy, { recursive: true });
    await writeFile(path.join(copy, 'intermediate.key.pem'), rsaKey.privateKeyPem, { mode: 0o600 });
    await expect(LocalCa.open(copy)).rejects.toThrow(`${path.join(copy, 'intermediate.key.pem')} does not match the public key of`);
  });
});

describe('LocalCa.sign', () => {
  it.each([
    ['RSA-2048', () => rsaCsr, 'Digital Signature, Key Encipherment', 'vpn.example.com'],
    ['P-256', () => ecCsr, 'Digital Signature', 'asa2.example.com'],
  ])('issues a %s server certificate shaped like the ACM PCA EndEntityServerAuthCertificate template', async (_case, csr, keyUsage, cn) => {
    const issued = await ca.sign(csr(), { days: 90, now: NOW });
    expect(issued.chainPems).toEqual([ca.intermediatePem, ca.rootPem]);
    expect(await opensslVerify(ca.rootPem, ca.intermediatePem, issued.certificatePem)).toBe('leaf.pem: OK');

    const text = await x509Text(issued.certificatePem);
    expect(text).toMatch(/Basic Constraints: critical\s+CA:FALSE\n/);
    expect(text).toMatch(new RegExp(`Key Usage: critical\\s+${keyUsage}\\n`));
    expect(text).toMatch(/Extended Key Usage: \s*\n\s+TLS Web Server Authentication\n/);
    expect(text).toContain('X509v3 Subject Key Identifier');
    expect(text).toContain('X509v3 Authority Key Identifier');
    expect(text).toContain('Signature Algorithm: sha256WithRSAEncryption');
    expect(text).not.toMatch(/rsassaPss/i);

    // Subject and SANs carried over from the CSR unchanged.
    expect(await subjectLine('x509', issued.certificatePem)).toBe(await subjectLine('req', csr()));
    const info = describeCertificate(issued.certificatePem);
    expect(info.subject.find((a) => a.type === 'cn')?.value).toBe(cn);
    const csrText = (await runOpensslOk(['req', '-in', 'r.pem', '-noout', '-text'], { files: { 'r.pem': csr() } })).stdout;
    const sanLine = (t: string): string | undefined => /Subject Alternative Name: ?\n\s+(.*)\n/.exec(t)?.[1];
    expect(sanLine(text)).toBe(sanLine(csrText));

    // AKI = the intermediate's SKI.
    const intermediateText = await x509Text(ca.intermediatePem);
    const ski = /Subject Key Identifier: ?\n\s+([0-9A-F:]+)/.exec(intermediateText)?.[1];
    expect(ski).toBeDefined();
    expect(/Authority Key Identifier: ?\n\s+(?:keyid:)?([0-9A-F:]+)/.exec(text)?.[1]).toBe(ski);

    // Validity: 60 minutes back (as ACM PCA), notAfter = now + days.
    expect(info.notBefore).toEqual(new Date(NOW.getTime() - 3_600_000));
    expect(info.notAfter).toEqual(new Date(NOW.getTime() + 90 * DAY));
    expect(issued.notAfter).toEqual(info.notAfter);
  });

  it('uses a random positive 16-byte serial, reported lowercase as the ASA prints it', async () => {
    const serials = new Set<string>();
    for (let i = 0; i < 3; i++) {
      const issued = await ca.sign(ecCsr, { days: 30, now: NOW });
      expect(issued.serialHex).toMatch(/^[4-7][0-9a-f]{31}$/);
      const { stdout } = await runOpensslOk(['x509', '-in', 'c.pem', '-noout', '-serial'], { files: { 'c.pem': issued.certificatePem } });
      expect(stdout.trim()).toBe(`serial=${issued.serialHex.toUpperCase()}`);
      expect(describeCertificate(issued.certificatePem).serialHex).toBe(issued.serialHex);
      const asn1 = (await runOpensslOk(['asn1parse', '-in', 'c.pem'], { files: { 'c.pem': issued.certificatePem } })).stdout;
      expect(asn1).toMatch(/d=2 {2}hl=2 l= {2}16 prim: INTEGER/);
      serials.add(issued.serialHex);
    }
    expect(serials.size).toBe(3);
  });

  it('keeps every issued certificate under issued/<serial>.pem', async () => {
    const issued = await ca.sign(ecCsr, { days: 7, now: NOW });
    expect(await readFile(path.join(caDir, 'issued', `${issued.serialHex}.pem`), 'utf8')).toBe(issued.certificatePem);
  });

  it('returns the same certificate for the same idempotency key and CSR, also after reopening', async () => {
    const first = await ca.sign(rsaCsr, { days: 90, now: NOW, idempotencyKey: 'arn:aws:states:local:execution:renew-device:asa1-0001' });
    const reopened = await LocalCa.open(caDir);
    const second = await reopened.sign(rsaCsr, { days: 90, now: new Date(NOW.getTime() + 60_000), idempotencyKey: 'arn:aws:states:local:execution:renew-device:asa1-0001' });
    expect(second).toEqual(first);
    const third = await ca.sign(rsaCsr, { days: 90, now: NOW, idempotencyKey: 'another-execution' });
    expect(third.serialHex).not.toBe(first.serialHex);
  });

  it('answers concurrent requests with the same idempotency key with one certificate', async () => {
    const results = await Promise.all([1, 2, 3].map(() => ca.sign(ecCsr, { days: 10, now: NOW, idempotencyKey: 'concurrent' })));
    expect(new Set(results.map((r) => r.serialHex)).size).toBe(1);
  });

  it('refuses an idempotency key reused for another CSR', async () => {
    await ca.sign(rsaCsr, { days: 90, now: NOW, idempotencyKey: 'reused' });
    await expect(ca.sign(ecCsr, { days: 90, now: NOW, idempotencyKey: 'reused' })).rejects.toThrow(
      new CaRequestFailedError('idempotencyKey: this key was already used for a different CSR; use a new key for a new request'),
    );
  });

  it('refuses a validity beyond the intermediate instead of truncating it', async () => {
    const error = await ca.sign(rsaCsr, { days: 2000, now: NOW }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CaRequestFailedError);
    expect((error as Error).message).toBe(
      `days: 2000 days would end ${new Date(NOW.getTime() + 2000 * DAY).toISOString()}, after the intermediate CA expires (${new Date(NOW.getTime() + 1825 * DAY).toISOString()}); request at most 1825 days`,
    );
  });

  it.each([0, -1, 1.5, 36_501])('rejects %s days as a ValidationError', async (days) => {
    await expect(ca.sign(rsaCsr, { days, now: NOW })).rejects.toThrow(ValidationError);
  });

  it('rejects a CSR whose signature does not verify', async () => {
    const der = Buffer.from(pemDecode(rsaCsr, 'CERTIFICATE REQUEST'));
    der[der.indexOf(Buffer.from('vpn.example.com'))] = 'w'.charCodeAt(0);
    await expect(ca.sign(pemEncode('CERTIFICATE REQUEST', der), { days: 30, now: NOW })).rejects.toThrow(
      new CaRequestFailedError('csr: the CSR signature does not verify (altered, or signed with another key)'),
    );
  });

  it('rejects a CSR with neither a CN nor a SAN (made by openssl)', async () => {
    const { stdout } = await runOpensslOk(['req', '-new', '-key', 'k.pem', '-subj', '/O=Example'], { files: { 'k.pem': ecKey.privateKeyPem } });
    await expect(ca.sign(stdout, { days: 30, now: NOW })).rejects.toThrow(new CaRequestFailedError('csr: the CSR has neither a common name nor a subject alternative name'));
  });

  it('signs an empty-subject CSR with SANs, marking the SAN extension critical (RFC 5280)', async () => {
    const { stdout } = await runOpensslOk(['req', '-new', '-key', 'k.pem', '-subj', '/', '-addext', 'subjectAltName=DNS:vpn.example.com'], { files: { 'k.pem': ecKey.privateKeyPem } });
    const issued = await ca.sign(stdout, { days: 30, now: NOW });
    expect(await x509Text(issued.certificatePem)).toMatch(/Subject Alternative Name: critical\s+DNS:vpn.example.com/);
    expect(await opensslVerify(ca.rootPem, ca.intermediatePem, issued.certificatePem)).toBe('leaf.pem: OK');
  });

  it('rejects an RSA-1024 CSR', async () => {
    const key = await runOpensslOk(['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:1024']);
    const { stdout } = await runOpensslOk(['req', '-new', '-key', 'k.pem', '-subj', '/CN=old.example.com'], { files: { 'k.pem': key.stdout } });
    await expect(ca.sign(stdout, { days: 30, now: NOW })).rejects.toThrow(
      new CaRequestFailedError('csr: RSA 1024-bit keys are not supported: expected one of rsa:2048, rsa:3072, rsa:4096, ec:p256, ec:p384'),
    );
  });

  it('rejects text that is not a CSR', async () => {
    await expect(ca.sign(ca.rootPem, { days: 30, now: NOW })).rejects.toThrow(CaRequestFailedError);
  });

  it('gives a chain that orderChain rebuilds from an unordered bundle', async () => {
    const issued = await ca.sign(ecCsr, { days: 30, now: NOW });
    const unrelated = (await runOpensslOk(['req', '-x509', '-new', '-key', 'k.pem', '-subj', '/CN=unrelated', '-days', '1'], { files: { 'k.pem': ecKey.privateKeyPem } })).stdout;
    expect(orderChain(issued.certificatePem, [ca.rootPem + unrelated, ca.intermediatePem, ca.rootPem])).toEqual([ca.intermediatePem, ca.rootPem]);
  });
});

describe('an ECDSA local CA', () => {
  it('signs RSA and EC CSRs with ECDSA-SHA256, and openssl verifies the chain', async () => {
    const ecCa = await LocalCa.init(path.join(work, 'ec-ca'), { keySpec: 'ec:p256', name: 'Lab EC', now: NOW });
    for (const csr of [rsaCsr, ecCsr]) {
      const issued = await ecCa.sign(csr, { days: 30, now: NOW });
      expect(await opensslVerify(ecCa.rootPem, ecCa.intermediatePem, issued.certificatePem)).toBe('leaf.pem: OK');
      expect(describeCertificate(issued.certificatePem).signatureAlgorithm).toBe('ecdsa-with-SHA256');
    }
    expect(describeCertificate(ecCa.rootPem).subject).toEqual([
      { type: 'o', value: 'trustpoint' },
      { type: 'cn', value: 'Lab EC Root CA' },
    ]);
  });

  it('fails verification against the wrong root (the openssl check is real)', async () => {
    const other = await LocalCa.init(path.join(work, 'other-ca'), { keySpec: 'ec:p256', now: NOW });
    const issued = await ca.sign(ecCsr, { days: 30, now: NOW });
    const result = await runOpenssl(['verify', '-CAfile', 'root.pem', '-untrusted', 'int.pem', 'leaf.pem'], {
      files: { 'root.pem': other.rootPem, 'int.pem': other.intermediatePem, 'leaf.pem': issued.certificatePem },
    });
    expect(result.code).not.toBe(0);
  });
});
