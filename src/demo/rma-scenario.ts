// `npm run demo -- --scenario rma`: a firewall fails and is replaced (RMA), and its VPN
// certificate comes back from backup without a new key or a new certificate.
//
//   1. asa-rma is set up with a certificate that expires in 10 days, renewed by renew-device.
//   2. backup-device backs it up (the renewal's own bundle has the same serial: it is reused).
//   3. The unit "fails" (its simulator stops). The replacement is a new simulator made by
//      cloneForRma: the failed unit's saved configuration, no key pairs, a new SSH host key.
//      The operator points the inventory at it (here: a new loopback port).
//   4. restore-device without confirming the new host key: refused before any command.
//   5. restore-device with the fingerprint read on the replacement's console: the backup is
//      imported into the same trustpoint, bound as before, verified over TLS, saved.
//   6. A TLS handshake to the replacement's outside interface: the same serial as the original.
// Exit 0 when the replacement serves the original's serial and every step went as described.
import { rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { cloneForRma, startSimulator, type RunningSimulator } from '../../sim/fleet.js';
import { progressPrinter } from '../cli/commands/backup.js';
import { restoreSummary } from '../cli/commands/restore.js';
import { openLocalBackupEnvironment, runLocalBackupDevice, runLocalRestoreDevice } from '../local/backup-environment.js';
import { openLocalEnvironment, runLocalRenewDevice } from '../local/environment.js';
import type { Palette } from './palette.js';
import { prepareDataDir } from './run-demo.js';
import type { DemoDevice } from './scenario.js';
import { observeServedCertificate, type ServedCertificate } from './served.js';
import { setUpWorld, type DemoWorld } from './setup.js';

export const RMA_REPORT_FORMAT = 'trustpoint-demo-rma/1';

export const RMA_DEVICE: DemoDevice = {
  id: 'asa-rma',
  story: 'renewed, backed up, then fails and is replaced by a unit with no keys and a new host key',
  startingValidityDays: 10,
  startingTrustpoint: 'ASDM_TrustPoint0',
  failCommands: [],
  expected: 'RENEWED',
};

export interface RmaDemoOptions {
  dataDir?: string;
  keep: boolean;
  reportFile?: string;
  write: (text: string) => void;
  palette: Palette;
}

export interface RmaDemoReport {
  format: typeof RMA_REPORT_FORMAT;
  scenario: 'rma';
  startedAt: string;
  finishedAt: string;
  dataDir: string | null;
  deviceId: string;
  original: { hostKeySha256: string; servedAfterRenewal: ServedCertificate; renewalOutcome: string };
  backup: { status: string; items: { trustpoint: string; serial: string; interfaces: string[]; source: string; reused: boolean }[] };
  replacement: { hostKeySha256: string; servedBeforeRestore: ServedCertificate; servedAfterRestore: ServedCertificate | null };
  unconfirmedRestore: { status: string; error: string | null; loginsOnReplacement: number };
  restore: { status: string; outcome: string | null; error: string | null; cause: string | null };
  sameSerialAsOriginal: boolean;
  asExpected: boolean;
  problems: string[];
}

function served(s: ServedCertificate): string {
  return s.ok ? `serial ${s.serial}, CN ${s.subjectCn ?? '(none)'}, notAfter ${s.notAfter}` : `no TLS handshake (${s.error})`;
}

async function startReplacement(world: DemoWorld, dataDir: string): Promise<RunningSimulator> {
  const failed = world.devices[0]!.simulator;
  const stateDir = path.join(dataDir, 'sim-rma');
  const id = `${RMA_DEVICE.id}-replacement`;
  await cloneForRma(failed.stateFile, stateDir, id);
  return startSimulator({ id, stateDir });
}

export async function runRmaDemo(options: RmaDemoOptions): Promise<{ report: RmaDemoReport; exitCode: 0 | 1 }> {
  const { write, palette } = options;
  const startedAt = new Date();
  const { dir, temporary } = await prepareDataDir(options.dataDir);
  const kept = !temporary || options.keep;
  const problems: string[] = [];
  let world: DemoWorld | undefined;
  let replacement: RunningSimulator | undefined;
  try {
    write(`${palette.bold('trustpoint demo, scenario rma')}: a firewall is renewed, backed up, fails, and its replacement gets the same certificate back\n`);
    write(`Data directory: ${dir}${kept ? '' : ' (temporary, removed at the end; --keep keeps it)'}\n\n`);
    const env = await openLocalEnvironment(dir);
    world = await setUpWorld({ dataDir: dir, devices: [RMA_DEVICE], ca: env.localCa, inventory: env.inventory, secrets: env.secrets });
    const original = world.devices[0]!;
    const deviceId = RMA_DEVICE.id;

    write(`1. renew-device ${deviceId} (its certificate expires in ${RMA_DEVICE.startingValidityDays} days):\n`);
    const renewal = await runLocalRenewDevice(env, { deviceId }, { executionName: `rma-renew-${Date.now()}` });
    const renewalOutcome = renewal.status === 'SUCCEEDED' ? renewal.output.outcome : `FAILED (${renewal.error}: ${renewal.cause})`;
    if (renewalOutcome !== 'RENEWED') problems.push(`the renewal ended ${renewalOutcome}, expected RENEWED`);
    const servedAfterRenewal = await observeServedCertificate(original.outside);
    write(`   ${renewalOutcome}; outside serves ${served(servedAfterRenewal)}\n\n`);

    write(`2. backup-device ${deviceId}:\n`);
    const backupEnv = openLocalBackupEnvironment(env);
    const backup = await runLocalBackupDevice(backupEnv, { deviceId }, { onEvent: progressPrinter((t) => write(`  ${t}`)), executionName: `rma-backup-${Date.now()}` });
    const items = backup.status === 'SUCCEEDED' ? backup.output.items.map((i) => ({ trustpoint: i.trustpoint, serial: i.serial, interfaces: i.interfaces, source: i.source, reused: i.reused })) : [];
    if (backup.status !== 'SUCCEEDED') problems.push(`the backup failed: ${backup.error}: ${backup.cause}`);
    for (const item of items) {
      write(`   ${item.trustpoint} serial ${item.serial} (bound to ${item.interfaces.join(', ')}): ${item.reused && item.source === 'issued' ? 'the bundle the renewal issued has this serial: reused, not exported again' : 'exported'}\n`);
    }

    write(`\n3. ${deviceId} fails. Its replacement: the saved configuration, no key pairs, a new SSH host key.\n`);
    await original.simulator.stop();
    replacement = await startReplacement(world, dir);
    const outside = { host: replacement.info.host, port: replacement.info.tls['outside']! };
    const servedBeforeRestore = await observeServedCertificate(outside);
    write(`   replacement host key ${replacement.info.hostKeySha256} (the inventory pins ${original.simulator.info.hostKeySha256})\n`);
    write(`   outside serves ${served(servedBeforeRestore)}: the configuration names the certificate, but its key is gone\n`);
    const { device } = await env.inventory.getDevice(deviceId);
    await env.inventory.putDevice({ ...device, port: replacement.info.port, checks: { tls: { outside: `${outside.host}:${outside.port}` } } });
    write(`   the operator points the inventory at the replacement (${replacement.info.host}:${replacement.info.port})\n\n`);

    write('4. restore-device without confirming the new host key:\n');
    const unconfirmed = await runLocalRestoreDevice(backupEnv, { deviceId }, { executionName: `rma-restore-unconfirmed-${Date.now()}` });
    const logins = replacement.device.logins.length;
    if (unconfirmed.status !== 'FAILED' || unconfirmed.error !== 'HostKeyMismatchError' || logins !== 0) {
      problems.push(`the unconfirmed restore was not refused at the SSH handshake (status ${unconfirmed.status}, logins on the replacement ${logins})`);
    }
    write(`   ${unconfirmed.status === 'FAILED' ? palette.good(`refused: ${unconfirmed.error}`) : palette.bad('NOT refused')}; logins on the replacement: ${logins}\n\n`);

    write(`5. restore-device with the fingerprint read on the replacement's console (--host-key ${replacement.info.hostKeySha256}):\n`);
    const restore = await runLocalRestoreDevice(backupEnv, { deviceId, hostKeySha256: replacement.info.hostKeySha256 }, {
      onEvent: progressPrinter((t) => write(`  ${t}`)),
      executionName: `rma-restore-${Date.now()}`,
    });
    if (restore.status === 'SUCCEEDED') write(`${restoreSummary(restore.output).trimEnd().replace(/^/gm, '   ')}\n`);
    else write(`   ${palette.bad(`FAILED: ${restore.error}`)}: ${restore.cause}\n`);
    const restoreOutcome = restore.status === 'SUCCEEDED' ? restore.output.outcome : null;
    if (restoreOutcome !== 'RESTORED') problems.push(`the restore ended ${restoreOutcome ?? `FAILED (${restore.status === 'FAILED' ? restore.error : ''})`}, expected RESTORED`);

    const servedAfterRestore = await observeServedCertificate(outside);
    const same = servedAfterRenewal.ok && servedAfterRestore.ok && servedAfterRenewal.serial === servedAfterRestore.serial;
    if (!same) problems.push(`the replacement serves ${served(servedAfterRestore)}, the original served ${served(servedAfterRenewal)}`);
    write(`\n6. TLS handshake to the replacement's outside interface: ${served(servedAfterRestore)}\n`);
    write(same ? palette.good(`   the replacement serves the same serial as the original did (${servedAfterRenewal.ok ? servedAfterRenewal.serial : ''})\n`) : palette.bad('   NOT the original serial\n'));

    const report: RmaDemoReport = {
      format: RMA_REPORT_FORMAT,
      scenario: 'rma',
      startedAt: startedAt.toISOString(),
      finishedAt: new Date().toISOString(),
      dataDir: kept ? dir : null,
      deviceId,
      original: { hostKeySha256: original.simulator.info.hostKeySha256, servedAfterRenewal, renewalOutcome },
      backup: { status: backup.status, items },
      replacement: { hostKeySha256: replacement.info.hostKeySha256, servedBeforeRestore, servedAfterRestore },
      unconfirmedRestore: { status: unconfirmed.status, error: unconfirmed.status === 'FAILED' ? unconfirmed.error : null, loginsOnReplacement: logins },
      restore: {
        status: restore.status,
        outcome: restoreOutcome,
        error: restore.status === 'FAILED' ? restore.error : null,
        cause: restore.status === 'FAILED' ? restore.cause : null,
      },
      sameSerialAsOriginal: same,
      asExpected: problems.length === 0,
      problems,
    };
    if (options.reportFile) await writeFile(options.reportFile, `${JSON.stringify(report, null, 2)}\n`);
    write(`\n${report.asExpected ? palette.good('As expected.') : palette.bad(`Not as expected: ${problems.join('; ')}`)}\n`);
    return { report, exitCode: report.asExpected ? 0 : 1 };
  } finally {
    await replacement?.stop();
    await world?.stop();
    if (!kept) await rm(dir, { recursive: true, force: true });
  }
}
