// renew-device end to end on the AWS composition: the committed ASL run by the local runner,
// every Task calling the REAL Lambda handler module with the environment the CDK stack gives
// that function, the AWS SDK mocked at the API boundary only (aws-boundary.ts: PCA signing with
// a LocalCa, Secrets Manager, an S3 object map, an in-memory DynamoDB table), and simulated ASAs
// reached over SSH and TLS on loopback. It counts the AWS calls of one renewal (cold and warm
// containers, and a device that is not due) and keeps statemachines/README.md's cost section
// in sync with what it measured.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { PutSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { DynamoDbInventory } from '../../../src/aws/dynamodb-inventory.js';
import { S3BundleStore } from '../../../src/aws/s3-bundle-store.js';
import { SecretsManagerDataKeyProvider } from '../../../src/aws/secrets-manager-master-key.js';
import { DeviceBusyError } from '../../../src/errors.js';
import { credentialsDocument } from '../../../src/inventory/credentials.js';
import type { TrustpointEnvironment } from '../../../src/lambda/environment.js';
import { deviceCredentials } from '../../../src/ports.js';
import type { Clock } from '../../../src/ports.js';
import { noRetryDelays, runRenewDevice } from '../../../src/runner/local-runner.js';
import type { LocalExecutionResult, RunnerEvent } from '../../../src/runner/local-runner.js';
import type { RenewDeviceResult } from '../../../src/workflow/contracts.js';
import { runOpensslOk } from '../../helpers/openssl.js';
import { served, servedSerial, simById, startWorld } from '../workflow/world.js';
import type { World } from '../workflow/world.js';
import { mockAwsBoundary } from './aws-boundary.js';
import type { AwsBoundary, CountedCall } from './aws-boundary.js';
import { InMemoryTable, applyUpdate, evaluateCondition, itemSizeBytes } from './in-memory-dynamodb.js';
import { lambdaTasks } from './lambda-tasks.js';
import type { HandlerInvocation, LambdaTasks } from './lambda-tasks.js';
import { renderAwsCostSection } from './cost-section.js';
import type { Measurement, PathMeasurement } from './cost-section.js';

const REGION = 'eu-west-1';
const ACCOUNT = '111111111111';
const NAME_PREFIX = 'trustpoint';
const CREDENTIALS_PREFIX = `${NAME_PREFIX}/credentials/`;

/** The variables lib/task-functions.ts sets, with the values a deployment named "trustpoint" gets. */
const STACK_ENVIRONMENT: TrustpointEnvironment = {
  TRUSTPOINT_NAME_PREFIX: NAME_PREFIX,
  POWERTOOLS_SERVICE_NAME: NAME_PREFIX,
  POWERTOOLS_METRICS_NAMESPACE: 'Trustpoint',
  TRUSTPOINT_LEASE_TTL_SECONDS: '7200',
  TRUSTPOINT_KEEP_GENERATIONS: '2',
  TRUSTPOINT_MAX_CONCURRENCY: '5',
  TRUSTPOINT_TOLERATED_FAILURE_PERCENTAGE: '20',
  INVENTORY_TABLE_NAME: `${NAME_PREFIX}-inventory`,
  CREDENTIALS_SECRET_PREFIX: CREDENTIALS_PREFIX,
  BUNDLE_BUCKET_NAME: `${NAME_PREFIX}-bundles-${ACCOUNT}-${REGION}`,
  BUNDLE_KEY_PREFIX: `${NAME_PREFIX}/`,
  BUNDLE_KMS_KEY_ARN: `arn:aws:kms:${REGION}:${ACCOUNT}:key/11111111-2222-3333-4444-555555555555`,
  BUNDLE_MASTER_KEY_SECRET_ARN: `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:${NAME_PREFIX}/bundle-master-key-AbCdEf`,
  CA_ARN: `arn:aws:acm-pca:${REGION}:${ACCOUNT}:certificate-authority/0a1b2c3d-1111-2222-3333-444455556666`,
  CA_TEMPLATE_ARN: 'arn:aws:acm-pca:::template/EndEntityServerAuthCertificate/V1',
  BACKUP_TABLE_NAME: `${NAME_PREFIX}-backups`,
};

const README = path.resolve(import.meta.dirname, '../../../statemachines/README.md');

// --- The in-memory table's expression evaluator -------------------------------------------------

