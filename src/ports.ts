// The boundaries between the workflow and the outside world. The workflow (src/workflow)
// talks only to these interfaces; src/aws and src/local implement them.
//
// Only references cross a state boundary: a bundle ref, a credentials ref, a certificate id.
// Key, PKCS12, passphrase and password bytes stay inside the adapter call that needs them.
import { createHash } from 'node:crypto';
import { inspect } from 'node:util';
import type { AsaDevice } from './asa/operations.js';
import type { DeviceRecord, Pkcs12Profile } from './inventory/device.js';

// --- Clock -------------------------------------------------------------------------------

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

// --- Certificate authority ---------------------------------------------------------------

export interface IssueRequest {
  validityDays: number;
  /**
   * Same token, same certificate: a retried step must not issue a second certificate.
   * At most 36 characters of [A-Za-z0-9_-] (see `idempotencyTokenFor`).
   */
  idempotencyToken: string;
}

/** Token shape ACM PCA accepts (and the local CA requires): 1-36 of [A-Za-z0-9_-]. */
export const IDEMPOTENCY_TOKEN_PATTERN = /^[\w-]{1,36}$/;

/**
 * The idempotency token for one issuance of one execution: the same execution (and its
 * retries) always gets the same token, different executions different ones. 36 base64url
 * characters of SHA-256, because execution ARNs are longer than the 36 PCA allows.
 */
export function idempotencyTokenFor(executionId: string, purpose = 'issue'): string {
  return createHash('sha256').update(`${purpose}\u0000${executionId}`).digest('base64url').slice(0, 36);
}

export interface IssueReceipt {
  /** ACM PCA: the certificate ARN. Local CA: `local:<serialHex>`. Persist it before polling. */
  certificateId: string;
}

export interface IssuedCertificate {
  /** PEM of the issued (leaf) certificate, ending with a newline. */
  certificatePem: string;
  /** The issuing chain, issuer first and root last, one PEM per entry. */
  chainPems: string[];
}

export interface CertificateAuthority {
  /** Submits a CSR; returns as soon as the CA has accepted it. */
  issue(csrPem: string, request: IssueRequest): Promise<IssueReceipt>;
  /**
   * Fetches an issued certificate. The adapter waits within a bounded budget of its own;
   * when the budget runs out it throws CaIssueTimeoutError (transient: the step retries).
   */
  getIssued(certificateId: string): Promise<IssuedCertificate>;
}

// --- Secrets: device credentials ---------------------------------------------------------

/**
 * SSH login for one device or a group of devices sharing an account. The passwords are
 * hidden from JSON.stringify, util.inspect and template strings; read the fields directly.
 */
export interface DeviceCredentials {
  readonly username: string;
  readonly password: string;
  /** Absent when the account lands in privileged mode or the enable password is empty. */
  readonly enablePassword?: string;
}

/** Builds a DeviceCredentials whose serialised forms never show the passwords. */
export function deviceCredentials(values: { username: string; password: string; enablePassword?: string }): DeviceCredentials {
  const redacted = { username: values.username, password: '(redacted)', ...(values.enablePassword === undefined ? {} : { enablePassword: '(redacted)' }) };
  const credentials = { ...values };
  Object.defineProperties(credentials, {
    toJSON: { value: () => redacted, enumerable: false },
    toString: { value: () => `DeviceCredentials(${values.username})`, enumerable: false },
    [inspect.custom]: { value: () => `DeviceCredentials { username: ${JSON.stringify(values.username)}, passwords redacted }`, enumerable: false },
  });
  return Object.freeze(credentials);
}

export interface SecretStore {
  /** `ref` is the device record's credentialsRef. Throws StoreError (transient) or ValidationError. */
  getDeviceCredentials(ref: string): Promise<DeviceCredentials>;
  putDeviceCredentials(ref: string, credentials: DeviceCredentials): Promise<void>;
}

// --- Bundles: encrypted PKCS12 + its passphrase -------------------------------------------

/** `issued`: made by IssueCertificate. `backup`: exported from the device (`crypto ca export`). */
export type BundleKind = 'issued' | 'backup';

export interface BundleMetadata {
  deviceId: string;
  kind: BundleKind;
  /** Lowercase hex of the leaf certificate's serial, as the ASA prints it. */
  serialHex: string;
  trustpoint: string;
  /** ISO-8601 instant. */
  notAfter: string;
  pkcs12Profile: Pkcs12Profile;
}

export interface StoredBundleMetadata extends BundleMetadata {
  /** ISO-8601 instant the store wrote the bundle. */
  createdAt: string;
}

/** The secret part of a bundle: only ever in memory, inside the step that uses it. */
export interface BundleContents {
  pkcs12: Uint8Array;
  passphrase: string;
}

/** A store-independent reference: `bundle/<deviceId>/<kind>/<serialHex>`. */
export type BundleRef = string;

