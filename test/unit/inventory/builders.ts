// Test-data builders for device records, shared by the inventory, local and AWS adapter tests.
import { createHash } from 'node:crypto';
import { parseDevice } from '../../../src/inventory/device.js';
import type { DeviceRecord } from '../../../src/inventory/device.js';

/** A syntactically valid pinned host key fingerprint (not of any real key). */
export function aHostKey(seed = 'asa-1'): string {
  return `SHA256:${createHash('sha256').update(seed).digest('base64').replace(/=+$/, '')}`;
}

/** A minimal valid device record as it appears in a fleet file; `overrides` replace top-level fields. */
export function aDeviceInput(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: 'asa-1',
    host: 'asa-1.mgmt.example.net',
    hostKeySha256: aHostKey(String(overrides['id'] ?? 'asa-1')),
    credentialsRef: 'trustpoint/asa-admins',
    interfaces: ['outside'],
    trustpointPrefix: 'VPN-ID',
    certificate: { subject: { cn: 'vpn.example.com' } },
    ...overrides,
  };
}

/** A validated device record with defaults filled in. */
export function aDevice(overrides: Record<string, unknown> = {}): DeviceRecord {
  return parseDevice(aDeviceInput(overrides));
}
