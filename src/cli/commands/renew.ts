// `trustpoint renew <device>`: one renew-device execution against the local data directory,
// with a progress line per state, then the outcome and what the device serves now (a TLS
// handshake to each interface of the record's checks.tls).
import { SFNClient } from '@aws-sdk/client-sfn';
import { DATA_DIR_OPTION, resolveDataDir } from '../../demo/data-dir.js';
import { paletteFor, PLAIN, type Palette } from '../../demo/palette.js';
import { createProgressPrinter } from '../../demo/progress.js';
import { deviceOutcome } from '../../demo/report.js';
import { observeServedCertificate, type ServedCertificate } from '../../demo/served.js';
import { expiryPhrase } from '../../demo/step-details.js';
import { DeviceNotFoundError } from '../../errors.js';
import { parseEndpoint, type DeviceRecord } from '../../inventory/device.js';
import { checkDeviceId } from '../../inventory/refs.js';
import { openLocalEnvironment, runLocalRenewDevice } from '../../local/environment.js';
import { FileInventory } from '../../local/file-inventory.js';
import { outcomeFromFailureCause, type RenewDeviceResult } from '../../workflow/contracts.js';
import { awsOutcomeJson, followPrinter, unsuccessfulText } from '../aws-report.js';
import { awsHelp, awsOptions, isAwsMode, resolveStateMachine, type AwsNeeds } from '../aws-target.js';
import { EXIT_FAILURE, EXIT_OK, booleanOption, type CliIo, type Command, type ParsedArgs } from '../framework.js';
import { RENEW_FOLLOW_TIMEOUT_MS, renewOnAws } from './aws-renew.js';

const AWS_NEEDS: AwsNeeds = { values: ['renewDeviceArn'] };

/** What each interface with a TLS check endpoint presents right now. */
export async function servedNow(device: DeviceRecord): Promise<Record<string, ServedCertificate>> {
  const served: Record<string, ServedCertificate> = {};
  for (const [iface, endpoint] of Object.entries(device.checks?.tls ?? {})) {
    served[iface] = await observeServedCertificate(parseEndpoint(endpoint));
  }
  return served;
}

function servedLines(served: Record<string, ServedCertificate>): string {
  const entries = Object.entries(served);
  if (entries.length === 0) return 'Serves now: not checked (the device record has no checks.tls endpoint)\n';
  return entries
    .map(([iface, s]) =>
      s.ok
        ? `Serves now on ${iface} (${s.endpoint}): serial ${s.serial}, CN ${s.subjectCn ?? '(none)'}, notAfter ${s.notAfter}, ${expiryPhrase(s.notAfter, new Date())}, chain of ${s.chainLength}\n`
        : `Serves now on ${iface} (${s.endpoint}): no TLS handshake (${s.error})\n`,
    )
    .join('');
}

function successText(result: RenewDeviceResult, palette: Palette): string {
  switch (result.outcome) {
    case 'RENEWED': {
      const c = result.current;
      const previous = result.previous.serial === null ? 'no certificate' : `serial ${result.previous.serial}${result.previous.trustpoint ? ` (${result.previous.trustpoint})` : ''}`;
      const tls = result.tlsVerifiedInterfaces.length > 0 ? `; TLS verified on ${result.tlsVerifiedInterfaces.join(', ')}` : '';
      return (
        `${palette.good('RENEWED')}: ${previous} -> serial ${c.serial} (${c.trustpoint}), notAfter ${c.notAfter}, ${expiryPhrase(c.notAfter, new Date())}\n` +
        `  ssl trust-point ${c.trustpoint} on ${result.boundInterfaces.join(', ')}${result.ikev2Bound ? ' and IKEv2 remote access' : ''}${tls}; configuration saved\n` +
        `  reason: ${result.reason}\n`
      );
    }
    case 'NOT_DUE':
      return `${palette.good('NOT_DUE')}: ${result.reason}\n`;
    case 'DRY_RUN': {
      const now = Object.entries(result.bindings)
        .map(([iface, tp]) => `${iface} -> ${tp ?? '(none)'}`)
        .join(', ');
      return `${palette.good('DRY_RUN')} (${result.decision}): ${result.reason}\n  would create trustpoint ${result.wouldCreateTrustpoint} and bind it (now: ${now}); nothing was changed\n`;
    }
  }
}

interface RenewRequest {
  deviceId: string;
  force: boolean;
  dryRun: boolean;
  json: boolean;
}

/** `--aws`: one execution of the deployed renew-device, followed until it ends. */
async function renewOnDeployedStack(args: ParsedArgs, io: CliIo, request: RenewRequest): Promise<number> {
  const { deviceId, force, dryRun, json } = request;
  const target = resolveStateMachine(args, io, 'renewDeviceArn');
  const palette = json ? PLAIN : paletteFor(process.stdout, io.env);
  if (!json) {
    const mode = [force ? 'forced' : '', dryRun ? 'dry run: nothing will change' : ''].filter(Boolean).join(', ');
    io.stdout(`Renewing ${deviceId} on AWS (${target.arn})${mode ? ` [${mode}]` : ''}\n`);
  }
  const outcome = await renewOnAws(new SFNClient({ region: target.region }), { stateMachineArn: target.arn, deviceId, force, dryRun }, followPrinter(io, json));
  const word = outcome.status === 'FAILED' ? outcomeFromFailureCause(outcome.cause) : outcome.status;
  if (json) {
    io.stdout(awsOutcomeJson(deviceId, outcome, outcome.status === 'SUCCEEDED' ? outcome.result.outcome : word));
    return outcome.status === 'SUCCEEDED' ? EXIT_OK : EXIT_FAILURE;
  }
  io.stdout('\n');
  if (outcome.status === 'SUCCEEDED') {
    io.stdout(successText(outcome.result, palette));
    io.stdout(`Execution ${outcome.executionArn}\n  Console: ${outcome.consoleUrl}\n`);
    return EXIT_OK;
  }
  io.stdout(unsuccessfulText(outcome, word, palette, deviceId, RENEW_FOLLOW_TIMEOUT_MS / 60_000));
  return EXIT_FAILURE;
}

