// Trustpoint names for new certificates: `<prefix>-<YYYYMMDD>-<serial tail>`. A renewal
// always creates a new trustpoint (never modifies one in place), so the name must be unique
// per issuance, stable across retries of the same issuance, and fit the ASA's 64 characters.
import { checkCliValue } from '../asa/names.js';
import { ValidationError } from '../errors.js';
import { normalizeSerialHex } from './refs.js';

const MAX_TRUSTPOINT_LENGTH = 64;
/** Fewest serial hex digits kept: 32 bits, so two issuances on one day do not collide. */
const MIN_SERIAL_DIGITS = 8;
/** "-" + YYYYMMDD + "-" + 8 hex digits. */
export const MAX_TRUSTPOINT_PREFIX_LENGTH = MAX_TRUSTPOINT_LENGTH - (1 + 8 + 1 + MIN_SERIAL_DIGITS);

/**
 * The trustpoint for a certificate valid from `notBefore` (UTC date) with `serialHex`.
 * Keeps as many trailing serial digits as fit (the trailing ones, because sequential CAs
 * change those), at least 8, and all of a shorter serial.
 */
export function trustpointNameFor(prefix: string, notBefore: Date, serialHex: string): string {
  checkCliValue('trustpoint', prefix, 'trustpointPrefix');
  if (prefix.length > MAX_TRUSTPOINT_PREFIX_LENGTH) {
    throw new ValidationError('trustpointPrefix', `${JSON.stringify(prefix)} is ${prefix.length} characters: at most ${MAX_TRUSTPOINT_PREFIX_LENGTH} leave room for "-YYYYMMDD-<serial>"`);
  }
  if (Number.isNaN(notBefore.getTime())) throw new ValidationError('notBefore', 'is not a valid date');
  const serial = normalizeSerialHex(serialHex);
  const date = notBefore.toISOString().slice(0, 10).replaceAll('-', '');
  const room = MAX_TRUSTPOINT_LENGTH - prefix.length - date.length - 2;
  const name = `${prefix}-${date}-${serial.slice(-room)}`;
  return checkCliValue('trustpoint', name, 'trustpoint');
}

/** True when `name` looks like one of ours for `prefix` (cleanup removes only these). */
export function isTrustpointOf(prefix: string, name: string): boolean {
  return name.startsWith(`${prefix}-`) && /^\d{8}-[0-9a-f]+$/.test(name.slice(prefix.length + 1));
}
