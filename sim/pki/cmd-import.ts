// crypto ca import <tp> pkcs12 | certificate, crypto ca authenticate, crypto ca export
// (facts sections 7, 8, 9). The PKCS12 is really decoded with the given passphrase and the
// export is a real PKCS12 (legacy 3DES profile, which every ASA release reads).
import { AsaCliError, type CommandDefinition, type SessionIo } from '../cli/command.js';
import { InvalidParameterError } from '../cli/session.js';
import type { SimDevice } from '../device.js';
import { Pkcs12PassphraseError } from '../../src/errors.js';
import { fromAsaPaste, toAsaPaste } from '../../src/pki/asa-paste.js';
import { describeCertificate, isIssuedBy, orderChain, publicKeyMatches } from '../../src/pki/certificate-info.js';
import { splitPemBlocks, pemEncode } from '../../src/pki/pem.js';
import { decodePkcs12, detectPkcs12Encryption, encodePkcs12, type Pkcs12Contents } from '../../src/pki/pkcs12.js';
import { isYes, printLines } from './io.js';
import * as msg from './messages.js';
import type { TrustpointRecord } from './state.js';

/** Encryption older ASA releases can read; anything else is refused under `rejectModernPkcs12`. */
const LEGACY_ENCRYPTIONS = new Set(['legacy-3des', 'rc2-40']);

/** `secret`, `"secret"` (quotes stripped), optionally followed by `nointeractive` as ASDM sends it. */
export function parsePassphraseArgument(text: string): { passphrase: string; nointeractive: boolean } {
  const trimmed = text.trim();
  const quoted = /^"([^"]*)"(?:\s+(.*))?$/.exec(trimmed);
  const [passphrase, rest] = quoted ? [quoted[1] ?? '', quoted[2] ?? ''] : [trimmed.split(/\s+/)[0] ?? '', trimmed.split(/\s+/).slice(1).join(' ')];
  if (rest !== '' && rest !== 'nointeractive') throw new InvalidParameterError(rest.split(/\s+/)[0] ?? rest);
  return { passphrase, nointeractive: rest === 'nointeractive' };
}

async function readPkcs12(device: SimDevice, pasted: string[], passphrase: string): Promise<Pkcs12Contents> {
  const failed = (reason: string): AsaCliError => new AsaCliError([reason, msg.PKCS12_FAILED]);
  let der: Uint8Array;
  try {
    der = fromAsaPaste(pasted.join('\n'));
    if (device.faults.rejectModernPkcs12 && !LEGACY_ENCRYPTIONS.has(detectPkcs12Encryption(der))) throw failed(msg.PKCS12_UNSUPPORTED_ENCRYPTION);
  } catch (error) {
    if (error instanceof AsaCliError) throw error;
    throw failed(msg.PKCS12_BAD_DATA);
  }
  try {
    return await decodePkcs12(der, passphrase);
  } catch (error) {
    throw failed(error instanceof Pkcs12PassphraseError ? msg.PKCS12_BAD_PASSPHRASE : msg.PKCS12_BAD_DATA);
  }
}

async function importPkcs12(device: SimDevice, io: SessionIo, name: string, argument: string): Promise<void> {
  const { passphrase, nointeractive } = parsePassphraseArgument(argument);
  printLines(io, ['', ...msg.PKCS12_PASTE_PROMPT]);
  const pasted = await io.readUntilQuit();
  const contents = await readPkcs12(device, pasted, passphrase);

  if (device.pki.keypair(name) && !nointeractive) {
    printLines(io, msg.pkcs12ReplaceWarning(name));
    if (!isYes(await io.ask(msg.PKCS12_REPLACE_QUESTION))) throw new AsaCliError([msg.pkcs12KeysNotReplaced(name), msg.PKCS12_FAILED]);
  }

  const path = orderChain(contents.certificatePem, contents.chainPems);
  const top = path.at(-1);
  const identical = device.pki.keypairWithSamePublicKey(contents.privateKeyPem, name);
  const chainPems = contents.chainPems.map((pem) => pemEncode('CERTIFICATE', describeCertificate(pem).der));
  const tp = device.pki.installIdentity(name, { keyPem: contents.privateKeyPem, certPem: contents.certificatePem, chainPems }, device.clock.now());
  device.markConfigChanged();

  const lines = [''];
  if (top !== undefined && !describeCertificate(top).selfSigned) lines.push(msg.subordinateCa(name), '');
  if (tp.caCertificates.length > 0) lines.push(msg.CA_ACCEPTED);
  if (identical !== undefined) lines.push(msg.identicalPublicKey(identical));
  // Seen in a 2021 capture, absent from the 2018 one: newer releases only (the boundary is not known).
  if (tp.caCertificates.length > 0 && tp.validationUsage === undefined && device.profile !== 'old-asa') lines.push(...msg.VALIDATION_USAGE_WARNING);
  lines.push(msg.PKCS12_IMPORTED, '');
  printLines(io, lines);
}

