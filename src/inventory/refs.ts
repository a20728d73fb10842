// Identifiers and references shared by the device record, the stores and the state payloads.
import { ValidationError } from '../errors.js';
import type { BundleKind, BundleRef } from '../ports.js';

/**
 * A device id becomes a file name, an S3 key segment, a DynamoDB key and part of an
 * execution name, so it is short and plain.
 */
export const DEVICE_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;

/** A Secrets Manager secret name or ARN; locally, a name under the data directory. */
export const SECRET_REF_PATTERN = /^(?:arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:)?[A-Za-z0-9/_+=.@-]{1,512}$/;

const BUNDLE_KINDS: readonly BundleKind[] = ['issued', 'backup'];

export function checkDeviceId(value: unknown, field = 'deviceId'): string {
  if (typeof value !== 'string' || !DEVICE_ID_PATTERN.test(value)) {
    throw new ValidationError(field, `${describe(value)} is not a device id: expected 1-63 letters, digits, ".", "_", "-", starting with a letter or digit`);
  }
  return value;
}

/**
 * Lowercase hex without separators or leading zeros, so that `00FA:C8` from one tool and
 * `fac8` from another compare equal. The ASA prints leading zero bytes; the CA may not.
 */
export function normalizeSerialHex(value: string, field = 'serialHex'): string {
  const hex = value.replace(/[\s:]/g, '').toLowerCase();
  if (!/^[0-9a-f]{1,64}$/.test(hex)) {
    throw new ValidationError(field, `${describe(value)} is not a certificate serial: expected 1-64 hex digits`);
  }
  return hex.replace(/^0+(?=.)/, '');
}

export function sameSerial(a: string, b: string): boolean {
  return normalizeSerialHex(a) === normalizeSerialHex(b);
}

export function bundleRefFor(deviceId: string, kind: BundleKind, serialHex: string): BundleRef {
  return `bundle/${checkDeviceId(deviceId)}/${kind}/${normalizeSerialHex(serialHex)}`;
}

export function parseBundleRef(ref: unknown): { deviceId: string; kind: BundleKind; serialHex: string } {
  const match = typeof ref === 'string' ? /^bundle\/([^/]+)\/([^/]+)\/([0-9a-f]+)$/.exec(ref) : null;
  const kind = match?.[2] as BundleKind | undefined;
  if (!match || kind === undefined || !BUNDLE_KINDS.includes(kind)) {
    throw new ValidationError('bundleRef', `${describe(ref)} is not a bundle reference: expected bundle/<deviceId>/issued|backup/<serialHex>`);
  }
  const deviceId = checkDeviceId(match[1], 'bundleRef');
  const serialHex = normalizeSerialHex(match[3] ?? '', 'bundleRef');
  if (serialHex !== match[3]) {
    throw new ValidationError('bundleRef', `${describe(ref)} is not canonical: the serial must have no leading zeros`);
  }
  return { deviceId, kind, serialHex };
}

function describe(value: unknown): string {
  if (typeof value !== 'string') return value === null ? 'null' : typeof value;
  return JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}…` : value);
}
