// `trustpoint backup <device>`: one backup-device execution against the local data directory.
// `trustpoint backups <device>`: the backup catalog of a device (serials, trustpoints, notAfter,
// interfaces, when), newest first. Neither prints or stores a passphrase: those stay inside the
// encrypted bundles.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SFNClient } from '@aws-sdk/client-sfn';
import { DynamoDbBackupCatalog } from '../../aws/dynamodb-backup-catalog.js';
import { DATA_DIR_OPTION, resolveDataDir } from '../../demo/data-dir.js';
import { PLAIN, paletteFor } from '../../demo/palette.js';
import { DeviceNotFoundError } from '../../errors.js';
import { checkDeviceId } from '../../inventory/refs.js';
import { FileBackupCatalog, openLocalBackupEnvironment, runLocalBackupDevice } from '../../local/backup-environment.js';
import { openLocalEnvironment } from '../../local/environment.js';
import { FileInventory } from '../../local/file-inventory.js';
import type { BackupRunnerEvent } from '../../runner/backup-runner.js';
import { checkCliValue } from '../../asa/names.js';
import { DEFAULT_KEEP_BACKUP_GENERATIONS, MAX_KEEP_BACKUP_GENERATIONS, type BackupDeviceResult, type BackupEntry } from '../../workflow/backup/contracts.js';
import { awsOutcomeJson, followPrinter, unsuccessfulText } from '../aws-report.js';
import { awsHelp, awsOptions, isAwsMode, resolveRegion, resolveStackValue, resolveStateMachine, type AwsNeeds } from '../aws-target.js';
import { EXIT_FAILURE, EXIT_OK, booleanOption, integerOption, stringList, type CliIo, type Command, type ParsedArgs } from '../framework.js';
import { BACKUP_FOLLOW_TIMEOUT_MS, backupOnAws } from './aws-backup.js';

const BACKUP_AWS_NEEDS: AwsNeeds = { values: ['backupDeviceArn'] };
const BACKUPS_AWS_NEEDS: AwsNeeds = { values: ['backupTable'] };

/** What a backup-device execution did, trustpoint by trustpoint. */
export function backedUpText(out: BackupDeviceResult): string {
  const lines = [`BACKED_UP at ${out.takenAt}:\n`];
  for (const item of out.items) {
    const how = item.reused ? (item.source === 'issued' ? 'the bundle the renewal issued (same serial), not exported again' : 'already backed up (same serial), not exported again') : 'exported with crypto ca export';
    lines.push(`  ${item.trustpoint}  serial ${item.serial}  notAfter ${item.notAfter}  ${describeBinding(item)}  ${how}\n`);
  }
  if (out.prune) lines.push(`  kept ${out.prune.kept} backup(s); pruned ${out.prune.pruned.length}${out.prune.pruned.length ? `: ${out.prune.pruned.map((p) => `${p.trustpoint} serial ${p.serial}`).join(', ')}` : ''}\n`);
  if (out.pruneError) lines.push(`  pruning failed (${out.pruneError.Error}: ${out.pruneError.Cause}); the backup itself is stored\n`);
  return lines.join('');
}

/** `--aws`: one execution of the deployed backup-device, followed until it ends. */
async function backupOnDeployedStack(args: ParsedArgs, io: CliIo, request: { deviceId: string; trustpoints: string[]; keep: number | undefined; json: boolean }): Promise<number> {
  const { deviceId, trustpoints, keep, json } = request;
  const target = resolveStateMachine(args, io, 'backupDeviceArn');
  const palette = json ? PLAIN : paletteFor(process.stdout, io.env);
  if (!json) io.stdout(`Backing up ${deviceId} on AWS (${target.arn})\n`);
  const outcome = await backupOnAws(
    new SFNClient({ region: target.region }),
    { stateMachineArn: target.arn, deviceId, trustpoints, ...(keep === undefined ? {} : { keepGenerations: keep }) },
    followPrinter(io, json),
  );
  if (json) {
    io.stdout(awsOutcomeJson(deviceId, outcome));
    return outcome.status === 'SUCCEEDED' ? EXIT_OK : EXIT_FAILURE;
  }
  io.stdout('\n');
  if (outcome.status === 'SUCCEEDED') {
    io.stdout(backedUpText(outcome.result));
    io.stdout(`Execution ${outcome.executionArn}\n  Console: ${outcome.consoleUrl}\n`);
    return EXIT_OK;
  }
  io.stdout(unsuccessfulText(outcome, outcome.status, palette, deviceId, BACKUP_FOLLOW_TIMEOUT_MS / 60_000));
  if (outcome.status === 'FAILED') io.stdout('  Nothing on the device was changed.\n');
  return EXIT_FAILURE;
}

