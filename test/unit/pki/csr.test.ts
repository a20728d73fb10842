import { beforeAll, describe, expect, it } from 'vitest';
import { ValidationError } from '../../../src/errors.js';
import { buildCsr, type CsrRequest } from '../../../src/pki/csr.js';
import { generateKeyPair, importPrivateKeyPem, type KeyMaterial, type KeySpec } from '../../../src/pki/keys.js';
import { pemDecode, pemEncode } from '../../../src/pki/pem.js';
import { runOpenssl, runOpensslOk } from '../../helpers/openssl.js';

const keys = new Map<KeySpec, KeyMaterial>();
beforeAll(async () => {
  for (const spec of ['rsa:2048', 'ec:p256', 'ec:p384'] as const) keys.set(spec, await generateKeyPair(spec));
}, 60_000);
const key = (spec: KeySpec): KeyMaterial => keys.get(spec)!;

const full: CsrRequest = {
  subject: { cn: 'vpn.example.com', ou: 'Network', o: 'Example Ltd', c: 'DE', st: 'Bayern', l: 'München', email: 'noc@example.com' },
  sans: ['vpn.example.com', '*.vpn.example.com', '192.0.2.10', '2001:db8::1'],
};

async function reqText(csr: string): Promise<string> {
  const result = await runOpensslOk(['req', '-in', 'csr.pem', '-noout', '-verify', '-text', '-nameopt', 'multiline,show_type,-esc_msb,utf8'], { files: { 'csr.pem': csr } });
  // OpenSSL 3.0 exits 0 even when the signature is bad: the message is the verdict.
  expect(result.stderr).toContain('self-signature verify OK');
  return result.stdout;
}

describe('buildCsr', () => {
  it.each<[KeySpec, string, RegExp]>([
    ['rsa:2048', 'sha256WithRSAEncryption', /Public-Key: \(2048 bit\)/],
    ['ec:p256', 'ecdsa-with-SHA256', /ASN1 OID: prime256v1/],
    ['ec:p384', 'ecdsa-with-SHA384', /ASN1 OID: secp384r1/],
  ])('signs a %s CSR that openssl verifies, with subject and SANs visible', async (spec, signature, keyLine) => {
    const csr = await buildCsr(full, key(spec));
    expect(csr).toMatch(/^-----BEGIN CERTIFICATE REQUEST-----\n[\s\S]+-----END CERTIFICATE REQUEST-----\n$/);
    const text = await reqText(csr);
    expect(text).toContain(`Signature Algorithm: ${signature}`);
    expect(text).not.toMatch(/rsassaPss|RSASSA-PSS/i);
    expect(text).toMatch(keyLine);
    expect(text).toContain('commonName                = PRINTABLESTRING:vpn.example.com');
    expect(text).toContain('localityName              = UTF8STRING:München');
    expect(text).toContain('emailAddress              = IA5STRING:noc@example.com');
    expect(text).toContain('DNS:vpn.example.com, DNS:*.vpn.example.com, IP Address:192.0.2.10, IP Address:2001:DB8:0:0:0:0:0:1');
    // The public key in the CSR is the one of the key pair.
    const pub = await runOpensslOk(['req', '-in', 'csr.pem', '-noout', '-pubkey'], { files: { 'csr.pem': csr } });
    expect(pub.stdout).toBe(key(spec).publicKeyPem);
  });

  it('encodes the subject in the order C, ST, L, O, OU, CN, E with PrintableString, UTF8String and IA5String', async () => {
    const csr = await buildCsr(full, key('ec:p256'));
    const { stdout } = await runOpensslOk(['asn1parse', '-in', 'csr.pem'], { files: { 'csr.pem': csr } });
    const attributes = [...stdout.matchAll(/OBJECT\s+:(\w+)\n.*prim: (\w+)\s+:(.*)/g)].map(([, type, encoding, value]) => `${type}=${encoding}:${value}`);
    expect(attributes.slice(0, 7)).toEqual([
      'countryName=PRINTABLESTRING:DE',
      'stateOrProvinceName=PRINTABLESTRING:Bayern',
      'localityName=UTF8STRING:München',
      'organizationName=PRINTABLESTRING:Example Ltd',
      'organizationalUnitName=PRINTABLESTRING:Network',
      'commonName=PRINTABLESTRING:vpn.example.com',
      'emailAddress=IA5STRING:noc@example.com',
    ]);
  });

  it('uses UTF8String for characters outside PrintableString (e.g. "&" and "_")', async () => {
    const csr = await buildCsr({ subject: { cn: 'vpn_1.example.com', o: 'Smith & Sons' } }, key('ec:p256'));
    const text = await reqText(csr);
    expect(text).toContain('commonName                = UTF8STRING:vpn_1.example.com');
    expect(text).toContain('organizationName          = UTF8STRING:Smith & Sons');
  });

  it('puts no extension request in a CSR without SANs', async () => {
    const csr = await buildCsr({ subject: { cn: 'asa1' } }, key('rsa:2048'));
    const text = await reqText(csr);
    expect(text).toMatch(/Subject:\s+commonName\s+= PRINTABLESTRING:asa1\n/);
    expect(text).not.toContain('Subject Alternative Name');
    const { stdout } = await runOpensslOk(['asn1parse', '-in', 'csr.pem'], { files: { 'csr.pem': csr } });
    expect(stdout).not.toContain('Extension Request');
  });

  it('signs with a key imported from openssl PKCS#1 PEM', async () => {
    const pkcs1 = await runOpensslOk(['pkey', '-in', 'key.pem', '-traditional'], { files: { 'key.pem': key('rsa:2048').privateKeyPem } });
    const csr = await buildCsr({ subject: { cn: 'vpn.example.com' }, sans: ['vpn.example.com'] }, await importPrivateKeyPem(pkcs1.stdout));
    expect(await reqText(csr)).toContain('DNS:vpn.example.com');
  });

  it('produces a signature that openssl rejects once the subject is altered (the check is real)', async () => {
    const csr = await buildCsr({ subject: { cn: 'vpn.example.com' } }, key('ec:p256'));
    const der = Buffer.from(pemDecode(csr, 'CERTIFICATE REQUEST'));
    const at = der.indexOf(Buffer.from('vpn.example.com'));
    der[at] = 'w'.charCodeAt(0);
    const result = await runOpenssl(['req', '-in', 'csr.pem', '-noout', '-verify'], { files: { 'csr.pem': pemEncode('CERTIFICATE REQUEST', der) } });
    // OpenSSL 3.0 `req -verify` exits 0 even on a bad signature: only its message tells.
    expect(result.stderr).toContain('self-signature verify failure');
    expect(result.stderr).not.toContain('verify OK');
  });

  it.each<[string, CsrRequest, string]>([
    ['a bad country', { subject: { cn: 'x', c: 'USA' } }, 'subject.c'],
    ['a missing CN', { subject: { cn: '' } }, 'subject.cn'],
    ['a partial wildcard', { subject: { cn: 'x' }, sans: ['a*.example.com'] }, 'sans'],
  ])('validates before signing: %s', async (_case, request, field) => {
    const error = await buildCsr(request, key('ec:p256')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).field).toBe(field);
  });
});
