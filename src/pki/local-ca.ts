// A two-tier CA kept in a directory: the issuer for local runs, the demo and the tests. It
// signs the way an ACM PCA `EndEntityServerAuthCertificate/V1` template does, including the
// idempotency token, so the workflow sees the same behaviour locally and on AWS.
//
// Directory layout (others read it: keep it stable):
//   ca.json                      metadata; written last, so its presence marks a complete CA
//   root.pem, intermediate.pem   CA certificates
//   root.key.pem, intermediate.key.pem   PKCS#8 private keys, mode 0600
//   issued/<serialHex>.pem       every certificate issued
//   idempotency/<sha256(key)>.json   { csrSha256, serialHex, notAfter, certificatePem }
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { createHash, createPublicKey, randomBytes, webcrypto } from 'node:crypto';
import { link, mkdir, readFile, stat, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { CaRequestFailedError, LocalCaError, ValidationError } from '../errors.js';
import { isIssuedBy, publicKeyMatches } from './certificate-info.js';
import { subjectToJsonName } from './csr.js';
import { generateKeyPair, importPrivateKeyPem, isRsaSpec, parseKeySpec, signingAlgorithm, specOfKey, type KeyMaterial, type KeySpec } from './keys.js';
import { pemDecode, pemEncode, splitPemBlocks } from './pem.js';
import { pathExists } from '../util/fs.js';

x509.cryptoProvider.set(webcrypto);

export interface IssuedCertificate {
  certificatePem: string;
  /** Intermediate, then root. */
  chainPems: string[];
  serialHex: string;
  notAfter: Date;
}

export interface LocalCaInitOptions {
  /** Prefix of the CA common names ("<name> Root CA", "<name> Intermediate CA"). */
  name?: string;
  keySpec?: KeySpec;
  now?: Date;
}

export interface SignOptions {
  /** Validity from now, in days (1 to 36500). */
  days: number;
  now?: Date;
  /** Same key + same CSR returns the same certificate, also after a restart (ACM PCA IdempotencyToken). */
  idempotencyKey?: string;
}

const FORMAT = 'trustpoint-local-ca/1';
const FILES = {
  metadata: 'ca.json',
  root: 'root.pem',
  rootKey: 'root.key.pem',
  intermediate: 'intermediate.pem',
  intermediateKey: 'intermediate.key.pem',
  issued: 'issued',
  idempotency: 'idempotency',
} as const;

const ROOT_DAYS = 3650;
const INTERMEDIATE_DAYS = 1825;
const DAY_MS = 86_400_000;
/** ACM PCA sets notBefore 60 minutes before issuance to absorb clock skew; so do we. */
const BACKDATE_MS = 60 * 60_000;
const MAX_DAYS = 36_500;

interface Metadata {
  format: typeof FORMAT;
  name: string;
  keySpec: KeySpec;
  createdAt: string;
  root: { serialHex: string; notAfter: string };
  intermediate: { serialHex: string; notAfter: string };
}

interface IdempotencyRecord {
  csrSha256: string;
  serialHex: string;
  notAfter: string;
  certificatePem: string;
}

function randomSerialHex(): string {
  // 16 bytes, first byte in 0x40..0x7f: positive without a 00 pad, so always exactly 16 bytes
  // in the DER (126 random bits, well above the 64 the CA/B Forum asks for).
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0]! & 0x3f) | 0x40;
  return bytes.toString('hex');
}

function serialHexOf(cert: x509.X509Certificate): string {
  // x509 drops the 00 pad of a positive serial whose first byte is >= 0x80; our serials have none.
  return cert.serialNumber.toLowerCase();
}

function certPem(cert: x509.X509Certificate): string {
  return pemEncode('CERTIFICATE', new Uint8Array(cert.rawData));
}


/** Writes a file that must not exist yet; `mode` applies on creation. */
async function writeNew(file: string, content: string, mode: number): Promise<void> {
  try {
    await writeFile(file, content, { flag: 'wx', mode });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw new LocalCaError(`${file} already exists: refusing to overwrite it`, { cause: error });
    throw new LocalCaError(`cannot write ${file}: ${(error as Error).message}`, { cause: error });
  }
}

