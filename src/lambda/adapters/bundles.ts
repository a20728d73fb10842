// The `bundles` capability: encrypted PKCS12 bundles in S3 (SSE-KMS with the deployment key),
// sealed with the master key held in one Secrets Manager secret
// (docs/decisions/20261127-secrets-and-bundles.md).
import { S3Client } from '@aws-sdk/client-s3';
import { S3BundleStore } from '../../aws/s3-bundle-store.js';
import { SecretsManagerDataKeyProvider } from '../../aws/secrets-manager-master-key.js';
import { secretsManagerClient } from './clients.js';
import type { AdapterBuilder } from './types.js';

export const bundles: AdapterBuilder<'bundles'> = (env, clock) => ({
  bundles: new S3BundleStore(new S3Client({ maxAttempts: 4 }), new SecretsManagerDataKeyProvider(secretsManagerClient(), env.BUNDLE_MASTER_KEY_SECRET_ARN), {
    bucket: env.BUNDLE_BUCKET_NAME,
    prefix: env.BUNDLE_KEY_PREFIX,
    kmsKeyId: env.BUNDLE_KMS_KEY_ARN,
    clock,
  }),
});
