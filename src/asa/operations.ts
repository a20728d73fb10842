// Device operations over a session, each safe to repeat: every one reads the device first and
// does only what is missing, and checks the result by reading again.
//
// Failover role: the prompt state segment (`/act`, `/stby`) is shown only with `prompt hostname
// ... state`, so the role is taken from `show failover` (`This host: Primary - Active`); a
// standby segment in the prompt is also enough to refuse.
// Device clock: validity dates are printed in the device's zone; its offset comes from
// `show running-config clock` (no `clock timezone` line: the ASA runs on UTC).
import * as cmd from './commands.js';
import type { CommandResult, CommandRunner } from './session.js';
import { AsaSession, type SessionOptions } from './session.js';
import { type CaCertificateEntry, formatRdns, parseShowCryptoCaCertificates } from './parsers/crypto-ca-certificates.js';
import { parseCryptoCaExport } from './parsers/crypto-ca-export.js';
import type { ClockOffsets } from './parsers/device-time.js';
import { isBenignWarning } from './parsers/messages.js';
import {
  type ClockConfig,
  type RunningConfigIkev2,
  type RunningConfigSsl,
  interfaceBinding,
  parseClockConfig,
  parseShowRunningConfigIkev2,
  parseShowRunningConfigSsl,
} from './parsers/running-config.js';
import { type ShowVersion, parseShowFailover, parseShowVersion } from './parsers/show-version.js';
import { parseRunningConfigTrustpoints, parseShowCryptoKeyMypubkey } from './parsers/trustpoint-config.js';
import { parseWriteMemory } from './parsers/write-memory.js';
import type { ParsedPrompt } from './prompt.js';
import { type TlsEndpoint, probeTls, serialsEqual } from './tls-probe.js';
import { checkCliValue } from './names.js';
import {
  AsaCommandError,
  BindingError,
  Pkcs12ExportError,
  Pkcs12ImportError,
  RollbackError,
  SaveConfigurationError,
  StandbyUnitError,
  UnsupportedDeviceModeError,
  VerificationError,
} from '../errors.js';

export type FailoverRole = 'active' | 'standby' | 'none';

export interface DeviceFacts {
  hostname: string;
  release: string;
  model?: string;
  prompt: string;
  failoverRole: FailoverRole;
  clock: ClockConfig;
  ssl: RunningConfigSsl;
  ikev2: RunningConfigIkev2;
  certificates: CaCertificateEntry[];
}

export interface InterfaceBinding {
  interface: string;
  /** The explicit `ssl trust-point <tp> <interface>` binding; undefined when the interface had none. */
  trustpoint: string | undefined;
}

export interface PreviousBindings {
  interfaces: InterfaceBinding[];
  /** The IKEv2 remote-access trustpoints before the change; undefined when IKEv2 was not touched. */
  ikev2?: string[];
}

export interface VerificationCheck {
  name: 'CertificatePresent' | 'CertificateAvailable' | 'CertificateCurrent' | 'BindingPresent' | 'Ikev2Binding' | 'TlsServesSerial' | 'TlsChainComplete';
  ok: boolean;
  detail: string;
}

export interface VerificationReport {
  trustpoint: string;
  serialHex: string;
  checks: VerificationCheck[];
}

export interface ImportResult {
  status: 'imported' | 'already-present';
  certificate: CaCertificateEntry;
  /** Warnings the ASA printed that are not known to be benign (for the operator). */
  warnings: string[];
}

const IMPORT_OK = /Import PKCS12 operation completed successfully/;

function clockOffsets(clock: ClockConfig): ClockOffsets {
  const zones: Record<string, number> = { [clock.zoneName]: clock.offsetMinutes };
  if (clock.summerZoneName) zones[clock.summerZoneName] = clock.offsetMinutes + 60;
  return { zoneOffsetsMinutes: zones };
}

export class AsaDevice {
  private facts: DeviceFacts | undefined;
  /** Read once per session: every certificate read needs it, and nothing here changes it. */
  private clock: ClockConfig | undefined;

  constructor(
    readonly session: CommandRunner,
    private readonly now: () => Date = () => new Date(),
  ) {}

