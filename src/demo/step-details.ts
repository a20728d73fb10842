// One short phrase per completed Task state, for progress lines: what the step found or did,
// read from the step's result in the state data (the ResultPath of the ASL). The contract
// schemas parse it; a shape they do not accept gives no phrase rather than a wrong one.
import type { z } from 'zod';
import { readRawDefinition } from '../runner/definitions.js';
import {
  TASK_CONTRACTS,
  type ContractState,
  type StateMachineName,
  type TaskOutput,
} from '../workflow/contracts.js';
import { daysBetween } from './served.js';

let resultPaths: Map<string, string> | undefined;

/** State name -> the top-level key its ResultPath writes (`$.preflight` -> `preflight`), both machines. */
export function taskResultKeys(): Map<string, string> {
  if (resultPaths) return resultPaths;
  const keys = new Map<string, string>();
  for (const machine of ['renew-device', 'renew-fleet'] as StateMachineName[]) {
    const states = readRawDefinition(machine)['States'] as Record<string, { Type?: string; ResultPath?: unknown }>;
    for (const [name, state] of Object.entries(states)) {
      const match = typeof state.ResultPath === 'string' ? /^\$\.([A-Za-z0-9_]+)$/.exec(state.ResultPath) : null;
      if (state.Type === 'Task' && match?.[1]) keys.set(name, match[1]);
    }
  }
  resultPaths = keys;
  return keys;
}

/** The result of Task `state` inside the state data it exited with, parsed by its contract. */
export function stepResult<S extends ContractState>(state: S, stateData: unknown): TaskOutput<S> | undefined {
  const key = taskResultKeys().get(state);
  if (key === undefined || typeof stateData !== 'object' || stateData === null) return undefined;
  const schema = TASK_CONTRACTS[state].output as unknown as z.ZodType<TaskOutput<S>>;
  const parsed = schema.safeParse((stateData as Record<string, unknown>)[key]);
  return parsed.success ? parsed.data : undefined;
}

export function expiryPhrase(notAfter: string | null, now: Date): string {
  if (notAfter === null) return 'no certificate served';
  const days = daysBetween(now, new Date(notAfter));
  if (days < 0) return `expired ${-days} day${days === -1 ? '' : 's'} ago`;
  return `expires in ${days} day${days === 1 ? '' : 's'}`;
}

function isContractState(state: string): state is ContractState {
  return Object.hasOwn(TASK_CONTRACTS, state);
}

/** `due: expires in 9 days`, `serial 7b21... valid to 2027-11-27`, ... or undefined. */
export function describeStep(state: string, stateData: unknown, now: Date): string | undefined {
  if (!isContractState(state)) return undefined;
  switch (state) {
    case 'AcquireLock': {
      const r = stepResult('AcquireLock', stateData);
      return r && `lease until ${r.leaseExpiresAt}`;
    }
    case 'Preflight': {
      const r = stepResult('Preflight', stateData);
      if (!r) return undefined;
      const decision = r.decision === 'NOT_DUE' ? 'not due' : r.decision === 'FORCED' ? 'forced' : 'due';
      const serving = r.current.serial === null ? 'nothing bound' : expiryPhrase(r.current.notAfter, now);
      return `${decision}: ${serving}`;
    }
    case 'IssueCertificate': {
      const r = stepResult('IssueCertificate', stateData);
      return r && `serial ${r.serial}, valid to ${r.notAfter.slice(0, 10)}`;
    }
    case 'InstallCertificate': {
      const r = stepResult('InstallCertificate', stateData);
      return r && (r.alreadyInstalled ? `${r.trustpoint} already holds ${r.serial}` : `imported into ${r.trustpoint}`);
    }
    case 'BindTrustpoint': {
      const r = stepResult('BindTrustpoint', stateData);
      return r && `ssl trust-point on ${r.boundInterfaces.join(', ') || '(no interface)'}${r.ikev2Bound ? ' and IKEv2' : ''}`;
    }
    case 'VerifyDeployment': {
      const r = stepResult('VerifyDeployment', stateData);
      if (!r) return undefined;
      const tls = r.tlsVerifiedInterfaces.length > 0 ? `; TLS handshake on ${r.tlsVerifiedInterfaces.join(', ')} shows the new serial` : '';
      return `bound on ${r.verifiedInterfaces.join(', ')}${tls}`;
    }
    case 'SaveConfiguration': {
      const r = stepResult('SaveConfiguration', stateData);
      return r && `write memory [OK]${r.standbyWritten ? ', write standby' : ''}`;
    }
    case 'Cleanup': {
      const r = stepResult('Cleanup', stateData);
      return r && (r.removedTrustpoints.length > 0 ? `removed ${r.removedTrustpoints.join(', ')}` : 'nothing to remove');
    }
    case 'RecordState': {
      const r = stepResult('RecordState', stateData);
      return r && 'inventory updated';
    }
    case 'ReleaseLock': {
      const r = stepResult('ReleaseLock', stateData);
      return r && (r.released ? 'lease released' : 'no lease held');
    }
    case 'RemoveNewTrustpoint': {
      const r = stepResult('RemoveNewTrustpoint', stateData);
      return r && (r.removed ? 'new trustpoint removed' : 'no new trustpoint to remove');
    }
    case 'RollbackBinding': {
      const r = stepResult('RollbackBinding', stateData);
      if (!r) return undefined;
      const restored = r.restoredInterfaces.length > 0 ? `restored ${r.restoredInterfaces.join(', ')}` : 'bindings unchanged';
      return `${restored}${r.unboundInterfaces.length > 0 ? `, unbound ${r.unboundInterfaces.join(', ')}` : ''}${r.saved ? ', saved' : ''}`;
    }
    case 'RecordFailure': {
      const r = stepResult('RecordFailure', stateData);
      return r && `${r.outcome} recorded (${r.error} at ${r.failedStep})`;
    }
    case 'ListDueDevices': {
      const r = stepResult('ListDueDevices', stateData);
      return r && `${r.devices.length} of ${r.checkedCount} device(s) to run, ${r.maxConcurrency} at a time`;
    }
    case 'Summarize': {
      const r = stepResult('Summarize', stateData);
      return r && `${r.renewed} renewed, ${r.notDue} not due, ${r.rolledBack} rolled back, ${r.failed} failed`;
    }
    default:
      return undefined;
  }
}
