// renew-device's task map for the local runner where every Task calls the REAL Lambda handler
// module (lambdas/<folder>/handler.ts), each invocation with exactly the environment the CDK
// stack gives that function (environmentFor, the same function lib/task-functions.ts uses).
//
// - warm: each handler module is imported once and reused, as a warm container reuses its
//   module state (bound adapters, SDK clients, the cached master key, the CA's algorithm).
// - cold: vi.resetModules() before every invocation, then a fresh import: new module state, as
//   in a new container for every Task.
import { vi } from 'vitest';
import { environmentFor } from '../../../src/lambda/environment.js';
import type { TrustpointEnvironment } from '../../../src/lambda/environment.js';
import type { RenewDeviceTaskFunctions } from '../../../src/runner/local-runner.js';
import type { RenewDeviceLambdaState } from '../../../src/workflow/contracts.js';

type Handler = (event: unknown) => Promise<unknown>;

// One literal import per function, so each resolves through vitest like the bundler's entry.
const HANDLER_MODULES: Record<RenewDeviceLambdaState, () => Promise<{ handler: Handler }>> = {
  AcquireLock: () => import('../../../lambdas/acquire-lock/handler.js'),
  Preflight: () => import('../../../lambdas/preflight/handler.js'),
  IssueCertificate: () => import('../../../lambdas/issue-certificate/handler.js'),
  InstallCertificate: () => import('../../../lambdas/install-certificate/handler.js'),
  BindTrustpoint: () => import('../../../lambdas/bind-trustpoint/handler.js'),
  VerifyDeployment: () => import('../../../lambdas/verify-deployment/handler.js'),
  SaveConfiguration: () => import('../../../lambdas/save-configuration/handler.js'),
  Cleanup: () => import('../../../lambdas/cleanup/handler.js'),
  RecordState: () => import('../../../lambdas/record-state/handler.js'),
  ReleaseLock: () => import('../../../lambdas/release-lock/handler.js'),
  RemoveNewTrustpoint: () => import('../../../lambdas/remove-new-trustpoint/handler.js'),
  RollbackBinding: () => import('../../../lambdas/rollback-binding/handler.js'),
  RecordFailure: () => import('../../../lambdas/record-failure/handler.js'),
};

/** Variables every function sees besides the stack's: what the Lambda runtime sets. */
const RUNTIME_ENVIRONMENT = { AWS_REGION: 'eu-west-1', AWS_DEFAULT_REGION: 'eu-west-1' };

export interface HandlerInvocation<C = unknown> {
  state: RenewDeviceLambdaState;
  input: unknown;
  output?: unknown;
  error?: string;
  /** What `observe` returned new during this invocation (the AWS calls it made). */
  observed: C[];
}

export interface LambdaTasks<C = unknown> {
  tasks: RenewDeviceTaskFunctions;
  /** Every invocation, in order. */
  invocations: HandlerInvocation<C>[];
}

/**
 * Replaces the stack's variables in process.env with one function's (the handler reads
 * process.env when its container binds, on the first invocation).
 */
function enterFunctionEnvironment(state: RenewDeviceLambdaState, stack: TrustpointEnvironment): void {
  for (const key of Object.keys(stack)) delete process.env[key];
  Object.assign(process.env, RUNTIME_ENVIRONMENT, environmentFor(state, stack));
}

/**
 * `observe` returns an append-only log (e.g. the AWS calls so far); each invocation records the
 * entries it added. In warm mode the module registry is reset once, here: every function's first
 * invocation binds in a fresh module, as in a new container.
 */
export function lambdaTasks<C>(stack: TrustpointEnvironment, mode: 'warm' | 'cold', observe: () => C[] = () => []): LambdaTasks<C> {
  const warm = new Map<RenewDeviceLambdaState, Handler>();
  const invocations: HandlerInvocation<C>[] = [];
  if (mode === 'warm') vi.resetModules();

  const handlerOf = async (state: RenewDeviceLambdaState): Promise<Handler> => {
    if (mode === 'cold') {
      vi.resetModules();
      return (await HANDLER_MODULES[state]()).handler;
    }
    let handler = warm.get(state);
    if (handler === undefined) {
      handler = (await HANDLER_MODULES[state]()).handler;
      warm.set(state, handler);
    }
    return handler;
  };

  const invoke = (state: RenewDeviceLambdaState) => async (input: unknown) => {
    const invocation: HandlerInvocation<C> = { state, input, observed: [] };
    invocations.push(invocation);
    enterFunctionEnvironment(state, stack);
    const handler = await handlerOf(state);
    const seen = observe().length;
    try {
      invocation.output = await handler(input);
      return invocation.output;
    } catch (error) {
      invocation.error = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      throw error;
    } finally {
      invocation.observed = observe().slice(seen);
    }
  };

  const tasks = Object.fromEntries(Object.keys(HANDLER_MODULES).map((state) => [state, invoke(state as RenewDeviceLambdaState)])) as unknown as RenewDeviceTaskFunctions;
  return { tasks, invocations };
}