/**
 * Publishes `content` at `file` atomically and only if nothing is there yet (temp file +
 * hard link). Returns false when another writer got there first.
 */
async function publishOnce(file: string, content: string): Promise<boolean> {
  const temp = `${file}.${randomBytes(6).toString('hex')}.tmp`;
  await writeFile(temp, content, { flag: 'wx', mode: 0o600 });
  try {
    await link(temp, file);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw new LocalCaError(`cannot write ${file}: ${(error as Error).message}`, { cause: error });
  } finally {
    await unlink(temp).catch(() => undefined);
  }
}

function checkName(name: unknown): string {
  if (typeof name !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9 ._()-]{0,45}[A-Za-z0-9)]$|^[A-Za-z0-9]$/.test(name)) {
    throw new ValidationError('name', `${JSON.stringify(name)} is not a usable CA name: 1-47 letters, digits, spaces, ".", "_", "-", "(", ")"`);
  }
  return name;
}

function caExtensions(pathLength: number | undefined): x509.Extension[] {
  const usages = x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign | x509.KeyUsageFlags.digitalSignature;
  return [new x509.BasicConstraintsExtension(true, pathLength, true), new x509.KeyUsagesExtension(usages, true)];
}

function parseCsr(csrPem: string): { csr: x509.Pkcs10CertificateRequest; der: Uint8Array } {
  if (typeof csrPem !== 'string') throw new CaRequestFailedError(`csr: expected PEM text, got ${typeof csrPem}`);
  let der: Uint8Array;
  try {
    const block = splitPemBlocks(csrPem).find((b) => b.label === 'CERTIFICATE REQUEST' || b.label === 'NEW CERTIFICATE REQUEST');
    if (!block) throw new Error('no "CERTIFICATE REQUEST" PEM block');
    der = block.der;
    return { csr: new x509.Pkcs10CertificateRequest(der), der };
  } catch (error) {
    throw new CaRequestFailedError(`csr: not a PKCS#10 certificate request (${(error as Error).message})`, { cause: error });
  }
}

export class LocalCa {
  private constructor(
    readonly dir: string,
    readonly name: string,
    readonly keySpec: KeySpec,
    readonly rootPem: string,
    readonly intermediatePem: string,
    private readonly intermediate: x509.X509Certificate,
    private readonly intermediateKey: KeyMaterial,
  ) {}

