import { execFileSync } from 'node:child_process';
import {
  ACMPCAClient,
  DescribeCertificateAuthorityCommand,
  GetCertificateCommand,
  IssueCertificateCommand,
  RequestFailedException,
  RequestInProgressException,
} from '@aws-sdk/client-acm-pca';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { AcmPcaCertificateAuthority, signingAlgorithmFor, splitCertificateChain } from '../../../src/aws/acm-pca-certificate-authority.js';
import { CaIssueTimeoutError, CaRequestFailedError, CaThrottledError, CaUnavailableError, ValidationError } from '../../../src/errors.js';
import { idempotencyTokenFor } from '../../../src/ports.js';
import { FakeClock, awsError } from './fakes.js';

const CA_ARN = 'arn:aws:acm-pca:eu-west-1:123456789012:certificate-authority/11111111-2222-3333-4444-555555555555';
const CERT_ARN = `${CA_ARN}/certificate/0123456789abcdef0123456789abcdef`;
// A real CSR (P-256, made once per file); PCA itself is mocked.
const CSR_PEM = execFileSync('openssl', ['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', '/dev/null', '-subj', '/CN=vpn.example.com'], {
  encoding: 'utf8',
  stdio: ['ignore', 'pipe', 'ignore'],
});
const LEAF = '-----BEGIN CERTIFICATE-----\nMIIBleaf\n-----END CERTIFICATE-----';
const ISSUER = '-----BEGIN CERTIFICATE-----\nMIIBissuer\n-----END CERTIFICATE-----';
const ROOT = '-----BEGIN CERTIFICATE-----\nMIIBroot\n-----END CERTIFICATE-----';
const TOKEN = idempotencyTokenFor('arn:aws:states:eu-west-1:123456789012:execution:renew-device:asa-1-2026-11-27');

const pca = mockClient(ACMPCAClient);

