import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseFleetFile } from '../../../src/inventory/fleet-file.js';

describe('examples/fleet.json', () => {
  it('is a valid fleet file, so the README example works as written', () => {
    const devices = parseFleetFile(readFileSync(new URL('../../../examples/fleet.json', import.meta.url), 'utf8'));
    expect(devices.map((d) => d.id)).toEqual(['hq-asa-01', 'branch-asa-07']);
    expect(devices[0]?.interfaces).toEqual(['outside', 'inside']);
    expect(devices[1]?.certificate.subject.cn).toBe('*.branch.example.com');
    expect(devices[1]?.certificate.keySpec).toBe('ec:p256');
    expect(devices[1]?.credentialsRef).toBe('trustpoint/credentials/asa-admins');
  });
});
