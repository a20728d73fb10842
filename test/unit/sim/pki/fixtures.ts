// Shared by the sim/pki tests: the reference transcripts and certificates made at test time.
import 'reflect-metadata';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as x509 from '@peculiar/x509';
import { splitPemBlocks, pemEncode } from '../../../../src/pki/pem.js';
import type { KeyMaterial } from '../../../../src/pki/keys.js';
import { AsaCliError, type Mode, type SessionIo } from '../../../../sim/cli/command.js';
import { matchLine, parseSyntax } from '../../../../sim/cli/grammar.js';
import { isConfigMode } from '../../../../sim/cli/registry.js';
import type { SimDevice } from '../../../../sim/device.js';
import { PKI_COMMANDS } from '../../../../sim/pki/commands.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
export const REFERENCE = path.resolve(repoRoot, '../shared/asa-reference');

export function readReference(file: string): string {
  return readFileSync(path.join(REFERENCE, file), 'utf8');
}

/** A transcript split into its command line (the first line) and the output lines after it, without the file's final newline. */
export function transcript(file: string): { command: string; output: string[] } {
  const lines = readReference(file).replace(/\n$/, '').split('\n');
  return { command: lines[0] ?? '', output: lines.slice(1) };
}

/** The PEM certificates of a reference file, in order. */
export function referenceCertificates(file: string): string[] {
  return splitPemBlocks(readReference(file))
    .filter((b) => b.label === 'CERTIFICATE')
    .map((b) => pemEncode('CERTIFICATE', b.der));
}

export const clockGmtPlus8 = { zoneName: 'GMT', offsetMinutes: 8 * 60 };

export interface CertificateSpec {
  serialHex: string;
  subject: string;
  issuer: string;
  notBefore: Date;
  notAfter: Date;
  ocsp?: string;
  ca?: boolean;
}

/** A certificate with the given fields, key and signature from `key` (RSA: SHA256 with RSA). */
export async function makeCertificate(spec: CertificateSpec, key: KeyMaterial): Promise<string> {
  const extensions: x509.Extension[] = [];
  if (spec.ca) {
    extensions.push(new x509.BasicConstraintsExtension(true, undefined, true));
    extensions.push(new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign | x509.KeyUsageFlags.digitalSignature, true));
  } else {
    extensions.push(new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true));
  }
  if (spec.ocsp !== undefined) extensions.push(new x509.AuthorityInfoAccessExtension({ ocsp: spec.ocsp }));
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: spec.serialHex,
    subject: spec.subject,
    issuer: spec.issuer,
    notBefore: spec.notBefore,
    notAfter: spec.notAfter,
    publicKey: key.keys.publicKey,
    signingKey: key.keys.privateKey,
    signingAlgorithm: { name: 'RSASSA-PKCS1-v1_5' },
    extensions,
  });
  return `${cert.toString('pem')}\n`;
}

/**
 * A session stand-in for unit tests of the command dialogs: answers questions and pastes
 * from a script, and records the output as the session would echo it (question + answer,
 * each pasted line, `quit`).
 */
export class ScriptedIo implements SessionIo {
  output = '';
  mode: Mode = 'config';
  modeArg: string | undefined;
  private readonly script: (string | string[])[];

  constructor(script: (string | string[])[] = []) {
    this.script = [...script];
  }

  print(text: string): void {
    this.output += text.endsWith('\n') ? text : `${text}\n`;
  }

  ask(question: string): Promise<string> {
    const answer = this.script.shift();
    if (typeof answer !== 'string') throw new Error(`unexpected question ${JSON.stringify(question)}`);
    this.output += `${question}${answer}\n`;
    return Promise.resolve(answer);
  }

  readUntilQuit(): Promise<string[]> {
    const paste = this.script.shift();
    if (!Array.isArray(paste)) throw new Error('unexpected paste request');
    this.output += `${[...paste, 'quit'].join('\n')}\n`;
    return Promise.resolve(paste);
  }

  enterMode(mode: Mode, modeArg?: string): void {
    this.mode = mode;
    this.modeArg = modeArg;
  }

  /** The recorded output as lines (without the final newline). */
  lines(): string[] {
    return this.output.replace(/\n$/, '').split('\n');
  }

  /** True when every scripted answer and paste was consumed. */
  get done(): boolean {
    return this.script.length === 0;
  }
}

/** Runs one PKI command line (as the dispatcher would after matching) against a device. */
export async function runPki(device: SimDevice, io: ScriptedIo, line: string): Promise<void> {
  const result = matchLine(line, PKI_COMMANDS.map((def) => ({ value: def, alternatives: parseSyntax(def.syntax), tier: 0 })));
  if (result.kind !== 'match') throw new Error(`${JSON.stringify(line)} does not match a PKI command (${result.kind})`);
  const modes = result.value.modes;
  const fromConfig = isConfigMode(io.mode) && (modes.includes('config') || modes.includes('privileged'));
  if (!modes.includes(io.mode) && !fromConfig) {
    throw new Error(`${JSON.stringify(line)} is not accepted in mode ${io.mode}`);
  }
  await result.value.run({ device, io, params: result.params, line });
}

/** Runs a command that must fail; returns the ERROR lines it throws. */
export async function runPkiError(device: SimDevice, io: ScriptedIo, line: string): Promise<string[]> {
  try {
    await runPki(device, io, line);
  } catch (error) {
    if (error instanceof AsaCliError) return error.lines;
    throw error;
  }
  throw new Error(`${JSON.stringify(line)} succeeded`);
}
