// What an operator (and the workflow) needs to know about a certificate, in the terms the
// ASA uses: serial as `show crypto ca certificates` prints it, subject in encoded order
// with the ASA's attribute keys, key type and size, usages, CRL and OCSP locations.
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { X509Certificate as NodeX509, createHash, createPrivateKey, createPublicKey, webcrypto, type KeyObject } from 'node:crypto';
import { CertificateFormatError } from '../errors.js';
import { pemDecode, pemEncode, splitPemBlocks } from './pem.js';

x509.cryptoProvider.set(webcrypto);

export interface NameAttribute {
  /** 'cn','ou','o','l','st','c','dc','e','serialNumber','hostname','ipaddress', or the dotted OID. */
  type: string;
  value: string;
}

export interface CertificateInfo {
  /** Lowercase hex of the DER INTEGER content bytes, a leading 00 included: as the ASA prints it. */
  serialHex: string;
  /** In DER (encoded) order; the ASA displays the reverse. */
  subject: NameAttribute[];
  issuer: NameAttribute[];
  notBefore: Date;
  notAfter: Date;
  keyType: 'RSA' | 'EC';
  keyBits: number;
  curve?: 'P-256' | 'P-384';
  signatureAlgorithm: 'sha256WithRSAEncryption' | 'sha384WithRSAEncryption' | 'ecdsa-with-SHA256' | 'ecdsa-with-SHA384' | string;
  dnsNames: string[];
  ipAddresses: string[];
  keyUsage: string[];
  extendedKeyUsage: string[];
  isCa: boolean;
  selfSigned: boolean;
  crlDistributionPoints: string[];
  ocspUrls: string[];
  /** Lowercase hex, no separators. */
  sha256Fingerprint: string;
  md5Fingerprint: string;
  der: Uint8Array;
  pem: string;
}

// --- a minimal DER reader: only what the fields above need ---------------------------------

interface Tlv {
  tag: number;
  content: Uint8Array;
  /** Offset just after this element. */
  end: number;
}

function readTlv(bytes: Uint8Array, offset: number): Tlv {
  const fail = (): never => {
    throw new CertificateFormatError(`not a DER certificate: malformed ASN.1 at byte ${offset}`);
  };
  if (offset + 2 > bytes.length) fail();
  const tag = bytes[offset]!;
  let length = bytes[offset + 1]!;
  let start = offset + 2;
  if (length & 0x80) {
    const count = length & 0x7f;
    if (count === 0 || count > 4 || start + count > bytes.length) fail();
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + bytes[start + i]!;
    start += count;
  }
  if (start + length > bytes.length) fail();
  return { tag, content: bytes.subarray(start, start + length), end: start + length };
}

function children(content: Uint8Array): Tlv[] {
  const items: Tlv[] = [];
  for (let offset = 0; offset < content.length; ) {
    const item = readTlv(content, offset);
    items.push(item);
    offset = item.end;
  }
  return items;
}

function decodeOid(content: Uint8Array): string {
  const parts: number[] = [];
  let value = 0;
  for (const byte of content) {
    value = value * 128 + (byte & 0x7f);
    if (!(byte & 0x80)) {
      if (parts.length === 0) parts.push(value < 80 ? Math.floor(value / 40) : 2, value < 80 ? value % 40 : value - 80);
      else parts.push(value);
      value = 0;
    }
  }
  return parts.join('.');
}

function decodeString(tlv: Tlv): string {
  switch (tlv.tag) {
    case 0x0c: // UTF8String
      return Buffer.from(tlv.content).toString('utf8');
    case 0x13: // PrintableString
    case 0x16: // IA5String
    case 0x14: // TeletexString (T.61): read as Latin-1, as OpenSSL does
    case 0x1a: // VisibleString
      return Buffer.from(tlv.content).toString('latin1');
    case 0x1e: // BMPString: UTF-16BE
      return Buffer.from(tlv.content).swap16().toString('utf16le');
    case 0x1c: {
      // UniversalString: UTF-32BE
      const points: number[] = [];
      for (let i = 0; i + 3 < tlv.content.length; i += 4) points.push(Buffer.from(tlv.content.subarray(i, i + 4)).readUInt32BE(0));
      return String.fromCodePoint(...points);
    }
    default:
      return `#${Buffer.from(tlv.content).toString('hex')}`;
  }
}

