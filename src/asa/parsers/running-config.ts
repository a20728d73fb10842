// `show running-config ssl` and `show running-config crypto ikev2` (ASA-CLI-FACTS.md section 11).
import { AsaOutputParseError } from '../../errors.js';
import { isCliValue } from '../names.js';
import { type OutputLine, outputLines, quoteLine } from './lines.js';

export interface SslBinding {
  interface: string;
  trustpoint: string;
  /** `ssl trust-point <tp> <if> vpnlb-ip`: the certificate for the VPN load-balancing address. */
  vpnlbIp?: boolean;
}

export interface RunningConfigSsl {
  /** `ssl trust-point <tp> <interface>` lines, in printed order. */
  bindings: SslBinding[];
  /** The bare `ssl trust-point <tp>`: used on interfaces without their own binding. */
  defaultTrustpoint?: string;
  /** Every other non-empty line, kept verbatim (`ssl server-version ...`, `ssl encryption ...`). */
  otherLines: string[];
}

function fail(command: string, line: OutputLine, problem: string): never {
  throw new AsaOutputParseError(`${command}, ${quoteLine(line)}: ${problem}`);
}

/** Interface -> trustpoint bindings and the bare default from `show running-config ssl`. */
export function parseShowRunningConfigSsl(output: string): RunningConfigSsl {
  const result: RunningConfigSsl = { bindings: [], otherLines: [] };
  for (const line of outputLines(output)) {
    if (line.text === '') continue;
    const tokens = line.text.trim().split(/\s+/);
    if (tokens[0] !== 'ssl' || tokens[1] !== 'trust-point') {
      result.otherLines.push(line.text);
      continue;
    }
    const [, , trustpoint, iface, extra, ...rest] = tokens;
    if (trustpoint === undefined || !isCliValue('trustpoint', trustpoint)) fail('show running-config ssl', line, 'expected a trustpoint name after "ssl trust-point"');
    if (rest.length > 0 || (extra !== undefined && extra !== 'vpnlb-ip')) fail('show running-config ssl', line, 'unexpected words after the interface');
    if (iface === undefined) {
      if (result.defaultTrustpoint !== undefined) fail('show running-config ssl', line, 'a second bare "ssl trust-point" line');
      result.defaultTrustpoint = trustpoint;
      continue;
    }
    if (!isCliValue('interface', iface)) fail('show running-config ssl', line, 'the interface name is not a valid nameif');
    const binding: SslBinding = { interface: iface, trustpoint };
    if (extra === 'vpnlb-ip') binding.vpnlbIp = true;
    result.bindings.push(binding);
  }
  return result;
}

/**
 * The interface's own `ssl trust-point <tp> <if>` binding (not a vpnlb-ip one, not the bare
 * default): what a rebind replaces and a rollback restores. Undefined when it has none.
 */
export function interfaceBinding(ssl: RunningConfigSsl, iface: string): string | undefined {
  return ssl.bindings.find((b) => b.interface === iface && !b.vpnlbIp)?.trustpoint;
}

export interface RunningConfigIkev2 {
  /** `crypto ikev2 remote-access trustpoint <tp>` lines, in printed order (the first is the one presented). */
  remoteAccessTrustpoints: string[];
  /** Interfaces from `crypto ikev2 enable <if> ...`. */
  enabledInterfaces: string[];
  otherLines: string[];
}

/** The IKEv2 remote-access trustpoint(s) from `show running-config crypto ikev2` (other lines kept). */
export function parseShowRunningConfigIkev2(output: string): RunningConfigIkev2 {
  const result: RunningConfigIkev2 = { remoteAccessTrustpoints: [], enabledInterfaces: [], otherLines: [] };
  for (const line of outputLines(output)) {
    if (line.text === '') continue;
    const tokens = line.text.trim().split(/\s+/);
    const head = tokens.slice(0, 4).join(' ');
    if (head === 'crypto ikev2 remote-access trustpoint') {
      const [tp, ...rest] = tokens.slice(4);
      const lineSuffixOk = rest.length === 0 || (rest.length === 2 && rest[0] === 'line' && /^\d+$/.test(rest[1]!));
      if (tp === undefined || !isCliValue('trustpoint', tp) || !lineSuffixOk) {
        fail('show running-config crypto ikev2', line, 'expected "crypto ikev2 remote-access trustpoint <trustpoint> [line <n>]"');
      }
      result.remoteAccessTrustpoints.push(tp);
    } else if (tokens.slice(0, 3).join(' ') === 'crypto ikev2 enable' && tokens[3] !== undefined) {
      result.enabledInterfaces.push(tokens[3]);
      result.otherLines.push(line.text);
    } else {
      result.otherLines.push(line.text);
    }
  }
  return result;
}

export interface ClockConfig {
  zoneName: string;
  offsetMinutes: number;
  /** `clock summer-time <zone> ...`: the summer label, one hour ahead unless the line says otherwise. */
  summerZoneName?: string;
}

/** `clock timezone <name> <hours> [<minutes>]` from running-config lines; undefined when not configured (the ASA then runs on UTC). */
export function parseClockConfig(output: string): ClockConfig | undefined {
  let config: ClockConfig | undefined;
  let summer: string | undefined;
  for (const line of outputLines(output)) {
    const tz = /^clock timezone (\S+) (-?\d{1,2})(?: (\d{1,2}))?$/.exec(line.text.trim());
    if (tz) {
      const hours = Number(tz[2]);
      const minutes = Number(tz[3] ?? 0);
      const sign = tz[2]!.startsWith('-') ? -1 : 1;
      config = { zoneName: tz[1]!, offsetMinutes: hours * 60 + sign * minutes };
      continue;
    }
    const st = /^clock summer-time (\S+) /.exec(line.text.trim());
    if (st) summer = st[1]!;
  }
  if (config && summer !== undefined) config.summerZoneName = summer;
  return config;
}
