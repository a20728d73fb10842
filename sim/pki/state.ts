// The crypto state of one simulated ASA: key pairs (the keystore, saved outside the
// configuration as a real ASA does), trustpoints with their certificates, and the SSL /
// IKEv2 bindings (all part of the configuration). Commands mutate it and call
// device.markConfigChanged(), which persists the keystore at once; `write memory` saves
// `configSnapshot()` as part of the startup configuration.
import { X509Certificate, createPrivateKey, createPublicKey } from 'node:crypto';
import { z } from 'zod';
import { publicKeyMatches } from '../../src/pki/certificate-info.js';
import { renderRunningConfig, renderTrustpointConfig, renderCertificateChains, renderIkev2Config, renderSslConfig } from './render-running-config.js';
import { createSelfSignedIdentity } from './self-signed.js';

export type KeyKind = 'rsa' | 'ecdsa';

/** The name an ASA gives an unlabelled key pair. */
export const DEFAULT_KEY_NAME: Readonly<Record<KeyKind, string>> = {
  rsa: '<Default-RSA-Key>',
  ecdsa: '<Default-ECDSA-Key>',
};

/** The trustpoint a factory device binds to `outside` (name assumed: see sim/README.md). */
export const FACTORY_TRUSTPOINT = 'ASA_SelfSigned';

const keypairSchema = z.object({
  name: z.string().min(1),
  kind: z.enum(['rsa', 'ecdsa']),
  bits: z.number().int().positive(),
  keyPem: z.string().includes('PRIVATE KEY'),
  generatedAt: z.iso.datetime(),
});

const trustpointSchema = z.object({
  name: z.string().min(1),
  enrollment: z.string().optional(),
  keypair: z.string().optional(),
  subjectName: z.string().optional(),
  fqdn: z.string().optional(),
  ipAddress: z.string().optional(),
  /** Unset: the default usage; 'none': `no validation-usage`; otherwise the configured words. */
  validationUsage: z.string().optional(),
  revocationCheck: z.string().optional(),
  idUsage: z.string().optional(),
  caCertificates: z.array(z.string()),
  identityCertificate: z.string().optional(),
});

const sslBindingSchema = z.object({
  trustpoint: z.string().min(1),
  /** Absent for the bare `ssl trust-point <tp>` (the default for interfaces without their own). */
  interface: z.string().optional(),
});

const ikev2EnableSchema = z.object({
  interface: z.string().min(1),
  clientServicesPort: z.number().int().optional(),
});

const configSchema = z.object({
  version: z.literal(1),
  trustpoints: z.array(trustpointSchema),
  sslBindings: z.array(sslBindingSchema),
  ikev2Enabled: z.array(ikev2EnableSchema),
  ikev2RemoteAccessTrustpoints: z.array(z.string()),
});

const keystoreSchema = z.object({
  version: z.literal(1),
  keypairs: z.array(keypairSchema),
});

export type KeypairRecord = z.infer<typeof keypairSchema>;
export type TrustpointRecord = z.infer<typeof trustpointSchema>;
export type SslBinding = z.infer<typeof sslBindingSchema>;
export type Ikev2Enable = z.infer<typeof ikev2EnableSchema>;
export type PkiConfigSnapshot = z.infer<typeof configSchema>;
export type PkiKeystoreSnapshot = z.infer<typeof keystoreSchema>;

export interface TlsIdentity {
  keyPem: string;
  certPem: string;
  chainPems: string[];
}

/** Why a trustpoint cannot serve its identity certificate, or undefined when it can. */
export type IdentityProblem = 'no-certificate' | 'no-keypair' | 'key-mismatch';

const clone = <T>(value: T): T => structuredClone(value);

export class PkiState {
  private readonly keypairs = new Map<string, KeypairRecord>();
  private readonly trustpoints = new Map<string, TrustpointRecord>();
  private sslBindings: SslBinding[] = [];
  private ikev2Enabled: Ikev2Enable[] = [];
  private ikev2RemoteAccessTrustpoints: string[] = [];

  static empty(): PkiState {
    return new PkiState();
  }

