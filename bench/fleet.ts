// `npm run bench -- fleet [--sizes 10,50,200] [--concurrency N] [--no-results]`: renew N
// simulated ASAs through the local runner (renew-fleet, forced, every device due), and say where
// the time goes. Writes bench/results/fleet.json and fleet.md unless --no-results.
//
// How it is measured:
// - The simulators run in a child process (`sim/main.ts`), so this process holds only the
//   workflow side (what the Lambdas would do): its process.cpuUsage() is the workflow's CPU,
//   /proc/<pid>/stat of the child the simulated ASAs' CPU.
// - Phases are timed by wrapping the ports the task functions are given (src/ports.ts): the
//   CertificateAuthority (issue + getIssued), the BundleStore (encrypt + write/read), the
//   DeviceConnector (SSH login) and every method of the device session it returns (SSH
//   commands; `verify` also makes the TLS handshake). Key generation, CSR and PKCS12 encoding
//   have no port: they are IssueCertificate's time minus its CA and bundle-store time.
// - State times come from the runner's StateEntered/StateExited events.
// - In the same run, on the same machine: N RSA-2048 key generations alone (same concurrency
//   as the Map) and N TLS handshakes alone against the renewed devices (which also checks that
//   every device serves its new serial).
// Durations of concurrent executions are summed, so phase sums exceed the wall time.
import 'reflect-metadata';
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { SimulatorInfo } from '../sim/fleet.js';
import { ExecutionTracker } from '../src/demo/executions.js';
import { importFleet } from '../src/demo/fleet-import.js';
import { observeServedCertificate } from '../src/demo/served.js';
import { normalizeSerialHex } from '../src/inventory/refs.js';
import { openLocalEnvironment } from '../src/local/environment.js';
import { generateKeyPair } from '../src/pki/keys.js';
import { deviceCredentials, type DeviceConnector, type DeviceSession } from '../src/ports.js';
import { runRenewFleet } from '../src/runner/local-runner.js';
import { DEFAULT_TASK_OPTIONS } from '../src/workflow/dependencies.js';
import { buildTaskFunctions } from '../src/workflow/task-functions.js';
import { machineInfo, writeResults, type MachineInfo } from './run.js';

const REPO_ROOT = fileURLToPath(new URL('../', import.meta.url));
const KEY_SPEC = 'rsa:2048' as const;
const CLOCK_TICKS_PER_SECOND = 100;

type Phase = 'caIssue' | 'bundleStore' | 'sshLogin' | 'sshCommands' | 'verifySshAndTls';

class PhaseTimer {
  readonly totals: Record<Phase, number> = { caIssue: 0, bundleStore: 0, sshLogin: 0, sshCommands: 0, verifySshAndTls: 0 };

  async time<T>(phase: Phase, fn: () => Promise<T>): Promise<T> {
    const start = performance.now();
    try {
      return await fn();
    } finally {
      this.totals[phase] += performance.now() - start;
    }
  }
}

/** The same port with every method call timed under `phase` (follows the port if it grows). */
function timedPort<T extends object>(port: T, phase: Phase, timer: PhaseTimer): T {
  return new Proxy(port, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => timer.time(phase, () => Promise.resolve((value as (...a: unknown[]) => unknown).apply(target, args)));
    },
  });
}

function timedSession(session: DeviceSession, timer: PhaseTimer): DeviceSession {
  const wrapped: Record<string, unknown> = {};
  for (const name of ['preflight', 'certificatesOf', 'importPkcs12', 'readBindings', 'bindTrustpoint', 'rollbackBinding', 'verify', 'exportPkcs12', 'removeTrustpoint', 'saveConfiguration', 'close'] as const) {
    const method = (session[name] as (...args: unknown[]) => Promise<unknown>).bind(session);
    wrapped[name] = (...args: unknown[]) => timer.time(name === 'verify' ? 'verifySshAndTls' : 'sshCommands', () => method(...args));
  }
  return wrapped as unknown as DeviceSession;
}

function timedConnector(connector: DeviceConnector, timer: PhaseTimer): DeviceConnector {
  return {
    connect: async (device, credentials, context) => timedSession(await timer.time('sshLogin', () => connector.connect(device, credentials, context)), timer),
  };
}

/** user+system CPU seconds of another process, from /proc (Linux). */
function processCpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // After "pid (comm) ": state is field 3 overall; utime and stime are fields 14 and 15.
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
}

function ownCpuSeconds(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
}