  get where(): string {
    return this.facts?.hostname ?? this.session.prompt.hostname;
  }

  /** Reads what the workflow needs to decide; refuses a standby unit and multiple-context mode. */
  async preflight(): Promise<DeviceFacts> {
    const version = await this.showVersion();
    const prompt = this.session.prompt;
    if (version.multipleContext || prompt.context !== undefined) {
      throw new UnsupportedDeviceModeError(
        `${version.hostname}: the ASA runs in multiple-context mode (${version.contextMarker ? `show version says <${version.contextMarker}>` : `prompt ${prompt.text}`}); trustpoint supports single-context mode only`,
      );
    }
    const failoverRole = await this.failoverRole(prompt);
    if (failoverRole === 'standby') {
      throw new StandbyUnitError(`${version.hostname}: this is the standby unit of a failover pair (prompt ${prompt.text}); connect to the active unit, which replicates to the standby`);
    }
    return this.readFacts(version, failoverRole);
  }

  /** The same facts as preflight, without refusing anything: for read-only inspection. */
  async inspect(): Promise<DeviceFacts> {
    const version = await this.showVersion();
    return this.readFacts(version, await this.failoverRole(this.session.prompt));
  }

  private async readFacts(version: ShowVersion, failoverRole: FailoverRole): Promise<DeviceFacts> {
    const clock = await this.readClock();
    const facts: DeviceFacts = {
      hostname: version.hostname,
      release: version.release,
      prompt: this.session.prompt.text,
      failoverRole,
      clock,
      ssl: await this.readSsl(),
      ikev2: await this.readIkev2(),
      certificates: parseShowCryptoCaCertificates((await this.session.run(cmd.showCryptoCaCertificates())).output, clockOffsets(clock)),
    };
    if (version.model) facts.model = version.model;
    this.facts = facts;
    return facts;
  }

  async certificatesOf(trustpoint: string): Promise<CaCertificateEntry[]> {
    const clock = await this.readClock();
    const result = await this.session.run(cmd.showCryptoCaCertificates(trustpoint));
    return parseShowCryptoCaCertificates(result.output, clockOffsets(clock)).filter((e) => e.associatedTrustpoints.includes(trustpoint));
  }

  /**
   * Imports a PKCS12 into `trustpoint` unless that trustpoint already holds `expectedSerial`.
   * `trustpointCreatedByUs`: the name was generated by this workflow, so a key pair of that name
   * can only be left over from an earlier attempt of ours and may be replaced.
   */
  async importPkcs12(trustpoint: string, pkcs12Der: Uint8Array, passphrase: string, expectedSerial: string, options: { trustpointCreatedByUs?: boolean } = {}): Promise<ImportResult> {
    const before = await this.certificatesOf(trustpoint);
    const existing = before.find((e) => e.kind === 'identity');
    if (existing && serialsEqual(existing.serialHex, expectedSerial)) {
      if (existing.status !== 'Available') {
        throw new Pkcs12ImportError(`${this.where}: trustpoint ${trustpoint} holds serial ${existing.serialHex} but its status is ${existing.status}, not Available`);
      }
      return { status: 'already-present', certificate: existing, warnings: [] };
    }
    if (existing) {
      throw new Pkcs12ImportError(
        `${this.where}: trustpoint ${trustpoint} already holds another certificate (serial ${existing.serialHex}, expected ${expectedSerial}); refusing to replace it: use a new trustpoint name`,
      );
    }
    let result: CommandResult;
    const command = cmd.importPkcs12(trustpoint, passphrase, pkcs12Der, { replaceOwnKeys: options.trustpointCreatedByUs === true });
    try {
      result = await this.session.run(command);
    } catch (error) {
      if (error instanceof AsaCommandError) throw new Pkcs12ImportError(`${this.where}: the ASA refused the PKCS12 for ${trustpoint}: ${error.message}`, { cause: error });
      throw error;
    }
    if (!IMPORT_OK.test(result.output)) {
      const said = result.messages.map((m) => m.text).join(' / ');
      throw new Pkcs12ImportError(`${this.where}: "${command.redacted}" did not report "Import PKCS12 operation completed successfully"${said ? `; the ASA said: ${said}` : ''}`);
    }
    const after = await this.certificatesOf(trustpoint);
    const installed = after.find((e) => e.kind === 'identity' && serialsEqual(e.serialHex, expectedSerial));
    if (!installed || installed.status !== 'Available') {
      const seen = after.filter((e) => e.kind === 'identity').map((e) => `${e.serialHex} (${e.status})`);
      throw new Pkcs12ImportError(
        `${this.where}: after the import, trustpoint ${trustpoint} does not show serial ${expectedSerial} with Status: Available (it shows ${seen.length ? seen.join(', ') : 'no identity certificate'})`,
      );
    }
    const warnings = result.messages.filter((m) => m.severity === 'warning' && !isBenignWarning(m)).map((m) => m.text);
    return { status: 'imported', certificate: installed, warnings };
  }

