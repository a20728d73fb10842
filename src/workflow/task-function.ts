// One task function: the wrapper every Task runs in, locally and in a Lambda. It parses its
// input and its output with the strict contract schemas (an extra field, say a passphrase,
// fails loudly) and logs its start, its result (references only) and its failure (error name
// and message, which never hold secrets). Kept apart from task-functions.ts so that a Lambda
// bundle holds only its own task.
import type { ContractState, TaskInput, TaskOutput } from './contracts.js';
import { parseTaskInput, parseTaskOutput } from './contracts.js';
import type { TaskDependencies, TaskLogLevel } from './dependencies.js';

export type Implementation<S extends ContractState> = (deps: TaskDependencies, input: TaskInput<S>) => Promise<TaskOutput<S>>;

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