  /** Creates root + intermediate in `dir` (created if missing). Refuses when `dir` already holds a CA. */
  static async init(dir: string, options: LocalCaInitOptions = {}): Promise<LocalCa> {
    const name = checkName(options.name ?? 'trustpoint local');
    const keySpec = parseKeySpec(options.keySpec ?? 'rsa:2048', 'keySpec');
    const now = options.now ?? new Date();
    for (const file of [FILES.metadata, FILES.rootKey, FILES.intermediateKey, FILES.root, FILES.intermediate]) {
      if (await pathExists(path.join(dir, file))) {
        throw new LocalCaError(`${dir} already holds a local CA (${file} exists): refusing to overwrite it; use it as is, or choose another directory`);
      }
    }
    await mkdir(dir, { recursive: true, mode: 0o700 });

    const rootKey = await generateKeyPair(keySpec);
    const notBefore = new Date(now.getTime() - BACKDATE_MS);
    const rootName = new x509.Name(subjectToJsonName({ o: 'trustpoint', cn: `${name} Root CA` }));
    const root = await x509.X509CertificateGenerator.create({
      serialNumber: randomSerialHex(),
      subject: rootName,
      issuer: rootName,
      notBefore,
      notAfter: new Date(now.getTime() + ROOT_DAYS * DAY_MS),
      publicKey: rootKey.keys.publicKey,
      signingKey: rootKey.keys.privateKey,
      signingAlgorithm: signingAlgorithm(keySpec),
      extensions: [...caExtensions(undefined), await x509.SubjectKeyIdentifierExtension.create(rootKey.keys.publicKey)],
    });
    const rootSki = root.getExtension(x509.SubjectKeyIdentifierExtension)!.keyId;

    const intermediateKey = await generateKeyPair(keySpec);
    const intermediate = await x509.X509CertificateGenerator.create({
      serialNumber: randomSerialHex(),
      subject: new x509.Name(subjectToJsonName({ o: 'trustpoint', cn: `${name} Intermediate CA` })),
      issuer: root.subjectName,
      notBefore,
      notAfter: new Date(now.getTime() + INTERMEDIATE_DAYS * DAY_MS),
      publicKey: intermediateKey.keys.publicKey,
      signingKey: rootKey.keys.privateKey,
      signingAlgorithm: signingAlgorithm(keySpec),
      extensions: [
        ...caExtensions(0),
        await x509.SubjectKeyIdentifierExtension.create(intermediateKey.keys.publicKey),
        new x509.AuthorityKeyIdentifierExtension(rootSki),
      ],
    });

    // Keys first (exclusive create, 0600), the metadata last: its presence marks a complete CA.
    await writeNew(path.join(dir, FILES.rootKey), rootKey.privateKeyPem, 0o600);
    await writeNew(path.join(dir, FILES.intermediateKey), intermediateKey.privateKeyPem, 0o600);
    await writeNew(path.join(dir, FILES.root), certPem(root), 0o644);
    await writeNew(path.join(dir, FILES.intermediate), certPem(intermediate), 0o644);
    const metadata: Metadata = {
      format: FORMAT,
      name,
      keySpec,
      createdAt: now.toISOString(),
      root: { serialHex: serialHexOf(root), notAfter: root.notAfter.toISOString() },
      intermediate: { serialHex: serialHexOf(intermediate), notAfter: intermediate.notAfter.toISOString() },
    };
    await writeNew(path.join(dir, FILES.metadata), `${JSON.stringify(metadata, null, 2)}\n`, 0o644);
    return new LocalCa(dir, name, keySpec, certPem(root), certPem(intermediate), intermediate, intermediateKey);
  }

  /** Opens the CA in `dir`; LocalCaError naming the file that is missing or wrong. */
  static async open(dir: string): Promise<LocalCa> {
    const read = async (file: string): Promise<string> => {
      try {
        return await readFile(path.join(dir, file), 'utf8');
      } catch (error) {
        const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
        const hint = file === FILES.metadata ? ' (create one with `trustpoint ca init --dir DIR`)' : ' (the CA directory is incomplete)';
        throw new LocalCaError(`${path.join(dir, file)} ${missing ? 'is missing' : `cannot be read: ${(error as Error).message}`}${missing ? hint : ''}`, { cause: error });
      }
    };
    const metadataText = await read(FILES.metadata);
    let metadata: Metadata;
    try {
      metadata = JSON.parse(metadataText) as Metadata;
    } catch (error) {
      throw new LocalCaError(`${path.join(dir, FILES.metadata)} is not valid JSON`, { cause: error });
    }
    if (metadata.format !== FORMAT) {
      throw new LocalCaError(`${path.join(dir, FILES.metadata)} has format ${JSON.stringify(metadata.format)}: expected "${FORMAT}"`);
    }
    const rootPem = await read(FILES.root);
    const intermediatePem = await read(FILES.intermediate);
    const keyFile = path.join(dir, FILES.intermediateKey);
    const keyPem = await read(FILES.intermediateKey);
    const mode = (await stat(keyFile)).mode & 0o777;
    if (process.platform !== 'win32' && (mode & 0o077) !== 0) {
      throw new LocalCaError(`${keyFile} is accessible by group or others (mode ${mode.toString(8).padStart(4, '0')}): run chmod 600 ${keyFile}`);
    }
    try {
      pemDecode(rootPem, 'CERTIFICATE');
      pemDecode(intermediatePem, 'CERTIFICATE');
    } catch (error) {
      throw new LocalCaError(`${dir}: ${FILES.root} or ${FILES.intermediate} is not a PEM certificate`, { cause: error });
    }
    if (!isIssuedBy(intermediatePem, rootPem)) {
      throw new LocalCaError(`${path.join(dir, FILES.intermediate)} was not issued by ${path.join(dir, FILES.root)}`);
    }
    if (!publicKeyMatches(intermediatePem, keyPem)) {
      throw new LocalCaError(`${keyFile} does not match the public key of ${path.join(dir, FILES.intermediate)}`);
    }
    const intermediateKey = await importPrivateKeyPem(keyPem, keyFile);
    const intermediate = new x509.X509Certificate(pemDecode(intermediatePem, 'CERTIFICATE'));
    return new LocalCa(dir, metadata.name, intermediateKey.spec, pemEncode('CERTIFICATE', pemDecode(rootPem, 'CERTIFICATE')), certPem(intermediate), intermediate, intermediateKey);
  }