  /** The explicit binding of each interface (and the IKEv2 remote-access trustpoints when asked). */
  async readBindings(interfaces: readonly string[], options: { ikev2?: boolean } = {}): Promise<PreviousBindings> {
    const ssl = await this.readSsl();
    const previous: PreviousBindings = {
      interfaces: interfaces.map((name) => ({
        interface: checkCliValue('interface', name),
        trustpoint: interfaceBinding(ssl, name),
      })),
    };
    if (options.ikev2) previous.ikev2 = (await this.readIkev2()).remoteAccessTrustpoints;
    return previous;
  }

  /**
   * Binds `trustpoint` to every interface (and IKEv2 remote access when asked) and returns the
   * previous bindings. `ssl trust-point <new> <if>` replaces the old binding in one step, so the
   * interface never goes without a certificate. If the ASA refuses any step, what was changed is
   * restored before BindingError is thrown.
   */
  async bindTrustpoint(trustpoint: string, interfaces: readonly string[], options: { ikev2?: boolean } = {}): Promise<PreviousBindings> {
    const name = checkCliValue('trustpoint', trustpoint);
    const identity = (await this.certificatesOf(name)).find((e) => e.kind === 'identity');
    if (!identity || identity.status !== 'Available') {
      throw new BindingError(`${this.where}: trustpoint ${name} has no available identity certificate; refusing to bind it`);
    }
    const previous = await this.readBindings(interfaces, options);
    try {
      for (const binding of previous.interfaces) {
        if (binding.trustpoint !== name) await this.session.run(cmd.sslTrustPoint(name, binding.interface));
      }
      if (options.ikev2) {
        const current = previous.ikev2 ?? [];
        if (current[0] !== name) await this.session.run(cmd.ikev2RemoteAccessTrustpoint(name));
        for (const old of (await this.readIkev2()).remoteAccessTrustpoints) {
          if (old !== name) await this.session.run(cmd.noIkev2RemoteAccessTrustpoint(old));
        }
      }
    } catch (error) {
      if (!(error instanceof AsaCommandError)) throw error;
      const restored = await this.rollbackBinding(previous).then(
        () => 'the previous bindings were restored',
        (rollbackError: unknown) => `restoring the previous bindings ALSO failed: ${rollbackError instanceof Error ? rollbackError.message : String(rollbackError)}`,
      );
      throw new BindingError(`${this.where}: binding ${name} failed: ${error.message}; ${restored}`, { cause: error });
    }
    const after = await this.readBindings(interfaces, options);
    const missing = after.interfaces.filter((b) => b.trustpoint !== name).map((b) => `${b.interface} (${b.trustpoint ?? 'no binding'})`);
    if (options.ikev2 && after.ikev2?.[0] !== name) missing.push(`IKEv2 remote access (${after.ikev2?.join(', ') || 'none'})`);
    if (missing.length > 0) throw new BindingError(`${this.where}: after "ssl trust-point ${name} ...", these still serve another trustpoint: ${missing.join(', ')}`);
    return previous;
  }

