// A local world for the workflow tests: a data directory with the local environment (real
// local CA, file stores, SSH connector writing transcripts), simulated ASAs on loopback whose
// starting certificate comes from that CA, and the device records and credentials in the
// inventory. Also: fault injection per step (through a wrapping DeviceConnector, so a fault
// starts after login and ends when the step closes its session), and what a device serves.
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startFleet, type Fleet, type RunningSimulator, type SimulatorOptions } from '../../../sim/fleet.js';
import type { Faults } from '../../../sim/faults.js';
import { showCryptoCaCertificates } from '../../../src/asa/commands.js';
import { connectToDevice } from '../../../src/asa/operations.js';
import { parseShowCryptoCaCertificates } from '../../../src/asa/parsers/crypto-ca-certificates.js';
import { probeTls } from '../../../src/asa/tls-probe.js';
import { normalizeSerialHex } from '../../../src/inventory/refs.js';
import { openLocalEnvironment, type LocalEnvironment, type LocalEnvironmentOptions } from '../../../src/local/environment.js';
import { buildCsr, describeCertificate, generateKeyPair } from '../../../src/pki/index.js';
import { deviceCredentials, type DeviceConnector, type DeviceSession } from '../../../src/ports.js';
import { noRetryDelays, runRenewDevice, type LocalExecutionResult, type RenewFleetTaskFunctions, type RunnerEvent } from '../../../src/runner/local-runner.js';
import type { RenewDeviceInput, RenewDeviceResult } from '../../../src/workflow/contracts.js';
import { buildTaskFunctions } from '../../../src/workflow/task-functions.js';
import { SshDeviceConnector } from '../../../src/workflow/ssh-device-connector.js';

export const INTERFACES = ['outside', 'inside'] as const;
export const STARTING_TRUSTPOINT = 'ASDM_TrustPoint0';
export const PREFIX = 'TP';

/** Generous for the normal path (two shared cores); the faulted step gets tight ones. */
export const SSH_TIMEOUTS = { connectMs: 10_000, quickMs: 10_000, normalMs: 15_000, slowMs: 30_000, settleMs: 200 };
export const TIGHT_TIMEOUTS = { connectMs: 5_000, quickMs: 700, normalMs: 700, slowMs: 700, settleMs: 200 };

export interface WorldOptions {
  devices: { startingDays: number; keySpec?: 'rsa:2048' | 'ec:p256'; ikev2?: boolean; sim?: Partial<Omit<SimulatorOptions, 'stateDir'>> }[];
  env?: LocalEnvironmentOptions;
}

export interface World {
  dir: string;
  env: LocalEnvironment;
  fleet: Fleet;
  sims: RunningSimulator[];
  /** Every runner event of every execution run through `run`. */
  events: RunnerEvent[];
  /** Every secret the tests know of: device passwords (PKCS12 material is read from the bundle store at scan time). */
  secrets: string[];
  stop(): Promise<void>;
}

export function simById(world: World, deviceId: string): RunningSimulator {
  const sim = world.sims.find((s) => s.info.id === deviceId);
  if (!sim) throw new Error(`no simulator ${deviceId}`);
  return sim;
}

/** Puts a certificate from the local CA on the device the way an operator's PKCS12 import would, binds it, saves. */
async function seed(world: { env: LocalEnvironment }, sim: RunningSimulator, days: number, ikev2: boolean): Promise<void> {
  const key = await generateKeyPair('ec:p256');
  const cn = `${sim.info.id}.vpn.example.com`;
  const issued = await world.env.localCa.sign(await buildCsr({ subject: { cn }, sans: [cn] }, key), { days });
  const pki = sim.device.pki;
  pki.putKeypair({ name: STARTING_TRUSTPOINT, kind: 'ecdsa', bits: 256, keyPem: key.privateKeyPem, generatedAt: new Date().toISOString() });
  const record = pki.ensureTrustpoint(STARTING_TRUSTPOINT);
  record.keypair = STARTING_TRUSTPOINT;
  record.identityCertificate = issued.certificatePem;
  record.caCertificates = [...issued.chainPems];
  for (const name of INTERFACES) pki.bindSsl(STARTING_TRUSTPOINT, name);
  if (ikev2) pki.setIkev2RemoteAccessTrustpoint(STARTING_TRUSTPOINT);
  sim.device.markConfigChanged();
  sim.device.writeMemory();
}

