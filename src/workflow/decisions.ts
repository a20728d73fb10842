// "Should we renew?" and "is it deployed and healthy?" as ordered lists of small pure checks
// (after cert-manager). Each check returns a named reason or nothing; the clock is passed in.
// The inputs are what preflight / verification read from the device, plus the inventory.
import { sameSerial } from '../inventory/refs.js';

const DAY_MS = 24 * 3600 * 1000;

/** An identity certificate as `show crypto ca certificates` reports it. */
export interface DeviceCertificate {
  trustpoint: string;
  serialHex: string;
  notBefore: Date;
  notAfter: Date;
  /** `Available`, `Pending`, ... as printed; absent when not read. */
  status?: string;
}

/** What preflight read from the device and what the inventory holds for it. */
export interface DeviceCertificateState {
  /** The interfaces the device record says to bind. */
  interfaces: readonly string[];
  /** Whether the IKEv2 remote-access trustpoint should be bound too. */
  ikev2: boolean;
  /** interface nameif -> trustpoint of its `ssl trust-point` line (absent: none). */
  bindings: Readonly<Record<string, string | undefined>>;
  /** Identity certificates on the device, by trustpoint name. */
  certificates: Readonly<Record<string, DeviceCertificate | undefined>>;
  /** `crypto ikev2 remote-access trustpoint <tp>`, when configured. */
  ikev2Trustpoint?: string;
  /** The serial the inventory recorded after the last renewal. */
  recordedSerialHex?: string;
}

export type RenewalReasonName = 'Forced' | 'BindingMissing' | 'NoCertificate' | 'Expired' | 'Expiring' | 'NotYetValid' | 'Ikev2BindingMissing' | 'BindingsDiverge' | 'SerialMismatch';

export interface Reason<Name extends string> {
  reason: Name;
  /** One sentence an operator can act on, naming interfaces, trustpoints, serials and dates. */
  message: string;
}

export type RenewalReason = Reason<RenewalReasonName>;

export interface RenewalOptions {
  now: Date;
  renewBeforeDays: number;
  force: boolean;
}

export function daysUntil(instant: Date, now: Date): number {
  return Math.floor((instant.getTime() - now.getTime()) / DAY_MS);
}

function list(names: readonly string[]): string {
  return names.join(', ');
}

/** The certificate each configured interface serves (via its binding), where there is one. */
function servedCertificates(state: DeviceCertificateState): { iface: string; certificate: DeviceCertificate }[] {
  return state.interfaces.flatMap((iface) => {
    const trustpoint = state.bindings[iface];
    const certificate = trustpoint === undefined ? undefined : state.certificates[trustpoint];
    return certificate ? [{ iface, certificate }] : [];
  });
}

/** The served certificate that expires first: the one that decides Expired / Expiring. */
function earliestExpiring(state: DeviceCertificateState): { iface: string; certificate: DeviceCertificate } | undefined {
  return servedCertificates(state).sort((a, b) => a.certificate.notAfter.getTime() - b.certificate.notAfter.getTime())[0];
}

type RenewalCheck = (state: DeviceCertificateState, options: RenewalOptions) => RenewalReason | undefined;

