// Device credentials as 0600 JSON files: <dataDir>/secrets/<ref>.json, where <ref> is the
// device record's credentialsRef (a name, optionally with "/" separated parts).
import path from 'node:path';
import { StoreError, ValidationError } from '../errors.js';
import { credentialsDocument, parseCredentialsDocument } from '../inventory/credentials.js';
import type { DeviceCredentials, SecretStore } from '../ports.js';
import { checkPrivateFile, readFileIfExists, writeFileAtomic } from './files.js';

const SEGMENT = /^[A-Za-z0-9_+=@-][A-Za-z0-9_+=.@-]*$/;

/** The file that holds `ref`; refuses ARNs, absolute paths and `.`/`..` segments. */
export function localSecretPath(secretsDir: string, ref: string): string {
  const segments = ref.split('/');
  if (ref.length > 512 || !segments.every((segment) => SEGMENT.test(segment))) {
    throw new ValidationError(
      'credentialsRef',
      `${JSON.stringify(ref.slice(0, 80))} is not a local secret name: expected "/"-separated parts of letters, digits, "_+=.@-", none starting with "."`,
    );
  }
  return path.join(secretsDir, ...segments) + '.json';
}

export class FileSecretStore implements SecretStore {
  readonly #secretsDir: string;

  constructor(dataDir: string) {
    this.#secretsDir = path.join(dataDir, 'secrets');
  }

  async getDeviceCredentials(ref: string): Promise<DeviceCredentials> {
    const file = localSecretPath(this.#secretsDir, ref);
    const text = await readFileIfExists(file);
    if (text === undefined) {
      throw new ValidationError('credentialsRef', `no local secret ${JSON.stringify(ref)} (expected ${file})`);
    }
    await checkPrivateFile(file, 'credentialsRef');
    return parseCredentialsDocument(text.toString('utf8'), ref);
  }

  async putDeviceCredentials(ref: string, credentials: DeviceCredentials): Promise<void> {
    const file = localSecretPath(this.#secretsDir, ref);
    try {
      await writeFileAtomic(file, credentialsDocument(credentials));
    } catch (error) {
      throw error instanceof StoreError ? error : new StoreError(`could not write local secret ${JSON.stringify(ref)}`, { cause: error });
    }
  }
}
