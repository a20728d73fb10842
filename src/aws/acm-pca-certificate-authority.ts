// CertificateAuthority over AWS Private CA. IssueCertificate with the template, a validity in
// DAYS, the signing algorithm that matches the CA's key, and an idempotency token; then
// GetCertificate in our own bounded loop (the SDK waiter retries every error until its
// deadline, so a RequestFailedException would look like a timeout).
import { createHash } from 'node:crypto';
import { DescribeCertificateAuthorityCommand, GetCertificateCommand, IssueCertificateCommand } from '@aws-sdk/client-acm-pca';
import type { ACMPCAClient, KeyAlgorithm, SigningAlgorithm } from '@aws-sdk/client-acm-pca';
import { CaIssueTimeoutError, CaRequestFailedError, CaThrottledError, CaUnavailableError, ValidationError } from '../errors.js';
import { IDEMPOTENCY_TOKEN_PATTERN, systemClock } from '../ports.js';
import type { CertificateAuthority, Clock, IssueReceipt, IssueRequest, IssuedCertificate } from '../ports.js';
import { awsErrorName, describeAwsError, isThrottling, isUnavailable, realSleep } from './aws-errors.js';
import type { Sleep } from './aws-errors.js';

export interface AcmPcaOptions {
  certificateAuthorityArn: string;
  /** Default: EndEntityServerAuthCertificate/V1 (serverAuth only: what an ASA identity certificate is for). */
  templateArn?: string;
  /** Default: read once from the CA's key algorithm (DescribeCertificateAuthority). */
  signingAlgorithm?: SigningAlgorithm;
  /** How long getIssued polls before CaIssueTimeoutError. Default 60 s. */
  pollBudgetMs?: number;
  /** First wait between polls, doubled up to pollMaxDelayMs. Defaults 1 s and 8 s. */
  pollInitialDelayMs?: number;
  pollMaxDelayMs?: number;
  clock?: Clock;
  sleep?: Sleep;
}

const CA_ARN = /^arn:(aws[a-z-]*):acm-pca:[a-z0-9-]+:\d{12}:certificate-authority\/[0-9a-f-]{36}$/;
const REFUSALS = new Set([
  'RequestFailedException',
  'MalformedCSRException',
  'InvalidArgsException',
  'InvalidArnException',
  'InvalidStateException',
  'InvalidRequestException',
  'ResourceNotFoundException',
  'LimitExceededException',
  'ValidationException',
  'AccessDeniedException',
]);
const MEMO_LIMIT = 256;

/** PCA's signing algorithm for a CA key: SHA-256 for RSA and P-256, SHA-384 for P-384. */
export function signingAlgorithmFor(keyAlgorithm: KeyAlgorithm | string): SigningAlgorithm {
  if (keyAlgorithm.startsWith('RSA_')) return 'SHA256WITHRSA';
  if (keyAlgorithm === 'EC_prime256v1') return 'SHA256WITHECDSA';
  if (keyAlgorithm === 'EC_secp384r1') return 'SHA384WITHECDSA';
  if (keyAlgorithm === 'EC_secp521r1') return 'SHA512WITHECDSA';
  throw new CaRequestFailedError(`the CA's key algorithm ${JSON.stringify(keyAlgorithm)} has no signing algorithm trustpoint supports: set signingAlgorithm explicitly`);
}

/** The PEM certificates of a PCA CertificateChain string, in the order PCA returns them (issuer first). */
export function splitCertificateChain(chain: string | undefined): string[] {
  return [...(chain ?? '').matchAll(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g)].map((match) => `${match[0]}\n`);
}

/** Maps an error left after the SDK's own retries to the project's error names. */
export function pcaError(action: string, error: unknown): Error {
  const described = describeAwsError(error);
  if (isThrottling(error)) return new CaThrottledError(`ACM PCA ${action} was throttled (${described}) after the SDK's retries: retry later`, { cause: error });
  if (isUnavailable(error)) return new CaUnavailableError(`ACM PCA ${action} is unavailable (${described}): retry later`, { cause: error });
  if (REFUSALS.has(awsErrorName(error))) return new CaRequestFailedError(`ACM PCA ${action} failed: ${described}`, { cause: error });
  return new CaRequestFailedError(`ACM PCA ${action} failed unexpectedly: ${described}`, { cause: error });
}

export class AcmPcaCertificateAuthority implements CertificateAuthority {
  readonly #caArn: string;
  readonly #templateArn: string;
  #signingAlgorithm: SigningAlgorithm | undefined;
  readonly #pollBudgetMs: number;
  readonly #initialDelayMs: number;
  readonly #maxDelayMs: number;
  readonly #clock: Clock;
  readonly #sleep: Sleep;
  /** token + CSR digest -> certificate ARN, for retries inside one warm Lambda container. */
  readonly #issued = new Map<string, string>();

