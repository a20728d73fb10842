import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SimDevice } from '../../../../sim/device.js';
import { PkiState } from '../../../../sim/pki/state.js';
import { describeCertificate } from '../../../../src/pki/certificate-info.js';
import { generateKeyPair } from '../../../../src/pki/keys.js';
import { ScriptedIo, referenceCertificates, runPki, runPkiError, transcript } from './fixtures.js';

/** A scripted session sitting in the sub-mode of trustpoint `tp`. */
const inTrustpoint = (tp: string): ScriptedIo => Object.assign(new ScriptedIo(), { mode: 'config-ca-trustpoint', modeArg: tp });

describe('trustpoint configuration, bindings and their running-config lines', () => {
  let dir: string;
  let device: SimDevice;
  const [identityPem, caPem] = referenceCertificates('show-crypto-ca-certificates-05-input-certs.pem.txt') as [string, string];

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'sim-pki-config-'));
    device = await SimDevice.open({
      id: 'cfg',
      stateDir: dir,
      interfaces: [
        { hardware: 'GigabitEthernet0/0', nameif: 'outside', securityLevel: 0, ipAddress: '203.0.113.1', netmask: '255.255.255.0' },
        { hardware: 'GigabitEthernet0/1', nameif: 'Outside-DMZ', securityLevel: 0, ipAddress: '198.51.100.1', netmask: '255.255.255.0' },
      ],
    });
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('builds show-running-config-crypto-ca-trustpoint-01 from the sub-commands', async () => {
    const io = new ScriptedIo();
    await runPki(device, io, 'crypto ca trustpoint vpn.chuck.com-2017');
    expect(io.mode).toBe('config-ca-trustpoint');
    expect(io.modeArg).toBe('vpn.chuck.com-2017');
    for (const line of [
      'enrollment terminal',
      'fqdn vpn.chuck.com',
      'subject-name CN=vpn.chuck.com,OU=Information Technology,O="chuck, Inc.",C=US,St=CA,L=Sunnyvale',
      'keypair vpn.chuck.com-2017',
      'crl configure',
    ]) {
      await runPki(device, io, line);
    }
    const expected = transcript('show-running-config-crypto-ca-trustpoint-01.txt').output;
    // The capture shows a blank line after the command (printed by the core) and ends with the prompt.
    expect(['', ...device.pki.trustpointConfigLines('vpn.chuck.com-2017')]).toEqual(expected.slice(0, -1));
  });

  it('shows non-default settings and removes them with their no forms', async () => {
    const io = inTrustpoint('vpn.chuck.com-2017');
    await runPki(device, io, 'revocation-check crl none');
    await runPki(device, io, 'id-usage code-signer');
    await runPki(device, io, 'validation-usage ssl-server');
    await runPki(device, io, 'ip-address 203.0.113.1');
    const lines = device.pki.trustpointConfigLines('vpn.chuck.com-2017');
    expect(lines).toContain(' revocation-check crl none');
    expect(lines).toContain(' id-usage code-signer');
    expect(lines).toContain(' validation-usage ssl-server');
    expect(lines).toContain(' ip-address 203.0.113.1');
    expect(lines.at(-1)).toBe(' crl configure');
    await runPki(device, io, 'no validation-usage');
    await runPki(device, io, 'no revocation-check');
    await runPki(device, io, 'no ip-address');
    await runPki(device, io, 'id-usage ssl-ipsec');
    const after = device.pki.trustpointConfigLines('vpn.chuck.com-2017');
    expect(after).toContain(' no validation-usage');
    expect(after.some((l) => l.startsWith(' revocation-check') || l.startsWith(' ip-address') || l.startsWith(' id-usage'))).toBe(false);
  });

  it('stores certificates as `crypto ca certificate chain`: serials, 8 hex words of 8 digits a line, 4-space indent, closing quit', () => {
    const tp = device.pki.ensureTrustpoint('CA');
    tp.caCertificates = [caPem];
    tp.identityCertificate = identityPem;
    const lines = device.pki.certificateChainConfigLines('CA');
    expect(lines[0]).toBe('crypto ca certificate chain CA');
    expect(lines[1]).toBe(' certificate ca 3eec76fb95de8eaa4f8ba62964a87d98');
    const identityAt = lines.indexOf(' certificate 11000000146ca288ef7c518e3a000000000014');
    expect(identityAt).toBeGreaterThan(1);
    expect(lines[identityAt - 1]).toBe('  quit');
    expect(lines.at(-1)).toBe('  quit');
    const caHex = lines.slice(2, identityAt - 1);
    for (const line of caHex.slice(0, -1)) expect(line).toMatch(/^ {4}[0-9a-f]{8}( [0-9a-f]{8}){7}$/);
    expect(caHex.at(-1)).toMatch(/^ {4}[0-9a-f]{1,8}( [0-9a-f]{1,8}){0,7}$/);
    expect(Buffer.from(caHex.join('').replace(/\s/g, ''), 'hex')).toEqual(Buffer.from(describeCertificate(caPem).der));
    device.pki.removeTrustpoint('CA');
  });

  describe('crypto ca certificate chain (config-cert-chain)', () => {
    it('removes the identity certificate after the question', async () => {
      const tp = device.pki.ensureTrustpoint('CHAIN');
      Object.assign(tp, { caCertificates: [caPem], identityCertificate: identityPem });
      const io = new ScriptedIo(['yes']);
      await runPki(device, io, 'crypto ca certificate chain CHAIN');
      expect([io.mode, io.modeArg]).toEqual(['config-cert-chain', 'CHAIN']);
      await runPki(device, io, 'no certificate 11000000146ca288ef7c518e3a000000000014');
      expect(io.lines()).toEqual(['Do you really want to remove this certificate? [yes/no]: yes']);
      expect(device.pki.trustpoint('CHAIN')?.identityCertificate).toBeUndefined();
      expect(device.pki.certificateChainConfigLines('CHAIN')[1]).toBe(' certificate ca 3eec76fb95de8eaa4f8ba62964a87d98');
    });

    it('removes a CA certificate with the identity it issued, after the warning', async () => {
      const tp = device.pki.ensureTrustpoint('CHAIN');
      tp.identityCertificate = identityPem;
      const io = Object.assign(new ScriptedIo(['no', 'yes']), { mode: 'config-cert-chain', modeArg: 'CHAIN' });
      await runPki(device, io, 'no certificate ca 3eec76fb95de8eaa4f8ba62964a87d98');
      expect(device.pki.trustpoint('CHAIN')?.caCertificates).toHaveLength(1);
      await runPki(device, io, 'no certificate ca 3eec76fb95de8eaa4f8ba62964a87d98');
      expect(io.lines()[0]).toMatch(/^WARNING: The CA certificate will be disassociated from this trustpoint/);
      expect(device.pki.trustpoint('CHAIN')).toMatchObject({ caCertificates: [] });
      expect(device.pki.trustpoint('CHAIN')?.identityCertificate).toBeUndefined();
      expect(device.pki.certificateChainConfigLines('CHAIN')).toEqual([]);
      expect(await runPkiError(device, io, 'no certificate ca 01')).toEqual(['ERROR: No certificate with serial number 01 in trustpoint CHAIN.']);
      device.pki.removeTrustpoint('CHAIN');
    });
  });

  it('reproduces the crypto ikev2 and ssl trust-point lines of show-running-config-crypto-ikev2-ssl-01 and -ssl-01', () => {
    const state = PkiState.empty();
    state.setIkev2Enabled({ interface: 'Outside-DMZ', clientServicesPort: 443 });
    state.setIkev2RemoteAccessTrustpoint('ASDM_TrustPoint0');
    state.bindSsl('ASDM_TrustPoint0', 'Outside-DMZ');
    const ikev2 = transcript('show-running-config-crypto-ikev2-ssl-01.txt');
    const all = [ikev2.command, ...ikev2.output];
    expect(state.ikev2ConfigLines()).toEqual(all.slice(0, 2));
    // `ssl server-version`/`ssl encryption` are not modelled: only the trust-point lines are ours.
    expect(state.sslConfigLines()).toEqual(all.filter((l) => l.startsWith('ssl trust-point')));

    const ssl = PkiState.empty();
    ssl.bindSsl('ASDM_TrustPoint1', 'outside');
    expect(ssl.sslConfigLines()).toEqual(transcript('show-running-config-ssl-01.txt').output.filter((l) => l.startsWith('ssl trust-point')));
  });

  describe('ssl trust-point', () => {
    let keyPem: string;
    beforeAll(async () => {
      // A self-signed identity with its key: the factory certificate.
      const scratch = PkiState.empty();
      await scratch.bootstrapSelfSigned('outside', 'cfg', new Date());
      const snapshot = scratch.keystoreSnapshot().keypairs[0];
      keyPem = snapshot?.keyPem ?? '';
      device.pki.putKeypair({ name: 'GOOD', kind: 'rsa', bits: 2048, keyPem, generatedAt: new Date().toISOString() });
      const good = device.pki.ensureTrustpoint('GOOD');
      good.keypair = 'GOOD';
      good.identityCertificate = scratch.trustpoint('ASA_SelfSigned')?.identityCertificate ?? '';
    });

    it('binds silently and replaces the previous binding of the interface', async () => {
      const io = new ScriptedIo();
      await runPki(device, io, 'ssl trust-point GOOD outside');
      await runPki(device, io, 'ssl trust-point GOOD');
      expect(io.output).toBe('');
      expect(device.pki.sslConfigLines()).toEqual(['ssl trust-point GOOD', 'ssl trust-point GOOD outside']);
      expect(device.pki.tlsIdentityFor('outside')?.keyPem).toBe(keyPem);
      expect(device.pki.tlsIdentityFor('Outside-DMZ')?.keyPem).toBe(keyPem); // the bare default
    });

    it.each([
      ['an unknown trustpoint', 'ssl trust-point NOPE outside', ["ERROR: CA trustpoint 'NOPE' is not known."]],
      ['a trustpoint without identity certificate', 'ssl trust-point vpn.chuck.com-2017 outside', ['ERROR: Trustpoint vpn.chuck.com-2017 has no enrolled identity certificate.']],
      ['an unknown interface', 'ssl trust-point GOOD dmz', ['ERROR: Interface dmz does not exist.']],
      ['removing a binding that does not exist', 'no ssl trust-point GOOD Outside-DMZ', ['ERROR: No ssl trust-point GOOD Outside-DMZ is configured.']],
    ])('refuses %s', async (_what, line, error) => {
      const before = device.pki.sslConfigLines();
      expect(await runPkiError(device, new ScriptedIo(), line)).toEqual(error);
      expect(device.pki.sslConfigLines()).toEqual(before);
    });

    it('refuses a trustpoint whose key pair is missing (an RMA replacement)', async () => {
      const tp = device.pki.ensureTrustpoint('NOKEY');
      tp.keypair = 'NOKEY';
      tp.identityCertificate = device.pki.trustpoint('GOOD')?.identityCertificate ?? '';
      expect(await runPkiError(device, new ScriptedIo(), 'ssl trust-point NOKEY outside')).toEqual(['ERROR: The keypair NOKEY of trustpoint NOKEY was not found.']);
      device.pki.removeTrustpoint('NOKEY');
    });

    it('refuses a trustpoint whose certificate does not match its key pair', async () => {
      const other = await generateKeyPair('ec:p256');
      device.pki.putKeypair({ name: 'MISMATCH', kind: 'ecdsa', bits: 256, keyPem: other.privateKeyPem, generatedAt: new Date().toISOString() });
      const tp = device.pki.ensureTrustpoint('MISMATCH');
      tp.keypair = 'MISMATCH';
      tp.identityCertificate = device.pki.trustpoint('GOOD')?.identityCertificate ?? '';
      expect(await runPkiError(device, new ScriptedIo(), 'ssl trust-point MISMATCH outside')).toEqual(["ERROR: The certificate's public key does not match the keypair MISMATCH."]);
      device.pki.removeTrustpoint('MISMATCH');
      device.pki.removeKeypair('MISMATCH');
    });

    it('refuses to remove a bound trustpoint, naming the binding', async () => {
      expect(await runPkiError(device, new ScriptedIo(), 'no crypto ca trustpoint GOOD noconfirm')).toEqual([
        'ERROR: Removing trustpoint GOOD not allowed, it is being used by "ssl trust-point GOOD outside".',
      ]);
    });

    it('binds and unbinds the IKEv2 remote-access trustpoint', async () => {
      await runPki(device, new ScriptedIo(), 'crypto ikev2 remote-access trustpoint GOOD');
      expect(device.pki.ikev2ConfigLines()).toEqual(['crypto ikev2 remote-access trustpoint GOOD']);
      await runPki(device, new ScriptedIo(), 'no ssl trust-point GOOD');
      await runPki(device, new ScriptedIo(), 'no ssl trust-point GOOD outside');
      expect(await runPkiError(device, new ScriptedIo(), 'no crypto ca trustpoint GOOD noconfirm')).toEqual([
        'ERROR: Removing trustpoint GOOD not allowed, it is being used by "crypto ikev2 remote-access trustpoint GOOD".',
      ]);
      await runPki(device, new ScriptedIo(), 'no crypto ikev2 remote-access trustpoint GOOD');
      expect(device.pki.ikev2ConfigLines()).toEqual([]);
      expect(device.pki.tlsIdentityFor('outside')).toBeUndefined();
    });
  });

  describe('no crypto ca trustpoint', () => {
    it('warns, asks, and keeps the trustpoint on "no"', async () => {
      const io = new ScriptedIo(['no']);
      await runPki(device, io, 'no crypto ca trustpoint GOOD');
      expect(io.lines()).toEqual([
        'WARNING: Removing an enrolled trustpoint will destroy all ',
        'certificates received from the related Certificate Authority.',
        'Are you sure you want to do this? [yes/no]: no',
      ]);
      expect(device.pki.trustpoint('GOOD')).toBeDefined();
    });

    it('removes an enrolled trustpoint after "yes" (keeping its key pair) and reminds to revoke', async () => {
      const io = new ScriptedIo(['yes']);
      await runPki(device, io, 'no crypto ca trustpoint GOOD');
      expect(io.lines().at(-1)).toBe('INFO: Be sure to ask the CA administrator to revoke your certificates.');
      expect(device.pki.trustpoint('GOOD')).toBeUndefined();
      expect(device.pki.keypair('GOOD')).toBeDefined();
    });

    it('removes an empty trustpoint silently and refuses an unknown one', async () => {
      await runPki(device, new ScriptedIo(), 'crypto ca trustpoint EMPTY');
      const io = new ScriptedIo();
      await runPki(device, io, 'no crypto ca trustpoint EMPTY');
      expect(io.output).toBe('');
      expect(await runPkiError(device, new ScriptedIo(), 'no crypto ca trustpoint EMPTY')).toEqual(["ERROR: CA trustpoint 'EMPTY' is not known."]);
    });

    it('with noconfirm prints the warning and the reminder without asking', async () => {
      const tp = device.pki.ensureTrustpoint('AUTH');
      tp.caCertificates = [caPem];
      const io = new ScriptedIo();
      await runPki(device, io, 'no crypto ca trustpoint AUTH noconfirm');
      expect(io.lines()).toEqual([
        'WARNING: Removing an enrolled trustpoint will destroy all ',
        'certificates received from the related Certificate Authority.',
        'INFO: Be sure to ask the CA administrator to revoke your certificates.',
      ]);
    });
  });

  it('show crypto ca trustpoints: authenticated, not authenticated, and a certificate whose key is missing', async () => {
    const state = PkiState.empty();
    const a = state.ensureTrustpoint('CA');
    a.caCertificates = [caPem];
    a.identityCertificate = identityPem;
    a.keypair = 'CA';
    state.ensureTrustpoint('NEW');
    const io = new ScriptedIo();
    const saved = device.pki;
    device.pki = state;
    try {
      await runPki(device, io, 'show crypto ca trustpoints');
    } finally {
      device.pki = saved;
    }
    expect(io.lines()).toEqual([
      '',
      'Trustpoint CA:',
      '    Subject Name:',
      '    cn=qytang-WIN2019-CA',
      '    dc=qytang',
      '    dc=com',
      '          Serial Number: 3eec76fb95de8eaa4f8ba62964a87d98',
      '    Certificate configured, but key pair CA was not found: the certificate cannot be used.',
      '',
      'Trustpoint NEW:',
      '    Not authenticated.',
    ]);
  });

  it('round-trips its snapshots exactly through JSON', () => {
    const config = JSON.parse(JSON.stringify(device.pki.configSnapshot())) as ReturnType<PkiState['configSnapshot']>;
    const keystore = JSON.parse(JSON.stringify(device.pki.keystoreSnapshot())) as ReturnType<PkiState['keystoreSnapshot']>;
    const copy = PkiState.fromSnapshots(config, keystore);
    expect(copy.configSnapshot()).toEqual(device.pki.configSnapshot());
    expect(copy.keystoreSnapshot()).toEqual(device.pki.keystoreSnapshot());
    expect(copy.runningConfigLines()).toEqual(device.pki.runningConfigLines());
    expect(() => PkiState.fromSnapshots({ ...config, trustpoints: [{ name: '' } as never] }, undefined)).toThrow();
  });
});
