// The encrypted bundle format, shared by the file store and the S3 store
// (docs/decisions/20261127-secrets-and-bundles.md).
//
//   "TPB1" | uint32 BE header length | header JSON | AES-256-GCM ciphertext | 16-byte tag
//
// The header names the key that wrapped the data key, the wrapped data key, the IV and the
// bundle's metadata. The whole prefix (magic, length, header) is the GCM additional data,
// so metadata cannot be edited and a bundle cannot be moved to another device or serial
// without failing authentication. The plaintext is the passphrase and the PKCS12:
//   uint16 BE passphrase length | passphrase (UTF-8) | PKCS12 DER
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { BundleIntegrityError, StoreError } from '../errors.js';
import type { BundleContents, StoredBundleMetadata } from '../ports.js';

const MAGIC = Buffer.from('TPB1', 'ascii');
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_BYTES = 32;
const MAX_HEADER_BYTES = 16 * 1024;

/** The encryption context a data key is bound to (KMS EncryptionContext semantics). */
export type KeyContext = Record<string, string>;

export interface DataKey {
  /** The AES-256 key; used once, then dropped. */
  plaintext: Uint8Array;
  /** The same key wrapped under the master key; stored in the header. */
  wrapped: Uint8Array;
  /** Which master key wrapped it. */
  keyId: string;
}

/**
 * The master-key side of envelope encryption, shaped like KMS GenerateDataKey / Decrypt so
 * a KMS-backed provider can replace the AES one without touching the format.
 */
export interface DataKeyProvider {
  generateDataKey(context: KeyContext): Promise<DataKey>;
  /** Throws BundleIntegrityError when the wrapped key does not authenticate under `context`. */
  decryptDataKey(wrapped: Uint8Array, keyId: string, context: KeyContext): Promise<Uint8Array>;
}

/** Canonical bytes of a context: sorted keys, so the same context always gives the same AAD. */
function contextBytes(context: KeyContext): Buffer {
  const sorted = Object.keys(context)
    .sort()
    .map((key) => [key, context[key]]);
  return Buffer.from(JSON.stringify(sorted), 'utf8');
}

/** Wraps data keys with AES-256-GCM under a 32-byte master key held in memory. */
export class AesGcmDataKeyProvider implements DataKeyProvider {
  readonly #masterKey: Buffer;

  constructor(
    masterKey: Uint8Array,
    readonly keyId: string,
  ) {
    if (masterKey.length !== KEY_BYTES) {
      throw new StoreError(`master key ${keyId}: expected ${KEY_BYTES} bytes, got ${masterKey.length}`);
    }
    this.#masterKey = Buffer.from(masterKey);
  }

  async generateDataKey(context: KeyContext): Promise<DataKey> {
    const plaintext = randomBytes(KEY_BYTES);
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.#masterKey, iv);
    cipher.setAAD(contextBytes(context));
    const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    return { plaintext, wrapped: Buffer.concat([iv, body, cipher.getAuthTag()]), keyId: this.keyId };
  }

