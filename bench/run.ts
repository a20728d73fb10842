// `npm run bench -- <name> [args]` runs bench/<name>.ts; `npm run bench` runs every one.
// A benchmark module exports `main(args: string[]): Promise<void>` and writes its figures to
// bench/results/<name>.json and .md. The helpers below give all of them the same statistics
// and the same description of the machine, so figures from different runs can be compared.
import { readdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const BENCH_DIR = path.dirname(fileURLToPath(import.meta.url));
export const RESULTS_DIR = path.join(BENCH_DIR, 'results');

export interface Summary {
  runs: number;
  medianMs: number;
  p90Ms: number;
  minMs: number;
  maxMs: number;
  meanMs: number;
}

export interface MachineInfo {
  cpuModel: string;
  cores: number;
  totalMemoryGiB: number;
  platform: string;
  node: string;
  /** 1/5/15-minute load when the run started: the CPU is shared, so figures move with it. */
  loadAverageAtStart: number[];
  date: string;
}

const round = (value: number): number => Math.round(value * 100) / 100;

/** Nearest-rank percentile of sorted samples. */
function percentile(sorted: readonly number[], p: number): number {
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1]!;
}

export function summarize(samplesMs: readonly number[]): Summary {
  if (samplesMs.length === 0) throw new Error('no samples to summarize');
  const sorted = [...samplesMs].sort((a, b) => a - b);
  const middle = sorted.length / 2;
  const median = sorted.length % 2 ? sorted[Math.floor(middle)]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
  return {
    runs: sorted.length,
    medianMs: round(median),
    p90Ms: round(percentile(sorted, 90)),
    minMs: round(sorted[0]!),
    maxMs: round(sorted.at(-1)!),
    meanMs: round(sorted.reduce((a, b) => a + b, 0) / sorted.length),
  };
}

/** Runs `fn` `warmup` times unmeasured, then `runs` times measured, one after the other. */
export async function measure(runs: number, fn: () => Promise<unknown>, warmup = 2): Promise<Summary> {
  for (let i = 0; i < warmup; i++) await fn();
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    await fn();
    samples.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  return summarize(samples);
}

export function machineInfo(): MachineInfo {
  const cpus = os.cpus();
  return {
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    totalMemoryGiB: round(os.totalmem() / 2 ** 30),
    platform: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    loadAverageAtStart: os.loadavg().map(round),
    date: new Date().toISOString(),
  };
}

export async function writeResults(name: string, json: unknown, markdown: string): Promise<string[]> {
  const files = [path.join(RESULTS_DIR, `${name}.json`), path.join(RESULTS_DIR, `${name}.md`)];
  await writeFile(files[0]!, `${JSON.stringify(json, null, 2)}\n`);
  await writeFile(files[1]!, markdown.endsWith('\n') ? markdown : `${markdown}\n`);
  return files;
}

async function availableBenches(): Promise<string[]> {
  return (await readdir(BENCH_DIR))
    .filter((f) => f.endsWith('.ts') && f !== 'run.ts' && !f.endsWith('.d.ts'))
    .map((f) => f.slice(0, -3))
    .sort();
}

async function runBench(name: string, args: string[]): Promise<void> {
  const module = (await import(pathToFileURL(path.join(BENCH_DIR, `${name}.ts`)).href)) as { main?: (args: string[]) => Promise<void> };
  if (typeof module.main !== 'function') throw new Error(`bench/${name}.ts does not export main(args)`);
  await module.main(args);
}

export async function dispatch(argv: string[]): Promise<number> {
  const benches = await availableBenches();
  const [name, ...args] = argv;
  if (name === '--help' || name === '-h') {
    process.stdout.write(`Usage: npm run bench [-- <name> [args]]\nBenchmarks: ${benches.join(', ')}\n`);
    return 0;
  }
  if (name === undefined) {
    for (const bench of benches) await runBench(bench, []);
    return 0;
  }
  if (!benches.includes(name)) {
    process.stderr.write(`bench: unknown benchmark "${name}": expected one of ${benches.join(', ')}\n`);
    return 2;
  }
  await runBench(name, args);
  return 0;
}

// No top-level await: benchmark modules import the helpers above from this module, and a
// module still awaiting at top level would deadlock that import cycle.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  dispatch(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