  /** Rebuilds the state from persisted snapshots (either may be absent: a new device, an RMA replacement). Throws on a malformed snapshot. */
  static fromSnapshots(config: PkiConfigSnapshot | undefined, keystore: PkiKeystoreSnapshot | undefined): PkiState {
    const state = new PkiState();
    if (keystore !== undefined) {
      for (const kp of keystoreSchema.parse(keystore).keypairs) state.keypairs.set(kp.name, kp);
    }
    if (config !== undefined) state.loadConfig(configSchema.parse(config));
    return state;
  }

  configSnapshot(): PkiConfigSnapshot {
    return {
      version: 1,
      trustpoints: [...this.trustpoints.values()].map(clone),
      sslBindings: clone(this.sslBindings),
      ikev2Enabled: clone(this.ikev2Enabled),
      ikev2RemoteAccessTrustpoints: [...this.ikev2RemoteAccessTrustpoints],
    };
  }

  /** Holds private keys: whoever writes it must write it 0600. */
  keystoreSnapshot(): PkiKeystoreSnapshot {
    return { version: 1, keypairs: [...this.keypairs.values()].map(clone) };
  }

  /** A reload: the same keystore, the configuration from `config` (the startup configuration). */
  withConfig(config: PkiConfigSnapshot | undefined): PkiState {
    return PkiState.fromSnapshots(config, this.keystoreSnapshot());
  }

  private loadConfig(config: PkiConfigSnapshot): void {
    this.trustpoints.clear();
    for (const tp of config.trustpoints) this.trustpoints.set(tp.name, clone(tp));
    this.sslBindings = clone(config.sslBindings);
    this.ikev2Enabled = clone(config.ikev2Enabled);
    this.ikev2RemoteAccessTrustpoints = [...config.ikev2RemoteAccessTrustpoints];
  }

  // --- key pairs ------------------------------------------------------------------------

  keypair(name: string): KeypairRecord | undefined {
    return this.keypairs.get(name);
  }

  /** Key pairs in generation order, optionally of one kind. */
  listKeypairs(kind?: KeyKind): KeypairRecord[] {
    return [...this.keypairs.values()].filter((kp) => kind === undefined || kp.kind === kind);
  }

  /**
   * Stores (or replaces) a key pair. Replacing a key removes the identity certificates
   * issued for the old key, as the ASA warns ("all device certs issued using these keys will be removed").
   */
  putKeypair(record: KeypairRecord): void {
    const replaced = this.keypairs.get(record.name);
    this.keypairs.delete(record.name); // re-insert: generation order
    this.keypairs.set(record.name, clone(record));
    if (replaced) this.dropIdentityCertificatesOf(record.name);
  }

  /** Removes a key pair and the identity certificates that used it; returns false when there was none. */
  removeKeypair(name: string): boolean {
    if (!this.keypairs.delete(name)) return false;
    this.dropIdentityCertificatesOf(name);
    return true;
  }

  private dropIdentityCertificatesOf(keypairName: string): void {
    for (const tp of this.trustpoints.values()) {
      if (this.keypairNameOf(tp) === keypairName && tp.identityCertificate !== undefined) delete tp.identityCertificate;
    }
  }

  /** The key pair a trustpoint uses: its `keypair` setting, or the default RSA key. */
  keypairNameOf(tp: TrustpointRecord): string {
    return tp.keypair ?? DEFAULT_KEY_NAME.rsa;
  }

  /** The name of another key pair holding the same public key as `keyPem`, if any. */
  keypairWithSamePublicKey(keyPem: string, except: string): string | undefined {
    const spki = publicKeyDer(keyPem);
    for (const kp of this.keypairs.values()) {
      if (kp.name !== except && publicKeyDer(kp.keyPem).equals(spki)) return kp.name;
    }
    return undefined;
  }

  /**
   * What a PKCS12 import leaves: key pair `name` (kind and size read from the key), and
   * trustpoint `name` using it with the identity and CA certificates. Returns the trustpoint.
   */
  installIdentity(name: string, identity: TlsIdentity, now: Date): TrustpointRecord {
    this.putKeypair({ name, ...keyKindAndBits(identity.keyPem), keyPem: identity.keyPem, generatedAt: now.toISOString() });
    const tp = this.ensureTrustpoint(name);
    tp.keypair = name;
    tp.identityCertificate = identity.certPem;
    tp.caCertificates = [...identity.chainPems];
    return tp;
  }

