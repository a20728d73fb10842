// BundleStore over S3: s3://<bucket>/<prefix>bundles/<deviceId>/<kind>/<serialHex>.tpb, the
// same envelope as the local store (bundle-envelope.ts: AES-256-GCM, data key per bundle,
// AAD binding device, serial and kind), written with SSE-KMS (bucket key) on top.
import { DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import type { S3Client } from '@aws-sdk/client-s3';
import { BackupNotFoundError, StoreError, ValidationError } from '../errors.js';
import { bundleRefFor, checkDeviceId, normalizeSerialHex, parseBundleRef } from '../inventory/refs.js';
import { systemClock } from '../ports.js';
import type { BundleContents, BundleKind, BundleMetadata, BundleRef, BundleStore, Clock, StoredBundleMetadata } from '../ports.js';
import { openBundle, readBundleMetadata, sealBundle } from '../local/bundle-envelope.js';
import type { DataKeyProvider } from '../local/bundle-envelope.js';
import { awsErrorName, describeAwsError } from './aws-errors.js';

export interface S3BundleStoreOptions {
  bucket: string;
  /** Key prefix, e.g. `trustpoint/`; default `trustpoint/`. */
  prefix?: string;
  /** SSE-KMS key for the objects; default: SSE-KMS with the account's aws/s3 key. */
  kmsKeyId?: string;
  clock?: Clock;
}

const NOT_FOUND = new Set(['NoSuchKey', 'NotFound']);

export class S3BundleStore implements BundleStore {
  readonly #bucket: string;
  readonly #prefix: string;
  readonly #clock: Clock;

  constructor(
    private readonly client: S3Client,
    private readonly keys: DataKeyProvider,
    private readonly options: S3BundleStoreOptions,
  ) {
    if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(options.bucket)) throw new ValidationError('bucket', `${JSON.stringify(options.bucket)} is not an S3 bucket name`);
    this.#bucket = options.bucket;
    this.#prefix = options.prefix ?? 'trustpoint/';
    if (this.#prefix !== '' && !this.#prefix.endsWith('/')) throw new ValidationError('prefix', `${JSON.stringify(this.#prefix)} must end with "/"`);
    this.#clock = options.clock ?? systemClock;
  }

  #key(ref: BundleRef): string {
    const { deviceId, kind, serialHex } = parseBundleRef(ref);
    return `${this.#prefix}bundles/${deviceId}/${kind}/${serialHex}.tpb`;
  }

  async put(metadata: BundleMetadata, contents: BundleContents): Promise<BundleRef> {
    const ref = bundleRefFor(metadata.deviceId, metadata.kind, metadata.serialHex);
    const stored: StoredBundleMetadata = { ...metadata, serialHex: normalizeSerialHex(metadata.serialHex), createdAt: this.#clock.now().toISOString() };
    const body = await sealBundle(stored, contents, this.keys);
    try {
      await this.client.send(
        new PutObjectCommand({
          Bucket: this.#bucket,
          Key: this.#key(ref),
          Body: body,
          ContentType: 'application/vnd.trustpoint.bundle',
          ServerSideEncryption: 'aws:kms',
          BucketKeyEnabled: true,
          ...(this.options.kmsKeyId === undefined ? {} : { SSEKMSKeyId: this.options.kmsKeyId }),
          // Public facts only, so the console and `aws s3api head-object` show what a bundle is.
          Metadata: { 'device-id': stored.deviceId, kind: stored.kind, serial: stored.serialHex, trustpoint: stored.trustpoint, 'not-after': stored.notAfter },
        }),
      );
    } catch (error) {
      throw this.#error('PutObject', ref, error);
    }
    return ref;
  }

  async get(ref: BundleRef): Promise<{ metadata: StoredBundleMetadata; contents: BundleContents }> {
    const bytes = await this.#read(ref);
    if (bytes === undefined) throw new BackupNotFoundError(`no bundle ${ref} (s3://${this.#bucket}/${this.#key(ref)})`);
    return openBundle(bytes, this.keys, parseBundleRef(ref));
  }

  async head(ref: BundleRef): Promise<StoredBundleMetadata | undefined> {
    const bytes = await this.#read(ref);
    return bytes === undefined ? undefined : readBundleMetadata(bytes);
  }

  /**
   * DeleteObject answers 204 whether or not the key existed, so HeadObject first tells
   * 'absent' from 'deleted'. The key is built from the parsed reference, so it is always under
   * `<prefix>bundles/<device>/<kind>/`; the deployment's IAM policy narrows it to backup bundles.
   */
  async delete(ref: BundleRef): Promise<'deleted' | 'absent'> {
    const key = this.#key(ref);
    try {
      await this.client.send(new HeadObjectCommand({ Bucket: this.#bucket, Key: key }));
    } catch (error) {
      if (NOT_FOUND.has(awsErrorName(error))) return 'absent';
      throw this.#error('HeadObject', ref, error);
    }
    try {
      await this.client.send(new DeleteObjectCommand({ Bucket: this.#bucket, Key: key }));
    } catch (error) {
      throw this.#error('DeleteObject', ref, error);
    }
    return 'deleted';
  }

  async list(deviceId: string, kind?: BundleKind): Promise<{ ref: BundleRef; metadata: StoredBundleMetadata }[]> {
    checkDeviceId(deviceId);
    const prefix = `${this.#prefix}bundles/${deviceId}/${kind === undefined ? '' : `${kind}/`}`;
    const refs: BundleRef[] = [];
    let token: string | undefined;
    do {
      let page;
      try {
        page = await this.client.send(new ListObjectsV2Command({ Bucket: this.#bucket, Prefix: prefix, ...(token === undefined ? {} : { ContinuationToken: token }) }));
      } catch (error) {
        throw this.#error('ListObjectsV2', `bundle/${deviceId}`, error);
      }
      for (const object of page.Contents ?? []) {
        const match = /\/(issued|backup)\/([0-9a-f]+)\.tpb$/.exec(object.Key ?? '');
        if (match?.[1] && match[2]) refs.push(bundleRefFor(deviceId, match[1] as BundleKind, match[2]));
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token !== undefined);
    const found: { ref: BundleRef; metadata: StoredBundleMetadata }[] = [];
    for (const ref of refs) {
      const metadata = await this.head(ref);
      if (metadata) found.push({ ref, metadata });
    }
    return found.sort((a, b) => b.metadata.createdAt.localeCompare(a.metadata.createdAt));
  }

  async #read(ref: BundleRef): Promise<Uint8Array | undefined> {
    try {
      const response = await this.client.send(new GetObjectCommand({ Bucket: this.#bucket, Key: this.#key(ref) }));
      if (response.Body === undefined) throw new StoreError(`S3 returned no body for ${ref}`);
      return await response.Body.transformToByteArray();
    } catch (error) {
      if (NOT_FOUND.has(awsErrorName(error))) return undefined;
      if (error instanceof StoreError) throw error;
      throw this.#error('GetObject', ref, error);
    }
  }

  /** S3 failures are StoreError (transient): throttling, 5xx, and also policy mistakes, which say so. */
  #error(action: string, ref: string, error: unknown): StoreError {
    return new StoreError(`S3 ${action} for ${ref} in bucket ${this.#bucket} failed: ${describeAwsError(error)}`, { cause: error });
  }
}
