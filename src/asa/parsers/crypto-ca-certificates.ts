// `show crypto ca certificates [<tp>]` (ASA-CLI-FACTS.md section 6). Tolerant of what varies
// between captures (trailing spaces, a leading blank line, the echoed command, the prompt,
// `Storage:`, absent OCSP/CRL blocks, CRLF); strict about anything else inside an entry, so an
// entry is never silently dropped or half-read.
import { AsaOutputParseError } from '../../errors.js';
import { type ClockOffsets, deviceTimeToUtc, parseDeviceTime } from './device-time.js';
import { type OutputLine, outputLines, quoteLine } from './lines.js';

export interface Rdn {
  /** As printed: lowercase `cn`, `ou`, `o`, `dc`, ..., `hostname`, `ipaddress`, `serialNumber`. */
  key: string;
  value: string;
}

export interface CertificateValidity {
  startText: string;
  endText: string;
  /** The zone label of the start date (the configured clock zone name, not an offset). */
  zone: string;
  /** The zone label of the end date; differs from `zone` only across summer time (EST/EDT). */
  endZone: string;
  /** UTC instants, present only when the device's offset for the label is known (see ClockOffsets). */
  start?: Date;
  end?: Date;
}

export interface CaCertificateEntry {
  /** `Certificate` is the trustpoint's identity certificate, `CA Certificate` a CA of its chain. */
  kind: 'identity' | 'ca';
  status: string;
  /** Lowercase hex as printed (leading 00 bytes kept). */
  serialHex: string;
  usage: string;
  publicKey: { type: 'RSA' | 'EC'; bits: number };
  signatureAlgorithm: string;
  issuer: Rdn[];
  subject: Rdn[];
  ocspUrls: string[];
  crlDistributionPoints: string[];
  validity: CertificateValidity;
  /** `Storage: config` (printed by some releases only). */
  storage?: string;
  associatedTrustpoints: string[];
  /** Line number of the entry's header in the parsed text. */
  line: number;
}

export type ShowCryptoCaCertificatesOptions = ClockOffsets;

const HEADERS: Record<string, CaCertificateEntry['kind']> = { Certificate: 'identity', 'CA Certificate': 'ca' };
// A public key line is `RSA (2048 bits)`; EC wording was never captured, so both plausible spellings are accepted.
const PUBLIC_KEY_PATTERN = /^(RSA|EC|ECDSA) \((\d+) bits\)$/;
const SERIAL_PATTERN = /^[0-9a-fA-F]+$/;
const RDN_PATTERN = /^([A-Za-z][A-Za-z0-9.-]*)=(.*)$/;
const CRL_DP_PATTERN = /^\[(\d+)\]\s+(\S.*)$/;
const OCSP_URL_PATTERN = /^URL:\s+(\S.*)$/;
const START_PATTERN = /^start date:\s+(\S.*)$/;
const END_PATTERN = /^end\s+date:\s+(\S.*)$/;

type BlockName = 'Issuer Name' | 'Subject Name' | 'OCSP AIA' | 'CRL Distribution Points' | 'Validity Date';
const BLOCKS: readonly BlockName[] = ['Issuer Name', 'Subject Name', 'OCSP AIA', 'CRL Distribution Points', 'Validity Date'];
type ScalarName = 'Status' | 'Certificate Serial Number' | 'Certificate Usage' | 'Public Key Type' | 'Signature Algorithm' | 'Storage' | 'Associated Trustpoints';
const SCALARS: readonly ScalarName[] = [
  'Status',
  'Certificate Serial Number',
  'Certificate Usage',
  'Public Key Type',
  'Signature Algorithm',
  'Storage',
  'Associated Trustpoints',
];
const REQUIRED: readonly (ScalarName | BlockName)[] = [
  'Status',
  'Certificate Serial Number',
  'Certificate Usage',
  'Public Key Type',
  'Signature Algorithm',
  'Issuer Name',
  'Subject Name',
  'Validity Date',
  'Associated Trustpoints',
];

interface RawEntry {
  header: OutputLine;
  kind: CaCertificateEntry['kind'];
  scalars: Map<ScalarName, OutputLine & { value: string }>;
  blocks: Map<BlockName, { line: OutputLine; items: OutputLine[] }>;
}

function indentOf(text: string): number {
  return text.length - text.trimStart().length;
}

function fail(line: OutputLine, problem: string): never {
  throw new AsaOutputParseError(`show crypto ca certificates, ${quoteLine(line)}: ${problem}`);
}

function splitEntries(lines: OutputLine[]): RawEntry[] {
  const entries: RawEntry[] = [];
  let current: RawEntry | undefined;
  let openBlock: { line: OutputLine; items: OutputLine[] } | undefined;
  for (const line of lines) {
    if (line.text === '') continue;
    if (/^\t/.test(line.text)) fail(line, 'tab indentation is not expected');
    const indent = indentOf(line.text);
    const content = line.text.trim();
    if (indent === 0) {
      const kind = HEADERS[content];
      if (!kind) fail(line, 'expected "Certificate" or "CA Certificate" at the start of an entry');
      current = { header: line, kind, scalars: new Map(), blocks: new Map() };
      openBlock = undefined;
      entries.push(current);
      continue;
    }
    if (!current) fail(line, 'indented line before any "Certificate" or "CA Certificate" header');
    if (indent >= 4) {
      if (!openBlock) fail(line, 'value line outside of a block such as "Issuer Name:"');
      openBlock.items.push({ number: line.number, text: content });
      continue;
    }
    openBlock = undefined;
    const blockName = BLOCKS.find((b) => content === `${b}:`);
    if (blockName) {
      if (current.blocks.has(blockName)) fail(line, `"${blockName}:" appears twice in one entry`);
      openBlock = { line, items: [] };
      current.blocks.set(blockName, openBlock);
      continue;
    }
    const scalarName = SCALARS.find((s) => content.startsWith(`${s}:`));
    if (scalarName) {
      if (current.scalars.has(scalarName)) fail(line, `"${scalarName}:" appears twice in one entry`);
      const value = content.slice(scalarName.length + 1).trim();
      if (value === '') fail(line, `"${scalarName}:" has no value`);
      current.scalars.set(scalarName, { ...line, value });
      continue;
    }
    fail(line, 'unknown field in a certificate entry');
  }
  return entries;
}

