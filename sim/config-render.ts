// Renders the configuration as `show running-config` prints it on an ASAv 9.x, and selects
// sections of it for the filtered forms (`show running-config ssl`, `... crypto ca trustpoint X`).
import { createHash } from 'node:crypto';
import type { CoreConfig } from './state-file.js';

export interface RenderFacts {
  readonly serialNumber: string;
  readonly release: string;
  readonly profile: 'current' | 'old-asa';
  readonly failover: { role: 'active' | 'standby'; unit: 'primary' | 'secondary' } | undefined;
  readonly credentials: { readonly username: string };
}

export const HARDWARE_LINE = 'ASAv, 2048 MB RAM, CPU Xeon 4100/6100/8100 series 2200 MHz';

/** A top-level configuration line with its indented sub-lines. */
export type Section = string[];

export function splitSections(lines: readonly string[]): Section[] {
  const sections: Section[] = [];
  for (const line of lines) {
    const last = sections[sections.length - 1];
    if (last && line.startsWith(' ')) last.push(line);
    else sections.push([line]);
  }
  return sections;
}

function formatClockTimezone(clock: CoreConfig['clock']): string {
  const sign = clock.offsetMinutes < 0 ? '-' : '';
  const abs = Math.abs(clock.offsetMinutes);
  const hours = Math.floor(abs / 60);
  const minutes = abs % 60;
  return `clock timezone ${clock.zoneName} ${sign}${hours}${minutes ? ` ${minutes}` : ''}`;
}

/** The configuration body (everything the Cryptochecksum covers), one string per line. */
export function configBodyLines(facts: RenderFacts, core: CoreConfig, pkiLines: readonly string[]): string[] {
  const pki = splitSections(pkiLines);
  const cryptoPki = pki.filter((s) => (s[0] ?? '').startsWith('crypto ')).flat();
  const otherPki = pki.filter((s) => !(s[0] ?? '').startsWith('crypto ')).flat();
  const lines: string[] = [
    `ASA Version ${facts.release}`,
    '!',
    `hostname ${core.hostname}`,
    ...(core.domainName ? [`domain-name ${core.domainName}`] : []),
    'enable password ***** pbkdf2',
    'service-module 0 keepalive-timeout 4',
    'service-module 0 keepalive-counter 6',
    'names',
    'no mac-address auto',
    '',
  ];
  for (const i of core.interfaces) {
    lines.push('!', `interface ${i.hardware}`);
    if (i.hardware.startsWith('Management')) lines.push(' no management-only');
    lines.push(` nameif ${i.nameif}`, ` security-level ${i.securityLevel}`, ` ip address ${i.ipAddress} ${i.netmask}`);
  }
  lines.push('!', 'ftp mode passive');
  if (core.clock.zoneName !== 'UTC' || core.clock.offsetMinutes !== 0) lines.push(formatClockTimezone(core.clock));
  lines.push(`pager lines ${core.pagerLines}`, 'logging enable', 'logging asdm informational');
  for (const i of core.interfaces) lines.push(`mtu ${i.nameif} 1500`);
  if (facts.failover) {
    lines.push(
      'failover',
      `failover lan unit ${facts.failover.unit}`,
      'failover lan interface folink GigabitEthernet0/7',
      'failover link folink GigabitEthernet0/7',
      'failover interface ip folink 10.255.255.1 255.255.255.252 standby 10.255.255.2',
    );
  } else {
    lines.push('no failover');
  }
  const outside = core.interfaces[0];
  lines.push(
    'no monitor-interface service-module',
    'icmp unreachable rate-limit 1 burst-size 1',
    'no asdm history enable',
    'arp timeout 14400',
    'no arp permit-nonconnected',
    'arp rate-limit 16384',
    ...(outside ? [`route ${outside.nameif} 0.0.0.0 0.0.0.0 ${gatewayOf(outside.ipAddress)} 1`] : []),
    'timeout xlate 3:00:00',
    'timeout pat-xlate 0:00:30',
    'timeout conn 1:00:00 half-closed 0:10:00 udp 0:02:00 sctp 0:02:00 icmp 0:00:02',
    'timeout sunrpc 0:10:00 h323 0:05:00 h225 1:00:00 mgcp 0:05:00 mgcp-pat 0:05:00',
    'timeout sip 0:30:00 sip_media 0:02:00 sip-invite 0:03:00 sip-disconnect 0:02:00',
    'timeout sip-provisional-media 0:02:00 uauth 0:05:00 absolute',
    'timeout tcp-proxy-reassembly 0:01:00',
    'timeout floating-conn 0:00:00',
    'timeout conn-holddown 0:00:15',
    'timeout igp stale-route 0:01:10',
    'user-identity default-domain LOCAL',
    'aaa authentication ssh console LOCAL',
    'aaa authentication login-history',
    'http server enable',
    'http 192.168.1.0 255.255.255.0 management',
    'no snmp-server location',
    'no snmp-server contact',
    'crypto ipsec security-association pmtu-aging infinite',
    ...cryptoPki,
    'telnet timeout 5',
    'ssh stricthostkeycheck',
    'ssh 0.0.0.0 0.0.0.0 management',
    'ssh timeout 5',
    `ssh key-exchange group ${facts.profile === 'old-asa' ? 'dh-group14-sha1' : 'dh-group14-sha256'}`,
    'console timeout 0',
    'threat-detection basic-threat',
    'threat-detection statistics access-list',
    'no threat-detection statistics tcp-intercept',
    ...otherPki,
    'dynamic-access-policy-record DfltAccessPolicy',
    `username ${facts.credentials.username} password ***** pbkdf2 privilege 15`,
    '!',
    'class-map inspection_default',
    ' match default-inspection-traffic',
    '!',
    '!',
    'policy-map type inspect dns preset_dns_map',
    ' parameters',
    '  message-length maximum client auto',
    '  message-length maximum 512',
    '  no tcp-inspection',
    'policy-map global_policy',
    ' class inspection_default',
    '  inspect ip-options ',
    '  inspect netbios ',
    '  inspect rtsp ',
    '  inspect sunrpc ',
    '  inspect tftp ',
    '  inspect xdmcp ',
    '  inspect dns preset_dns_map ',
    '  inspect ftp ',
    '  inspect esmtp ',
    '  inspect sqlnet ',
    '  inspect sip  ',
    '  inspect skinny  ',
    'policy-map type inspect dns migrated_dns_map_2',
    ' parameters',
    '  message-length maximum client auto',
    '  message-length maximum 512',
    '  no tcp-inspection',
    '!',
    'service-policy global_policy global',
    `prompt ${core.prompt.join(' ')}`,
    'no call-home reporting anonymous',
    'call-home',
    ' profile License',
    '  destination address http https://tools.cisco.com/its/service/oddce/services/DDCEService',
    '  destination transport-method http',
    ' profile CiscoTAC-1',
    '  no active',
    '  destination address http https://tools.cisco.com/its/service/oddce/services/DDCEService',
    '  destination address email callhome@cisco.com',
    '  destination transport-method http',
    '  subscribe-to-alert-group diagnostic',
    '  subscribe-to-alert-group environment',
    '  subscribe-to-alert-group inventory periodic monthly',
    '  subscribe-to-alert-group configuration periodic monthly',
    '  subscribe-to-alert-group telemetry periodic daily',
  );
  return lines;
}