async function startSimulatorProcess(count: number, stateDir: string): Promise<{ child: ChildProcess; simulators: SimulatorInfo[] }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'sim/main.ts', '--count', String(count), '--state-dir', stateDir], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const simulators: SimulatorInfo[] = [];
  const lines = createInterface({ input: child.stdout! });
  await new Promise<void>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`sim/main.ts exited with ${code} after ${simulators.length} of ${count} simulators`)));
    lines.on('line', (line) => {
      simulators.push(JSON.parse(line) as SimulatorInfo);
      if (simulators.length === count) resolve();
    });
  });
  return { child, simulators };
}

async function stopSimulatorProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  await exited;
}

/** Runs `fn(i)` for i in 0..n-1, at most `concurrency` at a time. */
async function pool(n: number, concurrency: number, fn: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(n, concurrency) }, async () => {
      while (next < n) await fn(next++);
    }),
  );
}

const round = (value: number, digits = 2): number => Math.round(value * 10 ** digits) / 10 ** digits;

interface RunResult {
  devices: number;
  concurrency: number;
  simulatorStartSeconds: number;
  wallSeconds: number;
  devicesPerSecond: number;
  workflowCpuSecondsPerRenewal: number;
  simulatorCpuSecondsPerRenewal: number;
  outcomes: Record<string, number>;
  servingNewSerial: number;
  /** Summed over devices, seconds; and the mean per device in ms. */
  phases: Record<string, { totalSeconds: number; meanMsPerDevice: number }>;
  states: Record<string, { totalSeconds: number; meanMsPerDevice: number }>;
  keygenAlone: { keys: number; wallSeconds: number; cpuSeconds: number; meanMsPerKey: number };
  tlsHandshakesAlone: { handshakes: number; wallSeconds: number; meanMs: number };
}