/** A line per Task state as it ends (or fails), for the operator watching the run. */
export function progressPrinter(write: (text: string) => void): (record: BackupRunnerEvent) => void {
  const entered = new Map<string, number>();
  return ({ stateMachine, event }) => {
    const e = event as { type: string; state?: { name: string; type?: string }; Error?: string; error?: string };
    const name = e.state?.name;
    if (name === undefined || e.state?.type !== 'Task') return;
    const key = `${stateMachine}/${name}`;
    if (e.type === 'StateEntered') entered.set(key, Date.now());
    const ms = Date.now() - (entered.get(key) ?? Date.now());
    const prefix = stateMachine === 'renew-device' ? 'renew-device: ' : '';
    if (e.type === 'StateExited') write(`  ok      ${prefix}${name} (${ms} ms)\n`);
    if (e.type === 'StateRetried') write(`  retry   ${prefix}${name}\n`);
    if (e.type === 'StateFailed') write(`  failed  ${prefix}${name} (${ms} ms)\n`);
  };
}

export async function checkDeviceKnown(dataDir: string, deviceId: string, io: CliIo, command: string): Promise<boolean> {
  try {
    await new FileInventory(dataDir).getDevice(deviceId);
    return true;
  } catch (error) {
    if (!(error instanceof DeviceNotFoundError)) throw error;
    io.stderr(`trustpoint ${command}: ${error.name}: ${error.message}; list the devices with \`trustpoint status\`\n`);
    return false;
  }
}

export const backupCommand: Command = {
  path: ['backup'],
  summary: 'Back up the certificates and keys of one device now (backup-device, run locally or on AWS with --aws)',
  positionals: [{ name: '<device>', description: 'Device id in the inventory', required: true }],
  options: {
    trustpoint: { type: 'string', multiple: true, valueName: 'TP', description: 'Also back up this trustpoint (repeatable); the bound ones always are' },
    keep: { type: 'string', valueName: 'N', description: `Backups kept per interface set (1-${MAX_KEEP_BACKUP_GENERATIONS}; default ${DEFAULT_KEEP_BACKUP_GENERATIONS})` },
    json: { type: 'boolean', description: 'Print the result as JSON (no progress lines)' },
    'data-dir': DATA_DIR_OPTION,
    ...awsOptions(BACKUP_AWS_NEEDS),
  },
  details: `
Runs statemachines/backup-device.asl.json with the local runner: every trustpoint bound with
"ssl trust-point" (and the IKEv2 remote-access one) is exported with
"crypto ca export <tp> pkcs12 <passphrase>" (a fresh random passphrase each time, stored only
inside the encrypted bundle), unless a bundle of the same serial exists already (the one the
renewal issued, or an earlier export). A running-config backup does not hold key pairs: this
does. Exit codes: 0 backed up; 1 failed (error name and the ASA's words); 2 usage error.

With --aws, starts an execution of the deployed backup-device state machine (input
{"deviceId", "trustpoints"?, "keepGenerations"?}), prints each state as it is entered and the
console URL, and follows it until it ends. The backups go to the stack's bundle bucket and
backup table. Same exit codes.
${awsHelp(BACKUP_AWS_NEEDS)}`,
  async run(args, io) {
    const aws = isAwsMode(args, BACKUP_AWS_NEEDS);
    const deviceId = checkDeviceId(args.positionals[0], '<device>');
    const trustpoints = stringList(args, 'trustpoint').map((tp) => checkCliValue('trustpoint', tp, '--trustpoint'));
    const keep = integerOption(args, 'keep', 1, MAX_KEEP_BACKUP_GENERATIONS);
    const json = booleanOption(args, 'json');
    if (aws) return backupOnDeployedStack(args, io, { deviceId, trustpoints, keep, json });
    const dataDir = resolveDataDir(args, io);
    if (!(await checkDeviceKnown(dataDir, deviceId, io, 'backup'))) return EXIT_FAILURE;
    const backup = openLocalBackupEnvironment(await openLocalEnvironment(dataDir));
    if (!json) io.stdout(`Backing up ${deviceId}\n`);
    const result = await runLocalBackupDevice(
      backup,
      { deviceId, ...(trustpoints.length > 0 ? { trustpoints } : {}), ...(keep === undefined ? {} : { keepGenerations: keep }) },
      { ...(json ? {} : { onEvent: progressPrinter(io.stdout) }), executionName: `backup-${deviceId}-${new Date().toISOString().replace(/[-:.]/g, '')}` },
    );
    if (json) {
      io.stdout(`${JSON.stringify(result.status === 'SUCCEEDED' ? { status: result.status, executionArn: result.executionArn, result: result.output } : { status: result.status, executionArn: result.executionArn, error: result.error, cause: result.cause }, null, 2)}\n`);
      return result.status === 'SUCCEEDED' ? EXIT_OK : EXIT_FAILURE;
    }
    if (result.status === 'FAILED') {
      io.stdout(`\nFAILED: ${result.error}\n  cause: ${result.cause}\n  Nothing was recorded; SSH transcripts in ${backup.env.transcriptsDir}\n`);
      return EXIT_FAILURE;
    }
    io.stdout(`\n${backedUpText(result.output)}`);
    return EXIT_OK;
  },
};