function gatewayOf(ip: string): string {
  const parts = ip.split('.');
  parts[3] = '1';
  return parts.join('.');
}

/** MD5 over the configuration body, printed by `write memory` in four groups and by `show running-config` in one. */
export function configChecksum(body: readonly string[]): string {
  return createHash('md5').update(`${body.join('\n')}\n`).digest('hex');
}

/** The whole `show running-config` output, one string per line. */
export function runningConfigLines(facts: RenderFacts, core: CoreConfig, pkiLines: readonly string[]): string[] {
  const body = configBodyLines(facts, core, pkiLines);
  return [
    ': Saved',
    '',
    ':',
    `: Serial Number: ${facts.serialNumber}`,
    `: Hardware:   ${HARDWARE_LINE}`,
    ':',
    ...body,
    `Cryptochecksum:${configChecksum(body)}`,
    ': end',
  ];
}

export function renderRunningConfig(facts: RenderFacts, core: CoreConfig, pkiLines: readonly string[]): string {
  return `${runningConfigLines(facts, core, pkiLines).join('\n')}\n`;
}

/** Sections of the body whose first line starts with `prefix` (and, when `name` is given, names it as its next word). */
export function selectSections(body: readonly string[], prefix: string, name?: string): string[] {
  const out: string[] = [];
  for (const section of splitSections(body)) {
    const head = section[0] ?? '';
    if (!head.startsWith(prefix)) continue;
    if (name !== undefined && head.slice(prefix.length).trim().split(/\s+/)[0] !== name) continue;
    out.push(...section);
  }
  return out;
}
