// The local master key: 32 random bytes, base64, in a 0600 file under the data directory.
// It wraps the per-bundle data keys, as a KMS key does on AWS.
import { createHash, randomBytes } from 'node:crypto';
import { ValidationError } from '../errors.js';
import { AesGcmDataKeyProvider } from './bundle-envelope.js';
import { checkPrivateFile, createFileExclusive, readFileIfExists } from './files.js';

const KEY_BYTES = 32;

/** `local:` + the first 16 hex digits of the key's SHA-256: names the key without revealing it. */
export function localKeyId(key: Uint8Array): string {
  return `local:${createHash('sha256').update(key).digest('hex').slice(0, 16)}`;
}

/**
 * Opens the master key file, creating it on first use. Two processes starting at once end
 * up with the same key: the file appears atomically and only the first creation wins.
 */
export async function openLocalMasterKey(file: string): Promise<AesGcmDataKeyProvider> {
  let text = await readFileIfExists(file);
  if (text === undefined) {
    await createFileExclusive(file, `${randomBytes(KEY_BYTES).toString('base64')}\n`);
    text = await readFileIfExists(file);
  }
  await checkPrivateFile(file, 'masterKeyFile');
  const key = Buffer.from((text ?? '').toString('utf8').trim(), 'base64');
  if (key.length !== KEY_BYTES) {
    throw new ValidationError('masterKeyFile', `${file} does not hold a base64 ${KEY_BYTES}-byte key (decoded ${key.length} bytes)`);
  }
  return new AesGcmDataKeyProvider(key, localKeyId(key));
}
