import { describe, expect, it } from 'vitest';
import { RENEWAL_CHECKS, deploymentProblems, renewalReasons } from '../../../src/workflow/decisions.js';
import type { DeploymentState, DeviceCertificate, DeviceCertificateState, TlsObservation } from '../../../src/workflow/decisions.js';

const NOW = new Date('2026-11-27T12:00:00Z');
const DAY = 24 * 3600 * 1000;

function aCertificate(fields: Partial<DeviceCertificate> = {}): DeviceCertificate {
  return { trustpoint: 'VPN-OLD', serialHex: '0aa1', notBefore: new Date(NOW.getTime() - 300 * DAY), notAfter: new Date(NOW.getTime() + 65 * DAY), status: 'Available', ...fields };
}

/** A healthy device: outside bound to VPN-OLD, whose certificate has 65 days left. */
function aState(fields: Partial<DeviceCertificateState> = {}): DeviceCertificateState {
  return { interfaces: ['outside'], ikev2: false, bindings: { outside: 'VPN-OLD' }, certificates: { 'VPN-OLD': aCertificate() }, ...fields };
}

const OPTIONS = { now: NOW, renewBeforeDays: 30, force: false };

describe('renewalReasons', () => {
  it.each<[string, DeviceCertificateState, Partial<typeof OPTIONS>, string[]]>([
    ['a healthy certificate outside the window', aState(), {}, []],
    ['a forced run on a healthy device', aState(), { force: true }, ['Forced']],
    ['30 days left with renewBeforeDays 30', aState({ certificates: { 'VPN-OLD': aCertificate({ notAfter: new Date(NOW.getTime() + 30 * DAY) }) } }), {}, ['Expiring']],
    ['30 days and one second left', aState({ certificates: { 'VPN-OLD': aCertificate({ notAfter: new Date(NOW.getTime() + 30 * DAY + 1000) }) } }), {}, []],
    ['65 days left with renewBeforeDays 90', aState(), { renewBeforeDays: 90 }, ['Expiring']],
    ['expiry at exactly now', aState({ certificates: { 'VPN-OLD': aCertificate({ notAfter: NOW }) } }), {}, ['Expired']],
    ['an expired certificate, forced too', aState({ certificates: { 'VPN-OLD': aCertificate({ notAfter: new Date(NOW.getTime() - DAY) }) } }), { force: true }, ['Forced', 'Expired']],
    ['no binding at all', aState({ bindings: {} }), {}, ['BindingMissing']],
    ['one of two interfaces unbound', aState({ interfaces: ['outside', 'dmz'] }), {}, ['BindingMissing']],
    ['a binding to an empty trustpoint', aState({ certificates: {} }), {}, ['NoCertificate']],
    ['a certificate not valid yet', aState({ certificates: { 'VPN-OLD': aCertificate({ notBefore: new Date(NOW.getTime() + DAY) }) } }), {}, ['NotYetValid']],
    ['IKEv2 asked for but not configured', aState({ ikev2: true }), {}, ['Ikev2BindingMissing']],
    ['IKEv2 asked for and configured', aState({ ikev2: true, ikev2Trustpoint: 'VPN-OLD' }), {}, []],
    [
      'two interfaces on different trustpoints, one expiring',
      aState({
        interfaces: ['outside', 'dmz'],
        bindings: { outside: 'VPN-OLD', dmz: 'VPN-OLDER' },
        certificates: { 'VPN-OLD': aCertificate(), 'VPN-OLDER': aCertificate({ trustpoint: 'VPN-OLDER', serialHex: '0bb2', notAfter: new Date(NOW.getTime() + 3 * DAY) }) },
      }),
      {},
      ['Expiring', 'BindingsDiverge'],
    ],
    ['the recorded serial in another notation', aState({ recordedSerialHex: 'AA1' }), {}, []],
    ['a serial changed outside trustpoint', aState({ recordedSerialHex: '0cc3' }), {}, ['SerialMismatch']],
    ['an unbound interface not in the record', aState({ bindings: { outside: 'VPN-OLD', inside: undefined } }), {}, []],
  ])('gives the reasons for %s', (_case, state, options, expected) => {
    const reasons = renewalReasons(state, { ...OPTIONS, ...options });

    expect(reasons.map((each) => each.reason)).toEqual(expected);
  });

  it('says which certificate expires, when, and how many days are left', () => {
    const state = aState({ certificates: { 'VPN-OLD': aCertificate({ notAfter: new Date(NOW.getTime() + 10 * DAY) }) } });

    const [reason] = renewalReasons(state, OPTIONS);

    expect(reason?.message).toBe('the certificate on outside (trustpoint VPN-OLD, serial 0aa1) expires at 2026-12-07T12:00:00.000Z, in 10 days: inside renewBeforeDays (30)');
  });

  it('names every unbound interface', () => {
    const [reason] = renewalReasons(aState({ interfaces: ['outside', 'dmz', 'guest'], bindings: { outside: 'VPN-OLD' } }), OPTIONS);

    expect(reason?.message).toMatch(/no ssl trust-point is bound to dmz, guest/);
  });

  it('runs its checks in a fixed, documented order', () => {
    expect(RENEWAL_CHECKS.map((each) => each.name)).toEqual([
      'Forced',
      'BindingMissing',
      'NoCertificate',
      'Expired',
      'Expiring',
      'NotYetValid',
      'Ikev2BindingMissing',
      'BindingsDiverge',
      'SerialMismatch',
    ]);
  });
});