  async decryptDataKey(wrapped: Uint8Array, keyId: string, context: KeyContext): Promise<Uint8Array> {
    if (keyId !== this.keyId) {
      throw new BundleIntegrityError(`the bundle's data key was wrapped by master key ${JSON.stringify(keyId)}, but this store holds ${JSON.stringify(this.keyId)}`);
    }
    if (wrapped.length !== IV_BYTES + KEY_BYTES + TAG_BYTES) {
      throw new BundleIntegrityError(`wrapped data key has ${wrapped.length} bytes, expected ${IV_BYTES + KEY_BYTES + TAG_BYTES}`);
    }
    const bytes = Buffer.from(wrapped);
    const decipher = createDecipheriv('aes-256-gcm', this.#masterKey, bytes.subarray(0, IV_BYTES));
    decipher.setAAD(contextBytes(context));
    decipher.setAuthTag(bytes.subarray(IV_BYTES + KEY_BYTES));
    try {
      return Buffer.concat([decipher.update(bytes.subarray(IV_BYTES, IV_BYTES + KEY_BYTES)), decipher.final()]);
    } catch (error) {
      throw new BundleIntegrityError(`the data key did not authenticate under master key ${JSON.stringify(keyId)} for ${describeContext(context)}`, { cause: error });
    }
  }
}

interface EnvelopeHeader {
  v: 1;
  alg: 'AES-256-GCM';
  keyId: string;
  wrappedKey: string;
  iv: string;
  metadata: StoredBundleMetadata;
}

/** The context a bundle's data key is bound to: device, serial and kind (AAD = device + serial). */
export function bundleKeyContext(metadata: Pick<StoredBundleMetadata, 'deviceId' | 'serialHex' | 'kind'>): KeyContext {
  return { purpose: 'trustpoint-bundle', deviceId: metadata.deviceId, serialHex: metadata.serialHex, kind: metadata.kind };
}

function describeContext(context: KeyContext): string {
  return Object.entries(context)
    .filter(([key]) => key !== 'purpose')
    .map(([key, value]) => `${key}=${value}`)
    .join(' ');
}

export async function sealBundle(metadata: StoredBundleMetadata, contents: BundleContents, keys: DataKeyProvider): Promise<Uint8Array> {
  const passphrase = Buffer.from(contents.passphrase, 'utf8');
  if (passphrase.length > 0xffff) throw new StoreError(`bundle passphrase is ${passphrase.length} bytes, at most 65535 fit the envelope`);
  const dataKey = await keys.generateDataKey(bundleKeyContext(metadata));
  const iv = randomBytes(IV_BYTES);
  const header: EnvelopeHeader = {
    v: 1,
    alg: 'AES-256-GCM',
    keyId: dataKey.keyId,
    wrappedKey: Buffer.from(dataKey.wrapped).toString('base64'),
    iv: iv.toString('base64'),
    metadata,
  };
  const headerBytes = Buffer.from(JSON.stringify(header), 'utf8');
  const length = Buffer.alloc(4);
  length.writeUInt32BE(headerBytes.length);
  const prefix = Buffer.concat([MAGIC, length, headerBytes]);

  const key = Buffer.from(dataKey.plaintext);
  const plaintextLength = Buffer.alloc(2);
  plaintextLength.writeUInt16BE(passphrase.length);
  const plaintext = Buffer.concat([plaintextLength, passphrase, contents.pkcs12]);
  try {
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    cipher.setAAD(prefix);
    return Buffer.concat([prefix, cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
  } finally {
    key.fill(0);
    dataKey.plaintext.fill(0);
    plaintext.fill(0);
    passphrase.fill(0);
  }
}

function splitEnvelope(bytes: Uint8Array): { prefix: Buffer; header: EnvelopeHeader; body: Buffer } {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buffer.length < MAGIC.length + 4 || !buffer.subarray(0, MAGIC.length).equals(MAGIC)) {
    throw new BundleIntegrityError('not a trustpoint bundle: the TPB1 magic is missing');
  }
  const headerLength = buffer.readUInt32BE(MAGIC.length);
  const headerEnd = MAGIC.length + 4 + headerLength;
  if (headerLength > MAX_HEADER_BYTES || headerEnd + TAG_BYTES > buffer.length) {
    throw new BundleIntegrityError(`bundle header length ${headerLength} does not fit a ${buffer.length}-byte bundle`);
  }
  let header: EnvelopeHeader;
  try {
    header = JSON.parse(buffer.subarray(MAGIC.length + 4, headerEnd).toString('utf8')) as EnvelopeHeader;
  } catch (error) {
    throw new BundleIntegrityError('bundle header is not valid JSON', { cause: error });
  }
  if (header.v !== 1 || header.alg !== 'AES-256-GCM' || typeof header.keyId !== 'string' || typeof header.metadata !== 'object' || header.metadata === null) {
    throw new BundleIntegrityError(`unsupported bundle header (version ${JSON.stringify(header.v)}, algorithm ${JSON.stringify(header.alg)})`);
  }
  return { prefix: buffer.subarray(0, headerEnd), header, body: buffer.subarray(headerEnd) };
}

/** The metadata as written, without decrypting (not authenticated until `openBundle`). */
export function readBundleMetadata(bytes: Uint8Array): StoredBundleMetadata {
  return splitEnvelope(bytes).header.metadata;
}

/**
 * Decrypts a bundle and checks it is the one asked for: a bundle copied under another
 * device's or serial's name fails here even when it decrypts.
 */
export async function openBundle(
  bytes: Uint8Array,
  keys: DataKeyProvider,
  expected: Pick<StoredBundleMetadata, 'deviceId' | 'serialHex' | 'kind'>,
): Promise<{ metadata: StoredBundleMetadata; contents: BundleContents }> {
  const { prefix, header, body } = splitEnvelope(bytes);
  const { metadata } = header;
  if (metadata.deviceId !== expected.deviceId || metadata.serialHex !== expected.serialHex || metadata.kind !== expected.kind) {
    throw new BundleIntegrityError(
      `the bundle stored for ${describeContext(bundleKeyContext(expected))} is labelled ${describeContext(bundleKeyContext(metadata))}`,
    );
  }
  const key = Buffer.from(await keys.decryptDataKey(Buffer.from(header.wrappedKey, 'base64'), header.keyId, bundleKeyContext(metadata)));
  let plaintext: Buffer;
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(header.iv, 'base64'));
    decipher.setAAD(prefix);
    decipher.setAuthTag(body.subarray(body.length - TAG_BYTES));
    plaintext = Buffer.concat([decipher.update(body.subarray(0, body.length - TAG_BYTES)), decipher.final()]);
  } catch (error) {
    throw new BundleIntegrityError(`the bundle for ${describeContext(bundleKeyContext(metadata))} failed authentication (tampered or truncated)`, { cause: error });
  } finally {
    key.fill(0);
  }
  const passphraseLength = plaintext.readUInt16BE(0);
  const passphrase = plaintext.subarray(2, 2 + passphraseLength).toString('utf8');
  const pkcs12 = new Uint8Array(plaintext.subarray(2 + passphraseLength));
  plaintext.fill(0);
  return { metadata, contents: { pkcs12, passphrase } };
}
