import { beforeAll, describe, expect, it } from 'vitest';
import { generateKeyPair, type KeyMaterial } from '../../../../src/pki/keys.js';
import { certificateEntries } from '../../../../sim/pki/cmd-show.js';
import { renderCertificateList } from '../../../../sim/pki/render-certificates.js';
import { PkiState } from '../../../../sim/pki/state.js';
import { clockGmtPlus8, makeCertificate, referenceCertificates, transcript } from './fixtures.js';

function stateWith(trustpoints: { name: string; identity?: string; cas: string[] }[]): PkiState {
  return PkiState.fromSnapshots(
    {
      version: 1,
      trustpoints: trustpoints.map((tp) => ({ name: tp.name, caCertificates: tp.cas, ...(tp.identity ? { identityCertificate: tp.identity } : {}) })),
      sslBindings: [],
      ikev2Enabled: [],
      ikev2RemoteAccessTrustpoints: [],
    },
    undefined,
  );
}

describe('show crypto ca certificates', () => {
  it('reproduces show-crypto-ca-certificates-05 line for line from its certificates (clock timezone GMT +8)', () => {
    const [identity, ca] = referenceCertificates('show-crypto-ca-certificates-05-input-certs.pem.txt');
    const state = stateWith([{ name: 'CA', identity: identity as string, cas: [ca as string] }]);
    const expected = transcript('show-crypto-ca-certificates-05.txt');
    expect(expected.command).toBe('asa# show crypto ca certificates CA');
    expect(renderCertificateList(certificateEntries(state, 'CA'), clockGmtPlus8)).toEqual(expected.output);
  });

  it('reproduces show-crypto-ca-certificates-03 (a CA-only trustpoint) from the CA pasted in crypto-ca-authenticate-01', () => {
    const [ca] = referenceCertificates('crypto-ca-authenticate-01.txt');
    const state = stateWith([{ name: 'msca', cas: [ca as string] }]);
    expect(renderCertificateList(certificateEntries(state, 'msca'), clockGmtPlus8)).toEqual(transcript('show-crypto-ca-certificates-03.txt').output);
  });

  describe('show-crypto-ca-certificates-07 (Moscow time, OCSP AIA, a CA shared by two trustpoints)', () => {
    let key: KeyMaterial;
    let identity: string;
    let intermediate: string;
    beforeAll(async () => {
      key = await generateKeyPair('rsa:2048');
      // UTC instants of what the capture shows in MSK (+3).
      identity = await makeCertificate(
        {
          serialHex: '00fac88ca26cf89ef77ad256e2ddbbcf1eb919',
          subject: 'CN=vpn.domain.com',
          issuer: 'CN=Fake LE Intermediate X1',
          notBefore: new Date('2017-12-03T19:58:35Z'),
          notAfter: new Date('2018-03-03T19:58:35Z'),
          ocsp: 'http://ocsp.stg-int-x1.letsencrypt.org',
        },
        key,
      );
      intermediate = await makeCertificate(
        {
          serialHex: '008be12a0e5944ed3c546431f097614fe5',
          subject: 'CN=Fake LE Intermediate X1',
          issuer: 'CN=Fake LE Root X1',
          notBefore: new Date('2016-05-23T22:07:59Z'),
          notAfter: new Date('2036-05-23T22:07:59Z'),
          ocsp: 'http://ocsp.stg-root-x1.letsencrypt.org/',
          ca: true,
        },
        key,
      );
    });

    it('prints the same lines, identity before CA, Associated Trustpoints newest first', () => {
      const state = stateWith([
        { name: '20171129', cas: [intermediate] },
        { name: '20171204', identity, cas: [intermediate] },
      ]);
      const msk = { zoneName: 'MSK', offsetMinutes: 180 };
      expect(renderCertificateList(certificateEntries(state, '20171204'), msk)).toEqual(transcript('show-crypto-ca-certificates-07.txt').output);
    });

    it('lists a certificate held by two trustpoints once when no trustpoint is named', () => {
      const state = stateWith([
        { name: '20171129', cas: [intermediate] },
        { name: '20171204', identity, cas: [intermediate] },
      ]);
      const lines = renderCertificateList(certificateEntries(state), clockGmtPlus8);
      expect(lines.filter((l) => l === 'CA Certificate')).toHaveLength(1);
      expect(lines.filter((l) => l === 'Certificate')).toHaveLength(1);
      expect(lines.indexOf('Certificate')).toBeLessThan(lines.indexOf('CA Certificate'));
    });

    it('prints nothing for a trustpoint that does not exist', () => {
      const state = stateWith([{ name: '20171129', cas: [intermediate] }]);
      expect(renderCertificateList(certificateEntries(state, 'nope'), clockGmtPlus8)).toEqual([]);
    });
  });
});
