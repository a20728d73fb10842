// Test PKI made by the system openssl at test time: root CA -> intermediate CA -> leaf,
// for PKCS12 tests. Independent of src/pki, so the code under test does not check itself.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export type LeafKeyType = 'rsa-2048' | 'ec-p256';

export interface TestPki {
  rootPem: string;
  intermediatePem: string;
  leafPem: string;
  /** PKCS#8 PEM. */
  leafKeyPem: string;
  /** A second key pair's private key, matching nothing here. */
  otherKeyPem: string;
  /** A self-signed CA that did not issue anything here. */
  unrelatedCaPem: string;
  leafCn: string;
}

const CA_EXT = 'basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n';
const LEAF_EXT =
  'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\nsubjectAltName=DNS:vpn.example.net\n';

function keyArgs(type: LeafKeyType): string[] {
  return type === 'rsa-2048' ? ['-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048'] : ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256'];
}

export function makeTestPki(leafType: LeafKeyType): TestPki {
  const dir = mkdtempSync(path.join(tmpdir(), 'tp-pkcs12-pki-'));
  const openssl = (...args: string[]): void => {
    execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  };
  const read = (name: string): string => readFileSync(path.join(dir, name), 'utf8');
  try {
    writeFileSync(path.join(dir, 'ca.ext'), CA_EXT);
    writeFileSync(path.join(dir, 'leaf.ext'), LEAF_EXT);
    for (const name of ['root', 'int', 'unrelated']) openssl('genpkey', ...keyArgs('ec-p256'), '-out', `${name}.key`);
    openssl('req', '-x509', '-new', '-key', 'root.key', '-subj', '/O=trustpoint tests/CN=Test Root CA', '-days', '3', '-out', 'root.pem');
    openssl('req', '-x509', '-new', '-key', 'unrelated.key', '-subj', '/O=elsewhere/CN=Unrelated Root CA', '-days', '3', '-out', 'unrelated.pem');
    openssl('req', '-new', '-key', 'int.key', '-subj', '/O=trustpoint tests/CN=Test Intermediate CA', '-out', 'int.csr');
    openssl('x509', '-req', '-in', 'int.csr', '-CA', 'root.pem', '-CAkey', 'root.key', '-set_serial', '0x1001', '-days', '2', '-extfile', 'ca.ext', '-out', 'int.pem');
    openssl('genpkey', ...keyArgs(leafType), '-out', 'leaf.key');
    openssl('genpkey', ...keyArgs(leafType), '-out', 'other.key');
    openssl('req', '-new', '-key', 'leaf.key', '-subj', '/O=trustpoint tests/CN=vpn.example.net', '-out', 'leaf.csr');
    openssl('x509', '-req', '-in', 'leaf.csr', '-CA', 'int.pem', '-CAkey', 'int.key', '-set_serial', '0x2002', '-days', '1', '-extfile', 'leaf.ext', '-out', 'leaf.pem');
    return {
      rootPem: read('root.pem'),
      intermediatePem: read('int.pem'),
      leafPem: read('leaf.pem'),
      leafKeyPem: read('leaf.key'),
      otherKeyPem: read('other.key'),
      unrelatedCaPem: read('unrelated.pem'),
      leafCn: 'vpn.example.net',
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Every PEM certificate in `text`, normalised to `-----BEGIN...\n...\n-----END...\n`. */
export function pemCertificates(text: string): string[] {
  return [...text.matchAll(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g)].map((m) => `${m[0]}\n`);
}
