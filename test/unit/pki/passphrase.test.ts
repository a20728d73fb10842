import { describe, expect, it } from 'vitest';
import { checkCliValue, isCliValue } from '../../../src/asa/names.js';
import { ValidationError } from '../../../src/errors.js';
import { PASSPHRASE_ALPHABET, generatePassphrase, passphraseLength } from '../../../src/pki/passphrase.js';

describe('generatePassphrase', () => {
  it('gives at least 128 bits by default: 22 characters of a 62-letter alphabet', () => {
    expect(PASSPHRASE_ALPHABET).toHaveLength(62);
    expect(new Set(PASSPHRASE_ALPHABET).size).toBe(62);
    expect(passphraseLength(128)).toBe(22);
    expect(22 * Math.log2(62)).toBeGreaterThanOrEqual(128);
    expect(21 * Math.log2(62)).toBeLessThan(128);
    expect(generatePassphrase()).toMatch(/^[A-Za-z0-9]{22}$/);
  });

  it.each([
    [192, 33],
    [256, 43],
    [512, 86],
  ])('scales the length for %i bits', (bits, length) => {
    const value = generatePassphrase(bits);
    expect(value).toHaveLength(length);
    expect(value.length * Math.log2(62)).toBeGreaterThanOrEqual(bits);
  });

  it('is safe unquoted on the ASA command line', () => {
    for (let i = 0; i < 200; i++) {
      const value = generatePassphrase(i % 2 ? 128 : 512);
      expect(isCliValue('passphrase', value)).toBe(true);
      expect(checkCliValue('passphrase', value)).toBe(value);
    }
  });

  it('differs on every call and uses the whole alphabet evenly', () => {
    const values = Array.from({ length: 2000 }, () => generatePassphrase());
    expect(new Set(values).size).toBe(values.length);
    const counts = new Map<string, number>();
    for (const char of values.join('')) counts.set(char, (counts.get(char) ?? 0) + 1);
    expect(counts.size).toBe(62);
    // 44,000 characters over 62 symbols: about 710 each. A modulo-biased or broken generator
    // (e.g. 256 % 62 folding extra weight on the first 8 symbols: ~+25%) falls outside this band.
    const expected = (2000 * 22) / 62;
    for (const count of counts.values()) {
      expect(count).toBeGreaterThan(expected * 0.82);
      expect(count).toBeLessThan(expected * 1.18);
    }
  });

  it.each([127, 64, 513, 128.5, Number.NaN])('rejects %s bits', (bits) => {
    expect(() => generatePassphrase(bits)).toThrow(ValidationError);
    expect(() => generatePassphrase(bits)).toThrow(/^bits: .* is out of range: a passphrase has 128 to 512 bits of entropy$/);
  });
});
