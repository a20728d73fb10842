// One builder per command the workflow sends. Every interpolated value passes checkCliValue,
// so no value can carry a second command, a `?` (inline help) or a line break. Each command
// also says how the session must run it: the mode, the questions it may answer (an explicit
// allow-list), the paste that follows, its timeout class, and the line as the transcript shows it.
import { checkCliValue } from './names.js';
import { pemEncode } from '../pki/pem.js';

export type TimeoutClass = 'quick' | 'normal' | 'slow';
/** Where the command is typed: `config` needs `configure terminal`; `exec` works in privileged and config mode on an ASA. */
export type CommandMode = 'exec' | 'config';

export interface Confirmation {
  /** Matched against the last line the device printed (the question), trailing spaces removed. */
  pattern: RegExp;
  answer: 'yes' | 'no';
  /** Why this answer, for the transcript. */
  reason: string;
}

export interface Paste {
  /** The line that invites the paste (it ends the device's introduction). */
  invitation: RegExp;
  /** The lines to paste: secret. The session writes `<redacted ...>` to the transcript instead. */
  lines: readonly string[];
  /** Sent after the last pasted line. */
  terminator: 'quit';
}

export interface AsaCommand {
  /** The exact line to send. May hold a secret (a passphrase): never log it; use `redacted`. */
  readonly line: string;
  /** The line with every secret replaced by `<redacted>`: what transcripts, logs and errors show. */
  readonly redacted: string;
  /** Secret values the line (and so the device's echo of it) contains. */
  readonly secrets: readonly string[];
  readonly mode: CommandMode;
  readonly confirmations: readonly Confirmation[];
  readonly paste?: Paste;
  readonly timeout: TimeoutClass;
}

export const REDACTED = '<redacted>';

function command(parts: Omit<AsaCommand, 'redacted' | 'secrets' | 'confirmations'> & Partial<Pick<AsaCommand, 'secrets' | 'confirmations'>>): AsaCommand {
  const secrets = parts.secrets ?? [];
  let redacted = parts.line;
  for (const secret of secrets) redacted = redacted.split(secret).join(REDACTED);
  if (/[\r\n?\x00-\x1f\x7f]/.test(parts.line)) {
    // Unreachable through the builders (checkCliValue rejects these characters); a guard for future builders.
    throw new Error(`refusing to build a command line with a control character or "?": ${JSON.stringify(redacted)}`);
  }
  return { confirmations: [], ...parts, secrets, redacted };
}

const tp = (value: string, field = 'trustpoint') => checkCliValue('trustpoint', value, field);
const iface = (value: string, field = 'interface') => checkCliValue('interface', value, field);
const passphrase = (value: string, field = 'passphrase') => checkCliValue('passphrase', value, field);

export function showVersion(): AsaCommand {
  return command({ line: 'show version', mode: 'exec', timeout: 'quick' });
}

export function showFailover(): AsaCommand {
  return command({ line: 'show failover', mode: 'exec', timeout: 'quick' });
}

export function showRunningConfigSsl(): AsaCommand {
  return command({ line: 'show running-config ssl', mode: 'exec', timeout: 'quick' });
}

export function showRunningConfigIkev2(): AsaCommand {
  return command({ line: 'show running-config crypto ikev2', mode: 'exec', timeout: 'quick' });
}

/** `show running-config clock`: the `clock timezone` and `clock summer-time` lines. */
export function showRunningConfigClock(): AsaCommand {
  return command({ line: 'show running-config clock', mode: 'exec', timeout: 'quick' });
}

export function showRunningConfigTrustpoint(trustpoint?: string): AsaCommand {
  const line = trustpoint === undefined ? 'show running-config crypto ca trustpoint' : `show running-config crypto ca trustpoint ${tp(trustpoint)}`;
  return command({ line, mode: 'exec', timeout: 'quick' });
}

export function showCryptoKeyMypubkey(kind: 'rsa' | 'ecdsa'): AsaCommand {
  if (kind !== 'rsa' && kind !== 'ecdsa') throw new Error(`showCryptoKeyMypubkey: unknown key kind ${JSON.stringify(kind)}`);
  return command({ line: `show crypto key mypubkey ${kind}`, mode: 'exec', timeout: 'quick' });
}

export function showCryptoCaCertificates(trustpoint?: string): AsaCommand {
  const line = trustpoint === undefined ? 'show crypto ca certificates' : `show crypto ca certificates ${tp(trustpoint)}`;
  return command({ line, mode: 'exec', timeout: 'quick' });
}

