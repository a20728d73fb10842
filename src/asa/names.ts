// Values that are interpolated into ASA CLI lines. Each is checked against a strict pattern
// before any command is built, so no value can carry a newline, a `?` (the ASA's inline
// help), a quote, a space that splits arguments, or a control character.
import { ValidationError } from '../errors.js';

interface NameRule {
  pattern: RegExp;
  expected: string;
}

const RULES = {
  trustpoint: {
    pattern: /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/,
    expected: '1-64 characters: letters, digits, ".", "_", "-", starting with a letter or digit',
  },
  interface: {
    pattern: /^[A-Za-z][A-Za-z0-9._-]{0,47}$/,
    expected: 'an interface nameif of 1-48 characters: letters, digits, ".", "_", "-", starting with a letter',
  },
  hostname: {
    pattern: /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/,
    expected: 'an ASA hostname of 1-63 letters, digits and inner "-"',
  },
  keypair: {
    pattern: /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/,
    expected: '1-64 characters: letters, digits, ".", "_", "-", starting with a letter or digit',
  },
  // Printable ASCII that the ASA parser takes as one unquoted token: no space, `?`, quotes or backslash.
  passphrase: {
    pattern: /^[A-Za-z0-9!#$%&()*+,./:;<=>@[\]^_{|}~-]{8,128}$/,
    expected: '8-128 printable ASCII characters without spaces, "?", quotes or backslashes',
  },
} satisfies Record<string, NameRule>;

export type CliValueKind = keyof typeof RULES;

/** A shortened, control-character-free rendering of a rejected value for an error message. */
function describeValue(kind: CliValueKind, value: string): string {
  if (kind === 'passphrase') return `(${value.length} characters, redacted)`;
  const shown = JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}…` : value);
  return shown;
}

/** Returns `value` when it is safe to put on an ASA command line as a `kind`; throws ValidationError naming `field` otherwise. */
export function checkCliValue(kind: CliValueKind, value: unknown, field: string = kind): string {
  if (typeof value !== 'string') {
    throw new ValidationError(field, `expected a string, got ${value === null ? 'null' : typeof value}`);
  }
  const rule: NameRule = RULES[kind];
  if (!rule.pattern.test(value)) {
    throw new ValidationError(field, `${describeValue(kind, value)} is not a valid ${kind}: expected ${rule.expected}`);
  }
  return value;
}

export function isCliValue(kind: CliValueKind, value: string): boolean {
  return RULES[kind].pattern.test(value);
}

export const CLI_VALUE_PATTERNS: Readonly<Record<CliValueKind, RegExp>> = Object.fromEntries(
  Object.entries(RULES).map(([kind, rule]) => [kind, rule.pattern]),
) as Record<CliValueKind, RegExp>;
