// The task functions of both state machines, keyed by Task state name, bound to their
// dependencies. The local runner calls this map in-process; each Lambda handler wraps its one
// task with `taskFunction` (task-function.ts) directly.
import type { RenewFleetTaskFunctions } from '../runner/local-runner.js';
import type { TaskInput, TaskOutput } from './contracts.js';
import type { TaskDependencies } from './dependencies.js';
import { taskFunction } from './task-function.js';
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

export { taskFunction, type Implementation } from './task-function.js';

async function notifyOperators(deps: TaskDependencies, input: TaskInput<'NotifyOperators'>): Promise<TaskOutput<'NotifyOperators'>> {
  return { messageId: await deps.notify(input.subject, input.message) };
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
