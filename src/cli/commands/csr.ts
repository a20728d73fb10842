// `trustpoint csr`: a key pair and a CSR with the subject of the ASA enrollment form and the
// SANs the ASA itself cannot request (wildcards, several names, IP addresses).
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { buildCsr } from '../../pki/csr.js';
import type { NameAttribute } from '../../pki/certificate-info.js';
import { KEY_SPECS, generateKeyPair, parseKeySpec } from '../../pki/keys.js';
import { validateSans, validateSubject, type SubjectFields, type ValidatedSans } from '../../pki/subject.js';
import { EXIT_FAILURE, EXIT_OK, requiredString, stringList, stringOption, type CliIo, type Command, type ParsedArgs } from '../framework.js';
import { pathExists } from '../../util/fs.js';

/** A DN the way `show crypto ca certificates` prints it: lowercase keys, reverse of the encoded order. */
export function asaSubjectLine(attributes: readonly NameAttribute[]): string {
  return [...attributes]
    .reverse()
    .map((a) => `${a.type}=${a.value}`)
    .join(', ');
}

export function sanLine(sans: ValidatedSans): string {
  const entries = [...sans.dns.map((d) => `DNS:${d}`), ...sans.ip.map((ip) => `IP:${ip}`)];
  return entries.length ? entries.join(', ') : '(none)';
}

/** Encoded order of csr.ts (C, ST, L, O, OU, CN, E), for the summary without re-parsing. */
function subjectAttributes(subject: SubjectFields): NameAttribute[] {
  const order: [keyof SubjectFields, string][] = [['c', 'c'], ['st', 'st'], ['l', 'l'], ['o', 'o'], ['ou', 'ou'], ['cn', 'cn'], ['email', 'e']];
  return order.flatMap(([key, type]) => (subject[key] === undefined ? [] : [{ type, value: subject[key] }]));
}


const DETAILS = `
Writes DIR/key.pem (PKCS#8 private key, mode 0600) and DIR/csr.pem (PKCS#10). An existing
DIR/key.pem is never overwritten (exit 1): a key may already be waiting for its certificate.

Subject: C two upper-case letters; CN, O, OU up to 64 characters; ST, L up to 128; E a plain
e-mail address. Encoded C, ST, L, O, OU, CN, E, so the ASA lists cn= near the top.
SANs: DNS names (a wildcard only as the whole leftmost label: *.example.com) and IPv4/IPv6
addresses; repeat --san for each. TLS clients match the SAN, not the CN: list the CN again.
Signature: SHA-256 with PKCS#1 v1.5 for RSA (the ASA rejects RSASSA-PSS), ECDSA for EC keys.

Examples:
  trustpoint csr --cn vpn.example.com --san vpn.example.com --san 192.0.2.10 --o "Example Ltd" --c US --out ./asa1
  trustpoint csr --cn vpn.example.com --san '*.vpn.example.com' --key ec:p256 --out ./wild
Then sign it with AWS Private CA (aws acm-pca issue-certificate --csr fileb://DIR/csr.pem,
template EndEntityServerAuthCertificate/V1), your CA, or locally with \`trustpoint ca sign\`.
`;

async function run(args: ParsedArgs, io: CliIo): Promise<number> {
  const given: Record<string, string | undefined> = {
    cn: requiredString(args, 'cn'),
    ou: stringOption(args, 'ou'),
    o: stringOption(args, 'o'),
    c: stringOption(args, 'c'),
    st: stringOption(args, 'st'),
    l: stringOption(args, 'l'),
    email: stringOption(args, 'email'),
  };
  const subject = validateSubject(Object.fromEntries(Object.entries(given).filter(([, v]) => v !== undefined)) as unknown as SubjectFields, '--');
  const sans = validateSans(stringList(args, 'san'), '--san');
  const spec = parseKeySpec(requiredString(args, 'key'), '--key');
  const outFlag = requiredString(args, 'out');
  const outDir = path.resolve(io.cwd, outFlag);
  const keyFile = path.join(outDir, 'key.pem');
  const csrFile = path.join(outDir, 'csr.pem');
  const shown = (file: string): string => path.join(outFlag, path.basename(file));

  if (await pathExists(keyFile)) {
    io.stderr(`trustpoint csr: ${shown(keyFile)} already exists: refusing to overwrite a private key (it may be waiting for its certificate); choose another --out or move it away\n`);
    return EXIT_FAILURE;
  }
  await mkdir(outDir, { recursive: true, mode: 0o700 });
  const key = await generateKeyPair(spec);
  const csr = await buildCsr({ subject, sans: [...sans.dns, ...sans.ip] }, key);
  try {
    await writeFile(keyFile, key.privateKeyPem, { flag: 'wx', mode: 0o600 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
      io.stderr(`trustpoint csr: ${shown(keyFile)} appeared while working: refusing to overwrite a private key\n`);
      return EXIT_FAILURE;
    }
    throw error;
  }
  await chmod(keyFile, 0o600);
  await writeFile(csrFile, csr, { mode: 0o644 });

  const signature = spec.startsWith('rsa') ? 'sha256WithRSAEncryption' : spec === 'ec:p384' ? 'ecdsa-with-SHA384' : 'ecdsa-with-SHA256';
  io.stdout(
    [
      `Wrote ${shown(keyFile)} (private key, ${spec}, PKCS#8, mode 0600)`,
      `Wrote ${shown(csrFile)} (PKCS#10, ${signature})`,
      `  Subject: ${asaSubjectLine(subjectAttributes(subject))}`,
      `  SANs:    ${sanLine(sans)}`,
      '',
    ].join('\n'),
  );
  if (sans.dns.length === 0 && sans.ip.length === 0) {
    io.stderr(`trustpoint csr: note: no --san given; TLS clients match the SAN, not the CN: consider --san ${subject.cn}\n`);
  }
  return EXIT_OK;
}

export const csrCommand: Command = {
  path: ['csr'],
  summary: 'Generate a key pair and a CSR (subject, wildcard and multiple SANs) for an ASA identity certificate',
  options: {
    cn: { type: 'string', valueName: 'NAME', description: 'Common name, usually the FQDN users connect to', required: true },
    san: { type: 'string', valueName: 'DNS_OR_IP', description: 'Subject alternative name: DNS name, *.domain, IPv4 or IPv6 (repeatable)', multiple: true },
    ou: { type: 'string', valueName: 'X', description: 'Organizational unit (OU)' },
    o: { type: 'string', valueName: 'X', description: 'Organization (O)' },
    c: { type: 'string', valueName: 'XX', description: 'Country, two upper-case letters (C)' },
    st: { type: 'string', valueName: 'X', description: 'State or province (ST)' },
    l: { type: 'string', valueName: 'X', description: 'Locality (L)' },
    email: { type: 'string', valueName: 'X', description: 'E-mail address (E)' },
    key: { type: 'string', valueName: 'SPEC', description: 'Key type and size', choices: KEY_SPECS, default: 'rsa:2048' },
    out: { type: 'string', valueName: 'DIR', description: 'Directory for key.pem and csr.pem (created if missing)', required: true },
  },
  details: DETAILS,
  run,
};
