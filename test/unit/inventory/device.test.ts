import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../src/errors.js';
import { parseDevice, parseEndpoint } from '../../../src/inventory/device.js';
import { aDeviceInput, aHostKey } from './builders.js';

const HOST_KEY = aHostKey('asa-1');

function certificateWith(fields: Record<string, unknown>): Record<string, unknown> {
  return { certificate: { subject: { cn: 'vpn.example.com' }, ...fields } };
}

function validationErrorOf(action: () => unknown): ValidationError {
  try {
    action();
  } catch (error) {
    if (error instanceof ValidationError) return error;
    throw error;
  }
  throw new Error('expected a ValidationError');
}

describe('parseDevice', () => {
  it('fills in the defaults when only the required fields are given', () => {
    const device = parseDevice(aDeviceInput());

    expect(device).toEqual({
      id: 'asa-1',
      host: 'asa-1.mgmt.example.net',
      port: 22,
      hostKeySha256: HOST_KEY,
      credentialsRef: 'trustpoint/asa-admins',
      interfaces: ['outside'],
      ikev2: false,
      trustpointPrefix: 'VPN-ID',
      certificate: { subject: { cn: 'vpn.example.com' }, sans: [], keySpec: 'rsa:2048', validityDays: 365, renewBeforeDays: 30 },
      pkcs12Profile: 'legacy',
    });
  });

  it('keeps every optional field when a full record is given', () => {
    const input = aDeviceInput({
      host: '2001:db8::10',
      port: 2222,
      credentialsRef: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:asa/admins-AbCdEf',
      interfaces: ['outside', 'dmz.100'],
      ikev2: true,
      certificate: {
        subject: { cn: 'vpn.example.com', o: 'Example Corp', ou: 'NetOps', c: 'DE', st: 'Bayern', l: 'München', email: 'netops@example.com' },
        sans: ['vpn.example.com', '*.vpn.example.com', '192.0.2.10'],
        keySpec: 'ec:p384',
        validityDays: 90,
        renewBeforeDays: 20,
      },
      pkcs12Profile: 'modern',
      checks: { tls: { outside: '192.0.2.10:443' }, standbyTls: { outside: '[2001:db8::11]:8443' } },
    });

    const device = parseDevice(input);

    expect(device.certificate.keySpec).toBe('ec:p384');
    expect(device.checks?.standbyTls).toEqual({ outside: '[2001:db8::11]:8443' });
    expect(device.pkcs12Profile).toBe('modern');
  });

  it.each([
    ['an unknown top-level field', aDeviceInput({ password: 'x' }), 'device.password', /unknown field/],
    ['an unknown certificate field', aDeviceInput(certificateWith({ lifetime: 3 })), 'device.certificate.lifetime', /unknown field/],
    ['a missing id', aDeviceInput({ id: undefined }), 'device.id', /is required/],
    ['an id with a slash', aDeviceInput({ id: 'asa/1' }), 'device.id', /"asa\/1".*letters, digits/],
    ['a host with a space', aDeviceInput({ host: 'asa 1' }), 'device.host', /DNS name or an IPv4\/IPv6 address/],
    ['a bad IPv4 host', aDeviceInput({ host: '192.0.2.300' }), 'device.host', /DNS name or an IPv4/],
    ['port 0', aDeviceInput({ port: 0 }), 'device.port', /0 is too small/],
    ['a port as a string', aDeviceInput({ port: '22' }), 'device.port', /expected an? .*number, got "22"/],
    ['a fractional port', aDeviceInput({ port: 22.5 }), 'device.port', /integer, got 22.5/],
    ['an MD5 host key', aDeviceInput({ hostKeySha256: 'MD5:aa:bb' }), 'device.hostKeySha256', /SHA256:/],
    ['a credentials ref with a space', aDeviceInput({ credentialsRef: 'asa admins' }), 'device.credentialsRef', /secret name/],
    ['no interfaces', aDeviceInput({ interfaces: [] }), 'device.interfaces', /at least one interface/],
    ['an interface with a newline', aDeviceInput({ interfaces: ['outside', 'in\nside'] }), 'device.interfaces[1]', /not a valid interface/],
    ['an interface listed twice', aDeviceInput({ interfaces: ['outside', 'outside'] }), 'device.interfaces[1]', /listed twice/],
    ['a trustpoint prefix with "?"', aDeviceInput({ trustpointPrefix: 'VPN?' }), 'device.trustpointPrefix', /not a valid trustpoint/],
    ['a trustpoint prefix too long for the date and serial', aDeviceInput({ trustpointPrefix: 'P'.repeat(47) }), 'device.trustpointPrefix', /at most 46/],
    ['ikev2 as a string', aDeviceInput({ ikev2: 'yes' }), 'device.ikev2', /boolean, got "yes"/],
    ['a three-letter country', aDeviceInput({ certificate: { subject: { cn: 'vpn.example.com', c: 'USA' } } }), 'device.certificate.subject.c', /"USA" must be exactly two letters/],
    ['a lower-case country', aDeviceInput({ certificate: { subject: { cn: 'vpn.example.com', c: 'de' } } }), 'device.certificate.subject.c', /use "DE"/],
    ['an unknown subject attribute', aDeviceInput({ certificate: { subject: { cn: 'vpn.example.com', dc: 'x' } } }), 'device.certificate.subject.dc', /unknown field/],
    ['a subject without cn', aDeviceInput({ certificate: { subject: { o: 'Example' } } }), 'device.certificate.subject.cn', /is required/],
    ['a CN with a control character', aDeviceInput({ certificate: { subject: { cn: 'vpn\u0007.example.com' } } }), 'device.certificate.subject.cn', /control character/],
    ['a partial wildcard SAN', aDeviceInput(certificateWith({ sans: ['vpn.example.com', 'v*.example.com'] })), 'device.certificate.sans[1]', /partial wildcard/],
    ['a duplicate SAN', aDeviceInput(certificateWith({ sans: ['vpn.example.com', 'VPN.example.com'] })), 'device.certificate.sans', /duplicates/],
    ['an unsupported key spec', aDeviceInput(certificateWith({ keySpec: 'rsa:1024' })), 'device.certificate.keySpec', /"rsa:1024" is not a supported key type/],
    ['a zero validity', aDeviceInput(certificateWith({ validityDays: 0 })), 'device.certificate.validityDays', /too small/],
    ['renewBefore not less than validity', aDeviceInput(certificateWith({ validityDays: 30, renewBeforeDays: 30 })), 'device.certificate.renewBeforeDays', /not less than validityDays \(30\)/],
    ['an unknown PKCS12 profile', aDeviceInput({ pkcs12Profile: 'aes' }), 'device.pkcs12Profile', /"aes" is not allowed: expected one of "legacy", "modern"/],
    ['a TLS check on an interface not bound', aDeviceInput({ checks: { tls: { inside: '10.0.0.1:443' } } }), 'device.checks.tls.inside', /not one of the interfaces to bind/],
    ['a TLS check endpoint without a port', aDeviceInput({ checks: { tls: { outside: '192.0.2.10' } } }), 'device.checks.tls.outside', /host:port/],
    ['an unknown check kind', aDeviceInput({ checks: { ping: {} } }), 'device.checks.ping', /unknown field/],
  ])('rejects %s with the field path', (_case, input, field, problem) => {
    const error = validationErrorOf(() => parseDevice(input));

    expect(error.field).toBe(field);
    expect(error.message).toMatch(problem);
    expect(error.message.startsWith(`${field}: `)).toBe(true);
  });

  it('lists every problem in the message, the first one as the field', () => {
    const error = validationErrorOf(() => parseDevice(aDeviceInput({ port: 70000, pkcs12Profile: 'aes', extra: 1 })));

    expect(error.field).toBe('device.port');
    expect(error.message).toContain('device.pkcs12Profile: "aes" is not allowed');
    expect(error.message).toContain('device.extra: unknown field');
  });

  it('names the caller-given root in the path', () => {
    const error = validationErrorOf(() => parseDevice(aDeviceInput({ port: -1 }), 'devices[4]'));

    expect(error.field).toBe('devices[4].port');
  });

  it('rejects a value that is not an object', () => {
    const error = validationErrorOf(() => parseDevice('asa-1'));

    expect(error.field).toBe('device');
    expect(error.message).toMatch(/expected an? object, got "asa-1"/);
  });
});

describe('parseEndpoint', () => {
  it.each([
    ['192.0.2.10:443', { host: '192.0.2.10', port: 443 }],
    ['vpn.example.com:8443', { host: 'vpn.example.com', port: 8443 }],
    ['[2001:db8::1]:443', { host: '2001:db8::1', port: 443 }],
    ['127.0.0.1:65535', { host: '127.0.0.1', port: 65535 }],
  ])('parses %s', (text, expected) => {
    expect(parseEndpoint(text)).toEqual(expected);
  });

  it.each(['192.0.2.10', '2001:db8::1:443', 'host:0', 'host:65536', '[vpn.example.com]:443', 'a b:443', ':443'])('rejects %s', (text) => {
    expect(() => parseEndpoint(text)).toThrow(ValidationError);
  });
});
