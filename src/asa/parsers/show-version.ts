// `show version` (ASA-CLI-FACTS.md sections 1 and 14).
import { AsaOutputParseError } from '../../errors.js';
import { outputLines } from './lines.js';

export interface ShowVersion {
  /** e.g. '9.5(2)204'. */
  release: string;
  deviceManager?: string;
  hostname: string;
  /** As printed after `<hostname> up `, e.g. '41 days 19 hours'. */
  uptime: string;
  /** `Model Id:` when printed, else the first field of `Hardware:`. */
  model?: string;
  serialNumber?: string;
  /** From the licence line `Failover : Active/Standby`: what the licence allows, NOT whether failover is configured or this unit's role (see parseShowFailover). */
  failover?: { mode: string };
  /** `Security Contexts : N`: the licensed number, NOT the mode (a single-mode box may hold a licence for contexts). */
  securityContextsLicensed?: number;
  /** `<context>` / `<system>` at the end of line 1: printed only in multiple-context mode. */
  contextMarker?: 'context' | 'system';
  multipleContext: boolean;
}

const VERSION_PATTERN = /^Cisco Adaptive Security Appliance Software Version (\S+)(?: <(context|system)>)?$/;

/** Parses `show version`; AsaOutputParseError when the output is not an ASA's (no version line, no uptime line). */
export function parseShowVersion(output: string): ShowVersion {
  const lines = outputLines(output).map((l) => l.text);
  let version: RegExpExecArray | null = null;
  for (const line of lines) {
    version = VERSION_PATTERN.exec(line);
    if (version) break;
  }
  if (!version) {
    throw new AsaOutputParseError('show version: no "Cisco Adaptive Security Appliance Software Version" line: this does not look like an ASA');
  }
  const field = (pattern: RegExp): string | undefined => {
    for (const line of lines) {
      const match = pattern.exec(line);
      if (match) return match[1];
    }
    return undefined;
  };
  let uptime: RegExpExecArray | null = null;
  for (const line of lines) {
    uptime = /^(\S+) up (\d.*)$/.exec(line);
    if (uptime) break;
  }
  if (!uptime) throw new AsaOutputParseError('show version: no "<hostname> up <time>" line');
  const result: ShowVersion = {
    release: version[1]!,
    hostname: uptime[1]!,
    uptime: uptime[2]!,
    multipleContext: version[2] !== undefined,
  };
  if (version[2] === 'context' || version[2] === 'system') result.contextMarker = version[2];
  const deviceManager = field(/^Device Manager Version (\S+)$/);
  if (deviceManager) result.deviceManager = deviceManager;
  const model = field(/^Model Id:\s+(\S+)$/) ?? field(/^Hardware:\s+([^,\s]+)/);
  if (model) result.model = model;
  const serial = field(/^Serial Number:\s+(\S+)$/);
  if (serial) result.serialNumber = serial;
  const failover = field(/^Failover\s+:\s+(\S.*)$/);
  if (failover) result.failover = { mode: failover };
  const contexts = field(/^Security Contexts\s+:\s+(\d+)$/);
  if (contexts !== undefined) result.securityContextsLicensed = Number(contexts);
  return result;
}

export interface ShowFailover {
  /** `Failover On` / `Failover Off`. */
  enabled: boolean;
  /** `This host: Primary - Active`: the unit and its state as printed. */
  thisHost?: { unit: 'primary' | 'secondary'; state: string };
  otherHost?: { unit: 'primary' | 'secondary'; state: string };
  /** This unit's role, from `This host:` (Active -> active, Standby ... -> standby); undefined when failover is off. */
  role?: 'active' | 'standby' | 'other';
}

/** Parses `show failover` (only the lines that say whether failover is on and which unit is active). */
export function parseShowFailover(output: string): ShowFailover {
  const lines = outputLines(output).map((l) => l.text.trim());
  const status = lines.map((l) => /^Failover (On|Off)$/.exec(l)).find((m) => m);
  if (!status) throw new AsaOutputParseError('show failover: no "Failover On" or "Failover Off" line');
  const host = (label: string) => {
    const match = lines.map((l) => new RegExp(`^${label} host:\\s+(Primary|Secondary)\\s+-\\s+(\\S.*)$`).exec(l)).find((m) => m);
    return match ? { unit: match[1] === 'Primary' ? ('primary' as const) : ('secondary' as const), state: match[2]! } : undefined;
  };
  const result: ShowFailover = { enabled: status[1] === 'On' };
  const thisHost = host('This');
  const otherHost = host('Other');
  if (thisHost) result.thisHost = thisHost;
  if (otherHost) result.otherHost = otherHost;
  if (result.enabled) {
    if (!thisHost) throw new AsaOutputParseError('show failover: failover is on but there is no "This host: <unit> - <state>" line');
    result.role = /^Active\b/.test(thisHost.state) ? 'active' : /^Standby\b/.test(thisHost.state) ? 'standby' : 'other';
  }
  return result;
}
