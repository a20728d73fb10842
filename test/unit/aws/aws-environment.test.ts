import { randomBytes } from 'node:crypto';
import { ACMPCAClient, DescribeCertificateAuthorityCommand, IssueCertificateCommand } from '@aws-sdk/client-acm-pca';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { createAwsEnvironment } from '../../../src/aws/aws-environment.js';
import { ValidationError } from '../../../src/errors.js';

const pca = mockClient(ACMPCAClient);
const s3 = mockClient(S3Client);
const secrets = mockClient(SecretsManagerClient);

const CONFIG = {
  region: 'eu-west-1',
  certificateAuthorityArn: 'arn:aws:acm-pca:eu-west-1:123456789012:certificate-authority/11111111-2222-3333-4444-555555555555',
  certificateTemplateArn: 'arn:aws:acm-pca:::template/EndEntityCertificate/V1',
  inventoryTableName: 'trustpoint-inventory',
  bundleBucketName: 'trustpoint-bundles-123456789012',
  bundleMasterKeySecretId: 'trustpoint/bundle-master-key',
};

describe('createAwsEnvironment', () => {
  beforeEach(() => {
    pca.reset();
    s3.reset();
    secrets.reset();
  });

  it('wires the configured CA, template, bucket and master key secret into the adapters', async () => {
    pca.on(DescribeCertificateAuthorityCommand).resolves({ CertificateAuthority: { CertificateAuthorityConfiguration: { KeyAlgorithm: 'RSA_2048', SigningAlgorithm: 'SHA256WITHRSA', Subject: {} } } });
    pca.on(IssueCertificateCommand).resolves({ CertificateArn: `${CONFIG.certificateAuthorityArn}/certificate/01` });
    secrets.on(GetSecretValueCommand).resolves({ SecretString: randomBytes(48).toString('base64url'), VersionId: 'v1' });
    s3.on(PutObjectCommand).resolves({});
    const environment = createAwsEnvironment(CONFIG);

    await environment.ca.issue('-----BEGIN CERTIFICATE REQUEST-----\n-----END CERTIFICATE REQUEST-----\n', { validityDays: 30, idempotencyToken: 'tok' });
    await environment.bundles.put(
      { deviceId: 'asa-1', kind: 'issued', serialHex: '01', trustpoint: 'VPN-20261127-1', notAfter: '2027-01-01T00:00:00.000Z', pkcs12Profile: 'legacy' },
      { pkcs12: new Uint8Array([1, 2, 3]), passphrase: 'passphrase-1234' },
    );

    expect(pca.commandCalls(IssueCertificateCommand)[0]?.args[0].input).toMatchObject({ CertificateAuthorityArn: CONFIG.certificateAuthorityArn, TemplateArn: CONFIG.certificateTemplateArn });
    expect(secrets.commandCalls(GetSecretValueCommand)[0]?.args[0].input.SecretId).toBe('trustpoint/bundle-master-key');
    expect(s3.commandCalls(PutObjectCommand)[0]?.args[0].input.Bucket).toBe('trustpoint-bundles-123456789012');
  });

  it('refuses a CA ARN that is not one, when the environment is built', () => {
    expect(() => createAwsEnvironment({ ...CONFIG, certificateAuthorityArn: 'arn:aws:acm:eu-west-1:123456789012:certificate/x' })).toThrow(ValidationError);
  });
});
