import { describe, expect, it } from 'vitest';
import { parseRunningConfigTrustpoints, parseShowCryptoKeyMypubkey } from '../../../../src/asa/parsers/trustpoint-config.js';
import { reference } from '../helpers/reference.js';

describe('parseRunningConfigTrustpoints', () => {
  it('reads transcript show-running-config-crypto-ca-trustpoint-01', () => {
    expect(parseRunningConfigTrustpoints(reference('show-running-config-crypto-ca-trustpoint-01.txt'))).toEqual([
      {
        name: 'vpn.chuck.com-2017',
        keypair: 'vpn.chuck.com-2017',
        enrollment: 'terminal',
        lines: [
          'enrollment terminal',
          'fqdn vpn.chuck.com',
          'subject-name CN=vpn.chuck.com,OU=Information Technology,O="chuck, Inc.",C=US,St=CA,L=Sunnyvale',
          'keypair vpn.chuck.com-2017',
          'crl configure',
        ],
      },
    ]);
  });

  it('reads several trustpoints and ignores other top-level lines', () => {
    const text = 'crypto ca trustpoint A\n keypair KA\n crl configure\ncrypto ca trustpool policy\n auto-import\ncrypto ca trustpoint B\n enrollment self\n';
    expect(parseRunningConfigTrustpoints(text).map((t) => [t.name, t.keypair, t.enrollment])).toEqual([
      ['A', 'KA', undefined],
      ['B', undefined, 'self'],
    ]);
  });
});

describe('parseShowCryptoKeyMypubkey', () => {
  it('reads transcript show-crypto-key-mypubkey-rsa-01', () => {
    expect(parseShowCryptoKeyMypubkey(reference('show-crypto-key-mypubkey-rsa-01.txt'))).toEqual([
      { name: '<Default-RSA-Key>', generatedAt: '21:24:03 UTC Jun 27 2018', modulusBits: 2048 },
    ]);
  });

  it('reads several keys', () => {
    const one = 'Key pair was generated at: 10:00:00 UTC Jan 1 2026\nKey name: A\n Usage: General Purpose Key\n Modulus Size (bits): 2048\n Key Data:\n\n  30820122 300d0609\n\n';
    expect(parseShowCryptoKeyMypubkey(`${one}${one.replace('Key name: A', 'Key name: B').replace('2048', '3072')}`).map((k) => [k.name, k.modulusBits])).toEqual([
      ['A', 2048],
      ['B', 3072],
    ]);
  });
});
