// PKCS#12 bundles for ASA `crypto ca import <tp> pkcs12`: the private key, the identity
// (leaf) certificate and the full chain up to the root, in the layout `openssl pkcs12
// -export` uses (certificates in an encrypted SafeContents first, then the shrouded key
// bag in a plain one; leaf and key share a localKeyId = SHA-1 of the leaf's DER).
import { X509Certificate, createHash, createPrivateKey, type KeyObject } from 'node:crypto';
import * as asn1js from 'asn1js';
import { Pkcs12FormatError, ValidationError } from '../errors.js';
import { pemEncode, splitPemBlocks, type PemBlock } from './pem.js';
import {
  OID,
  copyBytes,
  derSetOf,
  explicitZero,
  implicitZeroOctets,
  integerNode,
  octetsNode,
  oidNode,
  parseDer,
  readAlgorithmIdentifier,
  readExplicitZero,
  readImplicitZeroOctets,
  readInteger,
  readOctets,
  readOid,
  sequenceItems,
  sequenceNode,
  setItems,
  toDer,
  type AlgorithmIdentifierValue,
  type Asn1Node,
} from './pkcs12-asn1.js';
import {
  classifyEncryption,
  createMacData,
  decryptWithAlgorithm,
  encryptWithProfile,
  verifyMacData,
  type Pkcs12Encryption,
  type Pkcs12Profile,
} from './pkcs12-pbe.js';

export type { Pkcs12Profile } from './pkcs12-pbe.js';
export { PKCS12_ITERATIONS } from './pkcs12-pbe.js';

export const PKCS12_PROFILES: readonly Pkcs12Profile[] = ['legacy', 'modern'];

export interface Pkcs12Input {
  /** PKCS#8 PEM (PKCS#1 / SEC1 PEM are accepted too), RSA or EC, unencrypted. */
  privateKeyPem: string;
  certificatePem: string;
  /** Issuer first, up to the root. Each entry may hold one or more PEM certificates. */
  chainPems: string[];
  passphrase: string;
  profile: Pkcs12Profile;
  /** Default: the leaf's CN (its whole subject when it has no CN). */
  friendlyName?: string;
  /**
   * Bundle a chain that stops below the root (as an ASA exports a trustpoint that holds only
   * an intermediate). Off by default: a bundle we issue must carry the whole path.
   */
  allowPartialChain?: boolean;
}

export interface Pkcs12Contents {
  /** PKCS#8 PEM. */
  privateKeyPem: string;
  /** The certificate whose public key matches the private key. */
  certificatePem: string;
  /** The other certificates, issuer first up to the root; any not on that path follow. */
  chainPems: string[];
  friendlyName?: string;
  localKeyIdHex?: string;
  /** What the encrypted parts use; mixed algorithms (other than RC2-40 anywhere) are 'other'. */
  encryption: Pkcs12Encryption;
  /** 'sha1', 'sha256', ... or 'none' when the file has no MAC. */
  macAlgorithm: 'sha1' | 'sha256' | string;
}

// --- certificates and keys ---------------------------------------------------------------

function parseCertificates(text: string, field: string): X509Certificate[] {
  let blocks: PemBlock[];
  try {
    blocks = splitPemBlocks(text).filter((b) => b.label === 'CERTIFICATE');
  } catch (error) {
    throw new ValidationError(field, error instanceof Error ? error.message : String(error), { cause: error });
  }
  if (blocks.length === 0) throw new ValidationError(field, 'no PEM certificate (-----BEGIN CERTIFICATE-----) found');
  return blocks.map((block, i) => {
    try {
      return new X509Certificate(block.der);
    } catch (error) {
      throw new ValidationError(field, `PEM certificate ${i + 1} is not a valid X.509 certificate`, { cause: error });
    }
  });
}

/** `CN=a, O=b` in the certificate's own order, on one line. */
function describeName(name: string): string {
  return name.split('\n').join(', ');
}

function commonName(cert: X509Certificate): string | undefined {
  const line = cert.subject.split('\n').find((l) => l.startsWith('CN='));
  return line?.slice(3);
}

function uniqueCertificates(certs: readonly X509Certificate[]): X509Certificate[] {
  return certs.filter((cert, i) => certs.findIndex((other) => other.raw.equals(cert.raw)) === i);
}

function isIssuedBy(cert: X509Certificate, issuer: X509Certificate): boolean {
  return cert.checkIssued(issuer) && cert.verify(issuer.publicKey);
}

