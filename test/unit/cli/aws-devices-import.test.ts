import { DynamoDBClient, ScanCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { fromAttribute } from '../../../src/aws/dynamodb-inventory.js';
import { importFleetToAws } from '../../../src/cli/commands/aws-devices-import.js';
import { ValidationError } from '../../../src/errors.js';
import { aDeviceInput } from '../inventory/builders.js';

const dynamo = mockClient(DynamoDBClient);
const secrets = mockClient(SecretsManagerClient);
const NAMES = { inventoryTableName: 'trustpoint-inventory', credentialsSecretPrefix: 'trustpoint/credentials/' };
const clients = { dynamodb: new DynamoDBClient({ region: 'eu-west-1' }), secretsManager: new SecretsManagerClient({ region: 'eu-west-1' }) };

function fleet(devices: Record<string, unknown>[]): string {
  return JSON.stringify({ defaults: { credentialsRef: 'trustpoint/credentials/asa-admins' }, devices });
}

describe('importFleetToAws', () => {
  beforeEach(() => {
    dynamo.reset();
    secrets.reset();
    dynamo.on(ScanCommand).resolves({ Items: [] });
    dynamo.on(UpdateItemCommand).resolves({});
    secrets.on(GetSecretValueCommand).resolves({ SecretString: JSON.stringify({ username: 'admin', password: 'not-logged' }) });
  });

  it('writes every device record to the table and checks each credentials secret once', async () => {
    const devices = [aDeviceInput({ id: 'asa-1' }), aDeviceInput({ id: 'asa-2', host: 'asa-2.mgmt.example.net' })].map(({ credentialsRef: _drop, ...rest }) => rest);

    const imported = await importFleetToAws(fleet(devices), NAMES, clients);

    expect(imported.devices.map((d) => d.id)).toEqual(['asa-1', 'asa-2']);
    expect(imported.credentialProblems).toEqual([]);
    const writes = dynamo.commandCalls(UpdateItemCommand).map((call) => call.args[0].input);
    expect(writes.map((input) => input.TableName)).toEqual(['trustpoint-inventory', 'trustpoint-inventory']);
    expect(writes.map((input) => (fromAttribute(input.ExpressionAttributeValues?.[':device'] as AttributeValue) as { id: string }).id)).toEqual(['asa-1', 'asa-2']);
    expect(secrets.commandCalls(GetSecretValueCommand).map((call) => call.args[0].input.SecretId)).toEqual(['trustpoint/credentials/asa-admins']);
  });

  it('reports a credentials secret outside the deployment prefix, without reading it', async () => {
    const imported = await importFleetToAws(fleet([aDeviceInput({ id: 'asa-1', credentialsRef: 'other/asa-admins' })]), NAMES, clients);

    expect(imported.credentialProblems).toEqual([{ deviceId: 'asa-1', credentialsRef: 'other/asa-admins', problem: expect.stringContaining('trustpoint/credentials/<group>') }]);
    expect(secrets.calls()).toHaveLength(0);
  });

  it('writes nothing when a record is invalid, and names the field', async () => {
    const error = await importFleetToAws(fleet([aDeviceInput({ id: 'asa-1' }), aDeviceInput({ id: 'asa-2', interfaces: ['outside\nwrite erase'] })]), NAMES, clients).then(
      () => undefined,
      (caught: unknown) => caught,
    );

    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).field).toMatch(/^devices\[1\]\.interfaces/);
    expect(dynamo.commandCalls(UpdateItemCommand)).toHaveLength(0);
  });
});
