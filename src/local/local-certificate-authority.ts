// CertificateAuthority over the local two-tier CA (src/pki/local-ca.ts). LocalCa signs
// synchronously and honours the idempotency key across restarts, like PCA's token; issue()
// returns `local:<serialHex>` and getIssued() finds the certificate in memory or in the CA's
// archive (<caDir>/issued/<serialHex>.pem, where LocalCa keeps every certificate it issued).
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { CaRequestFailedError, LocalCaError, ValidationError } from '../errors.js';
import type { LocalCa } from '../pki/local-ca.js';
import { IDEMPOTENCY_TOKEN_PATTERN, systemClock } from '../ports.js';
import type { CertificateAuthority, Clock, IssueReceipt, IssueRequest, IssuedCertificate } from '../ports.js';
import { isErrnoException } from './files.js';

export type CaOperation = 'issue' | 'getIssued';

export interface LocalCertificateAuthorityOptions {
  clock?: Clock;
  /**
   * Called before every operation; throwing from it injects a CA fault (CaThrottledError,
   * CaRequestFailedError, ...) for workflow tests and the demo.
   */
  beforeCall?: (operation: CaOperation) => void | Promise<void>;
}

const ID_PREFIX = 'local:';

export class LocalCertificateAuthority implements CertificateAuthority {
  readonly #issued = new Map<string, IssuedCertificate>();
  readonly #clock: Clock;

  constructor(
    private readonly ca: LocalCa,
    private readonly options: LocalCertificateAuthorityOptions = {},
  ) {
    this.#clock = options.clock ?? systemClock;
  }

  async issue(csrPem: string, request: IssueRequest): Promise<IssueReceipt> {
    await this.options.beforeCall?.('issue');
    if (!IDEMPOTENCY_TOKEN_PATTERN.test(request.idempotencyToken)) {
      throw new ValidationError('idempotencyToken', `${JSON.stringify(request.idempotencyToken.slice(0, 40))} must be 1-36 characters of letters, digits, "_" and "-"`);
    }
    const issued = await this.ca.sign(csrPem, { days: request.validityDays, idempotencyKey: request.idempotencyToken, now: this.#clock.now() });
    const certificateId = `${ID_PREFIX}${issued.serialHex}`;
    this.#issued.set(certificateId, { certificatePem: issued.certificatePem, chainPems: issued.chainPems });
    return { certificateId };
  }

  async getIssued(certificateId: string): Promise<IssuedCertificate> {
    await this.options.beforeCall?.('getIssued');
    const serialHex = certificateId.startsWith(ID_PREFIX) ? certificateId.slice(ID_PREFIX.length) : '';
    if (!/^[0-9a-f]{1,64}$/.test(serialHex)) {
      throw new ValidationError('certificateId', `${JSON.stringify(certificateId.slice(0, 80))} is not a local CA certificate id (local:<serialHex>)`);
    }
    const known = this.#issued.get(certificateId);
    if (known) return known;
    const file = path.join(this.ca.dir, 'issued', `${serialHex}.pem`);
    let certificatePem: string;
    try {
      certificatePem = await readFile(file, 'utf8');
    } catch (error) {
      if (isErrnoException(error, 'ENOENT')) throw new CaRequestFailedError(`the local CA in ${this.ca.dir} never issued serial ${serialHex}`, { cause: error });
      throw new LocalCaError(`cannot read ${file}: ${(error as Error).message}`, { cause: error });
    }
    const issued = { certificatePem, chainPems: [this.ca.intermediatePem, this.ca.rootPem] };
    this.#issued.set(certificateId, issued);
    return issued;
  }
}
