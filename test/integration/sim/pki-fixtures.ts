// Certificates, PKCS12 files and TLS probes for the simulator PKI integration tests.
import { describeCertificate } from '../../../src/pki/certificate-info.js';
import { buildCsr } from '../../../src/pki/csr.js';
import { generateKeyPair, type KeySpec } from '../../../src/pki/keys.js';
import type { LocalCa } from '../../../src/pki/local-ca.js';
import { splitPemBlocks } from '../../../src/pki/pem.js';
import { runOpenssl, runOpensslOk } from '../../helpers/openssl.js';

export interface Identity {
  keyPem: string;
  certPem: string;
  /** Intermediate, then root. */
  chainPems: string[];
  serialHex: string;
}

export async function issueIdentity(ca: LocalCa, cn: string, keySpec: KeySpec = 'rsa:2048'): Promise<Identity> {
  const key = await generateKeyPair(keySpec);
  const csr = await buildCsr({ subject: { cn }, sans: [cn] }, key);
  const issued = await ca.sign(csr, { days: 90 });
  return { keyPem: key.privateKeyPem, certPem: issued.certificatePem, chainPems: issued.chainPems, serialHex: issued.serialHex };
}

/** `openssl pkcs12 -export` with OpenSSL 3 defaults (PBES2/AES-256, SHA-256 MAC), or with 3DES/SHA-1 when `legacy3des`. */
export async function opensslPkcs12(identity: Identity, passphrase: string, legacy3des = false): Promise<Uint8Array> {
  const algorithms = legacy3des ? ['-keypbe', 'PBE-SHA1-3DES', '-certpbe', 'PBE-SHA1-3DES', '-macalg', 'sha1'] : [];
  const result = await runOpensslOk(
    ['pkcs12', '-export', '-inkey', 'key.pem', '-in', 'cert.pem', '-certfile', 'chain.pem', '-passout', 'file:pass.txt', '-out', 'bundle.p12', ...algorithms],
    { files: { 'key.pem': identity.keyPem, 'cert.pem': identity.certPem, 'chain.pem': identity.chainPems.join(''), 'pass.txt': passphrase }, outputs: ['bundle.p12'] },
  );
  const der = result.outputs['bundle.p12'];
  if (!der) throw new Error('openssl wrote no bundle.p12');
  return new Uint8Array(der);
}

/** The serials (lowercase hex) of the certificates a TLS server presents, leaf first, as `openssl s_client -showcerts` sees them. */
export async function presentedSerials(port: number): Promise<string[]> {
  const result = await runOpenssl(['s_client', '-connect', `127.0.0.1:${port}`, '-showcerts'], { stdin: '', timeoutMs: 15_000 });
  const certs = splitPemBlocks(result.stdout).filter((b) => b.label === 'CERTIFICATE');
  if (certs.length === 0) throw new Error(`s_client saw no certificate (exit ${result.code}):\n${result.stderr}`);
  return certs.map((b) => describeCertificate(b.der).serialHex);
}
