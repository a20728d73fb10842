import { X509Certificate, createHash, createPrivateKey } from 'node:crypto';
import * as asn1js from 'asn1js';
import { beforeAll, describe, expect, it } from 'vitest';
import { Pkcs12FormatError, Pkcs12PassphraseError, ValidationError } from '../../../src/errors.js';
import { PKCS12_PROFILES, decodePkcs12, detectPkcs12Encryption, encodePkcs12, type Pkcs12Input } from '../../../src/pki/pkcs12.js';
import { runOpenssl, runOpensslOk } from '../../helpers/openssl.js';
import { makeTestPki, pemCertificates, type LeafKeyType, type TestPki } from './pkcs12-fixtures.js';
import { pemBlockPattern } from '../../helpers/pem-text.js';

const PASSPHRASE = 'Tp-test.Passphrase#42';
const WRONG = 'not-the-Passphrase#43';

const pkis = {} as Record<LeafKeyType, TestPki>;
beforeAll(() => {
  pkis['rsa-2048'] = makeTestPki('rsa-2048');
  pkis['ec-p256'] = makeTestPki('ec-p256');
});

function inputFor(pki: TestPki, profile: Pkcs12Input['profile']): Pkcs12Input {
  return { privateKeyPem: pki.leafKeyPem, certificatePem: pki.leafPem, chainPems: [pki.intermediatePem, pki.rootPem], passphrase: PASSPHRASE, profile };
}

function certDer(pem: string): Buffer {
  return new X509Certificate(pem).raw;
}

function keyDer(pem: string): Buffer {
  return createPrivateKey(pem).export({ type: 'pkcs8', format: 'der' });
}

async function expectRejection<E extends Error>(promise: Promise<unknown>, type: new (...args: never[]) => E): Promise<E> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(type);
  return error as E;
}

async function opensslInfo(p12: Uint8Array, passphrase = PASSPHRASE) {
  return runOpenssl(['pkcs12', '-info', '-noout', '-passin', 'file:pass.txt', '-in', 'b.p12'], { files: { 'b.p12': p12, 'pass.txt': `${passphrase}\n` } });
}

const EXPECTED_INFO = {
  legacy: [
    'MAC: sha1, Iteration 2048',
    'PKCS7 Encrypted data: pbeWithSHA1And3-KeyTripleDES-CBC, Iteration 2048',
    'Shrouded Keybag: pbeWithSHA1And3-KeyTripleDES-CBC, Iteration 2048',
  ],
  modern: [
    'MAC: sha256, Iteration 2048',
    'PKCS7 Encrypted data: PBES2, PBKDF2, AES-256-CBC, Iteration 2048, PRF hmacWithSHA256',
    'Shrouded Keybag: PBES2, PBKDF2, AES-256-CBC, Iteration 2048, PRF hmacWithSHA256',
  ],
} as const;