export const renewCommand: Command = {
  path: ['renew'],
  summary: 'Renew the certificate of one device now (renew-device, run locally or on AWS with --aws)',
  positionals: [{ name: '<device>', description: 'Device id in the inventory', required: true }],
  options: {
    force: { type: 'boolean', description: 'Renew even when the certificate is not due' },
    'dry-run': { type: 'boolean', description: 'Read the device and decide, change nothing' },
    json: { type: 'boolean', description: 'Print the result as JSON (no progress lines)' },
    'data-dir': DATA_DIR_OPTION,
    ...awsOptions(AWS_NEEDS),
  },
  details: `
Runs statemachines/renew-device.asl.json with the local runner: lock, preflight (SSH, read
only), issue (local CA), crypto ca import pkcs12, ssl trust-point, verify (SSH + TLS), write
memory, record. Any failure after binding began restores the previous binding.
Exit codes: 0 RENEWED, NOT_DUE or DRY_RUN; 1 ROLLED_BACK or FAILED (error name, cause and
what the device serves now are printed); 2 usage error.

With --aws, starts an execution of the deployed renew-device state machine (the input is
{"deviceId", "force", "dryRun"}, what you would paste in the console), prints each state as it
is entered and the console URL, and follows it until it ends (up to ${RENEW_FOLLOW_TIMEOUT_MS / 60_000} minutes; the
execution goes on if you stop following). Same outcomes and exit codes; a ROLLED_BACK or FAILED
execution prints its error name and cause. Nothing is read from the local data directory.
${awsHelp(AWS_NEEDS)}`,
  async run(args, io: CliIo) {
    const aws = isAwsMode(args, AWS_NEEDS);
    const deviceId = checkDeviceId(args.positionals[0], '<device>');
    const force = booleanOption(args, 'force');
    const dryRun = booleanOption(args, 'dry-run');
    const json = booleanOption(args, 'json');
    if (aws) return renewOnDeployedStack(args, io, { deviceId, force, dryRun, json });
    const dataDir = resolveDataDir(args, io);
    const palette = json ? PLAIN : paletteFor(process.stdout, io.env);

    let device: DeviceRecord;
    try {
      // Read the record before opening the environment, which creates a CA on first use.
      device = (await new FileInventory(dataDir).getDevice(deviceId)).device;
    } catch (error) {
      if (error instanceof DeviceNotFoundError) {
        io.stderr(`trustpoint renew: ${error.name}: ${error.message}; list the devices with \`trustpoint status\` or import a fleet file with \`trustpoint devices import FILE\`\n`);
        return EXIT_FAILURE;
      }
      throw error;
    }
    const env = await openLocalEnvironment(dataDir);

    if (!json) {
      const mode = [force ? 'forced' : '', dryRun ? 'dry run: nothing will change' : ''].filter(Boolean).join(', ');
      io.stdout(`Renewing ${device.id} (${device.host}:${device.port}, ssl trust-point on ${device.interfaces.join(', ')})${mode ? ` [${mode}]` : ''}\n`);
    }
    const printer = createProgressPrinter({ style: 'device', write: json ? () => undefined : io.stdout, palette });
    const executionName = `renew-${device.id}-${new Date().toISOString().replace(/[-:.]/g, '')}`;
    const result = await runLocalRenewDevice(env, { deviceId, force, dryRun }, { onEvent: printer.onEvent, executionName });
    const served = await servedNow(device);
    const execution = printer.tracker.latestFor(device.id);
    const outcome = deviceOutcome(execution, new Date());

    if (json) {
      const failure = result.status === 'FAILED' ? (outcome.failure ?? { error: result.error, failedStep: null, cause: result.cause, asaSaid: null }) : null;
      io.stdout(
        `${JSON.stringify(
          {
            deviceId,
            executionArn: result.executionArn,
            status: result.status,
            outcome: result.status === 'SUCCEEDED' ? result.output.outcome : outcome.outcome,
            result: result.status === 'SUCCEEDED' ? result.output : null,
            failure,
            servedNow: served,
            steps: (execution?.steps ?? []).map((s) => ({ state: s.state, status: s.status, retries: s.retries, ms: s.exitedAt === undefined ? null : s.exitedAt - s.enteredAt })),
          },
          null,
          2,
        )}\n`,
      );
      return result.status === 'SUCCEEDED' ? EXIT_OK : EXIT_FAILURE;
    }

    io.stdout('\n');
    if (result.status === 'SUCCEEDED') {
      io.stdout(successText(result.output, palette));
      io.stdout(servedLines(served));
      return EXIT_OK;
    }
    const failure = outcome.failure;
    const word = outcome.outcome === 'ROLLED_BACK' ? 'ROLLED_BACK' : 'FAILED';
    io.stdout(`${palette.bad(word)}: ${result.error}${failure?.failedStep ? ` at ${failure.failedStep}` : ''}\n`);
    if (failure?.asaSaid) io.stdout(`  the ASA said: ${failure.asaSaid}\n`);
    io.stdout(`  cause: ${result.cause}\n`);
    io.stdout(servedLines(served));
    io.stdout(`Execution ${result.executionArn}; SSH transcripts in ${env.transcriptsDir}\n`);
    return EXIT_FAILURE;
  },
};
