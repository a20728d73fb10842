// ASN.1 plumbing for the PKCS#12 modules: the OIDs, small asn1js builders, and readers that
// check the shape of what they read and throw Pkcs12FormatError naming the structure at
// fault. asn1js objects stay inside these modules; callers exchange DER bytes.
import * as asn1js from 'asn1js';
import { Pkcs12FormatError } from '../errors.js';

export const OID = {
  data: '1.2.840.113549.1.7.1',
  signedData: '1.2.840.113549.1.7.2',
  envelopedData: '1.2.840.113549.1.7.3',
  encryptedData: '1.2.840.113549.1.7.6',
  keyBag: '1.2.840.113549.1.12.10.1.1',
  pkcs8ShroudedKeyBag: '1.2.840.113549.1.12.10.1.2',
  certBag: '1.2.840.113549.1.12.10.1.3',
  crlBag: '1.2.840.113549.1.12.10.1.4',
  secretBag: '1.2.840.113549.1.12.10.1.5',
  safeContentsBag: '1.2.840.113549.1.12.10.1.6',
  x509Certificate: '1.2.840.113549.1.9.22.1',
  friendlyName: '1.2.840.113549.1.9.20',
  localKeyId: '1.2.840.113549.1.9.21',
  pbeWithSha1And128BitRc4: '1.2.840.113549.1.12.1.1',
  pbeWithSha1And40BitRc4: '1.2.840.113549.1.12.1.2',
  pbeWithSha1And3KeyTripleDesCbc: '1.2.840.113549.1.12.1.3',
  pbeWithSha1And2KeyTripleDesCbc: '1.2.840.113549.1.12.1.4',
  pbeWithSha1And128BitRc2Cbc: '1.2.840.113549.1.12.1.5',
  pbeWithSha1And40BitRc2Cbc: '1.2.840.113549.1.12.1.6',
  pbes2: '1.2.840.113549.1.5.13',
  pbkdf2: '1.2.840.113549.1.5.12',
  hmacWithSha1: '1.2.840.113549.2.7',
  hmacWithSha224: '1.2.840.113549.2.8',
  hmacWithSha256: '1.2.840.113549.2.9',
  hmacWithSha384: '1.2.840.113549.2.10',
  hmacWithSha512: '1.2.840.113549.2.11',
  aes128Cbc: '2.16.840.1.101.3.4.1.2',
  aes192Cbc: '2.16.840.1.101.3.4.1.22',
  aes256Cbc: '2.16.840.1.101.3.4.1.42',
  desEde3Cbc: '1.2.840.113549.3.7',
  sha1: '1.3.14.3.2.26',
  sha224: '2.16.840.1.101.3.4.2.4',
  sha256: '2.16.840.1.101.3.4.2.1',
  sha384: '2.16.840.1.101.3.4.2.2',
  sha512: '2.16.840.1.101.3.4.2.3',
} as const;

export type Asn1Node = asn1js.AsnType;

// --- writing -----------------------------------------------------------------------------

export function toDer(node: asn1js.BaseBlock): Uint8Array {
  return new Uint8Array(node.toBER(false));
}

export function oidNode(oid: string): asn1js.ObjectIdentifier {
  return new asn1js.ObjectIdentifier({ value: oid });
}

export function octetsNode(bytes: Uint8Array): asn1js.OctetString {
  return new asn1js.OctetString({ valueHex: copyBytes(bytes) });
}

export function integerNode(value: number): asn1js.Integer {
  return new asn1js.Integer({ value });
}

export function sequenceNode(...value: asn1js.BaseBlock[]): asn1js.Sequence {
  return new asn1js.Sequence({ value });
}

/** `[0] EXPLICIT inner` */
export function explicitZero(inner: asn1js.BaseBlock): asn1js.Constructed {
  return new asn1js.Constructed({ idBlock: { tagClass: 3, tagNumber: 0 }, value: [inner] });
}

/** `[0] IMPLICIT OCTET STRING` (EncryptedContentInfo.encryptedContent). */
export function implicitZeroOctets(bytes: Uint8Array): asn1js.Primitive {
  return new asn1js.Primitive({ idBlock: { tagClass: 3, tagNumber: 0 }, valueHex: copyBytes(bytes) });
}

export function algorithmIdentifier(oid: string, parameters?: asn1js.BaseBlock): asn1js.Sequence {
  return parameters ? sequenceNode(oidNode(oid), parameters) : sequenceNode(oidNode(oid));
}

/**
 * A DER `SET OF`: the elements sorted by their encodings (X.690 11.6). asn1js keeps the
 * given order, and a strict reader may reject an unsorted set.
 */
export function derSetOf(elements: asn1js.BaseBlock[]): asn1js.Set {
  const encoded = elements.map((element) => ({ element, der: toDer(element) }));
  encoded.sort((a, b) => compareBytes(a.der, b.der));
  return new asn1js.Set({ value: encoded.map((e) => e.element) });
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const d = (a[i] as number) - (b[i] as number);
    if (d !== 0) return d;
  }
  return a.length - b.length;
}

/** A fresh Uint8Array that owns its ArrayBuffer (a Buffer may be a slice of a shared pool). */
export function copyBytes(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(bytes.length);
  out.set(bytes);
  return out;
}

