import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CaRequestFailedError, CaThrottledError, ValidationError } from '../../../src/errors.js';
import { LocalCertificateAuthority } from '../../../src/local/local-certificate-authority.js';
import { LocalCa } from '../../../src/pki/local-ca.js';
import { idempotencyTokenFor } from '../../../src/ports.js';
import { runOpenssl } from '../../helpers/openssl.js';

function aCsr(cn: string): string {
  return execFileSync('openssl', ['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', '/dev/null', '-subj', `/CN=${cn}`, '-addext', `subjectAltName=DNS:${cn}`], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
  });
}

describe('LocalCertificateAuthority', () => {
  let dir: string;
  let ca: LocalCa;
  const csr = aCsr('vpn.example.com');

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'tp-local-ca-'));
    ca = await LocalCa.init(path.join(dir, 'ca'), { keySpec: 'ec:p256' });
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('issues a certificate that openssl verifies against the returned chain', async () => {
    const authority = new LocalCertificateAuthority(ca);

    const { certificateId } = await authority.issue(csr, { validityDays: 90, idempotencyToken: idempotencyTokenFor('run-1') });
    const issued = await authority.getIssued(certificateId);

    expect(certificateId).toMatch(/^local:[0-9a-f]+$/);
    expect(issued.chainPems).toHaveLength(2);
    const [intermediate = '', root = ''] = issued.chainPems;
    const verify = await runOpenssl(['verify', '-CAfile', 'root.pem', '-untrusted', 'intermediate.pem', 'leaf.pem'], {
      files: { 'root.pem': root, 'intermediate.pem': intermediate, 'leaf.pem': issued.certificatePem },
    });
    expect(verify.code, verify.stderr).toBe(0);
    const serial = await runOpenssl(['x509', '-in', 'leaf.pem', '-noout', '-serial', '-subject'], { files: { 'leaf.pem': issued.certificatePem } });
    expect(serial.stdout.toLowerCase()).toContain(`serial=${certificateId.slice('local:'.length)}`);
    expect(serial.stdout).toContain('CN = vpn.example.com');
  });

  it('answers a retried issuance with the same certificate', async () => {
    const authority = new LocalCertificateAuthority(ca);
    const request = { validityDays: 90, idempotencyToken: idempotencyTokenFor('run-2') };

    const first = await authority.issue(csr, request);
    const retry = await new LocalCertificateAuthority(ca).issue(csr, request);

    expect(retry).toEqual(first);
  });

  it('refuses the same token for a different CSR', async () => {
    const authority = new LocalCertificateAuthority(ca);
    const token = idempotencyTokenFor('run-3');
    await authority.issue(csr, { validityDays: 90, idempotencyToken: token });

    await expect(authority.issue(aCsr('other.example.com'), { validityDays: 90, idempotencyToken: token })).rejects.toThrow(CaRequestFailedError);
  });

  it('finds a certificate issued by another process in the CA archive', async () => {
    const { certificateId } = await new LocalCertificateAuthority(ca).issue(csr, { validityDays: 30, idempotencyToken: idempotencyTokenFor('run-4') });

    const issued = await new LocalCertificateAuthority(await LocalCa.open(path.join(dir, 'ca'))).getIssued(certificateId);

    expect(issued.certificatePem).toContain('BEGIN CERTIFICATE');
  });

  it.each([
    ['a serial it never issued', 'local:abcdef', CaRequestFailedError],
    ['an ACM PCA ARN', 'arn:aws:acm-pca:eu-west-1:123456789012:certificate-authority/x/certificate/y', ValidationError],
  ])('refuses %s', async (_case, id, type) => {
    await expect(new LocalCertificateAuthority(ca).getIssued(id)).rejects.toThrow(type);
  });

  it('lets a test inject a CA fault before an operation', async () => {
    const authority = new LocalCertificateAuthority(ca, {
      beforeCall: (operation) => {
        if (operation === 'issue') throw new CaThrottledError('injected: Rate exceeded');
      },
    });

    await expect(authority.issue(csr, { validityDays: 30, idempotencyToken: 'tok' })).rejects.toThrow(CaThrottledError);
  });
});
