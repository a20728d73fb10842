// Shared by the Lambda handler tests.
import type { TrustpointEnvironment } from '../../../src/lambda/environment.js';

/** A complete environment, as the stack sets it (every function gets a subset). */
export function aFullEnvironment(overrides: Partial<TrustpointEnvironment> = {}): TrustpointEnvironment {
  return {
    TRUSTPOINT_NAME_PREFIX: 'trustpoint',
    POWERTOOLS_SERVICE_NAME: 'trustpoint',
    POWERTOOLS_METRICS_NAMESPACE: 'Trustpoint',
    TRUSTPOINT_LEASE_TTL_SECONDS: '7200',
    TRUSTPOINT_KEEP_GENERATIONS: '2',
    TRUSTPOINT_MAX_CONCURRENCY: '5',
    TRUSTPOINT_TOLERATED_FAILURE_PERCENTAGE: '20',
    INVENTORY_TABLE_NAME: 'trustpoint-inventory',
    CREDENTIALS_SECRET_PREFIX: 'trustpoint/',
    BUNDLE_BUCKET_NAME: 'trustpoint-bundles-111111111111',
    BUNDLE_KEY_PREFIX: 'trustpoint/',
    BUNDLE_KMS_KEY_ARN: 'arn:aws:kms:eu-west-1:111111111111:key/11111111-2222-3333-4444-555555555555',
    BUNDLE_MASTER_KEY_SECRET_ARN: 'arn:aws:secretsmanager:eu-west-1:111111111111:secret:trustpoint/bundle-master-key-AbCdEf',
    CA_ARN: 'arn:aws:acm-pca:eu-west-1:111111111111:certificate-authority/11111111-2222-3333-4444-555555555555',
    CA_TEMPLATE_ARN: 'arn:aws:acm-pca:::template/EndEntityServerAuthCertificate/V1',
    BACKUP_TABLE_NAME: 'trustpoint-backups',
    ...overrides,
  };
}