export interface BundleStore {
  /** Encrypts and stores; the same metadata twice overwrites (same serial = same key pair). */
  put(metadata: BundleMetadata, contents: BundleContents): Promise<BundleRef>;
  /** Decrypts. Throws BackupNotFoundError when absent, StoreError when it cannot be read or authenticated. */
  get(ref: BundleRef): Promise<{ metadata: StoredBundleMetadata; contents: BundleContents }>;
  /** The metadata without decrypting, or undefined when absent: the retry-safety check. */
  head(ref: BundleRef): Promise<StoredBundleMetadata | undefined>;
  /** Every bundle of a device (optionally one kind), newest first. */
  list(deviceId: string, kind?: BundleKind): Promise<{ ref: BundleRef; metadata: StoredBundleMetadata }[]>;
  /** Deletes one bundle; 'absent' when it was not there (a re-run is safe). StoreError when it cannot. */
  delete(ref: BundleRef): Promise<'deleted' | 'absent'>;
}

// --- Inventory: device records, leases, renewal state ------------------------------------

export interface Lease {
  /** Who holds it: the execution ARN on AWS, a run id locally. */
  owner: string;
  /** ISO-8601 instant after which anyone may take the lease over. */
  expiresAt: string;
}

export type OutcomeStatus = 'renewed' | 'not-due' | 'failed' | 'rolled-back' | 'restored';

export interface LastOutcome {
  status: OutcomeStatus;
  /** ISO-8601 instant. */
  at: string;
  /** The execution (ARN or local run id) that produced it. */
  executionId: string;
  /** For failures: the error name Step Functions matched on, and a cause an operator can act on. */
  errorName?: string;
  cause?: string;
}

/** What the workflow last did to a device. Every field is a reference or public data. */
export interface RenewalState {
  trustpoint?: string;
  serialHex?: string;
  /** ISO-8601 instant. */
  notAfter?: string;
  bundleRef?: BundleRef;
  /** The trustpoint that was bound before `trustpoint`, kept for rollback and cleanup. */
  previousTrustpoint?: string;
  /** The CA's id of the current certificate (ACM PCA ARN), for revocation. */
  certificateId?: string;
  /**
   * The last certificate requested, persisted right after the CA accepted it: a retry that
   * finds its own token here reuses the certificate instead of issuing a second one.
   */
  lastIssuance?: { idempotencyToken: string; certificateId: string; at: string };
  lastOutcome?: LastOutcome;
  /** ISO-8601 instant of the last write. */
  updatedAt?: string;
}

/** Fields to set; `null` removes a field, `undefined` leaves it as it is. */
export type RenewalStateUpdate = { [K in keyof Omit<RenewalState, 'updatedAt'>]?: RenewalState[K] | null };

export interface DeviceEntry {
  device: DeviceRecord;
  state: RenewalState;
  lease?: Lease;
}

export interface Inventory {
  listDevices(): Promise<DeviceEntry[]>;
  /** Throws DeviceNotFoundError. */
  getDevice(deviceId: string): Promise<DeviceEntry>;
  /** Creates or replaces the device record; its renewal state and lease are kept. */
  putDevice(device: DeviceRecord): Promise<void>;
  /**
   * Takes the device's lease for `ttlSeconds`. Succeeds when the lease is free, expired, or
   * already held by `owner` (a retried AcquireLock extends it); otherwise DeviceBusyError
   * naming the holder and its expiry.
   */
  acquireLease(deviceId: string, owner: string, ttlSeconds: number): Promise<Lease>;
  /** Releases the lease if `owner` holds it; returns false (and changes nothing) otherwise. */
  releaseLease(deviceId: string, owner: string): Promise<boolean>;
  /**
   * Applies `update` to the renewal state, only while `owner` holds the lease (an expired
   * lease nobody took over still counts); otherwise DeviceBusyError.
   */
  recordState(deviceId: string, owner: string, update: RenewalStateUpdate): Promise<RenewalState>;
}

// --- Devices: an SSH session to one ASA ---------------------------------------------------

/** The device operations the workflow uses (src/asa/operations.ts implements them over SSH). */
export type DeviceSession = Pick<
  AsaDevice,
  'preflight' | 'certificatesOf' | 'importPkcs12' | 'readBindings' | 'bindTrustpoint' | 'rollbackBinding' | 'verify' | 'exportPkcs12' | 'removeTrustpoint' | 'zeroizeUnusedKeypair' | 'saveConfiguration' | 'close'
>;

/** Who opens the session, for the transcript's name: never a secret. */
export interface DeviceSessionContext {
  executionId: string;
  step: string;
}

export interface DeviceConnector {
  /** Logs in (pinned host key), enables, turns the pager off. The caller closes the session. */
  connect(device: DeviceRecord, credentials: DeviceCredentials, context?: DeviceSessionContext): Promise<DeviceSession>;
}
