// `trustpoint pkcs12`: key + certificate + CA chain -> a PKCS12 file (and optionally the
// base64 text to paste after `crypto ca import <tp> pkcs12 <passphrase>` on an ASA).
import { X509Certificate } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { isCliValue } from '../../asa/names.js';
import { ValidationError } from '../../errors.js';
import { toAsaPaste } from '../../pki/asa-paste.js';
import { generatePassphrase } from '../../pki/passphrase.js';
import { PKCS12_ITERATIONS, PKCS12_PROFILES, decodePkcs12, encodePkcs12, type Pkcs12Profile } from '../../pki/pkcs12.js';
import { EXIT_FAILURE, EXIT_OK, UsageError, requiredString, stringOption, type CliIo, type Command, type ParsedArgs } from '../framework.js';

const PROFILE_DESCRIPTIONS: Record<Pkcs12Profile, string> = {
  legacy: '3DES (pbeWithSHAAnd3-KeyTripleDES-CBC) + SHA-1 MAC',
  modern: 'PBES2 (PBKDF2-HMAC-SHA256, AES-256-CBC) + SHA-256 MAC',
};

const DETAILS = `
The bundle holds the private key, the identity certificate and every CA certificate up to
the root. A chain with a gap is refused, naming the missing issuer: a missing intermediate
is the most common cause of "installed, but clients do not trust it".

Profiles (key and certificates encrypted alike, ${PKCS12_ITERATIONS} iterations):
  legacy  ${PROFILE_DESCRIPTIONS.legacy}.
          Accepted by every ASA release. The default.
  modern  ${PROFILE_DESCRIPTIONS.modern}.
          What OpenSSL 3 makes by default; older ASA releases reject it.

Without --passphrase-file a passphrase of 128 bits or more is generated and printed once on
stderr; it is not stored anywhere. With --passphrase-file the first line is the passphrase:
8-128 printable ASCII characters without spaces, "?", quotes or backslashes, because the
ASA takes it unquoted on its command line.

Output files are created with mode 0600. An existing file is never overwritten (exit 1).

On the ASA, in configuration mode:
  crypto ca import <trustpoint> pkcs12 <passphrase>
  <paste the --asa-paste file: base64 in 64-column lines>
  quit
The paste file holds the base64 only, without BEGIN/END lines; type "quit" on its own line
after it.

Example:
  trustpoint pkcs12 --key key.pem --cert cert.pem --chain chain.pem --out vpn.p12 --asa-paste vpn.txt
`;

function readInput(io: CliIo, flag: string, file: string): string {
  try {
    return readFileSync(path.resolve(io.cwd, file), 'utf8');
  } catch (error) {
    const reason = error instanceof Error && 'code' in error ? String(error.code) : 'unreadable';
    throw new UsageError(`--${flag}: cannot read ${file} (${reason})`);
  }
}

function readPassphraseFile(io: CliIo, file: string): string {
  const firstLine = readInput(io, 'passphrase-file', file).split(/\r?\n/)[0] ?? '';
  if (!isCliValue('passphrase', firstLine)) {
    throw new ValidationError(
      '--passphrase-file',
      `the passphrase on the first line of ${file} (${firstLine.length} characters, redacted) is not one an ASA can take on ` +
        '`crypto ca import <trustpoint> pkcs12 <passphrase>`: use 8-128 printable ASCII characters without spaces, "?", quotes or backslashes',
    );
  }
  return firstLine;
}

