// `show running-config` (whole and filtered), `show startup-config`.
import type { CommandDefinition } from '../cli/command.js';
import { selectSections } from '../config-render.js';
import type { SimDevice } from '../device.js';

type Filter = (device: SimDevice, name: string | undefined) => string[];

/** Filtered forms: the keywords after `show running-config`, and how the lines are selected. */
const FILTERS: { syntax: string; select: Filter }[] = [
  { syntax: 'ssl', select: (d) => d.pki.sslConfigLines() },
  // The capture of this form (show-running-config-crypto-ca-trustpoint-01) starts with a blank line.
  { syntax: 'crypto ca trustpoint [<name:WORD>]', select: (d, n) => ['', ...d.pki.trustpointConfigLines(n)] },
  { syntax: 'crypto ca certificate chain [<name:WORD>]', select: (d, n) => d.pki.certificateChainConfigLines(n) },
  { syntax: 'crypto ikev2', select: (d) => d.pki.ikev2ConfigLines() },
  { syntax: 'crypto ca', select: (d) => selectSections(d.runningConfigBody(), 'crypto ca ') },
  { syntax: 'crypto', select: (d) => selectSections(d.runningConfigBody(), 'crypto ') },
  ...['hostname', 'clock', 'pager', 'prompt', 'failover', 'ssh', 'username', 'http', 'mtu', 'aaa', 'domain-name'].map((word) => ({
    syntax: word,
    select: ((d) => selectSections(d.runningConfigBody(), `${word} `).filter((l) => l.length > 0)) as Filter,
  })),
  { syntax: 'interface [<name:WORD>]', select: (d, n) => interfaceSections(d, n) },
];

function interfaceSections(device: SimDevice, name: string | undefined): string[] {
  const body = device.runningConfigBody();
  const out: string[] = [];
  const sections = selectSections(body, 'interface ', name);
  for (const line of sections) {
    if (line.startsWith('interface ')) out.push('!');
    out.push(line);
  }
  return out;
}

export const RUNNING_CONFIG_COMMANDS: CommandDefinition[] = [
  {
    syntax: 'show running-config',
    modes: ['privileged'],
    run({ device, io }) {
      io.print(device.runningConfigText());
    },
  },
  ...FILTERS.map(
    (f): CommandDefinition => ({
      syntax: `show running-config ${f.syntax}`,
      modes: ['privileged'],
      run({ device, io, params }) {
        const lines = f.select(device, params.name);
        if (lines.length > 0) io.print(lines.join('\n'));
      },
    }),
  ),
  {
    syntax: 'show startup-config',
    modes: ['privileged'],
    run({ device, io }) {
      io.print(device.startupConfigText());
    },
  },
];