export async function runSize(count: number, concurrency: number): Promise<RunResult> {
  const dataDir = await mkdtemp(path.join(tmpdir(), `tp-bench-fleet-${count}-`));
  let child: ChildProcess | undefined;
  try {
    const simStart = performance.now();
    const started = await startSimulatorProcess(count, path.join(dataDir, 'sim'));
    child = started.child;
    const simulatorStartSeconds = (performance.now() - simStart) / 1000;

    const env = await openLocalEnvironment(dataDir, { task: { maxConcurrency: concurrency, toleratedFailurePercentage: 100 } });
    const fleet = {
      defaults: { interfaces: ['outside'], trustpointPrefix: 'BENCH', certificate: { subject: { cn: 'set-per-device', o: 'Example Corp', c: 'US' }, keySpec: KEY_SPEC, renewBeforeDays: 30 } },
      devices: started.simulators.map((sim) => ({
        id: sim.id,
        host: sim.host,
        port: sim.port,
        hostKeySha256: sim.hostKeySha256,
        credentialsRef: `bench/${sim.id}`,
        certificate: { subject: { cn: `${sim.id}.vpn.example.net` } },
        checks: { tls: { outside: `${sim.host}:${sim.tls['outside']}` } },
      })),
    };
    for (const sim of started.simulators) {
      await env.secrets.putDeviceCredentials(`bench/${sim.id}`, deviceCredentials({ username: sim.username, password: sim.password, enablePassword: sim.enablePassword }));
    }
    await importFleet(JSON.stringify(fleet), env.inventory, env.secrets);

    const timer = new PhaseTimer();
    const deps = { ...env.dependencies, ca: timedPort(env.dependencies.ca, 'caIssue', timer), bundles: timedPort(env.dependencies.bundles, 'bundleStore', timer), devices: timedConnector(env.dependencies.devices, timer) };
    const tracker = new ExecutionTracker();
    const cpu0 = ownCpuSeconds();
    const simCpu0 = processCpuSeconds(child.pid!);
    const t0 = performance.now();
    await runRenewFleet({ force: true }, { tasks: buildTaskFunctions(deps), onEvent: (event) => tracker.record(event), executionName: `bench-${count}` });
    const wallSeconds = (performance.now() - t0) / 1000;
    const workflowCpu = ownCpuSeconds() - cpu0;
    const simulatorCpu = processCpuSeconds(child.pid!) - simCpu0;

    const executions = tracker.deviceExecutions();
    const outcomes: Record<string, number> = {};
    const stateMs: Record<string, number> = {};
    for (const execution of executions) {
      const outcome = execution.result?.outcome ?? execution.error ?? execution.status;
      outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
      for (const step of execution.steps) {
        if (step.exitedAt !== undefined) stateMs[step.state] = (stateMs[step.state] ?? 0) + (step.exitedAt - step.enteredAt);
      }
    }
    const perDevice = (ms: number) => ({ totalSeconds: round(ms / 1000), meanMsPerDevice: round(ms / count, 1) });
    const issueMs = stateMs['IssueCertificate'] ?? 0;
    const phases: RunResult['phases'] = {
      'key generation + CSR + PKCS12 (IssueCertificate - CA - bundle store)': perDevice(Math.max(0, issueMs - timer.totals.caIssue - timer.totals.bundleStore)),
      'CA (issue + getIssued, local CA)': perDevice(timer.totals.caIssue),
      'bundle store (envelope encryption + files)': perDevice(timer.totals.bundleStore),
      'SSH login (connect, enable, pager)': perDevice(timer.totals.sshLogin),
      'SSH commands (preflight, import, bind, save, cleanup)': perDevice(timer.totals.sshCommands),
      'verify (SSH show commands + TLS handshake)': perDevice(timer.totals.verifySshAndTls),
    };
    const states = Object.fromEntries(Object.entries(stateMs).map(([state, ms]) => [state, perDevice(ms)]));

    // N TLS handshakes alone, which also checks what each device serves now.
    let servingNewSerial = 0;
    const tls0 = performance.now();
    await pool(count, concurrency, async (i) => {
      const sim = started.simulators[i]!;
      const served = await observeServedCertificate({ host: sim.host, port: sim.tls['outside']! });
      const renewed = tracker.latestFor(sim.id)?.result;
      if (served.ok && renewed?.outcome === 'RENEWED' && served.serial === normalizeSerialHex(renewed.current.serial)) servingNewSerial++;
    });
    const tlsWall = (performance.now() - tls0) / 1000;

    // N key generations alone, same concurrency, same process, same run.
    const keyCpu0 = ownCpuSeconds();
    const keys0 = performance.now();
    await pool(count, concurrency, async () => {
      await generateKeyPair(KEY_SPEC);
    });
    const keyWall = (performance.now() - keys0) / 1000;
    const keyCpu = ownCpuSeconds() - keyCpu0;

    return {
      devices: count,
      concurrency,
      simulatorStartSeconds: round(simulatorStartSeconds, 1),
      wallSeconds: round(wallSeconds),
      devicesPerSecond: round(count / wallSeconds, 3),
      workflowCpuSecondsPerRenewal: round(workflowCpu / count, 3),
      simulatorCpuSecondsPerRenewal: round(simulatorCpu / count, 3),
      outcomes,
      servingNewSerial,
      phases,
      states,
      keygenAlone: { keys: count, wallSeconds: round(keyWall), cpuSeconds: round(keyCpu), meanMsPerKey: round((keyWall * 1000) / count, 1) },
      tlsHandshakesAlone: { handshakes: count, wallSeconds: round(tlsWall), meanMs: round((tlsWall * 1000) / count, 1) },
    };
  } finally {
    if (child) await stopSimulatorProcess(child);
    await rm(dataDir, { recursive: true, force: true });
  }
}

function parseArgs(args: string[]): { sizes: number[]; concurrency: number; writeFiles: boolean } {
  let sizes = [10, 50, 200];
  let concurrency = DEFAULT_TASK_OPTIONS.maxConcurrency;
  let writeFiles = true;
  for (let i = 0; i < args.length; i++) {
    const flag = args[i];
    const value = args[i + 1];
    if (flag === '--no-results') {
      writeFiles = false;
    } else if (flag === '--sizes' && value !== undefined) {
      sizes = value.split(',').map((s) => Number(s));
      if (sizes.some((n) => !Number.isInteger(n) || n < 1 || n > 200)) throw new Error(`--sizes: "${value}" must be whole numbers from 1 to 200, comma-separated`);
      i++;
    } else if (flag === '--concurrency' && value !== undefined) {
      concurrency = Number(value);
      if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 40) throw new Error(`--concurrency: "${value}" must be a whole number from 1 to 40`);
      i++;
    } else {
      throw new Error(`unknown argument "${flag}": usage: npm run bench -- fleet [--sizes 10,50,200] [--concurrency N] [--no-results]`);
    }
  }
  return { sizes, concurrency, writeFiles };
}

