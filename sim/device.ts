// The simulated ASA: identity, clock, failover, interfaces, the running/startup split and
// persistence. Sessions (sim/cli/session.ts) and commands act on it.
import { generateKeyPair, randomBytes } from 'node:crypto';
import { PkiState } from './pki/state.js';
import { defaultFaults, type Faults } from './faults.js';
import { configBodyLines, configChecksum, renderRunningConfig } from './config-render.js';
import {
  STATE_FORMAT,
  readStateFile,
  stateFilePath,
  writeStateFile,
  type CoreConfig,
  type DeviceStateFile,
  type InterfaceConfig,
  type PromptSegment,
  type StartupConfig,
} from './state-file.js';

export type Profile = 'current' | 'old-asa';

export interface FailoverSetting {
  role: 'active' | 'standby';
  unit: 'primary' | 'secondary';
}

export interface DeviceOptions {
  id: string;
  stateDir: string;
  /** Factory settings: used only when the device has no state file yet. */
  hostname?: string;
  domainName?: string;
  interfaces?: InterfaceConfig[];
  clock?: { zoneName?: string; offsetMinutes?: number; now?: () => Date };
  prompt?: PromptSegment[];
  /** Credentials: generated at first start and persisted unless given. */
  username?: string;
  password?: string;
  enablePassword?: string;
  /** Hardware/runtime facts, from the options at every start. */
  failover?: FailoverSetting;
  multiContext?: boolean;
  profile?: Profile;
  release?: string;
  faults?: Partial<Faults>;
}

export const DEFAULT_INTERFACES: readonly InterfaceConfig[] = [
  { hardware: 'GigabitEthernet0/0', nameif: 'outside', securityLevel: 0, ipAddress: '203.0.113.10', netmask: '255.255.255.0' },
  { hardware: 'GigabitEthernet0/1', nameif: 'inside', securityLevel: 100, ipAddress: '10.0.0.1', netmask: '255.255.255.0' },
  { hardware: 'Management0/0', nameif: 'management', securityLevel: 100, ipAddress: '192.168.1.1', netmask: '255.255.255.0' },
];

export const DEFAULT_RELEASE = '9.16(4)';

export interface SimInterface extends InterfaceConfig {
  /** Loopback port of this interface's TLS listener, when one runs. */
  tlsPort?: number;
}

export interface LoginRecord {
  at: Date;
  from: string;
}

function randomSecret(): string {
  return randomBytes(12).toString('base64url');
}

export async function generateHostKeyPem(): Promise<string> {
  return new Promise((resolve, reject) => {
    generateKeyPair('rsa', { modulusLength: 2048, publicKeyEncoding: { type: 'pkcs1', format: 'pem' }, privateKeyEncoding: { type: 'pkcs1', format: 'pem' } }, (err, _pub, priv) => (err ? reject(err) : resolve(priv)));
  });
}

export function randomSerialNumber(): string {
  const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZ0123456789';
  const bytes = randomBytes(9);
  return `9A${[...bytes].map((b) => alphabet[b % alphabet.length]).join('')}`;
}

function cloneCore(c: CoreConfig): CoreConfig {
  return {
    hostname: c.hostname,
    domainName: c.domainName,
    clock: { ...c.clock },
    pagerLines: c.pagerLines,
    prompt: [...c.prompt],
    interfaces: c.interfaces.map((i) => ({ hardware: i.hardware, nameif: i.nameif, securityLevel: i.securityLevel, ipAddress: i.ipAddress, netmask: i.netmask })),
  };
}

export class SimDevice {
  readonly id: string;
  readonly stateFile: string;
  readonly profile: Profile;
  readonly release: string;
  readonly failover: FailoverSetting | undefined;
  readonly multiContext: boolean;
  readonly serialNumber: string;
  readonly credentials: { readonly username: string; readonly password: string; readonly enablePassword: string };
  readonly faults: Faults;
  /** The persisted SSH host key (PEM). The server serves another one when faults.hostKeyChanged is set. */
  readonly hostKeyPem: string;
  readonly logins: LoginRecord[] = [];
  failedLoginsSinceLast = 0;
  /** True when this start created the state file (a factory-fresh device). */
  readonly createdNow: boolean;

  /** The running configuration outside PKI. */
  private core: CoreConfig;
  private startup: StartupConfig;
  pki: PkiState;
  readonly interfaces: SimInterface[];
  readonly clock: { zoneName: string; offsetMinutes: number; now(): Date };
  bootedAt: Date;
  lastModified: { by: string; at: Date } | undefined;
  /** Running differs from startup (a change since the last `write memory` or reload). */
  hasUnsavedChanges = false;
  private readonly reloadListeners = new Set<() => void>();

  private constructor(options: DeviceOptions, state: DeviceStateFile, createdNow: boolean) {
    this.id = options.id;
    this.createdNow = createdNow;
    this.stateFile = stateFilePath(options.stateDir, options.id);
    this.profile = options.profile ?? 'current';
    this.release = options.release ?? DEFAULT_RELEASE;
    this.failover = options.failover ? { ...options.failover } : undefined;
    this.multiContext = options.multiContext ?? false;
    this.serialNumber = state.serialNumber;
    this.credentials = { ...state.credentials };
    this.faults = { ...defaultFaults(), ...options.faults };
    this.hostKeyPem = state.hostKeyPem;
    this.startup = state.startup;
    this.core = cloneCore(state.startup);
    this.interfaces = this.core.interfaces;
    this.pki = PkiState.fromSnapshots(state.startup.pki, state.keystore);
    const now = options.clock?.now ?? ((): Date => new Date());
    const core = (): CoreConfig => this.core;
    this.clock = {
      get zoneName() {
        return core().clock.zoneName;
      },
      set zoneName(v: string) {
        core().clock.zoneName = v;
      },
      get offsetMinutes() {
        return core().clock.offsetMinutes;
      },
      set offsetMinutes(v: number) {
        core().clock.offsetMinutes = v;
      },
      now,
    };
    this.bootedAt = now();
  }

