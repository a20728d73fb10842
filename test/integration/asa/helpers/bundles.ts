// Issues real certificates from a local CA (made at test time, in a temp dir) and bundles them
// into PKCS12 files the simulator imports: what the workflow will hand to the ASA client.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildCsr } from '../../../../src/pki/csr.js';
import { generateKeyPair, type KeyMaterial } from '../../../../src/pki/keys.js';
import { LocalCa } from '../../../../src/pki/local-ca.js';
import { generatePassphrase } from '../../../../src/pki/passphrase.js';
import { encodePkcs12 } from '../../../../src/pki/pkcs12.js';

export interface TestBundle {
  der: Uint8Array;
  passphrase: string;
  serialHex: string;
  certificatePem: string;
  chainPems: string[];
  /** Test-time key, for building other bundles with openssl. */
  privateKeyPem: string;
}

export interface BundleFactory {
  issue(cn: string, profile?: 'legacy' | 'modern'): Promise<TestBundle>;
  dispose(): Promise<void>;
}

/** One CA and one leaf key per factory (key generation is the slow part); each issue() is a new certificate. */
export async function bundleFactory(): Promise<BundleFactory> {
  const dir = await mkdtemp(path.join(tmpdir(), 'tp-asa-ca-'));
  const ca = await LocalCa.init(path.join(dir, 'ca'), { keySpec: 'ec:p256' });
  const key: KeyMaterial = await generateKeyPair('rsa:2048');
  return {
    async issue(cn, profile = 'legacy') {
      const csr = await buildCsr({ subject: { cn, o: 'trustpoint tests' }, sans: [cn] }, key);
      const issued = await ca.sign(csr, { days: 30 });
      const passphrase = generatePassphrase();
      const der = await encodePkcs12({ privateKeyPem: key.privateKeyPem, certificatePem: issued.certificatePem, chainPems: issued.chainPems, passphrase, profile });
      return { der, passphrase, serialHex: issued.serialHex, certificatePem: issued.certificatePem, chainPems: issued.chainPems, privateKeyPem: key.privateKeyPem };
    },
    async dispose() {
      await rm(dir, { recursive: true, force: true });
    },
  };
}
