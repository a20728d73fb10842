import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SimDevice } from '../../../../sim/device.js';
import { LocalCa } from '../../../../src/pki/local-ca.js';
import { describeCertificate } from '../../../../src/pki/certificate-info.js';
import { fromAsaPaste, toAsaPaste } from '../../../../src/pki/asa-paste.js';
import { decodePkcs12, encodePkcs12 } from '../../../../src/pki/pkcs12.js';
import { runOpensslOk } from '../../../helpers/openssl.js';
import { issueIdentity, opensslPkcs12, type Identity } from '../../../integration/sim/pki-fixtures.js';
import { ScriptedIo, readReference, runPki, runPkiError, transcript } from './fixtures.js';

const PASS = 'Secret-Pass-1';

/** The lines of a transcript's output up to (not including) the next prompt line. */
function untilPrompt(output: string[]): string[] {
  const at = output.findIndex((l) => /^[\w./-]+(\([\w-]+\))?[#>]/.test(l));
  return at < 0 ? output : output.slice(0, at);
}

const pasteLines = (der: Uint8Array, armour = false): string[] => toAsaPaste(der, { armour }).trimEnd().split('\n');

describe('crypto ca import / authenticate / export', () => {
  let dir: string;
  let ca: LocalCa;
  let identity: Identity;
  let current: SimDevice;
  let old: SimDevice;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'sim-pki-import-'));
    ca = await LocalCa.init(path.join(dir, 'ca'), { keySpec: 'ec:p256' });
    [identity, current, old] = await Promise.all([
      issueIdentity(ca, 'vpn.example.com'),
      SimDevice.open({ id: 'current', stateDir: dir, hostname: 'ASA-FW1' }),
      SimDevice.open({ id: 'old', stateDir: dir, hostname: 'ASA', profile: 'old-asa' }),
    ]);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('prints the dialog of crypto-ca-import-pkcs12-01: replace question, subordinate CA, accepted, success', async () => {
    const tp = '2018-10-TrustPoint';
    await runPki(old, new ScriptedIo(), `crypto key generate ecdsa label ${tp} elliptic-curve 256 noconfirm`);
    // A chain without its root, as in the capture: the top CA is not self-signed.
    const bundle = await opensslPkcs12({ ...identity, chainPems: identity.chainPems.slice(0, 1) }, 'secret', true);
    const paste = pasteLines(bundle);
    const io = new ScriptedIo([paste, 'yes']);
    await runPki(old, io, `crypto ca import ${tp} pkcs12 "secret"`);
    const expected = untilPrompt(transcript('crypto-ca-import-pkcs12-01.txt').output);
    const at = expected.indexOf('REDACTED (long string)');
    expect(io.lines()).toEqual([...expected.slice(0, at), ...paste, ...expected.slice(at + 1)]);

    const record = old.pki.trustpoint(tp);
    expect(record?.keypair).toBe(tp);
    expect(describeCertificate(record?.identityCertificate ?? '').serialHex).toBe(identity.serialHex);
    expect(record?.caCertificates.map((pem) => describeCertificate(pem).serialHex)).toEqual([describeCertificate(identity.chainPems[0] as string).serialHex]);
    expect(old.pki.keypair(tp)).toMatchObject({ kind: 'rsa', bits: 2048, keyPem: identity.keyPem });
    expect(old.pki.identityProblem(record ?? { name: tp, caCertificates: [] })).toBeUndefined();
  });

  it('exports a trustpoint whose chain stops below the root, as an ASA does', async () => {
    const io = new ScriptedIo();
    await runPki(old, io, 'crypto ca export 2018-10-TrustPoint pkcs12 changeme');
    const lines = io.lines();
    expect(lines.slice(0, 3)).toEqual(['', 'Exported pkcs12 follows:', '-----BEGIN PKCS12-----']);
    const contents = await decodePkcs12(fromAsaPaste(lines.slice(2).join('\n')), 'changeme');
    expect(describeCertificate(contents.certificatePem).serialHex).toBe(identity.serialHex);
    expect(contents.chainPems.map((pem) => describeCertificate(pem).serialHex)).toEqual([describeCertificate(identity.chainPems[0] as string).serialHex]);
  });

  it('starts as crypto-ca-import-pkcs12-02 and accepts the armoured paste; a current release adds the validation-usage warning', async () => {
    const bundle = await encodePkcs12({ privateKeyPem: identity.keyPem, certificatePem: identity.certPem, chainPems: identity.chainPems, passphrase: 'changeme', profile: 'legacy' });
    const paste = pasteLines(bundle, true);
    const io = new ScriptedIo([paste]);
    await runPki(current, io, 'crypto ca import vpn.chuck.com-2017 pkcs12 changeme');
    const expected = transcript('crypto-ca-import-pkcs12-02.txt').output;
    expect(io.lines().slice(0, 4)).toEqual(expected.slice(0, 4));
    expect(io.lines().slice(3 + paste.length)).toEqual([
      'quit',
      '',
      'Trustpoint CA certificate accepted.',
      'WARNING: CA certificates can be used to validate VPN connections,',
      'by default.  Please adjust the validation-usage of this',
      'trustpoint to limit the validation scope, if necessary.',
      'INFO: Import PKCS12 operation completed successfully',
      '',
    ]);
    expect(current.pki.trustpoint('vpn.chuck.com-2017')?.caCertificates).toHaveLength(2);
  });

  it('warns when the imported key already exists under another name', async () => {
    const bundle = await encodePkcs12({ privateKeyPem: identity.keyPem, certificatePem: identity.certPem, chainPems: identity.chainPems, passphrase: PASS, profile: 'legacy' });
    const io = new ScriptedIo([pasteLines(bundle)]);
    await runPki(current, io, `crypto ca import SECOND pkcs12 ${PASS}`);
    expect(io.lines()).toContain('WARNING: Identical public key already exists as vpn.chuck.com-2017');
  });

  it('asks nothing with `nointeractive` (the ASDM form) and replaces the key pair', async () => {
    const bundle = await encodePkcs12({ privateKeyPem: identity.keyPem, certificatePem: identity.certPem, chainPems: identity.chainPems, passphrase: PASS, profile: 'legacy' });
    await runPki(current, new ScriptedIo(), 'crypto key generate ecdsa label QUIET elliptic-curve 256 noconfirm');
    const io = new ScriptedIo([pasteLines(bundle)]);
    await runPki(current, io, `crypto ca import QUIET pkcs12 ${PASS} nointeractive`);
    expect(io.done).toBe(true);
    expect(io.lines()).not.toContain(expect.stringContaining('replace them'));
    expect(current.pki.keypair('QUIET')?.keyPem).toBe(identity.keyPem);
    expect(await runPkiError(current, new ScriptedIo(), `crypto ca import QUIET pkcs12 ${PASS} bogus`)).toEqual(["ERROR: % Invalid input detected at '^' marker."]);
  });

  describe('refusals leave the device unchanged', () => {
    const snapshot = (d: SimDevice): string => JSON.stringify([d.pki.configSnapshot(), d.pki.keystoreSnapshot()]);

    it.each([
      ['a wrong passphrase', 'wrong-passphrase', false, ['ERROR: Failed to decrypt the pkcs12 data: the passphrase is incorrect.', 'ERROR: Import PKCS12 operation failed']],
      ['a modern (PBES2/AES) bundle under rejectModernPkcs12', PASS, true, ['ERROR: Unsupported pkcs12 encryption algorithm (PBES2/AES); export it with 3DES (openssl pkcs12 -legacy).', 'ERROR: Import PKCS12 operation failed']],
    ])('refuses %s', async (_what, passphrase, reject, error) => {
      const modern = await opensslPkcs12(identity, PASS);
      current.faults.rejectModernPkcs12 = reject;
      try {
        const before = snapshot(current);
        expect(await runPkiError(current, new ScriptedIo([pasteLines(modern)]), `crypto ca import NEWTP pkcs12 ${passphrase}`)).toEqual(error);
        expect(snapshot(current)).toBe(before);
      } finally {
        current.faults.rejectModernPkcs12 = false;
      }
    });

    it('refuses a corrupt paste', async () => {
      const before = snapshot(current);
      const error = await runPkiError(current, new ScriptedIo([['MIIB$$not-base64']]), `crypto ca import NEWTP pkcs12 ${PASS}`);
      expect(error).toEqual(['ERROR: Failed to parse the pkcs12 data: not a valid base64-encoded PKCS12.', 'ERROR: Import PKCS12 operation failed']);
      expect(snapshot(current)).toBe(before);
    });

    it('aborts on "no" to the replace question', async () => {
      const bundle = await opensslPkcs12(identity, PASS);
      const before = snapshot(current);
      const error = await runPkiError(current, new ScriptedIo([pasteLines(bundle), 'no']), `crypto ca import SECOND pkcs12 ${PASS}`);
      expect(error).toEqual(['ERROR: Keys named SECOND were not replaced.', 'ERROR: Import PKCS12 operation failed']);
      expect(snapshot(current)).toBe(before);
    });
  });

  it('imports an OpenSSL 3 default (PBES2/AES-256) bundle when the release accepts it', async () => {
    const modern = await opensslPkcs12(identity, PASS);
    await runPki(current, new ScriptedIo([pasteLines(modern)]), `crypto ca import MODERN pkcs12 ${PASS}`);
    expect(describeCertificate(current.pki.trustpoint('MODERN')?.identityCertificate ?? '').serialHex).toBe(identity.serialHex);
  });

  it('exports a real legacy PKCS12 of the trustpoint as crypto-ca-export-pkcs12-01 prints it', async () => {
    const io = new ScriptedIo();
    await runPki(current, io, 'crypto ca export vpn.chuck.com-2017 pkcs12 changeme');
    const lines = io.lines();
    const expected = transcript('crypto-ca-export-pkcs12-01.txt').output;
    expect(lines.slice(0, 3)).toEqual(expected.slice(0, 3));
    expect(lines.at(-1)).toBe('-----END PKCS12-----');
    for (const line of lines.slice(3, -2)) expect(line).toMatch(/^[A-Za-z0-9+/]{64}$/);
    const der = fromAsaPaste(lines.slice(2).join('\n'));
    const contents = await decodePkcs12(der, 'changeme');
    expect(contents.encryption).toBe('legacy-3des');
    expect(contents.privateKeyPem).toBe(identity.keyPem);
    expect(describeCertificate(contents.certificatePem).serialHex).toBe(identity.serialHex);
    expect(contents.chainPems.map((pem) => describeCertificate(pem).serialHex)).toEqual(identity.chainPems.map((pem) => describeCertificate(pem).serialHex));
    const info = await runOpensslOk(['pkcs12', '-in', 'b.p12', '-passin', 'file:pass.txt', '-nokeys', '-info'], { files: { 'b.p12': der, 'pass.txt': 'changeme' } });
    expect(info.stderr).toContain('pbeWithSHA1And3-KeyTripleDES-CBC');
  });

  it('refuses to export a trustpoint without identity certificate or key, with the captured error', async () => {
    await runPki(current, new ScriptedIo(), 'crypto ca trustpoint EMPTY');
    expect(await runPkiError(current, new ScriptedIo(), 'crypto ca export EMPTY pkcs12 changeme')).toEqual([readReference('crypto-ca-export-error-01.txt').trim().replace(/^"(.*)"$/, 'ERROR: $1')]);
    expect(await runPkiError(current, new ScriptedIo(), 'crypto ca export NOPE pkcs12 changeme')).toEqual(["ERROR: CA trustpoint 'NOPE' is not known."]);
  });

  it('authenticates a CA as crypto-ca-authenticate-01 shows (MD5 fingerprint of the real certificate)', async () => {
    const setup = new ScriptedIo();
    await runPki(current, setup, 'crypto ca trustpoint msca');
    await runPki(current, setup, 'enrollment terminal');
    const expected = transcript('crypto-ca-authenticate-01.txt').output;
    const paste = expected.slice(2, expected.indexOf('quit'));
    const io = new ScriptedIo([paste, 'yes']);
    await runPki(current, io, 'crypto ca authenticate msca');
    expect(io.lines()).toEqual(expected);
    expect(describeCertificate(current.pki.trustpoint('msca')?.caCertificates[0] ?? '').serialHex).toBe('25c466068f31668049699b34d62723f7');
  });

  it.each([
    ['a trustpoint without enrollment terminal', 'crypto ca authenticate EMPTY', ['ERROR: Trustpoint EMPTY is not configured for terminal enrollment (enrollment terminal).']],
    ['an authenticated trustpoint', 'crypto ca authenticate msca', ['ERROR: Trustpoint msca is already authenticated.']],
  ])('refuses to authenticate %s', async (_what, line, error) => {
    expect(await runPkiError(current, new ScriptedIo(), line)).toEqual(error);
  });

  it('does not keep a CA certificate that is not accepted', async () => {
    await runPki(current, new ScriptedIo(), 'crypto ca trustpoint CA2');
    await runPki(current, Object.assign(new ScriptedIo(), { modeArg: 'CA2', mode: 'config-ca-trustpoint' }), 'enrollment terminal');
    const error = await runPkiError(current, new ScriptedIo([identity.chainPems[1]?.trimEnd().split('\n') ?? [], 'no']), 'crypto ca authenticate CA2');
    expect(error).toEqual(['% Certificate not accepted.']);
    expect(current.pki.trustpoint('CA2')?.caCertificates).toEqual([]);
  });

  describe('crypto ca import <tp> certificate (crypto-ca-import-certificate-01)', () => {
    let subject: Identity;
    beforeAll(async () => {
      subject = await issueIdentity(ca, 'asa.qytang.com', 'ec:p256');
      current.pki.putKeypair({ name: 'CA-KEY', kind: 'ecdsa', bits: 256, keyPem: subject.keyPem, generatedAt: new Date().toISOString() });
      const tp = current.pki.ensureTrustpoint('CA');
      Object.assign(tp, { enrollment: 'terminal', fqdn: 'asa.qytang.com', ipAddress: '202.100.3.10', keypair: 'CA-KEY', caCertificates: [subject.chainPems[0]] });
    });

    it('prints the same dialog and installs the certificate', async () => {
      const expected = transcript('crypto-ca-import-certificate-01.txt').output;
      const begin = expected.indexOf('-----BEGIN CERTIFICATE-----');
      const end = expected.indexOf('-----END CERTIFICATE-----');
      const paste = ['', ...subject.certPem.trimEnd().split('\n'), ''];
      const io = new ScriptedIo([paste]);
      await runPki(current, io, 'crypto ca import CA certificate');
      expect(io.lines()).toEqual([...expected.slice(0, begin - 1), ...paste, ...expected.slice(end + 2)]);
      expect(current.pki.trustpoint('CA')?.identityCertificate).toBe(subject.certPem);
    });

    it('refuses a certificate that does not match the key pair', async () => {
      const error = await runPkiError(current, new ScriptedIo([identity.certPem.trimEnd().split('\n')]), 'crypto ca import CA certificate');
      expect(error).toEqual(["ERROR: The certificate's public key does not match the keypair CA-KEY."]);
      expect(current.pki.trustpoint('CA')?.identityCertificate).toBe(subject.certPem);
    });

    it('refuses a paste that holds no certificate', async () => {
      expect(await runPkiError(current, new ScriptedIo([['garbage']]), 'crypto ca import CA certificate')).toEqual(['% Error in saving certificate: status = FAIL']);
    });
  });
});