const ATTRIBUTE_KEYS: Record<string, string> = {
  '2.5.4.3': 'cn',
  '2.5.4.11': 'ou',
  '2.5.4.10': 'o',
  '2.5.4.7': 'l',
  '2.5.4.8': 'st',
  '2.5.4.6': 'c',
  '2.5.4.5': 'serialNumber',
  '0.9.2342.19200300.100.1.25': 'dc',
  '1.2.840.113549.1.9.1': 'e',
  '1.2.840.113549.1.9.2': 'hostname', // unstructuredName, added by ASA enrollment
  '1.2.840.113549.1.9.8': 'ipaddress', // unstructuredAddress, added by ASA enrollment
};

function decodeName(content: Uint8Array): NameAttribute[] {
  const attributes: NameAttribute[] = [];
  for (const rdn of children(content)) {
    for (const atv of children(rdn.content)) {
      const [type, value] = children(atv.content);
      if (!type || !value || type.tag !== 0x06) throw new CertificateFormatError('not a DER certificate: malformed distinguished name');
      const oid = decodeOid(type.content);
      attributes.push({ type: ATTRIBUTE_KEYS[oid] ?? oid, value: decodeString(value) });
    }
  }
  return attributes;
}

const SIGNATURE_ALGORITHMS: Record<string, string> = {
  '1.2.840.113549.1.1.4': 'md5WithRSAEncryption',
  '1.2.840.113549.1.1.5': 'sha1WithRSAEncryption',
  '1.2.840.113549.1.1.10': 'rsassaPss',
  '1.2.840.113549.1.1.11': 'sha256WithRSAEncryption',
  '1.2.840.113549.1.1.12': 'sha384WithRSAEncryption',
  '1.2.840.113549.1.1.13': 'sha512WithRSAEncryption',
  '1.2.840.10045.4.1': 'ecdsa-with-SHA1',
  '1.2.840.10045.4.3.2': 'ecdsa-with-SHA256',
  '1.2.840.10045.4.3.3': 'ecdsa-with-SHA384',
  '1.2.840.10045.4.3.4': 'ecdsa-with-SHA512',
};

interface RawFields {
  serial: Uint8Array;
  signatureOid: string;
  issuer: Uint8Array;
  subject: Uint8Array;
}

/** Certificate ::= SEQUENCE { tbs SEQUENCE { [0] version?, serial, sigAlg, issuer, validity, subject, ... }, sigAlg, sig } */
function readRawFields(der: Uint8Array): RawFields {
  const certificate = readTlv(der, 0);
  if (certificate.tag !== 0x30 || certificate.end !== der.length) throw new CertificateFormatError('not a DER certificate: expected one ASN.1 SEQUENCE');
  const [tbs, signatureAlgorithm] = children(certificate.content);
  if (!tbs || tbs.tag !== 0x30 || !signatureAlgorithm) throw new CertificateFormatError('not a DER certificate: no tbsCertificate');
  const fields = children(tbs.content);
  const rest = fields[0]?.tag === 0xa0 ? fields.slice(1) : fields;
  const [serial, , issuer, , subject] = rest;
  const [algorithm] = children(signatureAlgorithm.content);
  if (!serial || serial.tag !== 0x02 || !issuer || !subject || !algorithm || algorithm.tag !== 0x06) {
    throw new CertificateFormatError('not a DER certificate: tbsCertificate lacks serial, issuer or subject');
  }
  return { serial: serial.content, signatureOid: decodeOid(algorithm.content), issuer: issuer.content, subject: subject.content };
}

// --- the public functions ---------------------------------------------------------------------

function toDer(pemOrDer: string | Uint8Array): Uint8Array {
  if (typeof pemOrDer === 'string') return pemDecode(pemOrDer, 'CERTIFICATE');
  if (pemOrDer instanceof Uint8Array) return new Uint8Array(pemOrDer);
  throw new CertificateFormatError(`expected a PEM string or DER bytes, got ${typeof pemOrDer}`);
}

