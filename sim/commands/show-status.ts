// Small status commands: show curpriv, show clock, show failover.
import type { CommandDefinition } from '../cli/command.js';
import { CliSession } from '../cli/session.js';
import type { SimDevice } from '../device.js';
import { formatClockTime } from '../time.js';

export function showFailoverLines(device: SimDevice): string[] {
  const fo = device.failover;
  if (!fo) {
    return ['Failover Off', 'Failover unit Primary', 'Failover LAN Interface: not Configured', 'Reconnect timeout 0:00:00', 'Unit Poll frequency 1 seconds, holdtime 15 seconds', 'Interface Poll frequency 5 seconds, holdtime 25 seconds', 'Interface Policy 1', `Monitored Interfaces 0 of 1292 maximum`, 'MAC Address Move Notification Interval not set'];
  }
  const unit = (u: 'primary' | 'secondary'): string => (u === 'primary' ? 'Primary' : 'Secondary');
  const other = fo.unit === 'primary' ? 'secondary' : 'primary';
  const thisState = fo.role === 'active' ? 'Active' : 'Standby Ready';
  const otherState = fo.role === 'active' ? 'Standby Ready' : 'Active';
  const activeSecs = Math.floor((device.clock.now().getTime() - device.bootedAt.getTime()) / 1000);
  const ifaces = (): string[] => device.interfaces.map((i) => `\t\t  Interface ${i.nameif} (${i.ipAddress}): Normal (Monitored)`);
  return [
    'Failover On ',
    `Failover unit ${unit(fo.unit)}`,
    'Failover LAN Interface: folink GigabitEthernet0/7 (up)',
    'Reconnect timeout 0:00:00',
    'Unit Poll frequency 1 seconds, holdtime 15 seconds',
    'Interface Poll frequency 5 seconds, holdtime 25 seconds',
    'Interface Policy 1',
    `Monitored Interfaces ${device.interfaces.length} of 1292 maximum`,
    'MAC Address Move Notification Interval not set',
    `Version: Ours ${device.release}, Mate ${device.release}`,
    `Last Failover at: ${formatClockTime(device.bootedAt, device.clock).replace(/\.\d{3}/, '')}`,
    `\tThis host: ${unit(fo.unit)} - ${thisState}`,
    `\t\tActive time: ${fo.role === 'active' ? activeSecs : 0} (sec)`,
    `\t\tslot 0: ASAv hw/sw rev (/${device.release}) status (Up Sys)`,
    ...ifaces(),
    `\tOther host: ${unit(other)} - ${otherState}`,
    `\t\tActive time: ${fo.role === 'active' ? 0 : activeSecs} (sec)`,
    `\t\tslot 0: ASAv hw/sw rev (/${device.release}) status (Up Sys)`,
    ...ifaces(),
  ];
}

export const SHOW_STATUS_COMMANDS: CommandDefinition[] = [
  {
    syntax: 'show curpriv',
    modes: ['user', 'privileged'],
    run({ io }) {
      const p = io instanceof CliSession ? io.privilege : { username: 'enable_15', level: 15, modeName: 'P_PRIV' };
      io.print(`Username : ${p.username}`);
      io.print(`Current privilege level : ${p.level}`);
      io.print(`Current Mode/s : ${p.modeName}`);
    },
  },
  {
    syntax: 'show clock',
    modes: ['user', 'privileged'],
    run({ device, io }) {
      io.print(formatClockTime(device.clock.now(), device.clock));
    },
  },
  {
    // Only so that `show crypto ipsec` is an incomplete command as on an ASA (incomplete-command-01); no tunnels are simulated.
    syntax: 'show crypto ipsec sa',
    modes: ['privileged'],
    run({ io }) {
      io.print('');
      io.print('There are no ipsec sas');
    },
  },
  {
    syntax: 'show failover',
    modes: ['privileged'],
    run({ device, io }) {
      for (const l of showFailoverLines(device)) io.print(l);
    },
  },
];
