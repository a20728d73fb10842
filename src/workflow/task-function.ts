// One task function: the wrapper every Task runs in, locally and in a Lambda, for renew-device,
// renew-fleet, backup-device and restore-device alike. It parses its input and its output with
// the strict schemas of the machine's contract table (an extra field, say a passphrase, fails
// loudly) and logs its start, its result (references only) and its failure (error name and
// message, which never hold secrets). Kept apart from task-functions.ts so that a Lambda bundle
// holds only its own task.
import type { z } from 'zod';
import type { ContractState } from './contracts.js';
import { TASK_CONTRACTS, parseContract } from './contracts.js';
import type { TaskDependencies, TaskLogLevel } from './dependencies.js';

/** A machine's contracts: per Task state, the strict input and output schemas. */
export type ContractTable = Readonly<Record<string, { readonly input: z.ZodType; readonly output: z.ZodType }>>;
export type ContractInput<T extends ContractTable, S extends keyof T> = z.infer<T[S]['input']>;
export type ContractOutput<T extends ContractTable, S extends keyof T> = z.infer<T[S]['output']>;

export type ContractTaskFunction<T extends ContractTable, S extends keyof T> = (input: ContractInput<T, S>) => Promise<ContractOutput<T, S>>;
export type ContractImplementation<T extends ContractTable, S extends keyof T, D extends TaskDependencies> = (
  deps: D,
  input: ContractInput<T, S>,
) => Promise<ContractOutput<T, S>>;

/** One task function of any machine: parse (contracts[state]), log, run, parse the output, log. */
export function contractTaskFunction<T extends ContractTable, S extends keyof T & string, D extends TaskDependencies>(
  contracts: T,
  state: S,
  implementation: ContractImplementation<T, S, D>,
  deps: D,
): ContractTaskFunction<T, S> {
  const contract = contracts[state];
  if (contract === undefined) throw new Error(`no contract for the Task state ${state}`);
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
      const input = parseContract(contract.input as z.ZodType<ContractInput<T, S>>, raw, `${state} input`);
      log('info', 'started');
      const output = parseContract(contract.output as z.ZodType<ContractOutput<T, S>>, await implementation(deps, input), `${state} output`);
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

export type Implementation<S extends ContractState> = ContractImplementation<typeof TASK_CONTRACTS, S, TaskDependencies>;

/** One renew-device / renew-fleet task function. */
export function taskFunction<S extends ContractState>(state: S, implementation: Implementation<S>, deps: TaskDependencies): ContractTaskFunction<typeof TASK_CONTRACTS, S> {
  return contractTaskFunction(TASK_CONTRACTS, state, implementation, deps);
}
