// From a stored certificate to the words `show crypto ca certificates` uses (facts section 6).
import { describeCertificate, type CertificateInfo, type NameAttribute } from '../../src/pki/certificate-info.js';
import type { CertificateEntryView } from './render-certificates.js';

const SIGNATURE_NAMES: Record<string, string> = {
  md5WithRSAEncryption: 'MD5 with RSA Encryption',
  sha1WithRSAEncryption: 'SHA1 with RSA Encryption',
  sha256WithRSAEncryption: 'SHA256 with RSA Encryption',
  sha384WithRSAEncryption: 'SHA384 with RSA Encryption',
  sha512WithRSAEncryption: 'SHA512 with RSA Encryption',
  // Not found in any ASA output: assumed, see sim/README.md.
  'ecdsa-with-SHA1': 'SHA1 with ECDSA Encryption',
  'ecdsa-with-SHA256': 'SHA256 with ECDSA Encryption',
  'ecdsa-with-SHA384': 'SHA384 with ECDSA Encryption',
  'ecdsa-with-SHA512': 'SHA512 with ECDSA Encryption',
  rsassaPss: 'RSASSA-PSS',
};

export function signatureAlgorithmName(algorithm: string): string {
  return SIGNATURE_NAMES[algorithm] ?? algorithm;
}

/** `RSA (2048 bits)`; EC keys as `ECDSA (256 bits)` (assumed). */
export function publicKeyTypeName(info: Pick<CertificateInfo, 'keyType' | 'keyBits'>): string {
  return `${info.keyType === 'RSA' ? 'RSA' : 'ECDSA'} (${info.keyBits} bits)`;
}

/** One `key=value` line per RDN attribute, CN first: the reverse of the encoded order. */
export function displayName(name: readonly NameAttribute[]): string[] {
  return [...name].reverse().map((a) => `${a.type}=${a.value}`);
}

export function certificateEntry(pem: string, kind: 'identity' | 'ca', associatedTrustpoints: string[]): CertificateEntryView {
  const info = describeCertificate(pem);
  return {
    kind,
    status: 'Available',
    serialHex: info.serialHex,
    usage: kind === 'identity' ? 'General Purpose' : 'Signature',
    publicKeyType: publicKeyTypeName(info),
    signatureAlgorithm: signatureAlgorithmName(info.signatureAlgorithm),
    issuer: displayName(info.issuer),
    subject: displayName(info.subject),
    ocspUrls: info.ocspUrls,
    crlDistributionPoints: info.crlDistributionPoints,
    notBefore: info.notBefore,
    notAfter: info.notAfter,
    associatedTrustpoints,
  };
}
