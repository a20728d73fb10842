import { readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseBundleRef } from '../../../../src/inventory/refs.js';
import { describeCertificate } from '../../../../src/pki/index.js';
import { parseTaskOutput } from '../../../../src/workflow/contracts.js';
import { issueCertificate, issuanceToken } from '../../../../src/workflow/tasks/issue-certificate.js';
import { runOpensslOk } from '../../../helpers/openssl.js';
import { aDevice, localDeps, type LocalDeps } from './local-deps.js';

const EXECUTION = 'arn:aws:states:local:000000000000:execution:renew-device:issue-1';

describe('IssueCertificate', () => {
  let t: LocalDeps;

  beforeAll(async () => {
    t = await localDeps();
    await t.deps.inventory.putDevice(aDevice());
    await t.deps.inventory.putDevice(aDevice({ id: 'fw-2', certificate: { subject: { cn: 'vpn2.example.com' }, keySpec: 'rsa:2048', validityDays: 30, renewBeforeDays: 10 }, pkcs12Profile: 'modern' }));
    await t.deps.inventory.acquireLease('fw-1', EXECUTION, 600);
    await t.deps.inventory.acquireLease('fw-2', EXECUTION, 600);
  });
  afterAll(() => t?.remove());

  const issuedCount = () => readdirSync(path.join(t.dir, 'ca', 'issued')).length;

  it.each([
    { deviceId: 'fw-1', profile: 'legacy', keyText: /ASN1 OID: prime256v1/, days: 90, pbe: /pbeWithSHA1And3-KeyTripleDES-CBC/, mac: /MAC: sha1/ },
    { deviceId: 'fw-2', profile: 'modern', keyText: /Private-Key: \(2048 bit/, days: 30, pbe: /PBES2, PBKDF2, AES-256-CBC/, mac: /MAC: sha256/ },
  ])('issues per the $profile profile of $deviceId and stores key, leaf and chain in a PKCS12 that openssl opens', async ({ deviceId, keyText, days, pbe, mac }) => {
    const output = parseTaskOutput('IssueCertificate', await issueCertificate(t.deps, { deviceId, executionId: EXECUTION, trustpoint: 'TP-20260601-abcdef01' }));

    expect(Object.keys(output).sort()).toEqual(['bundleRef', 'certificateId', 'notAfter', 'notBefore', 'serial']);
    expect(parseBundleRef(output.bundleRef)).toEqual({ deviceId, kind: 'issued', serialHex: output.serial });
    expect((Date.parse(output.notAfter) - t.clock.now().getTime()) / 86_400_000).toBe(days);
    const { metadata, contents } = await t.deps.bundles.get(output.bundleRef);
    expect(metadata).toMatchObject({ deviceId, kind: 'issued', trustpoint: 'TP-20260601-abcdef01', notAfter: output.notAfter });
    expect(JSON.stringify(output)).not.toContain(contents.passphrase);

    const files = { 'b.p12': Buffer.from(contents.pkcs12), 'pass.txt': contents.passphrase };
    const info = await runOpensslOk(['pkcs12', '-in', 'b.p12', '-passin', 'file:pass.txt', '-info', '-nodes'], { files });
    expect(info.stderr).toMatch(pbe);
    expect(info.stderr).toMatch(mac);
    const certs = info.stdout.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
    expect(certs.map((pem) => describeCertificate(pem).subject.find((a) => a.type === 'cn')?.value)).toEqual([
      deviceId === 'fw-1' ? 'vpn.example.com' : 'vpn2.example.com',
      'trustpoint local Intermediate CA',
      'trustpoint local Root CA',
    ]);
    const key = await runOpensslOk(['pkey', '-in', 'key.pem', '-text', '-noout'], { files: { 'key.pem': info.stdout } });
    expect(key.stdout).toMatch(keyText);
    const state = (await t.deps.inventory.getDevice(deviceId)).state;
    expect(state.lastIssuance).toMatchObject({ idempotencyToken: issuanceToken(EXECUTION, deviceId, 0), certificateId: output.certificateId });
  });

  it('returns the same references on a retry of the same execution without issuing again', async () => {
    const before = issuedCount();
    const first = await issueCertificate(t.deps, { deviceId: 'fw-1', executionId: EXECUTION, trustpoint: 'TP-20260601-abcdef01' });
    const again = await issueCertificate(t.deps, { deviceId: 'fw-1', executionId: EXECUTION, trustpoint: 'TP-20260601-abcdef01' });
    expect(again).toEqual(first);
    expect(issuedCount()).toBe(before);
  });

  it('issues once more, under the next token, when the bundle of the recorded issuance was lost with its key', async () => {
    const first = await issueCertificate(t.deps, { deviceId: 'fw-1', executionId: EXECUTION, trustpoint: 'TP-20260601-abcdef01' });
    rmSync(path.join(t.dir, 'bundles', 'fw-1', 'issued', `${first.serial}.tpb`));
    const before = issuedCount();

    const second = await issueCertificate(t.deps, { deviceId: 'fw-1', executionId: EXECUTION, trustpoint: 'TP-20260601-abcdef01' });

    expect(second.serial).not.toBe(first.serial);
    expect(issuedCount()).toBe(before + 1);
    expect((await t.deps.inventory.getDevice('fw-1')).state.lastIssuance?.idempotencyToken).toBe(issuanceToken(EXECUTION, 'fw-1', 1));
    expect(await issueCertificate(t.deps, { deviceId: 'fw-1', executionId: EXECUTION, trustpoint: 'TP-20260601-abcdef01' })).toEqual(second);
  });

  it('issues a new certificate for another execution', async () => {
    const other = 'arn:aws:states:local:000000000000:execution:renew-device:issue-2';
    await t.deps.inventory.acquireLease('fw-1', other, 600).catch(async () => {
      await t.deps.inventory.releaseLease('fw-1', EXECUTION);
      return t.deps.inventory.acquireLease('fw-1', other, 600);
    });
    const before = issuedCount();
    const output = await issueCertificate(t.deps, { deviceId: 'fw-1', executionId: other, trustpoint: 'TP-20260601-12345678' });
    expect(issuedCount()).toBe(before + 1);
    expect((await t.deps.bundles.head(output.bundleRef))?.trustpoint).toBe('TP-20260601-12345678');
  });

  it('refuses to run for an execution that does not hold the lease', async () => {
    await expect(issueCertificate(t.deps, { deviceId: 'fw-2', executionId: 'arn:other', trustpoint: 'TP-20260601-abcdef02' })).rejects.toMatchObject({ name: 'DeviceBusyError' });
  });
});
