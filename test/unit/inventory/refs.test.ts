import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../src/errors.js';
import { bundleRefFor, normalizeSerialHex, parseBundleRef, sameSerial } from '../../../src/inventory/refs.js';

describe('normalizeSerialHex', () => {
  it.each([
    ['008be12a0e', '8be12a0e'],
    ['3E:EC:76:FB', '3eec76fb'],
    ['00', '0'],
    ['01', '1'],
  ])('turns %s into %s', (input, expected) => {
    expect(normalizeSerialHex(input)).toBe(expected);
  });

  it.each(['', 'xyz', '0x01', '1'.repeat(65)])('rejects %j', (input) => {
    expect(() => normalizeSerialHex(input)).toThrow(ValidationError);
  });

  it('compares the ASA form with the CA form', () => {
    expect(sameSerial('00fac88ca26c', 'FA:C8:8C:A2:6C')).toBe(true);
    expect(sameSerial('00fac88ca26c', 'fac88ca26d')).toBe(false);
  });
});

describe('bundle references', () => {
  it('round-trips a reference in canonical form', () => {
    const ref = bundleRefFor('asa-1', 'issued', '00AB:CD');

    expect(ref).toBe('bundle/asa-1/issued/abcd');
    expect(parseBundleRef(ref)).toEqual({ deviceId: 'asa-1', kind: 'issued', serialHex: 'abcd' });
  });

  it.each(['bundle/asa-1/issued/00ab', 'bundle/../issued/ab', 'bundle/asa-1/other/ab', 'bundle/asa-1/issued', 's3://bucket/key', 42])('rejects %j', (ref) => {
    expect(() => parseBundleRef(ref)).toThrow(ValidationError);
  });
});
