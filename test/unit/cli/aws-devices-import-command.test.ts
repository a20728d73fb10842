// `trustpoint devices import FILE --aws` through the CLI framework, with DynamoDB and Secrets
// Manager mocked at the SDK boundary: all or nothing, the table and prefix from flags or
// variables, and no credential ever printed.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DynamoDBClient, ScanCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { EXIT_OK, EXIT_USAGE } from '../../../src/cli/framework.js';
import { runCliCaptured, type CliRun } from '../../helpers/cli.js';
import { aDeviceInput } from '../inventory/builders.js';

const dynamo = mockClient(DynamoDBClient);
const secrets = mockClient(SecretsManagerClient);
const ENV = { AWS_REGION: 'eu-west-1', TRUSTPOINT_INVENTORY_TABLE: 'trustpoint-inventory', TRUSTPOINT_SECRET_PREFIX: 'trustpoint/credentials/' };
const PASSWORD = 'Cisco-Pa55-never-printed';
const ENABLE = 'Enable-5ecret-never-printed';

let work: string;

function cli(argv: string[], env: NodeJS.ProcessEnv = ENV): Promise<CliRun> {
  return runCliCaptured(argv, { env, cwd: work });
}

async function fleetFile(name: string, devices: Record<string, unknown>[]): Promise<string> {
  await writeFile(path.join(work, name), JSON.stringify({ defaults: { credentialsRef: 'trustpoint/credentials/asa-admins' }, devices }));
  return name;
}

