import { describe, expect, it } from 'vitest';
import { buildInspectReport, formatInspectReport } from '../../../src/asa/inspect-report.js';
import type { DeviceFacts } from '../../../src/asa/operations.js';
import { parseShowCryptoCaCertificates } from '../../../src/asa/parsers/crypto-ca-certificates.js';
import { parseShowRunningConfigIkev2, parseShowRunningConfigSsl } from '../../../src/asa/parsers/running-config.js';
import { reference } from './helpers/reference.js';

function factsFrom05(): DeviceFacts {
  return {
    hostname: 'asa',
    release: '9.18(3)',
    prompt: 'asa#',
    failoverRole: 'none',
    clock: { zoneName: 'GMT', offsetMinutes: 480 },
    ssl: parseShowRunningConfigSsl('ssl trust-point CA outside\nssl trust-point OTHER\n'),
    ikev2: parseShowRunningConfigIkev2('crypto ikev2 remote-access trustpoint CA\n'),
    certificates: parseShowCryptoCaCertificates(reference('show-crypto-ca-certificates-05.txt'), { clockOffsetMinutes: 480 }),
  };
}

describe('buildInspectReport', () => {
  it('summarises trustpoints, days to expiry and what each interface serves', () => {
    const report = buildInspectReport(factsFrom05(), new Date('2025-10-01T01:20:43Z'));
    expect(report.device).toEqual({ hostname: 'asa', release: '9.18(3)', failoverRole: 'none', clock: 'GMT (UTC+08:00)' });
    expect(report.trustpoints.map((t) => t.name)).toEqual(['CA', 'OTHER']);
    const ca = report.trustpoints[0]!;
    expect(ca.identity).toEqual({
      kind: 'identity',
      serialHex: '11000000146ca288ef7c518e3a000000000014',
      subject: 'cn=asa.qytang.com,ou=qytang,o=qytbj,hostname=asa.qytang.com,ipaddress=202.100.3.10',
      issuer: 'qytang-WIN2019-CA',
      status: 'Available',
      key: 'RSA 2048',
      notAfterText: '09:20:43 GMT Oct 31 2025',
      notAfter: '2025-10-31T01:20:43.000Z',
      daysToExpiry: 30,
    });
    expect(ca.caCertificates.map((c) => c.serialHex)).toEqual(['3eec76fb95de8eaa4f8ba62964a87d98']);
    expect(ca).toMatchObject({ interfaces: ['outside'], isDefault: false, ikev2RemoteAccess: true });
    expect(report.trustpoints[1]).toMatchObject({ name: 'OTHER', isDefault: true, caCertificates: [] });
    expect(report.trustpoints[1]!.identity).toBeUndefined();
    expect(report.interfaces).toEqual([{ interface: 'outside', trustpoint: 'CA', source: 'binding' }]);
    expect(report.defaultTrustpoint).toBe('OTHER');
  });

  it('counts negative days once expired and prints them as such', () => {
    const report = buildInspectReport(factsFrom05(), new Date('2025-11-03T01:20:43Z'));
    expect(report.trustpoints[0]!.identity!.daysToExpiry).toBe(-3);
    const text = formatInspectReport(report);
    expect(text).toContain('2025-10-31 EXPIRED 3 days ago');
    expect(text).toMatch(/^CA +identity +11000000146ca288ef7c518e3a000000000014 .* outside,ikev2$/m);
    expect(text).toMatch(/^\(other interfaces\) +OTHER \(default\)$/m);
    expect(text).toContain('IKEv2 remote access: CA');
  });
});
