// `trustpoint ca init` / `trustpoint ca sign`: the local two-tier CA, for labs, the demo and
// tests. It signs like an AWS Private CA EndEntityServerAuthCertificate/V1 template.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { CaRequestFailedError } from '../../errors.js';
import { describeCertificate } from '../../pki/certificate-info.js';
import { KEY_SPECS, parseKeySpec } from '../../pki/keys.js';
import { LocalCa, type IssuedCertificate } from '../../pki/local-ca.js';
import { EXIT_FAILURE, EXIT_OK, UsageError, integerOption, requiredString, stringOption, type CliIo, type Command, type ParsedArgs } from '../framework.js';
import { asaSubjectLine, sanLine } from './csr.js';
import { pathExists } from '../../util/fs.js';

const DEFAULT_DAYS = 365;


function describeCa(ca: LocalCa): string[] {
  return [ca.rootPem, ca.intermediatePem].map((pem, i) => {
    const info = describeCertificate(pem);
    return `  ${i === 0 ? 'root.pem        ' : 'intermediate.pem'}  ${asaSubjectLine(info.subject)}  serial ${info.serialHex}  ${info.keyType} ${info.keyBits}  valid until ${info.notAfter.toISOString()}`;
  });
}

async function runInit(args: ParsedArgs, io: CliIo): Promise<number> {
  const dirFlag = requiredString(args, 'dir');
  const dir = path.resolve(io.cwd, dirFlag);
  const keySpec = parseKeySpec(requiredString(args, 'key'), '--key');
  const name = stringOption(args, 'name');
  const ca = await LocalCa.init(dir, { keySpec, ...(name === undefined ? {} : { name }) });
  io.stdout(
    [
      `Created a local CA in ${dirFlag}:`,
      ...describeCa(ca),
      `  private keys: ${path.join(dirFlag, 'root.key.pem')}, ${path.join(dirFlag, 'intermediate.key.pem')} (mode 0600)`,
      `Sign a CSR: trustpoint ca sign --dir ${dirFlag} --csr csr.pem --out DIR`,
      '',
    ].join('\n'),
  );
  return EXIT_OK;
}

async function runSign(args: ParsedArgs, io: CliIo): Promise<number> {
  const dirFlag = requiredString(args, 'dir');
  const csrFlag = requiredString(args, 'csr');
  const outFlag = requiredString(args, 'out');
  const days = integerOption(args, 'days', 1, 36_500) ?? DEFAULT_DAYS;
  const outDir = path.resolve(io.cwd, outFlag);
  const certFile = path.join(outDir, 'cert.pem');
  const chainFile = path.join(outDir, 'chain.pem');

  let csrPem: string;
  try {
    csrPem = await readFile(path.resolve(io.cwd, csrFlag), 'utf8');
  } catch (error) {
    throw new UsageError(`--csr: cannot read ${csrFlag} (${(error as NodeJS.ErrnoException).code ?? 'unreadable'})`);
  }
  for (const file of [certFile, chainFile]) {
    if (await pathExists(file)) {
      io.stderr(`trustpoint ca sign: ${path.join(outFlag, path.basename(file))} already exists: refusing to overwrite it; choose another --out (the CA keeps every certificate it issued under ${path.join(dirFlag, 'issued')}/)\n`);
      return EXIT_FAILURE;
    }
  }
  const ca = await LocalCa.open(path.resolve(io.cwd, dirFlag));
  let issued: IssuedCertificate;
  try {
    issued = await ca.sign(csrPem, { days });
  } catch (error) {
    // The CA names its request fields `csr` and `days`; the operator typed --csr and --days.
    if (error instanceof CaRequestFailedError && /^(csr|days): /.test(error.message)) {
      throw new CaRequestFailedError(`--${error.message}`, { cause: error });
    }
    throw error;
  }
  await mkdir(outDir, { recursive: true });
  await writeFile(certFile, issued.certificatePem, { flag: 'wx', mode: 0o644 });
  await writeFile(chainFile, issued.chainPems.join(''), { flag: 'wx', mode: 0o644 });

  const info = describeCertificate(issued.certificatePem);
  io.stdout(
    [
      `Issued certificate serial ${issued.serialHex}, valid until ${issued.notAfter.toISOString()} (${days} days)`,
      `  Subject: ${asaSubjectLine(info.subject)}`,
      `  SANs:    ${sanLine({ dns: info.dnsNames, ip: info.ipAddresses })}`,
      `  Issuer:  ${asaSubjectLine(info.issuer)}`,
      `Wrote ${path.join(outFlag, 'cert.pem')}`,
      `Wrote ${path.join(outFlag, 'chain.pem')} (intermediate, then root)`,
      `Bundle it for the ASA: trustpoint pkcs12 --key KEY.pem --cert ${path.join(outFlag, 'cert.pem')} --chain ${path.join(outFlag, 'chain.pem')} --out asa.p12 --asa-paste asa.txt`,
      '',
    ].join('\n'),
  );
  return EXIT_OK;
}

export const caInitCommand: Command = {
  path: ['ca', 'init'],
  summary: 'Create a local two-tier CA (root + intermediate) in a directory',
  options: {
    dir: { type: 'string', valueName: 'DIR', description: 'Directory for the CA (created if missing; refused if it already holds a CA)', required: true },
    key: { type: 'string', valueName: 'SPEC', description: 'Key type of the root and intermediate', choices: KEY_SPECS, default: 'rsa:2048' },
    name: { type: 'string', valueName: 'NAME', description: 'Prefix of the CA names ("NAME Root CA", "NAME Intermediate CA")', default: 'trustpoint local' },
  },
  details: `
Writes root.pem, intermediate.pem, their keys (root.key.pem, intermediate.key.pem, mode
0600) and ca.json. The root is valid 10 years, the intermediate 5; both are backdated one
hour, as AWS Private CA does, to absorb clock skew on devices.
For labs and tests only: production certificates come from AWS Private CA.
`,
  run: runInit,
};

export const caSignCommand: Command = {
  path: ['ca', 'sign'],
  summary: 'Sign a CSR with the local CA (like the AWS Private CA EndEntityServerAuthCertificate/V1 template)',
  options: {
    dir: { type: 'string', valueName: 'DIR', description: 'Directory of the local CA (made by `trustpoint ca init`)', required: true },
    csr: { type: 'string', valueName: 'FILE', description: 'CSR, PEM', required: true },
    days: { type: 'string', valueName: 'N', description: `Validity in days, from now [default: ${DEFAULT_DAYS}]` },
    out: { type: 'string', valueName: 'DIR', description: 'Directory for cert.pem and chain.pem (created if missing)', required: true },
  },
  details: `
The certificate carries the CSR's subject and SANs, serverAuth, digitalSignature (plus
keyEncipherment for RSA keys), CA:FALSE, a random 16-byte serial, and is signed with SHA-256
(PKCS#1 v1.5 for an RSA CA). The CSR signature is checked first; a CSR with neither a CN nor
a SAN is refused. A validity beyond the intermediate's own expiry is refused, not shortened.
chain.pem holds the intermediate, then the root: give both to \`trustpoint pkcs12 --chain\`.
`,
  run: runSign,
};
