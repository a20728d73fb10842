// A TLS handshake against an interface, to see what it really serves: the leaf serial and the
// chain. Trust is not evaluated here (the workflow compares serials with what it installed).
import { X509Certificate } from 'node:crypto';
import tls from 'node:tls';
import { sameSerial } from '../inventory/refs.js';

export interface TlsEndpoint {
  host: string;
  port: number;
  /** SNI name to send; none for IP addresses. */
  servername?: string;
}

export interface PresentedChain {
  /** Lowercase hex, as the ASA prints serials (a leading 00 byte is not kept by node: compare with serialsEqual). */
  leafSerialHex: string;
  leafSubject: string;
  leafNotAfter: Date;
  /** Every certificate the server sent after the leaf, in order: serial and subject. */
  chain: { serialHex: string; subject: string; issuer: string }[];
}

/**
 * Serials compared as numbers: `00fac8...` (ASA, DER content bytes) equals `FAC8...` (node),
 * by the inventory's one normalisation. Anything that is not a serial equals nothing.
 */
export function serialsEqual(a: string, b: string): boolean {
  try {
    return sameSerial(a, b);
  } catch {
    return false;
  }
}

/** Connects, completes the handshake, returns what was presented; rejects on network errors or timeout. */
export function probeTls(endpoint: TlsEndpoint, timeoutMs = 10_000): Promise<PresentedChain> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({
      host: endpoint.host,
      port: endpoint.port,
      ...(endpoint.servername ? { servername: endpoint.servername } : {}),
      rejectUnauthorized: false,
    });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`TLS handshake with ${endpoint.host}:${endpoint.port} timed out after ${timeoutMs} ms`));
    }, timeoutMs);
    socket.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    socket.once('secureConnect', () => {
      clearTimeout(timer);
      try {
        const peer = socket.getPeerCertificate(true);
        if (!peer.raw) throw new Error(`TLS handshake with ${endpoint.host}:${endpoint.port}: no certificate presented`);
        const leaf = new X509Certificate(peer.raw);
        const chain: PresentedChain['chain'] = [];
        const seen = new Set<string>([leaf.fingerprint256]);
        let next = peer.issuerCertificate;
        while (next?.raw) {
          const cert = new X509Certificate(next.raw);
          if (seen.has(cert.fingerprint256)) break;
          seen.add(cert.fingerprint256);
          chain.push({ serialHex: cert.serialNumber.toLowerCase(), subject: cert.subject, issuer: cert.issuer });
          next = next.issuerCertificate;
        }
        resolve({ leafSerialHex: leaf.serialNumber.toLowerCase(), leafSubject: leaf.subject, leafNotAfter: new Date(leaf.validTo), chain });
      } catch (error) {
        reject(error);
      } finally {
        socket.end();
      }
    });
  });
}
