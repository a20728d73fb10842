import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../src/errors.js';
import { validateSans, validateSubject, type SubjectFields } from '../../../src/pki/subject.js';

function errorOf(fn: () => unknown): ValidationError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ValidationError) return error;
    throw error;
  }
  throw new Error('expected a ValidationError, nothing was thrown');
}

const base: SubjectFields = { cn: 'vpn.example.com' };

describe('validateSubject', () => {
  it('returns only the attributes that are set, unchanged', () => {
    const full: SubjectFields = { cn: 'vpn.example.com', ou: 'Network', o: 'Example Ltd', c: 'DE', st: 'Bayern', l: 'München', email: 'noc@example.com' };
    expect(validateSubject(full)).toEqual(full);
    expect(validateSubject({ cn: 'a', ou: undefined })).toEqual({ cn: 'a' });
  });

  it('accepts values exactly at the X.520 upper bounds', () => {
    const subject: SubjectFields = { cn: 'c'.repeat(64), ou: 'u'.repeat(64), o: 'o'.repeat(64), st: 's'.repeat(128), l: 'l'.repeat(128), email: `${'e'.repeat(116)}@example.com` };
    expect(subject.email).toHaveLength(128);
    expect(validateSubject(subject)).toEqual(subject);
  });

  it('counts characters, not UTF-8 bytes', () => {
    expect(validateSubject({ cn: 'ü'.repeat(64) }).cn).toHaveLength(64);
  });

  it.each<[string, Record<string, unknown>, string, string]>([
    ['missing CN', { ou: 'x' }, 'subject.cn', 'subject.cn: the common name is required (usually the FQDN the VPN users connect to, e.g. "vpn.example.com")'],
    ['empty CN', { cn: '' }, 'subject.cn', 'subject.cn: the common name is required (usually the FQDN the VPN users connect to, e.g. "vpn.example.com")'],
    ['CN of 65 characters', { cn: 'a'.repeat(65) }, 'subject.cn', `subject.cn: "${'a'.repeat(65)}" is 65 characters long: the common name allows at most 64`],
    ['CN with a newline', { cn: 'vpn\nexample' }, 'subject.cn', 'subject.cn: "vpn\\nexample" contains a control character (U+000A) at position 4'],
    ['CN with a NUL', { cn: 'vpn\u0000' }, 'subject.cn', 'subject.cn: "vpn\\u0000" contains a control character (U+0000) at position 4'],
    ['O with a C1 control', { ...base, o: 'Ex\u0085ample' }, 'subject.o', 'subject.o: "Ex\\u0085ample" contains a control character (U+0085) at position 3'],
    ['CN with a leading space', { cn: ' vpn.example.com' }, 'subject.cn', 'subject.cn: " vpn.example.com" has leading or trailing spaces: remove them'],
    ['OU with a trailing space', { ...base, ou: 'Network ' }, 'subject.ou', 'subject.ou: "Network " has leading or trailing spaces: remove them'],
    ['CN not a string', { cn: 42 }, 'subject.cn', 'subject.cn: the common name must be a string, got number'],
    ['C of three letters', { ...base, c: 'USA' }, 'subject.c', 'subject.c: "USA" must be exactly two letters A-Z, the ISO 3166-1 alpha-2 country code (e.g. "US", "DE", "GB")'],
    ['C in lower case', { ...base, c: 'us' }, 'subject.c', 'subject.c: "us" must be two upper-case letters (ISO 3166-1 alpha-2): use "US"'],
    ['C in mixed case', { ...base, c: 'De' }, 'subject.c', 'subject.c: "De" must be two upper-case letters (ISO 3166-1 alpha-2): use "DE"'],
    ['C of one letter', { ...base, c: 'U' }, 'subject.c', 'subject.c: "U" must be exactly two letters A-Z, the ISO 3166-1 alpha-2 country code (e.g. "US", "DE", "GB")'],
    ['C with digits', { ...base, c: '12' }, 'subject.c', 'subject.c: "12" must be exactly two letters A-Z, the ISO 3166-1 alpha-2 country code (e.g. "US", "DE", "GB")'],
    ['empty C', { ...base, c: '' }, 'subject.c', 'subject.c: the country must not be empty'],
    ['OU of 65 characters', { ...base, ou: 'u'.repeat(65) }, 'subject.ou', `subject.ou: "${'u'.repeat(65)}" is 65 characters long: the organizational unit allows at most 64`],
    ['O of 65 characters', { ...base, o: 'o'.repeat(65) }, 'subject.o', `subject.o: "${'o'.repeat(65)}" is 65 characters long: the organization allows at most 64`],
    ['ST of 129 characters', { ...base, st: 's'.repeat(129) }, 'subject.st', `subject.st: "${'s'.repeat(70)}…" is 129 characters long: the state or province allows at most 128`],
    ['L of 129 characters', { ...base, l: 'l'.repeat(129) }, 'subject.l', `subject.l: "${'l'.repeat(70)}…" is 129 characters long: the locality allows at most 128`],
    ['empty L', { ...base, l: '' }, 'subject.l', 'subject.l: the locality must not be empty'],
    ['e-mail without @', { ...base, email: 'noc.example.com' }, 'subject.email', 'subject.email: "noc.example.com" is not a plausible e-mail address (ASCII local-part@domain.example)'],
    ['e-mail without a domain dot', { ...base, email: 'noc@localhost' }, 'subject.email', 'subject.email: "noc@localhost" is not a plausible e-mail address (ASCII local-part@domain.example)'],
    ['e-mail with spaces', { ...base, email: 'n oc@example.com' }, 'subject.email', 'subject.email: "n oc@example.com" is not a plausible e-mail address (ASCII local-part@domain.example)'],
    ['non-ASCII e-mail', { ...base, email: 'nöc@example.com' }, 'subject.email', 'subject.email: "nöc@example.com" is not a plausible e-mail address (ASCII local-part@domain.example)'],
    ['e-mail of 129 characters', { ...base, email: `${'e'.repeat(117)}@example.com` }, 'subject.email', `subject.email: "${'e'.repeat(70)}…" is 129 characters long: the e-mail address allows at most 128`],
    ['unknown attribute', { ...base, serialNumber: 'FTX1234' }, 'subject.serialNumber', 'subject.serialNumber: unknown subject attribute: expected cn, ou, o, c, st, l, email'],
  ])('rejects %s', (_case, subject, field, message) => {
    const error = errorOf(() => validateSubject(subject as unknown as SubjectFields));
    expect(error.field).toBe(field);
    expect(error.message).toBe(message);
  });

  it('names CLI flags when the prefix is "--"', () => {
    const error = errorOf(() => validateSubject({ cn: 'x', c: 'USA' }, '--'));
    expect(error.field).toBe('--c');
    expect(error.message).toMatch(/^--c: "USA" must be exactly two letters/);
  });

  it('names nested config fields with a dotted prefix', () => {
    expect(errorOf(() => validateSubject({ cn: '' }, 'devices[3].certificate.subject')).field).toBe('devices[3].certificate.subject.cn');
  });
});