  constructor(
    private readonly client: ACMPCAClient,
    options: AcmPcaOptions,
  ) {
    const partition = CA_ARN.exec(options.certificateAuthorityArn)?.[1];
    if (partition === undefined) {
      throw new ValidationError('certificateAuthorityArn', `${JSON.stringify(options.certificateAuthorityArn)} is not an ACM PCA certificate authority ARN`);
    }
    this.#caArn = options.certificateAuthorityArn;
    this.#templateArn = options.templateArn ?? `arn:${partition}:acm-pca:::template/EndEntityServerAuthCertificate/V1`;
    this.#signingAlgorithm = options.signingAlgorithm;
    this.#pollBudgetMs = options.pollBudgetMs ?? 60_000;
    this.#initialDelayMs = options.pollInitialDelayMs ?? 1_000;
    this.#maxDelayMs = options.pollMaxDelayMs ?? 8_000;
    this.#clock = options.clock ?? systemClock;
    this.#sleep = options.sleep ?? realSleep;
  }

  async issue(csrPem: string, request: IssueRequest): Promise<IssueReceipt> {
    if (!IDEMPOTENCY_TOKEN_PATTERN.test(request.idempotencyToken)) {
      throw new ValidationError('idempotencyToken', `${JSON.stringify(request.idempotencyToken.slice(0, 40))} must be 1-36 characters of letters, digits, "_" and "-"`);
    }
    if (!Number.isInteger(request.validityDays) || request.validityDays < 1) {
      throw new ValidationError('validityDays', `${request.validityDays} must be a whole number of days, at least 1`);
    }
    const memoKey = `${request.idempotencyToken}:${createHash('sha256').update(csrPem).digest('hex')}`;
    const known = this.#issued.get(memoKey);
    if (known !== undefined) return { certificateId: known };

    const signingAlgorithm = await this.#resolveSigningAlgorithm();
    let arn: string | undefined;
    try {
      const response = await this.client.send(
        new IssueCertificateCommand({
          CertificateAuthorityArn: this.#caArn,
          Csr: Buffer.from(csrPem, 'utf8'),
          SigningAlgorithm: signingAlgorithm,
          TemplateArn: this.#templateArn,
          Validity: { Type: 'DAYS', Value: request.validityDays },
          IdempotencyToken: request.idempotencyToken,
        }),
      );
      arn = response.CertificateArn;
    } catch (error) {
      throw pcaError('IssueCertificate', error);
    }
    if (arn === undefined) throw new CaRequestFailedError('ACM PCA IssueCertificate returned no CertificateArn');
    if (this.#issued.size >= MEMO_LIMIT) this.#issued.delete(this.#issued.keys().next().value as string);
    this.#issued.set(memoKey, arn);
    return { certificateId: arn };
  }

  async getIssued(certificateId: string): Promise<IssuedCertificate> {
    if (!certificateId.startsWith(`${this.#caArn}/certificate/`)) {
      throw new ValidationError('certificateId', `${JSON.stringify(certificateId)} is not a certificate of ${this.#caArn}`);
    }
    const started = this.#clock.now().getTime();
    let delay = this.#initialDelayMs;
    for (let attempt = 1; ; attempt++) {
      try {
        const response = await this.client.send(new GetCertificateCommand({ CertificateAuthorityArn: this.#caArn, CertificateArn: certificateId }));
        if (response.Certificate === undefined) throw new CaRequestFailedError(`ACM PCA GetCertificate returned no certificate for ${certificateId}`);
        const certificatePem = response.Certificate.endsWith('\n') ? response.Certificate : `${response.Certificate}\n`;
        return { certificatePem, chainPems: splitCertificateChain(response.CertificateChain) };
      } catch (error) {
        if (error instanceof CaRequestFailedError) throw error;
        const pending = awsErrorName(error) === 'RequestInProgressException';
        if (!pending && !isThrottling(error)) throw pcaError('GetCertificate', error);
        const elapsed = this.#clock.now().getTime() - started;
        if (elapsed + delay > this.#pollBudgetMs) {
          const seconds = Math.round(this.#pollBudgetMs / 1000);
          if (pending) {
            throw new CaIssueTimeoutError(`certificate ${certificateId} was still being issued after ${attempt} polls in ${seconds} s (RequestInProgressException): poll again later`, {
              cause: error,
            });
          }
          throw new CaThrottledError(`ACM PCA GetCertificate for ${certificateId} was still throttled after ${attempt} polls in ${seconds} s (${describeAwsError(error)})`, { cause: error });
        }
        await this.#sleep(delay);
        delay = Math.min(delay * 2, this.#maxDelayMs);
      }
    }
  }

  async #resolveSigningAlgorithm(): Promise<SigningAlgorithm> {
    if (this.#signingAlgorithm !== undefined) return this.#signingAlgorithm;
    let keyAlgorithm: string | undefined;
    try {
      const response = await this.client.send(new DescribeCertificateAuthorityCommand({ CertificateAuthorityArn: this.#caArn }));
      keyAlgorithm = response.CertificateAuthority?.CertificateAuthorityConfiguration?.KeyAlgorithm;
    } catch (error) {
      throw pcaError('DescribeCertificateAuthority', error);
    }
    if (keyAlgorithm === undefined) throw new CaRequestFailedError(`ACM PCA DescribeCertificateAuthority returned no key algorithm for ${this.#caArn}`);
    this.#signingAlgorithm = signingAlgorithmFor(keyAlgorithm);
    return this.#signingAlgorithm;
  }
}
