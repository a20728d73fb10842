import { webcrypto } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { CertificateFormatError, ValidationError } from '../../../src/errors.js';
import { KEY_SPECS, generateKeyPair, importPrivateKeyPem, parseKeySpec, type KeyMaterial, type KeySpec } from '../../../src/pki/keys.js';
import { runOpensslOk } from '../../helpers/openssl.js';
import { pemBegin, pemBlockPattern, pemText } from '../../helpers/pem-text.js';

// Each spec is generated once for the whole file (RSA-4096 takes seconds on a shared CPU).
const generated = new Map<KeySpec, KeyMaterial>();
beforeAll(async () => {
  for (const spec of KEY_SPECS) generated.set(spec, await generateKeyPair(spec));
}, 120_000);

function key(spec: KeySpec): KeyMaterial {
  const material = generated.get(spec);
  if (!material) throw new Error(`no ${spec} key generated`);
  return material;
}

const OPENSSL_DESCRIPTION: Record<KeySpec, RegExp> = {
  'rsa:2048': /Private-Key: \(2048 bit, 2 primes\)/,
  'rsa:3072': /Private-Key: \(3072 bit, 2 primes\)/,
  'rsa:4096': /Private-Key: \(4096 bit, 2 primes\)/,
  'ec:p256': /ASN1 OID: prime256v1/,
  'ec:p384': /ASN1 OID: secp384r1/,
};

describe('parseKeySpec', () => {
  it.each(KEY_SPECS)('accepts %s', (spec) => expect(parseKeySpec(spec)).toBe(spec));

  it.each(['rsa:1024', 'RSA:2048', 'rsa2048', 'ec:p521', 'ed25519', ''])('rejects %j, listing the valid specs', (value) => {
    expect(() => parseKeySpec(value, '--key')).toThrow(
      new ValidationError('--key', `${JSON.stringify(value)} is not a supported key type: expected one of rsa:2048, rsa:3072, rsa:4096, ec:p256, ec:p384`),
    );
  });
});

describe('generateKeyPair', () => {
  it.each(KEY_SPECS)('makes a %s key that openssl reads as PKCS#8, with the matching SPKI', async (spec) => {
    const material = key(spec);
    expect(material.spec).toBe(spec);
    expect(material.privateKeyPem).toMatch(pemBlockPattern('PRIVATE KEY', true));
    const text = await runOpensslOk(['pkey', '-in', 'key.pem', '-noout', '-text'], { files: { 'key.pem': material.privateKeyPem } });
    expect(text.stdout).toMatch(OPENSSL_DESCRIPTION[spec]);
    const pub = await runOpensslOk(['pkey', '-in', 'key.pem', '-pubout'], { files: { 'key.pem': material.privateKeyPem } });
    expect(pub.stdout).toBe(material.publicKeyPem);
    if (spec.startsWith('rsa')) expect(text.stdout).toContain('publicExponent: 65537');
  });

  it.each(['rsa:2048', 'ec:p256', 'ec:p384'] as const)('gives %s WebCrypto keys whose signatures openssl verifies', async (spec) => {
    const material = key(spec);
    const data = new TextEncoder().encode('trustpoint');
    const algorithm = spec === 'rsa:2048' ? { name: 'RSASSA-PKCS1-v1_5' } : { name: 'ECDSA', hash: spec === 'ec:p256' ? 'SHA-256' : 'SHA-384' };
    let signature: Uint8Array = new Uint8Array(await webcrypto.subtle.sign(algorithm, material.keys.privateKey, data));
    if (spec !== 'rsa:2048') signature = ecdsaRawToDer(signature);
    const digest = spec === 'ec:p384' ? '-sha384' : '-sha256';
    const result = await runOpensslOk(['dgst', digest, '-verify', 'pub.pem', '-signature', 'sig.bin', 'data.bin'], {
      files: { 'pub.pem': material.publicKeyPem, 'sig.bin': signature, 'data.bin': data },
    });
    expect(result.stdout.trim()).toBe('Verified OK');
  });

  it('never produces the same key twice', async () => {
    const again = await generateKeyPair('ec:p256');
    expect(again.privateKeyPem).not.toBe(key('ec:p256').privateKeyPem);
  });
});

