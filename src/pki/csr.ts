// PKCS#10 certificate signing requests: the subject of the ASA enrollment form plus SANs
// (which the ASA itself cannot put in a CSR: wildcards, several names, IP addresses).
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { webcrypto } from 'node:crypto';
import type { KeyMaterial } from './keys.js';
import { signingAlgorithm } from './keys.js';
import { pemEncode } from './pem.js';
import { validateSans, validateSubject, type SubjectFields, type ValidatedSans } from './subject.js';

x509.cryptoProvider.set(webcrypto);

export interface CsrRequest {
  subject: SubjectFields;
  /** DNS names (one leading "*." label allowed) and IPv4/IPv6 addresses. */
  sans?: string[];
}

// X.520 PrintableString: letters, digits, space and ' ( ) + , - . / : = ?
const PRINTABLE = /^[A-Za-z0-9 '()+,\-./:=?]*$/;

/**
 * The subject as an x509 JSON name in DER order C, ST, L, O, OU, CN, E: the ASA prints
 * a DN in reverse encoded order, so `cn=` comes first in `show crypto ca certificates`.
 */
export function subjectToJsonName(subject: SubjectFields): x509.JsonNameParams {
  const order: [keyof SubjectFields, string][] = [
    ['c', 'C'],
    ['st', 'ST'],
    ['l', 'L'],
    ['o', 'O'],
    ['ou', 'OU'],
    ['cn', 'CN'],
    ['email', 'E'],
  ];
  const name: x509.JsonNameParams = [];
  for (const [key, type] of order) {
    const value = subject[key];
    if (value === undefined) continue;
    const encoded = key === 'email' ? { ia5String: value } : PRINTABLE.test(value) ? { printableString: value } : { utf8String: value };
    name.push({ [type]: [encoded] });
  }
  return name;
}

function sanExtension(sans: ValidatedSans, critical = false): x509.SubjectAlternativeNameExtension | undefined {
  const names: x509.JsonGeneralName[] = [...sans.dns.map((value) => ({ type: 'dns' as const, value })), ...sans.ip.map((value) => ({ type: 'ip' as const, value }))];
  return names.length ? new x509.SubjectAlternativeNameExtension(names, critical) : undefined;
}

/** Validates the request, then returns a PEM CSR signed with SHA-256 (PKCS#1 v1.5 for RSA) or ECDSA-SHA256/384. */
export async function buildCsr(request: CsrRequest, key: KeyMaterial): Promise<string> {
  const subject = validateSubject(request.subject);
  const sans = validateSans(request.sans ?? []);
  const extension = sanExtension(sans);
  const csr = await x509.Pkcs10CertificateRequestGenerator.create({
    name: new x509.Name(subjectToJsonName(subject)),
    keys: key.keys,
    signingAlgorithm: signingAlgorithm(key.spec),
    extensions: extension ? [extension] : [],
  });
  return pemEncode('CERTIFICATE REQUEST', new Uint8Array(csr.rawData));
}
