// What the `--aws` forms of renew, backup and restore print while following an execution and
// when it did not succeed. The execution's own words (error name, cause) are printed as Step
// Functions holds them: the payloads carry references only, never a secret.
import type { Palette } from '../demo/palette.js';
import type { ExecutionEnd, ExecutionOutcome, FollowOptions } from './aws-execution.js';
import type { CliIo } from './framework.js';

/** Progress lines indented under the command's first line, and the console URL once started. */
export function followPrinter(io: Pick<CliIo, 'stdout'>, quiet: boolean): FollowOptions {
  if (quiet) return {};
  return {
    onProgress: (line) => io.stdout(`  ${line}\n`),
    onStarted: (_arn, consoleUrl) => io.stdout(`  Console: ${consoleUrl}\n  (Ctrl-C stops following, not the execution)\n`),
  };
}

export type UnsuccessfulEnd = Exclude<ExecutionEnd, { status: 'SUCCEEDED' }>;

/** A hint for the operator when the error name says what to do next. */
export function nextStepHint(error: string, deviceId: string): string | undefined {
  switch (error) {
    case 'DeviceNotFoundError':
      return `${deviceId} is not in the inventory table: import the fleet file with \`trustpoint devices import FILE --aws\``;
    case 'DeviceBusyError':
      return 'another execution holds the device: wait for it to end (the Step Functions console lists the running executions)';
    case 'HostKeyMismatchError':
      return 'the device presented another SSH host key than the inventory pins: a replaced unit is restored with `trustpoint restore <device> --host-key SHA256:... --aws`; otherwise check what answers on that address';
    case 'States.Timeout':
      return 'the execution ran longer than the stack allows: the history in the console shows the state it was in';
    default:
      return undefined;
  }
}

/**
 * The end of an execution that did not succeed. `word` is what the operator reads first
 * (FAILED, ROLLED_BACK, TIMED_OUT, ABORTED).
 */
export function unsuccessfulText(end: UnsuccessfulEnd, word: string, palette: Palette, deviceId: string, followTimeoutMinutes: number): string {
  if (end.status === 'STILL_RUNNING') {
    return (
      `${palette.bad('STILL_RUNNING')}: stopped following after ${followTimeoutMinutes} minutes; the execution goes on\n` +
      `  follow it in the console: ${end.consoleUrl}\n` +
      `  or: aws stepfunctions describe-execution --execution-arn ${end.executionArn}\n`
    );
  }
  const hint = nextStepHint(end.error, deviceId);
  // RecordFailure prefixes the cause with the outcome, already said on the first line.
  const cause = end.cause.startsWith(`${word}: `) ? end.cause.slice(word.length + 2) : end.cause;
  return (
    `${palette.bad(word)}: ${end.error}\n` +
    `  cause: ${cause}\n` +
    (hint === undefined ? '' : `  next: ${hint}\n`) +
    `Execution ${end.executionArn}\n  Console: ${end.consoleUrl}\n`
  );
}

/**
 * The JSON the --aws forms of renew, backup and restore print: the status, the result or the
 * failure, the states entered. `outcome` (renew) is the word the operator reads first.
 */
export function awsOutcomeJson<T>(deviceId: string, outcome: ExecutionOutcome<T>, outcomeWord?: string): string {
  return `${JSON.stringify(
    {
      deviceId,
      executionArn: outcome.executionArn,
      consoleUrl: outcome.consoleUrl,
      status: outcome.status,
      ...(outcomeWord === undefined ? {} : { outcome: outcomeWord }),
      result: outcome.status === 'SUCCEEDED' ? outcome.result : null,
      failure: outcome.status === 'SUCCEEDED' || outcome.status === 'STILL_RUNNING' ? null : { error: outcome.error, cause: outcome.cause },
      statesEntered: outcome.statesEntered,
    },
    null,
    2,
  )}\n`;
}
