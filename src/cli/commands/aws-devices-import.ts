// The AWS side of `trustpoint devices import FILE --aws`: the same fleet file and the same
// import (src/demo/fleet-import.ts: all records validated first, errors naming the field)
// into the deployed DynamoDB inventory table, with the credentials checked in Secrets Manager
// under the deployment's prefix (the task Lambdas may read no other secret).
//
// The operator needs dynamodb:Scan and dynamodb:UpdateItem on the table, kms:Decrypt/Encrypt/
// GenerateDataKey on the deployment key through DynamoDB, and secretsmanager:GetSecretValue
// on <prefix>/credentials/* (to check the credentials exist).
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { DynamoDbInventory } from '../../aws/dynamodb-inventory.js';
import { SecretsManagerSecretStore } from '../../aws/secrets-manager-secret-store.js';
import { importFleet } from '../../demo/fleet-import.js';
import type { FleetImport } from '../../demo/fleet-import.js';
import { prefixedSecretStore } from '../../lambda/adapters/devices.js';

export interface AwsDeploymentNames {
  /** The InventoryTableName output of the stack. */
  inventoryTableName: string;
  /** The CredentialsSecretPrefix output of the stack (`<namePrefix>/credentials/`). */
  credentialsSecretPrefix: string;
}

export interface AwsClients {
  dynamodb: DynamoDBClient;
  secretsManager: SecretsManagerClient;
}

/** Clients for the region of the environment (AWS_REGION or the profile's region). */
export function defaultAwsClients(region?: string): AwsClients {
  const config = region === undefined ? {} : { region };
  return { dynamodb: new DynamoDBClient(config), secretsManager: new SecretsManagerClient(config) };
}

export async function importFleetToAws(text: string, names: AwsDeploymentNames, clients: AwsClients = defaultAwsClients()): Promise<FleetImport> {
  const inventory = new DynamoDbInventory(clients.dynamodb, { tableName: names.inventoryTableName });
  const secrets = prefixedSecretStore(new SecretsManagerSecretStore(clients.secretsManager), names.credentialsSecretPrefix);
  return importFleet(text, inventory, secrets);
}
