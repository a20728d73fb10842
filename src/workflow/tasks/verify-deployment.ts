// VerifyDeployment (DESIGN.md 1.6), read-only: the new binding on every interface, the serial
// Available and inside its validity on the device, and, where the device record names a TLS
// endpoint for an interface that answers, a handshake presenting the new serial with the full
// chain. An endpoint that does not answer is reported as skipped (management-only access).
import type { TlsEndpoint } from '../../asa/tls-probe.js';
import { parseEndpoint, type DeviceRecord } from '../../inventory/device.js';
import type { TaskInput, TaskOutput } from '../contracts.js';
import type { TaskDependencies } from '../dependencies.js';
import { holdLease, withDeviceSession, type StepContext } from './shared.js';

const UNREACHABLE = /not reachable, not checked/;

export function tlsEndpointsOf(device: DeviceRecord): Record<string, TlsEndpoint> {
  const endpoints: Record<string, TlsEndpoint> = {};
  for (const [name, endpoint] of Object.entries(device.checks?.tls ?? {})) endpoints[name] = parseEndpoint(endpoint);
  return endpoints;
}

export async function verifyDeployment(deps: TaskDependencies, input: TaskInput<'VerifyDeployment'>): Promise<TaskOutput<'VerifyDeployment'>> {
  const ctx: StepContext = { deviceId: input.deviceId, executionId: input.executionId, step: 'VerifyDeployment' };
  await holdLease(deps, ctx);
  const entry = await deps.inventory.getDevice(input.deviceId);
  const interfaces = Object.keys(input.bindings);
  const tlsEndpoints = tlsEndpointsOf(entry.device);
  const report = await withDeviceSession(deps, entry, ctx, (session) =>
    session.verify(input.trustpoint, input.serial, interfaces, { ikev2: input.ikev2 !== null, tlsEndpoints }),
  );
  const tlsChecked = report.checks.filter((c) => c.name === 'TlsServesSerial' && !UNREACHABLE.test(c.detail));
  const tlsVerifiedInterfaces = interfaces.filter((name) => tlsEndpoints[name] !== undefined && tlsChecked.some((c) => c.detail.startsWith(`${name}: `)));
  return {
    verifiedInterfaces: interfaces,
    tlsVerifiedInterfaces,
    tlsSkippedInterfaces: interfaces.filter((name) => !tlsVerifiedInterfaces.includes(name)),
  };
}
