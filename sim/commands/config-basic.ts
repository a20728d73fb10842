// Global configuration outside PKI: hostname, clock timezone, prompt; and reload.
import { isCliValue } from '../../src/asa/names.js';
import { AsaCliError, type CommandDefinition } from '../cli/command.js';
import { InvalidParameterError } from '../cli/session.js';
import type { PromptSegment } from '../state-file.js';

const PROMPT_WORDS: readonly PromptSegment[] = ['hostname', 'context', 'domain', 'priority', 'state'];

export const CONFIG_BASIC_COMMANDS: CommandDefinition[] = [
  {
    syntax: 'hostname <name:WORD>',
    modes: ['config'],
    run({ device, params }) {
      const name = params.name ?? '';
      if (!isCliValue('hostname', name)) throw new InvalidParameterError(name);
      device.hostname = name;
      device.markConfigChanged();
    },
  },
  {
    syntax: 'clock timezone <zone:WORD> <hours:INT> [<minutes:INT>]',
    modes: ['config'],
    run({ device, params }) {
      const hours = Number(params.hours);
      const minutes = Number(params.minutes ?? '0');
      if (hours < -23 || hours > 23) throw new InvalidParameterError(params.hours ?? '');
      if (minutes < 0 || minutes > 59) throw new InvalidParameterError(params.minutes ?? '');
      device.clock.zoneName = params.zone ?? 'UTC';
      device.clock.offsetMinutes = hours * 60 + Math.sign(hours || 1) * minutes;
      device.markConfigChanged();
    },
  },
  {
    syntax: 'no clock timezone [<rest:LINE>]',
    modes: ['config'],
    run({ device }) {
      device.clock.zoneName = 'UTC';
      device.clock.offsetMinutes = 0;
      device.markConfigChanged();
    },
  },
  {
    syntax: 'prompt <segments:LINE>',
    modes: ['config'],
    run({ device, params }) {
      const words = (params.segments ?? '').trim().split(/\s+/);
      const segments: PromptSegment[] = [];
      for (const w of words) {
        const hits = PROMPT_WORDS.filter((p) => p.startsWith(w.toLowerCase()));
        if (hits.length !== 1) throw new InvalidParameterError(w);
        segments.push(hits[0] as PromptSegment);
      }
      device.prompt = segments;
      device.markConfigChanged();
    },
  },
  {
    syntax: 'no prompt [<rest:LINE>]',
    modes: ['config'],
    run({ device }) {
      device.prompt = ['hostname', 'context'];
      device.markConfigChanged();
    },
  },
  {
    syntax: 'reload [noconfirm]',
    modes: ['privileged'],
    async run({ device, io, params }) {
      if (params.noconfirm === undefined) {
        if (device.hasUnsavedChanges) {
          const save = await io.ask('System config has been modified. Save? [Y]es/[N]o: ');
          if (/^y/i.test(save.trim())) device.writeMemory();
          else if (!/^n/i.test(save.trim())) throw new AsaCliError(['ERROR: reload cancelled']);
        }
        const proceed = await io.ask('Proceed with reload? [confirm]');
        if (proceed.trim() !== '' && !/^y/i.test(proceed.trim())) return;
      }
      io.print('');
      io.print('***');
      io.print('*** --- START GRACEFUL SHUTDOWN ---');
      io.print('Shutting down isakmp');
      io.print('Shutting down webvpn');
      io.print('Shutting down File system');
      io.print('');
      io.print('***');
      io.print('*** --- SHUTDOWN NOW ---');
      // Let the output reach the client before the sessions are closed by the reload.
      setTimeout(() => device.reload(), 50);
    },
  },
];
