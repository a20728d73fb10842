// What `trustpoint inspect` shows: per trustpoint its identity and CA certificates with days to
// expiry, and which interface serves which trustpoint. Pure: built from DeviceFacts and a clock.
import { type CaCertificateEntry, formatRdns, rdnValue } from './parsers/crypto-ca-certificates.js';
import type { DeviceFacts, FailoverRole } from './operations.js';

export interface CertificateSummary {
  kind: 'identity' | 'ca';
  serialHex: string;
  subject: string;
  issuer: string;
  status: string;
  key: string;
  /** As the device printed it (device-local time and zone label). */
  notAfterText: string;
  /** UTC, when the device's clock offset is known. */
  notAfter?: string;
  /** Whole days from now to notAfter (negative once expired); absent when notAfter is unknown. */
  daysToExpiry?: number;
}

export interface TrustpointSummary {
  name: string;
  identity?: CertificateSummary;
  caCertificates: CertificateSummary[];
  /** Interfaces with an explicit `ssl trust-point <name> <interface>` binding. */
  interfaces: string[];
  /** The bare `ssl trust-point <name>`: served on interfaces without their own binding. */
  isDefault: boolean;
  ikev2RemoteAccess: boolean;
}

export interface InspectReport {
  device: { hostname: string; release: string; model?: string; failoverRole: FailoverRole; clock: string };
  trustpoints: TrustpointSummary[];
  interfaces: { interface: string; trustpoint: string; source: 'binding' }[];
  defaultTrustpoint?: string;
  ikev2RemoteAccessTrustpoints: string[];
}

const DAY_MS = 86_400_000;

function summarize(entry: CaCertificateEntry, now: Date): CertificateSummary {
  const summary: CertificateSummary = {
    kind: entry.kind,
    serialHex: entry.serialHex,
    subject: formatRdns(entry.subject),
    issuer: rdnValue(entry.issuer, 'cn') ?? formatRdns(entry.issuer),
    status: entry.status,
    key: `${entry.publicKey.type} ${entry.publicKey.bits}`,
    notAfterText: entry.validity.endText,
  };
  if (entry.validity.end) {
    summary.notAfter = entry.validity.end.toISOString();
    summary.daysToExpiry = Math.floor((entry.validity.end.getTime() - now.getTime()) / DAY_MS);
  }
  return summary;
}

export function buildInspectReport(facts: DeviceFacts, now: Date): InspectReport {
  const names: string[] = [];
  const add = (name: string) => {
    if (!names.includes(name)) names.push(name);
  };
  for (const entry of facts.certificates) entry.associatedTrustpoints.forEach(add);
  for (const binding of facts.ssl.bindings) add(binding.trustpoint);
  if (facts.ssl.defaultTrustpoint) add(facts.ssl.defaultTrustpoint);
  facts.ikev2.remoteAccessTrustpoints.forEach(add);

  const trustpoints = names.map((name): TrustpointSummary => {
    const entries = facts.certificates.filter((e) => e.associatedTrustpoints.includes(name));
    const identity = entries.find((e) => e.kind === 'identity');
    const summary: TrustpointSummary = {
      name,
      caCertificates: entries.filter((e) => e.kind === 'ca').map((e) => summarize(e, now)),
      interfaces: facts.ssl.bindings.filter((b) => b.trustpoint === name).map((b) => (b.vpnlbIp ? `${b.interface} (vpnlb-ip)` : b.interface)),
      isDefault: facts.ssl.defaultTrustpoint === name,
      ikev2RemoteAccess: facts.ikev2.remoteAccessTrustpoints.includes(name),
    };
    if (identity) summary.identity = summarize(identity, now);
    return summary;
  });
  const offset = facts.clock.offsetMinutes;
  const sign = offset < 0 ? '-' : '+';
  const report: InspectReport = {
    device: {
      hostname: facts.hostname,
      release: facts.release,
      failoverRole: facts.failoverRole,
      clock: `${facts.clock.zoneName} (UTC${sign}${String(Math.floor(Math.abs(offset) / 60)).padStart(2, '0')}:${String(Math.abs(offset) % 60).padStart(2, '0')})`,
    },
    trustpoints,
    interfaces: facts.ssl.bindings.filter((b) => !b.vpnlbIp).map((b) => ({ interface: b.interface, trustpoint: b.trustpoint, source: 'binding' as const })),
    ikev2RemoteAccessTrustpoints: facts.ikev2.remoteAccessTrustpoints,
  };
  if (facts.model) report.device.model = facts.model;
  if (facts.ssl.defaultTrustpoint) report.defaultTrustpoint = facts.ssl.defaultTrustpoint;
  return report;
}

function pad(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) => r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  ').trimEnd());
}

function expiry(cert: CertificateSummary): string {
  if (cert.daysToExpiry === undefined) return `${cert.notAfterText} (offset unknown)`;
  const when = cert.notAfter!.slice(0, 10);
  return cert.daysToExpiry < 0 ? `${when} EXPIRED ${-cert.daysToExpiry} days ago` : `${when} (${cert.daysToExpiry} days)`;
}

/** The report as plain-text tables for a terminal. */
export function formatInspectReport(report: InspectReport): string {
  const d = report.device;
  const lines = [`${d.hostname}: ASA ${d.release}${d.model ? ` on ${d.model}` : ''}, failover ${d.failoverRole}, clock ${d.clock}`, ''];
  const rows: string[][] = [['TRUSTPOINT', 'KIND', 'SERIAL', 'SUBJECT', 'ISSUER', 'STATUS', 'KEY', 'EXPIRES', 'SERVES']];
  for (const tp of report.trustpoints) {
    const serves = [...tp.interfaces, ...(tp.isDefault ? ['default'] : []), ...(tp.ikev2RemoteAccess ? ['ikev2'] : [])].join(',') || '-';
    const certs = [...(tp.identity ? [tp.identity] : []), ...tp.caCertificates];
    if (certs.length === 0) rows.push([tp.name, '-', '-', '(no certificate)', '-', '-', '-', '-', serves]);
    certs.forEach((c, i) => rows.push([i === 0 ? tp.name : '', c.kind === 'identity' ? 'identity' : 'CA', c.serialHex, c.subject, c.issuer, c.status, c.key, expiry(c), i === 0 ? serves : '']));
  }
  lines.push(...pad(rows), '');
  if (report.interfaces.length > 0 || report.defaultTrustpoint) {
    const ifRows: string[][] = [['INTERFACE', 'TRUSTPOINT']];
    for (const i of report.interfaces) ifRows.push([i.interface, i.trustpoint]);
    if (report.defaultTrustpoint) ifRows.push(['(other interfaces)', `${report.defaultTrustpoint} (default)`]);
    lines.push(...pad(ifRows), '');
  } else {
    lines.push('No ssl trust-point binding: every interface serves the ASA self-signed certificate.', '');
  }
  if (report.ikev2RemoteAccessTrustpoints.length > 0) lines.push(`IKEv2 remote access: ${report.ikev2RemoteAccessTrustpoints.join(', ')}`, '');
  return lines.join('\n');
}
