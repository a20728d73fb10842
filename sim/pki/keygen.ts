// Key generation on the simulated device. Sizes the product supports come from
// src/pki/keys.ts; RSA-1024 (still offered by older ASA releases, used in lab transcripts)
// is outside the product's policy, so node:crypto makes it directly.
import { generateKeyPair as generateNodeKeyPair } from 'node:crypto';
import { promisify } from 'node:util';
import { generateKeyPair, type KeyMaterial, type KeySpec } from '../../src/pki/keys.js';

export const RSA_MODULI = [1024, 2048, 3072, 4096] as const;
export const EC_CURVES = [256, 384] as const;

const generateNode = promisify(generateNodeKeyPair);

/** An unencrypted PKCS#8 PEM private key of the given kind and size. A secret: never printed. */
export async function generateDeviceKey(kind: 'rsa' | 'ecdsa', bits: number): Promise<string> {
  if (kind === 'rsa' && bits === 1024) {
    const { privateKey } = await generateNode('rsa', { modulusLength: 1024, privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });
    return privateKey;
  }
  const spec: KeySpec | undefined = kind === 'rsa' ? (`rsa:${bits}` as KeySpec) : bits === 256 ? 'ec:p256' : bits === 384 ? 'ec:p384' : undefined;
  if (spec === undefined) throw new RangeError(`unsupported ${kind} key size ${bits}`);
  const material: KeyMaterial = await generateKeyPair(spec);
  return material.privateKeyPem;
}