describe.each(['rsa-2048', 'ec-p256'] as const)('encodePkcs12 with a %s leaf key', (keyType) => {
  describe.each(PKCS12_PROFILES)('profile %s', (profile) => {
    let p12: Uint8Array;
    let pki: TestPki;
    beforeAll(async () => {
      pki = pkis[keyType];
      p12 = await encodePkcs12(inputFor(pki, profile));
    });

    it('is read by openssl pkcs12 -info (without -legacy) with the expected algorithms', async () => {
      const info = await opensslInfo(p12);
      expect(info.code, info.stderr).toBe(0);
      for (const line of EXPECTED_INFO[profile]) expect(info.stderr + info.stdout).toContain(line);
      expect(detectPkcs12Encryption(p12)).toBe(profile === 'legacy' ? 'legacy-3des' : 'pbes2-aes-256-cbc');
    });

    it('gives back the same key and all certificates to openssl, with friendlyName and localKeyID', async () => {
      const files = { 'b.p12': p12, 'pass.txt': `${PASSPHRASE}\n` };
      const certs = await runOpensslOk(['pkcs12', '-in', 'b.p12', '-passin', 'file:pass.txt', '-nokeys'], { files });
      const extracted = pemCertificates(certs.stdout).map(certDer);
      expect(extracted).toHaveLength(3);
      for (const pem of [pki.leafPem, pki.intermediatePem, pki.rootPem]) expect(extracted).toContainEqual(certDer(pem));

      const key = await runOpensslOk(['pkcs12', '-in', 'b.p12', '-passin', 'file:pass.txt', '-nocerts', '-nodes'], { files });
      const keyPem = pemBlockPattern('PRIVATE KEY').exec(key.stdout)?.[0] ?? '';
      expect(keyDer(keyPem)).toEqual(keyDer(pki.leafKeyPem));

      const localKeyId = createHash('sha1').update(certDer(pki.leafPem)).digest('hex').toUpperCase().match(/../g)?.join(' ');
      expect(key.stdout).toContain(`localKeyID: ${localKeyId}`);
      expect(key.stdout).toContain(`friendlyName: ${pki.leafCn}`);
      expect(certs.stdout).toContain('friendlyName: Test Intermediate CA');
      expect(certs.stdout).toContain('friendlyName: Test Root CA');
    });

    it('holds a chain that openssl verify accepts', async () => {
      const files = { 'b.p12': p12, 'pass.txt': `${PASSPHRASE}\n` };
      const certs = await runOpensslOk(['pkcs12', '-in', 'b.p12', '-passin', 'file:pass.txt', '-nokeys'], { files });
      const [leaf, intermediate, root] = pemCertificates(certs.stdout);
      const verify = await runOpenssl(['verify', '-CAfile', 'root.pem', '-untrusted', 'int.pem', 'leaf.pem'], {
        files: { 'root.pem': root ?? '', 'int.pem': intermediate ?? '', 'leaf.pem': leaf ?? '' },
      });
      expect(verify.stdout + verify.stderr).toContain('leaf.pem: OK');
      expect(verify.code).toBe(0);
    });

    it('decodes back to the same key, leaf and ordered chain', async () => {
      const contents = await decodePkcs12(p12, PASSPHRASE);
      expect(keyDer(contents.privateKeyPem)).toEqual(keyDer(pki.leafKeyPem));
      expect(certDer(contents.certificatePem)).toEqual(certDer(pki.leafPem));
      expect(contents.chainPems.map(certDer)).toEqual([certDer(pki.intermediatePem), certDer(pki.rootPem)]);
      expect(contents.friendlyName).toBe(pki.leafCn);
      expect(contents.localKeyIdHex).toBe(createHash('sha1').update(certDer(pki.leafPem)).digest('hex'));
      expect(contents.encryption).toBe(profile === 'legacy' ? 'legacy-3des' : 'pbes2-aes-256-cbc');
      expect(contents.macAlgorithm).toBe(profile === 'legacy' ? 'sha1' : 'sha256');
    });

    it('refuses a wrong passphrase with Pkcs12PassphraseError that does not carry the passphrase', async () => {
      const error = await expectRejection(decodePkcs12(p12, WRONG), Pkcs12PassphraseError);
      expect(error.message).toBe('PKCS12 MAC verification failed: the passphrase is wrong or the file is corrupted');
      for (const text of [error.message, error.stack ?? '', JSON.stringify(error)]) {
        expect(text).not.toContain(WRONG);
        expect(text).not.toContain(PASSPHRASE);
      }
      const info = await opensslInfo(p12, WRONG);
      expect(info.code).not.toBe(0);
    });
  });
});

