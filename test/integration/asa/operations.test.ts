import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFleet, type Fleet, type RunningSimulator } from '../../../sim/fleet.js';
import { showRunningConfigSsl } from '../../../src/asa/commands.js';
import { type AsaDevice, type ConnectOptions, connectToDevice } from '../../../src/asa/operations.js';
import { parseShowRunningConfigSsl } from '../../../src/asa/parsers/running-config.js';
import { serialsEqual } from '../../../src/asa/tls-probe.js';
import type { TranscriptEntry } from '../../../src/asa/transcript.js';
import {
  BindingError,
  DeviceAuthError,
  DeviceDisconnectedError,
  DeviceTimeoutError,
  HostKeyMismatchError,
  Pkcs12ImportError,
  SaveConfigurationError,
  StandbyUnitError,
  UnsupportedDeviceModeError,
  VerificationError,
} from '../../../src/errors.js';
import { describeCertificate } from '../../../src/pki/certificate-info.js';
import { runOpenssl } from '../../helpers/openssl.js';
import { bundleFactory, type BundleFactory, type TestBundle } from './helpers/bundles.js';

describe('device operations against the simulator', () => {
  let fleet: Fleet;
  let bundles: BundleFactory;
  const transcripts: TranscriptEntry[] = [];
  const errors: string[] = [];
  const secrets: string[] = [];
  const issued: TestBundle[] = [];
  /** PKCS12s the device exported (re-encrypted by the ASA, so not the bytes of any issued bundle). */
  const exported: Uint8Array[] = [];

  function optionsFor(sim: RunningSimulator): ConnectOptions {
    const { info } = sim;
    secrets.push(info.password, info.enablePassword);
    return {
      host: info.host,
      port: info.port,
      username: info.username,
      password: info.password,
      enablePassword: info.enablePassword,
      hostKeySha256: info.hostKeySha256,
      transcriptSink: (entry) => transcripts.push(entry),
      timeouts: { settleMs: 150 },
    };
  }

  async function issue(cn: string): Promise<TestBundle> {
    const bundle = await bundles.issue(cn);
    issued.push(bundle);
    secrets.push(bundle.passphrase);
    return bundle;
  }

  async function failure(promise: Promise<unknown>): Promise<unknown> {
    const error = await promise.then(
      () => undefined,
      (e: unknown) => e,
    );
    errors.push(String(error));
    return error;
  }

  async function withDevice<T>(sim: RunningSimulator, body: (device: AsaDevice) => Promise<T>): Promise<T> {
    const device = await connectToDevice(optionsFor(sim));
    try {
      return await body(device);
    } finally {
      await device.close();
    }
  }

  const tlsOf = (sim: RunningSimulator) => Object.fromEntries(Object.entries(sim.info.tls).map(([name, port]) => [name, { host: '127.0.0.1', port }]));
  const sslLines = (sim: RunningSimulator) => sim.device.pki.runningConfigLines().filter((l) => l.startsWith('ssl trust-point') || l.startsWith('crypto ikev2 remote-access'));

  beforeAll(async () => {
    [fleet, bundles] = await Promise.all([
      startFleet({
        count: 4,
        clock: { zoneName: 'CET', offsetMinutes: 60 },
        devices: [
          {},
          { failover: { role: 'active', unit: 'primary' }, prompt: ['hostname', 'priority', 'state'] },
          { failover: { role: 'standby', unit: 'secondary' }, prompt: ['hostname', 'priority', 'state'] },
          { multiContext: true },
        ],
      }),
      bundleFactory(),
    ]);
  });

  afterAll(async () => {
    await fleet?.stop();
    await bundles?.dispose();
  });

  describe('preflight', () => {
    it('reads release, failover role, clock, bindings and certificates of a factory-fresh device', async () => {
      const facts = await withDevice(fleet.simulators[0]!, (d) => d.preflight());
      expect(facts).toMatchObject({ hostname: 'asa-1', failoverRole: 'none', clock: { zoneName: 'CET', offsetMinutes: 60 }, prompt: 'asa-1#' });
      expect(facts.release).toMatch(/^9\.\d+\(\d+\)/);
      expect(facts.ssl.bindings).toHaveLength(1);
      expect(facts.ssl.bindings[0]!.interface).toBe('outside');
      const factory = facts.certificates.find((c) => c.associatedTrustpoints.includes(facts.ssl.bindings[0]!.trustpoint));
      expect(factory).toMatchObject({ kind: 'identity', status: 'Available' });
      // The device prints CET wall-clock time; the parser turns it into the instant it stands for.
      expect(factory!.validity.start!.getTime()).toBeLessThanOrEqual(Date.now());
      expect(Math.abs(factory!.validity.start!.getTime() - Date.now())).toBeLessThan(10 * 60_000);
    });

    it('finds the active unit of a failover pair', async () => {
      const facts = await withDevice(fleet.simulators[1]!, (d) => d.preflight());
      expect(facts.failoverRole).toBe('active');
    });

    it('refuses the standby unit with StandbyUnitError', async () => {
      const error = await failure(withDevice(fleet.simulators[2]!, (d) => d.preflight()));
      expect(error).toBeInstanceOf(StandbyUnitError);
      expect(String(error)).toContain('standby unit');
    });

    it('refuses multiple-context mode with UnsupportedDeviceModeError', async () => {
      const error = await failure(withDevice(fleet.simulators[3]!, (d) => d.preflight()));
      expect(error).toBeInstanceOf(UnsupportedDeviceModeError);
      expect(String(error)).toContain('multiple-context mode');
    });
  });

  describe('a renewal on one device', () => {
    let bundle: TestBundle;
    const tp = 'TP-RENEW-1';

    beforeAll(async () => {
      bundle = await issue('vpn.example.com');
    });

    it('imports once, and a repeat finds the serial and sends no import', async () => {
      const sim = fleet.simulators[0]!;
      await withDevice(sim, async (device) => {
        await device.preflight();
        const first = await device.importPkcs12(tp, bundle.der, bundle.passphrase, bundle.serialHex);
        expect(first.status).toBe('imported');
        expect(first.certificate).toMatchObject({ kind: 'identity', status: 'Available', associatedTrustpoints: [tp] });
        expect(serialsEqual(first.certificate.serialHex, bundle.serialHex)).toBe(true);
        expect(first.warnings).toEqual([]);
        const sentBefore = device.session.transcript.entries.filter((e) => e.direction === 'sent' && e.text.startsWith('crypto ca import')).length;
        const second = await device.importPkcs12(tp, bundle.der, bundle.passphrase, bundle.serialHex);
        expect(second.status).toBe('already-present');
        expect(device.session.transcript.entries.filter((e) => e.direction === 'sent' && e.text.startsWith('crypto ca import')).length).toBe(sentBefore);
      });
    });

    it('reads the device clock once per session, however many certificate reads follow', async () => {
      await withDevice(fleet.simulators[0]!, async (device) => {
        await device.certificatesOf(tp);
        await device.importPkcs12(tp, bundle.der, bundle.passphrase, bundle.serialHex);
        await device.verify(tp, bundle.serialHex, []);
        const clockReads = device.session.transcript.entries.filter((e) => e.direction === 'sent' && e.text === 'show running-config clock');
        expect(clockReads).toHaveLength(1);
      });
    });

    it('parses what the simulator prints for the imported trustpoint exactly as the certificates say (device clock CET)', async () => {
      const entries = await withDevice(fleet.simulators[0]!, (d) => d.certificatesOf(tp));
      const pems = [bundle.certificatePem, ...bundle.chainPems];
      expect(entries.map((e) => e.kind)).toEqual(['identity', ...bundle.chainPems.map(() => 'ca')]);
      for (const [i, entry] of entries.entries()) {
        const info = describeCertificate(pems[i]!);
        expect(entry.serialHex).toBe(info.serialHex);
        expect(entry.subject).toEqual([...info.subject].reverse().map((a) => ({ key: a.type, value: a.value })));
        expect(entry.issuer).toEqual([...info.issuer].reverse().map((a) => ({ key: a.type, value: a.value })));
        expect(entry.publicKey).toEqual({ type: info.keyType, bits: info.keyBits });
        expect(entry.validity.zone).toBe('CET');
        expect(entry.validity.start).toEqual(new Date(Math.floor(info.notBefore.getTime() / 1000) * 1000));
        expect(entry.validity.end).toEqual(new Date(Math.floor(info.notAfter.getTime() / 1000) * 1000));
        expect(entry.usage).toBe(i === 0 ? 'General Purpose' : 'Signature');
      }
    });

    it('binds, verifies over TLS, saves, and rolls back to the recorded bindings', async () => {
      const sim = fleet.simulators[0]!;
      const before = sslLines(sim);
      await withDevice(sim, async (device) => {
        const previous = await device.bindTrustpoint(tp, ['outside', 'inside'], { ikev2: true });
        expect(previous.interfaces.map((b) => b.interface)).toEqual(['outside', 'inside']);
        expect(previous.interfaces[1]!.trustpoint).toBeUndefined();
        expect(previous.ikev2).toEqual([]);
        const again = await device.bindTrustpoint(tp, ['outside', 'inside'], { ikev2: true });
        expect(again.interfaces.every((b) => b.trustpoint === tp)).toBe(true);

        const report = await device.verify(tp, bundle.serialHex, ['outside', 'inside'], { ikev2: true, tlsEndpoints: tlsOf(sim) });
        expect(report.checks.filter((c) => c.name === 'TlsServesSerial')).toHaveLength(2);
        expect(report.checks.every((c) => c.ok)).toBe(true);

        const saved = await device.saveConfiguration();
        expect(saved.standby).toBe(false);
        expect(saved.checksum).toMatch(/^[0-9a-f]{8}( [0-9a-f]{8}){3}$/);
        expect(sim.device.hasUnsavedChanges).toBe(false);

        await device.rollbackBinding(previous);
        expect(sslLines(sim)).toEqual(before);
        await expect(device.verify(tp, bundle.serialHex, ['outside'], { tlsEndpoints: tlsOf(sim) })).rejects.toThrow(/BindingPresent \(outside: /);
      });
    });

    it('exports the trustpoint as a PKCS12 that openssl opens with the passphrase', async () => {
      const exportPass = 'Export-Pass-2026-x';
      secrets.push(exportPass);
      const der = await withDevice(fleet.simulators[0]!, (d) => d.exportPkcs12(tp, exportPass));
      exported.push(der);
      const check = await runOpenssl(['pkcs12', '-in', 'x.p12', '-passin', 'file:pass.txt', '-nokeys', '-clcerts'], { files: { 'x.p12': der, 'pass.txt': `${exportPass}\n` } });
      expect(check.code).toBe(0);
      const serial = await runOpenssl(['x509', '-noout', '-serial'], { stdin: check.stdout });
      expect(serialsEqual(/serial=(\w+)/.exec(serial.stdout)![1]!, bundle.serialHex)).toBe(true);
    });

    it('refuses to remove a bound trustpoint, removes an unbound one, reports absent afterwards, and zeroizes its key pair only once unused', async () => {
      const sim = fleet.simulators[0]!;
      await withDevice(sim, async (device) => {
        await device.bindTrustpoint(tp, ['inside']);
        expect(await failure(device.removeTrustpoint(tp))).toBeInstanceOf(BindingError);
        await device.rollbackBinding({ interfaces: [{ interface: 'inside', trustpoint: undefined }] });
        expect(await device.removeTrustpoint(tp)).toBe('removed');
        expect(await device.removeTrustpoint(tp)).toBe('absent');
        expect(await device.certificatesOf(tp)).toEqual([]);
        expect(await device.zeroizeUnusedKeypair(tp)).toBe('zeroized');
        expect(sim.device.pki.keystoreSnapshot().keypairs.map((k) => k.name)).not.toContain(tp);
        expect(await device.zeroizeUnusedKeypair(tp)).toBe('absent');
        const factory = (await device.preflight()).ssl.bindings.find((b) => b.interface === 'outside')!.trustpoint;
        expect(await device.zeroizeUnusedKeypair(factory)).toBe('in-use');
      });
    });
  });

  it('saves with write memory and write standby on the active unit', async () => {
    const sim = fleet.simulators[1]!;
    const saved = await withDevice(sim, async (d) => {
      await d.preflight();
      return d.saveConfiguration();
    });
    expect(saved.standby).toBe(true);
    expect(transcripts.some((e) => e.direction === 'sent' && e.text === 'write standby')).toBe(true);
  });

  it('finds a missing intermediate in the TLS handshake (a bundle made without its chain)', async () => {
    const sim = fleet.simulators[0]!;
    const bundle = await issue('nochain.example.com');
    const made = await runOpenssl(['pkcs12', '-export', '-legacy', '-inkey', 'k.pem', '-in', 'c.pem', '-passout', 'file:pass.txt', '-out', 'leaf.p12'], {
      files: { 'k.pem': bundle.privateKeyPem, 'c.pem': bundle.certificatePem, 'pass.txt': `${bundle.passphrase}\n` },
      outputs: ['leaf.p12'],
    });
    expect(made.code).toBe(0);
    const tp = 'TP-NOCHAIN';
    const intermediate = describeCertificate(bundle.chainPems[0]!).serialHex;
    await withDevice(sim, async (device) => {
      await device.importPkcs12(tp, new Uint8Array(made.outputs['leaf.p12']!), bundle.passphrase, bundle.serialHex);
      const previous = await device.bindTrustpoint(tp, ['inside']);
      try {
        const error = await failure(device.verify(tp, bundle.serialHex, ['inside'], { tlsEndpoints: tlsOf(sim), expectedCaSerials: [intermediate] }));
        expect(error).toBeInstanceOf(VerificationError);
        expect(String(error)).toContain(`TlsChainComplete (inside: the handshake lacks intermediate CA serial(s) ${intermediate}`);
        expect(String(error)).not.toContain('TlsServesSerial');
      } finally {
        await device.rollbackBinding(previous);
      }
    });
  });

  describe('a key pair named like the trustpoint already exists', () => {
    const tp = 'TP-KEYS-1';

    beforeAll(async () => {
      await withDevice(fleet.simulators[0]!, (d) =>
        d.session.run({ line: `crypto key generate rsa label ${tp} modulus 2048 noconfirm`, redacted: 'keygen', secrets: [], mode: 'config', confirmations: [], timeout: 'slow' }),
      );
    });

    it('answers "no" to the replace question when the name is not ours: Pkcs12ImportError with the ASA words, keys kept', async () => {
      const sim = fleet.simulators[0]!;
      const bundle = await issue('keys.example.com');
      const keyBefore = JSON.stringify(sim.device.pki.keystoreSnapshot());
      const error = await failure(withDevice(sim, (d) => d.importPkcs12(tp, bundle.der, bundle.passphrase, bundle.serialHex)));
      expect(error).toBeInstanceOf(Pkcs12ImportError);
      expect(String(error)).toMatch(/the ASA refused the PKCS12 for TP-KEYS-1: .*ERROR: /);
      expect(JSON.stringify(sim.device.pki.keystoreSnapshot())).toBe(keyBefore);
      expect(await withDevice(sim, (d) => d.certificatesOf(tp))).toEqual([]);
      expect(transcripts.some((e) => e.direction === 'event' && e.text.startsWith('answering "no" to "% Do you really want to replace them? [yes/no]:"'))).toBe(true);
    });

    it('answers "yes" when the workflow created the trustpoint name, and imports', async () => {
      const bundle = await issue('keys2.example.com');
      const result = await withDevice(fleet.simulators[0]!, (d) => d.importPkcs12(tp, bundle.der, bundle.passphrase, bundle.serialHex, { trustpointCreatedByUs: true }));
      expect(result.status).toBe('imported');
    });
  });

  describe('faults end in their named error with nothing half-done', () => {
    it('a connection dropped before the import runs: DeviceDisconnectedError, no trustpoint, and the retry imports', async () => {
      const sim = fleet.simulators[0]!;
      const bundle = await issue('drop.example.com');
      const tp = 'TP-DROP-1';
      sim.setFaults({ dropAfterCommand: 'crypto ca import', dropAfter: 'before' });
      try {
        const error = await failure(withDevice(sim, (d) => d.importPkcs12(tp, bundle.der, bundle.passphrase, bundle.serialHex)));
        expect(error).toBeInstanceOf(DeviceDisconnectedError);
        expect(String(error)).toContain('"crypto ca import TP-DROP-1 pkcs12 <redacted>"');
      } finally {
        sim.setFaults({ dropAfterCommand: undefined });
      }
      expect(sim.device.pki.trustpoint(tp)).toBeUndefined();
      const retried = await withDevice(sim, (d) => d.importPkcs12(tp, bundle.der, bundle.passphrase, bundle.serialHex));
      expect(retried.status).toBe('imported');
    });

    it('a connection dropped after the import ran: the retry finds the certificate and does not import again', async () => {
      const sim = fleet.simulators[0]!;
      const bundle = await issue('drop-after.example.com');
      const tp = 'TP-DROP-2';
      sim.setFaults({ dropAfterCommand: 'crypto ca import', dropAfter: 'after' });
      try {
        expect(await failure(withDevice(sim, (d) => d.importPkcs12(tp, bundle.der, bundle.passphrase, bundle.serialHex)))).toBeInstanceOf(DeviceDisconnectedError);
      } finally {
        sim.setFaults({ dropAfterCommand: undefined });
      }
      const retried = await withDevice(sim, (d) => d.importPkcs12(tp, bundle.der, bundle.passphrase, bundle.serialHex));
      expect(retried.status).toBe('already-present');
    });

    it('a device too slow to answer: DeviceTimeoutError naming the command, bindings untouched', async () => {
      const sim = fleet.simulators[0]!;
      const before = sslLines(sim);
      const options = { ...optionsFor(sim), timeouts: { quickMs: 500, settleMs: 150 } };
      const device = await connectToDevice(options);
      sim.setFaults({ commandDelayMs: 2000 });
      try {
        const error = await failure(device.preflight());
        expect(error).toBeInstanceOf(DeviceTimeoutError);
        expect(String(error)).toMatch(/"show version" did not complete within 500 ms/);
      } finally {
        sim.setFaults({ commandDelayMs: 0 });
        await device.close();
      }
      expect(sslLines(sim)).toEqual(before);
    });

    it('a release that rejects AES/PBES2 bundles: Pkcs12ImportError with the ASA words, no trustpoint created', async () => {
      const sim = fleet.simulators[0]!;
      const bundle = await bundles.issue('modern.example.com', 'modern');
      issued.push(bundle);
      secrets.push(bundle.passphrase);
      const tp = 'TP-MODERN';
      sim.setFaults({ rejectModernPkcs12: true });
      try {
        const error = await failure(withDevice(sim, (d) => d.importPkcs12(tp, bundle.der, bundle.passphrase, bundle.serialHex)));
        expect(error).toBeInstanceOf(Pkcs12ImportError);
        expect(String(error)).toMatch(/the ASA refused the PKCS12 for TP-MODERN: .*ERROR: /);
      } finally {
        sim.setFaults({ rejectModernPkcs12: false });
      }
      expect(sim.device.pki.trustpoint(tp)).toBeUndefined();
    });

    it('a timeout while binding: DeviceTimeoutError, and a new session restores the bindings recorded before', async () => {
      const sim = fleet.simulators[0]!;
      const bundle = await issue('bind-timeout.example.com');
      const tp = 'TP-BINDTIMEOUT';
      const before = sslLines(sim);
      const previous = await withDevice(sim, async (d) => {
        await d.importPkcs12(tp, bundle.der, bundle.passphrase, bundle.serialHex);
        return d.readBindings(['outside', 'inside']);
      });
      const device = await connectToDevice({ ...optionsFor(sim), timeouts: { normalMs: 300, settleMs: 150 } });
      sim.setFaults({ commandDelayMs: 800 });
      try {
        const error = await failure(device.bindTrustpoint(tp, ['outside', 'inside']));
        expect(error).toBeInstanceOf(DeviceTimeoutError);
      } finally {
        await device.close();
        sim.setFaults({ commandDelayMs: 0 });
      }
      // The device may still run the line it had read: wait for it, then roll back from the record.
      await new Promise((r) => setTimeout(r, 1200));
      await withDevice(sim, (d) => d.rollbackBinding(previous));
      expect(sslLines(sim)).toEqual(before);
    });

    it('a failing write memory: SaveConfigurationError with the ASA words', async () => {
      const sim = fleet.simulators[0]!;
      sim.setFaults({ failCommand: [{ match: 'write memory', lines: ['%Error copying system:/running-config (No Device)', 'Error executing command', '[FAILED]'] }] });
      try {
        const error = await failure(withDevice(sim, (d) => d.saveConfiguration()));
        expect(error).toBeInstanceOf(SaveConfigurationError);
        expect(String(error)).toContain('%Error copying system:/running-config (No Device) / Error executing command / [FAILED]');
      } finally {
        sim.setFaults({ failCommand: [] });
      }
    });

    it('an authentication failure: DeviceAuthError without the password', async () => {
      const sim = fleet.simulators[0]!;
      sim.setFaults({ refuseAuth: true });
      try {
        const error = await failure(connectToDevice(optionsFor(sim)));
        expect(error).toBeInstanceOf(DeviceAuthError);
      } finally {
        sim.setFaults({ refuseAuth: false });
      }
    });

    it('a changed host key: HostKeyMismatchError before any login or command', async () => {
      const sim = fleet.simulators[0]!;
      const logins = sim.device.logins.length;
      const sentBefore = transcripts.filter((e) => e.direction === 'sent').length;
      sim.setFaults({ hostKeyChanged: true });
      try {
        expect(await failure(connectToDevice(optionsFor(sim)))).toBeInstanceOf(HostKeyMismatchError);
      } finally {
        sim.setFaults({ hostKeyChanged: false });
      }
      expect(sim.device.logins.length).toBe(logins);
      expect(transcripts.filter((e) => e.direction === 'sent').length).toBe(sentBefore);
    });

    it('an ASA error on the second interface: BindingError, and the first interface is restored', async () => {
      const sim = fleet.simulators[0]!;
      const bundle = await issue('bind-fail.example.com');
      const tp = 'TP-BINDFAIL';
      await withDevice(sim, (d) => d.importPkcs12(tp, bundle.der, bundle.passphrase, bundle.serialHex));
      const before = sslLines(sim);
      sim.setFaults({ failCommand: [{ match: `ssl trust-point ${tp} inside`, lines: ['ERROR: Unable to bind trustpoint (simulated)'] }] });
      try {
        const error = await failure(withDevice(sim, (d) => d.bindTrustpoint(tp, ['outside', 'inside'])));
        expect(error).toBeInstanceOf(BindingError);
        expect(String(error)).toContain('ERROR: Unable to bind trustpoint (simulated)');
        expect(String(error)).toContain('the previous bindings were restored');
      } finally {
        sim.setFaults({ failCommand: [] });
      }
      expect(sslLines(sim)).toEqual(before);
      const ssl = await withDevice(sim, async (d) => parseShowRunningConfigSsl((await d.session.run(showRunningConfigSsl())).output));
      expect(ssl.bindings.some((b) => b.trustpoint === tp)).toBe(false);
    });
  });

  it('never lets a password, passphrase or PKCS12 into a transcript or an error message', () => {
    expect(transcripts.length).toBeGreaterThan(100);
    const text = [...transcripts.map((e) => e.text), ...errors].join('\n');
    for (const secret of secrets) expect(text).not.toContain(secret);
    expect(exported).not.toHaveLength(0);
    for (const der of [...issued.map((b) => b.der), ...exported]) {
      const base64 = Buffer.from(der).toString('base64');
      for (let i = 0; i + 64 <= base64.length; i += 64) expect(text).not.toContain(base64.slice(i, i + 64));
    }
    expect(text).toContain('<redacted>');
  });
});
