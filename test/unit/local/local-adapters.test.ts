import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openLocalAdapters } from '../../../src/local/local-adapters.js';
import { deviceCredentials, idempotencyTokenFor } from '../../../src/ports.js';
import { aDevice } from '../inventory/builders.js';

describe('openLocalAdapters', () => {
  let dataDir: string;

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'tp-env-'));
  });

  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('creates the CA and master key on first use and reopens the same ones', async () => {
    const first = await openLocalAdapters(dataDir, { caKeySpec: 'ec:p256' });
    const second = await openLocalAdapters(dataDir);

    expect(second.localCa.rootPem).toBe(first.localCa.rootPem);
    expect((await stat(path.join(dataDir, 'keys', 'bundle-master.key'))).mode & 0o777).toBe(0o600);
  });

  it('runs a renewal bookkeeping round trip through every local adapter', async () => {
    const env = await openLocalAdapters(dataDir);
    await env.inventory.putDevice(aDevice({ id: 'asa-1' }));
    await env.secrets.putDeviceCredentials('trustpoint/asa-admins', deviceCredentials({ username: 'admin', password: 'Local-Pw-1' }));
    const csr = execFileSync('openssl', ['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', '/dev/null', '-subj', '/CN=vpn.example.com'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    });

    await env.inventory.acquireLease('asa-1', 'run-1', 900);
    const { certificateId } = await env.ca.issue(csr, { validityDays: 30, idempotencyToken: idempotencyTokenFor('run-1') });
    const issued = await env.ca.getIssued(certificateId);
    const serialHex = certificateId.slice('local:'.length);
    const bundleRef = await env.bundles.put(
      { deviceId: 'asa-1', kind: 'issued', serialHex, trustpoint: `VPN-ID-20261127-${serialHex.slice(-8)}`, notAfter: '2026-12-27T00:00:00.000Z', pkcs12Profile: 'legacy' },
      { pkcs12: new Uint8Array(Buffer.from(issued.certificatePem)), passphrase: 'fresh-passphrase-1' },
    );
    await env.inventory.recordState('asa-1', 'run-1', { serialHex, bundleRef, certificateId });
    await env.inventory.releaseLease('asa-1', 'run-1');

    const entry = await env.inventory.getDevice('asa-1');
    expect(entry.state).toMatchObject({ serialHex, bundleRef, certificateId });
    expect(entry.lease).toBeUndefined();
    expect((await env.bundles.get(bundleRef)).contents.passphrase).toBe('fresh-passphrase-1');
    expect((await env.secrets.getDeviceCredentials(entry.device.credentialsRef)).password).toBe('Local-Pw-1');
  });
});
