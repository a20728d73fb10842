// What the workflow keeps: the inventory table, the backup catalog table (statemachines/
// BACKUP-RESTORE.md), the bundle bucket (encrypted PKCS12 bundles,
// docs/decisions/20261127-secrets-and-bundles.md), the bundle master-key secret, and the
// access-log bucket of the bundle bucket. Everything is retained on `cdk destroy`: the
// inventory and the bundles (backups for RMA restores) outlive a redeployment.
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';

export interface StorageProps {
  namePrefix: string;
  key: kms.IKey;
}

export class Storage extends Construct {
  readonly table: dynamodb.TableV2;
  /** The backup catalog (src/aws/dynamodb-backup-catalog.ts): deviceId + entryKey `<trustpoint>/<serial>`. */
  readonly backupTable: dynamodb.TableV2;
  readonly bundleBucket: s3.Bucket;
  readonly masterKeySecret: secretsmanager.Secret;
  /** S3 key prefix of the bundles (`<prefix>/`); the IAM policies allow `<prefix>/bundles/*` only. */
  readonly bundleKeyPrefix: string;
  /** Device credentials secrets are named `<prefix>/credentials/<group>`. */
  readonly credentialsSecretPrefix: string;

  constructor(scope: Construct, id: string, props: StorageProps) {
    super(scope, id);
    this.bundleKeyPrefix = `${props.namePrefix}/`;
    this.credentialsSecretPrefix = `${props.namePrefix}/credentials/`;

    this.table = new dynamodb.TableV2(this, 'InventoryTable', {
      tableName: `${props.namePrefix}-inventory`,
      partitionKey: { name: 'deviceId', type: dynamodb.AttributeType.STRING },
      billing: dynamodb.Billing.onDemand(),
      encryption: dynamodb.TableEncryptionV2.customerManagedKey(props.key),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    // A table of its own rather than rows in the inventory: the inventory's Scan stays the fleet
    // listing, and the backup tasks are granted the catalog without the inventory's leases.
    this.backupTable = new dynamodb.TableV2(this, 'BackupTable', {
      tableName: `${props.namePrefix}-backups`,
      partitionKey: { name: 'deviceId', type: dynamodb.AttributeType.STRING },
      sortKey: { name: 'entryKey', type: dynamodb.AttributeType.STRING },
      billing: dynamodb.Billing.onDemand(),
      encryption: dynamodb.TableEncryptionV2.customerManagedKey(props.key),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    const accessLogs = new s3.Bucket(this, 'AccessLogBucket', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      // Server access logs can only be delivered to SSE-S3 buckets.
      encryption: s3.BucketEncryption.S3_MANAGED,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      lifecycleRules: [{ expiration: Duration.days(365) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.bundleBucket = new s3.Bucket(this, 'BundleBucket', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      versioned: true,
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: props.key,
      bucketKeyEnabled: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      serverAccessLogsBucket: accessLogs,
      serverAccessLogsPrefix: 'bundle-bucket/',
      // Overwritten bundles (a re-issued serial) are kept 90 days, then removed.
      lifecycleRules: [{ noncurrentVersionExpiration: Duration.days(90) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.masterKeySecret = new secretsmanager.Secret(this, 'BundleMasterKey', {
      secretName: `${props.namePrefix}/bundle-master-key`,
      description: `${props.namePrefix}: master key that seals the PKCS12 bundles (each version is a key id; keep old versions)`,
      encryptionKey: props.key,
      generateSecretString: { passwordLength: 64, excludePunctuation: true, includeSpace: false },
      removalPolicy: RemovalPolicy.RETAIN,
    });
  }
}