export const RENEWAL_CHECKS: readonly { name: RenewalReasonName; check: RenewalCheck }[] = [
  {
    name: 'Forced',
    check: (_state, { force }) => (force ? { reason: 'Forced', message: 'renewal forced by the operator' } : undefined),
  },
  {
    name: 'BindingMissing',
    check: (state) => {
      const unbound = state.interfaces.filter((iface) => state.bindings[iface] === undefined);
      if (unbound.length === 0) return undefined;
      return { reason: 'BindingMissing', message: `no ssl trust-point is bound to ${list(unbound)}: the ASA serves its self-signed certificate there` };
    },
  },
  {
    name: 'NoCertificate',
    check: (state) => {
      const empty = state.interfaces.flatMap((iface) => {
        const trustpoint = state.bindings[iface];
        return trustpoint !== undefined && !state.certificates[trustpoint] ? [`${iface} (trustpoint ${trustpoint})`] : [];
      });
      if (empty.length === 0) return undefined;
      return { reason: 'NoCertificate', message: `the trustpoint bound to ${list(empty)} holds no identity certificate` };
    },
  },
  {
    name: 'Expired',
    check: (state, { now }) => {
      const first = earliestExpiring(state);
      if (!first || first.certificate.notAfter.getTime() > now.getTime()) return undefined;
      const { iface, certificate } = first;
      return {
        reason: 'Expired',
        message: `the certificate on ${iface} (trustpoint ${certificate.trustpoint}, serial ${certificate.serialHex}) expired at ${certificate.notAfter.toISOString()}`,
      };
    },
  },
  {
    name: 'Expiring',
    check: (state, { now, renewBeforeDays }) => {
      const first = earliestExpiring(state);
      if (!first) return undefined;
      const { iface, certificate } = first;
      const left = certificate.notAfter.getTime() - now.getTime();
      if (left <= 0 || left > renewBeforeDays * DAY_MS) return undefined;
      return {
        reason: 'Expiring',
        message: `the certificate on ${iface} (trustpoint ${certificate.trustpoint}, serial ${certificate.serialHex}) expires at ${certificate.notAfter.toISOString()}, in ${daysUntil(certificate.notAfter, now)} days: inside renewBeforeDays (${renewBeforeDays})`,
      };
    },
  },
  {
    name: 'NotYetValid',
    check: (state, { now }) => {
      const early = servedCertificates(state).filter(({ certificate }) => certificate.notBefore.getTime() > now.getTime());
      if (early.length === 0) return undefined;
      const described = early.map(({ iface, certificate }) => `${iface} (valid from ${certificate.notBefore.toISOString()})`);
      return { reason: 'NotYetValid', message: `the certificate on ${list(described)} is not valid yet: check the ASA clock (show clock) and NTP` };
    },
  },
  {
    name: 'Ikev2BindingMissing',
    check: (state) =>
      state.ikev2 && state.ikev2Trustpoint === undefined
        ? { reason: 'Ikev2BindingMissing', message: 'the device record asks for IKEv2 but no crypto ikev2 remote-access trustpoint is configured' }
        : undefined,
  },
  {
    name: 'BindingsDiverge',
    check: (state) => {
      const bound = state.interfaces.filter((iface) => state.bindings[iface] !== undefined);
      const trustpoints = new Set(bound.map((iface) => state.bindings[iface]));
      if (trustpoints.size <= 1) return undefined;
      return { reason: 'BindingsDiverge', message: `the interfaces serve different trustpoints (${bound.map((iface) => `${iface}: ${state.bindings[iface]}`).join(', ')})` };
    },
  },
  {
    name: 'SerialMismatch',
    check: (state) => {
      const recorded = state.recordedSerialHex;
      if (recorded === undefined) return undefined;
      const other = servedCertificates(state).filter(({ certificate }) => !sameSerial(certificate.serialHex, recorded));
      if (other.length === 0) return undefined;
      const described = other.map(({ iface, certificate }) => `${iface} serves serial ${certificate.serialHex}`);
      return { reason: 'SerialMismatch', message: `the inventory records serial ${recorded} but ${list(described)}: changed outside trustpoint?` };
    },
  },
];

/** Every reason to renew, in check order; empty means nothing is due. */
export function renewalReasons(state: DeviceCertificateState, options: RenewalOptions): RenewalReason[] {
  return RENEWAL_CHECKS.flatMap(({ check }) => check(state, options) ?? []);
}

// --- Is the new certificate deployed and healthy? -----------------------------------------

/** What a TLS handshake to one interface presented, or why it failed. */
export type TlsObservation = { ok: true; serialHex: string; intermediates: number } | { ok: false; error: string };

export interface DeploymentExpectation {
  trustpoint: string;
  serialHex: string;
  /** How many intermediate CA certificates a complete chain sends after the leaf. */
  intermediates: number;
}

export interface DeploymentState extends DeviceCertificateState {
  /** interface nameif -> handshake result, for the interfaces with a TLS check endpoint. */
  tls?: Readonly<Record<string, TlsObservation | undefined>>;
}

export type DeploymentProblemName =
  | 'TrustpointMissing'
  | 'SerialMismatch'
  | 'CertificateNotAvailable'
  | 'Expired'
  | 'NotYetValid'
  | 'BindingMissing'
  | 'Ikev2BindingMissing'
  | 'TlsHandshakeFailed'
  | 'TlsSerialMismatch'
  | 'ChainIncomplete';

export type DeploymentProblem = Reason<DeploymentProblemName>;

type DeploymentCheck = (state: DeploymentState, expected: DeploymentExpectation, options: { now: Date }) => DeploymentProblem | undefined;

function tlsResults(state: DeploymentState): { iface: string; result: TlsObservation }[] {
  return Object.entries(state.tls ?? {}).flatMap(([iface, result]) => (result ? [{ iface, result }] : []));
}

