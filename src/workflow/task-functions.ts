// The task functions of both state machines, keyed by Task state name, bound to their
// dependencies. The local runner calls this map in-process; each Lambda handler calls one entry.
// Every call parses its input and its output with the strict contract schemas (an extra field,
// say a passphrase, fails loudly) and logs its start, its result (references only) and its
// failure (error name and message, which never hold secrets).
import type { RenewFleetTaskFunctions } from '../runner/local-runner.js';
import type { ContractState, TaskInput, TaskOutput } from './contracts.js';
import { parseTaskInput, parseTaskOutput } from './contracts.js';
import type { TaskDependencies, TaskLogLevel } from './dependencies.js';
import { acquireLock } from './tasks/acquire-lock.js';
import { bindTrustpoint } from './tasks/bind-trustpoint.js';
import { cleanup } from './tasks/cleanup.js';
import { installCertificate } from './tasks/install-certificate.js';
import { issueCertificate } from './tasks/issue-certificate.js';
import { listDueDevices } from './tasks/list-due-devices.js';
import { preflight } from './tasks/preflight.js';
import { recordFailure } from './tasks/record-failure.js';
import { recordState } from './tasks/record-state.js';
import { releaseLock } from './tasks/release-lock.js';
import { removeNewTrustpoint } from './tasks/remove-new-trustpoint.js';
import { rollbackBinding } from './tasks/rollback-binding.js';
import { saveConfiguration } from './tasks/save-configuration.js';
import { summarize } from './tasks/summarize.js';
import { verifyDeployment } from './tasks/verify-deployment.js';

type Implementation<S extends ContractState> = (deps: TaskDependencies, input: TaskInput<S>) => Promise<TaskOutput<S>>;

async function notifyOperators(deps: TaskDependencies, input: TaskInput<'NotifyOperators'>): Promise<TaskOutput<'NotifyOperators'>> {
  return { messageId: await deps.notify(input.subject, input.message) };
}

/** One task function: parse, log, run, parse the output, log. */
export function taskFunction<S extends ContractState>(state: S, implementation: Implementation<S>, deps: TaskDependencies): (input: TaskInput<S>) => Promise<TaskOutput<S>> {
  return async (raw) => {
    const startedAt = Date.now();
    const ids = raw as { deviceId?: unknown; executionId?: unknown };
    const log = (level: TaskLogLevel, message: string): void =>
      deps.log({
        at: deps.clock.now().toISOString(),
        level,
        step: state,
        ...(typeof ids.deviceId === 'string' ? { deviceId: ids.deviceId } : {}),
        executionId: typeof ids.executionId === 'string' ? ids.executionId : '(none)',
        message,
      });
    try {
      const input = parseTaskInput(state, raw);
      log('info', 'started');
      const output = parseTaskOutput(state, await implementation(deps, input));
      log('info', `succeeded in ${Date.now() - startedAt} ms: ${JSON.stringify(output)}`);
      return output;
    } catch (error) {
      const name = error instanceof Error ? error.name : 'Error';
      const message = error instanceof Error ? error.message : String(error);
      log('error', `failed in ${Date.now() - startedAt} ms with ${name}: ${message}`);
      throw error;
    }
  };
}

/** Every Task of renew-device and renew-fleet (NotifyOperators included), bound to `deps`. */
export function buildTaskFunctions(deps: TaskDependencies): RenewFleetTaskFunctions {
  return {
    AcquireLock: taskFunction('AcquireLock', acquireLock, deps),
    Preflight: taskFunction('Preflight', preflight, deps),
    IssueCertificate: taskFunction('IssueCertificate', issueCertificate, deps),
    InstallCertificate: taskFunction('InstallCertificate', installCertificate, deps),
    BindTrustpoint: taskFunction('BindTrustpoint', bindTrustpoint, deps),
    VerifyDeployment: taskFunction('VerifyDeployment', verifyDeployment, deps),
    SaveConfiguration: taskFunction('SaveConfiguration', saveConfiguration, deps),
    Cleanup: taskFunction('Cleanup', cleanup, deps),
    RecordState: taskFunction('RecordState', recordState, deps),
    ReleaseLock: taskFunction('ReleaseLock', releaseLock, deps),
    RemoveNewTrustpoint: taskFunction('RemoveNewTrustpoint', removeNewTrustpoint, deps),
    RollbackBinding: taskFunction('RollbackBinding', rollbackBinding, deps),
    RecordFailure: taskFunction('RecordFailure', recordFailure, deps),
    ListDueDevices: taskFunction('ListDueDevices', listDueDevices, deps),
    Summarize: taskFunction('Summarize', summarize, deps),
    NotifyOperators: taskFunction('NotifyOperators', notifyOperators, deps),
  };
}
