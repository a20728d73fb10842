// Task dependencies over the real local adapters in a temporary directory, for the tasks that
// touch no device. Connecting to a device is refused: a unit test that tries is wrong.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { DeviceRecordInput } from '../../../../src/inventory/device.js';
import { parseDevice } from '../../../../src/inventory/device.js';
import { openLocalAdapters, type LocalAdapters } from '../../../../src/local/local-adapters.js';
import type { Clock } from '../../../../src/ports.js';
import { taskOptions, type TaskDependencies, type TaskLogEntry, type TaskOptions } from '../../../../src/workflow/dependencies.js';

export interface LocalDeps {
  dir: string;
  env: LocalAdapters;
  deps: TaskDependencies;
  logs: TaskLogEntry[];
  notifications: { subject: string; message: string }[];
  clock: Clock & { set(iso: string): void };
  remove(): void;
}

export async function localDeps(options: Partial<TaskOptions> = {}): Promise<LocalDeps> {
  const dir = mkdtempSync(path.join(tmpdir(), 'trustpoint-tasks-'));
  let now = new Date('2026-06-01T12:00:00Z');
  const clock = { now: () => new Date(now), set: (iso: string) => void (now = new Date(iso)) };
  const env = await openLocalAdapters(dir, { clock, caKeySpec: 'ec:p256' });
  const logs: TaskLogEntry[] = [];
  const notifications: { subject: string; message: string }[] = [];
  const deps: TaskDependencies = {
    inventory: env.inventory,
    secrets: env.secrets,
    bundles: env.bundles,
    ca: env.ca,
    devices: {
      connect: () => Promise.reject(new Error('unit tests do not connect to devices')),
    },
    clock,
    log: (entry) => logs.push(entry),
    notify: async (subject, message) => {
      notifications.push({ subject, message });
      return `message-${notifications.length}`;
    },
    options: taskOptions(options),
  };
  return { dir, env, deps, logs, notifications, clock, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export function aDevice(overrides: Partial<DeviceRecordInput> = {}) {
  return parseDevice({
    id: 'fw-1',
    host: '192.0.2.10',
    hostKeySha256: `SHA256:${'A'.repeat(43)}`,
    credentialsRef: 'fw/fw-1',
    interfaces: ['outside'],
    trustpointPrefix: 'TP',
    certificate: { subject: { cn: 'vpn.example.com', o: 'Example Corp' }, sans: ['vpn.example.com'], keySpec: 'ec:p256', validityDays: 90, renewBeforeDays: 30 },
    ...overrides,
  });
}