export const DEPLOYMENT_CHECKS: readonly { name: DeploymentProblemName; check: DeploymentCheck }[] = [
  {
    name: 'TrustpointMissing',
    check: (state, { trustpoint }) =>
      state.certificates[trustpoint] ? undefined : { reason: 'TrustpointMissing', message: `show crypto ca certificates ${trustpoint} shows no identity certificate` },
  },
  {
    name: 'SerialMismatch',
    check: (state, { trustpoint, serialHex }) => {
      const certificate = state.certificates[trustpoint];
      if (!certificate || sameSerial(certificate.serialHex, serialHex)) return undefined;
      return { reason: 'SerialMismatch', message: `trustpoint ${trustpoint} holds serial ${certificate.serialHex}, expected the issued serial ${serialHex}` };
    },
  },
  {
    name: 'CertificateNotAvailable',
    check: (state, { trustpoint }) => {
      const status = state.certificates[trustpoint]?.status;
      if (status === undefined || status === 'Available') return undefined;
      return { reason: 'CertificateNotAvailable', message: `the certificate in trustpoint ${trustpoint} has status ${JSON.stringify(status)}, expected "Available"` };
    },
  },
  {
    name: 'Expired',
    check: (state, { trustpoint }, { now }) => {
      const certificate = state.certificates[trustpoint];
      if (!certificate || certificate.notAfter.getTime() > now.getTime()) return undefined;
      return { reason: 'Expired', message: `the certificate in trustpoint ${trustpoint} expired at ${certificate.notAfter.toISOString()}` };
    },
  },
  {
    name: 'NotYetValid',
    check: (state, { trustpoint }, { now }) => {
      const certificate = state.certificates[trustpoint];
      if (!certificate || certificate.notBefore.getTime() <= now.getTime()) return undefined;
      return { reason: 'NotYetValid', message: `the certificate in trustpoint ${trustpoint} is valid only from ${certificate.notBefore.toISOString()}: check the ASA clock` };
    },
  },
  {
    name: 'BindingMissing',
    check: (state, { trustpoint }) => {
      const wrong = state.interfaces.filter((iface) => state.bindings[iface] !== trustpoint);
      if (wrong.length === 0) return undefined;
      const described = wrong.map((iface) => (state.bindings[iface] === undefined ? `${iface} has none` : `${iface} is bound to ${state.bindings[iface]}`));
      return { reason: 'BindingMissing', message: `ssl trust-point ${trustpoint} is not bound everywhere: ${list(described)}` };
    },
  },
  {
    name: 'Ikev2BindingMissing',
    check: (state, { trustpoint }) =>
      state.ikev2 && state.ikev2Trustpoint !== trustpoint
        ? { reason: 'Ikev2BindingMissing', message: `crypto ikev2 remote-access trustpoint is ${state.ikev2Trustpoint ?? 'not set'}, expected ${trustpoint}` }
        : undefined,
  },
  {
    name: 'TlsHandshakeFailed',
    check: (state) => {
      const failed = tlsResults(state).flatMap(({ iface, result }) => (result.ok ? [] : [`${iface}: ${result.error}`]));
      return failed.length === 0 ? undefined : { reason: 'TlsHandshakeFailed', message: `the TLS handshake failed on ${list(failed)}` };
    },
  },
  {
    name: 'TlsSerialMismatch',
    check: (state, { serialHex }) => {
      const other = tlsResults(state).flatMap(({ iface, result }) => (result.ok && !sameSerial(result.serialHex, serialHex) ? [`${iface} presents serial ${result.serialHex}`] : []));
      return other.length === 0 ? undefined : { reason: 'TlsSerialMismatch', message: `${list(other)}, expected ${serialHex}` };
    },
  },
  {
    name: 'ChainIncomplete',
    check: (state, { intermediates }) => {
      const short = tlsResults(state).flatMap(({ iface, result }) => (result.ok && result.intermediates < intermediates ? [`${iface} sends ${result.intermediates}`] : []));
      return short.length === 0
        ? undefined
        : { reason: 'ChainIncomplete', message: `the TLS chain lacks intermediates: ${list(short)} of ${intermediates} (was the PKCS12 built with the full chain?)` };
    },
  },
];

/** Every problem with the deployment, in check order; empty means deployed and healthy. */
export function deploymentProblems(state: DeploymentState, expected: DeploymentExpectation, options: { now: Date }): DeploymentProblem[] {
  return DEPLOYMENT_CHECKS.flatMap(({ check }) => check(state, expected, options) ?? []);
}
