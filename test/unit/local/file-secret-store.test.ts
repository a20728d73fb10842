import { chmod, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { inspect } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ValidationError } from '../../../src/errors.js';
import { FileSecretStore, localSecretPath } from '../../../src/local/file-secret-store.js';
import { deviceCredentials } from '../../../src/ports.js';

const PASSWORD = 'Cisco-Pw-4711';
const ENABLE = 'Enable-Pw-0815';

describe('FileSecretStore', () => {
  let dataDir: string;
  let store: FileSecretStore;

  beforeEach(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'tp-secrets-'));
    store = new FileSecretStore(dataDir);
  });

  afterEach(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('stores credentials in a 0600 file and reads them back', async () => {
    await store.putDeviceCredentials('asa/admins', deviceCredentials({ username: 'admin', password: PASSWORD, enablePassword: ENABLE }));

    const credentials = await store.getDeviceCredentials('asa/admins');

    expect(credentials.username).toBe('admin');
    expect(credentials.password).toBe(PASSWORD);
    expect(credentials.enablePassword).toBe(ENABLE);
    const file = path.join(dataDir, 'secrets', 'asa', 'admins.json');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual({ username: 'admin', password: PASSWORD, enablePassword: ENABLE });
  });

  it('hides the passwords from JSON, inspect and string conversion', async () => {
    await store.putDeviceCredentials('admins', deviceCredentials({ username: 'admin', password: PASSWORD, enablePassword: ENABLE }));
    const credentials = await store.getDeviceCredentials('admins');

    const renderings = [JSON.stringify(credentials), inspect(credentials), `${String(credentials)}`, JSON.stringify({ nested: credentials })];

    for (const text of renderings) {
      expect(text).not.toContain(PASSWORD);
      expect(text).not.toContain(ENABLE);
    }
    expect(JSON.stringify(credentials)).toContain('admin');
  });

  it('refuses a secret file other users can read', async () => {
    await store.putDeviceCredentials('admins', deviceCredentials({ username: 'admin', password: PASSWORD }));
    await chmod(path.join(dataDir, 'secrets', 'admins.json'), 0o644);

    await expect(store.getDeviceCredentials('admins')).rejects.toThrow(/mode 0644.*expected 0600/);
  });

  it('names a missing secret without guessing', async () => {
    await expect(store.getDeviceCredentials('nobody')).rejects.toThrow(/no local secret "nobody"/);
  });

  it.each([
    ['not JSON', 'password=x'],
    ['a missing password', JSON.stringify({ username: 'admin' })],
    ['an unknown field', JSON.stringify({ username: 'admin', password: PASSWORD, pass: PASSWORD })],
    ['a numeric enable password', JSON.stringify({ username: 'admin', password: PASSWORD, enablePassword: 4711 })],
  ])('rejects a stored document with %s without echoing its values', async (_case, content) => {
    const file = path.join(dataDir, 'secrets', 'bad.json');
    await store.putDeviceCredentials('bad', deviceCredentials({ username: 'x', password: 'y' }));
    await writeFile(file, content, { mode: 0o600 });

    const error = await store.getDeviceCredentials('bad').catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(ValidationError);
    expect((error as Error).message).not.toContain(PASSWORD);
    expect((error as Error).message).not.toContain('4711');
  });

  it.each(['../etc/passwd', '/etc/passwd', 'a/../b', '.hidden', 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:x', 'a//b', ''])(
    'refuses the reference %j',
    (ref) => {
      expect(() => localSecretPath('/data/secrets', ref)).toThrow(ValidationError);
    },
  );
});
