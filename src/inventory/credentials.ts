// The credentials document a device record's credentialsRef points to, in Secrets Manager or
// a local 0600 file: {"username": ..., "password": ..., "enablePassword"?: ...}.
import { ValidationError } from '../errors.js';
import { deviceCredentials } from '../ports.js';
import type { DeviceCredentials } from '../ports.js';

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
