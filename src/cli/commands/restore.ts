// `trustpoint restore <device> --host-key SHA256:...`: one restore-device execution against the
// local data directory, onto the replacement of a failed unit (RMA).
import { SFNClient } from '@aws-sdk/client-sfn';
import { DATA_DIR_OPTION, resolveDataDir } from '../../demo/data-dir.js';
import { PLAIN, paletteFor } from '../../demo/palette.js';
import { checkDeviceId } from '../../inventory/refs.js';
import { openLocalBackupEnvironment, runLocalRestoreDevice } from '../../local/backup-environment.js';
import { openLocalEnvironment } from '../../local/environment.js';
import { hostKeySha256Schema, type RestoreDeviceResult } from '../../workflow/backup/contracts.js';
import { awsOutcomeJson, followPrinter, unsuccessfulText } from '../aws-report.js';
import { awsHelp, awsOptions, isAwsMode, resolveStateMachine, type AwsNeeds } from '../aws-target.js';
import { EXIT_FAILURE, EXIT_OK, UsageError, booleanOption, stringOption, type CliIo, type Command, type ParsedArgs } from '../framework.js';
import { RESTORE_FOLLOW_TIMEOUT_MS, restoreOnAws } from './aws-backup.js';
import { checkDeviceKnown, progressPrinter } from './backup.js';

const AWS_NEEDS: AwsNeeds = { values: ['restoreDeviceArn'] };

function hostKeyLine(deviceId: string, hostKey: string | undefined): string {
  return `Restoring ${deviceId}${hostKey ? ` (host key confirmed by the operator: ${hostKey})` : " (no host key confirmed: the inventory's key is pinned)"}`;
}

/** `--aws`: one execution of the deployed restore-device, followed until it ends. */
async function restoreOnDeployedStack(args: ParsedArgs, io: CliIo, request: { deviceId: string; hostKey: string | undefined; json: boolean }): Promise<number> {
  const { deviceId, hostKey, json } = request;
  const target = resolveStateMachine(args, io, 'restoreDeviceArn');
  const palette = json ? PLAIN : paletteFor(process.stdout, io.env);
  if (!json) io.stdout(`${hostKeyLine(deviceId, hostKey)} on AWS (${target.arn})\n`);
  const outcome = await restoreOnAws(new SFNClient({ region: target.region }), { stateMachineArn: target.arn, deviceId, hostKeySha256: hostKey ?? null }, followPrinter(io, json));
  if (json) {
    io.stdout(awsOutcomeJson(deviceId, outcome));
    return outcome.status === 'SUCCEEDED' ? EXIT_OK : EXIT_FAILURE;
  }
  io.stdout('\n');
  if (outcome.status === 'SUCCEEDED') {
    io.stdout(restoreSummary(outcome.result));
    io.stdout(`Execution ${outcome.executionArn}\n  Console: ${outcome.consoleUrl}\n`);
    return EXIT_OK;
  }
  io.stdout(unsuccessfulText(outcome, outcome.status, palette, deviceId, RESTORE_FOLLOW_TIMEOUT_MS / 60_000));
  return EXIT_FAILURE;
}

export function restoreSummary(result: RestoreDeviceResult): string {
  const key = result.hostKey.changed
    ? `  host key: ${result.hostKey.hostKeySha256} confirmed and pinned (was ${result.hostKey.previousHostKeySha256})\n`
    : `  host key: ${result.hostKey.hostKeySha256} (unchanged)\n`;
  if (result.outcome === 'RESTORED') {
    const lines = result.restored.map((b) => {
      const verified = result.verified.find((v) => v.trustpoint === b.trustpoint);
      const imported = result.imported.find((i) => i.trustpoint === b.trustpoint);
      const tls = verified && verified.tlsVerifiedInterfaces.length > 0 ? `; TLS presents it on ${verified.tlsVerifiedInterfaces.join(', ')}` : '';
      const where = [...b.interfaces, ...(b.ikev2 ? ['IKEv2 remote access'] : [])].join(', ') || 'no interface';
      return `  ${b.trustpoint}: serial ${b.serial}, notAfter ${b.notAfter}, backup of ${b.takenAt}${imported?.alreadyPresent ? ' (already on the unit)' : ' imported'}; bound to ${where}${tls}\n`;
    });
    return `RESTORED\n${key}${lines.join('')}  configuration saved${result.standbyWritten ? '; write standby sent to the standby unit' : ''}\n`;
  }
  const renewal = result.renewal;
  const now = renewal.outcome === 'RENEWED' ? `  new certificate: serial ${renewal.current.serial} (${renewal.current.trustpoint}), notAfter ${renewal.current.notAfter}, on ${renewal.boundInterfaces.join(', ')}\n` : `  renewal: ${renewal.outcome}\n`;
  return `RENEWED_INSTEAD: no backup was restored\n${key}  why: ${result.reason}\n${result.unusable.map((u) => `  unusable: ${u.reason}\n`).join('')}${now}`;
}

