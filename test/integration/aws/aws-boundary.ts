// The AWS boundary of the task Lambdas, mocked with aws-sdk-client-mock and backed by real
// state: ACM PCA signs with a LocalCa (the certificate really issued for the CSR the handler
// sent), Secrets Manager answers the device credentials and the bundle master key, S3 is an
// object map, DynamoDB an in-memory table (in-memory-dynamodb.ts). Every call is counted per
// service and operation (the mocks' call history).
import { randomBytes, randomUUID } from 'node:crypto';
import { ACMPCAClient, DescribeCertificateAuthorityCommand, GetCertificateCommand, IssueCertificateCommand, ResourceNotFoundException as PcaResourceNotFound } from '@aws-sdk/client-acm-pca';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, NoSuchKey, NotFound, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { GetObjectCommandOutput } from '@aws-sdk/client-s3';
import { GetSecretValueCommand, ResourceNotFoundException as SecretNotFound, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import type { AwsClientStub } from 'aws-sdk-client-mock';
import type { LocalCa } from '../../../src/pki/local-ca.js';
import { InMemoryTable } from './in-memory-dynamodb.js';

export interface BoundaryConfig {
  caArn: string;
  /** The PCA KeyAlgorithm DescribeCertificateAuthority answers (the local CA's key). */
  caKeyAlgorithm: 'EC_prime256v1' | 'RSA_2048';
  inventoryTableName: string;
  bucket: string;
  masterKeySecretArn: string;
}

export interface SecretVersion {
  value: string;
  versionId: string;
}

/** One call as the mocks saw it: service and operation, plus which kind of secret a Secrets Manager call named. */
export interface CountedCall {
  service: 'ACM PCA' | 'Secrets Manager' | 'S3' | 'DynamoDB';
  operation: string;
  secret?: 'bundle master key' | 'device credentials';
}

export interface AwsBoundary {
  pca: AwsClientStub<ACMPCAClient>;
  secrets: AwsClientStub<SecretsManagerClient>;
  s3: AwsClientStub<S3Client>;
  dynamodb: AwsClientStub<DynamoDBClient>;
  table: InMemoryTable;
  objects: Map<string, { body: Uint8Array; metadata: Record<string, string> | undefined }>;
  /** Secret id (name or ARN) -> its one version. */
  secretValues: Map<string, SecretVersion>;
  /** Certificates issued through IssueCertificate, by ARN. */
  issued: Map<string, { certificatePem: string; chainPems: string[] }>;
  /** Every call since the last `resetHistory()`, in the order they were made. */
  calls(): CountedCall[];
  resetHistory(): void;
  restore(): void;
}

function operationOf(command: unknown): string {
  return (command as { constructor: { name: string } }).constructor.name.replace(/Command$/, '');
}

function unexpected(service: string) {
  return (input: unknown) => {
    throw new Error(`${service}: the test boundary does not serve this command (input ${JSON.stringify(input).slice(0, 200)})`);
  };
}

function getObjectBody(bytes: Uint8Array): GetObjectCommandOutput['Body'] {
  return { transformToByteArray: async () => new Uint8Array(bytes) } as unknown as GetObjectCommandOutput['Body'];
}

export function mockAwsBoundary(config: BoundaryConfig, ca: LocalCa): AwsBoundary {
  const pca = mockClient(ACMPCAClient);
  const secrets = mockClient(SecretsManagerClient);
  const s3 = mockClient(S3Client);
  const dynamodb = mockClient(DynamoDBClient);
  // The catch-alls first: a more recent `.on(Command)` wins, so only unserved commands reach them.
  for (const [mock, service] of [
    [pca, 'ACM PCA'],
    [secrets, 'Secrets Manager'],
    [s3, 'S3'],
    [dynamodb, 'DynamoDB'],
  ] as const) {
    (mock as AwsClientStub<S3Client>).onAnyCommand().callsFake(unexpected(service));
  }

  const table = new InMemoryTable(config.inventoryTableName, 'deviceId');
  table.serve(dynamodb);

  const issued = new Map<string, { certificatePem: string; chainPems: string[] }>();
  pca.on(DescribeCertificateAuthorityCommand).callsFake((input: { CertificateAuthorityArn?: string }) => {
    if (input.CertificateAuthorityArn !== config.caArn) throw new PcaResourceNotFound({ message: `no CA ${String(input.CertificateAuthorityArn)}`, $metadata: { httpStatusCode: 400 } });
    return { CertificateAuthority: { Arn: config.caArn, Status: 'ACTIVE', Type: 'SUBORDINATE', CertificateAuthorityConfiguration: { KeyAlgorithm: config.caKeyAlgorithm, SigningAlgorithm: 'SHA256WITHECDSA', Subject: {} } } };
  });
  pca.on(IssueCertificateCommand).callsFake(async (input: { CertificateAuthorityArn?: string; Csr?: Uint8Array; Validity?: { Type?: string; Value?: number }; IdempotencyToken?: string }) => {
    if (input.CertificateAuthorityArn !== config.caArn) throw new PcaResourceNotFound({ message: `no CA ${String(input.CertificateAuthorityArn)}`, $metadata: { httpStatusCode: 400 } });
    if (input.Validity?.Type !== 'DAYS' || input.Validity.Value === undefined) throw new Error(`IssueCertificate: the test boundary expects a validity in DAYS, got ${JSON.stringify(input.Validity)}`);
    const csrPem = Buffer.from(input.Csr ?? new Uint8Array()).toString('utf8');
    const certificate = await ca.sign(csrPem, { days: input.Validity.Value, ...(input.IdempotencyToken === undefined ? {} : { idempotencyKey: input.IdempotencyToken }) });
    const arn = `${config.caArn}/certificate/${certificate.serialHex.toLowerCase().padStart(32, '0').slice(-32)}`;
    issued.set(arn, { certificatePem: certificate.certificatePem, chainPems: certificate.chainPems });
    return { CertificateArn: arn };
  });
  pca.on(GetCertificateCommand).callsFake((input: { CertificateAuthorityArn?: string; CertificateArn?: string }) => {
    const certificate = issued.get(input.CertificateArn ?? '');
    if (input.CertificateAuthorityArn !== config.caArn || certificate === undefined) {
      throw new PcaResourceNotFound({ message: `no certificate ${String(input.CertificateArn)}`, $metadata: { httpStatusCode: 400 } });
    }
    // PCA answers without a trailing newline and the chain as one string, issuer first.
    return { Certificate: certificate.certificatePem.trimEnd(), CertificateChain: certificate.chainPems.map((pem) => pem.trimEnd()).join('\n') };
  });

  const secretValues = new Map<string, SecretVersion>([[config.masterKeySecretArn, { value: randomBytes(48).toString('base64url'), versionId: randomUUID() }]]);
  secrets.on(GetSecretValueCommand).callsFake((input: { SecretId?: string; VersionId?: string }) => {
    const secret = secretValues.get(input.SecretId ?? '');
    if (secret === undefined || (input.VersionId !== undefined && input.VersionId !== secret.versionId)) {
      throw new SecretNotFound({ message: "Secrets Manager can't find the specified secret.", $metadata: { httpStatusCode: 400 } });
    }
    return { ARN: input.SecretId, Name: input.SecretId, SecretString: secret.value, VersionId: secret.versionId, VersionStages: ['AWSCURRENT'] };
  });

  const objects = new Map<string, { body: Uint8Array; metadata: Record<string, string> | undefined }>();
  const checkBucket = (bucket: string | undefined) => {
    if (bucket !== config.bucket) throw new Error(`S3: no bucket ${String(bucket)} in the test boundary`);
  };
  s3.on(PutObjectCommand).callsFake((input: { Bucket?: string; Key?: string; Body?: unknown; Metadata?: Record<string, string> }) => {
    checkBucket(input.Bucket);
    if (!(input.Body instanceof Uint8Array)) throw new Error('S3 PutObject: the test boundary stores Uint8Array bodies only');
    objects.set(input.Key ?? '', { body: new Uint8Array(input.Body), metadata: input.Metadata });
    return { ETag: `"${randomUUID()}"` };
  });
  s3.on(GetObjectCommand).callsFake((input: { Bucket?: string; Key?: string }) => {
    checkBucket(input.Bucket);
    const object = objects.get(input.Key ?? '');
    if (object === undefined) throw new NoSuchKey({ message: 'The specified key does not exist.', $metadata: { httpStatusCode: 404 } });
    return { Body: getObjectBody(object.body), ContentLength: object.body.length, Metadata: object.metadata };
  });
  s3.on(HeadObjectCommand).callsFake((input: { Bucket?: string; Key?: string }) => {
    checkBucket(input.Bucket);
    const object = objects.get(input.Key ?? '');
    if (object === undefined) throw new NotFound({ message: 'Not Found', $metadata: { httpStatusCode: 404 } });
    return { ContentLength: object.body.length, Metadata: object.metadata };
  });
  s3.on(ListObjectsV2Command).callsFake((input: { Bucket?: string; Prefix?: string }) => {
    checkBucket(input.Bucket);
    const keys = [...objects.keys()].filter((key) => key.startsWith(input.Prefix ?? '')).sort();
    return { Contents: keys.map((Key) => ({ Key, Size: objects.get(Key)!.body.length })), KeyCount: keys.length, IsTruncated: false };
  });
  s3.on(DeleteObjectCommand).callsFake((input: { Bucket?: string; Key?: string }) => {
    checkBucket(input.Bucket);
    objects.delete(input.Key ?? '');
    return {};
  });

  const services = [
    ['ACM PCA', pca],
    ['Secrets Manager', secrets],
    ['S3', s3],
    ['DynamoDB', dynamodb],
  ] as const;
  return {
    pca,
    secrets,
    s3,
    dynamodb,
    table,
    objects,
    secretValues,
    issued,
    calls() {
      const all = services.flatMap(([service, mock]) =>
        (mock as AwsClientStub<S3Client>).calls().map((call) => {
          const command = call.args[0] as { input?: { SecretId?: string } };
          const counted: CountedCall = { service, operation: operationOf(command) };
          const secretId = command.input?.SecretId;
          if (service === 'Secrets Manager' && secretId !== undefined) counted.secret = secretId === config.masterKeySecretArn ? 'bundle master key' : 'device credentials';
          // Sinon numbers every call of every stub in one sequence (callId, absent from its typings).
          return { order: (call as unknown as { callId: number }).callId, counted };
        }),
      );
      return all.sort((a, b) => a.order - b.order).map((each) => each.counted);
    },
    resetHistory() {
      for (const [, mock] of services) (mock as AwsClientStub<S3Client>).resetHistory();
    },
    restore() {
      for (const [, mock] of services) (mock as AwsClientStub<S3Client>).restore();
    },
  };
}
