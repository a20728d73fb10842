// One JSON file per simulated device: host key, credentials, the startup configuration and
// the keystore (key pairs live outside the configuration on an ASA). Written 0600 because it
// holds private keys; written via a temporary file and rename so a crash never leaves half a file.
import { chmodSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { PkiConfigSnapshot, PkiKeystoreSnapshot } from './pki/state.js';

export const STATE_FORMAT = 'trustpoint-sim/1';

export type PromptSegment = 'hostname' | 'context' | 'domain' | 'priority' | 'state';

export interface InterfaceConfig {
  /** Physical name, e.g. GigabitEthernet0/0. */
  hardware: string;
  nameif: string;
  securityLevel: number;
  ipAddress: string;
  netmask: string;
}

export interface CoreConfig {
  hostname: string;
  domainName: string | undefined;
  clock: { zoneName: string; offsetMinutes: number };
  pagerLines: number;
  prompt: PromptSegment[];
  interfaces: InterfaceConfig[];
}

export interface StartupConfig extends CoreConfig {
  pki: PkiConfigSnapshot;
}

export interface DeviceStateFile {
  format: typeof STATE_FORMAT;
  id: string;
  /** PEM (PKCS#1) RSA private key of the SSH host key. */
  hostKeyPem: string;
  serialNumber: string;
  credentials: { username: string; password: string; enablePassword: string };
  startup: StartupConfig;
  keystore: PkiKeystoreSnapshot | undefined;
}

export function stateFilePath(stateDir: string, id: string): string {
  return path.join(stateDir, `${id}.json`);
}

export function readStateFile(file: string): DeviceStateFile | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  const parsed = JSON.parse(text) as Partial<DeviceStateFile>;
  if (parsed.format !== STATE_FORMAT || typeof parsed.hostKeyPem !== 'string' || !parsed.startup || !parsed.credentials) {
    throw new Error(`${file}: not a simulator state file of format ${STATE_FORMAT}`);
  }
  return parsed as DeviceStateFile;
}

export function writeStateFile(file: string, state: DeviceStateFile): void {
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
  chmodSync(tmp, 0o600);
  renameSync(tmp, file);
}
