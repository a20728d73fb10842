// The crypto sections of `show running-config` (facts section 11): trustpoints with
// one-space-indented sub-lines, certificate chains as hex words, IKEv2 and SSL bindings.
import { describeCertificate } from '../../src/pki/certificate-info.js';
import type { PkiState, TrustpointRecord } from './state.js';

/** Values an ASA does not print because they are the defaults. */
const DEFAULT_ID_USAGE = 'ssl-ipsec';

export function trustpointLines(tp: TrustpointRecord): string[] {
  const lines = [`crypto ca trustpoint ${tp.name}`];
  if (tp.revocationCheck !== undefined) lines.push(` revocation-check ${tp.revocationCheck}`);
  if (tp.enrollment !== undefined) lines.push(` enrollment ${tp.enrollment}`);
  if (tp.fqdn !== undefined) lines.push(` fqdn ${tp.fqdn}`);
  if (tp.subjectName !== undefined) lines.push(` subject-name ${tp.subjectName}`);
  if (tp.ipAddress !== undefined) lines.push(` ip-address ${tp.ipAddress}`);
  if (tp.keypair !== undefined) lines.push(` keypair ${tp.keypair}`);
  if (tp.idUsage !== undefined && tp.idUsage !== DEFAULT_ID_USAGE) lines.push(` id-usage ${tp.idUsage}`);
  if (tp.validationUsage === 'none') lines.push(' no validation-usage');
  else if (tp.validationUsage !== undefined) lines.push(` validation-usage ${tp.validationUsage}`);
  lines.push(' crl configure');
  return lines;
}

/** DER as the ASA stores it: lowercase hex words of 8 digits, 8 words a line, 4-space indent. */
export function hexWordLines(der: Uint8Array, indent = '    '): string[] {
  const hex = Buffer.from(der).toString('hex');
  const words = hex.match(/.{1,8}/g) ?? [];
  const lines: string[] = [];
  for (let i = 0; i < words.length; i += 8) lines.push(indent + words.slice(i, i + 8).join(' '));
  return lines;
}

export function certificateChainLines(tp: TrustpointRecord): string[] {
  if (tp.caCertificates.length === 0 && tp.identityCertificate === undefined) return [];
  const lines = [`crypto ca certificate chain ${tp.name}`];
  const block = (header: string, pem: string): void => {
    const info = describeCertificate(pem);
    lines.push(` ${header} ${info.serialHex}`, ...hexWordLines(info.der), '  quit');
  };
  for (const pem of tp.caCertificates) block('certificate ca', pem);
  if (tp.identityCertificate !== undefined) block('certificate', tp.identityCertificate);
  return lines;
}

export function renderTrustpointConfig(state: PkiState, name?: string): string[] {
  return state
    .listTrustpoints()
    .filter((tp) => name === undefined || tp.name === name)
    .flatMap(trustpointLines);
}

export function renderCertificateChains(state: PkiState, name?: string): string[] {
  return state
    .listTrustpoints()
    .filter((tp) => name === undefined || tp.name === name)
    .flatMap(certificateChainLines);
}

export function renderIkev2Config(state: PkiState): string[] {
  const enable = state
    .listIkev2Enabled()
    .map((e) => `crypto ikev2 enable ${e.interface}${e.clientServicesPort === undefined ? '' : ` client-services port ${e.clientServicesPort}`}`);
  const trustpoints = state.listIkev2RemoteAccessTrustpoints().map((tp) => `crypto ikev2 remote-access trustpoint ${tp}`);
  return [...enable, ...trustpoints];
}

/** `ssl trust-point` lines: the bare default first, then per interface in the order configured. */
export function renderSslConfig(state: PkiState): string[] {
  const bindings = state.listSslBindings();
  return [
    ...bindings.filter((b) => b.interface === undefined).map((b) => `ssl trust-point ${b.trustpoint}`),
    ...bindings.filter((b) => b.interface !== undefined).map((b) => `ssl trust-point ${b.trustpoint} ${b.interface}`),
  ];
}

/** All crypto sections in running-config order: trustpoints, `crypto ca trustpool policy`, chains, IKEv2, SSL. */
export function renderRunningConfig(state: PkiState): string[] {
  return [...renderTrustpointConfig(state), ...renderCertificateChains(state), ...renderIkev2Config(state), ...renderSslConfig(state)];
}
