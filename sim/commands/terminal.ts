// Per-session terminal settings and the configured pager.
import type { CommandDefinition } from '../cli/command.js';
import { coreIo, InvalidParameterError } from '../cli/session.js';

function lines(value: string | undefined, max: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > max) throw new InvalidParameterError(value ?? '');
  return n;
}

export const TERMINAL_COMMANDS: CommandDefinition[] = [
  {
    syntax: 'terminal pager [lines] <count:INT>',
    modes: ['user', 'privileged'],
    run({ io, params }) {
      coreIo(io).terminalPager = lines(params.count, 2147483647);
    },
  },
  {
    syntax: 'no terminal pager',
    modes: ['user', 'privileged'],
    run({ io }) {
      coreIo(io).terminalPager = 0;
    },
  },
  {
    syntax: 'terminal width <width:INT>',
    modes: ['user', 'privileged'],
    run({ io, params }) {
      const w = lines(params.width, 511);
      if (w !== 0 && w < 24) throw new InvalidParameterError(params.width ?? '');
      coreIo(io).terminalWidth = w;
    },
  },
  {
    syntax: 'show terminal',
    modes: ['user', 'privileged'],
    run({ io }) {
      const s = coreIo(io);
      io.print(`Width = ${s.terminalWidth}, no monitor`);
      io.print('terminal interactive');
    },
  },
  {
    syntax: 'pager [lines] <count:INT>',
    modes: ['config'],
    run({ device, io, params }) {
      device.pagerLines = lines(params.count, 2147483647);
      coreIo(io).terminalPager = undefined;
      device.markConfigChanged();
    },
  },
  {
    syntax: 'no pager [lines] [<count:INT>]',
    modes: ['config'],
    run({ device, io }) {
      device.pagerLines = 0;
      coreIo(io).terminalPager = undefined;
      device.markConfigChanged();
    },
  },
];
