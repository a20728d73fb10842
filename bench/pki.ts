// `npm run bench -- pki`: key generation per key spec, CSR building, local-CA signing and
// PKCS12 encoding per profile. Writes bench/results/pki.json and bench/results/pki.md.
import 'reflect-metadata';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildCsr } from '../src/pki/csr.js';
import { generateKeyPair, type KeySpec } from '../src/pki/keys.js';
import { LocalCa } from '../src/pki/local-ca.js';
import { generatePassphrase } from '../src/pki/passphrase.js';
import { PKCS12_ITERATIONS, encodePkcs12, type Pkcs12Profile } from '../src/pki/pkcs12.js';
import { machineInfo, measure, writeResults, type Summary } from './run.js';

interface Row extends Summary {
  operation: string;
}

// Enough runs for a stable median on a shared 2-core machine without taking all afternoon:
// RSA key generation is slow and noisy (prime search), EC and signing are fast.
const KEYGEN_RUNS: Record<KeySpec, number> = { 'rsa:2048': 30, 'rsa:3072': 15, 'rsa:4096': 10, 'ec:p256': 200, 'ec:p384': 200 };
const CSR_RUNS = 200;
const SIGN_RUNS = 100;
const PKCS12_RUNS = 30;

const SUBJECT = { cn: 'vpn.example.com', o: 'Example Ltd', c: 'US' };
const SANS = ['vpn.example.com', '*.vpn.example.com', '192.0.2.10'];

function log(row: Row): void {
  process.stdout.write(`${row.operation.padEnd(44)} n=${String(row.runs).padStart(3)}  median ${row.medianMs.toFixed(2).padStart(8)} ms  p90 ${row.p90Ms.toFixed(2).padStart(8)} ms\n`);
}

async function record(rows: Row[], operation: string, runs: number, fn: () => Promise<unknown>, warmup?: number): Promise<void> {
  const row = { operation, ...(await measure(runs, fn, warmup)) };
  rows.push(row);
  log(row);
}

export async function main(_args: string[]): Promise<void> {
  const machine = machineInfo();
  process.stdout.write(`pki benchmark on ${machine.cpuModel} x${machine.cores}, Node ${machine.node}, load ${machine.loadAverageAtStart.join(' ')}\n`);
  const rows: Row[] = [];

  for (const [spec, runs] of Object.entries(KEYGEN_RUNS) as [KeySpec, number][]) {
    await record(rows, `generateKeyPair ${spec}`, runs, () => generateKeyPair(spec), spec === 'rsa:4096' ? 1 : 2);
  }

  const keys = { rsa: await generateKeyPair('rsa:2048'), ec256: await generateKeyPair('ec:p256'), ec384: await generateKeyPair('ec:p384') };
  await record(rows, 'buildCsr rsa:2048 (3 SANs)', CSR_RUNS, () => buildCsr({ subject: SUBJECT, sans: SANS }, keys.rsa));
  await record(rows, 'buildCsr ec:p256 (3 SANs)', CSR_RUNS, () => buildCsr({ subject: SUBJECT, sans: SANS }, keys.ec256));
  await record(rows, 'buildCsr ec:p384 (3 SANs)', CSR_RUNS, () => buildCsr({ subject: SUBJECT, sans: SANS }, keys.ec384));

  const work = await mkdtemp(path.join(tmpdir(), 'tp-bench-pki-'));
  try {
    const rsaCa = await LocalCa.init(path.join(work, 'rsa-ca'), { keySpec: 'rsa:2048' });
    const ecCa = await LocalCa.init(path.join(work, 'ec-ca'), { keySpec: 'ec:p256' });
    const rsaCsr = await buildCsr({ subject: SUBJECT, sans: SANS }, keys.rsa);
    const ecCsr = await buildCsr({ subject: SUBJECT, sans: SANS }, keys.ec256);
    // Includes the CSR signature check and writing issued/<serial>.pem, as a real request does.
    await record(rows, 'LocalCa.sign rsa:2048 CA, rsa:2048 CSR', SIGN_RUNS, () => rsaCa.sign(rsaCsr, { days: 365 }));
    await record(rows, 'LocalCa.sign ec:p256 CA, ec:p256 CSR', SIGN_RUNS, () => ecCa.sign(ecCsr, { days: 365 }));

    const issued = await rsaCa.sign(rsaCsr, { days: 365 });
    const passphrase = generatePassphrase();
    for (const profile of ['legacy', 'modern'] as Pkcs12Profile[]) {
      await record(rows, `encodePkcs12 ${profile} (rsa:2048, leaf + 2 CA)`, PKCS12_RUNS, () =>
        encodePkcs12({ privateKeyPem: keys.rsa.privateKeyPem, certificatePem: issued.certificatePem, chainPems: issued.chainPems, passphrase, profile }),
      );
    }
  } finally {
    await rm(work, { recursive: true, force: true });
  }

  const markdown = [
    '# PKI benchmark',
    '',
    `Run ${machine.date} on ${machine.cpuModel}, ${machine.cores} cores, ${machine.totalMemoryGiB} GiB, ${machine.platform}, Node ${machine.node}.`,
    `Load average at start: ${machine.loadAverageAtStart.join(' / ')} (1/5/15 min). The machine is shared: other work ran at the same time.`,
    `Sequential runs after warm-up; wall-clock time per operation. PKCS12 uses ${PKCS12_ITERATIONS} iterations. Regenerate with \`npm run bench -- pki\`.`,
    '',
    '| operation | runs | median ms | p90 ms | min ms | max ms |',
    '|---|---:|---:|---:|---:|---:|',
    ...rows.map((r) => `| ${r.operation} | ${r.runs} | ${r.medianMs.toFixed(2)} | ${r.p90Ms.toFixed(2)} | ${r.minMs.toFixed(2)} | ${r.maxMs.toFixed(2)} |`),
    '',
  ].join('\n');
  const files = await writeResults('pki', { benchmark: 'pki', machine, pkcs12Iterations: PKCS12_ITERATIONS, results: rows }, markdown);
  process.stdout.write(`Wrote ${files.map((f) => path.relative(process.cwd(), f)).join(', ')}\n`);
}
