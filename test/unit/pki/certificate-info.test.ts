import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { CertificateFormatError } from '../../../src/errors.js';
import { describeCertificate, isIssuedBy, orderChain, publicKeyMatches } from '../../../src/pki/certificate-info.js';
import { generateKeyPair, type KeyMaterial } from '../../../src/pki/keys.js';
import { pemDecode, pemEncode, splitPemBlocks } from '../../../src/pki/pem.js';
import { runOpensslOk } from '../../helpers/openssl.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const referenceFile = path.resolve(repoRoot, '../shared/asa-reference/show-crypto-ca-certificates-05-input-certs.pem.txt');

let referenceText: string;
let identityPem: string;
let caPem: string;
let ecKey: KeyMaterial;

beforeAll(async () => {
  referenceText = await readFile(referenceFile, 'utf8');
  const blocks = splitPemBlocks(referenceText);
  identityPem = pemEncode('CERTIFICATE', blocks[0]!.der);
  caPem = pemEncode('CERTIFICATE', blocks[1]!.der);
  ecKey = await generateKeyPair('ec:p256');
});

describe('describeCertificate on the real ASA lab certificates (transcript 05)', () => {
  it('reads the identity certificate the way the ASA shows it', () => {
    const info = describeCertificate(identityPem);
    expect(info.serialHex).toBe('11000000146ca288ef7c518e3a000000000014');
    expect(info.subject).toEqual([
      { type: 'ipaddress', value: '202.100.3.10' },
      { type: 'hostname', value: 'asa.qytang.com' },
      { type: 'o', value: 'qytbj' },
      { type: 'ou', value: 'qytang' },
      { type: 'cn', value: 'asa.qytang.com' },
    ]);
    expect(info.issuer).toEqual([
      { type: 'dc', value: 'com' },
      { type: 'dc', value: 'qytang' },
      { type: 'cn', value: 'qytang-WIN2019-CA' },
    ]);
    expect(info.notBefore).toEqual(new Date('2023-11-01T01:20:43Z'));
    expect(info.notAfter).toEqual(new Date('2025-10-31T01:20:43Z'));
    expect(info).toMatchObject({
      keyType: 'RSA',
      keyBits: 2048,
      signatureAlgorithm: 'sha256WithRSAEncryption',
      dnsNames: ['asa.qytang.com'],
      ipAddresses: [],
      keyUsage: ['digitalSignature', 'keyEncipherment'],
      extendedKeyUsage: ['serverAuth'],
      isCa: false,
      selfSigned: false,
      ocspUrls: [],
    });
    expect(info.curve).toBeUndefined();
    expect(info.crlDistributionPoints).toEqual([
      'ldap:///CN=qytang-WIN2019-CA,CN=WIN2019,CN=CDP,CN=Public%20Key%20Services,CN=Services,CN=Configuration,DC=qytang,DC=com?certificateRevocationList?base?objectClass=cRLDistributionPoint',
    ]);
  });

  it('reads the CA certificate: serial, self-signed, CA usages', () => {
    const info = describeCertificate(caPem);
    expect(info.serialHex).toBe('3eec76fb95de8eaa4f8ba62964a87d98');
    expect(info.isCa).toBe(true);
    expect(info.selfSigned).toBe(true);
    expect(info.keyUsage).toEqual(['digitalSignature', 'keyCertSign', 'cRLSign']);
    expect(info.subject).toEqual(info.issuer);
  });

  it('gives the fingerprints openssl gives', async () => {
    const info = describeCertificate(identityPem);
    const sha256 = await runOpensslOk(['x509', '-in', 'c.pem', '-noout', '-fingerprint', '-sha256'], { files: { 'c.pem': identityPem } });
    const md5 = await runOpensslOk(['x509', '-in', 'c.pem', '-noout', '-fingerprint', '-md5'], { files: { 'c.pem': identityPem } });
    const hex = (line: string): string => line.trim().split('=')[1]!.replace(/:/g, '').toLowerCase();
    expect(info.sha256Fingerprint).toBe(hex(sha256.stdout));
    expect(info.md5Fingerprint).toBe(hex(md5.stdout));
  });

  it('accepts DER bytes and returns the same PEM and DER', () => {
    const der = pemDecode(identityPem, 'CERTIFICATE');
    const info = describeCertificate(der);
    expect(info.pem).toBe(identityPem);
    expect(info.der).toEqual(der);
  });

  it('orders the chain and links issuer and subject', () => {
    expect(orderChain(identityPem, [referenceText])).toEqual([caPem]);
    expect(isIssuedBy(identityPem, caPem)).toBe(true);
    expect(isIssuedBy(caPem, identityPem)).toBe(false);
  });
});