/** WebCrypto ECDSA signatures are r||s; openssl wants a DER SEQUENCE of two INTEGERs. */
function ecdsaRawToDer(raw: Uint8Array): Uint8Array {
  const half = raw.length / 2;
  const integer = (bytes: Uint8Array): number[] => {
    let i = 0;
    while (i < bytes.length - 1 && bytes[i] === 0) i++;
    const trimmed = [...bytes.subarray(i)];
    if (trimmed[0]! >= 0x80) trimmed.unshift(0);
    return [0x02, trimmed.length, ...trimmed];
  };
  const body = [...integer(raw.subarray(0, half)), ...integer(raw.subarray(half))];
  return new Uint8Array([0x30, body.length, ...body]);
}

describe('importPrivateKeyPem', () => {
  it.each(KEY_SPECS)('detects %s from a PKCS#8 PEM', async (spec) => {
    const imported = await importPrivateKeyPem(key(spec).privateKeyPem);
    expect(imported.spec).toBe(spec);
    expect(imported.privateKeyPem).toBe(key(spec).privateKeyPem);
    expect(imported.publicKeyPem).toBe(key(spec).publicKeyPem);
  });

  it('reads the PKCS#1 "RSA PRIVATE KEY" form and returns PKCS#8', async () => {
    const pkcs1 = await runOpensslOk(['pkey', '-in', 'key.pem', '-traditional'], { files: { 'key.pem': key('rsa:2048').privateKeyPem } });
    expect(pkcs1.stdout).toContain(pemBegin('RSA PRIVATE KEY'));
    const imported = await importPrivateKeyPem(pkcs1.stdout);
    expect(imported.spec).toBe('rsa:2048');
    expect(imported.privateKeyPem).toBe(key('rsa:2048').privateKeyPem);
  });

  it('reads the SEC1 "EC PRIVATE KEY" form', async () => {
    const sec1 = await runOpensslOk(['ec', '-in', 'key.pem'], { files: { 'key.pem': key('ec:p384').privateKeyPem } });
    expect(sec1.stdout).toContain(pemBegin('EC PRIVATE KEY'));
    expect((await importPrivateKeyPem(sec1.stdout)).spec).toBe('ec:p384');
  });

  it.each([
    ['an RSA-1024 key', ['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:1024'], 'key: RSA 1024-bit keys are not supported: expected one of rsa:2048, rsa:3072, rsa:4096, ec:p256, ec:p384'],
    ['a P-521 key', ['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-521'], 'key: EC curve secp521r1 is not supported: expected one of rsa:2048, rsa:3072, rsa:4096, ec:p256, ec:p384'],
    ['an Ed25519 key', ['genpkey', '-algorithm', 'ed25519'], 'key: ed25519 keys are not supported: expected one of rsa:2048, rsa:3072, rsa:4096, ec:p256, ec:p384'],
  ])('rejects %s with a ValidationError', async (_case, args, message) => {
    const { stdout } = await runOpensslOk(args);
    await expect(importPrivateKeyPem(stdout)).rejects.toThrow(new ValidationError('key', message.replace(/^key: /, '')));
  });

  it('rejects an encrypted key and says how to decrypt it, without echoing the key', async () => {
    const encrypted = await runOpensslOk(['pkey', '-in', 'key.pem', '-aes256', '-passout', 'file:pass.txt'], {
      files: { 'key.pem': key('ec:p256').privateKeyPem, 'pass.txt': 'not-a-real-secret\n' },
    });
    const error = await importPrivateKeyPem(encrypted.stdout, '--key').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as Error).message).toBe('--key: the private key is encrypted: decrypt it first (openssl pkey -in key.pem -out plain-key.pem)');
  });

  it.each([
    ['a certificate instead of a key', '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n', 'key: expected a PKCS#8 PEM private key (a "PRIVATE KEY" block), found "CERTIFICATE"'],
    ['garbage', 'not a key', 'key: expected a PKCS#8 PEM private key (a "PRIVATE KEY" block), found no PEM block'],
    ['a corrupted key body', pemText('PRIVATE KEY', 'AAAAAAAA'), 'key: the "PRIVATE KEY" block is not a readable private key'],
  ])('rejects %s with a CertificateFormatError', async (_case, pem, message) => {
    await expect(importPrivateKeyPem(pem)).rejects.toThrow(new CertificateFormatError(message));
  });

  it('keeps key material out of the error message', async () => {
    const pem = key('rsa:2048').privateKeyPem.replace(/\n([A-Za-z0-9+/]{64})\n/, '\n$1!\n');
    const error = (await importPrivateKeyPem(pem).catch((e: unknown) => e)) as Error;
    expect(error).toBeInstanceOf(CertificateFormatError);
    const bodyLine = key('rsa:2048').privateKeyPem.split('\n')[3]!;
    expect(error.message).not.toContain(bodyLine.slice(0, 16));
  });
});