  /** Restores the bindings recorded before a change: the old trustpoint where there was one, no binding where there was none. */
  async rollbackBinding(previous: PreviousBindings): Promise<void> {
    const ssl = await this.readSsl();
    for (const binding of previous.interfaces) {
      const current = interfaceBinding(ssl, binding.interface);
      if (current === binding.trustpoint) continue;
      if (binding.trustpoint !== undefined) await this.session.run(cmd.sslTrustPoint(binding.trustpoint, binding.interface));
      else if (current !== undefined) await this.session.run(cmd.noSslTrustPoint(current, binding.interface));
    }
    if (previous.ikev2) {
      const wanted = previous.ikev2;
      const current = (await this.readIkev2()).remoteAccessTrustpoints;
      for (const tp of wanted) if (!current.includes(tp)) await this.session.run(cmd.ikev2RemoteAccessTrustpoint(tp));
      for (const tp of current) if (!wanted.includes(tp)) await this.session.run(cmd.noIkev2RemoteAccessTrustpoint(tp));
    }
    const after = await this.readBindings(
      previous.interfaces.map((b) => b.interface),
      { ikev2: previous.ikev2 !== undefined },
    );
    const wrong = after.interfaces
      .filter((b, i) => b.trustpoint !== previous.interfaces[i]!.trustpoint)
      .map((b, i) => `${b.interface}: ${b.trustpoint ?? 'none'} instead of ${previous.interfaces[i]!.trustpoint ?? 'none'}`);
    if (previous.ikev2 && after.ikev2?.join(' ') !== previous.ikev2.join(' ')) wrong.push(`IKEv2: ${after.ikev2?.join(' ') || 'none'} instead of ${previous.ikev2.join(' ') || 'none'}`);
    if (wrong.length > 0) throw new RollbackError(`${this.where}: the previous bindings are not back: ${wrong.join('; ')}`);
  }

  /**
   * Checks, in order: the certificate is in the trustpoint, Available and inside its validity;
   * every interface (and IKEv2 when asked) is bound to the trustpoint; and, for each interface
   * with a reachable TLS endpoint, the handshake presents the serial with the trustpoint's CA chain.
   * Returns the report when every check passes, else throws VerificationError listing the failures.
   */
  async verify(
    trustpoint: string,
    serialHex: string,
    interfaces: readonly string[],
    options: {
      ikev2?: boolean;
      tlsEndpoints?: Readonly<Record<string, TlsEndpoint>>;
      /** Serials of the intermediate CAs the handshake must carry (from the issued chain); default: the trustpoint's non-root CA certificates. */
      expectedCaSerials?: readonly string[];
    } = {},
  ): Promise<VerificationReport> {
    const checks: VerificationCheck[] = [];
    const entries = await this.certificatesOf(trustpoint);
    const identity = entries.find((e) => e.kind === 'identity' && serialsEqual(e.serialHex, serialHex));
    checks.push({ name: 'CertificatePresent', ok: identity !== undefined, detail: identity ? `serial ${identity.serialHex} in ${trustpoint}` : `serial ${serialHex} not in ${trustpoint}` });
    if (identity) {
      checks.push({ name: 'CertificateAvailable', ok: identity.status === 'Available', detail: `Status: ${identity.status}` });
      const { start, end, startText, endText } = identity.validity;
      const now = this.now();
      const current = start !== undefined && end !== undefined && start <= now && now < end;
      checks.push({
        name: 'CertificateCurrent',
        ok: current,
        detail: start && end ? `valid ${start.toISOString()} to ${end.toISOString()} (device prints ${startText} to ${endText})` : `the device clock offset for "${identity.validity.zone}" is unknown`,
      });
    }
    const bindings = await this.readBindings(interfaces, { ikev2: options.ikev2 === true });
    for (const b of bindings.interfaces) {
      checks.push({ name: 'BindingPresent', ok: b.trustpoint === trustpoint, detail: `${b.interface}: ${b.trustpoint ?? 'no ssl trust-point binding'}` });
    }
    if (options.ikev2) {
      checks.push({ name: 'Ikev2Binding', ok: bindings.ikev2?.[0] === trustpoint, detail: `IKEv2 remote-access trustpoint: ${bindings.ikev2?.join(', ') || 'none'}` });
    }
    // Clients need every intermediate; a root (self-signed) may or may not be sent, as on real ASAs.
    const caSerials = options.expectedCaSerials ?? entries.filter((e) => e.kind === 'ca' && formatRdns(e.issuer) !== formatRdns(e.subject)).map((e) => e.serialHex);
    for (const name of interfaces) {
      const endpoint = options.tlsEndpoints?.[name];
      if (!endpoint) continue;
      let presented;
      try {
        presented = await probeTls(endpoint);
      } catch (error) {
        // Reachability from the workflow is not guaranteed (management-only access): not a failure.
        checks.push({ name: 'TlsServesSerial', ok: true, detail: `${name}: ${endpoint.host}:${endpoint.port} not reachable, not checked (${error instanceof Error ? error.message : String(error)})` });
        continue;
      }
      const servesSerial = serialsEqual(presented.leafSerialHex, serialHex);
      checks.push({ name: 'TlsServesSerial', ok: servesSerial, detail: `${name}: ${endpoint.host}:${endpoint.port} presents serial ${presented.leafSerialHex}` });
      const missingCas = caSerials.filter((s) => !presented.chain.some((c) => serialsEqual(c.serialHex, s)));
      checks.push({
        name: 'TlsChainComplete',
        ok: missingCas.length === 0,
        detail:
          missingCas.length === 0
            ? `${name}: chain of ${presented.chain.length} CA certificate(s) sent`
            : `${name}: the handshake lacks intermediate CA serial(s) ${missingCas.join(', ')}: clients that do not have them cannot build the chain`,
      });
    }
    const failed = checks.filter((c) => !c.ok);
    if (failed.length > 0) {
      throw new VerificationError(`${this.where}: ${trustpoint} serial ${serialHex} is not deployed as expected: ${failed.map((c) => `${c.name} (${c.detail})`).join('; ')}`);
    }
    return { trustpoint, serialHex, checks };
  }

