import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMMANDS } from '../../../src/cli/commands/index.js';
import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE, runCli, type CliIo } from '../../../src/cli/framework.js';
import { runOpensslOk } from '../../helpers/openssl.js';

let work: string;

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'tp-cli-csr-'));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

function captureIo(): CliIo & { out: () => string; err: () => string } {
  const out: string[] = [];
  const err: string[] = [];
  return { out: () => out.join(''), err: () => err.join(''), stdout: (t) => out.push(t), stderr: (t) => err.push(t), env: {}, cwd: work };
}

describe('trustpoint csr', () => {
  it('writes a 0600 key and a CSR that openssl verifies, and says what it wrote', async () => {
    const io = captureIo();
    const code = await runCli(
      COMMANDS,
      ['csr', '--cn', 'vpn.example.com', '--san', 'vpn.example.com', '--san', '*.vpn.example.com', '--san', '192.0.2.10', '--o', 'Example Ltd', '--ou', 'Network', '--c', 'US', '--st', 'CA', '--l', 'San Jose', '--email', 'noc@example.com', '--out', 'asa1'],
      io,
    );
    expect(io.err()).toBe('');
    expect(code).toBe(EXIT_OK);
    expect(io.out()).toBe(
      [
        'Wrote asa1/key.pem (private key, rsa:2048, PKCS#8, mode 0600)',
        'Wrote asa1/csr.pem (PKCS#10, sha256WithRSAEncryption)',
        '  Subject: e=noc@example.com, cn=vpn.example.com, ou=Network, o=Example Ltd, l=San Jose, st=CA, c=US',
        '  SANs:    DNS:vpn.example.com, DNS:*.vpn.example.com, IP:192.0.2.10',
        '',
      ].join('\n'),
    );
    const keyFile = path.join(work, 'asa1', 'key.pem');
    expect((await stat(keyFile)).mode & 0o777).toBe(0o600);
    const key = await readFile(keyFile, 'utf8');
    const csr = await readFile(path.join(work, 'asa1', 'csr.pem'), 'utf8');
    const req = await runOpensslOk(['req', '-in', 'csr.pem', '-noout', '-verify', '-text', '-subject', '-nameopt', 'RFC2253'], { files: { 'csr.pem': csr } });
    expect(req.stderr).toContain('self-signature verify OK');
    expect(req.stdout).toContain('subject=emailAddress=noc@example.com,CN=vpn.example.com,OU=Network,O=Example Ltd,L=San Jose,ST=CA,C=US');
    expect(req.stdout).toContain('DNS:vpn.example.com, DNS:*.vpn.example.com, IP Address:192.0.2.10');
    // The CSR belongs to the key that was written.
    const fromKey = await runOpensslOk(['pkey', '-in', 'key.pem', '-pubout'], { files: { 'key.pem': key } });
    const fromCsr = await runOpensslOk(['req', '-in', 'csr.pem', '-noout', '-pubkey'], { files: { 'csr.pem': csr } });
    expect(fromCsr.stdout).toBe(fromKey.stdout);
    // Nothing secret on the terminal.
    expect(io.out()).not.toContain('PRIVATE KEY');
  });

  it('makes an EC P-256 key when asked and notes a missing SAN', async () => {
    const io = captureIo();
    expect(await runCli(COMMANDS, ['csr', '--cn', 'asa2.example.com', '--key', 'ec:p256', '--out', 'asa2'], io)).toBe(EXIT_OK);
    expect(io.out()).toContain('Wrote asa2/key.pem (private key, ec:p256, PKCS#8, mode 0600)');
    expect(io.out()).toContain('  SANs:    (none)');
    expect(io.err()).toBe('trustpoint csr: note: no --san given; TLS clients match the SAN, not the CN: consider --san asa2.example.com\n');
    const key = await readFile(path.join(work, 'asa2', 'key.pem'), 'utf8');
    expect((await runOpensslOk(['pkey', '-in', 'k.pem', '-noout', '-text'], { files: { 'k.pem': key } })).stdout).toContain('ASN1 OID: prime256v1');
  });

  it('refuses to overwrite an existing key.pem (exit 1) and leaves both files alone', async () => {
    await mkdir(path.join(work, 'taken'));
    await writeFile(path.join(work, 'taken', 'key.pem'), 'existing key\n');
    await writeFile(path.join(work, 'taken', 'csr.pem'), 'existing csr\n');
    const io = captureIo();
    expect(await runCli(COMMANDS, ['csr', '--cn', 'vpn.example.com', '--out', 'taken'], io)).toBe(EXIT_FAILURE);
    expect(io.err()).toBe(
      'trustpoint csr: taken/key.pem already exists: refusing to overwrite a private key (it may be waiting for its certificate); choose another --out or move it away\n',
    );
    expect(await readFile(path.join(work, 'taken', 'key.pem'), 'utf8')).toBe('existing key\n');
    expect(await readFile(path.join(work, 'taken', 'csr.pem'), 'utf8')).toBe('existing csr\n');
  });

  it.each([
    [['--cn', 'vpn.example.com', '--c', 'USA', '--out', 'never'], '--c: "USA" must be exactly two letters A-Z, the ISO 3166-1 alpha-2 country code (e.g. "US", "DE", "GB")'],
    [['--cn', 'vpn.example.com', '--c', 'us', '--out', 'never'], '--c: "us" must be two upper-case letters (ISO 3166-1 alpha-2): use "US"'],
    [['--cn', 'c'.repeat(65), '--out', 'never'], `--cn: "${'c'.repeat(65)}" is 65 characters long: the common name allows at most 64`],
    [['--cn', 'vpn.example.com', '--email', 'noc', '--out', 'never'], '--email: "noc" is not a plausible e-mail address (ASCII local-part@domain.example)'],
    [['--cn', 'vpn.example.com', '--san', 'a*.example.com', '--out', 'never'], '--san: "a*.example.com" has a partial wildcard: a wildcard must be the whole leftmost label ("*.example.com")'],
    [['--cn', 'vpn.example.com', '--san', 'x.example.com', '--san', 'X.example.com', '--out', 'never'], '--san: "X.example.com" duplicates "x.example.com"'],
    [['--cn', 'vpn.example.com', '--key', 'rsa:1024', '--out', 'never'], '--key: "rsa:1024" is not one of rsa:2048, rsa:3072, rsa:4096, ec:p256, ec:p384'],
    [['--san', 'vpn.example.com', '--out', 'never'], '--cn is required'],
    [['--cn', 'vpn.example.com'], '--out is required'],
  ])('exits 2 naming the flag for %j', async (flags, message) => {
    const io = captureIo();
    expect(await runCli(COMMANDS, ['csr', ...flags], io)).toBe(EXIT_USAGE);
    expect(io.err()).toContain(`trustpoint csr: ${message}\n`);
    await expect(stat(path.join(work, 'never'))).rejects.toThrow();
  });

  it('documents itself in --help', async () => {
    const io = captureIo();
    expect(await runCli(COMMANDS, ['csr', '--help'], io)).toBe(EXIT_OK);
    expect(io.out()).toContain('Usage: trustpoint csr --cn NAME [--san DNS_OR_IP ...] [--ou X] [--o X] [--c XX] [--st X] [--l X] [--email X] [--key SPEC] --out DIR');
    expect(io.out()).toContain('(one of: rsa:2048, rsa:3072, rsa:4096, ec:p256, ec:p384) [default: rsa:2048]');
  });
});