describe('validateSans', () => {
  it('splits DNS names and IP addresses in the given order', () => {
    expect(validateSans(['vpn.example.com', '*.vpn.example.com', '192.0.2.10', '2001:db8::1', 'a-b.c0.example'])).toEqual({
      dns: ['vpn.example.com', '*.vpn.example.com', 'a-b.c0.example'],
      ip: ['192.0.2.10', '2001:db8::1'],
    });
  });

  it('accepts an empty list, a 63-character label and a 253-character name', () => {
    expect(validateSans([])).toEqual({ dns: [], ip: [] });
    const label63 = `${'a'.repeat(63)}.example.com`;
    const name253 = [...Array(3).fill('a'.repeat(63)), 'b'.repeat(61)].join('.');
    expect(name253).toHaveLength(253);
    expect(validateSans([label63, name253]).dns).toEqual([label63, name253]);
  });

  it('writes IPv6 addresses in canonical form', () => {
    expect(validateSans(['2001:DB8:0:0::0:1']).ip).toEqual(['2001:db8::1']);
  });

  it.each<[string, string[], string]>([
    ['a partial wildcard', ['a*.example.com'], 'sans: "a*.example.com" has a partial wildcard: a wildcard must be the whole leftmost label ("*.example.com")'],
    ['two wildcards', ['*.*.example.com'], 'sans: "*.*.example.com" has a wildcard that is not the leftmost label: only "*.<domain>" is allowed'],
    ['an inner wildcard', ['example.*.com'], 'sans: "example.*.com" has a wildcard that is not the leftmost label: only "*.<domain>" is allowed'],
    ['a bare wildcard', ['*'], 'sans: "*" is a wildcard over a single label: TLS clients refuse it, give at least "*.example.com"'],
    ['a wildcard over a TLD', ['*.com'], 'sans: "*.com" is a wildcard over a single label: TLS clients refuse it, give at least "*.example.com"'],
    ['an underscore', ['my_host.example.com'], 'sans: "my_host.example.com" has an invalid label "my_host": labels use letters, digits and inner "-" only'],
    ['a leading hyphen', ['-vpn.example.com'], 'sans: "-vpn.example.com" has an invalid label "-vpn": labels use letters, digits and inner "-" only'],
    ['a trailing hyphen', ['vpn-.example.com'], 'sans: "vpn-.example.com" has an invalid label "vpn-": labels use letters, digits and inner "-" only'],
    ['an empty label', ['vpn..example.com'], 'sans: "vpn..example.com" has an empty label ("..", or a leading ".")'],
    ['a trailing dot', ['vpn.example.com.'], 'sans: "vpn.example.com." ends with ".": give the name without the trailing dot'],
    ['a 64-character label', [`${'a'.repeat(64)}.example.com`], `sans: "${`${'a'.repeat(64)}.example.com`.slice(0, 70)}…" has a label of 64 characters: a DNS label allows at most 63`],
    ['a 254-character name', [[...Array(3).fill('a'.repeat(63)), 'b'.repeat(62)].join('.')], `sans: "${'a'.repeat(63)}.aaaaaa…" is 254 characters long: a DNS name allows at most 253`],
    ['a non-ASCII name', ['bücher.example'], 'sans: "bücher.example" has non-ASCII characters: give the IDN in its xn-- (punycode) form'],
    ['an IPv4 with an octet over 255', ['192.0.2.256'], 'sans: "192.0.2.256" is neither a valid IPv4 address nor a DNS name'],
    ['an IPv4 with leading zeros', ['010.0.0.1'], 'sans: "010.0.0.1" is neither a valid IPv4 address nor a DNS name'],
    ['an IPv6 zone index', ['fe80::1%eth0'], 'sans: "fe80::1%eth0" has a zone index ("%..."): a certificate carries the address without it'],
    ['an invalid IPv6', ['2001:db8::1::2'], 'sans: "2001:db8::1::2" is not a valid IPv6 address (nor a DNS name)'],
    ['a URL', ['https://vpn.example.com'], 'sans: "https://vpn.example.com" is a URL: give only the host name'],
    ['a space', ['vpn example.com'], 'sans: "vpn example.com" contains spaces or control characters: expected a DNS name or IP address'],
    ['a newline', ['vpn.example.com\nx'], 'sans: "vpn.example.com\\nx" contains spaces or control characters: expected a DNS name or IP address'],
    ['an empty entry', [''], 'sans: an entry is empty: expected a DNS name or IP address'],
    ['a duplicate name', ['vpn.example.com', 'vpn.example.com'], 'sans: "vpn.example.com" is listed twice'],
    ['a duplicate differing in case', ['vpn.example.com', 'VPN.example.com'], 'sans: "VPN.example.com" duplicates "vpn.example.com"'],
    ['a duplicate IPv6 in another spelling', ['2001:db8::1', '2001:DB8:0::1'], 'sans: "2001:DB8:0::1" duplicates "2001:db8::1"'],
    ['a duplicate IPv4', ['192.0.2.1', '192.0.2.1'], 'sans: "192.0.2.1" is listed twice'],
  ])('rejects %s', (_case, sans, message) => {
    const error = errorOf(() => validateSans(sans));
    expect(error.field).toBe('sans');
    expect(error.message).toBe(message);
  });

  it('names the field it is given', () => {
    expect(errorOf(() => validateSans(['*'], '--san')).message).toMatch(/^--san: "\*" is a wildcard/);
  });
});