/** Creates `file` with mode 0600; false when it already exists (never overwrites). */
function writeNewFile(file: string, data: string | Uint8Array): boolean {
  try {
    writeFileSync(file, data, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if (error instanceof Error && 'code' in error && error.code === 'EEXIST') return false;
    throw error;
  }
  chmodSync(file, 0o600);
  return true;
}

function subjectLine(pem: string): string {
  return new X509Certificate(pem).subject.split('\n').join(', ');
}

async function run(args: ParsedArgs, io: CliIo): Promise<number> {
  const profile = requiredString(args, 'profile') as Pkcs12Profile;
  const outFile = requiredString(args, 'out');
  const pasteFile = stringOption(args, 'asa-paste');
  const outPath = path.resolve(io.cwd, outFile);
  const pastePath = pasteFile === undefined ? undefined : path.resolve(io.cwd, pasteFile);
  if (pastePath === outPath) throw new UsageError('--asa-paste must name a different file than --out');

  for (const [flag, file, resolved] of [['out', outFile, outPath], ['asa-paste', pasteFile, pastePath]] as const) {
    if (resolved !== undefined && existsSync(resolved)) {
      io.stderr(`trustpoint pkcs12: --${flag} ${file} already exists: refusing to overwrite it (remove it or choose another name)\n`);
      return EXIT_FAILURE;
    }
  }

  const privateKeyPem = readInput(io, 'key', requiredString(args, 'key'));
  const certificatePem = readInput(io, 'cert', requiredString(args, 'cert'));
  const chainPem = readInput(io, 'chain', requiredString(args, 'chain'));
  const passphraseFile = stringOption(args, 'passphrase-file');
  const passphrase = passphraseFile === undefined ? generatePassphrase() : readPassphraseFile(io, passphraseFile);

  let der: Uint8Array;
  try {
    der = await encodePkcs12({ privateKeyPem, certificatePem, chainPems: [chainPem], passphrase, profile });
  } catch (error) {
    // Name the flags the operator typed rather than the library's field names.
    if (error instanceof ValidationError) {
      const flag = error.field.startsWith('chain') ? '--chain' : ({ certificatePem: '--cert', privateKeyPem: '--key' }[error.field] ?? error.field);
      throw new ValidationError(flag, error.message.slice(error.field.length + 2), { cause: error });
    }
    throw error;
  }
  // Read our own output back before claiming success.
  const contents = await decodePkcs12(der, passphrase);

  for (const [flag, file, resolved, data] of [
    ['out', outFile, outPath, der],
    ['asa-paste', pasteFile, pastePath, pastePath === undefined ? '' : toAsaPaste(der)],
  ] as const) {
    if (resolved === undefined) continue;
    if (!writeNewFile(resolved, data)) {
      io.stderr(`trustpoint pkcs12: --${flag} ${file} appeared while working: refusing to overwrite it\n`);
      return EXIT_FAILURE;
    }
  }

  if (passphraseFile === undefined) {
    io.stderr(`PKCS12 passphrase: ${passphrase}\n`);
    io.stderr('This passphrase is shown only this once and is not stored anywhere: keep it for `crypto ca import <trustpoint> pkcs12 <passphrase>`.\n');
  }
  const lines = [
    `Wrote ${outFile} (${profile}: ${PROFILE_DESCRIPTIONS[profile]}, ${PKCS12_ITERATIONS} iterations, mode 0600):`,
    `  private key + certificate  ${subjectLine(contents.certificatePem)}  (friendlyName ${contents.friendlyName ?? '-'})`,
    ...contents.chainPems.map((pem, i) => `  CA certificate ${i + 1}          ${subjectLine(pem)}`),
  ];
  if (pasteFile !== undefined) {
    lines.push(`Wrote ${pasteFile} (base64, 64-column lines, mode 0600): paste it after \`crypto ca import <trustpoint> pkcs12 <passphrase>\`, then type quit.`);
  }
  io.stdout(`${lines.join('\n')}\n`);
  return EXIT_OK;
}

export const pkcs12Command: Command = {
  path: ['pkcs12'],
  summary: 'Bundle a private key, its certificate and the CA chain into a PKCS12 for `crypto ca import`',
  options: {
    key: { type: 'string', valueName: 'FILE', description: 'Private key, PEM (PKCS#8; RSA or EC), unencrypted', required: true },
    cert: { type: 'string', valueName: 'FILE', description: 'Identity certificate, PEM', required: true },
    chain: {
      type: 'string',
      valueName: 'FILE',
      description: 'CA certificates, PEM: every intermediate up to the root, any order (a copy of the leaf is ignored)',
      required: true,
    },
    profile: { type: 'string', valueName: 'PROFILE', description: 'PKCS12 encryption profile', choices: PKCS12_PROFILES, default: 'legacy' },
    'passphrase-file': { type: 'string', valueName: 'FILE', description: 'Passphrase on the first line; without it one is generated and shown once' },
    out: { type: 'string', valueName: 'FILE.p12', description: 'PKCS12 file to create (DER)', required: true },
    'asa-paste': { type: 'string', valueName: 'FILE.txt', description: 'Also create the base64 text to paste into `crypto ca import`' },
  },
  details: DETAILS,
  run,
};
