import { describe, expect, it } from 'vitest';
import { redactSecretParams } from '../../../../sim/cli/session.js';

describe('redactSecretParams', () => {
  it('hides every secret parameter of a command line and keeps the rest', () => {
    const line = 'crypto ca import TP-2026 pkcs12 Zx9k2Lm4Qr7Tv1';
    expect(redactSecretParams(line, { tp: 'TP-2026', passphrase: 'Zx9k2Lm4Qr7Tv1' })).toBe('crypto ca import TP-2026 pkcs12 <redacted>');
  });

  it('leaves a line without secret parameters unchanged', () => {
    expect(redactSecretParams('ssl trust-point TP outside', { tp: 'TP', iface: 'outside' })).toBe('ssl trust-point TP outside');
  });
});
