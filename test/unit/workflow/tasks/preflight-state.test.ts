import { describe, expect, it } from 'vitest';
import type { RenewalState } from '../../../../src/ports.js';
import type { ServedCertificate } from '../../../../src/workflow/contracts.js';
import { servedStateUpdate } from '../../../../src/workflow/tasks/preflight.js';

const SERVED: ServedCertificate = { trustpoint: 'ASDM_TrustPoint0', serial: '1a2b', notAfter: '2027-01-01T00:00:00.000Z' };
const INSTALLED: RenewalState = {
  trustpoint: 'TP-20260101-abcdef01',
  serialHex: '1A2B',
  notAfter: '2026-12-31T00:00:00.000Z',
  bundleRef: 'bundle/fw-1/issued/1a2b',
  certificateId: 'local:1a2b',
  previousTrustpoint: 'ASDM_TrustPoint0',
};

describe('servedStateUpdate (what a NOT_DUE Preflight records)', () => {
  it.each([
    { name: 'nothing recorded: the served certificate, no references', recorded: {}, expected: { trustpoint: 'ASDM_TrustPoint0', serialHex: '1a2b', notAfter: SERVED.notAfter, bundleRef: null, certificateId: null, previousTrustpoint: null } },
    { name: 'the same serial as recorded (any spelling): served fields only, references kept', recorded: INSTALLED, expected: { trustpoint: 'ASDM_TrustPoint0', serialHex: '1a2b', notAfter: SERVED.notAfter } },
    { name: 'another serial recorded: references of the other certificate removed', recorded: { ...INSTALLED, serialHex: 'ff' }, expected: { trustpoint: 'ASDM_TrustPoint0', serialHex: '1a2b', notAfter: SERVED.notAfter, bundleRef: null, certificateId: null, previousTrustpoint: null } },
  ])('$name', ({ recorded, expected }) => {
    expect(servedStateUpdate(recorded, SERVED)).toEqual(expected);
  });

  it('records nothing about the certificate when none is served', () => {
    expect(servedStateUpdate(INSTALLED, { trustpoint: 'ASDM_TrustPoint0', serial: null, notAfter: null })).toEqual({});
    expect(servedStateUpdate({}, { trustpoint: null, serial: null, notAfter: null })).toEqual({});
  });
});