  /** `crypto ca export <tp> pkcs12 <passphrase>`: the PKCS12 DER bytes. */
  async exportPkcs12(trustpoint: string, passphrase: string): Promise<Uint8Array> {
    let result: CommandResult;
    try {
      result = await this.session.run(cmd.exportPkcs12(trustpoint, passphrase));
    } catch (error) {
      if (error instanceof AsaCommandError) throw new Pkcs12ExportError(`${this.where}: export of ${trustpoint} refused: ${error.message}`, { cause: error });
      throw error;
    }
    return parseCryptoCaExport(result.output);
  }

  /**
   * Removes a trustpoint that is not bound anywhere (`no crypto ca trustpoint <tp> noconfirm`).
   * Returns 'absent' when it does not exist. Its key pair is kept: see zeroizeUnusedKeypair.
   */
  async removeTrustpoint(trustpoint: string): Promise<'removed' | 'absent'> {
    const name = checkCliValue('trustpoint', trustpoint);
    const configured = parseRunningConfigTrustpoints((await this.session.run(cmd.showRunningConfigTrustpoint(name))).output);
    if (!configured.some((t) => t.name === name)) return 'absent';
    const ssl = await this.readSsl();
    const uses = ssl.bindings.filter((b) => b.trustpoint === name).map((b) => `ssl trust-point on ${b.interface}`);
    if (ssl.defaultTrustpoint === name) uses.push('the default ssl trust-point');
    if ((await this.readIkev2()).remoteAccessTrustpoints.includes(name)) uses.push('IKEv2 remote access');
    if (uses.length > 0) throw new BindingError(`${this.where}: trustpoint ${name} is still in use (${uses.join(', ')}); rebind before removing it`);
    await this.session.run(cmd.noCryptoCaTrustpoint(name));
    const after = parseRunningConfigTrustpoints((await this.session.run(cmd.showRunningConfigTrustpoint(name))).output);
    if (after.some((t) => t.name === name)) throw new AsaCommandError(`${this.where}: trustpoint ${name} is still configured after "no crypto ca trustpoint ${name} noconfirm"`);
    return 'removed';
  }