describe('in-memory DynamoDB table (the expressions DynamoDbInventory sends)', () => {
  const lease = (owner: string, expiresAtMs: number) => ({ M: { owner: { S: owner }, expiresAt: { S: new Date(expiresAtMs).toISOString() }, expiresAtMs: { N: String(expiresAtMs) } } });
  const acquire = 'attribute_exists(#device) AND (attribute_not_exists(#lease) OR #lease.#expiresAtMs <= :now OR #lease.#owner = :owner)';
  const names = { '#device': 'device', '#lease': 'lease', '#expiresAtMs': 'expiresAtMs', '#owner': 'owner' };
  const values = (now: number, owner: string) => ({ ':now': { N: String(now) }, ':owner': { S: owner } });

  it.each([
    ['a device without a lease', { device: { M: {} } }, 1_000, 'b', true],
    ['no device', {}, 1_000, 'b', false],
    ['a lease held by another owner, not expired', { device: { M: {} }, lease: lease('a', 2_000) }, 1_000, 'b', false],
    ['a lease held by another owner, expired', { device: { M: {} }, lease: lease('a', 2_000) }, 2_000, 'b', true],
    ['its own lease', { device: { M: {} }, lease: lease('b', 9_000) }, 1_000, 'b', true],
  ] as const)('evaluates the lease condition on %s', (_label, item, now, owner, expected) => {
    expect(evaluateCondition(acquire, structuredClone(item) as never, names, values(now, owner))).toBe(expected);
  });

  it('applies SET and REMOVE, and refuses what it does not understand', () => {
    const item = { deviceId: { S: 'asa-1' }, lease: lease('a', 5), trustpoint: { S: 'old' } };
    const updated = applyUpdate('SET #t = :t, #u = :u REMOVE #lease', item, { '#t': 'trustpoint', '#u': 'updatedAt', '#lease': 'lease' }, { ':t': { S: 'new' }, ':u': { S: 'now' } });

    expect(updated).toEqual({ deviceId: { S: 'asa-1' }, trustpoint: { S: 'new' }, updatedAt: { S: 'now' } });
    expect(item.trustpoint).toEqual({ S: 'old' });
    expect(() => applyUpdate('ADD #n :one', item, { '#n': 'n' }, { ':one': { N: '1' } })).toThrow(/unsupported update expression/);
    expect(() => evaluateCondition('begins_with(#t, :p)', item, { '#t': 'trustpoint' }, { ':p': { S: 'o' } })).toThrow(/unsupported condition|expected/);
  });

  it('gives DynamoDbInventory its lease semantics: contention, expiry, release by the owner only', async () => {
    const dynamodb = mockClient(DynamoDBClient);
    try {
      const table = new InMemoryTable('t-inventory', 'deviceId');
      table.serve(dynamodb);
      let now = Date.parse('2026-11-27T12:00:00Z');
      const clock: Clock = { now: () => new Date(now) };
      const inventory = new DynamoDbInventory(new DynamoDBClient({ region: REGION }), { tableName: 't-inventory', clock });
      table.items.set('asa-1', { deviceId: { S: 'asa-1' }, device: { M: {} } });

      await inventory.acquireLease('asa-1', 'exec-a', 600);
      await expect(inventory.acquireLease('asa-1', 'exec-b', 600)).rejects.toThrow(DeviceBusyError);
      await expect(inventory.acquireLease('asa-1', 'exec-b', 600)).rejects.toThrow(/exec-a/);
      expect(await inventory.releaseLease('asa-1', 'exec-b')).toBe(false);
      await expect(inventory.recordState('asa-1', 'exec-b', { trustpoint: 'TP-X' })).rejects.toThrow(DeviceBusyError);

      now += 601_000;
      await inventory.acquireLease('asa-1', 'exec-b', 600);
      expect(await inventory.recordState('asa-1', 'exec-b', { trustpoint: 'TP-B' })).toMatchObject({ trustpoint: 'TP-B' });
      expect(await inventory.releaseLease('asa-1', 'exec-b')).toBe(true);
      expect(table.items.get('asa-1')?.['lease']).toBeUndefined();
      expect(itemSizeBytes(table.items.get('asa-1')!)).toBeGreaterThan('deviceIdasa-1devicetrustpointTP-B'.length);
    } finally {
      dynamodb.restore();
    }
  });
});

// --- renew-device through the Lambda handlers ---------------------------------------------------

interface Run {
  result: LocalExecutionResult<RenewDeviceResult>;
  calls: CountedCall[];
  invocations: HandlerInvocation<CountedCall>[];
  events: RunnerEvent[];
  consumed: { readUnits: number; writeUnits: number };
}

