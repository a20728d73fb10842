// `crypto ca export <tp> pkcs12 <passphrase>` (ASA-CLI-FACTS.md section 9): a blank line,
// `Exported pkcs12 follows:`, the base64 between BEGIN/END PKCS12 lines, the prompt.
// The block is secret material: no part of it ever goes into an error message.
import { Pkcs12ExportError } from '../../errors.js';
import { outputLines } from './lines.js';
import { classifyLines } from './messages.js';

const BEGIN = '-----BEGIN PKCS12-----';
const END = '-----END PKCS12-----';
const BASE64_LINE = /^[A-Za-z0-9+/]+={0,2}$/;

/** DER length of the outer SEQUENCE (tag + length + content), or undefined when the header is malformed. */
function derTotalLength(der: Uint8Array): number | undefined {
  if (der.length < 2 || der[0] !== 0x30) return undefined;
  const first = der[1]!;
  if (first < 0x80) return 2 + first;
  const count = first & 0x7f;
  if (count === 0 || count > 4 || der.length < 2 + count) return undefined;
  let length = 0;
  for (let i = 0; i < count; i++) length = length * 256 + der[2 + i]!;
  return 2 + count + length;
}

/** The PKCS12 DER bytes of an export; Pkcs12ExportError with the ASA's words, or saying what is wrong with the block. */
export function parseCryptoCaExport(output: string): Uint8Array {
  const lines = outputLines(output).map((l) => l.text.trim());
  const begin = lines.indexOf(BEGIN);
  const end = lines.indexOf(END);
  if (begin < 0 || end < begin) {
    const words = classifyLines(output)
      .filter((m) => m.severity !== 'plain' || !m.text.startsWith('-----'))
      .map((m) => m.text.replace(/^"(.*)"$/, '$1'))
      .join(' ');
    throw new Pkcs12ExportError(`crypto ca export did not return a PKCS12 block${words ? `; the ASA said: ${words}` : ' (no output)'}`);
  }
  const body = lines.slice(begin + 1, end).filter((l) => l !== '');
  if (body.length === 0) throw new Pkcs12ExportError('crypto ca export returned an empty PKCS12 block');
  body.forEach((line, i) => {
    const lastLine = i === body.length - 1;
    if (!BASE64_LINE.test(line) || (!lastLine && line.includes('='))) {
      const bad = [...new Set(line.replace(/[A-Za-z0-9+/=]/g, ''))].join('');
      throw new Pkcs12ExportError(
        `crypto ca export: line ${i + 1} of the PKCS12 block is not base64${bad ? ` (it contains ${JSON.stringify(bad)})` : ''}: the output was truncated or altered`,
      );
    }
  });
  const der = new Uint8Array(Buffer.from(body.join(''), 'base64'));
  const expected = derTotalLength(der);
  if (expected === undefined) throw new Pkcs12ExportError('crypto ca export: the PKCS12 block does not start with a DER SEQUENCE');
  if (expected !== der.length) {
    throw new Pkcs12ExportError(`crypto ca export: the PKCS12 block holds ${der.length} bytes but its DER header announces ${expected}: the output was truncated or altered`);
  }
  return der;
}