function parseRdns(block: { line: OutputLine; items: OutputLine[] }): Rdn[] {
  if (block.items.length === 0) fail(block.line, 'the name has no attributes');
  return block.items.map((item) => {
    const match = RDN_PATTERN.exec(item.text);
    if (!match) fail(item, 'expected an attribute like "cn=value"');
    return { key: match[1]!, value: match[2]! };
  });
}

function parseItems(block: { line: OutputLine; items: OutputLine[] } | undefined, pattern: RegExp, expected: string): string[] {
  if (!block) return [];
  if (block.items.length === 0) fail(block.line, `the block has no ${expected}`);
  return block.items.map((item) => {
    const match = pattern.exec(item.text);
    if (!match) fail(item, `expected ${expected}`);
    return match[match.length - 1]!;
  });
}

function parseValidity(block: { line: OutputLine; items: OutputLine[] }, options: ClockOffsets | undefined): CertificateValidity {
  let start: OutputLine & { value: string } | undefined;
  let end: OutputLine & { value: string } | undefined;
  for (const item of block.items) {
    const s = START_PATTERN.exec(item.text);
    const e = END_PATTERN.exec(item.text);
    if (s && !start) start = { ...item, value: s[1]! };
    else if (e && !end) end = { ...item, value: e[1]! };
    else fail(item, 'expected one "start date:" and one "end   date:" line');
  }
  if (!start || !end) fail(block.line, 'the validity block needs a "start date:" and an "end   date:" line');
  const startTime = parseDeviceTime(start.value, `show crypto ca certificates, ${quoteLine(start)}`);
  const endTime = parseDeviceTime(end.value, `show crypto ca certificates, ${quoteLine(end)}`);
  const validity: CertificateValidity = { startText: start.value, endText: end.value, zone: startTime.zone, endZone: endTime.zone };
  const startUtc = deviceTimeToUtc(startTime, options);
  const endUtc = deviceTimeToUtc(endTime, options);
  if (startUtc) validity.start = startUtc;
  if (endUtc) validity.end = endUtc;
  return validity;
}

function toEntry(raw: RawEntry, options: ClockOffsets | undefined): CaCertificateEntry {
  for (const name of REQUIRED) {
    const present = raw.scalars.has(name as ScalarName) || raw.blocks.has(name as BlockName);
    if (!present) fail(raw.header, `the entry has no "${name}:" field`);
  }
  const scalar = (name: ScalarName) => raw.scalars.get(name)!;
  const serial = scalar('Certificate Serial Number');
  if (!SERIAL_PATTERN.test(serial.value)) fail(serial, 'the serial number is not hexadecimal');
  const keyLine = scalar('Public Key Type');
  const key = PUBLIC_KEY_PATTERN.exec(keyLine.value);
  if (!key) fail(keyLine, 'expected a key type like "RSA (2048 bits)"');
  const entry: CaCertificateEntry = {
    kind: raw.kind,
    status: scalar('Status').value,
    serialHex: serial.value.toLowerCase(),
    usage: scalar('Certificate Usage').value,
    publicKey: { type: key[1] === 'RSA' ? 'RSA' : 'EC', bits: Number(key[2]) },
    signatureAlgorithm: scalar('Signature Algorithm').value,
    issuer: parseRdns(raw.blocks.get('Issuer Name')!),
    subject: parseRdns(raw.blocks.get('Subject Name')!),
    ocspUrls: parseItems(raw.blocks.get('OCSP AIA'), OCSP_URL_PATTERN, 'a "URL: <url>" line'),
    crlDistributionPoints: parseItems(raw.blocks.get('CRL Distribution Points'), CRL_DP_PATTERN, 'a "[n]  <url>" line'),
    validity: parseValidity(raw.blocks.get('Validity Date')!, options),
    associatedTrustpoints: scalar('Associated Trustpoints').value.split(/\s+/),
    line: raw.header.number,
  };
  const storage = raw.scalars.get('Storage');
  if (storage) entry.storage = storage.value;
  return entry;
}

/** Every entry of `show crypto ca certificates [<tp>]`, in printed order. Throws AsaOutputParseError naming the line it cannot read. */
export function parseShowCryptoCaCertificates(output: string, options?: ShowCryptoCaCertificatesOptions): CaCertificateEntry[] {
  return splitEntries(outputLines(output)).map((raw) => toEntry(raw, options));
}

/** The value of the first RDN with `key` (e.g. 'cn'), if any. */
export function rdnValue(rdns: readonly Rdn[], key: string): string | undefined {
  return rdns.find((r) => r.key.toLowerCase() === key.toLowerCase())?.value;
}

/** `cn=a,ou=b,...` in printed order, for messages and tables. */
export function formatRdns(rdns: readonly Rdn[]): string {
  return rdns.map((r) => `${r.key}=${r.value}`).join(',');
}
