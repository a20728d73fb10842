// Validation of the certificate subject (the attributes of the ASA enrollment form) and of
// subject alternative names. Upper bounds are those of X.520 / RFC 5280 appendix A.
import { isIP } from 'node:net';
import { ValidationError } from '../errors.js';

export interface SubjectFields {
  cn: string;
  ou?: string;
  o?: string;
  c?: string;
  st?: string;
  l?: string;
  email?: string;
}

export type SubjectKey = keyof SubjectFields;

interface FieldRule {
  max: number;
  label: string;
}

const RULES: Record<SubjectKey, FieldRule> = {
  cn: { max: 64, label: 'common name' },
  ou: { max: 64, label: 'organizational unit' },
  o: { max: 64, label: 'organization' },
  c: { max: 2, label: 'country' },
  st: { max: 128, label: 'state or province' },
  l: { max: 128, label: 'locality' },
  email: { max: 128, label: 'e-mail address' },
};

export const SUBJECT_KEYS = Object.keys(RULES) as SubjectKey[];

// C0 and C1 controls, DEL, and the Unicode line/paragraph separators.
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/u;
const EMAIL = /^[A-Za-z0-9.!#$%&'*+/=^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;

/** How a field is named in errors: `subject.c`, or `--c` when the prefix is `--`. */
export function subjectFieldName(prefix: string, key: string): string {
  if (prefix === '') return key;
  if (prefix.endsWith('-') || prefix.endsWith('.')) return `${prefix}${key}`;
  return `${prefix}.${key}`;
}

/** A value for an error message: quoted, control characters escaped, long values shortened. */
export function quoteValue(value: string): string {
  const short = [...value].length > 70 ? `${[...value].slice(0, 70).join('')}…` : value;
  return JSON.stringify(short).replace(/[\u007f-\u009f\u2028\u2029]/gu, (c) => `\\u${c.codePointAt(0)!.toString(16).padStart(4, '0')}`);
}

function checkText(value: unknown, key: SubjectKey, field: string): string {
  const rule = RULES[key];
  if (typeof value !== 'string') throw new ValidationError(field, `the ${rule.label} must be a string, got ${value === null ? 'null' : typeof value}`);
  if (value === '') throw new ValidationError(field, `the ${rule.label} must not be empty`);
  const control = CONTROL.exec(value);
  if (control) {
    const code = control[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0');
    throw new ValidationError(field, `${quoteValue(value)} contains a control character (U+${code}) at position ${control.index + 1}`);
  }
  if (value.trim() !== value) throw new ValidationError(field, `${quoteValue(value)} has leading or trailing spaces: remove them`);
  if (/[\ud800-\udfff]/u.test(value)) throw new ValidationError(field, `${quoteValue(value)} is not valid Unicode text`);
  return value;
}

function checkLength(value: string, key: SubjectKey, field: string): void {
  const rule = RULES[key];
  const length = [...value].length;
  if (length > rule.max) throw new ValidationError(field, `${quoteValue(value)} is ${length} characters long: the ${rule.label} allows at most ${rule.max}`);
}

function checkCountry(value: string, field: string): void {
  if (/^[A-Z]{2}$/.test(value)) return;
  if (/^[A-Za-z]{2}$/.test(value)) {
    throw new ValidationError(field, `${quoteValue(value)} must be two upper-case letters (ISO 3166-1 alpha-2): use "${value.toUpperCase()}"`);
  }
  throw new ValidationError(field, `${quoteValue(value)} must be exactly two letters A-Z, the ISO 3166-1 alpha-2 country code (e.g. "US", "DE", "GB")`);
}

function checkEmail(value: string, field: string): void {
  if (!EMAIL.test(value)) throw new ValidationError(field, `${quoteValue(value)} is not a plausible e-mail address (ASCII local-part@domain.example)`);
}

/**
 * Checks every subject attribute and returns a copy with only the attributes that are set.
 * Nothing is trimmed or case-folded: a value that would be changed is rejected instead.
 * Field names in errors are `${fieldPrefix}.cn` etc. (`--cn` with the prefix `--`).
 */
export function validateSubject(subject: SubjectFields, fieldPrefix = 'subject'): SubjectFields {
  if (typeof subject !== 'object' || subject === null) throw new ValidationError(fieldPrefix || 'subject', 'expected an object with at least cn');
  for (const key of Object.keys(subject)) {
    if (!(SUBJECT_KEYS as string[]).includes(key)) {
      throw new ValidationError(subjectFieldName(fieldPrefix, key), `unknown subject attribute: expected ${SUBJECT_KEYS.join(', ')}`);
    }
  }
  const cnField = subjectFieldName(fieldPrefix, 'cn');
  if (subject.cn === undefined || subject.cn === '') {
    throw new ValidationError(cnField, 'the common name is required (usually the FQDN the VPN users connect to, e.g. "vpn.example.com")');
  }
  const result: SubjectFields = { cn: '' };
  for (const key of SUBJECT_KEYS) {
    const value = subject[key];
    if (value === undefined) continue;
    const field = subjectFieldName(fieldPrefix, key);
    const text = checkText(value, key, field);
    if (key === 'c') checkCountry(text, field);
    else checkLength(text, key, field);
    if (key === 'email') checkEmail(text, field);
    result[key] = text;
  }
  return result;
}

export interface ValidatedSans {
  dns: string[];
  ip: string[];
}

const LABEL = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;

function dnsProblem(name: string): string | undefined {
  if (name.length > 253) return `is ${name.length} characters long: a DNS name allows at most 253`;
  if (name.includes('://')) return 'is a URL: give only the host name';
  if (name.includes(':')) return 'is not a valid IPv6 address (nor a DNS name)';
  if (name.endsWith('.')) return 'ends with ".": give the name without the trailing dot';
  const labels = name.split('.');
  for (const [index, label] of labels.entries()) {
    if (label === '*') {
      if (index !== 0) return 'has a wildcard that is not the leftmost label: only "*.<domain>" is allowed';
      if (labels.length < 3) return 'is a wildcard over a single label: TLS clients refuse it, give at least "*.example.com"';
      continue;
    }
    if (label.includes('*')) return 'has a partial wildcard: a wildcard must be the whole leftmost label ("*.example.com")';
    if (label === '') return 'has an empty label ("..", or a leading ".")';
    if (label.length > 63) return `has a label of ${label.length} characters: a DNS label allows at most 63`;
    if (!LABEL.test(label)) {
      if (/[^\x00-\x7f]/.test(label)) return 'has non-ASCII characters: give the IDN in its xn-- (punycode) form';
      return `has an invalid label ${JSON.stringify(label)}: labels use letters, digits and inner "-" only`;
    }
  }
  if (labels.every((l) => /^\d+$/.test(l))) return 'is neither a valid IPv4 address nor a DNS name';
  return undefined;
}

/** IPv6 in canonical (RFC 5952) form, so that `::1` and `0:0::1` are seen as duplicates. */
function canonicalIp(value: string): string {
  return isIP(value) === 6 ? new URL(`http://[${value}]/`).hostname.slice(1, -1) : value;
}

/**
 * Splits SAN entries into DNS names (one leading "*." wildcard label allowed) and IP
 * addresses (IPv4, IPv6), rejecting anything else and duplicates (DNS names compare
 * case-insensitively, IPv6 after canonicalisation).
 */
export function validateSans(sans: string[], field = 'sans'): ValidatedSans {
  if (!Array.isArray(sans)) throw new ValidationError(field, 'expected a list of DNS names and IP addresses');
  const dns: string[] = [];
  const ip: string[] = [];
  const seen = new Map<string, string>();
  for (const entry of sans as unknown[]) {
    if (typeof entry !== 'string') throw new ValidationError(field, `expected a DNS name or IP address, got ${entry === null ? 'null' : typeof entry}`);
    if (entry === '') throw new ValidationError(field, 'an entry is empty: expected a DNS name or IP address');
    if (CONTROL.test(entry) || entry.trim() !== entry || /\s/.test(entry)) {
      throw new ValidationError(field, `${quoteValue(entry)} contains spaces or control characters: expected a DNS name or IP address`);
    }
    let key: string;
    if (entry.includes('%') && isIP(entry) === 6) {
      throw new ValidationError(field, `${quoteValue(entry)} has a zone index ("%..."): a certificate carries the address without it`);
    }
    if (isIP(entry)) {
      key = `ip:${canonicalIp(entry)}`;
      ip.push(canonicalIp(entry));
    } else {
      const problem = dnsProblem(entry);
      if (problem) throw new ValidationError(field, `${quoteValue(entry)} ${problem}`);
      key = `dns:${entry.toLowerCase()}`;
      dns.push(entry);
    }
    const earlier = seen.get(key);
    if (earlier !== undefined) {
      throw new ValidationError(field, earlier === entry ? `${quoteValue(entry)} is listed twice` : `${quoteValue(entry)} duplicates ${quoteValue(earlier)}`);
    }
    seen.set(key, entry);
  }
  return { dns, ip };
}
