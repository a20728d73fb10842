import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createPrivateKey } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SimDevice } from '../../../../sim/device.js';
import { runOpensslOk } from '../../../helpers/openssl.js';
import { ScriptedIo, runPki, runPkiError, transcript } from './fixtures.js';

const GENERATED_AT = new Date('2018-06-27T21:24:03Z');

describe('crypto key generate / zeroize / show crypto key mypubkey', () => {
  let stateDir: string;
  let device: SimDevice;

  beforeAll(async () => {
    stateDir = mkdtempSync(path.join(tmpdir(), 'sim-pki-keys-'));
    device = await SimDevice.open({ id: 'keys', stateDir, hostname: 'fw1', clock: { zoneName: 'UTC', offsetMinutes: 0, now: () => GENERATED_AT } });
  });
  afterAll(() => rmSync(stateDir, { recursive: true, force: true }));

  it('prints the dialog of crypto-key-generate-rsa-01 for a first, unlabelled key', async () => {
    const io = new ScriptedIo();
    await runPki(device, io, 'crypto key generate rsa modulus 2048');
    const expected = transcript('crypto-key-generate-rsa-01.txt').output;
    expect(expected.at(-1)).toBe('fw1(config)# ');
    expect(io.lines()).toEqual(expected.slice(0, -1));
    const key = device.pki.keypair('<Default-RSA-Key>');
    expect(key).toMatchObject({ kind: 'rsa', bits: 2048, generatedAt: GENERATED_AT.toISOString() });
    expect(createPrivateKey(key?.keyPem ?? '').asymmetricKeyDetails?.modulusLength).toBe(2048);
  });

  it('asks before replacing and refuses on "no" as in crypto-key-generate-rsa-06-answer-no', async () => {
    const before = device.pki.keypair('<Default-RSA-Key>')?.keyPem;
    const io = new ScriptedIo(['no']);
    const error = await runPkiError(device, io, 'crypto key generate rsa modulus 1024');
    const expected = transcript('crypto-key-generate-rsa-06-answer-no.txt').output;
    expect([...io.lines(), ...error]).toEqual(expected);
    expect(device.pki.keypair('<Default-RSA-Key>')?.keyPem).toBe(before);
  });

  it('names a labelled key in the messages and replaces it without a question under noconfirm', async () => {
    const first = new ScriptedIo();
    await runPki(device, first, 'crypto key generate ecdsa label VPN-EC elliptic-curve 256');
    expect(first.lines()).toEqual(['INFO: The name for the keys will be: VPN-EC', 'Keypair generation process begin. Please wait...']);
    const old = device.pki.keypair('VPN-EC')?.keyPem;

    const again = new ScriptedIo();
    await runPki(device, again, 'crypto key generate ecdsa label VPN-EC elliptic-curve 384 noconfirm');
    expect(again.lines()).toEqual(['Keypair generation process begin. Please wait...']);
    expect(device.pki.keypair('VPN-EC')).toMatchObject({ kind: 'ecdsa', bits: 384 });
    expect(device.pki.keypair('VPN-EC')?.keyPem).not.toBe(old);
  });

  it('replaces a labelled key after "yes"', async () => {
    const old = device.pki.keypair('VPN-EC')?.keyPem;
    const io = new ScriptedIo(['yes']);
    await runPki(device, io, 'crypto key generate ecdsa label VPN-EC elliptic-curve 256');
    expect(io.lines()).toEqual([
      'WARNING: You have a ECDSA keypair already defined named VPN-EC.',
      '',
      'Do you really want to replace them? [yes/no]: yes',
      'Keypair generation process begin. Please wait...',
    ]);
    expect(device.pki.keypair('VPN-EC')?.keyPem).not.toBe(old);
  });

  it.each([
    ['crypto key generate rsa modulus 1000', 'ERROR: Invalid modulus size 1000: use 1024, 2048, 3072 or 4096.'],
    ['crypto key generate ecdsa elliptic-curve 521', 'ERROR: Invalid elliptic curve 521: use 256 or 384.'],
    ['crypto key generate rsa label VPN-EC modulus 2048', 'ERROR: A ECDSA keypair named VPN-EC already exists; zeroize it first.'],
  ])('refuses %s', async (line, error) => {
    expect(await runPkiError(device, new ScriptedIo(), line)).toEqual([error]);
  });

  it('waits keygenDelayMs before the prompt returns', async () => {
    device.faults.keygenDelayMs = 400;
    try {
      const started = Date.now();
      await runPki(device, new ScriptedIo(), 'crypto key generate ecdsa label SLOW elliptic-curve 256');
      expect(Date.now() - started).toBeGreaterThanOrEqual(380);
    } finally {
      device.faults.keygenDelayMs = 0;
    }
  });

  it('shows the RSA key as show-crypto-key-mypubkey-rsa-01 does, with the real public key as hex words', async () => {
    const io = new ScriptedIo();
    await runPki(device, io, 'show crypto key mypubkey rsa');
    const expected = transcript('show-crypto-key-mypubkey-rsa-01.txt').output;
    const lines = io.lines();
    expect(lines.slice(0, 6)).toEqual(expected.slice(0, 6));
    const data = lines.slice(6);
    for (const line of data) expect(line).toMatch(/^ {2}[0-9a-f]{1,8}( [0-9a-f]{1,8}){0,7}$/);
    expect(data.slice(0, -1).every((l) => l.split(' ').length === 10)).toBe(true); // 2 leading spaces + 8 words
    const der = Buffer.from(data.join('').replace(/\s/g, ''), 'hex');
    const keyPem = device.pki.keypair('<Default-RSA-Key>')?.keyPem ?? '';
    const shown = await runOpensslOk(['pkey', '-pubin', '-inform', 'DER', '-in', 'pub.der', '-noout', '-text_pub'], { files: { 'pub.der': der } });
    const own = await runOpensslOk(['pkey', '-in', 'key.pem', '-noout', '-text_pub'], { files: { 'key.pem': keyPem } });
    expect(shown.stdout).toContain('Public-Key: (2048 bit)');
    expect(shown.stdout).toBe(own.stdout);
  });

  it('lists only ECDSA keys for mypubkey ecdsa, one blank line between keys', async () => {
    const io = new ScriptedIo();
    await runPki(device, io, 'show crypto key mypubkey ecdsa');
    const lines = io.lines();
    expect(lines.filter((l) => l.startsWith('Key name: '))).toEqual(['Key name: VPN-EC', 'Key name: SLOW']);
    expect(lines).toContain(' Elliptic Curve Size (bits): 256');
    expect(lines[lines.indexOf('Key name: SLOW') - 2]).toBe('');
  });

  it('zeroizes a labelled key after the question, and nothing on "no"', async () => {
    const no = new ScriptedIo(['no']);
    await runPki(device, no, 'crypto key zeroize ecdsa label SLOW');
    expect(device.pki.keypair('SLOW')).toBeDefined();
    const yes = new ScriptedIo(['yes']);
    await runPki(device, yes, 'crypto key zeroize ecdsa label SLOW');
    expect(yes.lines().at(-1)).toBe('Do you really want to remove these keys? [yes/no]: yes');
    expect(device.pki.keypair('SLOW')).toBeUndefined();
    expect(await runPkiError(device, new ScriptedIo(), 'crypto key zeroize ecdsa label SLOW noconfirm')).toEqual(['ERROR: No ECDSA keys named SLOW exist.']);
  });

  it('persists key pairs at once, outside the startup configuration', async () => {
    const reopened = await SimDevice.open({ id: 'keys', stateDir });
    expect(reopened.pki.keypair('VPN-EC')?.keyPem).toBe(device.pki.keypair('VPN-EC')?.keyPem);
  });
});
