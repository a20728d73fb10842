// The DeviceConnector over SSH (src/asa): pins the device record's host key, logs in with the
// credentials the caller fetched from the SecretStore, and, when a transcripts directory is
// given, writes each session's transcript (already redacted by the session: no password,
// passphrase or PKCS12 line) to its own 0600 file for diagnosis:
//
//   <transcriptsDir>/<deviceId>/<UTC time>-<step>-<random>.log
import { randomBytes } from 'node:crypto';
import { appendFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { connectToDevice } from '../asa/operations.js';
import type { SessionTimeouts } from '../asa/session.js';
import type { AlgorithmSetName, RetryPolicy } from '../asa/ssh-connect.js';
import type { TranscriptEntry } from '../asa/transcript.js';
import type { DeviceRecord } from '../inventory/device.js';
import { systemClock, type Clock, type DeviceConnector, type DeviceCredentials, type DeviceSession, type DeviceSessionContext } from '../ports.js';

export interface SshDeviceConnectorOptions {
  /** Where session transcripts go; none are written when absent. */
  transcriptsDir?: string;
  timeouts?: Partial<SessionTimeouts>;
  retry?: Partial<RetryPolicy>;
  /** Default `compatible`: modern algorithms first, those of older ASA releases as a fallback. */
  algorithms?: AlgorithmSetName;
  clock?: Clock;
}

const MARKS: Record<TranscriptEntry['direction'], string> = { sent: '>', received: '<', event: '#' };

function transcriptFile(dir: string, deviceId: string, step: string, now: Date): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('.', '');
  const safeStep = step.replace(/[^A-Za-z0-9]/g, '') || 'session';
  return path.join(dir, deviceId, `${stamp}-${safeStep}-${randomBytes(3).toString('hex')}.log`);
}

export class SshDeviceConnector implements DeviceConnector {
  private readonly clock: Clock;

  constructor(private readonly options: SshDeviceConnectorOptions = {}) {
    this.clock = options.clock ?? systemClock;
  }

  async connect(device: DeviceRecord, credentials: DeviceCredentials, context?: DeviceSessionContext): Promise<DeviceSession> {
    const write = this.transcriptWriter(device, context);
    try {
      return await connectToDevice({
        host: device.host,
        port: device.port,
        username: credentials.username,
        password: credentials.password,
        ...(credentials.enablePassword === undefined ? {} : { enablePassword: credentials.enablePassword }),
        hostKeySha256: device.hostKeySha256,
        algorithms: this.options.algorithms ?? 'compatible',
        ...(this.options.timeouts ? { timeouts: this.options.timeouts } : {}),
        ...(this.options.retry ? { retry: this.options.retry } : {}),
        now: () => this.clock.now(),
        ...(write ? { transcriptSink: (entry: TranscriptEntry) => write(`${entry.at.toISOString()} ${MARKS[entry.direction]} ${entry.text}\n`) } : {}),
      });
    } catch (error) {
      // Connection errors name the host, the fingerprints or the user, never a password.
      write?.(`${this.clock.now().toISOString()} # connection failed: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}\n`);
      throw error;
    }
  }

  private transcriptWriter(device: DeviceRecord, context: DeviceSessionContext | undefined): ((text: string) => void) | undefined {
    const dir = this.options.transcriptsDir;
    if (dir === undefined) return undefined;
    const now = this.clock.now();
    const file = transcriptFile(dir, device.id, context?.step ?? 'session', now);
    mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    const write = (text: string): void => appendFileSync(file, text, { mode: 0o600 });
    write(`${now.toISOString()} # ${context ? `${context.step} of ${context.executionId}` : 'session'}: SSH to ${device.host}:${device.port} (${device.id}), host key pinned to ${device.hostKeySha256}\n`);
    return write;
  }
}