  /** Opens the CA in `dir`, creating it first when `dir` holds none. */
  static async openOrInit(dir: string, options: LocalCaInitOptions = {}): Promise<LocalCa> {
    if (await pathExists(path.join(dir, FILES.metadata))) return LocalCa.open(dir);
    return LocalCa.init(dir, options);
  }

  get intermediateNotAfter(): Date {
    return this.intermediate.notAfter;
  }

  /**
   * Issues an end-entity server certificate for `csrPem`: subject and SANs from the CSR
   * (whose signature must verify), serverAuth, digitalSignature (+ keyEncipherment for RSA),
   * CA:FALSE, SKI/AKI, a random 16-byte serial, notBefore 60 min back, notAfter now + days.
   * CSR problems and a validity beyond the intermediate's are CaRequestFailedError.
   */
  async sign(csrPem: string, options: SignOptions): Promise<IssuedCertificate> {
    const { days } = options;
    if (!Number.isInteger(days) || days < 1 || days > MAX_DAYS) {
      throw new ValidationError('days', `${String(days)} is not a whole number of days from 1 to ${MAX_DAYS}`);
    }
    const now = options.now ?? new Date();
    const { csr, der } = parseCsr(csrPem);
    const csrSha256 = createHash('sha256').update(der).digest('hex');

    let recordFile: string | undefined;
    if (options.idempotencyKey !== undefined) {
      if (typeof options.idempotencyKey !== 'string' || options.idempotencyKey.length < 1 || options.idempotencyKey.length > 256) {
        throw new ValidationError('idempotencyKey', 'expected 1-256 characters');
      }
      recordFile = path.join(this.dir, FILES.idempotency, `${createHash('sha256').update(options.idempotencyKey).digest('hex')}.json`);
      const earlier = await this.readRecord(recordFile, csrSha256);
      if (earlier) return earlier;
    }

    const certificate = await this.issue(csr, days, now);
    const issued: IssuedCertificate = {
      certificatePem: certPem(certificate),
      chainPems: [this.intermediatePem, this.rootPem],
      serialHex: serialHexOf(certificate),
      notAfter: certificate.notAfter,
    };
    if (recordFile) {
      const record: IdempotencyRecord = { csrSha256, serialHex: issued.serialHex, notAfter: issued.notAfter.toISOString(), certificatePem: issued.certificatePem };
      await mkdir(path.dirname(recordFile), { recursive: true, mode: 0o700 });
      if (!(await publishOnce(recordFile, `${JSON.stringify(record, null, 2)}\n`))) {
        // A concurrent request with the same key won: return its certificate, drop ours.
        const winner = await this.readRecord(recordFile, csrSha256);
        if (winner) return winner;
      }
    }
    await this.archive(issued);
    return issued;
  }

