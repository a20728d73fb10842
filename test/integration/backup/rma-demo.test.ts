// `npm run demo -- --scenario rma` (src/demo/rma-scenario.ts) end to end: renewed, backed up,
// replaced by an RMA clone, the unconfirmed restore refused, the confirmed one restored; the
// replacement serves the original's serial over TLS and the report says so.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PLAIN } from '../../../src/demo/palette.js';
import { runRmaDemo, type RmaDemoReport } from '../../../src/demo/rma-scenario.js';

const work = mkdtempSync(path.join(tmpdir(), 'tp-rma-demo-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('the rma demo scenario', () => {
  it('ends with the replacement serving the original serial, exit 0, and a report without secrets', async () => {
    const output: string[] = [];
    const reportFile = path.join(work, 'report.json');

    const run = await runRmaDemo({ dataDir: path.join(work, 'data'), keep: true, reportFile, write: (t) => output.push(t), palette: PLAIN });

    const text = output.join('');
    expect(run.report.problems).toEqual([]);
    expect(run.exitCode).toBe(0);
    const report = JSON.parse(readFileSync(reportFile, 'utf8')) as RmaDemoReport;
    expect(report).toMatchObject({ scenario: 'rma', asExpected: true, sameSerialAsOriginal: true, restore: { outcome: 'RESTORED' }, unconfirmedRestore: { error: 'HostKeyMismatchError', loginsOnReplacement: 0 } });
    expect(report.backup.items).toEqual([expect.objectContaining({ source: 'issued', reused: true, interfaces: ['outside'] })]);
    const original = report.original.servedAfterRenewal;
    const after = report.replacement.servedAfterRestore;
    const before = report.replacement.servedBeforeRestore;
    if (!original.ok || !after?.ok) throw new Error(text);
    expect(after.serial).toBe(original.serial);
    expect(before.ok && before.serial).not.toBe(original.serial);
    expect(report.replacement.hostKeySha256).not.toBe(report.original.hostKeySha256);
    expect(text).toContain(`the replacement serves the same serial as the original did (${original.serial})`);
    expect(text).not.toMatch(/PRIVATE KEY|BEGIN PKCS12/);
  });
});
