// Builds the demo's world under a data directory: simulated ASAs on loopback, each with its
// starting certificate from the local CA put in place over SSH, a fleet file imported into the
// inventory, and the device credentials in the local secret store. Then the fault knobs.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { startFleet, type Fleet, type RunningSimulator } from '../../sim/fleet.js';
import type { TlsEndpoint } from '../asa/tls-probe.js';
import type { LocalCa } from '../pki/local-ca.js';
import { deviceCredentials, type Inventory, type SecretStore } from '../ports.js';
import { importFleet } from './fleet-import.js';
import { BOUND_INTERFACES, commonNameFor, demoFleetFile, type DemoDevice, type DemoFleetFile } from './scenario.js';
import { seedCertificate, type SeededCertificate } from './seed.js';

export interface SetUpDevice {
  spec: DemoDevice;
  simulator: RunningSimulator;
  starting: SeededCertificate;
  /** Where a TLS handshake reaches the device's `outside` interface. */
  outside: TlsEndpoint;
}

export interface SeededDevices {
  devices: SetUpDevice[];
  /** The fleet file an operator would write for them. */
  fleet: DemoFleetFile;
  /** Stops the simulators (their state files stay in the data directory). */
  stop(): Promise<void>;
}

export interface DemoWorld extends SeededDevices {
  /** Where the fleet file was written (`<dataDir>/fleet.json`). */
  fleetFile: string;
}

export interface SeedOptions {
  dataDir: string;
  devices: readonly DemoDevice[];
  ca: LocalCa;
  /** Receives each device's SSH credentials under `demo/<id>`. */
  secrets: SecretStore;
}

export interface SetUpOptions extends SeedOptions {
  inventory: Inventory;
}

function outsideEndpoint(simulator: RunningSimulator): TlsEndpoint {
  const port = simulator.info.tls['outside'];
  if (port === undefined) throw new Error(`simulator ${simulator.info.id} has no outside interface`);
  return { host: simulator.info.host, port };
}

/**
 * Starts one simulator per device (state files under `<dataDir>/sim`), puts its starting
 * certificate in place over SSH and its credentials in the secret store. No faults yet.
 */
export async function startSeededDevices(options: SeedOptions): Promise<SeededDevices> {
  const fleet: Fleet = await startFleet({
    count: options.devices.length,
    stateDir: path.join(options.dataDir, 'sim'),
    factoryCertificate: false,
    devices: options.devices.map((d) => ({ id: d.id, hostname: d.id })),
  });
  try {
    const devices = await Promise.all(
      options.devices.map(async (spec, index): Promise<SetUpDevice> => {
        const simulator = fleet.simulators[index]!;
        const { info } = simulator;
        const starting = await seedCertificate(
          { host: info.host, port: info.port, username: info.username, password: info.password, enablePassword: info.enablePassword, hostKeySha256: info.hostKeySha256 },
          {
            trustpoint: spec.startingTrustpoint,
            interfaces: BOUND_INTERFACES,
            subject: { cn: commonNameFor(spec.id), o: 'Example Corp', c: 'US' },
            sans: [commonNameFor(spec.id)],
            keySpec: 'rsa:2048',
            validityDays: spec.startingValidityDays,
            ca: options.ca,
          },
        );
        await options.secrets.putDeviceCredentials(
          `demo/${spec.id}`,
          deviceCredentials({ username: info.username, password: info.password, enablePassword: info.enablePassword }),
        );
        return { spec, simulator, starting, outside: outsideEndpoint(simulator) };
      }),
    );
    const fleetFile = demoFleetFile(
      devices.map(({ spec, simulator }) => ({
        device: spec,
        endpoint: { host: simulator.info.host, port: simulator.info.port, hostKeySha256: simulator.info.hostKeySha256, tlsPorts: simulator.info.tls },
      })),
    );
    return { devices, fleet: fleetFile, stop: () => fleet.stop() };
  } catch (error) {
    await fleet.stop();
    throw error;
  }
}

/** The demo's world: seeded devices, the fleet file written and imported, then the fault knobs. */
export async function setUpWorld(options: SetUpOptions): Promise<DemoWorld> {
  const seeded = await startSeededDevices(options);
  try {
    const fleetFile = path.join(options.dataDir, 'fleet.json');
    await writeFile(fleetFile, `${JSON.stringify(seeded.fleet, null, 2)}\n`);
    const imported = await importFleet(JSON.stringify(seeded.fleet), options.inventory, options.secrets);
    if (imported.credentialProblems.length > 0) {
      throw new Error(`demo setup: credentials missing after import: ${imported.credentialProblems.map((p) => p.deviceId).join(', ')}`);
    }
    for (const device of seeded.devices) {
      if (device.spec.failCommands.length > 0) device.simulator.setFaults({ failCommand: device.spec.failCommands });
    }
    return { ...seeded, fleetFile };
  } catch (error) {
    await seeded.stop();
    throw error;
  }
}