describe('describeCertificate on generated certificates', () => {
  it('keeps a leading 00 of the serial, reports the curve and decodes multi-valued RDNs and other OIDs', async () => {
    const { stdout } = await runOpensslOk(
      ['req', '-x509', '-new', '-key', 'k.pem', '-days', '1', '-set_serial', '0x8a0102030405060708090a0b0c0d0e0f', '-multivalue-rdn', '-utf8',
        '-subj', '/C=DE/O=Ex\u00e4mple+OU=Net/CN=vpn.example.com/serialNumber=FTX1234/title=Boss/emailAddress=noc@example.com',
        '-addext', 'subjectAltName=DNS:vpn.example.com,IP:192.0.2.1,IP:2001:db8::1',
        '-addext', 'authorityInfoAccess=OCSP;URI:http://ocsp.example.com,caIssuers;URI:http://ca.example.com/ca.crt',
        '-addext', 'crlDistributionPoints=URI:http://crl.example.com/ca.crl'],
      { files: { 'k.pem': ecKey.privateKeyPem } },
    );
    const info = describeCertificate(stdout);
    expect(info.serialHex).toBe('008a0102030405060708090a0b0c0d0e0f');
    expect(info.subject).toEqual([
      { type: 'c', value: 'DE' },
      // One RDN "O+OU": a DER SET OF is sorted by encoding, and the shorter OU sorts first.
      { type: 'ou', value: 'Net' },
      { type: 'o', value: 'Exämple' },
      { type: 'cn', value: 'vpn.example.com' },
      { type: 'serialNumber', value: 'FTX1234' },
      { type: '2.5.4.12', value: 'Boss' },
      { type: 'e', value: 'noc@example.com' },
    ]);
    expect(info).toMatchObject({ keyType: 'EC', keyBits: 256, curve: 'P-256', signatureAlgorithm: 'ecdsa-with-SHA256', selfSigned: true, isCa: true });
    expect(info.dnsNames).toEqual(['vpn.example.com']);
    expect(info.ipAddresses).toEqual(['192.0.2.1', '2001:db8::1']);
    expect(info.ocspUrls).toEqual(['http://ocsp.example.com']);
    expect(info.crlDistributionPoints).toEqual(['http://crl.example.com/ca.crl']);
  });

  it('checks that a private key belongs to a certificate', async () => {
    const { stdout } = await runOpensslOk(['req', '-x509', '-new', '-key', 'k.pem', '-days', '1', '-subj', '/CN=x'], { files: { 'k.pem': ecKey.privateKeyPem } });
    expect(publicKeyMatches(stdout, ecKey.privateKeyPem)).toBe(true);
    const other = await generateKeyPair('ec:p256');
    expect(publicKeyMatches(stdout, other.privateKeyPem)).toBe(false);
    expect(publicKeyMatches(identityPem, other.privateKeyPem)).toBe(false);
  });

  it.each([
    ['a CSR', '-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----\n'],
    ['random bytes', pemEncode('CERTIFICATE', new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x01]))],
    ['a truncated certificate', 'TRUNCATE'],
  ])('rejects %s with CertificateFormatError', (_case, input) => {
    const text = input === 'TRUNCATE' ? pemEncode('CERTIFICATE', pemDecode(identityPem).subarray(0, 500)) : input;
    expect(() => describeCertificate(text)).toThrow(CertificateFormatError);
  });
});