const KEY_USAGE_NAMES: [x509.KeyUsageFlags, string][] = [
  [x509.KeyUsageFlags.digitalSignature, 'digitalSignature'],
  [x509.KeyUsageFlags.nonRepudiation, 'nonRepudiation'],
  [x509.KeyUsageFlags.keyEncipherment, 'keyEncipherment'],
  [x509.KeyUsageFlags.dataEncipherment, 'dataEncipherment'],
  [x509.KeyUsageFlags.keyAgreement, 'keyAgreement'],
  [x509.KeyUsageFlags.keyCertSign, 'keyCertSign'],
  [x509.KeyUsageFlags.cRLSign, 'cRLSign'],
  [x509.KeyUsageFlags.encipherOnly, 'encipherOnly'],
  [x509.KeyUsageFlags.decipherOnly, 'decipherOnly'],
];

const EKU_NAMES: Record<string, string> = {
  '1.3.6.1.5.5.7.3.1': 'serverAuth',
  '1.3.6.1.5.5.7.3.2': 'clientAuth',
  '1.3.6.1.5.5.7.3.3': 'codeSigning',
  '1.3.6.1.5.5.7.3.4': 'emailProtection',
  '1.3.6.1.5.5.7.3.8': 'timeStamping',
  '1.3.6.1.5.5.7.3.9': 'OCSPSigning',
  '1.3.6.1.5.5.7.3.17': 'ipsecIKE',
  '2.5.29.37.0': 'anyExtendedKeyUsage',
};

function keyDetails(key: KeyObject): Pick<CertificateInfo, 'keyType' | 'keyBits' | 'curve'> {
  const details = key.asymmetricKeyDetails ?? {};
  if (key.asymmetricKeyType === 'rsa' || key.asymmetricKeyType === 'rsa-pss') return { keyType: 'RSA', keyBits: details.modulusLength ?? 0 };
  if (key.asymmetricKeyType === 'ec') {
    if (details.namedCurve === 'prime256v1') return { keyType: 'EC', keyBits: 256, curve: 'P-256' };
    if (details.namedCurve === 'secp384r1') return { keyType: 'EC', keyBits: 384, curve: 'P-384' };
    throw new CertificateFormatError(`unsupported EC curve ${details.namedCurve ?? '?'}: expected P-256 or P-384`);
  }
  throw new CertificateFormatError(`unsupported public key type ${key.asymmetricKeyType ?? '?'}: expected RSA or EC`);
}

function parseNode(der: Uint8Array): NodeX509 {
  try {
    return new NodeX509(Buffer.from(der));
  } catch (error) {
    throw new CertificateFormatError('not a readable X.509 certificate', { cause: error });
  }
}

function parsePeculiar(der: Uint8Array): x509.X509Certificate {
  try {
    return new x509.X509Certificate(der);
  } catch (error) {
    throw new CertificateFormatError('not a readable X.509 certificate', { cause: error });
  }
}

function uris(names: readonly x509.GeneralName[]): string[] {
  return Array.from(names).filter((n) => n.type === 'url').map((n) => n.value);
}

