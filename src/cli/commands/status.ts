// `trustpoint status`: what the local inventory knows about every device: the certificate
// the workflow last installed or found served, when it expires, the last outcome and who holds the lock.
import path from 'node:path';
import { DATA_DIR_OPTION, resolveDataDir } from '../../demo/data-dir.js';
import { daysBetween } from '../../demo/served.js';
import { FileInventory } from '../../local/file-inventory.js';
import type { DeviceEntry } from '../../ports.js';
import { EXIT_OK, booleanOption, type Command } from '../framework.js';

export interface DeviceStatus {
  id: string;
  host: string;
  port: number;
  trustpoint: string | null;
  serial: string | null;
  notAfter: string | null;
  daysToExpiry: number | null;
  renewBeforeDays: number;
  lastOutcome: string | null;
  lastOutcomeAt: string | null;
  lastError: string | null;
  lease: { owner: string; expiresAt: string; expired: boolean } | null;
}

export function deviceStatus(entry: DeviceEntry, now: Date): DeviceStatus {
  const { device, state, lease } = entry;
  return {
    id: device.id,
    host: device.host,
    port: device.port,
    trustpoint: state.trustpoint ?? null,
    serial: state.serialHex ?? null,
    notAfter: state.notAfter ?? null,
    daysToExpiry: state.notAfter === undefined ? null : daysBetween(now, new Date(state.notAfter)),
    renewBeforeDays: device.certificate.renewBeforeDays,
    lastOutcome: state.lastOutcome?.status ?? null,
    lastOutcomeAt: state.lastOutcome?.at ?? null,
    lastError: state.lastOutcome?.errorName ?? null,
    lease: lease ? { owner: lease.owner, expiresAt: lease.expiresAt, expired: Date.parse(lease.expiresAt) <= now.getTime() } : null,
  };
}

const COLUMNS: { title: string; value: (s: DeviceStatus) => string }[] = [
  { title: 'DEVICE', value: (s) => s.id },
  { title: 'HOST', value: (s) => `${s.host}:${s.port}` },
  { title: 'TRUSTPOINT', value: (s) => s.trustpoint ?? '-' },
  { title: 'SERIAL', value: (s) => s.serial ?? '-' },
  { title: 'NOT AFTER', value: (s) => (s.notAfter === null ? '-' : s.notAfter.replace(/\.\d{3}Z$/, 'Z')) },
  {
    title: 'DAYS',
    value: (s) => (s.daysToExpiry === null ? '-' : `${s.daysToExpiry}${s.daysToExpiry <= s.renewBeforeDays ? ' (due)' : ''}`),
  },
  { title: 'LAST OUTCOME', value: (s) => (s.lastOutcome === null ? 'never run' : `${s.lastOutcome}${s.lastError ? ` (${s.lastError})` : ''}`) },
  { title: 'AT', value: (s) => (s.lastOutcomeAt === null ? '-' : s.lastOutcomeAt.replace(/\.\d{3}Z$/, 'Z')) },
  { title: 'LOCK', value: (s) => (s.lease === null ? '-' : `${s.lease.owner} until ${s.lease.expiresAt}${s.lease.expired ? ' (expired)' : ''}`) },
];

export function renderStatusTable(rows: readonly DeviceStatus[]): string {
  const cells = rows.map((row) => COLUMNS.map((c) => c.value(row)));
  const widths = COLUMNS.map((c, i) => Math.max(c.title.length, ...cells.map((r) => r[i]!.length)));
  const line = (values: string[]) => `${values.map((v, i) => (i === values.length - 1 ? v : v.padEnd(widths[i]!))).join('  ')}\n`;
  return line(COLUMNS.map((c) => c.title)) + cells.map(line).join('');
}

export const statusCommand: Command = {
  path: ['status'],
  summary: 'Show every device of the local inventory: certificate, expiry, last outcome, lock',
  options: {
    json: { type: 'boolean', description: 'Print the devices as JSON' },
    'data-dir': DATA_DIR_OPTION,
  },
  details: `
The certificate columns show what trustpoint last recorded: the certificate it installed, or
the one a NOT_DUE run found served on the configured interfaces; "-" until a run has read the
device (\`trustpoint renew <device>\` reads and reports what it serves now).
DAYS is marked "(due)" inside the device's renewBeforeDays. LOCK names the run holding the
device's lease, if any.`,
  async run(args, io) {
    const dataDir = resolveDataDir(args, io);
    const entries = await new FileInventory(dataDir).listDevices();
    const now = new Date();
    const rows = entries.map((entry) => deviceStatus(entry, now));
    if (booleanOption(args, 'json')) {
      io.stdout(`${JSON.stringify(rows, null, 2)}\n`);
      return EXIT_OK;
    }
    if (rows.length === 0) {
      io.stdout(`No devices in ${path.join(dataDir, 'inventory')}: import a fleet file with \`trustpoint devices import FILE\`.\n`);
      return EXIT_OK;
    }
    io.stdout(renderStatusTable(rows));
    return EXIT_OK;
  },
};
