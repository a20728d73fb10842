// One class per failure kind. `name` is a string literal on purpose: Step Functions matches
// Retry/Catch on it, and bundlers rename classes. The ASL files and their tests import the
// name lists at the bottom of this file.

export interface ErrorOptions {
  cause?: unknown;
}

export abstract class TrustpointError extends Error {
  abstract override readonly name: string;
  /** True when repeating the same step later may succeed (network, throttling). */
  abstract readonly transient: boolean;

  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
  }
}

/** Bad input: a flag, a config field, a subject attribute. `field` names it, the message says what is wrong. */
export class ValidationError extends TrustpointError {
  readonly name = 'ValidationError';
  readonly transient = false;
  constructor(
    readonly field: string,
    problem: string,
    options?: ErrorOptions,
  ) {
    super(`${field}: ${problem}`, options);
  }
}

/** A function or path that is deliberately not built yet. Never caught as success. */
export class NotImplementedError extends TrustpointError {
  readonly name = 'NotImplementedError';
  readonly transient = false;
}

// --- PKI ---------------------------------------------------------------------------------

export class Pkcs12PassphraseError extends TrustpointError {
  readonly name = 'Pkcs12PassphraseError';
  readonly transient = false;
}

export class Pkcs12FormatError extends TrustpointError {
  readonly name = 'Pkcs12FormatError';
  readonly transient = false;
}

export class CertificateFormatError extends TrustpointError {
  readonly name = 'CertificateFormatError';
  readonly transient = false;
}

export class LocalCaError extends TrustpointError {
  readonly name = 'LocalCaError';
  readonly transient = false;
}

// --- Certificate authority ---------------------------------------------------------------

export class CaThrottledError extends TrustpointError {
  readonly name = 'CaThrottledError';
  readonly transient = true;
}

export class CaUnavailableError extends TrustpointError {
  readonly name = 'CaUnavailableError';
  readonly transient = true;
}

/** The CA refused or failed the request (ACM PCA RequestFailedException, bad CSR, ...). */
export class CaRequestFailedError extends TrustpointError {
  readonly name = 'CaRequestFailedError';
  readonly transient = false;
}

/** The certificate was not issued within the polling budget. */
export class CaIssueTimeoutError extends TrustpointError {
  readonly name = 'CaIssueTimeoutError';
  readonly transient = true;
}

// --- Device (SSH) ------------------------------------------------------------------------

export class DeviceUnreachableError extends TrustpointError {
  readonly name = 'DeviceUnreachableError';
  readonly transient = true;
}

export class DeviceTimeoutError extends TrustpointError {
  readonly name = 'DeviceTimeoutError';
  readonly transient = true;
}

/** The SSH session closed while a command was in flight. */
export class DeviceDisconnectedError extends TrustpointError {
  readonly name = 'DeviceDisconnectedError';
  readonly transient = true;
}

export class HostKeyMismatchError extends TrustpointError {
  readonly name = 'HostKeyMismatchError';
  readonly transient = false;
}

export class DeviceAuthError extends TrustpointError {
  readonly name = 'DeviceAuthError';
  readonly transient = false;
}

/** The unit is the standby of a failover pair: changes must go to the active unit. */
export class StandbyUnitError extends TrustpointError {
  readonly name = 'StandbyUnitError';
  readonly transient = false;
}

export class UnsupportedDeviceModeError extends TrustpointError {
  readonly name = 'UnsupportedDeviceModeError';
  readonly transient = false;
}

/** The ASA answered a command with an ERROR line (its words are in the message). */
export class AsaCommandError extends TrustpointError {
  readonly name = 'AsaCommandError';
  readonly transient = false;
}

/** The ASA asked a question that is not on the command's allow-list. */
export class UnexpectedPromptError extends TrustpointError {
  readonly name = 'UnexpectedPromptError';
  readonly transient = false;
}

/** Output did not have the shape a parser requires. */
export class AsaOutputParseError extends TrustpointError {
  readonly name = 'AsaOutputParseError';
  readonly transient = false;
}

/** The SSH client and the device share no key exchange, host key, cipher or MAC algorithm. */
export class SshNegotiationError extends TrustpointError {
  readonly name = 'SshNegotiationError';
  readonly transient = false;
}

export class Pkcs12ImportError extends TrustpointError {
  readonly name = 'Pkcs12ImportError';
  readonly transient = false;
}

export class Pkcs12ExportError extends TrustpointError {
  readonly name = 'Pkcs12ExportError';
  readonly transient = false;
}

export class BindingError extends TrustpointError {
  readonly name = 'BindingError';
  readonly transient = false;
}

export class VerificationError extends TrustpointError {
  readonly name = 'VerificationError';
  readonly transient = false;
}

export class SaveConfigurationError extends TrustpointError {
  readonly name = 'SaveConfigurationError';
  readonly transient = false;
}

export class RollbackError extends TrustpointError {
  readonly name = 'RollbackError';
  readonly transient = false;
}

// --- Workflow and stores -----------------------------------------------------------------

export class DeviceBusyError extends TrustpointError {
  readonly name = 'DeviceBusyError';
  readonly transient = false;
}

export class DeviceNotFoundError extends TrustpointError {
  readonly name = 'DeviceNotFoundError';
  readonly transient = false;
}

export class StoreError extends TrustpointError {
  readonly name = 'StoreError';
  readonly transient = true;
}

export class BackupNotFoundError extends TrustpointError {
  readonly name = 'BackupNotFoundError';
  readonly transient = false;
}

/** A stored bundle failed authenticated decryption: wrong master key, tampered or swapped object. */
export class BundleIntegrityError extends TrustpointError {
  readonly name = 'BundleIntegrityError';
  readonly transient = false;
}

export const TRANSIENT_ERROR_NAMES = [
  'CaThrottledError',
  'CaUnavailableError',
  'CaIssueTimeoutError',
  'DeviceUnreachableError',
  'DeviceTimeoutError',
  'DeviceDisconnectedError',
  'StoreError',
] as const;

export const TERMINAL_ERROR_NAMES = [
  'ValidationError',
  'NotImplementedError',
  'Pkcs12PassphraseError',
  'Pkcs12FormatError',
  'CertificateFormatError',
  'LocalCaError',
  'CaRequestFailedError',
  'HostKeyMismatchError',
  'DeviceAuthError',
  'StandbyUnitError',
  'UnsupportedDeviceModeError',
  'AsaCommandError',
  'UnexpectedPromptError',
  'AsaOutputParseError',
  'SshNegotiationError',
  'Pkcs12ImportError',
  'Pkcs12ExportError',
  'BindingError',
  'VerificationError',
  'SaveConfigurationError',
  'RollbackError',
  'DeviceBusyError',
  'DeviceNotFoundError',
  'BackupNotFoundError',
  'BundleIntegrityError',
] as const;

export type TransientErrorName = (typeof TRANSIENT_ERROR_NAMES)[number];
export type TerminalErrorName = (typeof TERMINAL_ERROR_NAMES)[number];