// --- reading -----------------------------------------------------------------------------

/** Parses exactly one BER/DER element filling `bytes`. */
export function parseDer(bytes: Uint8Array, what: string): Asn1Node {
  if (bytes.length === 0) throw new Pkcs12FormatError(`${what}: empty input`);
  const parsed = asn1js.fromBER(copyBytes(bytes));
  if (parsed.offset === -1 || parsed.result.error) {
    const detail = parsed.result.error ? `: ${parsed.result.error}` : '';
    throw new Pkcs12FormatError(`${what}: not valid DER${detail}`);
  }
  if (parsed.offset !== bytes.length) {
    throw new Pkcs12FormatError(`${what}: ${bytes.length - parsed.offset} unexpected bytes after the DER structure`);
  }
  return parsed.result;
}

function describeNode(node: Asn1Node): string {
  const { tagClass, tagNumber } = node.idBlock;
  return tagClass === 1 ? `${node.constructor.name} (tag ${tagNumber})` : `[${tagNumber}] (class ${tagClass})`;
}

/** The elements of a SEQUENCE, with at least `min` of them. */
export function sequenceItems(node: Asn1Node | undefined, what: string, min = 0): Asn1Node[] {
  if (!(node instanceof asn1js.Sequence)) {
    throw new Pkcs12FormatError(`${what}: expected a SEQUENCE, found ${node ? describeNode(node) : 'nothing'}`);
  }
  const items = node.valueBlock.value;
  if (items.length < min) throw new Pkcs12FormatError(`${what}: expected at least ${min} elements, found ${items.length}`);
  return items;
}

export function setItems(node: Asn1Node | undefined, what: string): Asn1Node[] {
  if (!(node instanceof asn1js.Set)) {
    throw new Pkcs12FormatError(`${what}: expected a SET, found ${node ? describeNode(node) : 'nothing'}`);
  }
  return node.valueBlock.value;
}

export function readOid(node: Asn1Node | undefined, what: string): string {
  if (!(node instanceof asn1js.ObjectIdentifier)) {
    throw new Pkcs12FormatError(`${what}: expected an OBJECT IDENTIFIER, found ${node ? describeNode(node) : 'nothing'}`);
  }
  return node.getValue();
}

/** The bytes of an OCTET STRING, primitive or (BER) constructed. */
export function readOctets(node: Asn1Node | undefined, what: string): Uint8Array {
  if (!(node instanceof asn1js.OctetString)) {
    throw new Pkcs12FormatError(`${what}: expected an OCTET STRING, found ${node ? describeNode(node) : 'nothing'}`);
  }
  return new Uint8Array(node.getValue());
}

export function readInteger(node: Asn1Node | undefined, what: string, max = 0x7fffffff): number {
  if (!(node instanceof asn1js.Integer)) {
    throw new Pkcs12FormatError(`${what}: expected an INTEGER, found ${node ? describeNode(node) : 'nothing'}`);
  }
  const value = node.toBigInt();
  if (value < 0n || value > BigInt(max)) throw new Pkcs12FormatError(`${what}: ${value} is out of range (0 to ${max})`);
  return Number(value);
}

function isContextTag(node: Asn1Node | undefined, tagNumber: number): node is Asn1Node {
  return node !== undefined && node.idBlock.tagClass === 3 && node.idBlock.tagNumber === tagNumber;
}

/** The single element inside `[0] EXPLICIT`. */
export function readExplicitZero(node: Asn1Node | undefined, what: string): Asn1Node {
  if (!isContextTag(node, 0) || !(node instanceof asn1js.Constructed) || node.valueBlock.value.length !== 1) {
    throw new Pkcs12FormatError(`${what}: expected [0] EXPLICIT with one element, found ${node ? describeNode(node) : 'nothing'}`);
  }
  return node.valueBlock.value[0] as Asn1Node;
}

/** The bytes of `[0] IMPLICIT OCTET STRING`, primitive or (BER) constructed from OCTET STRING pieces. */
export function readImplicitZeroOctets(node: Asn1Node | undefined, what: string): Uint8Array {
  if (!isContextTag(node, 0)) throw new Pkcs12FormatError(`${what}: expected [0] IMPLICIT OCTET STRING, found ${node ? describeNode(node) : 'nothing'}`);
  if (node instanceof asn1js.Constructed) {
    const pieces = node.valueBlock.value.map((piece, i) => readOctets(piece, `${what} piece ${i + 1}`));
    return concatBytes(pieces);
  }
  if (node instanceof asn1js.Primitive) return new Uint8Array(node.valueBlock.valueHexView);
  throw new Pkcs12FormatError(`${what}: expected [0] IMPLICIT OCTET STRING, found ${describeNode(node)}`);
}

export function concatBytes(pieces: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(pieces.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const piece of pieces) {
    out.set(piece, offset);
    offset += piece.length;
  }
  return out;
}

export interface AlgorithmIdentifierValue {
  oid: string;
  parameters?: Asn1Node;
}

export function readAlgorithmIdentifier(node: Asn1Node | undefined, what: string): AlgorithmIdentifierValue {
  const [oid, parameters] = sequenceItems(node, what, 1);
  return { oid: readOid(oid, `${what} algorithm`), ...(parameters ? { parameters } : {}) };
}
