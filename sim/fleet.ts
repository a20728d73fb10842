// The library entry: start and stop simulated ASAs in-process (tests, the demo, `npm run sim`).
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { registerAllCommands } from './commands/index.js';
import { SimDevice, generateHostKeyPem, randomSerialNumber, type DeviceOptions, type FailoverSetting, type Profile } from './device.js';
import type { Faults } from './faults.js';
import { startSshServer, type SshServerHandle } from './ssh-server.js';
import { startTlsListeners } from './pki/tls.js';
import { STATE_FORMAT, readStateFile, stateFilePath, writeStateFile } from './state-file.js';

/** The JSON line `npm run sim` prints per device. */
export interface SimulatorInfo {
  id: string;
  host: string;
  port: number;
  username: string;
  password: string;
  enablePassword: string;
  hostKeySha256: string;
  /** TLS listener port per interface nameif. */
  tls: Record<string, number>;
}

export interface RunningSimulator {
  readonly info: SimulatorInfo;
  readonly device: SimDevice;
  readonly stateFile: string;
  /** Changes fault knobs at runtime; unspecified knobs keep their value. */
  setFaults(partial: Partial<Faults>): void;
  /** A simulated reload: open sessions are closed, running configuration rebuilt from startup + keystore. */
  reload(): void;
  /** Closes every connection and the listeners. The state file stays. */
  stop(): Promise<void>;
}

export interface SimulatorOptions extends Omit<DeviceOptions, 'stateDir'> {
  stateDir: string;
  host?: string;
  /** SSH port; 0 (default) picks a free one. */
  port?: number;
  /** On a factory-fresh device, bind a self-signed certificate to `outside` and save, as a new ASA does. */
  factoryCertificate?: boolean;
}

/** Starts one simulated ASA. */
export async function startSimulator(options: SimulatorOptions): Promise<RunningSimulator> {
  registerAllCommands();
  const device = await SimDevice.open(options);
  if (options.factoryCertificate && device.createdNow) {
    const outside = device.interfaceByName('outside') ?? device.interfaces[0];
    if (outside) {
      await device.pki.bootstrapSelfSigned(outside.nameif, device.hostname, device.clock.now());
      device.writeMemory();
    }
  }
  const ssh: SshServerHandle = await startSshServer(device, { host: options.host, port: options.port });
  const tlsListeners = await startTlsListeners(device, { host: options.host }).catch(async (err: unknown) => {
    await ssh.close();
    throw err;
  });
  const tls: Record<string, number> = { ...tlsListeners.ports };
  let stopped = false;
  return {
    info: {
      id: device.id,
      host: ssh.host,
      port: ssh.port,
      username: device.credentials.username,
      password: device.credentials.password,
      enablePassword: device.credentials.enablePassword,
      hostKeySha256: ssh.hostKeySha256,
      tls,
    },
    device,
    stateFile: device.stateFile,
    setFaults(partial) {
      Object.assign(device.faults, partial);
    },
    reload() {
      device.reload();
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      await Promise.all([ssh.close(), tlsListeners.stop()]);
    },
  };
}

export interface FleetOptions {
  count: number;
  /** Where the state files live; a new temporary directory when omitted (see removeStateDir). */
  stateDir?: string;
  profile?: Profile;
  /** Every device is the active primary unit of a failover pair, with `prompt hostname priority state`. */
  failover?: boolean;
  host?: string;
  /** Per-device overrides, by index. */
  devices?: Partial<Omit<SimulatorOptions, 'stateDir'>>[];
  /** The first device gets the factory self-signed certificate on `outside` (default true). */
  factoryCertificate?: boolean;
  faults?: Partial<Faults>;
  clock?: DeviceOptions['clock'];
}

export interface Fleet {
  stateDir: string;
  simulators: RunningSimulator[];
  /** Stops every simulator; removes the state directory when the fleet created it. */
  stop(): Promise<void>;
}

/** Starts `count` simulators `asa-1` ... `asa-N` on loopback. */
export async function startSimulators(options: FleetOptions): Promise<RunningSimulator[]> {
  return (await startFleet(options)).simulators;
}

export async function startFleet(options: FleetOptions): Promise<Fleet> {
  const ownDir = options.stateDir === undefined;
  const stateDir = options.stateDir ?? mkdtempSync(path.join(os.tmpdir(), 'trustpoint-sim-'));
  const failover: FailoverSetting | undefined = options.failover ? { role: 'active', unit: 'primary' } : undefined;
  const simulators: RunningSimulator[] = [];
  try {
    for (let n = 1; n <= options.count; n++) {
      const id = `asa-${n}`;
      const overrides = options.devices?.[n - 1] ?? {};
      simulators.push(
        await startSimulator({
          id,
          hostname: id,
          stateDir,
          host: options.host,
          profile: options.profile,
          failover,
          prompt: failover ? ['hostname', 'priority', 'state'] : undefined,
          factoryCertificate: n === 1 && options.factoryCertificate !== false,
          faults: options.faults,
          clock: options.clock,
          ...overrides,
        }),
      );
    }
  } catch (err) {
    await Promise.all(simulators.map((s) => s.stop()));
    throw err;
  }
  return {
    stateDir,
    simulators,
    async stop() {
      await Promise.all(simulators.map((s) => s.stop()));
      if (ownDir) rmSync(stateDir, { recursive: true, force: true });
    },
  };
}

/**
 * Prepares an RMA replacement of a device: a new state file `<newStateDir>/<newId>.json` with the
 * original's startup configuration and credentials, an EMPTY keystore, a new host key and serial
 * number. Start it with startSimulator({ id: newId, stateDir: newStateDir }).
 */
export async function cloneForRma(originalStateFile: string, newStateDir: string, newId: string): Promise<string> {
  const original = readStateFile(originalStateFile);
  if (!original) throw new Error(`${originalStateFile}: no such simulator state file`);
  const file = stateFilePath(newStateDir, newId);
  writeStateFile(file, {
    format: STATE_FORMAT,
    id: newId,
    hostKeyPem: await generateHostKeyPem(),
    serialNumber: randomSerialNumber(),
    credentials: { ...original.credentials },
    startup: structuredClone(original.startup),
    keystore: undefined,
  });
  return file;
}