export const restoreCommand: Command = {
  path: ['restore'],
  summary: 'Restore the certificates of a replaced device (RMA) from backup (restore-device, run locally or on AWS with --aws)',
  positionals: [{ name: '<device>', description: 'Device id in the inventory', required: true }],
  options: {
    'host-key': { type: 'string', valueName: 'SHA256:...', description: "The replacement's SSH host key fingerprint, read on its console; it becomes the pinned key" },
    json: { type: 'boolean', description: 'Print the result as JSON (no progress lines)' },
    'data-dir': DATA_DIR_OPTION,
    ...awsOptions(AWS_NEEDS),
  },
  details: `
Runs statemachines/restore-device.asl.json with the local runner. The replacement presents a
new SSH host key: read it on its console (ssh-keygen -lf form) and pass it with --host-key;
nothing is trusted on first use, and a key that does not match is refused before any command.
Then: preflight (a standby unit is refused: restore the active one, which sends write standby),
the latest usable backup of each trustpoint imported under the same name, bound exactly as
recorded, verified (serial, and TLS where reachable), saved. Without a usable backup (missing,
expired, undecryptable) the renewal runs instead: a new key on the new device; the output says so.
Exit codes: 0 RESTORED or RENEWED_INSTEAD; 1 failed; 2 usage error.

With --aws, starts an execution of the deployed restore-device state machine (input
{"deviceId", "hostKeySha256"}), prints each state as it is entered and the console URL, and
follows it until it ends (up to ${RESTORE_FOLLOW_TIMEOUT_MS / 60_000} minutes: a restore without a usable backup runs a
renewal). Same outcomes and exit codes.
${awsHelp(AWS_NEEDS)}`,
  async run(args, io) {
    const aws = isAwsMode(args, AWS_NEEDS);
    const deviceId = checkDeviceId(args.positionals[0], '<device>');
    const hostKey = stringOption(args, 'host-key');
    if (hostKey !== undefined && !hostKeySha256Schema.safeParse(hostKey).success) {
      throw new UsageError(`--host-key: "${hostKey.slice(0, 80)}" is not a fingerprint: expected "SHA256:" and 43 base64 characters, as ssh-keygen -lf prints it`);
    }
    const json = booleanOption(args, 'json');
    if (aws) return restoreOnDeployedStack(args, io, { deviceId, hostKey, json });
    const dataDir = resolveDataDir(args, io);
    if (!(await checkDeviceKnown(dataDir, deviceId, io, 'restore'))) return EXIT_FAILURE;
    const backup = openLocalBackupEnvironment(await openLocalEnvironment(dataDir));
    if (!json) io.stdout(`${hostKeyLine(deviceId, hostKey)}\n`);
    const result = await runLocalRestoreDevice(backup, { deviceId, hostKeySha256: hostKey ?? null }, {
      ...(json ? {} : { onEvent: progressPrinter(io.stdout) }),
      executionName: `restore-${deviceId}-${new Date().toISOString().replace(/[-:.]/g, '')}`,
    });
    if (json) {
      io.stdout(`${JSON.stringify(result.status === 'SUCCEEDED' ? { status: result.status, executionArn: result.executionArn, result: result.output } : { status: result.status, executionArn: result.executionArn, error: result.error, cause: result.cause }, null, 2)}\n`);
      return result.status === 'SUCCEEDED' ? EXIT_OK : EXIT_FAILURE;
    }
    if (result.status === 'FAILED') {
      io.stdout(`\nFAILED: ${result.error}\n  cause: ${result.cause}\n  SSH transcripts in ${backup.env.transcriptsDir}\n`);
      return EXIT_FAILURE;
    }
    io.stdout(`\n${restoreSummary(result.output)}`);
    return EXIT_OK;
  },
};