/** Session setup: no pager for this session only (the saved `pager lines` stays as the operator set it). */
export function terminalPager0(): AsaCommand {
  return command({ line: 'terminal pager 0', mode: 'exec', timeout: 'quick' });
}

export function configureTerminal(): AsaCommand {
  return command({ line: 'configure terminal', mode: 'exec', timeout: 'quick' });
}

/**
 * `crypto ca import <tp> pkcs12 <passphrase>`, then the base64 (64 columns, with the BEGIN/END armour),
 * then `quit`. The only question allowed is the "replace the keys named <tp>?" one, and it is answered
 * `yes` only when the caller created that key pair itself (`replaceOwnKeys`), else `no` (which aborts the
 * import with an ERROR, so nothing is replaced).
 */
export function importPkcs12(trustpoint: string, pass: string, pkcs12Der: Uint8Array, options: { replaceOwnKeys?: boolean } = {}): AsaCommand {
  const name = tp(trustpoint);
  const secret = passphrase(pass);
  if (pkcs12Der.length === 0) throw new Error('importPkcs12: the PKCS12 is empty');
  const lines = pemEncode('PKCS12', pkcs12Der).trimEnd().split('\n');
  return command({
    line: `crypto ca import ${name} pkcs12 ${secret}`,
    secrets: [secret],
    mode: 'config',
    timeout: 'slow',
    paste: { invitation: /End with the word "quit" on a line by itself:?$/, lines, terminator: 'quit' },
    confirmations: [
      {
        pattern: /^% Do you really want to replace them\? \[yes\/no\]:$/,
        answer: options.replaceOwnKeys === true ? 'yes' : 'no',
        reason: options.replaceOwnKeys === true ? `the key pair ${name} was created by this workflow` : `the key pair ${name} was not created by this workflow: never replace it`,
      },
    ],
  });
}

export function exportPkcs12(trustpoint: string, pass: string): AsaCommand {
  const secret = passphrase(pass);
  return command({ line: `crypto ca export ${tp(trustpoint)} pkcs12 ${secret}`, secrets: [secret], mode: 'config', timeout: 'slow' });
}

export function sslTrustPoint(trustpoint: string, interfaceName: string): AsaCommand {
  return command({ line: `ssl trust-point ${tp(trustpoint)} ${iface(interfaceName)}`, mode: 'config', timeout: 'normal' });
}

export function noSslTrustPoint(trustpoint: string, interfaceName: string): AsaCommand {
  return command({ line: `no ssl trust-point ${tp(trustpoint)} ${iface(interfaceName)}`, mode: 'config', timeout: 'normal' });
}

export function ikev2RemoteAccessTrustpoint(trustpoint: string): AsaCommand {
  return command({ line: `crypto ikev2 remote-access trustpoint ${tp(trustpoint)}`, mode: 'config', timeout: 'normal' });
}

export function noIkev2RemoteAccessTrustpoint(trustpoint: string): AsaCommand {
  return command({ line: `no crypto ikev2 remote-access trustpoint ${tp(trustpoint)}`, mode: 'config', timeout: 'normal' });
}

/** `no crypto ca trustpoint <tp> noconfirm`: removes the trustpoint and its certificates; no question is expected. */
export function noCryptoCaTrustpoint(trustpoint: string): AsaCommand {
  return command({ line: `no crypto ca trustpoint ${tp(trustpoint)} noconfirm`, mode: 'config', timeout: 'normal' });
}

/** `crypto key zeroize rsa|ecdsa label <name> noconfirm`. */
export function cryptoKeyZeroize(kind: 'rsa' | 'ecdsa', label: string): AsaCommand {
  if (kind !== 'rsa' && kind !== 'ecdsa') throw new Error(`cryptoKeyZeroize: unknown key kind ${JSON.stringify(kind)}`);
  return command({ line: `crypto key zeroize ${kind} label ${checkCliValue('keypair', label, 'label')} noconfirm`, mode: 'config', timeout: 'normal' });
}

export function writeMemory(): AsaCommand {
  return command({ line: 'write memory', mode: 'exec', timeout: 'slow' });
}

/** `write standby`: copies the active unit's running configuration to the standby unit. */
export function writeStandby(): AsaCommand {
  return command({ line: 'write standby', mode: 'exec', timeout: 'slow' });
}
