import { describe, expect, it } from 'vitest';
import { parseShowCryptoCaCertificates } from '../../../../src/asa/parsers/crypto-ca-certificates.js';
import { AsaOutputParseError } from '../../../../src/errors.js';
import { runOpenssl } from '../../../helpers/openssl.js';
import { reference } from '../helpers/reference.js';

const qytangCa = [
  { key: 'cn', value: 'qytang-WIN2019-CA' },
  { key: 'dc', value: 'qytang' },
  { key: 'dc', value: 'com' },
];

describe('parseShowCryptoCaCertificates', () => {
  it('reads every field of a CA-only trustpoint (transcript 03)', () => {
    const entries = parseShowCryptoCaCertificates(reference('show-crypto-ca-certificates-03.txt'));
    expect(entries).toEqual([
      {
        kind: 'ca',
        status: 'Available',
        serialHex: '25c466068f31668049699b34d62723f7',
        usage: 'Signature',
        publicKey: { type: 'RSA', bits: 2048 },
        signatureAlgorithm: 'SHA256 with RSA Encryption',
        issuer: qytangCa,
        subject: qytangCa,
        ocspUrls: [],
        crlDistributionPoints: [],
        validity: { startText: '09:15:45 GMT Oct 21 2023', endText: '09:25:45 GMT Oct 21 2028', zone: 'GMT', endZone: 'GMT' },
        associatedTrustpoints: ['msca'],
        line: 2,
      },
    ]);
  });

  it('reads the identity and CA entries with CRL DP and converts validity with the clock offset (transcript 05)', () => {
    const entries = parseShowCryptoCaCertificates(reference('show-crypto-ca-certificates-05.txt'), { clockOffsetMinutes: 480 });
    expect(entries).toHaveLength(2);
    const [identity, ca] = entries;
    expect(identity).toEqual({
      kind: 'identity',
      status: 'Available',
      serialHex: '11000000146ca288ef7c518e3a000000000014',
      usage: 'General Purpose',
      publicKey: { type: 'RSA', bits: 2048 },
      signatureAlgorithm: 'SHA256 with RSA Encryption',
      issuer: qytangCa,
      subject: [
        { key: 'cn', value: 'asa.qytang.com' },
        { key: 'ou', value: 'qytang' },
        { key: 'o', value: 'qytbj' },
        { key: 'hostname', value: 'asa.qytang.com' },
        { key: 'ipaddress', value: '202.100.3.10' },
      ],
      ocspUrls: [],
      crlDistributionPoints: [
        'ldap:///CN=qytang-WIN2019-CA,CN=WIN2019,CN=CDP,CN=Public%20Key%20Services,CN=Services,CN=Configuration,DC=qytang,DC=com?certificateRevocationList?base?objectClass=cRLDistributionPoint',
      ],
      validity: {
        startText: '09:20:43 GMT Nov 1 2023',
        endText: '09:20:43 GMT Oct 31 2025',
        zone: 'GMT',
        endZone: 'GMT',
        start: new Date('2023-11-01T01:20:43Z'),
        end: new Date('2025-10-31T01:20:43Z'),
      },
      associatedTrustpoints: ['CA'],
      line: 2,
    });
    expect(ca).toMatchObject({
      kind: 'ca',
      serialHex: '3eec76fb95de8eaa4f8ba62964a87d98',
      usage: 'Signature',
      subject: qytangCa,
      crlDistributionPoints: [],
      validity: { start: new Date('2023-10-30T07:49:05Z'), end: new Date('2028-10-30T07:59:04Z') },
      associatedTrustpoints: ['CA'],
    });
  });

  it('agrees with openssl on the serials and UTC validity of the certificates behind transcript 05', async () => {
    const pems = reference('show-crypto-ca-certificates-05-input-certs.pem.txt').match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g)!;
    const entries = parseShowCryptoCaCertificates(reference('show-crypto-ca-certificates-05.txt'), { clockOffsetMinutes: 480 });
    for (const [i, pem] of pems.entries()) {
      const result = await runOpenssl(['x509', '-in', 'c.pem', '-noout', '-serial', '-startdate', '-enddate', '-dateopt', 'iso_8601'], { files: { 'c.pem': `${pem}\n` } });
      expect(result.code).toBe(0);
      const serial = /serial=([0-9A-F]+)/.exec(result.stdout)![1]!.toLowerCase();
      const notBefore = new Date(/notBefore=(.+)/.exec(result.stdout)![1]!.trim());
      const notAfter = new Date(/notAfter=(.+)/.exec(result.stdout)![1]!.trim());
      expect(entries[i]!.serialHex).toBe(serial);
      expect(entries[i]!.validity.start).toEqual(notBefore);
      expect(entries[i]!.validity.end).toEqual(notAfter);
    }
  });

  it('reads OCSP AIA blocks, leading zero serials and several associated trustpoints (transcript 07)', () => {
    const entries = parseShowCryptoCaCertificates(reference('show-crypto-ca-certificates-07.txt'), { zoneOffsetsMinutes: { MSK: 180 } });
    expect(entries).toEqual([
      {
        kind: 'identity',
        status: 'Available',
        serialHex: '00fac88ca26cf89ef77ad256e2ddbbcf1eb919',
        usage: 'General Purpose',
        publicKey: { type: 'RSA', bits: 2048 },
        signatureAlgorithm: 'SHA256 with RSA Encryption',
        issuer: [{ key: 'cn', value: 'Fake LE Intermediate X1' }],
        subject: [{ key: 'cn', value: 'vpn.domain.com' }],
        ocspUrls: ['http://ocsp.stg-int-x1.letsencrypt.org'],
        crlDistributionPoints: [],
        validity: {
          startText: '22:58:35 MSK Dec 3 2017',
          endText: '22:58:35 MSK Mar 3 2018',
          zone: 'MSK',
          endZone: 'MSK',
          start: new Date('2017-12-03T19:58:35Z'),
          end: new Date('2018-03-03T19:58:35Z'),
        },
        associatedTrustpoints: ['20171204'],
        line: 2,
      },
      {
        kind: 'ca',
        status: 'Available',
        serialHex: '008be12a0e5944ed3c546431f097614fe5',
        usage: 'Signature',
        publicKey: { type: 'RSA', bits: 2048 },
        signatureAlgorithm: 'SHA256 with RSA Encryption',
        issuer: [{ key: 'cn', value: 'Fake LE Root X1' }],
        subject: [{ key: 'cn', value: 'Fake LE Intermediate X1' }],
        ocspUrls: ['http://ocsp.stg-root-x1.letsencrypt.org/'],
        crlDistributionPoints: [],
        validity: {
          startText: '01:07:59 MSK May 24 2016',
          endText: '01:07:59 MSK May 24 2036',
          zone: 'MSK',
          endZone: 'MSK',
          start: new Date('2016-05-23T22:07:59Z'),
          end: new Date('2036-05-23T22:07:59Z'),
        },
        associatedTrustpoints: ['20171204', '20171129'],
        line: 19,
      },
    ]);
  });

  it('leaves the UTC instants out when the device offset is unknown, even for a "GMT" label', () => {
    const [entry] = parseShowCryptoCaCertificates(reference('show-crypto-ca-certificates-03.txt'));
    expect(entry!.validity.start).toBeUndefined();
    expect(entry!.validity.end).toBeUndefined();
  });

  describe('variants', () => {
    const base = reference('show-crypto-ca-certificates-07.txt');
    const baseline = parseShowCryptoCaCertificates(base);
    const withoutLines = (entries: ReturnType<typeof parseShowCryptoCaCertificates>) => entries.map(({ line: _line, ...rest }) => rest);

    it.each([
      ['trailing spaces on every line', base.replace(/\n/g, ' \n')],
      ['CRLF line endings', base.replace(/\n/g, '\r\n')],
      ['a leading blank line after the command', base.replace(/^(.*\n)/, '$1\n')],
      ['no echoed command line', base.split('\n').slice(1).join('\n')],
      ['a trailing prompt', `${base}ciscoasa# `],
      ['a failover-decorated prompt and echo', base.replace('ciscoasa# ', 'ASA-FW1/act# ') + 'ASA-FW1/act# '],
      ['no blank line between entries', base.replace(/\n\nCA Certificate/, '\nCA Certificate')],
      ['the pager erase line left by <--- More --->', base.replace('  Subject Name:', `${' '.repeat(14)}\n  Subject Name:`)],
    ])('reads the same entries with %s', (_label, text) => {
      expect(withoutLines(parseShowCryptoCaCertificates(text))).toEqual(withoutLines(baseline));
    });

    it('reads a Storage: line', () => {
      const text = base.replace('  Associated Trustpoints: 20171204\n', '  Storage: config \n  Associated Trustpoints: 20171204 \n');
      const [identity, ca] = parseShowCryptoCaCertificates(text);
      expect(identity!.storage).toBe('config');
      expect(identity!.associatedTrustpoints).toEqual(['20171204']);
      expect(ca!.storage).toBeUndefined();
    });

    it('reads several CA entries and several CRL distribution points', () => {
      const extraCa = [
        'CA Certificate',
        '  Status: Available',
        '  Certificate Serial Number: 01',
        '  Certificate Usage: Signature',
        '  Public Key Type: RSA (4096 bits)',
        '  Signature Algorithm: SHA256 with RSA Encryption',
        '  Issuer Name: ',
        '    cn=Fake LE Root X1',
        '  Subject Name:',
        '    cn=Fake LE Root X1',
        '  CRL Distribution Points: ',
        '    [1]  http://crl3.example.com/a.crl',
        '    [2]  http://crl4.example.com/a.crl',
        '  Validity Date: ',
        '    start date: 00:00:00 EST Jan 1 2016',
        '    end   date: 00:00:00 EDT Jul 1 2036',
        '  Associated Trustpoints: root-tp ',
        '',
      ].join('\n');
      const entries = parseShowCryptoCaCertificates(`${base}${extraCa}`, { zoneOffsetsMinutes: { EST: -300, EDT: -240 } });
      expect(entries.map((e) => [e.kind, e.serialHex])).toEqual([
        ['identity', '00fac88ca26cf89ef77ad256e2ddbbcf1eb919'],
        ['ca', '008be12a0e5944ed3c546431f097614fe5'],
        ['ca', '01'],
      ]);
      expect(entries[2]).toMatchObject({
        publicKey: { type: 'RSA', bits: 4096 },
        crlDistributionPoints: ['http://crl3.example.com/a.crl', 'http://crl4.example.com/a.crl'],
        validity: { zone: 'EST', endZone: 'EDT', start: new Date('2016-01-01T05:00:00Z'), end: new Date('2036-07-01T04:00:00Z') },
        associatedTrustpoints: ['root-tp'],
      });
      // MSK has no offset in the map, so the first two entries keep only the printed text.
      expect(entries[0]!.validity.start).toBeUndefined();
    });

    it.each([
      ['EC (256 bits)', 256],
      ['ECDSA (384 bits)', 384],
    ])('reads an ECDSA key printed as %s', (printed, bits) => {
      const text = base.replace('Public Key Type: RSA (2048 bits)', `Public Key Type: ${printed}`);
      expect(parseShowCryptoCaCertificates(text)[0]!.publicKey).toEqual({ type: 'EC', bits });
    });

    it('returns no entries for empty output', () => {
      expect(parseShowCryptoCaCertificates('ciscoasa# show crypto ca certificates tp1\nciscoasa# ')).toEqual([]);
    });
  });

  describe('errors', () => {
    const base = reference('show-crypto-ca-certificates-07.txt');
    it.each([
      ['a missing mandatory field', base.replace('  Certificate Serial Number: 00fac88ca26cf89ef77ad256e2ddbbcf1eb919\n', ''), /line 2 "Certificate": the entry has no "Certificate Serial Number:" field/],
      ['a missing validity block', base.replace(/  Validity Date:\n.*\n.*\n(?=  Associated Trustpoints: 20171204\n)/, ''), /the entry has no "Validity Date:" field/],
      ['an unknown field', base.replace('  Status: Available\n', '  Status: Available\n  Fingerprint: abc\n'), /line 4 "  Fingerprint: abc": unknown field/],
      ['an unknown header', base.replace('CA Certificate', 'RA Signature Certificate'), /line 19 "RA Signature Certificate": expected "Certificate" or "CA Certificate"/],
      ['a malformed date', base.replace('22:58:35 MSK Dec 3 2017', '22:58 MSK Dec 3 2017'), /line 15 .*expected a time like/],
      ['an impossible date', base.replace('22:58:35 MSK Dec 3 2017', '22:58:35 MSK Feb 30 2017'), /not a valid date/],
      ['a non-hex serial', base.replace('00fac88ca26cf89ef77ad256e2ddbbcf1eb919', '00:fa:c8'), /serial number is not hexadecimal/],
      ['an unreadable key type', base.replace('RSA (2048 bits)', 'DSA (1024 bits)'), /expected a key type like "RSA \(2048 bits\)"/],
      ['a malformed name attribute', base.replace('    cn=vpn.domain.com', '    vpn.domain.com'), /expected an attribute like "cn=value"/],
      ['a malformed CRL DP item', base.replace('  OCSP AIA:\n    URL: http://ocsp.stg-int-x1.letsencrypt.org', '  CRL Distribution Points:\n    http://crl.example.com'), /expected a "\[n\]  <url>" line/],
      ['a duplicated field', base.replace('  Status: Available\n', '  Status: Available\n  Status: Expired\n'), /"Status:" appears twice/],
      ['text before the first entry', `Some banner\n${base}`, /line 1 "Some banner": expected "Certificate"/],
    ])('rejects %s naming the line', (_label, text, message) => {
      expect(() => parseShowCryptoCaCertificates(text)).toThrow(AsaOutputParseError);
      expect(() => parseShowCryptoCaCertificates(text)).toThrow(message);
    });
  });
});