describe('AcmPcaCertificateAuthority', () => {
  let clock: FakeClock;

  function authority(options: Partial<ConstructorParameters<typeof AcmPcaCertificateAuthority>[1]> = {}): AcmPcaCertificateAuthority {
    return new AcmPcaCertificateAuthority(new ACMPCAClient({ region: 'eu-west-1' }), { certificateAuthorityArn: CA_ARN, clock, sleep: clock.sleep, ...options });
  }

  beforeEach(() => {
    pca.reset();
    clock = new FakeClock();
    pca.on(DescribeCertificateAuthorityCommand).resolves({ CertificateAuthority: { CertificateAuthorityConfiguration: { KeyAlgorithm: 'EC_secp384r1', SigningAlgorithm: 'SHA384WITHECDSA', Subject: {} } } });
  });

  it('refuses an ARN that is not an ACM PCA certificate authority when it is built', () => {
    expect(() => authority({ certificateAuthorityArn: 'arn:aws:acm:eu-west-1:123456789012:certificate/x' })).toThrow(ValidationError);
  });

  describe('issue', () => {
    it('sends the CSR with the template, DAYS validity, the CA key signing algorithm and the token', async () => {
      pca.on(IssueCertificateCommand).resolves({ CertificateArn: CERT_ARN });

      const receipt = await authority().issue(CSR_PEM, { validityDays: 365, idempotencyToken: TOKEN });

      expect(receipt).toEqual({ certificateId: CERT_ARN });
      const [call] = pca.commandCalls(IssueCertificateCommand);
      const input = call?.args[0].input;
      expect(input).toMatchObject({
        CertificateAuthorityArn: CA_ARN,
        SigningAlgorithm: 'SHA384WITHECDSA',
        TemplateArn: 'arn:aws:acm-pca:::template/EndEntityServerAuthCertificate/V1',
        Validity: { Type: 'DAYS', Value: 365 },
        IdempotencyToken: TOKEN,
      });
      expect(Buffer.from(input?.Csr ?? new Uint8Array()).toString('utf8')).toBe(CSR_PEM);
    });

    it('asks the CA for its key algorithm once and uses a configured algorithm without asking', async () => {
      pca.on(IssueCertificateCommand).resolves({ CertificateArn: CERT_ARN });
      const ca = authority();

      await ca.issue(CSR_PEM, { validityDays: 30, idempotencyToken: 'token-a' });
      await ca.issue(CSR_PEM, { validityDays: 30, idempotencyToken: 'token-b' });
      await authority({ signingAlgorithm: 'SHA256WITHRSA', templateArn: 'arn:aws:acm-pca:::template/EndEntityCertificate/V1' }).issue(CSR_PEM, { validityDays: 30, idempotencyToken: 'token-c' });

      expect(pca.commandCalls(DescribeCertificateAuthorityCommand)).toHaveLength(1);
      expect(pca.commandCalls(IssueCertificateCommand)[2]?.args[0].input).toMatchObject({ SigningAlgorithm: 'SHA256WITHRSA', TemplateArn: 'arn:aws:acm-pca:::template/EndEntityCertificate/V1' });
    });

    it('reuses the certificate ARN when the same issuance is retried in the same container', async () => {
      pca.on(IssueCertificateCommand).resolvesOnce({ CertificateArn: CERT_ARN }).resolves({ CertificateArn: `${CA_ARN}/certificate/ffff` });
      const ca = authority();

      const first = await ca.issue(CSR_PEM, { validityDays: 365, idempotencyToken: TOKEN });
      const retry = await ca.issue(CSR_PEM, { validityDays: 365, idempotencyToken: TOKEN });

      expect(retry).toEqual(first);
      expect(pca.commandCalls(IssueCertificateCommand)).toHaveLength(1);
    });

    it('sends the same token again from a fresh container, so PCA answers with the same ARN', async () => {
      pca.on(IssueCertificateCommand, { IdempotencyToken: TOKEN }).resolves({ CertificateArn: CERT_ARN });

      const first = await authority().issue(CSR_PEM, { validityDays: 365, idempotencyToken: TOKEN });
      const second = await authority().issue(CSR_PEM, { validityDays: 365, idempotencyToken: TOKEN });

      expect(second.certificateId).toBe(first.certificateId);
      expect(pca.commandCalls(IssueCertificateCommand).map((call) => call.args[0].input.IdempotencyToken)).toEqual([TOKEN, TOKEN]);
    });

    it.each([
      ['ThrottlingException', awsError('ThrottlingException', 'Rate exceeded'), CaThrottledError, /ThrottlingException: Rate exceeded/],
      ['a 503', awsError('ServiceUnavailable', 'try later', { status: 503 }), CaUnavailableError, /ServiceUnavailable/],
      ['MalformedCSRException', awsError('MalformedCSRException', 'The CSR is malformed'), CaRequestFailedError, /MalformedCSRException: The CSR is malformed/],
      ['LimitExceededException', awsError('LimitExceededException', 'quota'), CaRequestFailedError, /LimitExceededException/],
      ['InvalidStateException (CA disabled)', awsError('InvalidStateException', 'The certificate authority is not in a valid state'), CaRequestFailedError, /not in a valid state/],
    ])('surfaces %s by name', async (_case, error, type, message) => {
      pca.on(IssueCertificateCommand).rejects(error);

      const thrown = await authority().issue(CSR_PEM, { validityDays: 365, idempotencyToken: TOKEN }).catch((caught: unknown) => caught);

      expect(thrown).toBeInstanceOf(type);
      expect((thrown as Error).message).toMatch(message);
    });

    it.each([
      ['a token too long for PCA', { validityDays: 365, idempotencyToken: 'x'.repeat(37) }, 'idempotencyToken'],
      ['a token with a colon', { validityDays: 365, idempotencyToken: 'arn:aws:states' }, 'idempotencyToken'],
      ['zero days', { validityDays: 0, idempotencyToken: TOKEN }, 'validityDays'],
    ])('refuses %s before calling PCA', async (_case, request, field) => {
      const thrown = await authority().issue(CSR_PEM, request).catch((caught: unknown) => caught);

      expect(thrown).toBeInstanceOf(ValidationError);
      expect((thrown as ValidationError).field).toBe(field);
      expect(pca.commandCalls(IssueCertificateCommand)).toHaveLength(0);
    });
  });

  describe('getIssued', () => {
    it('returns the certificate and the chain split into PEMs, issuer first', async () => {
      pca.on(GetCertificateCommand).resolves({ Certificate: LEAF, CertificateChain: `${ISSUER}\n${ROOT}` });

      const issued = await authority().getIssued(CERT_ARN);

      expect(issued).toEqual({ certificatePem: `${LEAF}\n`, chainPems: [`${ISSUER}\n`, `${ROOT}\n`] });
    });

    it('polls with growing waits while the request is in progress', async () => {
      const inProgress = new RequestInProgressException({ message: 'The request is in progress', $metadata: {} });
      pca.on(GetCertificateCommand).rejectsOnce(inProgress).rejectsOnce(inProgress).rejectsOnce(inProgress).resolves({ Certificate: LEAF, CertificateChain: ISSUER });

      const issued = await authority().getIssued(CERT_ARN);

      expect(issued.chainPems).toHaveLength(1);
      expect(clock.sleeps).toEqual([1000, 2000, 4000]);
    });

    it('keeps polling through throttling within the budget', async () => {
      pca.on(GetCertificateCommand).rejectsOnce(awsError('ThrottlingException', 'Rate exceeded')).resolves({ Certificate: LEAF, CertificateChain: ISSUER });

      await expect(authority().getIssued(CERT_ARN)).resolves.toMatchObject({ certificatePem: `${LEAF}\n` });
      expect(pca.commandCalls(GetCertificateCommand)).toHaveLength(2);
    });

    it('gives up with CaIssueTimeoutError when the budget runs out', async () => {
      pca.on(GetCertificateCommand).rejects(new RequestInProgressException({ message: 'The request is in progress', $metadata: {} }));

      const thrown = await authority({ pollBudgetMs: 10_000 }).getIssued(CERT_ARN).catch((caught: unknown) => caught);

      expect(thrown).toBeInstanceOf(CaIssueTimeoutError);
      expect((thrown as Error).message).toMatch(/still being issued after 4 polls in 10 s/);
      expect(clock.sleeps.reduce((sum, each) => sum + each, 0)).toBeLessThanOrEqual(10_000);
    });

    it('surfaces a throttled poll as CaThrottledError when the budget runs out', async () => {
      pca.on(GetCertificateCommand).rejects(awsError('ThrottlingException', 'Rate exceeded'));

      await expect(authority({ pollBudgetMs: 3_000 }).getIssued(CERT_ARN)).rejects.toThrow(CaThrottledError);
    });

    it('surfaces RequestFailedException at once, with the reason AWS gives', async () => {
      pca.on(GetCertificateCommand).rejects(new RequestFailedException({ message: 'The CSR subject does not match the template', $metadata: {} }));

      const thrown = await authority().getIssued(CERT_ARN).catch((caught: unknown) => caught);

      expect(thrown).toBeInstanceOf(CaRequestFailedError);
      expect((thrown as Error).name).toBe('CaRequestFailedError');
      expect((thrown as Error).message).toBe('ACM PCA GetCertificate failed: RequestFailedException: The CSR subject does not match the template');
      expect(clock.sleeps).toEqual([]);
    });

    it('refuses a certificate ARN of another CA', async () => {
      await expect(authority().getIssued('arn:aws:acm-pca:eu-west-1:123456789012:certificate-authority/other/certificate/01')).rejects.toThrow(ValidationError);
    });
  });
});

