// Self-signed identities: the factory certificate an ASA binds to `outside` (RSA-2048), and
// the temporary one an interface serves when nothing usable is bound. CN = hostname, ten
// years, a random 4-byte serial like an ASA's.
import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import { generateKeyPair, signingAlgorithm, type KeySpec } from '../../src/pki/keys.js';

export interface SelfSignedIdentity {
  keyPem: string;
  certPem: string;
}

const TEN_YEARS_MS = 10 * 365 * 24 * 3600 * 1000;

export async function createSelfSignedIdentity(hostname: string, now: Date, keySpec: KeySpec = 'rsa:2048'): Promise<SelfSignedIdentity> {
  const key = await generateKeyPair(keySpec);
  const serial = randomBytes(4);
  serial[0] = (serial[0] ?? 0) & 0x7f || 0x11; // positive, no leading zero byte
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial.toString('hex'),
    name: [{ CN: [hostname] }],
    notBefore: now,
    notAfter: new Date(now.getTime() + TEN_YEARS_MS),
    keys: key.keys,
    signingAlgorithm: signingAlgorithm(key.spec),
    extensions: [new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment)],
  });
  return { keyPem: key.privateKeyPem, certPem: `${cert.toString('pem')}\n` };
}
