import { describe, expect, it } from 'vitest';
import { isCliValue } from '../../../src/asa/names.js';
import { ValidationError } from '../../../src/errors.js';
import { MAX_TRUSTPOINT_PREFIX_LENGTH, isTrustpointOf, trustpointNameFor } from '../../../src/inventory/trustpoint-name.js';

const NOT_BEFORE = new Date('2026-11-27T23:59:59Z');

describe('trustpointNameFor', () => {
  it.each([
    ['a short prefix keeps the whole serial', 'VPN-ID', '008be12a0e5944ed3c546431f097614fe5', 'VPN-ID-20261127-8be12a0e5944ed3c546431f097614fe5'],
    ['a short serial is kept as it is', 'VPN', '01', 'VPN-20261127-1'],
    ['colons and upper case are normalised', 'VPN', '3E:EC:76:FB', 'VPN-20261127-3eec76fb'],
    ['the longest prefix keeps the last 8 digits', 'P'.repeat(46), '25c466068f31668049699b34d62723f7', `${'P'.repeat(46)}-20261127-d62723f7`],
  ])('names it when %s', (_case, prefix, serial, expected) => {
    const name = trustpointNameFor(prefix, NOT_BEFORE, serial);

    expect(name).toBe(expected);
    expect(name.length).toBeLessThanOrEqual(64);
    expect(isCliValue('trustpoint', name)).toBe(true);
  });

  it('uses the UTC date of notBefore', () => {
    expect(trustpointNameFor('VPN', new Date('2026-01-01T00:30:00+02:00'), 'ab')).toBe('VPN-20251231-ab');
  });

  it('gives different names to two certificates issued the same day', () => {
    const a = trustpointNameFor('P'.repeat(MAX_TRUSTPOINT_PREFIX_LENGTH), NOT_BEFORE, '1000000000000001');
    const b = trustpointNameFor('P'.repeat(MAX_TRUSTPOINT_PREFIX_LENGTH), NOT_BEFORE, '1000000000000002');

    expect(a).not.toBe(b);
  });

  it.each([
    ['a prefix that is too long', 'P'.repeat(47), 'ab', 'trustpointPrefix'],
    ['a prefix with a space', 'VPN ID', 'ab', 'trustpointPrefix'],
    ['a serial that is not hex', 'VPN', 'xyz', 'serialHex'],
  ])('rejects %s', (_case, prefix, serial, field) => {
    expect(() => trustpointNameFor(prefix, NOT_BEFORE, serial)).toThrow(ValidationError);
    try {
      trustpointNameFor(prefix, NOT_BEFORE, serial);
    } catch (error) {
      expect((error as ValidationError).field).toBe(field);
    }
  });
});

describe('isTrustpointOf', () => {
  it.each([
    ['VPN', 'VPN-20261127-8be12a0e', true],
    ['VPN', 'VPN-ID-20261127-8be12a0e', false],
    ['VPN', 'VPN-2026112-8be12a0e', false],
    ['VPN', 'ASDM_TrustPoint0', false],
  ])('tells whether %s owns %s', (prefix, name, expected) => {
    expect(isTrustpointOf(prefix, name)).toBe(expected);
  });
});