  private async readRecord(file: string, csrSha256: string): Promise<IssuedCertificate | undefined> {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw new LocalCaError(`cannot read ${file}: ${(error as Error).message}`, { cause: error });
    }
    let record: IdempotencyRecord;
    try {
      record = JSON.parse(text) as IdempotencyRecord;
    } catch (error) {
      throw new LocalCaError(`${file} is not valid JSON`, { cause: error });
    }
    if (record.csrSha256 !== csrSha256) {
      throw new CaRequestFailedError('idempotencyKey: this key was already used for a different CSR; use a new key for a new request');
    }
    const issued: IssuedCertificate = {
      certificatePem: record.certificatePem,
      chainPems: [this.intermediatePem, this.rootPem],
      serialHex: record.serialHex,
      notAfter: new Date(record.notAfter),
    };
    await this.archive(issued); // a crash may have come between the record and the archive
    return issued;
  }

  /** Keeps every issued certificate under issued/<serial>.pem, like a CA's audit trail. */
  private async archive(issued: IssuedCertificate): Promise<void> {
    const file = path.join(this.dir, FILES.issued, `${issued.serialHex}.pem`);
    await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
    await publishOnce(file, issued.certificatePem);
  }

  private async issue(csr: x509.Pkcs10CertificateRequest, days: number, now: Date): Promise<x509.X509Certificate> {
    let signatureOk: boolean;
    try {
      signatureOk = await csr.verify();
    } catch (error) {
      throw new CaRequestFailedError(`csr: the signature cannot be checked (${(error as Error).message})`, { cause: error });
    }
    if (!signatureOk) throw new CaRequestFailedError('csr: the CSR signature does not verify (altered, or signed with another key)');

    let subjectKeySpec: KeySpec;
    try {
      subjectKeySpec = specOfKey(createPublicKey({ key: Buffer.from(csr.publicKey.rawData), format: 'der', type: 'spki' }), 'csr');
    } catch (error) {
      throw new CaRequestFailedError(`csr: ${(error as Error).message.replace(/^csr: /, '')}`, { cause: error });
    }

    const sanRaw = csr.getExtension('2.5.29.17');
    let sanCount = 0;
    try {
      sanCount = sanRaw ? new x509.SubjectAlternativeNameExtension(sanRaw.rawData).names.items.length : 0;
    } catch (error) {
      throw new CaRequestFailedError('csr: the subject alternative name extension is not readable', { cause: error });
    }
    const hasCn = csr.subjectName.getField('CN').some((cn) => cn.length > 0);
    if (!hasCn && sanCount === 0) {
      throw new CaRequestFailedError('csr: the CSR has neither a common name nor a subject alternative name');
    }
    const subjectEmpty = csr.subjectName.toJSON().length === 0;

    const notAfter = new Date(now.getTime() + days * DAY_MS);
    if (notAfter > this.intermediate.notAfter) {
      const maxDays = Math.floor((this.intermediate.notAfter.getTime() - now.getTime()) / DAY_MS);
      throw new CaRequestFailedError(
        `days: ${days} days would end ${notAfter.toISOString()}, after the intermediate CA expires (${this.intermediate.notAfter.toISOString()}); request at most ${Math.max(maxDays, 0)} days`,
      );
    }

    const usages = x509.KeyUsageFlags.digitalSignature | (isRsaSpec(subjectKeySpec) ? x509.KeyUsageFlags.keyEncipherment : 0);
    const intermediateSki = this.intermediate.getExtension(x509.SubjectKeyIdentifierExtension)?.keyId;
    const extensions: x509.Extension[] = [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(usages, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth], false),
      await x509.SubjectKeyIdentifierExtension.create(csr.publicKey),
    ];
    if (intermediateSki) extensions.push(new x509.AuthorityKeyIdentifierExtension(intermediateSki));
    // Carried over byte for byte. RFC 5280 4.2.1.6: with an empty subject it must be critical.
    if (sanRaw && sanCount > 0) extensions.push(new x509.Extension('2.5.29.17', subjectEmpty, sanRaw.value));

    return x509.X509CertificateGenerator.create({
      serialNumber: randomSerialHex(),
      subject: csr.subjectName,
      issuer: this.intermediate.subjectName,
      notBefore: new Date(now.getTime() - BACKDATE_MS),
      notAfter,
      publicKey: csr.publicKey,
      signingKey: this.intermediateKey.keys.privateKey,
      signingAlgorithm: signingAlgorithm(this.intermediateKey.spec),
      extensions,
    });
  }
}