/** The first PEM certificate of a paste, normalised; `% Error in saving certificate` when there is none. */
function pastedCertificate(lines: string[]): string {
  try {
    const block = splitPemBlocks(lines.join('\n')).find((b) => b.label === 'CERTIFICATE');
    if (block) return pemEncode('CERTIFICATE', describeCertificate(block.der).der);
  } catch {
    // falls through to the ASA's generic failure
  }
  throw new AsaCliError([msg.SAVE_CERTIFICATE_FAILED]);
}

function terminalTrustpoint(device: SimDevice, name: string): TrustpointRecord {
  const tp = device.pki.trustpoint(name);
  if (!tp) throw new AsaCliError([msg.unknownTrustpoint(name)]);
  if (tp.enrollment !== 'terminal') throw new AsaCliError([msg.notTerminalEnrollment(name)]);
  return tp;
}

async function authenticate(device: SimDevice, io: SessionIo, name: string): Promise<void> {
  const tp = terminalTrustpoint(device, name);
  if (tp.caCertificates.length > 0) throw new AsaCliError([msg.alreadyAuthenticated(name)]);
  printLines(io, msg.CA_PASTE_PROMPT);
  const pem = pastedCertificate(await io.readUntilQuit());
  const info = describeCertificate(pem);
  if (!info.isCa && !info.selfSigned) throw new AsaCliError([msg.NOT_A_CA_CERTIFICATE]);
  printLines(io, ['', msg.CERTIFICATE_ATTRIBUTES, msg.fingerprintLine(info.md5Fingerprint)]);
  if (!isYes(await io.ask(msg.ACCEPT_QUESTION))) throw new AsaCliError([msg.CA_NOT_ACCEPTED]);
  tp.caCertificates = [pem];
  device.markConfigChanged();
  printLines(io, ['', ...(info.selfSigned ? [] : [msg.subordinateCa(name), '']), msg.CA_ACCEPTED, '', msg.CA_IMPORTED]);
}

async function importIdentity(device: SimDevice, io: SessionIo, name: string): Promise<void> {
  const tp = terminalTrustpoint(device, name);
  if (tp.caCertificates.length === 0) throw new AsaCliError([msg.notAuthenticated(name)]);
  const keypairName = device.pki.keypairNameOf(tp);
  const keypair = device.pki.keypair(keypairName);
  if (!keypair) throw new AsaCliError([msg.keypairMissing(name, keypairName)]);

  const notices = [''];
  if (tp.fqdn !== undefined && tp.fqdn !== 'none') notices.push(msg.fqdnNotice(tp.fqdn), '');
  if (tp.ipAddress !== undefined) notices.push(msg.ipAddressNotice(tp.ipAddress), '');
  printLines(io, [...notices, '', ...msg.IDENTITY_PASTE_PROMPT]);
  const pem = pastedCertificate(await io.readUntilQuit());
  if (!publicKeyMatches(pem, keypair.keyPem)) throw new AsaCliError([msg.identityKeyMismatch(keypairName)]);
  if (!tp.caCertificates.some((ca) => isIssuedBy(pem, ca))) throw new AsaCliError([msg.notIssuedByTrustpointCa(name)]);
  tp.identityCertificate = pem;
  device.markConfigChanged();
  printLines(io, [msg.IDENTITY_IMPORTED, '']);
}

async function exportPkcs12(device: SimDevice, io: SessionIo, name: string, argument: string): Promise<void> {
  const tp = device.pki.trustpoint(name);
  if (!tp) throw new AsaCliError([msg.unknownTrustpoint(name)]);
  const keypair = device.pki.keypair(device.pki.keypairNameOf(tp));
  const problem = device.pki.identityProblem(tp);
  if (problem !== undefined || !keypair || tp.identityCertificate === undefined) throw new AsaCliError([msg.EXPORT_MISSING]);
  const { passphrase } = parsePassphraseArgument(argument);
  // A real ASA exports what the trustpoint holds, even a chain that stops at an intermediate.
  const der = await encodePkcs12({
    privateKeyPem: keypair.keyPem,
    certificatePem: tp.identityCertificate,
    chainPems: orderChain(tp.identityCertificate, tp.caCertificates),
    passphrase,
    profile: 'legacy',
    allowPartialChain: true,
  });
  printLines(io, ['', msg.EXPORT_HEADER, ...toAsaPaste(der, { armour: true }).trimEnd().split('\n')]);
}

export const IMPORT_COMMANDS: CommandDefinition[] = [
  {
    syntax: 'crypto ca import <tp:WORD> pkcs12 <passphrase:LINE>',
    modes: ['config'],
    run: ({ device, io, params }) => importPkcs12(device, io, params.tp as string, params.passphrase as string),
  },
  {
    syntax: 'crypto ca import <tp:WORD> certificate',
    modes: ['config'],
    run: ({ device, io, params }) => importIdentity(device, io, params.tp as string),
  },
  {
    syntax: 'crypto ca authenticate <tp:WORD>',
    modes: ['config'],
    run: ({ device, io, params }) => authenticate(device, io, params.tp as string),
  },
  {
    syntax: 'crypto ca export <tp:WORD> pkcs12 <passphrase:LINE>',
    modes: ['config'],
    run: ({ device, io, params }) => exportPkcs12(device, io, params.tp as string, params.passphrase as string),
  },
];