/** Everything about one certificate (PEM or DER). CertificateFormatError when it is not one. */
export function describeCertificate(pemOrDer: string | Uint8Array): CertificateInfo {
  const der = toDer(pemOrDer);
  const raw = readRawFields(der);
  const node = parseNode(der);
  const cert = parsePeculiar(der);

  const dnsNames: string[] = [];
  const ipAddresses: string[] = [];
  const san = cert.getExtension(x509.SubjectAlternativeNameExtension);
  for (const name of san?.names.items ?? []) {
    if (name.type === 'dns') dnsNames.push(name.value);
    if (name.type === 'ip') ipAddresses.push(name.value);
  }
  const keyUsage = cert.getExtension(x509.KeyUsagesExtension);
  const eku = cert.getExtension(x509.ExtendedKeyUsageExtension);
  const basic = cert.getExtension(x509.BasicConstraintsExtension);
  const crl = cert.getExtension(x509.CRLDistributionPointsExtension);
  const aia = cert.getExtension(x509.AuthorityInfoAccessExtension);
  const crlUrls = Array.from(crl?.distributionPoints ?? []).flatMap((point) =>
    Array.from(point.distributionPoint?.fullName ?? []).flatMap((name) => (name.uniformResourceIdentifier ? [name.uniformResourceIdentifier] : [])),
  );
  const sameName = Buffer.compare(Buffer.from(raw.issuer), Buffer.from(raw.subject)) === 0;
  const info: CertificateInfo = {
    serialHex: Buffer.from(raw.serial).toString('hex'),
    subject: decodeName(raw.subject),
    issuer: decodeName(raw.issuer),
    notBefore: cert.notBefore,
    notAfter: cert.notAfter,
    ...keyDetails(node.publicKey),
    signatureAlgorithm: SIGNATURE_ALGORITHMS[raw.signatureOid] ?? raw.signatureOid,
    dnsNames,
    ipAddresses,
    keyUsage: KEY_USAGE_NAMES.filter(([flag]) => keyUsage !== null && (keyUsage.usages & flag) !== 0).map(([, name]) => name),
    extendedKeyUsage: Array.from(eku?.usages ?? [], (oid) => EKU_NAMES[String(oid)] ?? String(oid)),
    isCa: basic?.ca ?? false,
    selfSigned: sameName && verifiesWith(node, node.publicKey),
    crlDistributionPoints: crlUrls,
    ocspUrls: uris(aia?.ocsp ?? []),
    sha256Fingerprint: createHash('sha256').update(der).digest('hex'),
    md5Fingerprint: createHash('md5').update(der).digest('hex'),
    der,
    pem: pemEncode('CERTIFICATE', der),
  };
  return info;
}

function verifiesWith(cert: NodeX509, key: KeyObject): boolean {
  try {
    return cert.verify(key);
  } catch {
    return false;
  }
}

function spkiOf(key: KeyObject): Buffer {
  return key.export({ format: 'der', type: 'spki' });
}

/** True when the certificate carries the public half of this private key. */
export function publicKeyMatches(certificatePem: string, privateKeyPem: string): boolean {
  const cert = parseNode(pemDecode(certificatePem, 'CERTIFICATE'));
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(privateKeyPem);
  } catch (error) {
    throw new CertificateFormatError('the private key is not readable (expected unencrypted PEM)', { cause: error });
  }
  return spkiOf(cert.publicKey).equals(spkiOf(createPublicKey(privateKey)));
}

/** True when `issuer` issued `subject`: names chain and the signature verifies with the issuer's key. */
export function isIssuedBy(subjectPem: string, issuerPem: string): boolean {
  const subject = parseNode(pemDecode(subjectPem, 'CERTIFICATE'));
  const issuer = parseNode(pemDecode(issuerPem, 'CERTIFICATE'));
  return subject.checkIssued(issuer) && verifiesWith(subject, issuer.publicKey);
}

/**
 * The issuers of `leafPem` found in `others` (PEM strings, each may hold several blocks), in
 * order: the leaf's issuer first, up to the root. Duplicates, the leaf itself and
 * certificates outside the chain are dropped. Each entry is a single normalised PEM block.
 */
export function orderChain(leafPem: string, others: string[]): string[] {
  const candidates = new Map<string, NodeX509>();
  for (const text of others) {
    for (const block of splitPemBlocks(text)) {
      if (block.label !== 'CERTIFICATE') continue;
      const key = Buffer.from(block.der).toString('base64');
      if (!candidates.has(key)) candidates.set(key, parseNode(block.der));
    }
  }
  const leafDer = pemDecode(leafPem, 'CERTIFICATE');
  let current = parseNode(leafDer);
  const used = new Set<string>([Buffer.from(leafDer).toString('base64')]);
  const chain: string[] = [];
  for (;;) {
    if (current.checkIssued(current) && verifiesWith(current, current.publicKey)) break; // reached a root
    const next = [...candidates.entries()].find(([key, cert]) => !used.has(key) && current.checkIssued(cert) && verifiesWith(current, cert.publicKey));
    if (!next) break;
    const [key, cert] = next;
    used.add(key);
    chain.push(pemEncode('CERTIFICATE', new Uint8Array(cert.raw)));
    current = cert;
  }
  return chain;
}
