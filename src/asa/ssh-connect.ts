// Opening the SSH connection: host key pinned by its SHA256 fingerprint (checked during the key
// exchange, so a mismatch stops the connection before the password is even sent), password and
// keyboard-interactive authentication, algorithm sets for old ASAs, a connect timeout, and
// retries with exponential backoff and jitter for transient failures only.
import { createHash } from 'node:crypto';
import { Client, type Algorithms, type CipherAlgorithm, type ClientChannel, type CompressionAlgorithm, type KexAlgorithm, type MacAlgorithm, type ServerHostKeyAlgorithm } from 'ssh2';
import {
  DeviceAuthError,
  DeviceDisconnectedError,
  DeviceTimeoutError,
  DeviceUnreachableError,
  HostKeyMismatchError,
  SshNegotiationError,
  TrustpointError,
  ValidationError,
} from '../errors.js';

interface AlgorithmLists {
  kex: KexAlgorithm[];
  serverHostKey: ServerHostKeyAlgorithm[];
  cipher: CipherAlgorithm[];
  hmac: MacAlgorithm[];
  compress: CompressionAlgorithm[];
}

/** What a current ASA 9.x offers (and what ssh2 prefers). */
const MODERN: AlgorithmLists = {
  kex: ['curve25519-sha256', 'curve25519-sha256@libssh.org', 'ecdh-sha2-nistp256', 'ecdh-sha2-nistp384', 'diffie-hellman-group14-sha256', 'diffie-hellman-group16-sha512'],
  serverHostKey: ['rsa-sha2-512', 'rsa-sha2-256', 'ecdsa-sha2-nistp256', 'ecdsa-sha2-nistp384', 'ssh-ed25519'],
  cipher: ['aes256-gcm@openssh.com', 'aes128-gcm@openssh.com', 'aes256-ctr', 'aes192-ctr', 'aes128-ctr'],
  hmac: ['hmac-sha2-256-etm@openssh.com', 'hmac-sha2-512-etm@openssh.com', 'hmac-sha2-256', 'hmac-sha2-512'],
  compress: ['none'],
};

/** Older ASA releases: group14-sha1 key exchange, ssh-rsa host keys, CBC ciphers, hmac-sha1. */
const OLD_ASA: AlgorithmLists = {
  kex: ['diffie-hellman-group14-sha1'],
  serverHostKey: ['ssh-rsa'],
  cipher: ['aes256-cbc', 'aes192-cbc', 'aes128-cbc'],
  hmac: ['hmac-sha1'],
  compress: ['none'],
};

export const ALGORITHM_SETS: Readonly<Record<'modern' | 'old-asa' | 'compatible', AlgorithmLists>> = {
  modern: MODERN,
  'old-asa': OLD_ASA,
  /** Modern first, old ASA algorithms as a fallback: for fleets that mix releases. */
  compatible: {
    kex: [...MODERN.kex, ...OLD_ASA.kex],
    serverHostKey: [...MODERN.serverHostKey, ...OLD_ASA.serverHostKey],
    cipher: [...MODERN.cipher, ...OLD_ASA.cipher],
    hmac: [...MODERN.hmac, ...OLD_ASA.hmac],
    compress: ['none'],
  },
};

export type AlgorithmSetName = keyof typeof ALGORITHM_SETS;

export interface RetryPolicy {
  /** Connection attempts in total (1 = no retry). */
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 3, baseDelayMs: 1000, maxDelayMs: 8000 };

export interface SshTarget {
  host: string;
  port?: number;
  username: string;
  /** Secret. */
  password: string;
  /** `SHA256:` + 43 base64 characters, as `ssh-keygen -lf` prints it. */
  hostKeySha256: string;
  algorithms?: AlgorithmSetName | Algorithms;
  connectTimeoutMs?: number;
  retry?: Partial<RetryPolicy>;
  /** Injected for tests: waiting between attempts and the jitter source. */
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  /** Called before each retry with the error that caused it (for the transcript or a log). */
  onRetry?: (attempt: number, delayMs: number, error: TrustpointError) => void;
}

export interface SshConnection {
  client: Client;
  shell: ClientChannel;
}

const FINGERPRINT_PATTERN = /^SHA256:[A-Za-z0-9+/]{43}$/;
const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH', 'EHOSTDOWN', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE', 'ETIMEDOUT']);

/** `SHA256:<base64 without padding>` of an SSH public key blob. */
export function sshFingerprint(publicKeyBlob: Uint8Array): string {
  return `SHA256:${createHash('sha256').update(publicKeyBlob).digest('base64').replace(/=+$/, '')}`;
}

/** Delay before retry number `attempt` (1-based): exponential, capped, with "equal jitter" (half fixed, half random). */
export function backoffDelay(attempt: number, policy: RetryPolicy, random: () => number): number {
  const exponential = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return Math.round(exponential / 2 + (exponential / 2) * random());
}

