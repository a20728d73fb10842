import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../src/errors.js';
import { parseFleetFile } from '../../../src/inventory/fleet-file.js';
import { aHostKey } from './builders.js';

function device(id: string, fields: Record<string, unknown> = {}): Record<string, unknown> {
  return { id, host: `${id}.mgmt.example.net`, hostKeySha256: aHostKey(id), ...fields };
}

const DEFAULTS = {
  credentialsRef: 'trustpoint/asa-admins',
  interfaces: ['outside'],
  trustpointPrefix: 'VPN-ID',
  certificate: { subject: { cn: 'vpn.example.com', o: 'Example Corp', c: 'DE' }, keySpec: 'ec:p256', renewBeforeDays: 21 },
};

function validationErrorOf(action: () => unknown): ValidationError {
  try {
    action();
  } catch (error) {
    if (error instanceof ValidationError) return error;
    throw error;
  }
  throw new Error('expected a ValidationError');
}

describe('parseFleetFile', () => {
  it('merges each device over the defaults, objects field by field and lists replaced', () => {
    const fleet = {
      defaults: DEFAULTS,
      devices: [
        device('asa-1'),
        device('asa-2', { interfaces: ['outside', 'dmz'], certificate: { subject: { cn: 'vpn2.example.com' }, validityDays: 90 } }),
      ],
    };

    const [first, second] = parseFleetFile(JSON.stringify(fleet));

    expect(first?.certificate).toEqual({ subject: { cn: 'vpn.example.com', o: 'Example Corp', c: 'DE' }, sans: [], keySpec: 'ec:p256', validityDays: 365, renewBeforeDays: 21 });
    expect(second?.interfaces).toEqual(['outside', 'dmz']);
    expect(second?.certificate).toEqual({ subject: { cn: 'vpn2.example.com', o: 'Example Corp', c: 'DE' }, sans: [], keySpec: 'ec:p256', validityDays: 90, renewBeforeDays: 21 });
  });

  it('accepts a file without defaults', () => {
    const fleet = { devices: [device('asa-1', DEFAULTS)] };

    expect(parseFleetFile(fleet).map((each) => each.id)).toEqual(['asa-1']);
  });

  it.each([
    ['text that is not JSON', '{"devices": [', 'fleet', /not valid JSON/],
    ['a list at the top', '[]', 'fleet', /expected an object/],
    ['an unknown top-level field', { devices: [], device: [] }, 'device', /unknown field/],
    ['devices that are not a list', { devices: {} }, 'devices', /expected a list/],
    ['a per-device fact in the defaults', { defaults: { ...DEFAULTS, host: 'x' }, devices: [] }, 'defaults.host', /cannot be a default/],
    ['a bad field in the third device', { defaults: DEFAULTS, devices: [device('a'), device('b'), device('c', { certificate: { subject: { cn: 'x', c: 'USA' } } })] }, 'devices[2].certificate.subject.c', /"USA" must be exactly two letters/],
    ['an unknown field in a device', { defaults: DEFAULTS, devices: [device('a', { pasword: 'x' })] }, 'devices[0].pasword', /unknown field/],
    ['a duplicate id', { defaults: DEFAULTS, devices: [device('a'), device('a', { host: 'other.example.net' })] }, 'devices[1].id', /"a" is also devices\[0\]\.id/],
    ['a duplicate address', { defaults: DEFAULTS, devices: [device('a'), device('b', { host: 'a.mgmt.example.net' })] }, 'devices[1].host', /a\.mgmt\.example\.net:22 is also the address of devices\[0\]/],
  ])('rejects %s', (_case, input, field, problem) => {
    const error = validationErrorOf(() => parseFleetFile(typeof input === 'string' ? input : JSON.stringify(input)));

    expect(error.field).toBe(field);
    expect(error.message).toMatch(problem);
  });

  it('reports a bad default once, at defaults.<path>, however many devices inherit it', () => {
    const fleet = { defaults: { ...DEFAULTS, certificate: { subject: { cn: 'vpn.example.com', c: 'Germany' } } }, devices: [device('a'), device('b'), device('c')] };

    const error = validationErrorOf(() => parseFleetFile(fleet));

    expect(error.field).toBe('defaults.certificate.subject.c');
    expect(error.message.match(/Germany/g)).toHaveLength(1);
  });

  it('reports a device override at the device, not at the defaults', () => {
    const fleet = { defaults: DEFAULTS, devices: [device('a', { certificate: { subject: { cn: 'vpn.example.com', c: 'xx' } } })] };

    expect(validationErrorOf(() => parseFleetFile(fleet)).field).toBe('devices[0].certificate.subject.c');
  });

  it('collects problems from every device into one error', () => {
    const fleet = { defaults: DEFAULTS, devices: [device('a', { port: 0 }), device('b'), device('c', { ikev2: 'no' })] };

    const error = validationErrorOf(() => parseFleetFile(fleet));

    expect(error.field).toBe('devices[0].port');
    expect(error.message).toContain('devices[2].ikev2: expected a boolean, got "no"');
  });
});