/** Self-issued and verified by its own key; a self-signed leaf without keyCertSign counts too. */
function isSelfSigned(cert: X509Certificate): boolean {
  return (cert.checkIssued(cert) || cert.subject === cert.issuer) && cert.verify(cert.publicKey);
}

/**
 * Orders `pool` into the path leaf -> ... -> root. Returns the path (issuer first, without
 * the leaf) and the certificates that are not on it, or the issuer that is missing.
 */
function buildPath(leaf: X509Certificate, pool: readonly X509Certificate[]): { path: X509Certificate[]; unused: X509Certificate[]; missingIssuerOf?: X509Certificate } {
  const remaining = [...pool];
  const path: X509Certificate[] = [];
  let current = leaf;
  while (!isSelfSigned(current)) {
    const index = remaining.findIndex((candidate) => isIssuedBy(current, candidate));
    if (index === -1) return { path, unused: remaining, missingIssuerOf: current };
    current = remaining.splice(index, 1)[0] as X509Certificate;
    path.push(current);
  }
  return { path, unused: remaining };
}

function loadPrivateKey(pem: string): { key: KeyObject; pkcs8: Uint8Array } {
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: pem, format: 'pem' });
  } catch (error) {
    const encrypted = /ENCRYPTED/.test(pem);
    const problem = encrypted
      ? 'the private key is encrypted: give it unencrypted (PKCS#8 PEM)'
      : 'not a readable PEM private key (expected a PKCS#8 "PRIVATE KEY" block)';
    throw new ValidationError('privateKeyPem', problem, { cause: error });
  }
  if (key.asymmetricKeyType !== 'rsa' && key.asymmetricKeyType !== 'ec') {
    throw new ValidationError('privateKeyPem', `key type ${key.asymmetricKeyType ?? 'unknown'} is not supported by the ASA: use RSA or ECDSA`);
  }
  return { key, pkcs8: new Uint8Array(key.export({ type: 'pkcs8', format: 'der' })) };
}

function checkFriendlyName(name: string): string {
  if (name === '' || name.length > 256 || /[\p{Cc}]/u.test(name)) {
    throw new ValidationError('friendlyName', `${JSON.stringify(name.slice(0, 40))} must be 1-256 characters without control characters`);
  }
  return name;
}

// --- encode ------------------------------------------------------------------------------

function attribute(oid: string, value: asn1js.BaseBlock): asn1js.Sequence {
  return sequenceNode(oidNode(oid), new asn1js.Set({ value: [value] }));
}

function bagAttributes(friendlyName: string, localKeyId?: Uint8Array): asn1js.Set {
  const attributes = [attribute(OID.friendlyName, new asn1js.BmpString({ value: friendlyName }))];
  if (localKeyId) attributes.push(attribute(OID.localKeyId, octetsNode(localKeyId)));
  return derSetOf(attributes);
}

function certBag(der: Uint8Array, attributes: asn1js.Set): asn1js.Sequence {
  const value = sequenceNode(oidNode(OID.x509Certificate), explicitZero(octetsNode(der)));
  return sequenceNode(oidNode(OID.certBag), explicitZero(value), attributes);
}

function contentInfo(type: string, content: asn1js.BaseBlock): asn1js.Sequence {
  return sequenceNode(oidNode(type), explicitZero(content));
}

function encryptedDataContentInfo(profile: Pkcs12Profile, passphrase: string, safeContents: Uint8Array): asn1js.Sequence {
  const { algorithm, ciphertext } = encryptWithProfile(profile, passphrase, safeContents);
  const encryptedContentInfo = sequenceNode(oidNode(OID.data), algorithm, implicitZeroOctets(ciphertext));
  return contentInfo(OID.encryptedData, sequenceNode(integerNode(0), encryptedContentInfo));
}

/**
 * The DER of a PKCS12 holding the key, the leaf and its chain up to the root. Throws
 * ValidationError when the key does not match the certificate or the chain has a gap.
 */
