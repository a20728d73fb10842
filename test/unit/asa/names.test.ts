import { describe, expect, it } from 'vitest';
import { checkCliValue } from '../../../src/asa/names.js';
import { ValidationError } from '../../../src/errors.js';

describe('checkCliValue', () => {
  it.each([
    ['trustpoint', 'vpn.chuck.com-2017'],
    ['trustpoint', 'ASDM_TrustPoint0'],
    ['interface', 'outside'],
    ['interface', 'Outside-DMZ'],
    ['hostname', 'asa-fw1'],
    ['passphrase', 'Zx9_k2-Lm4.Qr7~Tv1'],
  ] as const)('accepts the %s %s', (kind, value) => {
    expect(checkCliValue(kind, value)).toBe(value);
  });

  it.each([
    ['trustpoint', 'tp\nwrite erase', 'not a valid trustpoint'],
    ['trustpoint', 'tp ?', 'not a valid trustpoint'],
    ['trustpoint', '', 'not a valid trustpoint'],
    ['trustpoint', 'a'.repeat(65), 'not a valid trustpoint'],
    ['interface', 'outside inside', 'not a valid interface'],
    ['hostname', '-asa', 'not a valid hostname'],
    ['passphrase', 'has space 123', 'redacted'],
    ['passphrase', 'what?ever123', 'redacted'],
    ['passphrase', 'short', 'redacted'],
  ] as const)('rejects the %s %j', (kind, value, message) => {
    expect(() => checkCliValue(kind, value, 'device.trustpointPrefix')).toThrow(ValidationError);
    expect(() => checkCliValue(kind, value, 'device.trustpointPrefix')).toThrow(message);
  });

  it('never echoes a rejected passphrase', () => {
    try {
      checkCliValue('passphrase', 'secret with space', 'passphrase');
      expect.unreachable();
    } catch (error) {
      expect(String(error)).not.toContain('secret');
      expect((error as ValidationError).field).toBe('passphrase');
    }
  });
});
