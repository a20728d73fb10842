// `show version` in the layout of an ASAv 9.x (show-version-01 / -05).
import { createHash } from 'node:crypto';
import type { CommandDefinition } from '../cli/command.js';
import { HARDWARE_LINE } from '../config-render.js';
import type { SimDevice } from '../device.js';
import { formatClockTime, formatUptime } from '../time.js';

/** `9.16(4)` -> `asa9164-smp-k8.bin`, `9.5(2)204` -> `asa952-204-smp-k8.bin`. */
export function imageFileName(release: string): string {
  const m = /^(\d+)\.(\d+)\((\d+)\)(\d*)$/.exec(release);
  if (!m) return 'asa-smp-k8.bin';
  return `asa${m[1]}${m[2]}${m[3]}${m[4] ? `-${m[4]}` : ''}-smp-k8.bin`;
}

function deviceManagerVersion(release: string): string {
  const m = /^\d+\.(\d+)\(/.exec(release);
  return m ? `7.${m[1]}(1)` : '7.16(1)';
}

function macFor(device: SimDevice, index: number): string {
  const h = createHash('sha256').update(`${device.id}/${index}`).digest('hex');
  return `02${h.slice(2, 4)}.${h.slice(4, 8)}.${h.slice(8, 12)}`;
}

export function showVersionLines(device: SimDevice): string[] {
  const now = device.clock.now();
  const uptime = formatUptime(now.getTime() - device.bootedAt.getTime());
  const ports = [...device.interfaces].sort((a, b) => Number(!a.hardware.startsWith('Management')) - Number(!b.hardware.startsWith('Management')) || a.hardware.localeCompare(b.hardware));
  const modified = device.lastModified
    ? `Configuration last modified by ${device.lastModified.by} at ${formatClockTime(device.lastModified.at, device.clock)}`
    : 'Configuration has not been modified since last system restart.';
  return [
    '',
    `Cisco Adaptive Security Appliance Software Version ${device.release}${device.multiContext ? ' <context>' : ''}`,
    `Device Manager Version ${deviceManagerVersion(device.release)}`,
    '',
    'Compiled on Mon 13-Dec-21 11:51 PST by builders',
    `System image file is "boot:/${imageFileName(device.release)}"`,
    'Config file at boot was "startup-config"',
    '',
    `${device.hostname} up ${uptime}`,
    ...(device.failover ? [`failover cluster up ${uptime}`] : []),
    '',
    `Hardware:   ${HARDWARE_LINE},`,
    'Model Id:   ASAv10',
    'Internal ATA Compact Flash, 8192MB',
    'Slot 1: ATA Compact Flash, 8192MB',
    'BIOS Flash Firmware Hub @ 0x0, 0KB',
    '',
    '',
    ...ports.map((p, i) => ` ${i}: Ext: ${p.hardware.padEnd(20)}: address is ${macFor(device, i)}, irq ${i < 2 ? 11 : 10}`),
    '',
    'License mode: Smart Licensing',
    'ASAv Platform License State: Licensed',
    'Active entitlement: ASAv-STD-1G, enforce mode: Authorized',
    '',
    'Licensed features for this platform:',
    'Maximum Physical Interfaces       : 10',
    'Maximum VLANs                     : 50',
    'Inside Hosts                      : Unlimited',
    'Failover                          : Active/Standby',
    'Encryption-DES                    : Enabled',
    'Encryption-3DES-AES               : Enabled',
    `Security Contexts                 : ${device.multiContext ? 2 : 0}`,
    'Carrier                           : Disabled',
    'AnyConnect Premium Peers          : 250',
    'AnyConnect Essentials             : Disabled',
    'Other VPN Peers                   : 250',
    'Total VPN Peers                   : 250',
    'AnyConnect for Mobile             : Enabled',
    'AnyConnect for Cisco VPN Phone    : Enabled',
    'Advanced Endpoint Assessment      : Enabled',
    'Shared License                    : Disabled',
    'Total TLS Proxy Sessions          : 498',
    'Botnet Traffic Filter             : Enabled',
    'Cluster                           : Disabled',
    '',
    `Serial Number: ${device.serialNumber}`,
    '',
    'Image type          : Release',
    'Key version         : A',
    '',
    modified,
  ];
}

export const SHOW_VERSION_COMMANDS: CommandDefinition[] = [
  {
    syntax: 'show version',
    modes: ['user', 'privileged'],
    run({ device, io }) {
      for (const l of showVersionLines(device)) io.print(l);
    },
  },
];