  /**
   * Zeroizes a key pair that no trustpoint references any more: for the key pair a PKCS12 import
   * created under the trustpoint's name, once that trustpoint is removed. Never touches a key pair
   * still named by a trustpoint (`keypair <name>`). Returns what it found.
   */
  async zeroizeUnusedKeypair(keypair: string): Promise<'zeroized' | 'in-use' | 'absent'> {
    const name = checkCliValue('keypair', keypair, 'keypair');
    const users = parseRunningConfigTrustpoints((await this.session.run(cmd.showRunningConfigTrustpoint())).output).filter((t) => t.keypair === name);
    if (users.length > 0) return 'in-use';
    const kinds: ('rsa' | 'ecdsa')[] = [];
    for (const kind of ['rsa', 'ecdsa'] as const) {
      const keys = parseShowCryptoKeyMypubkey((await this.session.run(cmd.showCryptoKeyMypubkey(kind))).output);
      if (keys.some((k) => k.name === name)) kinds.push(kind);
    }
    if (kinds.length === 0) return 'absent';
    for (const kind of kinds) {
      await this.session.run(cmd.cryptoKeyZeroize(kind, name));
      if (parseShowCryptoKeyMypubkey((await this.session.run(cmd.showCryptoKeyMypubkey(kind))).output).some((k) => k.name === name)) {
        throw new AsaCommandError(`${this.where}: the ${kind.toUpperCase()} key pair ${name} is still there after "crypto key zeroize ${kind} label ${name} noconfirm"`);
      }
    }
    return 'zeroized';
  }

  /** `write memory` (`[OK]` required), then `write standby` on the active unit of a failover pair. */
  async saveConfiguration(): Promise<{ checksum?: string; standby: boolean }> {
    const role = this.facts?.failoverRole ?? (await this.failoverRole(this.session.prompt));
    if (role === 'standby') throw new StandbyUnitError(`${this.where}: refusing to save on the standby unit`);
    const memory = parseWriteMemory(await this.runForSave(cmd.writeMemory()));
    if (!memory.ok) throw new SaveConfigurationError(`${this.where}: "write memory" failed: ${memory.reason}`);
    if (role === 'active') await this.runForSave(cmd.writeStandby());
    const saved: { checksum?: string; standby: boolean } = { standby: role === 'active' };
    if (memory.checksum) saved.checksum = memory.checksum;
    return saved;
  }

  async close(): Promise<void> {
    await this.session.close();
  }

  // --- reads -----------------------------------------------------------------------------

  private async runForSave(command: cmd.AsaCommand): Promise<string> {
    try {
      return (await this.session.run(command)).output;
    } catch (error) {
      if (error instanceof AsaCommandError) throw new SaveConfigurationError(`${this.where}: ${error.message}`, { cause: error });
      throw error;
    }
  }

  private async showVersion(): Promise<ShowVersion> {
    return parseShowVersion((await this.session.run(cmd.showVersion())).output);
  }

  private async failoverRole(prompt: ParsedPrompt): Promise<FailoverRole> {
    if (prompt.failoverState === 'standby') return 'standby';
    const failover = parseShowFailover((await this.session.run(cmd.showFailover())).output);
    if (!failover.enabled) return 'none';
    // Any state other than Active (Standby, Failed, Negotiation ...) is not a unit to change.
    return failover.role === 'active' ? 'active' : 'standby';
  }

  private async readClock(): Promise<ClockConfig> {
    if (this.clock === undefined) {
      const result = await this.session.run(cmd.showRunningConfigClock());
      this.clock = parseClockConfig(result.output) ?? { zoneName: 'UTC', offsetMinutes: 0 };
    }
    return this.clock;
  }

  private async readSsl(): Promise<RunningConfigSsl> {
    return parseShowRunningConfigSsl((await this.session.run(cmd.showRunningConfigSsl())).output);
  }

  private async readIkev2(): Promise<RunningConfigIkev2> {
    return parseShowRunningConfigIkev2((await this.session.run(cmd.showRunningConfigIkev2())).output);
  }
}

export type ConnectOptions = Pick<SessionOptions, 'host' | 'port' | 'username' | 'password' | 'enablePassword' | 'hostKeySha256' | 'algorithms' | 'timeouts' | 'retry' | 'transcriptSink' | 'now'>;

/** Connects (pinned host key, retries for transient failures), enables, and returns the device's operations. */
export async function connectToDevice(options: ConnectOptions): Promise<AsaDevice> {
  const session = await AsaSession.open(options);
  return new AsaDevice(session, options.now);
}
