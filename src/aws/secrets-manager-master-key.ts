// The bundle master key on AWS, held in ONE Secrets Manager secret for the whole fleet
// (docs/decisions/20261127-secrets-and-bundles.md). The secret's value is a random string of
// at least 40 characters (CDK: generateSecretString, passwordLength 64); the AES-256 key is
// HKDF-SHA256 of it. Each secret version is a key id, so rotating the secret changes the key
// for new bundles while old bundles still open with the version that sealed them.
//
// A KMS GenerateDataKey/Decrypt provider would keep the master key inside KMS; it needs
// @aws-sdk/client-kms, which is not a dependency yet. DataKeyProvider is shaped for it.
import { hkdfSync } from 'node:crypto';
import { GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { BundleIntegrityError, StoreError, ValidationError } from '../errors.js';
import { AesGcmDataKeyProvider } from '../local/bundle-envelope.js';
import type { DataKey, DataKeyProvider, KeyContext } from '../local/bundle-envelope.js';
import { describeAwsError } from './aws-errors.js';

const KEY_ID_PREFIX = 'secretsmanager:';
const MIN_SECRET_LENGTH = 40;

export function masterKeyFromSecret(secret: string): Uint8Array {
  return new Uint8Array(hkdfSync('sha256', Buffer.from(secret, 'utf8'), 'trustpoint-bundle-master-key', 'v1', 32));
}

export class SecretsManagerDataKeyProvider implements DataKeyProvider {
  /** Providers by secret version id; the current one is looked up once per container. */
  readonly #byVersion = new Map<string, Promise<AesGcmDataKeyProvider>>();
  #current: Promise<AesGcmDataKeyProvider> | undefined;

  constructor(
    private readonly client: SecretsManagerClient,
    private readonly secretId: string,
  ) {}

  async generateDataKey(context: KeyContext): Promise<DataKey> {
    this.#current ??= this.#load(undefined).catch((error: unknown) => {
      this.#current = undefined;
      throw error;
    });
    return (await this.#current).generateDataKey(context);
  }

  async decryptDataKey(wrapped: Uint8Array, keyId: string, context: KeyContext): Promise<Uint8Array> {
    if (!keyId.startsWith(KEY_ID_PREFIX)) {
      throw new BundleIntegrityError(`the bundle was sealed with master key ${JSON.stringify(keyId)}, not one held in Secrets Manager secret ${this.secretId}`);
    }
    const versionId = keyId.slice(KEY_ID_PREFIX.length);
    let provider = this.#byVersion.get(versionId);
    if (provider === undefined) {
      provider = this.#load(versionId);
      this.#byVersion.set(versionId, provider);
      provider.catch(() => this.#byVersion.delete(versionId));
    }
    return (await provider).decryptDataKey(wrapped, keyId, context);
  }

  async #load(versionId: string | undefined): Promise<AesGcmDataKeyProvider> {
    let response;
    try {
      response = await this.client.send(new GetSecretValueCommand({ SecretId: this.secretId, ...(versionId === undefined ? {} : { VersionId: versionId }) }));
    } catch (error) {
      throw new StoreError(`could not read the bundle master key (secret ${this.secretId}${versionId === undefined ? '' : `, version ${versionId}`}): ${describeAwsError(error)}`, { cause: error });
    }
    const secret = response.SecretString;
    if (secret === undefined || secret.length < MIN_SECRET_LENGTH || response.VersionId === undefined) {
      throw new ValidationError('bundleMasterKeySecret', `secret ${this.secretId} does not hold a bundle master key: expected a random SecretString of at least ${MIN_SECRET_LENGTH} characters`);
    }
    if (versionId !== undefined && response.VersionId !== versionId) {
      throw new StoreError(`secret ${this.secretId} answered version ${response.VersionId} when asked for ${versionId}`);
    }
    const provider = new AesGcmDataKeyProvider(masterKeyFromSecret(secret), `${KEY_ID_PREFIX}${response.VersionId}`);
    this.#byVersion.set(response.VersionId, Promise.resolve(provider));
    return provider;
  }
}