describe('encodePkcs12 input checks', () => {
  it('uses the given friendlyName and accepts the chain in any order, with the leaf and duplicates in it', async () => {
    const pki = pkis['ec-p256'];
    const fullchain = `${pki.leafPem}${pki.rootPem}${pki.intermediatePem}`;
    const p12 = await encodePkcs12({ ...inputFor(pki, 'legacy'), chainPems: [fullchain, pki.rootPem], friendlyName: 'vpn-2026' });
    const contents = await decodePkcs12(p12, PASSPHRASE);
    expect(contents.friendlyName).toBe('vpn-2026');
    expect(contents.chainPems.map(certDer)).toEqual([certDer(pki.intermediatePem), certDer(pki.rootPem)]);
  });

  it('bundles a self-signed leaf (no keyCertSign) with an empty chain', async () => {
    const made = await runOpensslOk(
      ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'k.pem', '-out', 'c.pem', '-days', '1', '-subj', '/CN=asa-self',
        '-addext', 'basicConstraints=critical,CA:FALSE', '-addext', 'keyUsage=critical,digitalSignature'],
      { outputs: ['k.pem', 'c.pem'] },
    );
    const certificatePem = made.outputs['c.pem']?.toString() ?? '';
    const p12 = await encodePkcs12({ privateKeyPem: made.outputs['k.pem']?.toString() ?? '', certificatePem, chainPems: [], passphrase: PASSPHRASE, profile: 'legacy' });
    const contents = await decodePkcs12(p12, PASSPHRASE);
    expect(certDer(contents.certificatePem)).toEqual(certDer(certificatePem));
    expect(contents.chainPems).toEqual([]);
    expect(contents.friendlyName).toBe('asa-self');
  });

  it('refuses a chain without the intermediate, naming the missing issuer', async () => {
    const pki = pkis['ec-p256'];
    const error = await expectRejection(encodePkcs12({ ...inputFor(pki, 'legacy'), chainPems: [pki.rootPem] }), ValidationError);
    expect(error.field).toBe('chain');
    expect(error.message).toContain('missing the issuer "O=trustpoint tests, CN=Test Intermediate CA"');
    expect(error.message).toContain('of "O=trustpoint tests, CN=vpn.example.net"');
  });

  it('refuses a chain that stops before the root, naming the root', async () => {
    const pki = pkis['ec-p256'];
    const error = await expectRejection(encodePkcs12({ ...inputFor(pki, 'modern'), chainPems: [pki.intermediatePem] }), ValidationError);
    expect(error.message).toContain('missing the issuer "O=trustpoint tests, CN=Test Root CA"');
  });

  it('bundles a chain that stops below the root when allowPartialChain is set (an ASA export)', async () => {
    const pki = pkis['ec-p256'];
    const der = await encodePkcs12({ ...inputFor(pki, 'legacy'), chainPems: [pki.intermediatePem], allowPartialChain: true });
    const contents = await decodePkcs12(der, inputFor(pki, 'legacy').passphrase);
    expect(contents.chainPems).toHaveLength(1);
    expect(contents.chainPems[0]?.replace(/\s/g, '')).toBe(pki.intermediatePem.replace(/\s/g, ''));
  });

  it('refuses a certificate that is not on the path', async () => {
    const pki = pkis['ec-p256'];
    const error = await expectRejection(
      encodePkcs12({ ...inputFor(pki, 'legacy'), chainPems: [pki.intermediatePem, pki.rootPem, pki.unrelatedCaPem] }),
      ValidationError,
    );
    expect(error.message).toContain('"O=elsewhere, CN=Unrelated Root CA" is not on the path');
  });

  it('refuses a key that does not match the certificate', async () => {
    const pki = pkis['rsa-2048'];
    const error = await expectRejection(encodePkcs12({ ...inputFor(pki, 'legacy'), privateKeyPem: pki.otherKeyPem }), ValidationError);
    expect(error.field).toBe('certificatePem');
    expect(error.message).toContain('does not match the private key');
    expect(error.message).not.toContain('PRIVATE KEY');
  });

  it.each([
    ['passphrase', { passphrase: '' }, 'passphrase: must not be empty'],
    ['profile', { profile: 'strong' as never }, 'profile: "strong" is not one of legacy, modern'],
    ['privateKeyPem', { privateKeyPem: 'not a key' }, 'privateKeyPem: not a readable PEM private key'],
    ['certificatePem', { certificatePem: 'nothing here' }, 'certificatePem: no PEM certificate'],
    ['friendlyName', { friendlyName: 'bad\nname' }, 'friendlyName:'],
  ])('refuses a bad %s', async (_field, change, message) => {
    const error = await expectRejection(encodePkcs12({ ...inputFor(pkis['ec-p256'], 'legacy'), ...change }), ValidationError);
    expect(error.message).toContain(message);
  });

  it('refuses an encrypted private key without echoing it', async () => {
    const pki = pkis['ec-p256'];
    const encrypted = await runOpensslOk(['pkcs8', '-topk8', '-in', 'k.pem', '-passout', 'file:pass.txt', '-v2', 'aes-256-cbc'], {
      files: { 'k.pem': pki.leafKeyPem, 'pass.txt': 'keypass1\n' },
    });
    const error = await expectRejection(encodePkcs12({ ...inputFor(pki, 'legacy'), privateKeyPem: encrypted.stdout }), ValidationError);
    expect(error.message).toBe('privateKeyPem: the private key is encrypted: give it unencrypted (PKCS#8 PEM)');
  });
});

