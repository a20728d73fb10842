// Key pairs for identity certificates: RSA 2048/3072/4096 (PKCS#1 v1.5 signatures: the ASA
// rejects RSASSA-PSS) and ECDSA P-256/P-384. Private keys leave this module only as PKCS#8 PEM.
import { createPrivateKey, createPublicKey, webcrypto, type KeyObject } from 'node:crypto';
import { CertificateFormatError, ValidationError } from '../errors.js';
import { pemDecode, pemEncode, splitPemBlocks } from './pem.js';

export type CryptoKeyPair = webcrypto.CryptoKeyPair;
type Algorithm = webcrypto.Algorithm;
type EcdsaParams = webcrypto.EcdsaParams;
type KeyGenAlgorithm = webcrypto.RsaHashedKeyGenParams | webcrypto.EcKeyGenParams;

export type KeySpec = 'rsa:2048' | 'rsa:3072' | 'rsa:4096' | 'ec:p256' | 'ec:p384';

export const KEY_SPECS: readonly KeySpec[] = ['rsa:2048', 'rsa:3072', 'rsa:4096', 'ec:p256', 'ec:p384'];

export interface KeyMaterial {
  spec: KeySpec;
  /** PKCS#8, unencrypted. A secret: never log it. */
  privateKeyPem: string;
  /** SubjectPublicKeyInfo. */
  publicKeyPem: string;
  /** WebCrypto keys for signing: RSASSA-PKCS1-v1_5 with SHA-256, or ECDSA. */
  keys: CryptoKeyPair;
}

const RSA_EXPONENT = new Uint8Array([1, 0, 1]);

function keyAlgorithm(spec: KeySpec): KeyGenAlgorithm {
  switch (spec) {
    case 'rsa:2048':
    case 'rsa:3072':
    case 'rsa:4096':
      return { name: 'RSASSA-PKCS1-v1_5', modulusLength: Number(spec.slice(4)), publicExponent: RSA_EXPONENT, hash: 'SHA-256' };
    case 'ec:p256':
      return { name: 'ECDSA', namedCurve: 'P-256' };
    case 'ec:p384':
      return { name: 'ECDSA', namedCurve: 'P-384' };
  }
}

/** The WebCrypto signing algorithm for certificates and CSRs signed by a key of this spec. */
export function signingAlgorithm(spec: KeySpec): EcdsaParams | Algorithm {
  if (spec === 'ec:p384') return { name: 'ECDSA', hash: 'SHA-384' } satisfies EcdsaParams;
  if (spec === 'ec:p256') return { name: 'ECDSA', hash: 'SHA-256' } satisfies EcdsaParams;
  return { name: 'RSASSA-PKCS1-v1_5' };
}

export function isRsaSpec(spec: KeySpec): boolean {
  return spec.startsWith('rsa:');
}

/** Checks a key spec string such as `rsa:2048`; the error names `field` and lists the valid specs. */
export function parseKeySpec(value: string, field = 'key'): KeySpec {
  if ((KEY_SPECS as readonly string[]).includes(value)) return value as KeySpec;
  const shown = typeof value === 'string' ? JSON.stringify(value.slice(0, 40)) : String(value);
  throw new ValidationError(field, `${shown} is not a supported key type: expected one of ${KEY_SPECS.join(', ')}`);
}

export async function generateKeyPair(spec: KeySpec): Promise<KeyMaterial> {
  const checked = parseKeySpec(spec);
  const keys = (await webcrypto.subtle.generateKey(keyAlgorithm(checked), true, ['sign', 'verify'])) as CryptoKeyPair;
  const pkcs8 = new Uint8Array(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey));
  const spki = new Uint8Array(await webcrypto.subtle.exportKey('spki', keys.publicKey));
  return { spec: checked, privateKeyPem: pemEncode('PRIVATE KEY', pkcs8), publicKeyPem: pemEncode('PUBLIC KEY', spki), keys };
}

