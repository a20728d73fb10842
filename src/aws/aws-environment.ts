// The AWS adapters wired together from a Lambda's configuration. Clients are created once
// per container (module scope in the handler) and use the SDK's standard retry mode, so
// throttling and 5xx are retried with backoff before an adapter sees them.
import { ACMPCAClient } from '@aws-sdk/client-acm-pca';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { systemClock } from '../ports.js';
import type { Clock } from '../ports.js';
import { AcmPcaCertificateAuthority } from './acm-pca-certificate-authority.js';
import { DynamoDbInventory } from './dynamodb-inventory.js';
import { S3BundleStore } from './s3-bundle-store.js';
import { SecretsManagerDataKeyProvider } from './secrets-manager-master-key.js';
import { SecretsManagerSecretStore } from './secrets-manager-secret-store.js';

export interface AwsEnvironmentConfig {
  region?: string;
  certificateAuthorityArn: string;
  /** Default: EndEntityServerAuthCertificate/V1. */
  certificateTemplateArn?: string;
  inventoryTableName: string;
  bundleBucketName: string;
  /** Default `trustpoint/`. */
  bundlePrefix?: string;
  /** SSE-KMS key for bundle objects; default aws/s3. */
  bundleKmsKeyId?: string;
  /** The one secret that holds the bundle master key. */
  bundleMasterKeySecretId: string;
  /** KMS key for credential secrets this code creates; default aws/secretsmanager. */
  credentialsKmsKeyId?: string;
  /** SDK attempts per call, including the first (default 4). */
  maxAttempts?: number;
  /** GetCertificate polling budget inside one invocation (default 60 s; keep under the Lambda timeout). */
  issuePollBudgetMs?: number;
}

export interface AwsEnvironment {
  ca: AcmPcaCertificateAuthority;
  secrets: SecretsManagerSecretStore;
  bundles: S3BundleStore;
  inventory: DynamoDbInventory;
}

export function createAwsEnvironment(config: AwsEnvironmentConfig, clock: Clock = systemClock): AwsEnvironment {
  const clientConfig = { maxAttempts: config.maxAttempts ?? 4, ...(config.region === undefined ? {} : { region: config.region }) };
  const secretsClient = new SecretsManagerClient(clientConfig);
  return {
    ca: new AcmPcaCertificateAuthority(new ACMPCAClient(clientConfig), {
      certificateAuthorityArn: config.certificateAuthorityArn,
      ...(config.certificateTemplateArn === undefined ? {} : { templateArn: config.certificateTemplateArn }),
      ...(config.issuePollBudgetMs === undefined ? {} : { pollBudgetMs: config.issuePollBudgetMs }),
      clock,
    }),
    secrets: new SecretsManagerSecretStore(secretsClient, config.credentialsKmsKeyId === undefined ? {} : { kmsKeyId: config.credentialsKmsKeyId }),
    bundles: new S3BundleStore(new S3Client(clientConfig), new SecretsManagerDataKeyProvider(secretsClient, config.bundleMasterKeySecretId), {
      bucket: config.bundleBucketName,
      ...(config.bundlePrefix === undefined ? {} : { prefix: config.bundlePrefix }),
      ...(config.bundleKmsKeyId === undefined ? {} : { kmsKeyId: config.bundleKmsKeyId }),
      clock,
    }),
    inventory: new DynamoDbInventory(new DynamoDBClient(clientConfig), { tableName: config.inventoryTableName, clock }),
  };
}