function describeTarget(target: SshTarget): string {
  return `${target.host}:${target.port ?? 22}`;
}

function connectOnce(target: SshTarget): Promise<SshConnection> {
  return new Promise((resolve, reject) => {
    const client = new Client();
    const where = describeTarget(target);
    let presentedFingerprint: string | undefined;
    let settled = false;
    const settle = (error: TrustpointError | undefined, connection?: SshConnection) => {
      if (settled) return;
      settled = true;
      if (error) {
        client.end();
        client.destroy();
        reject(error);
      } else resolve(connection!);
    };

    client.on('keyboard-interactive', (_name, _instructions, _lang, prompts, finish) => {
      // Only password prompts are answered; any other question gets an empty answer, which fails the login.
      finish(prompts.map((p) => (/password/i.test(p.prompt) ? target.password : '')));
    });
    client.on('ready', () => {
      client.shell({ term: 'vt100', cols: 511, rows: 24, width: 0, height: 0 }, (error, shell) => {
        if (error) settle(new DeviceDisconnectedError(`SSH to ${where}: the device refused to open a shell: ${error.message}`, { cause: error }));
        else settle(undefined, { client, shell });
      });
    });
    client.on('error', (error: Error & { level?: string; code?: string }) => {
      if (presentedFingerprint !== undefined) {
        settle(
          new HostKeyMismatchError(
            `SSH to ${where}: the host key does not match the pinned one: expected ${target.hostKeySha256}, presented ${presentedFingerprint}. ` +
              'Nothing was sent. If the device was replaced (RMA) or its key regenerated, check the new key on the console and update the inventory.',
          ),
        );
      } else if (error.level === 'client-authentication') {
        settle(new DeviceAuthError(`SSH to ${where}: authentication failed for user ${JSON.stringify(target.username)} (password and keyboard-interactive refused)`));
      } else if (error.level === 'client-timeout') {
        settle(new DeviceTimeoutError(`SSH to ${where}: no SSH handshake within ${target.connectTimeoutMs ?? 15000} ms`, { cause: error }));
      } else if (error.level === 'handshake' && /no matching/i.test(error.message)) {
        settle(new SshNegotiationError(`SSH to ${where}: ${error.message}; the device may need the "old-asa" or "compatible" algorithm set`, { cause: error }));
      } else if (error.code !== undefined && UNREACHABLE_CODES.has(error.code)) {
        const Kind = error.code === 'ETIMEDOUT' ? DeviceTimeoutError : DeviceUnreachableError;
        settle(new Kind(`SSH to ${where}: ${error.code} (${error.message})`, { cause: error }));
      } else {
        settle(new DeviceDisconnectedError(`SSH to ${where}: connection failed: ${error.message}`, { cause: error }));
      }
    });
    client.on('close', () => settle(new DeviceDisconnectedError(`SSH to ${where}: the connection closed before the session was ready`)));

    const algorithms = typeof target.algorithms === 'string' ? ALGORITHM_SETS[target.algorithms] : target.algorithms;
    client.connect({
      host: target.host,
      port: target.port ?? 22,
      username: target.username,
      password: target.password,
      tryKeyboard: true,
      readyTimeout: target.connectTimeoutMs ?? 15000,
      ...(algorithms ? { algorithms } : {}),
      hostVerifier: (key: Buffer) => {
        const presented = sshFingerprint(key);
        if (presented === target.hostKeySha256) return true;
        presentedFingerprint = presented;
        return false;
      },
    });
    // Interactive traffic: one short line at a time, each waiting for its echo; Nagle's algorithm
    // would hold each line back until the previous segment is acknowledged.
    client.setNoDelay(true);
  });
}

/** Connects and opens a shell, retrying only transient failures (refused, reset, timeout). */
export async function connectSsh(target: SshTarget): Promise<SshConnection> {
  if (!FINGERPRINT_PATTERN.test(target.hostKeySha256)) {
    throw new ValidationError('hostKeySha256', `${JSON.stringify(target.hostKeySha256)} is not a SHA256 fingerprint: expected "SHA256:" and 43 base64 characters, as ssh-keygen -lf prints it`);
  }
  const policy = { ...DEFAULT_RETRY, ...target.retry };
  const sleep = target.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const random = target.random ?? Math.random;
  for (let attempt = 1; ; attempt++) {
    try {
      return await connectOnce(target);
    } catch (error) {
      const retryable = error instanceof TrustpointError && error.transient && attempt < policy.attempts;
      if (!retryable) throw error;
      const delay = backoffDelay(attempt, policy, random);
      target.onRetry?.(attempt, delay, error);
      await sleep(delay);
    }
  }
}