  // --- trustpoints ----------------------------------------------------------------------

  trustpoint(name: string): TrustpointRecord | undefined {
    return this.trustpoints.get(name);
  }

  /** Trustpoints in creation order. */
  listTrustpoints(): TrustpointRecord[] {
    return [...this.trustpoints.values()];
  }

  /** The trustpoint named `name`, created (empty) when absent. */
  ensureTrustpoint(name: string): TrustpointRecord {
    let tp = this.trustpoints.get(name);
    if (!tp) {
      tp = { name, caCertificates: [] };
      this.trustpoints.set(name, tp);
    }
    return tp;
  }

  removeTrustpoint(name: string): boolean {
    return this.trustpoints.delete(name);
  }

  /** Every place a trustpoint is referenced from, as the configuration lines that reference it. */
  usesOf(name: string): string[] {
    const uses = this.sslBindings
      .filter((b) => b.trustpoint === name)
      .map((b) => (b.interface === undefined ? `ssl trust-point ${name}` : `ssl trust-point ${name} ${b.interface}`));
    if (this.ikev2RemoteAccessTrustpoints.includes(name)) uses.push(`crypto ikev2 remote-access trustpoint ${name}`);
    return uses;
  }

  /** Names of the trustpoints holding this certificate (as identity or CA), newest first as an ASA lists them. */
  trustpointsHolding(certPem: string): string[] {
    const der = certificateDer(certPem);
    return this.listTrustpoints()
      .filter((tp) => [tp.identityCertificate, ...tp.caCertificates].some((pem) => pem !== undefined && certificateDer(pem).equals(der)))
      .map((tp) => tp.name)
      .reverse();
  }

  /** Why the trustpoint cannot serve its identity certificate, or undefined when it can. */
  identityProblem(tp: TrustpointRecord): IdentityProblem | undefined {
    if (tp.identityCertificate === undefined) return 'no-certificate';
    const kp = this.keypairs.get(this.keypairNameOf(tp));
    if (!kp) return 'no-keypair';
    if (!publicKeyMatches(tp.identityCertificate, kp.keyPem)) return 'key-mismatch';
    return undefined;
  }

  // --- SSL and IKEv2 bindings -----------------------------------------------------------

  listSslBindings(): SslBinding[] {
    return clone(this.sslBindings);
  }

  /** Sets the trustpoint of an interface (or the bare default when `iface` is undefined), replacing the previous one. */
  bindSsl(trustpoint: string, iface: string | undefined): void {
    const existing = this.sslBindings.find((b) => b.interface === iface);
    if (existing) existing.trustpoint = trustpoint;
    else this.sslBindings.push(iface === undefined ? { trustpoint } : { trustpoint, interface: iface });
  }

  /** Removes the binding of `trustpoint` on `iface` (or the bare one); false when there is no such binding. */
  unbindSsl(trustpoint: string, iface: string | undefined): boolean {
    const index = this.sslBindings.findIndex((b) => b.trustpoint === trustpoint && b.interface === iface);
    if (index < 0) return false;
    this.sslBindings.splice(index, 1);
    return true;
  }

  /** The trustpoint bound to an interface, falling back to the bare `ssl trust-point <tp>` default. */
  sslTrustpointFor(nameif: string): string | undefined {
    return (this.sslBindings.find((b) => b.interface === nameif) ?? this.sslBindings.find((b) => b.interface === undefined))?.trustpoint;
  }

  listIkev2RemoteAccessTrustpoints(): string[] {
    return [...this.ikev2RemoteAccessTrustpoints];
  }

  setIkev2RemoteAccessTrustpoint(name: string): void {
    if (!this.ikev2RemoteAccessTrustpoints.includes(name)) this.ikev2RemoteAccessTrustpoints.push(name);
  }

  removeIkev2RemoteAccessTrustpoint(name: string): boolean {
    const before = this.ikev2RemoteAccessTrustpoints.length;
    this.ikev2RemoteAccessTrustpoints = this.ikev2RemoteAccessTrustpoints.filter((n) => n !== name);
    return this.ikev2RemoteAccessTrustpoints.length !== before;
  }

  listIkev2Enabled(): Ikev2Enable[] {
    return clone(this.ikev2Enabled);
  }