/** `SSH 93%, keys+CSR+PKCS12 5%, ...`: each phase's share of the summed phase time. */
function phaseShares(run: RunResult): string {
  const entries = Object.entries(run.phases).map(([name, p]) => [name.replace(/ \(.*$/, ''), p.totalSeconds] as const);
  const total = entries.reduce((sum, [, seconds]) => sum + seconds, 0);
  const ssh = entries.filter(([name]) => /^SSH|^verify/.test(name)).reduce((sum, [, seconds]) => sum + seconds, 0);
  const others = entries.filter(([name]) => !/^SSH|^verify/.test(name)).map(([name, seconds]) => `${name} ${((100 * seconds) / total).toFixed(1)}%`);
  return `SSH (login, commands, verify with its TLS handshake) ${((100 * ssh) / total).toFixed(1)}% of the summed phase time; ${others.join(', ')}`;
}

function markdown(machine: MachineInfo, runs: RunResult[]): string {
  const lines = [
    '# Fleet benchmark',
    '',
    `Run ${machine.date} on ${machine.cpuModel}, ${machine.cores} cores, ${machine.totalMemoryGiB} GiB, ${machine.platform}, Node ${machine.node}.`,
    `Load average at start: ${machine.loadAverageAtStart.join(' / ')} (1/5/15 min). The machine is shared: other work ran at the same time.`,
    'renew-fleet (forced, every device due) through the local runner with the real task functions, local CA, RSA-2048 keys,',
    'legacy PKCS12; the simulated ASAs in a child process on loopback. Regenerate with `npm run bench -- fleet`.',
    'How each figure is measured: see the header of bench/fleet.ts.',
    '',
    '| devices | Map concurrency | wall s | devices/s | workflow CPU s/renewal | simulator CPU s/renewal | renewed | serving new serial | N keygens alone: wall s (CPU s) | N TLS handshakes alone: wall s |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...runs.map(
      (r) =>
        `| ${r.devices} | ${r.concurrency} | ${r.wallSeconds} | ${r.devicesPerSecond} | ${r.workflowCpuSecondsPerRenewal} | ${r.simulatorCpuSecondsPerRenewal} | ${r.outcomes['RENEWED'] ?? 0} | ${r.servingNewSerial} | ${r.keygenAlone.wallSeconds} (${r.keygenAlone.cpuSeconds}) | ${r.tlsHandshakesAlone.wallSeconds} |`,
    ),
    '',
    'Where the time goes (mean ms per device, summed over concurrent executions):',
    '',
    `| phase | ${runs.map((r) => `N=${r.devices}`).join(' | ')} |`,
    `|---|${runs.map(() => '---:').join('|')}|`,
  ];
  const phaseNames = Object.keys(runs[0]?.phases ?? {});
  for (const phase of phaseNames) lines.push(`| ${phase} | ${runs.map((r) => r.phases[phase]?.meanMsPerDevice ?? '-').join(' | ')} |`);
  lines.push('', ...runs.map((r) => `- N=${r.devices}: ${phaseShares(r)}.`));
  lines.push('', 'Time per state (mean ms per device):', '', `| state | ${runs.map((r) => `N=${r.devices}`).join(' | ')} |`, `|---|${runs.map(() => '---:').join('|')}|`);
  const stateNames = [...new Set(runs.flatMap((r) => Object.keys(r.states)))];
  for (const state of stateNames) lines.push(`| ${state} | ${runs.map((r) => r.states[state]?.meanMsPerDevice ?? '-').join(' | ')} |`);
  return `${lines.join('\n')}\n`;
}

export async function main(args: string[]): Promise<void> {
  const { sizes, concurrency, writeFiles } = parseArgs(args);
  const machine = machineInfo();
  process.stdout.write(`fleet benchmark on ${machine.cpuModel} x${machine.cores}, Node ${machine.node}, load ${machine.loadAverageAtStart.join(' ')}; sizes ${sizes.join(', ')}, concurrency ${concurrency}\n`);
  const runs: RunResult[] = [];
  for (const size of sizes) {
    const result = await runSize(size, concurrency);
    runs.push(result);
    process.stdout.write(
      `N=${size}: ${result.wallSeconds} s wall, ${result.devicesPerSecond} devices/s, ${result.workflowCpuSecondsPerRenewal} workflow CPU s/renewal, ` +
        `${result.simulatorCpuSecondsPerRenewal} simulator CPU s/renewal, outcomes ${JSON.stringify(result.outcomes)}, ${result.servingNewSerial}/${size} serve the new serial; ` +
        `${size} keygens alone ${result.keygenAlone.wallSeconds} s\n`,
    );
  }
  if (!writeFiles) return;
  const files = await writeResults('fleet', { machine, keySpec: KEY_SPEC, method: 'see bench/fleet.ts header', runs }, markdown(machine, runs));
  process.stdout.write(`wrote ${files.join(', ')}\n`);
}
