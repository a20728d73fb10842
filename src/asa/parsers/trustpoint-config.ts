// `show running-config crypto ca trustpoint [<tp>]` (ASA-CLI-FACTS.md section 11) and the key
// names of `show crypto key mypubkey rsa|ecdsa` (section 10).
import { AsaOutputParseError } from '../../errors.js';
import { outputLines, quoteLine } from './lines.js';

export interface TrustpointConfig {
  name: string;
  keypair?: string;
  enrollment?: string;
  /** The one-space-indented sub-lines, trimmed, in printed order. */
  lines: string[];
}

/** Every `crypto ca trustpoint <name>` block with its sub-lines; other top-level lines are ignored. */
export function parseRunningConfigTrustpoints(output: string): TrustpointConfig[] {
  const result: TrustpointConfig[] = [];
  let current: TrustpointConfig | undefined;
  for (const line of outputLines(output)) {
    if (line.text === '') continue;
    if (!/^\s/.test(line.text)) {
      const header = /^crypto ca trustpoint (\S+)$/.exec(line.text);
      current = header ? { name: header[1]!, lines: [] } : undefined;
      if (current) result.push(current);
      continue;
    }
    if (!current) continue;
    const text = line.text.trim();
    current.lines.push(text);
    const keypair = /^keypair (\S+)$/.exec(text);
    if (keypair) current.keypair = keypair[1]!;
    const enrollment = /^enrollment (.+)$/.exec(text);
    if (enrollment) current.enrollment = enrollment[1]!;
  }
  return result;
}

export interface KeyPairInfo {
  name: string;
  generatedAt?: string;
  modulusBits?: number;
}

/** The key pairs of `show crypto key mypubkey rsa` (or ecdsa): name, generation time, size. */
export function parseShowCryptoKeyMypubkey(output: string): KeyPairInfo[] {
  const keys: KeyPairInfo[] = [];
  let generatedAt: string | undefined;
  for (const line of outputLines(output)) {
    const text = line.text.trim();
    const generated = /^Key pair was generated at: (.+)$/.exec(text);
    if (generated) {
      generatedAt = generated[1]!;
      continue;
    }
    const name = /^Key name: (\S+)$/.exec(text);
    if (name) {
      const key: KeyPairInfo = { name: name[1]! };
      if (generatedAt) key.generatedAt = generatedAt;
      generatedAt = undefined;
      keys.push(key);
      continue;
    }
    const size = /^Modulus Size \(bits\): (\d+)$/.exec(text);
    if (size) {
      const last = keys.at(-1);
      if (!last) throw new AsaOutputParseError(`show crypto key mypubkey, ${quoteLine(line)}: a key size before any "Key name:" line`);
      last.modulusBits = Number(size[1]);
    }
  }
  return keys;
}
