// `npm run demo`: set up the scenario, run renew-fleet through the local runner (the same ASL
// as on AWS, the real task functions), then look at each device from outside with a TLS
// handshake and compare with what the scenario expects.
import { rmSync } from 'node:fs';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { openLocalEnvironment } from '../local/environment.js';
import { runLocalRenewFleet } from '../local/environment.js';
import type { Palette } from './palette.js';
import { createProgressPrinter } from './progress.js';
import { renderDeviceResult, renderFleetLine, renderVerdict } from './render.js';
import { REPORT_FORMAT, certificateFacts, checkFleet, deviceReport, fleetReport, type DemoReport } from './report.js';
import { THREE_DEVICES, type ScenarioName } from './scenario.js';
import { observeServedCertificate } from './served.js';
import { setUpWorld, type DemoWorld } from './setup.js';

export interface DemoOptions {
  scenario: ScenarioName;
  /** Use this directory (new or empty) and keep it; default: a temporary one. */
  dataDir?: string;
  /** Keep the temporary data directory. */
  keep: boolean;
  reportFile?: string;
  write: (text: string) => void;
  palette: Palette;
  now?: () => Date;
  /**
   * Receives the function that stops the simulators and removes a temporary data directory,
   * as soon as there is something to clean, so that a signal handler can call it (it runs once).
   */
  onCleanup?: (cleanup: () => Promise<void>, finalRemove: () => void) => void;
}

export interface DemoRun {
  report: DemoReport;
  exitCode: 0 | 1;
}

const QUIET_STATES = new Set(['AcquireLock', 'ReleaseLock']);

/** Refuses a directory that already holds something: the demo never touches an operator's data. */
export async function prepareDataDir(dataDir: string | undefined): Promise<{ dir: string; temporary: boolean }> {
  if (dataDir === undefined) return { dir: await mkdtemp(path.join(os.tmpdir(), 'trustpoint-demo-')), temporary: true };
  const entries = await readdir(dataDir).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return [];
    throw error;
  });
  if (entries.length > 0) throw new DataDirNotEmptyError(dataDir);
  return { dir: path.resolve(dataDir), temporary: false };
}

export class DataDirNotEmptyError extends Error {
  override readonly name = 'DataDirNotEmptyError';
  constructor(readonly dir: string) {
    super(`--data-dir: ${dir} is not empty: the demo builds its own CA, inventory and simulators; give it a new or empty directory`);
  }
}

function days(n: number): string {
  return `${n} day${n === 1 ? '' : 's'}`;
}

export async function runDemo(options: DemoOptions): Promise<DemoRun> {
  const now = options.now ?? (() => new Date());
  const { write, palette } = options;
  const devices = THREE_DEVICES;
  const startedAt = now();
  const { dir, temporary } = await prepareDataDir(options.dataDir);
  const kept = !temporary || options.keep;
  let world: DemoWorld | undefined;
  let cleaned: Promise<void> | undefined;
  const cleanup = (): Promise<void> => {
    cleaned ??= (async () => {
      await world?.stop();
      if (!kept) await rm(dir, { recursive: true, force: true });
    })();
    return cleaned;
  };
  /** After an interrupt the workflow may still be writing: remove again, synchronously, just before exiting. */
  const finalRemove = (): void => {
    if (!kept) rmSync(dir, { recursive: true, force: true });
  };
  options.onCleanup?.(cleanup, finalRemove);
  try {
    write(`${palette.bold('trustpoint demo')}: renew-fleet against ${devices.length} simulated ASAs on loopback, certificates from a local CA\n`);
    write(`Data directory: ${dir}${kept ? '' : ' (temporary, removed at the end; --keep keeps it)'}\n\n`);
    write('Setting up over SSH (crypto ca import pkcs12, ssl trust-point ... outside, write memory):\n');
    const env = await openLocalEnvironment(dir);
    world = await setUpWorld({ dataDir: dir, devices, ca: env.localCa, inventory: env.inventory, secrets: env.secrets });
    const before = new Map<string, ReturnType<typeof certificateFacts>>();
    const idWidth = Math.max(...devices.map((d) => d.id.length)) + 2;
    for (const device of world.devices) {
      const served = await observeServedCertificate(device.outside, now);
      if (!served.ok) throw new Error(`demo setup: ${device.spec.id} serves nothing on outside after seeding: ${served.error}`);
      before.set(device.spec.id, certificateFacts(device.starting.trustpoint, served.serial, served.notAfter, now()));
      write(`  ${device.spec.id.padEnd(idWidth)} serves serial ${served.serial} (expires in ${days(served.daysToExpiry)}); expected ${device.spec.expected}: ${device.spec.story}\n`);
    }
    const setupMs = now().getTime() - startedAt.getTime();

    write(`\nRunning renew-fleet (statemachines/renew-fleet.asl.json on the local Step Functions runner):\n`);
    const printer = createProgressPrinter({ style: 'fleet', write, palette, now, quietStates: QUIET_STATES, deviceIdWidth: idWidth });
    const runStart = now();
    await runLocalRenewFleet(env, {}, { onEvent: printer.onEvent, executionName: `demo-${runStart.toISOString().replace(/[-:.]/g, '')}` });
    const runMs = now().getTime() - runStart.getTime();

    const reports = [];
    for (const device of world.devices) {
      const servedAfter = await observeServedCertificate(device.outside, now);
      reports.push(
        deviceReport(
          { id: device.spec.id, story: device.spec.story, expected: device.spec.expected, before: before.get(device.spec.id)!, servedAfter, execution: printer.tracker.latestFor(device.spec.id) },
          now(),
        ),
      );
    }
    const fleet = fleetReport(printer.tracker.fleet());
    const problems = [...checkFleet(fleet), ...reports.flatMap((r) => r.problems)];
    const report: DemoReport = {
      format: REPORT_FORMAT,
      scenario: options.scenario,
      startedAt: startedAt.toISOString(),
      finishedAt: now().toISOString(),
      setupMs,
      runMs,
      dataDir: kept ? dir : null,
      fleet,
      devices: reports,
      asExpected: problems.length === 0,
      problems,
    };

    write(`\n${renderFleetLine(report, palette)}`);
    for (const device of reports) write(renderDeviceResult(device, palette));
    write(`\n${renderVerdict(report, palette)}`);
    if (kept) write(`Inventory, SSH transcripts and task logs: ${dir} (try: npx trustpoint status --data-dir ${dir})\n`);
    if (options.reportFile) {
      await writeFile(options.reportFile, `${JSON.stringify(report, null, 2)}\n`);
      write(`Report: ${options.reportFile}\n`);
    }
    return { report, exitCode: report.asExpected ? 0 : 1 };
  } finally {
    await cleanup();
  }
}