function describeBinding(entry: Pick<BackupEntry, 'interfaces' | 'ikev2'>): string {
  const where = [...entry.interfaces, ...(entry.ikev2 ? ['IKEv2'] : [])];
  return where.length > 0 ? `bound to ${where.join(', ')}` : 'not bound';
}

export function renderBackupList(entries: readonly BackupEntry[], now: Date): string {
  const rows = entries.map((e) => [
    e.takenAt.replace(/\.\d{3}Z$/, 'Z'),
    e.trustpoint,
    e.serial,
    `${e.notAfter.replace(/\.\d{3}Z$/, 'Z')}${Date.parse(e.notAfter) <= now.getTime() ? ' (expired)' : ''}`,
    [...e.interfaces, ...(e.ikev2 ? ['IKEv2'] : [])].join(',') || '-',
    e.source,
  ]);
  const header = ['TAKEN', 'TRUSTPOINT', 'SERIAL', 'NOT AFTER', 'INTERFACES', 'SOURCE'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  return [header, ...rows].map((r) => r.map((cell, i) => cell.padEnd(widths[i]!)).join('  ').trimEnd()).join('\n') + '\n';
}

export const backupsCommand: Command = {
  path: ['backups'],
  summary: 'List the backups of one device: serials, trustpoints, expiry, interfaces, dates',
  positionals: [{ name: '<device>', description: 'Device id in the inventory', required: true }],
  options: {
    json: { type: 'boolean', description: 'Print the entries as JSON' },
    'data-dir': DATA_DIR_OPTION,
    ...awsOptions(BACKUPS_AWS_NEEDS),
  },
  details: `
With --aws, lists the stack's backup catalog (DynamoDB, read with a consistent Query on the
device's id); it needs dynamodb:Query on the table and kms:Decrypt on the deployment key.
${awsHelp(BACKUPS_AWS_NEEDS)}`,
  async run(args, io) {
    const aws = isAwsMode(args, BACKUPS_AWS_NEEDS);
    const deviceId = checkDeviceId(args.positionals[0], '<device>');
    let entries: BackupEntry[];
    if (aws) {
      const region = resolveRegion(args, io);
      const tableName = resolveStackValue(args, io, 'backupTable');
      entries = await new DynamoDbBackupCatalog(new DynamoDBClient({ region }), { tableName }).list(deviceId);
    } else {
      const dataDir = resolveDataDir(args, io);
      if (!(await checkDeviceKnown(dataDir, deviceId, io, 'backups'))) return EXIT_FAILURE;
      entries = await new FileBackupCatalog(dataDir).list(deviceId);
    }
    if (booleanOption(args, 'json')) {
      io.stdout(`${JSON.stringify(entries, null, 2)}\n`);
      return EXIT_OK;
    }
    if (entries.length === 0) {
      const backup = `trustpoint backup ${deviceId}${aws ? ' --aws' : ''}`;
      io.stdout(`No backup of ${deviceId}. Take one with \`${backup}\`: a unit that fails without one gets a new key and certificate when it is replaced.\n`);
      return EXIT_OK;
    }
    io.stdout(renderBackupList(entries, new Date()));
    return EXIT_OK;
  },
};
