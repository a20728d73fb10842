// `trustpoint devices import`: a fleet file into the local inventory, all or nothing, with
// errors that name the path of the bad field. No SSH here: importing does not contact devices.
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT_OK, EXIT_USAGE } from '../../../src/cli/framework.js';
import { runCliCaptured, type CliRun } from '../../helpers/cli.js';
import { FileSecretStore } from '../../../src/local/file-secret-store.js';
import { deviceCredentials } from '../../../src/ports.js';

let work: string;

const HOST_KEY = `SHA256:${'A'.repeat(43)}`;

function aFleet(overrides: { devices?: Record<string, unknown>[]; defaults?: Record<string, unknown> } = {}): string {
  return JSON.stringify({
    defaults: {
      interfaces: ['outside'],
      trustpointPrefix: 'VPN',
      certificate: { subject: { cn: 'placeholder', o: 'Example Corp', c: 'US' }, keySpec: 'rsa:2048', renewBeforeDays: 30 },
      ...overrides.defaults,
    },
    devices: overrides.devices ?? [
      { id: 'fw-a', host: '192.0.2.10', hostKeySha256: HOST_KEY, credentialsRef: 'fw/a', certificate: { subject: { cn: 'vpn-a.example.net' } } },
      { id: 'fw-b', host: '192.0.2.11', port: 2222, hostKeySha256: HOST_KEY, credentialsRef: 'fw/b', interfaces: ['outside', 'dmz'], certificate: { subject: { cn: 'vpn-b.example.net' } } },
    ],
  });
}

function cli(argv: string[], env: NodeJS.ProcessEnv = {}): Promise<CliRun> {
  return runCliCaptured(argv, { env, cwd: work });
}

async function inventoryIds(dataDir: string): Promise<string[]> {
  return (await readdir(path.join(work, dataDir, 'inventory', 'devices')).catch(() => [] as string[])).map((f) => f.replace(/\.json$/, '')).sort();
}

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'tp-cli-devices-'));
});

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe('trustpoint devices import', () => {
  it('writes every device with defaults merged, and warns about credentials the secret store lacks', async () => {
    await new FileSecretStore(path.join(work, 'd1')).putDeviceCredentials('fw/a', deviceCredentials({ username: 'admin', password: 'not-shown-1', enablePassword: 'not-shown-2' }));
    await writeFile(path.join(work, 'fleet.json'), aFleet());
    const run = await cli(['devices', 'import', 'fleet.json', '--data-dir', 'd1']);
    expect(run.code).toBe(EXIT_OK);
    expect(run.out).toContain(`Imported 2 devices into ${path.join(work, 'd1', 'inventory')}`);
    expect(run.out).toMatch(/fw-b {2}192\.0\.2\.11:2222 {2}ssl trust-point on outside, dmz {2}rsa:2048, renew 30 days before expiry/);
    expect(run.err).toMatch(/^warning: fw-b: .*no local secret "fw\/b"/m);
    expect(run.err).not.toMatch(/fw-a/);
    expect(run.err + run.out).not.toContain('not-shown');
    expect(await inventoryIds('d1')).toEqual(['fw-a', 'fw-b']);
    const stored = JSON.parse(await readFile(path.join(work, 'd1', 'inventory', 'devices', 'fw-a.json'), 'utf8')) as Record<string, unknown>;
    expect(stored).toMatchObject({ id: 'fw-a', port: 22, interfaces: ['outside'], pkcs12Profile: 'legacy', certificate: { subject: { cn: 'vpn-a.example.net', o: 'Example Corp', c: 'US' }, validityDays: 365 } });
  });

  it('uses $TRUSTPOINT_DATA_DIR when --data-dir is absent, and lists devices the file leaves out', async () => {
    await writeFile(path.join(work, 'one.json'), aFleet({ devices: [{ id: 'fw-c', host: 'fw-c.example.net', hostKeySha256: HOST_KEY, credentialsRef: 'fw/c', certificate: { subject: { cn: 'c.example.net' } } }] }));
    const run = await cli(['devices', 'import', 'one.json'], { TRUSTPOINT_DATA_DIR: path.join(work, 'd1') });
    expect(run.code).toBe(EXIT_OK);
    expect(run.out).toContain('Also in the inventory, not in this file (left unchanged): fw-a, fw-b');
    expect(await inventoryIds('d1')).toEqual(['fw-a', 'fw-b', 'fw-c']);
  });

  it.each([
    ['a bad country code', aFleet({ devices: [{ id: 'fw-x', host: '192.0.2.20', hostKeySha256: HOST_KEY, credentialsRef: 'fw/x', certificate: { subject: { cn: 'x.example.net', c: 'USA' } } }] }), /devices\[0\]\.certificate\.subject\.c: /],
    ['a default that no device can use', aFleet({ defaults: { interfaces: ['out side'] } }), /defaults\.interfaces\[0\]: /],
    ['a host key that is not a fingerprint', aFleet({ devices: [{ id: 'fw-x', host: '192.0.2.20', hostKeySha256: 'ab:cd', credentialsRef: 'fw/x', certificate: { subject: { cn: 'x.example.net' } } }] }), /devices\[0\]\.hostKeySha256: "ab:cd" must be the SSH host key fingerprint/],
    ['an unknown field', aFleet({ devices: [{ id: 'fw-x', host: '192.0.2.20', hostKeySha256: HOST_KEY, credentialsRef: 'fw/x', password: 'cisco', certificate: { subject: { cn: 'x.example.net' } } }] }), /devices\[0\]\.password: unknown field/],
    ['not JSON', '{ "devices": [', /fleet: not valid JSON/],
  ])('writes nothing and names the field for %s', async (_name, text, message) => {
    await writeFile(path.join(work, 'bad.json'), text);
    const run = await cli(['devices', 'import', 'bad.json', '--data-dir', 'd2']);
    expect(run.code).toBe(EXIT_USAGE);
    expect(run.err).toMatch(message);
    expect(await inventoryIds('d2')).toEqual([]);
  });

  it('exits 2 naming the file when it cannot be read', async () => {
    const run = await cli(['devices', 'import', 'missing.json', '--data-dir', 'd2']);
    expect(run.code).toBe(EXIT_USAGE);
    expect(run.err).toMatch(/FILE: cannot read .*missing\.json: ENOENT/);
  });
});
