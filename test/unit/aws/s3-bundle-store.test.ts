import { randomBytes } from 'node:crypto';
import { DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, NoSuchKey, NotFound, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { GetObjectCommandOutput } from '@aws-sdk/client-s3';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { S3BundleStore } from '../../../src/aws/s3-bundle-store.js';
import { SecretsManagerDataKeyProvider } from '../../../src/aws/secrets-manager-master-key.js';
import { BackupNotFoundError, BundleIntegrityError, StoreError, ValidationError } from '../../../src/errors.js';
import type { BundleMetadata } from '../../../src/ports.js';
import { FakeClock, awsError, rejectionOf } from './fakes.js';

const PASSPHRASE = 'Pkcs12-Passphrase-7f3a';
const MASTER_V1 = randomBytes(48).toString('base64url');
const MASTER_V2 = randomBytes(48).toString('base64url');
const PKCS12 = new Uint8Array(randomBytes(2389));

const s3 = mockClient(S3Client);
const secrets = mockClient(SecretsManagerClient);

function metadata(fields: Partial<BundleMetadata> = {}): BundleMetadata {
  return { deviceId: 'asa-1', kind: 'issued', serialHex: '00ABCD', trustpoint: 'VPN-ID-20261127-abcd', notAfter: '2027-11-27T12:00:00.000Z', pkcs12Profile: 'legacy', ...fields };
}

function body(bytes: Uint8Array): GetObjectCommandOutput['Body'] {
  return { transformToByteArray: async () => bytes } as unknown as GetObjectCommandOutput['Body'];
}

/** A tiny in-memory bucket behind the S3 mock: what PutObject stored, GetObject returns. */
function fakeBucket(): Map<string, Uint8Array> {
  const objects = new Map<string, Uint8Array>();
  s3.on(PutObjectCommand).callsFake((input: { Key: string; Body: Uint8Array }) => {
    objects.set(input.Key, input.Body);
    return {};
  });
  s3.on(GetObjectCommand).callsFake((input: { Key: string }) => {
    const bytes = objects.get(input.Key);
    if (!bytes) throw new NoSuchKey({ message: 'The specified key does not exist.', $metadata: { httpStatusCode: 404 } });
    return { Body: body(bytes) };
  });
  s3.on(HeadObjectCommand).callsFake((input: { Key: string }) => {
    if (!objects.has(input.Key)) throw new NotFound({ message: 'Not Found', $metadata: { httpStatusCode: 404 } });
    return {};
  });
  s3.on(DeleteObjectCommand).callsFake((input: { Key: string }) => {
    objects.delete(input.Key);
    return {};
  });
  s3.on(ListObjectsV2Command).callsFake((input: { Prefix: string }) => ({ Contents: [...objects.keys()].filter((key) => key.startsWith(input.Prefix)).map((Key) => ({ Key })), IsTruncated: false }));
  return objects;
}

describe('S3BundleStore', () => {
  let clock: FakeClock;
  let secretsClient: SecretsManagerClient;
  let currentVersion: string;

  function store(): S3BundleStore {
    return new S3BundleStore(new S3Client({ region: 'eu-west-1' }), new SecretsManagerDataKeyProvider(secretsClient, 'trustpoint/bundle-master-key'), {
      bucket: 'trustpoint-bundles-123456789012',
      kmsKeyId: 'alias/trustpoint',
      clock,
    });
  }

  beforeEach(() => {
    s3.reset();
    secrets.reset();
    clock = new FakeClock();
    secretsClient = new SecretsManagerClient({ region: 'eu-west-1' });
    currentVersion = 'v1';
    secrets.on(GetSecretValueCommand).callsFake((input: { SecretId: string; VersionId?: string }) => {
      if (input.SecretId !== 'trustpoint/bundle-master-key') throw awsError('ResourceNotFoundException', 'no such secret');
      const version = input.VersionId ?? currentVersion;
      return { SecretString: version === 'v1' ? MASTER_V1 : MASTER_V2, VersionId: version };
    });
  });

  it('puts an envelope-encrypted object with SSE-KMS under the project prefix and reads it back', async () => {
    const objects = fakeBucket();

    const ref = await store().put(metadata(), { pkcs12: PKCS12, passphrase: PASSPHRASE });
    const { metadata: stored, contents } = await store().get(ref);

    expect(ref).toBe('bundle/asa-1/issued/abcd');
    const put = s3.commandCalls(PutObjectCommand)[0]?.args[0].input;
    expect(put).toMatchObject({
      Bucket: 'trustpoint-bundles-123456789012',
      Key: 'trustpoint/bundles/asa-1/issued/abcd.tpb',
      ServerSideEncryption: 'aws:kms',
      SSEKMSKeyId: 'alias/trustpoint',
      BucketKeyEnabled: true,
      Metadata: { 'device-id': 'asa-1', kind: 'issued', serial: 'abcd', trustpoint: 'VPN-ID-20261127-abcd', 'not-after': '2027-11-27T12:00:00.000Z' },
    });
    const object = Buffer.from(objects.get('trustpoint/bundles/asa-1/issued/abcd.tpb') ?? new Uint8Array());
    expect(object.includes(Buffer.from(PASSPHRASE))).toBe(false);
    expect(JSON.stringify(put?.Metadata)).not.toContain(PASSPHRASE);
    expect(stored).toEqual({ ...metadata(), serialHex: 'abcd', createdAt: '2026-11-27T12:00:00.000Z' });
    expect(contents.passphrase).toBe(PASSPHRASE);
    expect(Buffer.from(contents.pkcs12).equals(Buffer.from(PKCS12))).toBe(true);
  });

  it('reads the master key once per container for any number of bundles', async () => {
    fakeBucket();
    const bundles = store();

    for (const serial of ['01', '02', '03']) await bundles.put(metadata({ serialHex: serial }), { pkcs12: PKCS12, passphrase: PASSPHRASE });
    await bundles.get('bundle/asa-1/issued/2');

    expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(1);
  });

  it('opens a bundle sealed before the master key secret was rotated', async () => {
    fakeBucket();
    const ref = await store().put(metadata(), { pkcs12: PKCS12, passphrase: PASSPHRASE });
    currentVersion = 'v2';

    const newer = await store().put(metadata({ serialHex: 'ef' }), { pkcs12: PKCS12, passphrase: PASSPHRASE });

    expect((await store().get(ref)).contents.passphrase).toBe(PASSPHRASE);
    expect((await store().get(newer)).contents.passphrase).toBe(PASSPHRASE);
  });

  it('refuses an object copied over another device key', async () => {
    const objects = fakeBucket();
    await store().put(metadata({ deviceId: 'asa-2' }), { pkcs12: PKCS12, passphrase: PASSPHRASE });
    objects.set('trustpoint/bundles/asa-1/issued/abcd.tpb', objects.get('trustpoint/bundles/asa-2/issued/abcd.tpb') ?? new Uint8Array());

    await expect(store().get('bundle/asa-1/issued/abcd')).rejects.toThrow(BundleIntegrityError);
  });

  it('throws BackupNotFoundError for a missing object and head answers undefined', async () => {
    fakeBucket();

    await expect(store().get('bundle/asa-1/backup/ff')).rejects.toThrow(BackupNotFoundError);
    expect(await store().head('bundle/asa-1/backup/ff')).toBeUndefined();
  });

  it('lists a device bundles newest first', async () => {
    fakeBucket();
    await store().put(metadata({ serialHex: '01' }), { pkcs12: PKCS12, passphrase: PASSPHRASE });
    clock.advance(86_400_000);
    await store().put(metadata({ kind: 'backup', serialHex: '02' }), { pkcs12: PKCS12, passphrase: PASSPHRASE });
    await store().put(metadata({ deviceId: 'asa-10', serialHex: '03' }), { pkcs12: PKCS12, passphrase: PASSPHRASE });

    expect((await store().list('asa-1')).map((each) => each.ref)).toEqual(['bundle/asa-1/backup/2', 'bundle/asa-1/issued/1']);
    expect(s3.commandCalls(ListObjectsV2Command)[0]?.args[0].input.Prefix).toBe('trustpoint/bundles/asa-1/');
  });

  it.each([
    ['SlowDown', awsError('SlowDown', 'Please reduce your request rate.', { status: 503 })],
    ['AccessDenied', awsError('AccessDenied', 'Access Denied', { status: 403 })],
  ])('surfaces %s as StoreError by name, without the passphrase', async (name, error) => {
    s3.on(PutObjectCommand).rejects(error);

    const thrown = await rejectionOf(store().put(metadata(), { pkcs12: PKCS12, passphrase: PASSPHRASE }));

    expect(thrown).toBeInstanceOf(StoreError);
    expect(thrown.message).toContain(name);
    expect(thrown.message).not.toContain(PASSPHRASE);
  });

  it('deletes one object under the project prefix, and answers absent (no DeleteObject) when it is not there', async () => {
    const objects = fakeBucket();
    const ref = await store().put(metadata({ kind: 'backup' }), { pkcs12: PKCS12, passphrase: PASSPHRASE });
    await store().put(metadata({ kind: 'issued' }), { pkcs12: PKCS12, passphrase: PASSPHRASE });

    expect(await store().delete(ref)).toBe('deleted');
    expect(await store().delete(ref)).toBe('absent');

    expect(s3.commandCalls(DeleteObjectCommand).map((call) => call.args[0].input)).toEqual([{ Bucket: 'trustpoint-bundles-123456789012', Key: 'trustpoint/bundles/asa-1/backup/abcd.tpb' }]);
    expect([...objects.keys()]).toEqual(['trustpoint/bundles/asa-1/issued/abcd.tpb']);
  });

  it('refuses to delete anything that is not a bundle reference, before any S3 call', async () => {
    fakeBucket();

    await expect(store().delete('bundle/asa-1/backup/../../../x')).rejects.toThrow(ValidationError);
    await expect(store().delete('trustpoint/bundles/asa-1/backup/abcd.tpb')).rejects.toThrow(ValidationError);
    expect(s3.calls()).toHaveLength(0);
  });

  it('surfaces a refused DeleteObject (AccessDenied: an issued bundle under the deployed policy) as StoreError naming the bundle', async () => {
    fakeBucket();
    const ref = await store().put(metadata(), { pkcs12: PKCS12, passphrase: PASSPHRASE });
    s3.on(DeleteObjectCommand).rejects(awsError('AccessDenied', 'Access Denied', { status: 403 }));

    const thrown = await rejectionOf(store().delete(ref));

    expect(thrown).toBeInstanceOf(StoreError);
    expect(thrown.message).toMatch(/S3 DeleteObject for bundle\/asa-1\/issued\/abcd in bucket trustpoint-bundles-123456789012 failed: .*AccessDenied/);
  });

  it('refuses a master key secret too short to be random', async () => {
    secrets.on(GetSecretValueCommand, { SecretId: 'trustpoint/bundle-master-key' }).resolves({ SecretString: 'short', VersionId: 'v3' });
    fakeBucket();

    await expect(store().put(metadata(), { pkcs12: PKCS12, passphrase: PASSPHRASE })).rejects.toThrow(ValidationError);
  });
});
