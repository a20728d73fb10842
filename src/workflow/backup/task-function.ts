// One backup or restore task function: the wrapper each Task runs in, locally and in a Lambda,
// with the discipline of src/workflow/task-function.ts: strict contract on the way in and out, a
// log line at start, success (references only) and failure. Kept apart from task-functions.ts
// so that a Lambda bundle holds only its own task.
import type { TaskLogLevel } from '../dependencies.js';
import type { BackupLambdaState, BackupTaskInput, BackupTaskOutput } from './contracts.js';
import { parseBackupTaskInput, parseBackupTaskOutput } from './contracts.js';
import type { BackupDependencies } from './ports.js';

export type BackupTaskFunction<S extends BackupLambdaState> = (input: BackupTaskInput<S>) => Promise<BackupTaskOutput<S>>;

export type BackupImplementation<S extends BackupLambdaState> = (deps: BackupDependencies, input: BackupTaskInput<S>) => Promise<BackupTaskOutput<S>>;

export function backupTaskFunction<S extends BackupLambdaState>(state: S, implementation: BackupImplementation<S>, deps: BackupDependencies): BackupTaskFunction<S> {
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
      const input = parseBackupTaskInput(state, raw);
      log('info', 'started');
      const output = parseBackupTaskOutput(state, await implementation(deps, input));
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