export async function encodePkcs12(input: Pkcs12Input): Promise<Uint8Array> {
  if (typeof input.passphrase !== 'string' || input.passphrase === '') throw new ValidationError('passphrase', 'must not be empty');
  if (!PKCS12_PROFILES.includes(input.profile)) {
    throw new ValidationError('profile', `${JSON.stringify(input.profile)} is not one of ${PKCS12_PROFILES.join(', ')}`);
  }
  const { key, pkcs8 } = loadPrivateKey(input.privateKeyPem);
  const leaves = parseCertificates(input.certificatePem, 'certificatePem');
  if (leaves.length !== 1) throw new ValidationError('certificatePem', `expected one certificate, found ${leaves.length}: put the CA certificates in the chain`);
  const leaf = leaves[0] as X509Certificate;
  if (!leaf.checkPrivateKey(key)) {
    throw new ValidationError('certificatePem', `the certificate "${describeName(leaf.subject)}" does not match the private key`);
  }
  // A chain file may repeat the leaf (certbot's fullchain.pem) or a CA: keep one of each.
  const pool = uniqueCertificates(input.chainPems.flatMap((pem, i) => parseCertificates(pem, `chainPems[${i}]`))).filter(
    (cert) => !cert.raw.equals(leaf.raw),
  );
  const { path, unused, missingIssuerOf } = buildPath(leaf, pool);
  if (missingIssuerOf && !input.allowPartialChain) {
    throw new ValidationError(
      'chain',
      `missing the issuer "${describeName(missingIssuerOf.issuer)}" of "${describeName(missingIssuerOf.subject)}": ` +
        'add that CA certificate (every intermediate up to the root) to the chain, or the ASA and its clients cannot build the path',
    );
  }
  if (unused.length > 0) {
    throw new ValidationError('chain', `certificate "${describeName((unused[0] as X509Certificate).subject)}" is not on the path from the leaf to its root: remove it`);
  }

  const friendlyName = checkFriendlyName(input.friendlyName ?? commonName(leaf) ?? describeName(leaf.subject));
  const leafDer = new Uint8Array(leaf.raw);
  const localKeyId = new Uint8Array(createHash('sha1').update(leafDer).digest());

  const certBags = [
    certBag(leafDer, bagAttributes(friendlyName, localKeyId)),
    ...path.map((ca) => certBag(new Uint8Array(ca.raw), bagAttributes(commonName(ca) ?? describeName(ca.subject)))),
  ];
  const certSafe = toDer(sequenceNode(...certBags));

  const shrouded = encryptWithProfile(input.profile, input.passphrase, pkcs8);
  const keyBag = sequenceNode(
    oidNode(OID.pkcs8ShroudedKeyBag),
    explicitZero(sequenceNode(shrouded.algorithm, octetsNode(shrouded.ciphertext))),
    bagAttributes(friendlyName, localKeyId),
  );
  const keySafe = toDer(sequenceNode(keyBag));

  const authSafe = toDer(
    sequenceNode(encryptedDataContentInfo(input.profile, input.passphrase, certSafe), contentInfo(OID.data, octetsNode(keySafe))),
  );
  const pfx = sequenceNode(integerNode(3), contentInfo(OID.data, octetsNode(authSafe)), createMacData(input.profile, input.passphrase, authSafe));
  return toDer(pfx);
}

// --- decode ------------------------------------------------------------------------------

interface ParsedPfx {
  authSafe: Uint8Array;
  macData?: Asn1Node;
}

function parsePfx(der: Uint8Array): ParsedPfx {
  const [version, authSafeInfo, macData] = sequenceItems(parseDer(der, 'PKCS12'), 'PKCS12 PFX', 2);
  const v = readInteger(version, 'PKCS12 version');
  if (v !== 3) throw new Pkcs12FormatError(`PKCS12 version ${v} is not supported (expected 3)`);
  const [type, content] = sequenceItems(authSafeInfo, 'PKCS12 authSafe', 2);
  const contentType = readOid(type, 'PKCS12 authSafe content type');
  if (contentType === OID.signedData) {
    throw new Pkcs12FormatError('PKCS12 uses public-key integrity mode (signedData): only password integrity mode is supported');
  }
  if (contentType !== OID.data) throw new Pkcs12FormatError(`PKCS12 authSafe content type ${contentType} is not supported (expected data)`);
  return { authSafe: readOctets(readExplicitZero(content, 'PKCS12 authSafe content'), 'PKCS12 authSafe content'), ...(macData ? { macData } : {}) };
}

/** One part of the AuthenticatedSafe: plain SafeContents or encrypted ones. */
type SafePart = { kind: 'data'; safeContents: Uint8Array } | { kind: 'encrypted'; algorithm: AlgorithmIdentifierValue; ciphertext: Uint8Array };