describe('decodePkcs12 of files made by openssl pkcs12 -export', () => {
  const cases = [
    { name: 'OpenSSL 3 default', args: [], encryption: 'pbes2-aes-256-cbc', mac: 'sha256' },
    { name: '3DES + SHA-1 MAC', args: ['-certpbe', 'PBE-SHA1-3DES', '-keypbe', 'PBE-SHA1-3DES', '-macalg', 'sha1'], encryption: 'legacy-3des', mac: 'sha1' },
    { name: '-legacy (RC2-40 certificates, 3DES key)', args: ['-legacy'], encryption: 'rc2-40', mac: 'sha1' },
    { name: 'AES-128 bags + SHA-512 MAC', args: ['-certpbe', 'AES-128-CBC', '-keypbe', 'AES-128-CBC', '-macalg', 'sha512'], encryption: 'other', mac: 'sha512' },
  ] as const;

  async function opensslExport(pki: TestPki, args: readonly string[]): Promise<Uint8Array> {
    // The chain file lists the root before the intermediate, so ordering is on us.
    const result = await runOpensslOk(
      ['pkcs12', '-export', ...args, '-inkey', 'leaf.key', '-in', 'leaf.pem', '-certfile', 'chain.pem', '-passout', 'file:pass.txt', '-out', 'out.p12'],
      {
        files: { 'leaf.key': pki.leafKeyPem, 'leaf.pem': pki.leafPem, 'chain.pem': `${pki.rootPem}${pki.intermediatePem}`, 'pass.txt': `${PASSPHRASE}\n` },
        outputs: ['out.p12'],
      },
    );
    const out = result.outputs['out.p12'];
    if (!out) throw new Error('openssl made no out.p12');
    return out;
  }

  describe.each(['rsa-2048', 'ec-p256'] as const)('%s', (keyType) => {
    it.each(cases)('decodes $name with the leaf found by its key and the chain ordered', async ({ args, encryption, mac }) => {
      const pki = pkis[keyType];
      const p12 = await opensslExport(pki, args);
      expect(detectPkcs12Encryption(p12)).toBe(encryption);
      const contents = await decodePkcs12(p12, PASSPHRASE);
      expect(certDer(contents.certificatePem)).toEqual(certDer(pki.leafPem));
      expect(contents.chainPems.map(certDer)).toEqual([certDer(pki.intermediatePem), certDer(pki.rootPem)]);
      expect(keyDer(contents.privateKeyPem)).toEqual(keyDer(pki.leafKeyPem));
      expect(contents.encryption).toBe(encryption);
      expect(contents.macAlgorithm).toBe(mac);
      expect(contents.localKeyIdHex).toBe(createHash('sha1').update(certDer(pki.leafPem)).digest('hex'));

      const error = await expectRejection(decodePkcs12(p12, WRONG), Pkcs12PassphraseError);
      expect(error.message).toBe('PKCS12 MAC verification failed: the passphrase is wrong or the file is corrupted');
      expect(`${error.message}${error.stack ?? ''}`).not.toContain(WRONG);
    });
  });

  it('names an algorithm it cannot decrypt (RC4-128 key bag)', async () => {
    const p12 = await opensslExport(pkis['ec-p256'], ['-legacy', '-keypbe', 'PBE-SHA1-RC4-128']);
    const error = await expectRejection(decodePkcs12(p12, PASSPHRASE), Pkcs12FormatError);
    expect(error.message).toContain('unsupported bag encryption 1.2.840.113549.1.12.1.1 (RC4-128)');
    expect(error.message).toContain('re-export');
    expect(detectPkcs12Encryption(p12)).toBe('rc2-40');
  });

  it('decodes a file without a MAC and still detects a wrong passphrase', async () => {
    const p12 = await opensslExport(pkis['ec-p256'], ['-nomac']);
    const contents = await decodePkcs12(p12, PASSPHRASE);
    expect(contents.macAlgorithm).toBe('none');
    await expectRejection(decodePkcs12(p12, WRONG), Pkcs12PassphraseError);
  });
});

