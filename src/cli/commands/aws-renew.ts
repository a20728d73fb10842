// The AWS side of `trustpoint renew <device> --aws`: start one renew-device execution of the
// deployed state machine and follow it until it ends (src/cli/aws-execution.ts), then parse the
// result or return the error and cause. The CLI command owns flags and printing.
//
// The operator needs states:StartExecution on the renew-device state machine and
// states:DescribeExecution + states:GetExecutionHistory on its executions.
import type { SFNClient } from '@aws-sdk/client-sfn';
import { checkDeviceId } from '../../inventory/refs.js';
import { renewDeviceResultSchema } from '../../workflow/contracts.js';
import type { RenewDeviceResult } from '../../workflow/contracts.js';
import { executionNameFor, parseExecutionOutput, startAndFollowExecution, type ExecutionOutcome, type FollowOptions } from '../aws-execution.js';

/** renew-device ends within 60 minutes (the stack's execution timeout); follow a little longer. */
export const RENEW_FOLLOW_TIMEOUT_MS = 65 * 60_000;

export interface AwsRenewRequest {
  /** The RenewDeviceStateMachineArn output of the stack. */
  stateMachineArn: string;
  deviceId: string;
  force?: boolean;
  dryRun?: boolean;
}

/** The execution input to paste in the Step Functions console, the same the CLI sends. */
export function renewDeviceExecutionInput(request: Pick<AwsRenewRequest, 'deviceId' | 'force' | 'dryRun'>): string {
  return JSON.stringify({ deviceId: checkDeviceId(request.deviceId), force: request.force ?? false, dryRun: request.dryRun ?? false });
}

/** Starts a renew-device execution and follows it to its end (or the follow timeout). */
export async function renewOnAws(client: SFNClient, request: AwsRenewRequest, options: FollowOptions = {}): Promise<ExecutionOutcome<RenewDeviceResult>> {
  const now = options.now ?? (() => new Date());
  const end = await startAndFollowExecution(
    client,
    { stateMachineArn: request.stateMachineArn, stateMachineOutput: 'RenewDeviceStateMachineArn', name: executionNameFor(request.deviceId, now()), input: renewDeviceExecutionInput(request) },
    { followTimeoutMs: RENEW_FOLLOW_TIMEOUT_MS, ...options },
  );
  if (end.status !== 'SUCCEEDED') return end;
  const result = parseExecutionOutput(end.executionArn, end.output, 'renew-device result', (value) => renewDeviceResultSchema.safeParse(value));
  return { status: end.status, executionArn: end.executionArn, consoleUrl: end.consoleUrl, statesEntered: end.statesEntered, result };
}