export async function startWorld(options: WorldOptions): Promise<World> {
  const dir = mkdtempSync(path.join(tmpdir(), 'trustpoint-workflow-'));
  const dataDir = path.join(dir, 'data');
  const env = await openLocalEnvironment(dataDir, { caKeySpec: 'ec:p256', ssh: { timeouts: SSH_TIMEOUTS, retry: { attempts: 1 } }, ...options.env });
  const fleet = await startFleet({ count: options.devices.length, stateDir: path.join(dir, 'sim'), factoryCertificate: false, devices: options.devices.map((d) => d.sim ?? {}) });
  const world: World = { dir, env, fleet, sims: fleet.simulators, events: [], secrets: [], stop: async () => {
    await fleet.stop();
    rmSync(dir, { recursive: true, force: true });
  } };
  try {
    for (const [index, sim] of fleet.simulators.entries()) {
      const spec = options.devices[index]!;
      const { info } = sim;
      world.secrets.push(info.password, info.enablePassword);
      await seed(world, sim, spec.startingDays, spec.ikev2 === true);
      const credentialsRef = `sim/${info.id}`;
      await env.secrets.putDeviceCredentials(credentialsRef, deviceCredentials({ username: info.username, password: info.password, enablePassword: info.enablePassword }));
      const cn = `${info.id}.vpn.example.com`;
      await env.inventory.putDevice({
        id: info.id,
        host: info.host,
        port: info.port,
        hostKeySha256: info.hostKeySha256,
        credentialsRef,
        interfaces: [...INTERFACES],
        ikev2: spec.ikev2 === true,
        trustpointPrefix: PREFIX,
        certificate: { subject: { cn, o: 'Example Corp', c: 'US' }, sans: [cn], keySpec: spec.keySpec ?? 'ec:p256', validityDays: 90, renewBeforeDays: 30 },
        pkcs12Profile: 'legacy',
        checks: { tls: Object.fromEntries(INTERFACES.map((name) => [name, `${info.host}:${info.tls[name]}`])) },
      });
    }
  } catch (error) {
    await world.stop();
    throw error;
  }
  return world;
}

// --- Faults ---------------------------------------------------------------------------------

export interface StepFault {
  step: string;
  faults: Partial<Faults>;
  /** How many sessions of the step see the fault (each retry opens one); Infinity: all of them. */
  times: number;
  /** Use short command timeouts for the faulted sessions (command-timeout faults). */
  tight?: boolean;
}

const NO_FAULTS: Partial<Faults> = { commandDelayMs: 0, dropAfterCommand: undefined, dropAfter: 'before', failCommand: [] };

/** A connector that turns the fault on right after login for the named step's sessions, and off when the session closes. */
export function faultingConnector(world: World, sim: RunningSimulator, fault: StepFault): DeviceConnector {
  let remaining = fault.times;
  const tight = new SshDeviceConnector({ transcriptsDir: world.env.transcriptsDir, timeouts: TIGHT_TIMEOUTS, retry: { attempts: 1 } });
  return {
    async connect(device, credentials, context) {
      if (context?.step !== fault.step || device.id !== sim.info.id || remaining <= 0) return world.env.connector.connect(device, credentials, context);
      remaining--;
      const session = await (fault.tight ? tight : world.env.connector).connect(device, credentials, context);
      sim.setFaults(fault.faults);
      const faulted: DeviceSession = Object.create(session) as DeviceSession;
      faulted.close = async () => {
        sim.setFaults(NO_FAULTS);
        await session.close();
      };
      return faulted;
    },
  };
}

export function tasksWith(world: World, connector: DeviceConnector, overrides: Partial<RenewFleetTaskFunctions> = {}): RenewFleetTaskFunctions {
  return { ...buildTaskFunctions({ ...world.env.dependencies, devices: connector }), ...overrides };
}

export async function renew(
  world: World,
  input: RenewDeviceInput,
  options: { tasks?: RenewFleetTaskFunctions; executionName?: string } = {},
): Promise<LocalExecutionResult<RenewDeviceResult>> {
  return runRenewDevice(input, {
    tasks: options.tasks ?? world.env.tasks,
    retryIntervalOverrides: noRetryDelays(),
    onEvent: (event) => world.events.push(event),
    ...(options.executionName ? { executionName: options.executionName } : {}),
  });
}

// --- What the device serves -----------------------------------------------------------------

export interface Served {
  /** Serial presented by a TLS handshake, per interface (normalised hex). */
  tls: Record<string, string>;
  /** `show running-config ssl` binding per interface. */
  bindings: Record<string, string | undefined>;
  /** Per bound trustpoint: the identity serial `show crypto ca certificates <tp>` shows, and its status. */
  certificates: Record<string, { serial: string; status: string } | undefined>;
  /** Every trustpoint with an identity certificate on the device. */
  trustpoints: string[];
}