  /** Loads the device from its state file, or creates it (factory configuration, new host key) when there is none. */
  static async open(options: DeviceOptions): Promise<SimDevice> {
    const file = stateFilePath(options.stateDir, options.id);
    let state = readStateFile(file);
    const createdNow = state === undefined;
    if (!state) {
      state = {
        format: STATE_FORMAT,
        id: options.id,
        hostKeyPem: await generateHostKeyPem(),
        serialNumber: randomSerialNumber(),
        credentials: {
          username: options.username ?? 'admin',
          password: options.password ?? randomSecret(),
          enablePassword: options.enablePassword ?? randomSecret(),
        },
        startup: {
          hostname: options.hostname ?? 'ciscoasa',
          domainName: options.domainName,
          clock: { zoneName: options.clock?.zoneName ?? 'UTC', offsetMinutes: options.clock?.offsetMinutes ?? 0 },
          pagerLines: 24,
          prompt: options.prompt ?? ['hostname', 'context'],
          interfaces: (options.interfaces ?? DEFAULT_INTERFACES).map((i) => ({ ...i })),
          pki: PkiState.empty().configSnapshot(),
        },
        keystore: undefined,
      };
      writeStateFile(file, state);
    } else {
      // Credentials given explicitly win over persisted ones (a test may rotate them).
      state = {
        ...state,
        credentials: {
          username: options.username ?? state.credentials.username,
          password: options.password ?? state.credentials.password,
          enablePassword: options.enablePassword ?? state.credentials.enablePassword,
        },
      };
    }
    return new SimDevice(options, state, createdNow);
  }

  get hostname(): string {
    return this.core.hostname;
  }

  set hostname(name: string) {
    this.core.hostname = name;
  }

  get domainName(): string | undefined {
    return this.core.domainName;
  }

  get pagerLines(): number {
    return this.core.pagerLines;
  }

  set pagerLines(n: number) {
    this.core.pagerLines = n;
  }

  get prompt(): readonly PromptSegment[] {
    return this.core.prompt;
  }

  set prompt(segments: readonly PromptSegment[]) {
    this.core.prompt = [...segments];
  }

  /** A copy of the running configuration outside PKI. */
  runningCore(): CoreConfig {
    return cloneCore(this.core);
  }

  startupConfig(): StartupConfig {
    return structuredClone(this.startup);
  }

  /** Records a configuration change (for `show version`) and saves the keystore now: an ASA writes key pairs immediately, outside the configuration. */
  markConfigChanged(by = 'enable_15'): void {
    this.lastModified = { by, at: this.clock.now() };
    this.hasUnsavedChanges = true;
    this.persist();
  }

  runningConfigText(): string {
    return renderRunningConfig(this, this.core, this.pki.runningConfigLines());
  }

  /** The configuration body without header and checksum, for the filtered `show running-config` forms. */
  runningConfigBody(): string[] {
    return configBodyLines(this, this.core, this.pki.runningConfigLines());
  }

  startupConfigText(): string {
    return renderRunningConfig(this, this.startup, this.pki.withConfig(this.startup.pki).runningConfigLines());
  }

  /** `write memory`: running -> startup, persisted. Returns what the ASA reports. */
  writeMemory(): { bytes: number; checksum: string } {
    const pkiLines = this.pki.runningConfigLines();
    const text = renderRunningConfig(this, this.core, pkiLines);
    this.startup = { ...cloneCore(this.core), pki: this.pki.configSnapshot() };
    this.hasUnsavedChanges = false;
    this.persist();
    return { bytes: Buffer.byteLength(text), checksum: configChecksum(configBodyLines(this, this.core, pkiLines)) };
  }

  /** A simulated reload: running rebuilt from startup + keystore; unsaved changes are lost. Sessions are told to close. */
  reload(): void {
    for (const listener of [...this.reloadListeners]) listener();
    const tlsPorts = new Map(this.interfaces.map((i) => [i.nameif, i.tlsPort]));
    this.core = cloneCore(this.startup);
    this.interfaces.splice(0, this.interfaces.length, ...this.core.interfaces.map((i) => ({ ...i, tlsPort: tlsPorts.get(i.nameif) })));
    this.core.interfaces = this.interfaces;
    this.pki = this.pki.withConfig(this.startup.pki);
    this.bootedAt = this.clock.now();
    this.lastModified = undefined;
    this.hasUnsavedChanges = false;
  }

  /** Called on reload, before the running configuration is rebuilt (sessions close themselves). */
  onReload(listener: () => void): () => void {
    this.reloadListeners.add(listener);
    return () => this.reloadListeners.delete(listener);
  }

  interfaceByName(nameif: string): SimInterface | undefined {
    return this.interfaces.find((i) => i.nameif === nameif);
  }

  private persist(): void {
    writeStateFile(this.stateFile, {
      format: STATE_FORMAT,
      id: this.id,
      hostKeyPem: this.hostKeyPem,
      serialNumber: this.serialNumber,
      credentials: { ...this.credentials },
      startup: this.startup,
      keystore: this.pki.keystoreSnapshot(),
    });
  }
}