describe('signingAlgorithmFor', () => {
  it.each([
    ['RSA_2048', 'SHA256WITHRSA'],
    ['RSA_4096', 'SHA256WITHRSA'],
    ['EC_prime256v1', 'SHA256WITHECDSA'],
    ['EC_secp384r1', 'SHA384WITHECDSA'],
  ])('signs with %s keys using %s', (key, algorithm) => {
    expect(signingAlgorithmFor(key)).toBe(algorithm);
  });

  it('refuses a key algorithm it does not know', () => {
    expect(() => signingAlgorithmFor('SM2')).toThrow(CaRequestFailedError);
  });
});

describe('splitCertificateChain', () => {
  it('returns nothing for an absent chain', () => {
    expect(splitCertificateChain(undefined)).toEqual([]);
  });
});

describe('idempotencyTokenFor', () => {
  it('gives the same execution the same PCA-shaped token and another execution another', () => {
    const a = idempotencyTokenFor('arn:aws:states:eu-west-1:123456789012:execution:renew-device:a');

    expect(a).toMatch(/^[\w-]{36}$/);
    expect(idempotencyTokenFor('arn:aws:states:eu-west-1:123456789012:execution:renew-device:a')).toBe(a);
    expect(idempotencyTokenFor('arn:aws:states:eu-west-1:123456789012:execution:renew-device:b')).not.toBe(a);
  });
});