function withoutRef({ credentialsRef: _drop, ...rest }: Record<string, unknown>): Record<string, unknown> {
  return rest;
}

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'tp-cli-aws-import-'));
});

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe('trustpoint devices import --aws', () => {
  beforeEach(() => {
    dynamo.reset();
    secrets.reset();
    dynamo.on(ScanCommand).resolves({ Items: [] });
    dynamo.on(UpdateItemCommand).resolves({});
    secrets.on(GetSecretValueCommand).resolves({ SecretString: JSON.stringify({ username: 'admin', password: PASSWORD, enablePassword: ENABLE }) });
  });

  it('writes every device into the table named by the variables and checks each secret once, exit 0', async () => {
    const file = await fleetFile('fleet.json', [withoutRef(aDeviceInput({ id: 'asa-1' })), withoutRef(aDeviceInput({ id: 'asa-2', host: 'asa-2.mgmt.example.net' }))]);

    const run = await cli(['devices', 'import', file, '--aws']);

    expect(run.err).toBe('');
    expect(run.code).toBe(EXIT_OK);
    expect(run.out).toMatch(/^Imported 2 devices into DynamoDB table trustpoint-inventory \(eu-west-1\):$/m);
    expect(run.out).toMatch(/^ {2}asa-1 {2}asa-1\.mgmt\.example\.net:22 {2}ssl trust-point on outside/m);
    expect(run.out).toMatch(/^ {2}asa-2 {2}asa-2\.mgmt\.example\.net:22 /m);
    expect(dynamo.commandCalls(UpdateItemCommand).map((call) => call.args[0].input.TableName)).toEqual(['trustpoint-inventory', 'trustpoint-inventory']);
    expect(secrets.commandCalls(GetSecretValueCommand).map((call) => call.args[0].input.SecretId)).toEqual(['trustpoint/credentials/asa-admins']);
    expect(`${run.out}${run.err}`).not.toContain(PASSWORD);
    expect(`${run.out}${run.err}`).not.toContain(ENABLE);
  });

  it('takes --table, --secret-prefix and --region over the variables', async () => {
    const file = await fleetFile('edge.json', [{ ...aDeviceInput({ id: 'edge-1' }), credentialsRef: 'edge/credentials/admins' }]);

    const run = await cli(['devices', 'import', file, '--aws', '--table', 'edge-inventory', '--secret-prefix', 'edge/credentials/', '--region', 'us-east-1']);

    expect(run.err).toBe('');
    expect(run.code).toBe(EXIT_OK);
    const update = dynamo.commandCalls(UpdateItemCommand)[0];
    expect(update?.args[0].input.TableName).toBe('edge-inventory');
    expect(await update?.thisValue.config.region()).toBe('us-east-1');
    expect(secrets.commandCalls(GetSecretValueCommand).map((call) => call.args[0].input.SecretId)).toEqual(['edge/credentials/admins']);
  });

  it('warns about a credentialsRef outside the prefix, naming the prefix, without reading that secret', async () => {
    const file = await fleetFile('outside.json', [{ ...aDeviceInput({ id: 'asa-1' }), credentialsRef: 'other/asa-admins' }]);

    const run = await cli(['devices', 'import', file, '--aws']);

    expect(run.code).toBe(EXIT_OK);
    expect(run.err).toMatch(/^warning: asa-1: .*"other\/asa-admins" is outside this deployment's secrets.*a Secrets Manager secret trustpoint\/credentials\/<group>/m);
    expect(secrets.calls()).toHaveLength(0);
  });

  it('warns about a missing secret without failing the import', async () => {
    secrets.on(GetSecretValueCommand).rejects(Object.assign(new Error("Secrets Manager can't find the specified secret."), { name: 'ResourceNotFoundException' }));
    const file = await fleetFile('missing.json', [withoutRef(aDeviceInput({ id: 'asa-1' }))]);

    const run = await cli(['devices', 'import', file, '--aws']);

    expect(run.code).toBe(EXIT_OK);
    expect(run.err).toMatch(/^warning: asa-1: .*Secrets Manager has no secret "trustpoint\/credentials\/asa-admins"/m);
  });

  it('writes nothing when a record is invalid, and names the field, exit 2', async () => {
    const file = await fleetFile('bad.json', [withoutRef(aDeviceInput({ id: 'asa-1' })), withoutRef(aDeviceInput({ id: 'asa-2', interfaces: ['outside\nwrite erase'] }))]);

    const run = await cli(['devices', 'import', file, '--aws']);

    expect(run.code).toBe(EXIT_USAGE);
    expect(run.err).toMatch(/devices\[1\]\.interfaces/);
    expect(dynamo.commandCalls(UpdateItemCommand)).toHaveLength(0);
  });

  it.each([
    ['no table', { AWS_REGION: 'eu-west-1', TRUSTPOINT_SECRET_PREFIX: 'trustpoint/credentials/' }, [], /--table is required with --aws: the DynamoDB inventory table, the InventoryTableName output of the stack; pass --table or set \$TRUSTPOINT_INVENTORY_TABLE/],
    ['no secret prefix', { AWS_REGION: 'eu-west-1', TRUSTPOINT_INVENTORY_TABLE: 'trustpoint-inventory' }, [], /--secret-prefix is required with --aws: .*the CredentialsSecretPrefix output of the stack; pass --secret-prefix or set \$TRUSTPOINT_SECRET_PREFIX/],
    ['a prefix without its trailing slash', ENV, ['--secret-prefix', 'trustpoint/credentials'], /--secret-prefix: "trustpoint\/credentials" is not a secret name prefix ending in "\/"/],
    ['no region', { TRUSTPOINT_INVENTORY_TABLE: 'trustpoint-inventory', TRUSTPOINT_SECRET_PREFIX: 'trustpoint/credentials/' }, [], /--region is required with --aws/],
    ['--data-dir with --aws', ENV, ['--data-dir', 'data'], /--data-dir applies only to the local form/],
  ])('exits 2 on %s, before any AWS call', async (_case, env, flags, message) => {
    const file = await fleetFile('fleet.json', [withoutRef(aDeviceInput({ id: 'asa-1' }))]);

    const run = await cli(['devices', 'import', file, '--aws', ...flags], env);

    expect(run.code).toBe(EXIT_USAGE);
    expect(run.err).toMatch(message);
    expect(dynamo.calls()).toHaveLength(0);
    expect(secrets.calls()).toHaveLength(0);
  });
});
