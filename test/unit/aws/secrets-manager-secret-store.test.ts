import { CreateSecretCommand, GetSecretValueCommand, PutSecretValueCommand, ResourceNotFoundException, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { SecretsManagerSecretStore } from '../../../src/aws/secrets-manager-secret-store.js';
import { StoreError, ValidationError } from '../../../src/errors.js';
import { deviceCredentials } from '../../../src/ports.js';
import { awsError } from './fakes.js';

const PASSWORD = 'S3cret-Login-Pw';
const ENABLE = 'S3cret-Enable-Pw';
const DOCUMENT = JSON.stringify({ username: 'netops', password: PASSWORD, enablePassword: ENABLE });

const secrets = mockClient(SecretsManagerClient);

function store(): SecretsManagerSecretStore {
  return new SecretsManagerSecretStore(new SecretsManagerClient({ region: 'eu-west-1' }), { kmsKeyId: 'alias/trustpoint' });
}

async function caught(promise: Promise<unknown>): Promise<Error> {
  const error = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  if (!(error instanceof Error)) throw new Error('expected a rejection');
  return error;
}

describe('SecretsManagerSecretStore', () => {
  beforeEach(() => {
    secrets.reset();
  });

  it('reads the credentials document of a group secret', async () => {
    secrets.on(GetSecretValueCommand, { SecretId: 'trustpoint/asa-admins' }).resolves({ SecretString: DOCUMENT, VersionId: 'v1' });

    const credentials = await store().getDeviceCredentials('trustpoint/asa-admins');

    expect([credentials.username, credentials.password, credentials.enablePassword]).toEqual(['netops', PASSWORD, ENABLE]);
    expect(JSON.stringify(credentials)).not.toContain(PASSWORD);
  });

  it.each([
    ['ResourceNotFoundException', new ResourceNotFoundException({ message: "Secrets Manager can't find the specified secret.", $metadata: {} }), ValidationError],
    ['ThrottlingException', awsError('ThrottlingException', 'Rate exceeded'), StoreError],
    ['AccessDeniedException', awsError('AccessDeniedException', 'not authorized to perform secretsmanager:GetSecretValue'), StoreError],
    ['a 500', awsError('InternalServiceError', 'internal', { status: 500 }), StoreError],
  ])('surfaces %s by its name', async (name, error, type) => {
    secrets.on(GetSecretValueCommand).rejects(error);

    const thrown = await caught(store().getDeviceCredentials('trustpoint/asa-admins'));

    expect(thrown).toBeInstanceOf(type);
    expect(thrown.message).toContain(name.startsWith('a ') ? 'InternalServiceError' : name);
    expect(thrown.message).toContain('trustpoint/asa-admins');
  });

  it('marks throttling as transient and a missing secret as terminal', async () => {
    secrets.on(GetSecretValueCommand).rejectsOnce(awsError('ThrottlingException', 'Rate exceeded')).rejects(new ResourceNotFoundException({ message: 'missing', $metadata: {} }));

    expect((await caught(store().getDeviceCredentials('a'))) as StoreError).toHaveProperty('transient', true);
    expect((await caught(store().getDeviceCredentials('a'))) as ValidationError).toHaveProperty('transient', false);
  });

  it.each([
    ['a binary secret', { SecretBinary: new Uint8Array([1, 2]) }],
    ['a document without password', { SecretString: JSON.stringify({ username: 'netops', enable: ENABLE }) }],
    ['a document with an extra field', { SecretString: JSON.stringify({ username: 'netops', password: PASSWORD, secret: ENABLE }) }],
    ['a plain password', { SecretString: PASSWORD }],
  ])('refuses %s without quoting any secret value', async (_case, response) => {
    secrets.on(GetSecretValueCommand).resolves(response);

    const thrown = await caught(store().getDeviceCredentials('trustpoint/asa-admins'));

    expect(thrown).toBeInstanceOf(ValidationError);
    expect(thrown.message).not.toContain(PASSWORD);
    expect(thrown.message).not.toContain(ENABLE);
    expect(String(thrown.cause ?? '')).not.toContain(PASSWORD);
  });

  it('writes a new version of an existing secret', async () => {
    secrets.on(PutSecretValueCommand).resolves({ VersionId: 'v2' });

    await store().putDeviceCredentials('trustpoint/asa-admins', deviceCredentials({ username: 'netops', password: PASSWORD }));

    expect(secrets.commandCalls(PutSecretValueCommand)[0]?.args[0].input).toEqual({ SecretId: 'trustpoint/asa-admins', SecretString: JSON.stringify({ username: 'netops', password: PASSWORD }) });
    expect(secrets.commandCalls(CreateSecretCommand)).toHaveLength(0);
  });

  it('creates the secret, with the configured KMS key, when it does not exist', async () => {
    secrets.on(PutSecretValueCommand).rejects(new ResourceNotFoundException({ message: 'missing', $metadata: {} }));
    secrets.on(CreateSecretCommand).resolves({ ARN: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:trustpoint/asa-admins-AbCdEf' });

    await store().putDeviceCredentials('trustpoint/asa-admins', deviceCredentials({ username: 'netops', password: PASSWORD }));

    expect(secrets.commandCalls(CreateSecretCommand)[0]?.args[0].input).toMatchObject({ Name: 'trustpoint/asa-admins', KmsKeyId: 'alias/trustpoint' });
  });

  it('reports a failed write without the credentials in the message', async () => {
    secrets.on(PutSecretValueCommand).rejects(awsError('LimitExceededException', 'too many versions'));

    const thrown = await caught(store().putDeviceCredentials('trustpoint/asa-admins', deviceCredentials({ username: 'netops', password: PASSWORD, enablePassword: ENABLE })));

    expect(thrown).toBeInstanceOf(StoreError);
    expect(thrown.message).toMatch(/PutSecretValue .* LimitExceededException: too many versions/);
    expect(thrown.message).not.toContain(PASSWORD);
    expect(thrown.message).not.toContain(ENABLE);
  });

  it('refuses a malformed reference before calling AWS', async () => {
    await expect(store().getDeviceCredentials('asa admins')).rejects.toThrow(ValidationError);
    expect(secrets.calls()).toHaveLength(0);
  });
});
