import { chmod, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ValidationError } from '../../../src/errors.js';
import { localKeyId, openLocalMasterKey } from '../../../src/local/master-key.js';

describe('openLocalMasterKey', () => {
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'tp-master-key-'));
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('creates a 0600 key file on first use and reopens the same key', async () => {
    const file = path.join(dir, 'keys', 'bundle-master.key');

    const first = await openLocalMasterKey(file);
    const second = await openLocalMasterKey(file);

    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(first.keyId).toBe(second.keyId);
    expect(first.keyId).toBe(localKeyId(Buffer.from((await readFile(file, 'utf8')).trim(), 'base64')));
    const dataKey = await first.generateDataKey({ deviceId: 'asa-1' });
    expect(Buffer.from(await second.decryptDataKey(dataKey.wrapped, dataKey.keyId, { deviceId: 'asa-1' })).equals(Buffer.from(dataKey.plaintext))).toBe(true);
  });

  it('gives two processes starting at once the same key', async () => {
    const file = path.join(dir, 'bundle-master.key');

    const providers = await Promise.all([openLocalMasterKey(file), openLocalMasterKey(file), openLocalMasterKey(file)]);

    expect(new Set(providers.map((provider) => provider.keyId)).size).toBe(1);
  });

  it('refuses a key file other users can read', async () => {
    const file = path.join(dir, 'bundle-master.key');
    await openLocalMasterKey(file);
    await chmod(file, 0o640);

    await expect(openLocalMasterKey(file)).rejects.toThrow(ValidationError);
  });

  it('refuses a key file that does not hold 32 bytes', async () => {
    const file = path.join(dir, 'bundle-master.key');
    await writeFile(file, 'c2hvcnQ=\n', { mode: 0o600 });

    await expect(openLocalMasterKey(file)).rejects.toThrow(/decoded 5 bytes/);
  });
});
