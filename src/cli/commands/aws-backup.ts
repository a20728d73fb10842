// The AWS side of `trustpoint backup <device> --aws` and `trustpoint restore <device> --aws`:
// start one backup-device or restore-device execution of the deployed stack and follow it
// (src/cli/aws-execution.ts), then parse the result with its contract or return the error and
// cause. A failed restore whose renewal fallback failed reports the renewal's own error.
//
// The operator needs states:StartExecution on the state machine and states:DescribeExecution +
// states:GetExecutionHistory on its executions.
import type { SFNClient } from '@aws-sdk/client-sfn';
import { checkDeviceId } from '../../inventory/refs.js';
import { backupDeviceResultSchema, hostKeySha256Schema, restoreDeviceResultSchema } from '../../workflow/backup/contracts.js';
import type { BackupDeviceResult, RestoreDeviceResult } from '../../workflow/backup/contracts.js';
import { parseChildFailure } from '../../workflow/contracts.js';
import { ValidationError } from '../../errors.js';
import { executionNameFor, parseExecutionOutput, startAndFollowExecution, type ExecutionEnd, type ExecutionOutcome, type FollowOptions } from '../aws-execution.js';

/** The stack's execution timeouts (lib/state-machines.ts) plus five minutes. */
export const BACKUP_FOLLOW_TIMEOUT_MS = 65 * 60_000;
export const RESTORE_FOLLOW_TIMEOUT_MS = 125 * 60_000;

export interface AwsBackupRequest {
  /** The BackupDeviceStateMachineArn output of the stack. */
  stateMachineArn: string;
  deviceId: string;
  trustpoints?: string[];
  keepGenerations?: number;
}

export interface AwsRestoreRequest {
  /** The RestoreDeviceStateMachineArn output of the stack. */
  stateMachineArn: string;
  deviceId: string;
  /** The replacement's host key, confirmed by the operator; null: the inventory's key. */
  hostKeySha256: string | null;
}

/** The execution input to paste in the console, the same the CLI sends. */
export function backupDeviceExecutionInput(request: Omit<AwsBackupRequest, 'stateMachineArn'>): string {
  return JSON.stringify({
    deviceId: checkDeviceId(request.deviceId),
    ...(request.trustpoints === undefined || request.trustpoints.length === 0 ? {} : { trustpoints: request.trustpoints }),
    ...(request.keepGenerations === undefined ? {} : { keepGenerations: request.keepGenerations }),
  });
}

export function restoreDeviceExecutionInput(request: Omit<AwsRestoreRequest, 'stateMachineArn'>): string {
  if (request.hostKeySha256 !== null && !hostKeySha256Schema.safeParse(request.hostKeySha256).success) {
    throw new ValidationError('hostKeySha256', `${JSON.stringify(request.hostKeySha256.slice(0, 80))} is not an SSH host key fingerprint: expected "SHA256:" and 43 base64 characters, as ssh-keygen -lf prints it`);
  }
  return JSON.stringify({ deviceId: checkDeviceId(request.deviceId), hostKeySha256: request.hostKeySha256 });
}

function finish<T>(end: ExecutionEnd, parse: (end: Extract<ExecutionEnd, { status: 'SUCCEEDED' }>) => T): ExecutionOutcome<T> {
  const common = { executionArn: end.executionArn, consoleUrl: end.consoleUrl, statesEntered: end.statesEntered };
  if (end.status === 'SUCCEEDED') return { ...common, status: 'SUCCEEDED', result: parse(end) };
  if (end.status === 'STILL_RUNNING') return { ...common, status: 'STILL_RUNNING' };
  // restore-device starts renew-device (.sync:2) when there is no usable backup; a failure
  // that escapes as States.TaskFailed carries the child's DescribeExecution as its cause.
  const failure = parseChildFailure(end.error, end.cause);
  return { ...common, status: end.status, error: failure.error, cause: failure.cause };
}

export async function backupOnAws(client: SFNClient, request: AwsBackupRequest, options: FollowOptions = {}): Promise<ExecutionOutcome<BackupDeviceResult>> {
  const now = options.now ?? (() => new Date());
  const end = await startAndFollowExecution(
    client,
    { stateMachineArn: request.stateMachineArn, stateMachineOutput: 'BackupDeviceStateMachineArn', name: executionNameFor(request.deviceId, now()), input: backupDeviceExecutionInput(request) },
    { followTimeoutMs: BACKUP_FOLLOW_TIMEOUT_MS, ...options },
  );
  return finish(end, (e) => parseExecutionOutput(e.executionArn, e.output, 'backup-device result', (v) => backupDeviceResultSchema.safeParse(v)));
}

export async function restoreOnAws(client: SFNClient, request: AwsRestoreRequest, options: FollowOptions = {}): Promise<ExecutionOutcome<RestoreDeviceResult>> {
  const now = options.now ?? (() => new Date());
  const end = await startAndFollowExecution(
    client,
    { stateMachineArn: request.stateMachineArn, stateMachineOutput: 'RestoreDeviceStateMachineArn', name: executionNameFor(request.deviceId, now()), input: restoreDeviceExecutionInput(request) },
    { followTimeoutMs: RESTORE_FOLLOW_TIMEOUT_MS, ...options },
  );
  return finish(end, (e) => parseExecutionOutput(e.executionArn, e.output, 'restore-device result', (v) => restoreDeviceResultSchema.safeParse(v)));
}