describe('decodePkcs12 and detectPkcs12Encryption of malformed input', () => {
  let good: Uint8Array;
  beforeAll(async () => {
    good = await encodePkcs12(inputFor(pkis['ec-p256'], 'legacy'));
  });

  it.each([
    ['empty input', () => new Uint8Array(0)],
    ['truncated DER', () => good.subarray(0, good.length - 40)],
    ['garbage', () => new Uint8Array(Buffer.from('this is not a PKCS12 file at all'))],
    ['trailing bytes', () => new Uint8Array([...good, 0, 0])],
    ['a certificate instead of a PKCS12', () => new Uint8Array(certDer(pkis['ec-p256'].leafPem))],
  ])('throws Pkcs12FormatError for %s', async (_name, make) => {
    const der = make();
    await expectRejection(decodePkcs12(der, PASSPHRASE), Pkcs12FormatError);
    expect(() => detectPkcs12Encryption(der)).toThrow(Pkcs12FormatError);
  });

  it('reports a flipped byte inside the encrypted certificates as a MAC failure', async () => {
    // The middle of the file lies inside the certificate ciphertext: the DER stays valid.
    const corrupted = new Uint8Array(good);
    const index = Math.floor(corrupted.length / 2);
    corrupted[index] = (corrupted[index] as number) ^ 0x01;
    const error = await expectRejection(decodePkcs12(corrupted, PASSPHRASE), Pkcs12PassphraseError);
    expect(error.message).toContain('or the file is corrupted');
  });

  it('reads BER with indefinite lengths and a chunked authSafe OCTET STRING (as Java and Windows write)', async () => {
    const pfx = asn1js.fromBER(good).result as asn1js.Sequence;
    const [, authSafeInfo, macData] = pfx.valueBlock.value as [asn1js.Integer, asn1js.Sequence, asn1js.Sequence];
    const wrapper = authSafeInfo.valueBlock.value[1] as asn1js.Constructed;
    const octets = new Uint8Array((wrapper.valueBlock.value[0] as asn1js.OctetString).getValue());
    const chunks: asn1js.OctetString[] = [];
    for (let i = 0; i < octets.length; i += 100) chunks.push(new asn1js.OctetString({ valueHex: octets.slice(i, i + 100) }));
    const indefinite = { isIndefiniteForm: true };
    const chunked = new asn1js.OctetString({ idBlock: { isConstructed: true }, lenBlock: indefinite, isConstructed: true, value: chunks });
    const ber = new asn1js.Sequence({
      lenBlock: indefinite,
      value: [
        new asn1js.Integer({ value: 3 }),
        new asn1js.Sequence({
          lenBlock: indefinite,
          value: [new asn1js.ObjectIdentifier({ value: '1.2.840.113549.1.7.1' }), new asn1js.Constructed({ idBlock: { tagClass: 3, tagNumber: 0 }, lenBlock: indefinite, value: [chunked] })],
        }),
        macData,
      ],
    });
    const berBytes = new Uint8Array(ber.toBER());
    expect(berBytes[1]).toBe(0x80);
    expect((await opensslInfo(berBytes)).code).toBe(0);
    const contents = await decodePkcs12(berBytes, PASSPHRASE);
    expect(certDer(contents.certificatePem)).toEqual(certDer(pkis['ec-p256'].leafPem));
    expect(detectPkcs12Encryption(berBytes)).toBe('legacy-3des');
  });

  it('reads a Buffer that is a slice of a larger pool', async () => {
    const pool = Buffer.alloc(good.length + 100);
    pool.set(good, 37);
    const slice = pool.subarray(37, 37 + good.length);
    expect((await decodePkcs12(slice, PASSPHRASE)).encryption).toBe('legacy-3des');
  });
});
