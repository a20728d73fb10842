// Device credentials as 0600 JSON files: <dataDir>/secrets/<ref>.json, where <ref> is the
// device record's credentialsRef (a name, optionally with "/" separated parts).
import path from 'node:path';
import { StoreError, ValidationError } from '../errors.js';
import { deviceCredentials } from '../ports.js';
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

/** Parses a stored credentials document. Messages name fields, never values. */
export function parseCredentialsDocument(text: string, ref: string): DeviceCredentials {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new ValidationError('credentialsRef', `secret ${JSON.stringify(ref)} is not JSON: expected {"username","password","enablePassword"?}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ValidationError('credentialsRef', `secret ${JSON.stringify(ref)} is not a JSON object: expected {"username","password","enablePassword"?}`);
  }
  const { username, password, enablePassword, ...rest } = parsed as Record<string, unknown>;
  const unknownKeys = Object.keys(rest);
  if (unknownKeys.length > 0) {
    throw new ValidationError('credentialsRef', `secret ${JSON.stringify(ref)} has unknown fields ${unknownKeys.map((key) => JSON.stringify(key)).join(', ')}`);
  }
  if (typeof username !== 'string' || username.length === 0) {
    throw new ValidationError('credentialsRef', `secret ${JSON.stringify(ref)}: "username" must be a non-empty string`);
  }
  if (typeof password !== 'string' || password.length === 0) {
    throw new ValidationError('credentialsRef', `secret ${JSON.stringify(ref)}: "password" must be a non-empty string`);
  }
  if (enablePassword !== undefined && typeof enablePassword !== 'string') {
    throw new ValidationError('credentialsRef', `secret ${JSON.stringify(ref)}: "enablePassword" must be a string when present`);
  }
  return deviceCredentials({ username, password, ...(enablePassword === undefined ? {} : { enablePassword }) });
}

/** The stored form of credentials (the only place the passwords are serialised on purpose). */
export function credentialsDocument(credentials: DeviceCredentials): string {
  return JSON.stringify({
    username: credentials.username,
    password: credentials.password,
    ...(credentials.enablePassword === undefined ? {} : { enablePassword: credentials.enablePassword }),
  });
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
