// SecretStore over Secrets Manager: one secret per credentials group (the device record's
// credentialsRef; many devices may share one). Passphrases are NOT stored here: they travel
// inside the encrypted bundle (docs/decisions/20261127-secrets-and-bundles.md), so a
// renewal makes no Secrets Manager write at all.
import { CreateSecretCommand, GetSecretValueCommand, PutSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { StoreError, ValidationError } from '../errors.js';
import { credentialsDocument, parseCredentialsDocument } from '../inventory/credentials.js';
import { SECRET_REF_PATTERN } from '../inventory/refs.js';
import type { DeviceCredentials, SecretStore } from '../ports.js';
import { awsErrorName, describeAwsError, isThrottling, isUnavailable } from './aws-errors.js';

export interface SecretsManagerOptions {
  /** KMS key for secrets this store creates; default: the account's aws/secretsmanager key. */
  kmsKeyId?: string;
}

/** Secrets Manager errors in the project's names; the message never carries the secret value. */
export function secretsManagerError(action: string, ref: string, error: unknown): Error {
  const described = describeAwsError(error);
  const name = awsErrorName(error);
  if (name === 'ResourceNotFoundException') {
    return new ValidationError('credentialsRef', `Secrets Manager has no secret ${JSON.stringify(ref)} (${described})`, { cause: error });
  }
  if (name === 'InvalidParameterException' || name === 'InvalidRequestException' || name === 'ValidationException') {
    return new ValidationError('credentialsRef', `Secrets Manager refused ${action} for ${JSON.stringify(ref)}: ${described}`, { cause: error });
  }
  const hint = isThrottling(error) || isUnavailable(error) ? 'retry later' : 'check the IAM policy and the key policy of the secret';
  return new StoreError(`Secrets Manager ${action} for ${JSON.stringify(ref)} failed: ${described}: ${hint}`, { cause: error });
}

function checkRef(ref: string): string {
  if (!SECRET_REF_PATTERN.test(ref)) {
    throw new ValidationError('credentialsRef', `${JSON.stringify(ref.slice(0, 80))} is not a secret name or Secrets Manager ARN`);
  }
  return ref;
}

export class SecretsManagerSecretStore implements SecretStore {
  constructor(
    private readonly client: SecretsManagerClient,
    private readonly options: SecretsManagerOptions = {},
  ) {}

  async getDeviceCredentials(ref: string): Promise<DeviceCredentials> {
    checkRef(ref);
    let text: string | undefined;
    try {
      text = (await this.client.send(new GetSecretValueCommand({ SecretId: ref }))).SecretString;
    } catch (error) {
      throw secretsManagerError('GetSecretValue', ref, error);
    }
    if (text === undefined) {
      throw new ValidationError('credentialsRef', `secret ${JSON.stringify(ref)} has no SecretString: store {"username","password","enablePassword"?} as JSON text`);
    }
    return parseCredentialsDocument(text, ref);
  }

  /** Writes a new version, creating the secret (by name) when it does not exist yet. */
  async putDeviceCredentials(ref: string, credentials: DeviceCredentials): Promise<void> {
    checkRef(ref);
    const SecretString = credentialsDocument(credentials);
    try {
      await this.client.send(new PutSecretValueCommand({ SecretId: ref, SecretString }));
      return;
    } catch (error) {
      if (awsErrorName(error) !== 'ResourceNotFoundException' || ref.startsWith('arn:')) throw secretsManagerError('PutSecretValue', ref, error);
    }
    try {
      await this.client.send(
        new CreateSecretCommand({
          Name: ref,
          SecretString,
          Description: 'trustpoint: SSH credentials of ASA devices {username, password, enablePassword}',
          ...(this.options.kmsKeyId === undefined ? {} : { KmsKeyId: this.options.kmsKeyId }),
          Tags: [{ Key: 'app', Value: 'trustpoint' }],
        }),
      );
    } catch (error) {
      throw secretsManagerError('CreateSecret', ref, error);
    }
  }
}