function parseAuthenticatedSafe(authSafe: Uint8Array): SafePart[] {
  const items = sequenceItems(parseDer(authSafe, 'PKCS12 AuthenticatedSafe'), 'PKCS12 AuthenticatedSafe');
  return items.map((item, i) => {
    const what = `PKCS12 AuthenticatedSafe part ${i + 1}`;
    const [typeNode, contentNode] = sequenceItems(item, what, 2);
    const type = readOid(typeNode, `${what} content type`);
    const content = readExplicitZero(contentNode, `${what} content`);
    if (type === OID.data) return { kind: 'data', safeContents: readOctets(content, `${what} data`) };
    if (type === OID.encryptedData) {
      const [, encryptedContentInfo] = sequenceItems(content, `${what} EncryptedData`, 2);
      const [, algorithmNode, encryptedNode] = sequenceItems(encryptedContentInfo, `${what} EncryptedContentInfo`, 3);
      return {
        kind: 'encrypted',
        algorithm: readAlgorithmIdentifier(algorithmNode, `${what} encryption algorithm`),
        ciphertext: readImplicitZeroOctets(encryptedNode, `${what} encrypted content`),
      };
    }
    if (type === OID.envelopedData) throw new Pkcs12FormatError(`${what} uses public-key privacy mode (envelopedData): not supported`);
    throw new Pkcs12FormatError(`${what} has unsupported content type ${type}`);
  });
}

interface RawBag {
  type: string;
  value: Asn1Node;
  friendlyName?: string;
  localKeyId?: Uint8Array;
}

function readBagAttributes(node: Asn1Node | undefined, what: string): { friendlyName?: string; localKeyId?: Uint8Array } {
  const out: { friendlyName?: string; localKeyId?: Uint8Array } = {};
  if (node === undefined) return out;
  for (const attr of setItems(node, `${what} attributes`)) {
    const [typeNode, valuesNode] = sequenceItems(attr, `${what} attribute`, 2);
    const type = readOid(typeNode, `${what} attribute type`);
    const [value] = setItems(valuesNode, `${what} attribute values`);
    // Other attribute types, and values of unexpected string types, are informational only.
    if (type === OID.friendlyName && value instanceof asn1js.BmpString) out.friendlyName = value.valueBlock.value;
    if (type === OID.localKeyId && value instanceof asn1js.OctetString) out.localKeyId = new Uint8Array(value.getValue());
  }
  return out;
}

function parseSafeContents(der: Uint8Array, what: string): RawBag[] {
  const bags = sequenceItems(parseDer(der, `${what} SafeContents`), `${what} SafeContents`);
  return bags.flatMap((bag, i) => {
    const bagWhat = `${what} bag ${i + 1}`;
    const [typeNode, valueNode, attributesNode] = sequenceItems(bag, bagWhat, 2);
    const type = readOid(typeNode, `${bagWhat} type`);
    const value = readExplicitZero(valueNode, `${bagWhat} value`);
    if (type === OID.safeContentsBag) return parseSafeContents(toDer(value as asn1js.BaseBlock), bagWhat);
    return [{ type, value, ...readBagAttributes(attributesNode, bagWhat) }];
  });
}

function combineEncryption(seen: readonly Pkcs12Encryption[]): Pkcs12Encryption {
  if (seen.includes('rc2-40')) return 'rc2-40';
  if (seen.length > 0 && seen.every((c) => c === 'legacy-3des')) return 'legacy-3des';
  if (seen.length > 0 && seen.every((c) => c === 'pbes2-aes-256-cbc')) return 'pbes2-aes-256-cbc';
  return 'other';
}


/** The encrypted private key of a pkcs8ShroudedKeyBag. */
function readShroudedKey(value: Asn1Node, what: string): { algorithm: AlgorithmIdentifierValue; ciphertext: Uint8Array } {
  const [algorithmNode, dataNode] = sequenceItems(value, `${what} EncryptedPrivateKeyInfo`, 2);
  return { algorithm: readAlgorithmIdentifier(algorithmNode, `${what} key encryption`), ciphertext: readOctets(dataNode, `${what} encrypted key`) };
}

function readCertBag(value: Asn1Node, what: string): Uint8Array | undefined {
  const [idNode, certNode] = sequenceItems(value, `${what} CertBag`, 2);
  // SDSI certificates and attribute certificates are not for an ASA: skip them.
  if (readOid(idNode, `${what} certificate type`) !== OID.x509Certificate) return undefined;
  return readOctets(readExplicitZero(certNode, `${what} certificate`), `${what} certificate`);
}

/**
 * Opens a PKCS12: the MAC is checked first (a wrong passphrase is Pkcs12PassphraseError),
 * then the bags are decrypted; a malformed file or an algorithm we cannot read is
 * Pkcs12FormatError naming what.
 */
