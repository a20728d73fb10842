// Puts a starting certificate on a (simulated) ASA the way an operator would: a key pair and
// CSR here, signed by the CA, bundled as a PKCS12, then over SSH `crypto ca import <tp>
// pkcs12`, `ssl trust-point <tp> <interface>` and `write memory`. Nothing pokes the
// simulator's internals, so the demo starts from a state the real client produced and read back.
import { connectToDevice } from '../asa/operations.js';
import type { TranscriptEntry } from '../asa/transcript.js';
import { normalizeSerialHex } from '../inventory/refs.js';
import { buildCsr, encodePkcs12, generateKeyPair, generatePassphrase } from '../pki/index.js';
import type { KeySpec, LocalCa, SubjectFields } from '../pki/index.js';

export interface SeedTarget {
  host: string;
  port: number;
  username: string;
  /** Secret. */
  password: string;
  /** Secret. */
  enablePassword?: string;
  hostKeySha256: string;
}

export interface SeedRequest {
  trustpoint: string;
  interfaces: readonly string[];
  subject: SubjectFields;
  sans?: string[];
  keySpec: KeySpec;
  validityDays: number;
  ca: LocalCa;
  /** Receives the (already redacted) SSH transcript. */
  transcriptSink?: (entry: TranscriptEntry) => void;
}

export interface SeededCertificate {
  trustpoint: string;
  /** Lowercase hex, no leading zeros. */
  serial: string;
  notAfter: Date;
}

/** Issues, imports, binds and saves one certificate; returns what the device then holds. */
export async function seedCertificate(target: SeedTarget, request: SeedRequest): Promise<SeededCertificate> {
  const key = await generateKeyPair(request.keySpec);
  const csr = await buildCsr({ subject: request.subject, ...(request.sans ? { sans: request.sans } : {}) }, key);
  const issued = await request.ca.sign(csr, { days: request.validityDays });
  const passphrase = generatePassphrase();
  const pkcs12 = await encodePkcs12({
    privateKeyPem: key.privateKeyPem,
    certificatePem: issued.certificatePem,
    chainPems: issued.chainPems,
    passphrase,
    profile: 'legacy',
  });
  const device = await connectToDevice({
    host: target.host,
    port: target.port,
    username: target.username,
    password: target.password,
    ...(target.enablePassword === undefined ? {} : { enablePassword: target.enablePassword }),
    hostKeySha256: target.hostKeySha256,
    retry: { attempts: 1 },
    ...(request.transcriptSink ? { transcriptSink: request.transcriptSink } : {}),
  });
  try {
    await device.preflight();
    await device.importPkcs12(request.trustpoint, pkcs12, passphrase, issued.serialHex, { trustpointCreatedByUs: true });
    await device.bindTrustpoint(request.trustpoint, request.interfaces);
    await device.saveConfiguration();
  } finally {
    await device.close();
  }
  return { trustpoint: request.trustpoint, serial: normalizeSerialHex(issued.serialHex), notAfter: issued.notAfter };
}
