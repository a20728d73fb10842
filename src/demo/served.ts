// What an interface really serves, seen from outside: one TLS handshake, as a VPN client or
// `openssl s_client` would see it. Independent of what the workflow reports about itself.
import { probeTls, type TlsEndpoint } from '../asa/tls-probe.js';
import { normalizeSerialHex } from '../inventory/refs.js';

const DAY_MS = 86_400_000;

export type ServedCertificate =
  | {
      ok: true;
      endpoint: string;
      /** Lowercase hex without leading zeros, comparable with sameSerial(). */
      serial: string;
      subjectCn: string | null;
      /** ISO-8601 instant. */
      notAfter: string;
      /** Whole days from `at` to notAfter (negative once expired). */
      daysToExpiry: number;
      /** Certificates presented: the leaf and every CA certificate after it. */
      chainLength: number;
    }
  | { ok: false; endpoint: string; error: string };

/** `CN=vpn.example.com\nO=Example` (node's format) -> `vpn.example.com`. */
export function commonNameOf(subject: string): string | null {
  for (const line of subject.split('\n')) {
    const match = /^CN=(.*)$/.exec(line.trim());
    if (match) return match[1] ?? null;
  }
  return null;
}

export function daysBetween(from: Date, to: Date): number {
  return Math.floor((to.getTime() - from.getTime()) / DAY_MS);
}

/** One handshake; a failure (refused, timeout, no certificate) is reported, not thrown. */
export async function observeServedCertificate(endpoint: TlsEndpoint, at: () => Date = () => new Date(), timeoutMs = 5000): Promise<ServedCertificate> {
  const where = `${endpoint.host}:${endpoint.port}`;
  try {
    const presented = await probeTls(endpoint, timeoutMs);
    const notAfter = presented.leafNotAfter;
    return {
      ok: true,
      endpoint: where,
      serial: normalizeSerialHex(presented.leafSerialHex),
      subjectCn: commonNameOf(presented.leafSubject),
      notAfter: notAfter.toISOString(),
      daysToExpiry: daysBetween(at(), notAfter),
      chainLength: 1 + presented.chain.length,
    };
  } catch (error) {
    return { ok: false, endpoint: where, error: error instanceof Error ? error.message : String(error) };
  }
}