export async function decodePkcs12(der: Uint8Array, passphrase: string): Promise<Pkcs12Contents> {
  const pfx = parsePfx(copyBytes(der));
  const macAlgorithm = pfx.macData ? verifyMacData(pfx.macData, passphrase, pfx.authSafe) : 'none';

  const seen: Pkcs12Encryption[] = [];
  const bags: RawBag[] = [];
  for (const [i, part] of parseAuthenticatedSafe(pfx.authSafe).entries()) {
    const what = `AuthenticatedSafe part ${i + 1}`;
    if (part.kind === 'data') {
      bags.push(...parseSafeContents(part.safeContents, what));
    } else {
      seen.push(classifyEncryption(part.algorithm));
      bags.push(...parseSafeContents(decryptWithAlgorithm(part.algorithm, passphrase, part.ciphertext, `${what} (certificates)`), what));
    }
  }

  const keys: { pkcs8: Uint8Array; key: KeyObject; bag: RawBag }[] = [];
  const certs: { cert: X509Certificate; bag: RawBag }[] = [];
  for (const [i, bag] of bags.entries()) {
    const what = `bag ${i + 1}`;
    let pkcs8: Uint8Array | undefined;
    if (bag.type === OID.pkcs8ShroudedKeyBag) {
      const shrouded = readShroudedKey(bag.value, what);
      seen.push(classifyEncryption(shrouded.algorithm));
      pkcs8 = decryptWithAlgorithm(shrouded.algorithm, passphrase, shrouded.ciphertext, `${what} (private key)`);
    } else if (bag.type === OID.keyBag) {
      pkcs8 = toDer(bag.value as asn1js.BaseBlock);
    } else if (bag.type === OID.certBag) {
      const certDer = readCertBag(bag.value, what);
      if (!certDer) continue;
      try {
        certs.push({ cert: new X509Certificate(certDer), bag });
      } catch (error) {
        throw new Pkcs12FormatError(`PKCS12 ${what}: the certificate is not valid X.509`, { cause: error });
      }
    }
    // CRL and secret bags carry nothing an ASA imports.
    if (pkcs8) {
      try {
        keys.push({ pkcs8, key: createPrivateKey({ key: Buffer.from(pkcs8), format: 'der', type: 'pkcs8' }), bag });
      } catch (error) {
        throw new Pkcs12FormatError(`PKCS12 ${what}: the private key is not a valid PKCS#8 key`, { cause: error });
      }
    }
  }

  if (keys.length !== 1) throw new Pkcs12FormatError(`PKCS12 holds ${keys.length} private keys: expected exactly one`);
  const key = keys[0] as (typeof keys)[number];
  const leafIndex = certs.findIndex(({ cert }) => cert.checkPrivateKey(key.key));
  if (leafIndex === -1) {
    throw new Pkcs12FormatError(`PKCS12 holds ${certs.length} certificates and none matches its private key`);
  }
  const leaf = certs[leafIndex] as (typeof certs)[number];
  const others = certs.filter((_, i) => i !== leafIndex).map(({ cert }) => cert);
  const { path, unused } = buildPath(leaf.cert, others);

  const friendlyName = key.bag.friendlyName ?? leaf.bag.friendlyName;
  const localKeyId = key.bag.localKeyId ?? leaf.bag.localKeyId;
  return {
    privateKeyPem: pemEncode('PRIVATE KEY', key.pkcs8),
    certificatePem: leaf.cert.toString(),
    chainPems: [...path, ...unused].map((cert) => cert.toString()),
    ...(friendlyName !== undefined ? { friendlyName } : {}),
    ...(localKeyId !== undefined ? { localKeyIdHex: Buffer.from(localKeyId).toString('hex') } : {}),
    encryption: combineEncryption(seen),
    macAlgorithm,
  };
}

/**
 * What the encrypted parts of a PKCS12 use, read without the passphrase (a shrouded key
 * inside an encrypted SafeContents is covered by the outer algorithm).
 */
export function detectPkcs12Encryption(der: Uint8Array): Pkcs12Encryption {
  const pfx = parsePfx(copyBytes(der));
  const seen: Pkcs12Encryption[] = [];
  for (const [i, part] of parseAuthenticatedSafe(pfx.authSafe).entries()) {
    if (part.kind === 'encrypted') {
      seen.push(classifyEncryption(part.algorithm));
      continue;
    }
    for (const bag of parseSafeContents(part.safeContents, `AuthenticatedSafe part ${i + 1}`)) {
      if (bag.type === OID.pkcs8ShroudedKeyBag) seen.push(classifyEncryption(readShroudedKey(bag.value, 'key bag').algorithm));
    }
  }
  return combineEncryption(seen);
}
