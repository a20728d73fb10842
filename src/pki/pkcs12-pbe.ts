// Password-based encryption of PKCS#12 bags and the PKCS#12 MAC, done with node:crypto.
//   legacy: pbeWithSHAAnd3-KeyTripleDES-CBC (RFC 7292 appendix C) + HMAC-SHA1 MAC
//   modern: PBES2 = PBKDF2-HMAC-SHA256 + AES-256-CBC (RFC 8018)  + HMAC-SHA256 MAC
// The salt length (8 bytes) and iteration count (2048) are OpenSSL 3's defaults, so our
// files have the shape `openssl pkcs12 -export` gives them (the files ASA users make today).
import { createCipheriv, createDecipheriv, createHmac, pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto';
import * as asn1js from 'asn1js';
import { Pkcs12FormatError, Pkcs12PassphraseError } from '../errors.js';
import {
  OID,
  algorithmIdentifier,
  integerNode,
  octetsNode,
  readAlgorithmIdentifier,
  readInteger,
  readOctets,
  sequenceItems,
  sequenceNode,
  type AlgorithmIdentifierValue,
  type Asn1Node,
} from './pkcs12-asn1.js';
import { KDF_PURPOSE, bmpPassword, pkcs12Kdf, type Pkcs12KdfHash } from './pkcs12-kdf.js';
import { rc2CbcDecrypt } from './rc2.js';

export type Pkcs12Profile = 'legacy' | 'modern';
export type Pkcs12Encryption = 'legacy-3des' | 'pbes2-aes-256-cbc' | 'rc2-40' | 'other';

export const PKCS12_ITERATIONS = 2048;
export const PKCS12_SALT_BYTES = 8;
/** Refuse files that would make us spin for minutes (OpenSSL and Windows use 2048-10000). */
const MAX_ITERATIONS = 1_000_000;

const REEXPORT_HINT = 're-export the PKCS12 with AES-256 (OpenSSL 3 default) or 3DES (`openssl pkcs12 -export -certpbe PBE-SHA1-3DES -keypbe PBE-SHA1-3DES -macalg sha1`)';

// --- legacy PBE (RFC 7292 appendix C) -----------------------------------------------------

interface LegacyCipher {
  name: string;
  keyBytes: number;
  ivBytes: number;
  /** Decrypts and removes the PKCS#5 padding; throws on a bad key. */
  decrypt(key: Uint8Array, iv: Uint8Array, ciphertext: Uint8Array): Uint8Array;
}

function nodeCipher(name: string, cipher: string, keyBytes: number): LegacyCipher {
  return {
    name,
    keyBytes,
    ivBytes: 8,
    decrypt: (key, iv, ciphertext) => nodeDecrypt(cipher, key, iv, ciphertext),
  };
}

const LEGACY_CIPHERS: Record<string, LegacyCipher | { name: string; unsupported: true }> = {
  [OID.pbeWithSha1And3KeyTripleDesCbc]: nodeCipher('pbeWithSHAAnd3-KeyTripleDES-CBC', 'des-ede3-cbc', 24),
  [OID.pbeWithSha1And2KeyTripleDesCbc]: nodeCipher('pbeWithSHAAnd2-KeyTripleDES-CBC', 'des-ede-cbc', 16),
  [OID.pbeWithSha1And40BitRc2Cbc]: { name: 'RC2-40', keyBytes: 5, ivBytes: 8, decrypt: (key, iv, ct) => rc2CbcDecrypt(key, 40, iv, ct) },
  [OID.pbeWithSha1And128BitRc2Cbc]: { name: 'RC2-128', keyBytes: 16, ivBytes: 8, decrypt: (key, iv, ct) => rc2CbcDecrypt(key, 128, iv, ct) },
  [OID.pbeWithSha1And128BitRc4]: { name: 'RC4-128', unsupported: true },
  [OID.pbeWithSha1And40BitRc4]: { name: 'RC4-40', unsupported: true },
};

function nodeDecrypt(cipher: string, key: Uint8Array, iv: Uint8Array, ciphertext: Uint8Array): Uint8Array {
  const decipher = createDecipheriv(cipher, key, iv);
  return new Uint8Array(Buffer.concat([decipher.update(ciphertext), decipher.final()]));
}

function nodeEncrypt(cipher: string, key: Uint8Array, iv: Uint8Array, plaintext: Uint8Array): Uint8Array {
  const encipher = createCipheriv(cipher, key, iv);
  return new Uint8Array(Buffer.concat([encipher.update(plaintext), encipher.final()]));
}

function legacyKeyAndIv(passphrase: string, salt: Uint8Array, iterations: number, cipher: { keyBytes: number; ivBytes: number }) {
  const password = bmpPassword(passphrase);
  const common = { hash: 'sha1' as const, password, salt, iterations };
  return {
    key: pkcs12Kdf({ ...common, purpose: KDF_PURPOSE.key, length: cipher.keyBytes }),
    iv: pkcs12Kdf({ ...common, purpose: KDF_PURPOSE.iv, length: cipher.ivBytes }),
  };
}

function readPbeParameters(parameters: Asn1Node | undefined, what: string): { salt: Uint8Array; iterations: number } {
  const [salt, iterations] = sequenceItems(parameters, `${what} PBE parameters`, 2);
  return {
    salt: readOctets(salt, `${what} PBE salt`),
    iterations: checkIterations(readInteger(iterations, `${what} PBE iteration count`), what),
  };
}

function checkIterations(iterations: number, what: string): number {
  if (iterations < 1 || iterations > MAX_ITERATIONS) {
    throw new Pkcs12FormatError(`${what}: iteration count ${iterations} is out of range (1 to ${MAX_ITERATIONS})`);
  }
  return iterations;
}

// --- PBES2 (RFC 8018) --------------------------------------------------------------------

const PBKDF2_PRFS: Record<string, string> = {
  [OID.hmacWithSha1]: 'sha1',
  [OID.hmacWithSha224]: 'sha224',
  [OID.hmacWithSha256]: 'sha256',
  [OID.hmacWithSha384]: 'sha384',
  [OID.hmacWithSha512]: 'sha512',
};

const PBES2_CIPHERS: Record<string, { cipher: string; keyBytes: number; ivBytes: number; name: string }> = {
  [OID.aes128Cbc]: { cipher: 'aes-128-cbc', keyBytes: 16, ivBytes: 16, name: 'AES-128-CBC' },
  [OID.aes192Cbc]: { cipher: 'aes-192-cbc', keyBytes: 24, ivBytes: 16, name: 'AES-192-CBC' },
  [OID.aes256Cbc]: { cipher: 'aes-256-cbc', keyBytes: 32, ivBytes: 16, name: 'AES-256-CBC' },
  [OID.desEde3Cbc]: { cipher: 'des-ede3-cbc', keyBytes: 24, ivBytes: 8, name: 'DES-EDE3-CBC' },
};

interface Pbes2Parameters {
  salt: Uint8Array;
  iterations: number;
  keyBytes?: number;
  prf: string;
  cipherOid: string;
  iv: Uint8Array;
}

function readPbes2Parameters(parameters: Asn1Node | undefined, what: string): Pbes2Parameters {
  const [kdfNode, schemeNode] = sequenceItems(parameters, `${what} PBES2 parameters`, 2);
  const kdf = readAlgorithmIdentifier(kdfNode, `${what} PBES2 key derivation`);
  if (kdf.oid !== OID.pbkdf2) throw new Pkcs12FormatError(`${what}: unsupported PBES2 key derivation ${kdf.oid} (only PBKDF2): ${REEXPORT_HINT}`);
  const [saltNode, iterationsNode, ...rest] = sequenceItems(kdf.parameters, `${what} PBKDF2 parameters`, 2);
  const salt = readOctets(saltNode, `${what} PBKDF2 salt`);
  const iterations = checkIterations(readInteger(iterationsNode, `${what} PBKDF2 iteration count`), what);
  let keyBytes: number | undefined;
  let prf = 'sha1';
  for (const node of rest) {
    if (node instanceof asn1js.Integer) {
      keyBytes = readInteger(node, `${what} PBKDF2 key length`, 64);
    } else {
      const prfId = readAlgorithmIdentifier(node, `${what} PBKDF2 PRF`);
      const hash = PBKDF2_PRFS[prfId.oid];
      if (!hash) throw new Pkcs12FormatError(`${what}: unsupported PBKDF2 PRF ${prfId.oid}: ${REEXPORT_HINT}`);
      prf = hash;
    }
  }
  const scheme = readAlgorithmIdentifier(schemeNode, `${what} PBES2 encryption scheme`);
  const cipher = PBES2_CIPHERS[scheme.oid];
  if (!cipher) throw new Pkcs12FormatError(`${what}: unsupported PBES2 cipher ${scheme.oid}: ${REEXPORT_HINT}`);
  const iv = readOctets(scheme.parameters, `${what} ${cipher.name} IV`);
  if (iv.length !== cipher.ivBytes) throw new Pkcs12FormatError(`${what}: ${cipher.name} IV is ${iv.length} bytes, expected ${cipher.ivBytes}`);
  if (keyBytes !== undefined && keyBytes !== cipher.keyBytes) {
    throw new Pkcs12FormatError(`${what}: PBKDF2 key length ${keyBytes} does not fit ${cipher.name} (${cipher.keyBytes} bytes)`);
  }
  return { salt, iterations, prf, cipherOid: scheme.oid, iv, ...(keyBytes !== undefined ? { keyBytes } : {}) };
}

function pbes2AlgorithmIdentifier(salt: Uint8Array, iterations: number, iv: Uint8Array): asn1js.Sequence {
  const pbkdf2Params = sequenceNode(octetsNode(salt), integerNode(iterations), algorithmIdentifier(OID.hmacWithSha256, new asn1js.Null()));
  return algorithmIdentifier(
    OID.pbes2,
    sequenceNode(algorithmIdentifier(OID.pbkdf2, pbkdf2Params), algorithmIdentifier(OID.aes256Cbc, octetsNode(iv))),
  );
}

// --- encryption and decryption of one bag or SafeContents --------------------------------

export interface EncryptedBytes {
  /** The AlgorithmIdentifier to put before the ciphertext. */
  algorithm: asn1js.Sequence;
  ciphertext: Uint8Array;
}

export function encryptWithProfile(profile: Pkcs12Profile, passphrase: string, plaintext: Uint8Array): EncryptedBytes {
  const salt = new Uint8Array(randomBytes(PKCS12_SALT_BYTES));
  if (profile === 'legacy') {
    const { key, iv } = legacyKeyAndIv(passphrase, salt, PKCS12_ITERATIONS, { keyBytes: 24, ivBytes: 8 });
    return {
      algorithm: algorithmIdentifier(OID.pbeWithSha1And3KeyTripleDesCbc, sequenceNode(octetsNode(salt), integerNode(PKCS12_ITERATIONS))),
      ciphertext: nodeEncrypt('des-ede3-cbc', key, iv, plaintext),
    };
  }
  const iv = new Uint8Array(randomBytes(16));
  const key = pbkdf2Sync(Buffer.from(passphrase, 'utf8'), salt, PKCS12_ITERATIONS, 32, 'sha256');
  return { algorithm: pbes2AlgorithmIdentifier(salt, PKCS12_ITERATIONS, iv), ciphertext: nodeEncrypt('aes-256-cbc', key, iv, plaintext) };
}

/** Classifies without the passphrase: what an ASA would have to support to import the bag. */
export function classifyEncryption(algorithm: AlgorithmIdentifierValue): Pkcs12Encryption {
  if (algorithm.oid === OID.pbeWithSha1And3KeyTripleDesCbc) return 'legacy-3des';
  if (algorithm.oid === OID.pbeWithSha1And40BitRc2Cbc) return 'rc2-40';
  if (algorithm.oid === OID.pbes2) {
    try {
      if (readPbes2Parameters(algorithm.parameters, 'PBES2').cipherOid === OID.aes256Cbc) return 'pbes2-aes-256-cbc';
    } catch {
      return 'other';
    }
  }
  return 'other';
}

/** Decrypts one encrypted bag or SafeContents; `what` names it in errors. */
export function decryptWithAlgorithm(algorithm: AlgorithmIdentifierValue, passphrase: string, ciphertext: Uint8Array, what: string): Uint8Array {
  const legacy = LEGACY_CIPHERS[algorithm.oid];
  if (legacy && 'unsupported' in legacy) {
    throw new Pkcs12FormatError(`unsupported bag encryption ${algorithm.oid} (${legacy.name}) in ${what}: ${REEXPORT_HINT}`);
  }
  if (legacy) {
    const { salt, iterations } = readPbeParameters(algorithm.parameters, what);
    const { key, iv } = legacyKeyAndIv(passphrase, salt, iterations, legacy);
    return decryptOrExplain(() => legacy.decrypt(key, iv, ciphertext), what);
  }
  if (algorithm.oid === OID.pbes2) {
    const p = readPbes2Parameters(algorithm.parameters, what);
    const cipher = PBES2_CIPHERS[p.cipherOid];
    if (!cipher) throw new Pkcs12FormatError(`${what}: unsupported PBES2 cipher ${p.cipherOid}`);
    // PBES2 takes the password as octets: OpenSSL passes the UTF-8 bytes as typed.
    const key = pbkdf2Sync(Buffer.from(passphrase, 'utf8'), p.salt, p.iterations, cipher.keyBytes, p.prf);
    return decryptOrExplain(() => nodeDecrypt(cipher.cipher, key, p.iv, ciphertext), what);
  }
  throw new Pkcs12FormatError(`unsupported bag encryption ${algorithm.oid} in ${what}: ${REEXPORT_HINT}`);
}

function decryptOrExplain(decrypt: () => Uint8Array, what: string): Uint8Array {
  try {
    return decrypt();
  } catch (error) {
    throw new Pkcs12PassphraseError(`PKCS12 ${what} could not be decrypted: the passphrase is wrong or the file is corrupted`, { cause: error });
  }
}

// --- MAC (RFC 7292 section 4, key from the appendix B KDF with ID 3) ---------------------

const MAC_DIGESTS: Record<string, Pkcs12KdfHash> = {
  [OID.sha1]: 'sha1',
  [OID.sha224]: 'sha224',
  [OID.sha256]: 'sha256',
  [OID.sha384]: 'sha384',
  [OID.sha512]: 'sha512',
};

const DIGEST_BYTES: Record<Pkcs12KdfHash, number> = { sha1: 20, sha224: 28, sha256: 32, sha384: 48, sha512: 64 };

function computeMac(hash: Pkcs12KdfHash, passphrase: string, salt: Uint8Array, iterations: number, content: Uint8Array): Uint8Array {
  const key = pkcs12Kdf({ hash, password: bmpPassword(passphrase), salt, iterations, purpose: KDF_PURPOSE.mac, length: DIGEST_BYTES[hash] });
  return new Uint8Array(createHmac(hash, key).update(content).digest());
}

/** MacData over the authSafe content octets: SHA-1 for legacy, SHA-256 for modern. */
export function createMacData(profile: Pkcs12Profile, passphrase: string, authSafeContent: Uint8Array): asn1js.Sequence {
  const hash = profile === 'legacy' ? 'sha1' : 'sha256';
  const salt = new Uint8Array(randomBytes(PKCS12_SALT_BYTES));
  const mac = computeMac(hash, passphrase, salt, PKCS12_ITERATIONS, authSafeContent);
  const digestInfo = sequenceNode(algorithmIdentifier(hash === 'sha1' ? OID.sha1 : OID.sha256, new asn1js.Null()), octetsNode(mac));
  return sequenceNode(digestInfo, octetsNode(salt), integerNode(PKCS12_ITERATIONS));
}

export const MAC_FAILED_MESSAGE = 'PKCS12 MAC verification failed: the passphrase is wrong or the file is corrupted';

/** Checks MacData; returns the MAC digest name ('sha1', 'sha256', ...). */
export function verifyMacData(macData: Asn1Node, passphrase: string, authSafeContent: Uint8Array): string {
  const [digestInfoNode, saltNode, iterationsNode] = sequenceItems(macData, 'PKCS12 MacData', 2);
  const [digestAlgorithmNode, digestNode] = sequenceItems(digestInfoNode, 'PKCS12 MAC DigestInfo', 2);
  const digestAlgorithm = readAlgorithmIdentifier(digestAlgorithmNode, 'PKCS12 MAC digest');
  const hash = MAC_DIGESTS[digestAlgorithm.oid];
  if (!hash) {
    throw new Pkcs12FormatError(`unsupported PKCS12 MAC digest ${digestAlgorithm.oid}: re-export the PKCS12 with a SHA-1 or SHA-256 MAC (\`-macalg sha256\`)`);
  }
  const expected = readOctets(digestNode, 'PKCS12 MAC digest value');
  const salt = readOctets(saltNode, 'PKCS12 MAC salt');
  const iterations = iterationsNode === undefined ? 1 : readInteger(iterationsNode, 'PKCS12 MAC iteration count');
  if (iterations < 1 || iterations > MAX_ITERATIONS) {
    throw new Pkcs12FormatError(`PKCS12 MAC: iteration count ${iterations} is out of range (1 to ${MAX_ITERATIONS})`);
  }
  const actual = computeMac(hash, passphrase, salt, iterations, authSafeContent);
  if (actual.length !== expected.length || !timingSafeEqual(actual, expected)) throw new Pkcs12PassphraseError(MAC_FAILED_MESSAGE);
  return hash;
}