const PRIVATE_KEY_LABELS = ['PRIVATE KEY', 'RSA PRIVATE KEY', 'EC PRIVATE KEY'];

/**
 * Loads an unencrypted private key (PKCS#8, or the PKCS#1 / SEC1 forms `openssl` writes) and
 * works out its spec. Keys outside KEY_SPECS (RSA-1024, RSA-PSS, P-521, Ed25519...) are
 * rejected with a ValidationError naming `field`; unreadable input is a CertificateFormatError.
 */
export async function importPrivateKeyPem(pem: string, field = 'key'): Promise<KeyMaterial> {
  const keyObject = parsePrivateKey(pem, field);
  const spec = specOfKey(keyObject, field);
  const algorithm = keyAlgorithm(spec);
  const pkcs8 = new Uint8Array(keyObject.export({ format: 'der', type: 'pkcs8' }));
  const spki = new Uint8Array(createPublicKey(keyObject).export({ format: 'der', type: 'spki' }));
  const privateKey = await webcrypto.subtle.importKey('pkcs8', pkcs8, algorithm, true, ['sign']);
  const publicKey = await webcrypto.subtle.importKey('spki', spki, algorithm, true, ['verify']);
  return { spec, privateKeyPem: pemEncode('PRIVATE KEY', pkcs8), publicKeyPem: pemEncode('PUBLIC KEY', spki), keys: { privateKey, publicKey } };
}

function parsePrivateKey(pem: string, field: string): KeyObject {
  if (typeof pem !== 'string') throw new CertificateFormatError(`${field}: expected PEM text, got ${typeof pem}`);
  const labels = splitPemBlocks(pem).map((b) => b.label);
  if (labels.includes('ENCRYPTED PRIVATE KEY')) {
    throw new ValidationError(field, 'the private key is encrypted: decrypt it first (openssl pkey -in key.pem -out plain-key.pem)');
  }
  const label = labels.find((l) => PRIVATE_KEY_LABELS.includes(l));
  if (!label) {
    throw new CertificateFormatError(`${field}: expected a PKCS#8 PEM private key (a "PRIVATE KEY" block), found ${labels.length ? labels.map((l) => `"${l}"`).join(', ') : 'no PEM block'}`);
  }
  const der = Buffer.from(pemDecode(pem, label));
  const type = label === 'PRIVATE KEY' ? 'pkcs8' : label === 'RSA PRIVATE KEY' ? 'pkcs1' : 'sec1';
  try {
    return createPrivateKey({ key: der, format: 'der', type });
  } catch (error) {
    // The cause is an OpenSSL decoder message; it never contains key bytes.
    throw new CertificateFormatError(`${field}: the "${label}" block is not a readable private key`, { cause: error });
  }
}

const CURVE_SPECS: Record<string, KeySpec> = { prime256v1: 'ec:p256', 'P-256': 'ec:p256', secp384r1: 'ec:p384', 'P-384': 'ec:p384' };

/** The KeySpec of a private or public key; ValidationError naming `field` when unsupported. */
export function specOfKey(key: KeyObject, field = 'key'): KeySpec {
  const details = key.asymmetricKeyDetails ?? {};
  const expected = `expected one of ${KEY_SPECS.join(', ')}`;
  if (key.asymmetricKeyType === 'rsa') {
    const spec = `rsa:${details.modulusLength ?? 0}`;
    if ((KEY_SPECS as readonly string[]).includes(spec)) return spec as KeySpec;
    throw new ValidationError(field, `RSA ${details.modulusLength ?? '?'}-bit keys are not supported: ${expected}`);
  }
  if (key.asymmetricKeyType === 'ec') {
    const spec = CURVE_SPECS[details.namedCurve ?? ''];
    if (spec) return spec;
    throw new ValidationError(field, `EC curve ${details.namedCurve ?? '?'} is not supported: ${expected}`);
  }
  throw new ValidationError(field, `${key.asymmetricKeyType ?? 'unknown'} keys are not supported: ${expected}`);
}
