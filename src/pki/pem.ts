// PEM (RFC 7468) encoding and decoding. Strict on the base64 body: a corrupted paste must
// fail here with a clear message, not later as an opaque ASN.1 error.
import { CertificateFormatError } from '../errors.js';

export interface PemBlock {
  label: string;
  der: Uint8Array;
}

const BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END ([A-Z0-9 ]+)-----/g;
const BASE64_BODY = /^[A-Za-z0-9+/]*={0,2}$/;

/** PEM text with 64-column base64 lines and a trailing newline. */
export function pemEncode(label: string, der: Uint8Array): string {
  if (!/^[A-Z0-9]+(?: [A-Z0-9]+)*$/.test(label)) {
    throw new CertificateFormatError(`invalid PEM label ${JSON.stringify(label)}: expected upper-case words such as "CERTIFICATE"`);
  }
  const base64 = Buffer.from(der.buffer, der.byteOffset, der.byteLength).toString('base64');
  const lines = base64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}${lines.length ? '\n' : ''}-----END ${label}-----\n`;
}

/** Every PEM block in `text`, in order; text between blocks (comments, `openssl x509 -text` output) is ignored. */
export function splitPemBlocks(text: string): PemBlock[] {
  const blocks: PemBlock[] = [];
  for (const match of text.matchAll(BLOCK)) {
    const [, begin = '', body = '', end = ''] = match;
    if (begin !== end) {
      throw new CertificateFormatError(`PEM block "BEGIN ${begin}" ends with "END ${end}"`);
    }
    blocks.push({ label: begin, der: decodeBody(begin, body) });
  }
  return blocks;
}

/**
 * The DER bytes of the first PEM block in `pem` (the first with `label`, when given).
 * Throws CertificateFormatError when there is none or its body is not valid base64.
 */
export function pemDecode(pem: string, label?: string): Uint8Array {
  if (typeof pem !== 'string') throw new CertificateFormatError(`expected PEM text, got ${typeof pem}`);
  const blocks = splitPemBlocks(pem);
  const block = label === undefined ? blocks[0] : blocks.find((b) => b.label === label);
  if (!block) {
    const found = blocks.length ? `found only ${[...new Set(blocks.map((b) => `"${b.label}"`))].join(', ')}` : 'found no PEM block';
    throw new CertificateFormatError(`expected a PEM "${label ?? 'any'}" block (-----BEGIN ${label ?? '...'}-----): ${found}`);
  }
  return block.der;
}

function decodeBody(label: string, body: string): Uint8Array {
  // RFC 1421 encapsulated headers (e.g. "Proc-Type: 4,ENCRYPTED") mean a legacy encrypted key.
  if (/^[ \t]*[A-Za-z-]+:/m.test(body)) {
    throw new CertificateFormatError(`PEM "${label}" block has headers (legacy encrypted PEM?): only unencrypted PEM is supported`);
  }
  const compact = body.replace(/\s+/g, '');
  if (compact.length === 0) throw new CertificateFormatError(`PEM "${label}" block is empty`);
  if (!BASE64_BODY.test(compact) || compact.length % 4 !== 0) {
    throw new CertificateFormatError(`PEM "${label}" block is not valid base64 (truncated or corrupted paste?)`);
  }
  return new Uint8Array(Buffer.from(compact, 'base64'));
}