  setIkev2Enabled(entry: Ikev2Enable): void {
    this.ikev2Enabled = this.ikev2Enabled.filter((e) => e.interface !== entry.interface);
    this.ikev2Enabled.push(clone(entry));
  }

  removeIkev2Enabled(iface: string): boolean {
    const before = this.ikev2Enabled.length;
    this.ikev2Enabled = this.ikev2Enabled.filter((e) => e.interface !== iface);
    return this.ikev2Enabled.length !== before;
  }

  // --- what the device serves and prints ------------------------------------------------

  /**
   * What the TLS listener of `nameif` serves now: the identity certificate, key and CA
   * certificates of the trustpoint bound to it. Undefined when nothing usable is bound
   * (no binding, no certificate, or the key is missing as after an RMA): the listener then
   * serves a temporary self-signed certificate, as an ASA does.
   */
  tlsIdentityFor(nameif: string): TlsIdentity | undefined {
    const name = this.sslTrustpointFor(nameif);
    const tp = name === undefined ? undefined : this.trustpoints.get(name);
    if (!tp || this.identityProblem(tp) !== undefined || tp.identityCertificate === undefined) return undefined;
    const kp = this.keypairs.get(this.keypairNameOf(tp));
    if (!kp) return undefined;
    const leaf = tp.identityCertificate;
    return { keyPem: kp.keyPem, certPem: leaf, chainPems: tp.caCertificates.filter((pem) => !certificateDer(pem).equals(certificateDer(leaf))) };
  }

  /** The crypto sections of `show running-config`, in the order an ASA prints them. */
  runningConfigLines(): string[] {
    return renderRunningConfig(this);
  }

  /** `show running-config crypto ca trustpoint [tp]`. */
  trustpointConfigLines(name?: string): string[] {
    return renderTrustpointConfig(this, name);
  }

  /** `show running-config crypto ca certificate chain [tp]`. */
  certificateChainConfigLines(name?: string): string[] {
    return renderCertificateChains(this, name);
  }

  /** The `crypto ikev2 enable` / `crypto ikev2 remote-access trustpoint` lines. */
  ikev2ConfigLines(): string[] {
    return renderIkev2Config(this);
  }

  /** The `ssl trust-point` lines of `show running-config ssl`. */
  sslConfigLines(): string[] {
    return renderSslConfig(this);
  }

  /**
   * A factory ASA: a self-signed identity certificate (CN = hostname) with its own RSA-2048
   * key in trustpoint ASA_SelfSigned (`enrollment self`), bound to `nameif`.
   */
  async bootstrapSelfSigned(nameif: string, hostname: string, now: Date): Promise<void> {
    const identity = await createSelfSignedIdentity(hostname, now);
    this.putKeypair({ name: FACTORY_TRUSTPOINT, kind: 'rsa', bits: 2048, keyPem: identity.keyPem, generatedAt: now.toISOString() });
    const tp = this.ensureTrustpoint(FACTORY_TRUSTPOINT);
    tp.enrollment = 'self';
    tp.subjectName = `CN=${hostname}`;
    tp.keypair = FACTORY_TRUSTPOINT;
    tp.identityCertificate = identity.certPem;
    this.bindSsl(FACTORY_TRUSTPOINT, nameif);
  }
}

// --- small certificate helpers on node:crypto ---------------------------------------------

/** The DER bytes of a PEM certificate. */
export function certificateDer(pem: string): Buffer {
  return new X509Certificate(pem).raw;
}

function keyKindAndBits(keyPem: string): { kind: KeyKind; bits: number } {
  const key = createPrivateKey(keyPem);
  const details = key.asymmetricKeyDetails ?? {};
  if (key.asymmetricKeyType === 'rsa') return { kind: 'rsa', bits: details.modulusLength ?? 0 };
  const curveBits: Record<string, number> = { prime256v1: 256, secp384r1: 384, secp521r1: 521 };
  return { kind: 'ecdsa', bits: curveBits[details.namedCurve ?? ''] ?? 0 };
}

export function publicKeyDer(keyPem: string): Buffer {
  return createPublicKey(createPrivateKey(keyPem)).export({ type: 'spki', format: 'der' });
}
