// `show crypto ca certificates [tp]` (facts section 6): identity `Certificate` entries before
// `CA Certificate` entries, one blank line after each entry, fields indented 2 spaces and
// their values 4, DNs in reversed DER order with lowercase keys, validity in the device's
// clock zone.
import { formatAsaTime, type ClockZone } from '../time.js';

export type CertificateUsage = 'General Purpose' | 'Signature' | 'Encryption';

/** One entry of the listing, already in the ASA's words. */
export interface CertificateEntryView {
  kind: 'identity' | 'ca';
  status: string;
  serialHex: string;
  usage: CertificateUsage;
  /** e.g. `RSA (2048 bits)`. */
  publicKeyType: string;
  /** e.g. `SHA256 with RSA Encryption`. */
  signatureAlgorithm: string;
  /** `key=value` lines in display order (CN first). */
  issuer: string[];
  subject: string[];
  ocspUrls: string[];
  crlDistributionPoints: string[];
  notBefore: Date;
  notAfter: Date;
  associatedTrustpoints: string[];
}

export function renderCertificateEntry(entry: CertificateEntryView, clock: ClockZone): string[] {
  const lines = [
    entry.kind === 'identity' ? 'Certificate' : 'CA Certificate',
    `  Status: ${entry.status}`,
    `  Certificate Serial Number: ${entry.serialHex}`,
    `  Certificate Usage: ${entry.usage}`,
    `  Public Key Type: ${entry.publicKeyType}`,
    `  Signature Algorithm: ${entry.signatureAlgorithm}`,
    '  Issuer Name:',
    ...entry.issuer.map((rdn) => `    ${rdn}`),
    '  Subject Name:',
    ...entry.subject.map((rdn) => `    ${rdn}`),
  ];
  if (entry.ocspUrls.length > 0) lines.push('  OCSP AIA:', ...entry.ocspUrls.map((url) => `    URL: ${url}`));
  if (entry.crlDistributionPoints.length > 0) {
    lines.push('  CRL Distribution Points:', ...entry.crlDistributionPoints.map((url, i) => `    [${i + 1}]  ${url}`));
  }
  lines.push(
    '  Validity Date:',
    `    start date: ${formatAsaTime(entry.notBefore, clock)}`,
    `    end   date: ${formatAsaTime(entry.notAfter, clock)}`,
    `  Associated Trustpoints: ${entry.associatedTrustpoints.join(' ')}`,
  );
  return lines;
}

/** The whole listing: identity entries first, then CA entries, each followed by a blank line. */
export function renderCertificateList(entries: readonly CertificateEntryView[], clock: ClockZone): string[] {
  const ordered = [...entries.filter((e) => e.kind === 'identity'), ...entries.filter((e) => e.kind === 'ca')];
  return ordered.flatMap((entry) => [...renderCertificateEntry(entry, clock), '']);
}
