// Moving between modes: enable/disable, configure terminal, exit/end, logout.
import { AsaCliError, type CommandDefinition, type Mode } from '../cli/command.js';
import { CONFIG_SUBMODES } from '../cli/registry.js';
import { coreIo } from '../cli/session.js';

const ALL_MODES: readonly Mode[] = ['user', 'privileged', 'config', ...CONFIG_SUBMODES];

/** The standby unit of a failover pair warns that changes made here are not replicated (wording from unicon's ASA patterns). */
export const STANDBY_CONFIG_WARNING = [
  '**** WARNING ****',
  '\tConfiguration Replication is NOT performed from Standby unit to Active unit.',
  '\tConfigurations are no longer synchronized.',
];

export const SESSION_COMMANDS: CommandDefinition[] = [
  {
    syntax: 'enable [<level:INT>]',
    modes: ['user', 'privileged'],
    async run({ device, io, params }) {
      if (params.level !== undefined && params.level !== '15') throw new AsaCliError([`ERROR: Privilege level ${params.level} is not configured`]);
      if (io.mode === 'privileged') return;
      const typed = await coreIo(io).askSecret('Password: ');
      if (typed === device.credentials.enablePassword) io.enterMode('privileged');
      else io.print('Invalid password');
    },
  },
  {
    syntax: 'disable',
    modes: ['privileged'],
    run({ io }) {
      io.enterMode('user');
    },
  },
  {
    syntax: 'configure terminal',
    modes: ['privileged'],
    run({ device, io }) {
      if (device.failover?.role === 'standby') for (const l of STANDBY_CONFIG_WARNING) io.print(l);
      io.enterMode('config');
    },
  },
  {
    syntax: 'exit',
    modes: ALL_MODES,
    run({ io }) {
      if (io.mode === 'user' || io.mode === 'privileged') coreIo(io).logout();
      else if (io.mode === 'config') io.enterMode('privileged');
      else io.enterMode('config');
    },
  },
  {
    syntax: 'end',
    modes: ['config', ...CONFIG_SUBMODES],
    run({ io }) {
      io.enterMode('privileged');
    },
  },
  {
    syntax: '<cmd:{logout|quit}>',
    modes: ['user', 'privileged'],
    run({ io }) {
      coreIo(io).logout();
    },
  },
];
