// Saving the configuration: write memory (and its copy form), write standby.
import { AsaCliError, type CommandDefinition } from '../cli/command.js';

function formatChecksum(hex: string): string {
  return (hex.match(/.{8}/g) ?? []).join(' ');
}

export const WRITE_COMMANDS: CommandDefinition[] = [
  {
    syntax: 'write memory',
    modes: ['privileged'],
    run({ device, io }) {
      const { bytes, checksum } = device.writeMemory();
      // A flash write of this size on an ASAv takes a few tenths of a second.
      const secs = 0.1 + bytes / 40_000;
      // write-memory-01: blank line, Building..., checksum in four groups, size and time, [OK].
      io.print('');
      io.print('Building configuration...');
      io.print(`Cryptochecksum: ${formatChecksum(checksum)}`);
      io.print(`${bytes} bytes copied in ${secs.toFixed(2)} secs (${Math.floor(bytes / Math.max(1, Math.floor(secs)))} bytes/sec)`);
      io.print('[OK]');
    },
  },
  {
    syntax: 'write standby',
    modes: ['privileged'],
    run({ device, io }) {
      if (!device.failover) throw new AsaCliError(['ERROR: Failover is not enabled.']);
      if (device.failover.role !== 'active') throw new AsaCliError(['ERROR: write standby can only be issued on the active unit.']);
      io.print('Building configuration...');
      io.print('[OK]');
    },
  },
];