export async function served(sim: RunningSimulator): Promise<Served> {
  const { info } = sim;
  const tls: Record<string, string> = {};
  for (const name of INTERFACES) tls[name] = normalizeSerialHex((await probeTls({ host: info.host, port: info.tls[name]! })).leafSerialHex);
  const device = await connectToDevice({ host: info.host, port: info.port, username: info.username, password: info.password, enablePassword: info.enablePassword, hostKeySha256: info.hostKeySha256, retry: { attempts: 1 } });
  try {
    // Not preflight(): that refuses a standby unit, whose state the tests look at too.
    const listing = await device.session.run(showCryptoCaCertificates());
    const entries = parseShowCryptoCaCertificates(listing.output, { zoneOffsetsMinutes: { UTC: 0 } });
    const bindings: Record<string, string | undefined> = {};
    const certificates: Served['certificates'] = {};
    for (const b of (await device.readBindings([...INTERFACES])).interfaces) {
      bindings[b.interface] = b.trustpoint;
      if (b.trustpoint === undefined) continue;
      const identity = (await device.certificatesOf(b.trustpoint)).find((e) => e.kind === 'identity');
      certificates[b.trustpoint] = identity ? { serial: normalizeSerialHex(identity.serialHex), status: identity.status } : undefined;
    }
    const trustpoints = [...new Set(entries.filter((e) => e.kind === 'identity').flatMap((e) => e.associatedTrustpoints))].sort();
    return { tls, bindings, certificates, trustpoints };
  } finally {
    await device.close();
  }
}

/** The serial every interface serves, checked three ways (TLS, binding, certificate shown): one serial, Available. */
export function servedSerial(view: Served): string {
  const serials = new Set(Object.values(view.tls));
  if (serials.size !== 1) throw new Error(`the interfaces serve different serials: ${JSON.stringify(view.tls)}`);
  const [serial] = [...serials];
  for (const name of INTERFACES) {
    const tp = view.bindings[name];
    const cert = tp === undefined ? undefined : view.certificates[tp];
    if (!cert || cert.serial !== serial || cert.status !== 'Available') {
      throw new Error(`${name}: TLS presents ${serial} but the configuration binds ${tp ?? 'nothing'} holding ${JSON.stringify(cert)}`);
    }
  }
  return serial!;
}

export function certificateSerial(pem: string): string {
  return normalizeSerialHex(describeCertificate(pem).serialHex);
}

// --- Secrets must not leak ------------------------------------------------------------------

function filesUnder(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names.flatMap((name) => {
    const file = path.join(dir, name);
    return statSync(file).isDirectory() ? filesUnder(file) : [file];
  });
}

export interface ScanReport {
  /** What was scanned: label -> characters. */
  scanned: Record<string, number>;
  /** How many distinct secret strings were looked for. */
  secrets: number;
  findings: string[];
}

/**
 * Looks through every runner event (state inputs and outputs), the task log, every SSH
 * transcript, the inventory files and the notifications for: a PEM private key, the base64
 * of any stored PKCS12 bundle (each 64-column line the ASA paste uses), any bundle passphrase,
 * and the device passwords.
 */
export async function scanForSecrets(world: World): Promise<ScanReport> {
  const env = world.env;
  const texts: [string, string][] = [['runner events', JSON.stringify(world.events)]];
  for (const file of [env.logFile, ...filesUnder(env.transcriptsDir), ...filesUnder(path.join(env.dataDir, 'inventory')), ...filesUnder(env.notificationsDir)]) {
    texts.push([path.relative(env.dataDir, file), readFileSync(file, 'utf8')]);
  }
  const secrets = new Map<string, string>();
  for (const password of world.secrets) secrets.set(password, 'a device password');
  for (const sim of world.sims) {
    for (const { ref } of await env.bundles.list(sim.info.id)) {
      const { contents } = await env.bundles.get(ref);
      secrets.set(contents.passphrase, `the passphrase of ${ref}`);
      for (const line of Buffer.from(contents.pkcs12).toString('base64').match(/.{64}/g) ?? []) secrets.set(line, `PKCS12 base64 of ${ref}`);
    }
  }
  const findings: string[] = [];
  for (const [label, text] of texts) {
    if (text.includes('PRIVATE KEY')) findings.push(`${label}: a PEM private key`);
    for (const [secret, what] of secrets) if (text.includes(secret)) findings.push(`${label}: ${what}`);
  }
  return { scanned: Object.fromEntries(texts.map(([label, text]) => [label, text.length])), secrets: secrets.size, findings };
}
