// The whole renewal dialogue typed by hand over SSH (ssh2 client), checked from outside with
// `openssl s_client`: import PKCS12 bundles made by openssl and by encodePkcs12, answer the
// replace question, bind, show, save, reload, export and re-import; refusals change nothing.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeCertificate } from '../../../src/pki/certificate-info.js';
import { fromAsaPaste, toAsaPaste } from '../../../src/pki/asa-paste.js';
import { LocalCa } from '../../../src/pki/local-ca.js';
import { decodePkcs12, encodePkcs12 } from '../../../src/pki/pkcs12.js';
import { startSimulator, type RunningSimulator } from '../../../sim/fleet.js';
import { ShellDriver, crlfLines } from './shell-driver.js';
import { issueIdentity, opensslPkcs12, presentedSerials, type Identity } from './pki-fixtures.js';

const PASS = 'Renewal-Pass-42';

describe('certificate renewal by hand over SSH', () => {
  let dir: string;
  let sim: RunningSimulator;
  let shell: ShellDriver;
  let a: Identity;
  let b: Identity;
  let chainSerials: string[];

  /** Types `crypto ca import <tp> pkcs12 <pass>`, pastes the bundle, `quit`, answers the replace question when given; returns the output. */
  async function importBundle(tp: string, passphrase: string, der: Uint8Array, options: { armour?: boolean; replace?: 'yes' | 'no' } = {}): Promise<string> {
    shell.send(`crypto ca import ${tp} pkcs12 ${passphrase}\r`);
    let out = await shell.waitFor('End with the word "quit" on a line by itself:\r\n');
    const lines = toAsaPaste(der, { armour: options.armour ?? false }).trimEnd().split('\n');
    shell.send(`${[...lines, 'quit'].join('\r')}\r`);
    if (options.replace) {
      out += await shell.waitFor('% Do you really want to replace them? [yes/no]: ');
      shell.send(`${options.replace}\r`);
    }
    return out + (await shell.waitFor(/\(config\)# $/));
  }

  const state = (): string => JSON.stringify([sim.device.pki.configSnapshot(), sim.device.pki.keystoreSnapshot()]);

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'sim-renewal-'));
    const ca = await LocalCa.init(path.join(dir, 'ca'), { keySpec: 'ec:p256' });
    [a, b] = await Promise.all([issueIdentity(ca, 'vpn.example.com', 'rsa:2048'), issueIdentity(ca, 'vpn.example.com', 'ec:p256')]);
    chainSerials = a.chainPems.map((pem) => describeCertificate(pem).serialHex);
    sim = await startSimulator({ id: 'renew-1', hostname: 'asa-renew', stateDir: path.join(dir, 'state'), factoryCertificate: true });
    shell = await ShellDriver.connect(sim.info);
    await shell.enable(sim.info.enablePassword);
    await shell.command('terminal pager 0');
    await shell.command('configure terminal');
  });
  afterAll(async () => {
    shell?.end();
    await sim?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('imports a bundle made by `openssl pkcs12 -export` (OpenSSL 3 defaults), echoing every pasted line', async () => {
    const der = await opensslPkcs12(a, PASS);
    const out = await importBundle('TP-A', PASS, der);
    const lines = crlfLines(out);
    expect(lines.slice(0, 4)).toEqual([`crypto ca import TP-A pkcs12 ${PASS}`, '', 'Enter the base 64 encoded pkcs12.', 'End with the word "quit" on a line by itself:']);
    for (const pasted of toAsaPaste(der).trimEnd().split('\n')) expect(lines).toContain(pasted);
    expect(lines).toContain('Trustpoint CA certificate accepted.');
    expect(lines).toContain('INFO: Import PKCS12 operation completed successfully');
    expect(lines.at(-1)).toBe('asa-renew(config)# ');
  });

  it('binds it silently with `ssl trust-point`, and the interface serves it with its chain', async () => {
    expect(await presentedSerials(sim.info.tls.outside as number)).not.toContain(a.serialHex);
    const out = await shell.command('ssl trust-point TP-A outside');
    expect(out).toBe('ssl trust-point TP-A outside\r\nasa-renew(config)# ');
    expect(await presentedSerials(sim.info.tls.outside as number)).toEqual([a.serialHex, ...chainSerials]);
  });

  it('shows the certificate with `sh cry ca cert TP-A`: identity first, serial, Available', async () => {
    const lines = crlfLines(await shell.command('sh cry ca cert TP-A'));
    expect(lines[1]).toBe('Certificate');
    expect(lines[2]).toBe('  Status: Available');
    expect(lines[3]).toBe(`  Certificate Serial Number: ${a.serialHex}`);
    expect(lines).toContain('  Associated Trustpoints: TP-A');
    expect(lines.filter((l) => l === 'CA Certificate')).toHaveLength(2);
  });

  it('asks before replacing an existing key pair of the same name, then imports an encodePkcs12 (legacy) bundle', async () => {
    await shell.command('crypto key generate ecdsa label TP-B elliptic-curve 256 noconfirm');
    const der = await encodePkcs12({ privateKeyPem: b.keyPem, certificatePem: b.certPem, chainPems: b.chainPems, passphrase: PASS, profile: 'legacy' });
    const out = await importBundle('TP-B', `"${PASS}"`, der, { armour: true, replace: 'yes' });
    expect(out).toContain('quit\r\n% You already have RSA or ECDSA keys named TP-B.\r\n% If you replace them, all device certs issued using these keys\r\n% will be removed.\r\n% Do you really want to replace them? [yes/no]: yes\r\n');
    expect(out).toContain('INFO: Import PKCS12 operation completed successfully');
    expect(sim.device.pki.keypair('TP-B')?.keyPem).toBe(b.keyPem);
  });

  it('rebinding the interface changes what `openssl s_client` sees at the next handshake', async () => {
    await shell.command('ssl trust-point TP-B outside');
    expect(await presentedSerials(sim.info.tls.outside as number)).toEqual([b.serialHex, ...chainSerials]);
    const run = crlfLines(await shell.command('show running-config ssl'));
    expect(run).toContain('ssl trust-point TP-B outside');
    expect(run).not.toContain('ssl trust-point TP-A outside');
  });

  it('saves with `write memory` and keeps the binding across a reload', async () => {
    expect(await shell.command('write memory')).toContain('[OK]');
    shell.end();
    sim.reload();
    shell = await ShellDriver.connect(sim.info);
    await shell.enable(sim.info.enablePassword);
    await shell.command('terminal pager 0');
    await shell.command('configure terminal');
    expect(sim.device.pki.sslTrustpointFor('outside')).toBe('TP-B');
    expect(await presentedSerials(sim.info.tls.outside as number)).toEqual([b.serialHex, ...chainSerials]);
  });

  it('exports the trustpoint as a real PKCS12 and imports it again into a new trustpoint', async () => {
    const out = crlfLines(await shell.command(`crypto ca export TP-B pkcs12 ${PASS}`));
    expect(out.slice(1, 4)).toEqual(['', 'Exported pkcs12 follows:', '-----BEGIN PKCS12-----']);
    const end = out.indexOf('-----END PKCS12-----');
    const der = fromAsaPaste(out.slice(3, end + 1).join('\n'));
    const contents = await decodePkcs12(der, PASS);
    expect(contents.encryption).toBe('legacy-3des');
    expect(contents.privateKeyPem).toBe(b.keyPem);

    await importBundle('TP-C', PASS, der, { armour: true });
    expect(describeCertificate(sim.device.pki.trustpoint('TP-C')?.identityCertificate ?? '').serialHex).toBe(b.serialHex);
    expect(crlfLines(await shell.command('show crypto ca certificates TP-C'))).toContain('  Associated Trustpoints: TP-C TP-B');
  });

  it('refuses a wrong passphrase and, under rejectModernPkcs12, an OpenSSL 3 default bundle: ERROR lines, device unchanged', async () => {
    const modern = await opensslPkcs12(a, PASS);
    const before = state();
    const wrong = crlfLines(await importBundle('TP-D', 'not-the-passphrase', modern));
    expect(wrong.slice(-3)).toEqual(['ERROR: Failed to decrypt the pkcs12 data: the passphrase is incorrect.', 'ERROR: Import PKCS12 operation failed', 'asa-renew(config)# ']);
    sim.setFaults({ rejectModernPkcs12: true });
    try {
      const rejected = crlfLines(await importBundle('TP-D', PASS, modern));
      expect(rejected.slice(-3)).toEqual([
        'ERROR: Unsupported pkcs12 encryption algorithm (PBES2/AES); export it with 3DES (openssl pkcs12 -legacy).',
        'ERROR: Import PKCS12 operation failed',
        'asa-renew(config)# ',
      ]);
    } finally {
      sim.setFaults({ rejectModernPkcs12: false });
    }
    expect(state()).toBe(before);
    expect(await presentedSerials(sim.info.tls.outside as number)).toEqual([b.serialHex, ...chainSerials]);
  });
});