describe('renew-device through the real Lambda handlers, AWS mocked at the SDK boundary', () => {
  let world: World;
  let boundary: AwsBoundary;
  const savedEnvironment = { ...process.env };
  const runs: Run[] = [];
  const stdout: string[] = [];
  const measured: Partial<Measurement> = {};

  beforeAll(async () => {
    // asa-1: cold renewal; asa-2: warms the containers; asa-3: warm renewal; asa-4: not due.
    world = await startWorld({ devices: [{ startingDays: 10 }, { startingDays: 10 }, { startingDays: 10 }, { startingDays: 200 }] });
    boundary = mockAwsBoundary(
      {
        caArn: STACK_ENVIRONMENT.CA_ARN,
        caKeyAlgorithm: 'EC_prime256v1',
        inventoryTableName: STACK_ENVIRONMENT.INVENTORY_TABLE_NAME,
        bucket: STACK_ENVIRONMENT.BUNDLE_BUCKET_NAME,
        masterKeySecretArn: STACK_ENVIRONMENT.BUNDLE_MASTER_KEY_SECRET_ARN,
      },
      world.env.localCa,
    );
    // The fleet as an operator would load it: device records in the table, credentials in
    // Secrets Manager under the deployment's prefix (one secret per device here).
    const seeding = new DynamoDbInventory(new DynamoDBClient({ region: REGION }), { tableName: STACK_ENVIRONMENT.INVENTORY_TABLE_NAME });
    for (const { device } of await world.env.inventory.listDevices()) {
      const info = simById(world, device.id).info;
      const credentialsRef = `${CREDENTIALS_PREFIX}${device.id}`;
      await seeding.putDevice({ ...device, credentialsRef });
      boundary.secretValues.set(credentialsRef, {
        value: credentialsDocument(deviceCredentials({ username: info.username, password: info.password, enablePassword: info.enablePassword })),
        versionId: `v-${device.id}`,
      });
    }
    boundary.resetHistory();
    // Powertools writes the task logs and EMF metrics to stdout: keep them, to scan them.
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      stdout.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
      return true;
    });
  });

  afterAll(async () => {
    vi.restoreAllMocks();
    boundary?.restore();
    for (const key of Object.keys(process.env)) if (!(key in savedEnvironment)) delete process.env[key];
    Object.assign(process.env, savedEnvironment);
    await world?.stop();
  });

  afterEach(() => {
    boundary.resetHistory();
  });

  async function renewThroughHandlers(deviceId: string, tasks: LambdaTasks<CountedCall>): Promise<Run> {
    boundary.resetHistory();
    const consumedBefore = { ...boundary.table.consumed };
    tasks.invocations.length = 0;
    const events: RunnerEvent[] = [];
    const result = await runRenewDevice({ deviceId }, { tasks: tasks.tasks, retryIntervalOverrides: noRetryDelays(), onEvent: (event) => events.push(event) });
    const consumed = { readUnits: boundary.table.consumed.readUnits - consumedBefore.readUnits, writeUnits: boundary.table.consumed.writeUnits - consumedBefore.writeUnits };
    const run: Run = { result, calls: boundary.calls(), invocations: [...tasks.invocations], events, consumed };
    runs.push(run);
    return run;
  }

  function renewed(run: Run): Extract<RenewDeviceResult, { outcome: 'RENEWED' }> {
    if (run.result.status !== 'SUCCEEDED') throw new Error(`${run.result.error}: ${run.result.cause}\n${JSON.stringify(run.invocations.filter((i) => i.error), null, 2)}`);
    const output = run.result.output;
    if (output.outcome !== 'RENEWED') throw new Error(`expected RENEWED, got ${JSON.stringify(output)}`);
    return output;
  }

  function measure(run: Run, deviceId: string): PathMeasurement {
    return {
      calls: run.calls,
      perTask: run.invocations.map((invocation) => ({ state: invocation.state, calls: invocation.observed })),
      transitions: run.events.filter((e) => e.event.type === 'StateEntered').length,
      itemBytes: itemSizeBytes(boundary.table.items.get(deviceId)!),
      readUnits: run.consumed.readUnits,
      writeUnits: run.consumed.writeUnits,
    };
  }

  async function expectRenewedOnDeviceAndInAws(deviceId: string, run: Run, servedBefore: string): Promise<void> {
    const output = renewed(run);
    expect(output.previous.serial).toBe(servedBefore);
    expect(output.current.serial).not.toBe(servedBefore);
    expect(servedSerial(await served(simById(world, deviceId)))).toBe(output.current.serial);
    expect(output.tlsVerifiedInterfaces.sort()).toEqual(['inside', 'outside']);

    // PCA issued it for the CSR the handler sent, and it chains to the CA.
    const leaf = [...boundary.issued.entries()].find(([arn]) => run.invocations.some((i) => i.state === 'IssueCertificate' && JSON.stringify(i.output).includes(arn)));
    expect(leaf, 'the certificate ARN IssueCertificate returned').toBeDefined();
    const [leafArn, certificate] = leaf!;
    const verify = await runOpensslOk(['verify', '-CAfile', 'root.pem', '-untrusted', 'intermediate.pem', '-purpose', 'sslserver', 'leaf.pem'], {
      files: { 'root.pem': world.env.localCa.rootPem, 'intermediate.pem': world.env.localCa.intermediatePem, 'leaf.pem': certificate.certificatePem },
    });
    expect(verify.stdout).toContain('leaf.pem: OK');
    const serial = await runOpensslOk(['x509', '-noout', '-serial', '-in', 'leaf.pem'], { files: { 'leaf.pem': certificate.certificatePem } });
    expect(serial.stdout.trim().replace(/^serial=/, '').toLowerCase().replace(/^0+/, '')).toBe(output.current.serial.replace(/^0+/, ''));

    // The inventory row: new state, lease released; the bundle: one S3 object under the prefix.
    const row = boundary.table.items.get(deviceId)!;
    expect(row['lease']).toBeUndefined();
    expect(row['serialHex']?.S).toBe(output.current.serial);
    expect(row['certificateId']?.S).toBe(leafArn);
    expect(row['bundleRef']?.S).toBe(`bundle/${deviceId}/issued/${output.current.serial}`);
    expect(boundary.objects.has(`${STACK_ENVIRONMENT.BUNDLE_KEY_PREFIX}bundles/${deviceId}/issued/${output.current.serial}.tpb`)).toBe(true);
  }

  it('renews a due device on cold containers (fresh module state for every Task)', async () => {
    const before = servedSerial(await served(simById(world, 'asa-1')));

    const run = await renewThroughHandlers('asa-1', lambdaTasks(STACK_ENVIRONMENT, 'cold', () => boundary.calls()));

    await expectRenewedOnDeviceAndInAws('asa-1', run, before);
    expect(run.invocations.flatMap((i) => i.observed)).toEqual(run.calls);
    expect(run.invocations.map((i) => i.state)).toEqual(['AcquireLock', 'Preflight', 'IssueCertificate', 'InstallCertificate', 'BindTrustpoint', 'VerifyDeployment', 'SaveConfiguration', 'Cleanup', 'RecordState']);
    // Cold: the CA's key algorithm and the master key are read again in every container that needs them.
    expect(run.calls.filter((c) => c.operation === 'DescribeCertificateAuthority')).toHaveLength(1);
    expect(run.calls.filter((c) => c.secret === 'bundle master key')).toHaveLength(2);
    measured.renewedCold = measure(run, 'asa-1');
  });

  it('renews a due device on warm containers, after one renewal warmed them', async () => {
    const tasks = lambdaTasks(STACK_ENVIRONMENT, 'warm', () => boundary.calls());
    const warmUp = await renewThroughHandlers('asa-2', tasks);
    renewed(warmUp);
    const before = servedSerial(await served(simById(world, 'asa-3')));

    const run = await renewThroughHandlers('asa-3', tasks);

    await expectRenewedOnDeviceAndInAws('asa-3', run, before);
    // The first renewal through fresh handler modules costs what cold containers cost.
    expect(tally(warmUp.calls)).toEqual(tally(measured.renewedCold!.calls));
    expect(run.calls.filter((c) => c.operation === 'DescribeCertificateAuthority')).toHaveLength(0);
    expect(run.calls.filter((c) => c.secret === 'bundle master key')).toHaveLength(0);
    measured.renewedWarm = measure(run, 'asa-3');
  });

  it.each(['cold', 'warm'] as const)('ends NOT_DUE on a healthy device on %s containers, changing nothing', async (mode) => {
    const before = servedSerial(await served(simById(world, 'asa-4')));
    const tasks = lambdaTasks(STACK_ENVIRONMENT, mode, () => boundary.calls());
    if (mode === 'warm') await renewThroughHandlers('asa-4', tasks);

    const run = await renewThroughHandlers('asa-4', tasks);

    if (run.result.status !== 'SUCCEEDED') throw new Error(`${run.result.error}: ${run.result.cause}`);
    expect(run.result.output.outcome).toBe('NOT_DUE');
    expect(servedSerial(await served(simById(world, 'asa-4')))).toBe(before);
    expect(run.invocations.map((i) => i.state)).toEqual(['AcquireLock', 'Preflight', 'ReleaseLock']);
    expect(run.calls.filter((c) => c.service === 'ACM PCA' || c.service === 'S3')).toEqual([]);
    expect(boundary.table.items.get('asa-4')?.['lease']).toBeUndefined();
    measured[mode === 'cold' ? 'notDueCold' : 'notDueWarm'] = measure(run, 'asa-4');
  });

  it('creates no secret and writes none: Secrets Manager is only read', async () => {
    const operations = new Set(runs.flatMap((run) => run.calls.filter((c) => c.service === 'Secrets Manager').map((c) => c.operation)));

    expect(runs.length).toBeGreaterThanOrEqual(5);
    expect([...operations]).toEqual(['GetSecretValue']);
    expect(boundary.secretValues.size).toBe(1 + 4);
    // A write would have been counted and refused: the boundary serves reads only.
    const write = new SecretsManagerClient({ region: REGION }).send(new PutSecretValueCommand({ SecretId: `${CREDENTIALS_PREFIX}asa-1`, SecretString: '{}' }));
    await expect(write).rejects.toThrow(/does not serve this command/);
    expect(boundary.calls()).toEqual([{ service: 'Secrets Manager', operation: 'PutSecretValue', secret: 'device credentials' }]);
  });

  it('leaves no secret in state payloads, handler logs and metrics, the inventory table or S3 metadata', async () => {
    // Open every stored bundle with the real adapter (after the counting: these calls are not part of a renewal).
    const store = new S3BundleStore(new S3Client({ region: REGION }), new SecretsManagerDataKeyProvider(new SecretsManagerClient({ region: REGION }), STACK_ENVIRONMENT.BUNDLE_MASTER_KEY_SECRET_ARN), {
      bucket: STACK_ENVIRONMENT.BUNDLE_BUCKET_NAME,
      prefix: STACK_ENVIRONMENT.BUNDLE_KEY_PREFIX,
    });
    const secrets = new Map<string, string>();
    for (const password of world.secrets) secrets.set(password, 'a device password');
    for (const [id, secret] of boundary.secretValues) secrets.set(secret.value, `the value of secret ${id}`);
    let bundles = 0;
    for (const id of ['asa-1', 'asa-2', 'asa-3']) {
      for (const { ref } of await store.list(id)) {
        const { contents } = await store.get(ref);
        bundles++;
        secrets.set(contents.passphrase, `the passphrase of ${ref}`);
        for (const line of Buffer.from(contents.pkcs12).toString('base64').match(/.{64}/g) ?? []) secrets.set(line, `PKCS12 base64 of ${ref}`);
        // The bundle is a PKCS12 openssl opens with its passphrase (passed in a file, never on argv).
        const opened = await runOpensslOk(['pkcs12', '-in', 'bundle.p12', '-passin', 'file:pass.txt', '-nokeys', '-clcerts'], { files: { 'bundle.p12': contents.pkcs12, 'pass.txt': contents.passphrase } });
        expect(opened.stdout).toContain('BEGIN CERTIFICATE');
      }
    }
    expect(bundles).toBe(3);

    const texts: [string, string][] = [
      ['runner events', JSON.stringify(runs.map((run) => run.events))],
      ['handler inputs and outputs', JSON.stringify(runs.map((run) => run.invocations))],
      ['handler stdout (logs, EMF metrics)', stdout.join('')],
      ['inventory table', JSON.stringify([...boundary.table.items.values()])],
      ['S3 object metadata', JSON.stringify([...boundary.objects.values()].map((o) => o.metadata))],
    ];
    expect(stdout.join('')).toContain('"level":"INFO"');
    const findings: string[] = [];
    for (const [label, text] of texts) {
      if (text.includes('PRIVATE KEY')) findings.push(`${label}: a PEM private key`);
      for (const [secret, what] of secrets) if (text.includes(secret)) findings.push(`${label}: ${what}`);
    }
    expect(findings).toEqual([]);
  });

  it('matches the AWS cost section of statemachines/README.md (measured here)', () => {
    const complete = measured as Measurement;
    expect(Object.keys(complete).sort()).toEqual(['notDueCold', 'notDueWarm', 'renewedCold', 'renewedWarm']);
    const readme = readFileSync(README, 'utf8');
    const start = readme.indexOf('<!-- aws-calls:start -->');
    const end = readme.indexOf('<!-- aws-calls:end -->');
    expect(start, 'statemachines/README.md has <!-- aws-calls:start --> ... <!-- aws-calls:end -->').toBeGreaterThan(0);

    expect(readme.slice(start + '<!-- aws-calls:start -->'.length, end).trim()).toBe(renderAwsCostSection(complete));
  });
});

function tally(calls: CountedCall[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const call of calls) {
    const key = `${call.service} ${call.operation}${call.secret === undefined ? '' : ` (${call.secret})`}`;
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}
