// `write memory` (ASA-CLI-FACTS.md section 5): success requires the `[OK]` line.
import { outputLines } from './lines.js';
import { errorMessages } from './messages.js';

export type WriteMemoryResult = { ok: true; checksum?: string; bytes?: number } | { ok: false; reason: string };

const CHECKSUM_PATTERN = /^Cryptochecksum:\s*((?:[0-9a-f]{8} ){3}[0-9a-f]{8})\s*$/;

export function parseWriteMemory(output: string): WriteMemoryResult {
  const lines = outputLines(output).map((l) => l.text.trim());
  const errors = errorMessages(output).filter((m) => m.text !== '[FAILED]');
  if (lines.includes('[FAILED]') || errors.length > 0) {
    const words = errors.map((m) => m.text).join(' / ');
    return { ok: false, reason: words ? `${words}${lines.includes('[FAILED]') ? ' [FAILED]' : ''}` : '[FAILED]' };
  }
  if (!lines.includes('[OK]')) {
    return { ok: false, reason: `no "[OK]" line in the output${lines.some((l) => l !== '') ? `; last line: ${JSON.stringify(lines.filter((l) => l !== '').at(-1))}` : ''}` };
  }
  const result: { ok: true; checksum?: string; bytes?: number } = { ok: true };
  for (const line of lines) {
    const checksum = CHECKSUM_PATTERN.exec(line);
    if (checksum) result.checksum = checksum[1]!;
    const bytes = /^(\d+) bytes copied in /.exec(line);
    if (bytes) result.bytes = Number(bytes[1]);
  }
  return result;
}
