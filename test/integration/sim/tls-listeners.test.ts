import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalCa } from '../../../src/pki/local-ca.js';
import { describeCertificate } from '../../../src/pki/certificate-info.js';
import { cloneForRma, startSimulator, type RunningSimulator } from '../../../sim/fleet.js';
import { FACTORY_TRUSTPOINT } from '../../../sim/pki/state.js';
import { issueIdentity, presentedSerials, type Identity } from './pki-fixtures.js';

/** Installs an identity in a trustpoint the way a PKCS12 import leaves it. */
function install(sim: RunningSimulator, tp: string, identity: Identity): void {
  sim.device.pki.installIdentity(tp, identity, new Date());
}

describe('TLS listeners per interface', () => {
  let dir: string;
  let ca: LocalCa;
  let sim: RunningSimulator;
  let first: Identity;
  let second: Identity;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'sim-tls-'));
    ca = await LocalCa.init(path.join(dir, 'ca'), { keySpec: 'ec:p256' });
    [first, second] = await Promise.all([issueIdentity(ca, 'vpn1.example.com', 'ec:p256'), issueIdentity(ca, 'vpn2.example.com', 'ec:p256')]);
    sim = await startSimulator({ id: 'tls-1', stateDir: path.join(dir, 'state'), factoryCertificate: true });
  });
  afterAll(async () => {
    await sim?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('reports one port per interface and serves the factory self-signed certificate on outside', async () => {
    expect(Object.keys(sim.info.tls).sort()).toEqual(sim.device.interfaces.map((i) => i.nameif).sort());
    const factory = sim.device.pki.trustpoint(FACTORY_TRUSTPOINT)?.identityCertificate ?? '';
    const info = describeCertificate(factory);
    expect(info.selfSigned).toBe(true);
    expect(info.subject).toEqual([{ type: 'cn', value: sim.device.hostname }]);
    expect(await presentedSerials(sim.info.tls.outside as number)).toEqual([info.serialHex]);
  });

  it('serves a temporary self-signed certificate on an interface with nothing bound', async () => {
    const serials = await presentedSerials(sim.info.tls.inside as number);
    expect(serials).toHaveLength(1);
    expect(serials[0]).not.toBe(describeCertificate(sim.device.pki.trustpoint(FACTORY_TRUSTPOINT)?.identityCertificate ?? '').serialHex);
  });

  it('serves leaf + CA chain of the trustpoint bound at the moment of each handshake', async () => {
    install(sim, 'TP-1', first);
    install(sim, 'TP-2', second);
    const chain = first.chainPems.map((pem) => describeCertificate(pem).serialHex);
    sim.device.pki.bindSsl('TP-1', 'outside');
    expect(await presentedSerials(sim.info.tls.outside as number)).toEqual([first.serialHex, ...chain]);
    sim.device.pki.bindSsl('TP-2', 'outside');
    expect(await presentedSerials(sim.info.tls.outside as number)).toEqual([second.serialHex, ...chain]);
  });

  it('uses the bare `ssl trust-point <tp>` default for interfaces without their own binding', async () => {
    sim.device.pki.bindSsl('TP-1', undefined);
    expect((await presentedSerials(sim.info.tls.inside as number))[0]).toBe(first.serialHex);
    expect((await presentedSerials(sim.info.tls.outside as number))[0]).toBe(second.serialHex);
  });

  it('answers an HTTP request with the WebVPN portal redirect', async () => {
    const reply = await new Promise<string>((resolve, reject) => {
      const socket = tls.connect({ host: '127.0.0.1', port: sim.info.tls.outside as number, rejectUnauthorized: false }, () => socket.write('GET / HTTP/1.1\r\nHost: asa\r\n\r\n'));
      let text = '';
      socket.on('data', (d: Buffer) => (text += d.toString('utf8')));
      socket.on('end', () => resolve(text));
      socket.on('error', reject);
    });
    expect(reply.split('\r\n').slice(0, 2)).toEqual(['HTTP/1.1 302 Object Moved', 'Location: /+CSCOE+/logon.html']);
  });

  it('after an RMA (same startup configuration, no keys) serves a temporary certificate instead of the bound one', async () => {
    sim.device.writeMemory();
    const rmaDir = path.join(dir, 'rma');
    await cloneForRma(sim.stateFile, rmaDir, 'tls-rma');
    const rma = await startSimulator({ id: 'tls-rma', stateDir: rmaDir });
    try {
      expect(rma.device.pki.sslTrustpointFor('outside')).toBe('TP-2');
      expect(rma.device.pki.identityProblem(rma.device.pki.trustpoint('TP-2') ?? { name: 'x', caCertificates: [] })).toBe('no-keypair');
      const serials = await presentedSerials(rma.info.tls.outside as number);
      expect(serials).toHaveLength(1);
      expect(serials[0]).not.toBe(second.serialHex);
    } finally {
      await rma.stop();
    }
  });
});