describe('deploymentProblems', () => {
  const EXPECTED = { trustpoint: 'VPN-NEW', serialHex: '00ddee', intermediates: 1 };
  const NEW_CERTIFICATE = aCertificate({ trustpoint: 'VPN-NEW', serialHex: '00ddee', notBefore: new Date(NOW.getTime() - 60_000), notAfter: new Date(NOW.getTime() + 365 * DAY) });
  const GOOD_TLS: TlsObservation = { ok: true, serialHex: 'DD:EE', intermediates: 1 };

  function deployed(fields: Partial<DeploymentState> = {}): DeploymentState {
    return {
      interfaces: ['outside', 'dmz'],
      ikev2: true,
      bindings: { outside: 'VPN-NEW', dmz: 'VPN-NEW' },
      certificates: { 'VPN-OLD': aCertificate(), 'VPN-NEW': NEW_CERTIFICATE },
      ikev2Trustpoint: 'VPN-NEW',
      tls: { outside: GOOD_TLS },
      ...fields,
    };
  }

  it.each<[string, DeploymentState, string[]]>([
    ['a complete deployment', deployed(), []],
    ['a deployment without TLS check endpoints', deployed({ tls: undefined }), []],
    ['an import that never happened', deployed({ certificates: { 'VPN-OLD': aCertificate() } }), ['TrustpointMissing']],
    ['another certificate in the new trustpoint', deployed({ certificates: { 'VPN-NEW': { ...NEW_CERTIFICATE, serialHex: '01' } } }), ['SerialMismatch']],
    ['a certificate still pending', deployed({ certificates: { 'VPN-NEW': { ...NEW_CERTIFICATE, status: 'Pending' } } }), ['CertificateNotAvailable']],
    ['a certificate valid only tomorrow', deployed({ certificates: { 'VPN-NEW': { ...NEW_CERTIFICATE, notBefore: new Date(NOW.getTime() + DAY) } } }), ['NotYetValid']],
    ['an already expired certificate', deployed({ certificates: { 'VPN-NEW': { ...NEW_CERTIFICATE, notAfter: new Date(NOW.getTime() - 1) } } }), ['Expired']],
    ['one interface still on the old trustpoint', deployed({ bindings: { outside: 'VPN-NEW', dmz: 'VPN-OLD' } }), ['BindingMissing']],
    ['the IKEv2 trustpoint not moved', deployed({ ikev2Trustpoint: 'VPN-OLD' }), ['Ikev2BindingMissing']],
    ['a handshake that fails', deployed({ tls: { outside: { ok: false, error: 'ECONNREFUSED' } } }), ['TlsHandshakeFailed']],
    ['a handshake presenting the old serial', deployed({ tls: { outside: { ok: true, serialHex: '0aa1', intermediates: 1 } } }), ['TlsSerialMismatch']],
    ['a handshake without the intermediate', deployed({ tls: { outside: { ok: true, serialHex: 'ddee', intermediates: 0 } } }), ['ChainIncomplete']],
  ])('finds the problems of %s', (_case, state, expected) => {
    expect(deploymentProblems(state, EXPECTED, { now: NOW }).map((each) => each.reason)).toEqual(expected);
  });

  it('says where each interface is bound when the binding is wrong', () => {
    const [problem] = deploymentProblems(deployed({ bindings: { outside: 'VPN-OLD' } }), EXPECTED, { now: NOW });

    expect(problem?.message).toBe('ssl trust-point VPN-NEW is not bound everywhere: outside is bound to VPN-OLD, dmz has none');
  });
});
