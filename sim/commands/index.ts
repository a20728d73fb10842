// Every command the simulator core provides, registered once with the PKI engineer's commands.
import type { CommandDefinition } from '../cli/command.js';
import { registerCommands } from '../cli/registry.js';
import { PKI_COMMANDS } from '../pki/commands.js';
import { CONFIG_BASIC_COMMANDS } from './config-basic.js';
import { RUNNING_CONFIG_COMMANDS } from './running-config.js';
import { SESSION_COMMANDS } from './session-commands.js';
import { SHOW_STATUS_COMMANDS } from './show-status.js';
import { SHOW_VERSION_COMMANDS } from './show-version.js';
import { TERMINAL_COMMANDS } from './terminal.js';
import { WRITE_COMMANDS } from './write.js';

export const CORE_COMMANDS: readonly CommandDefinition[] = [
  ...SESSION_COMMANDS,
  ...TERMINAL_COMMANDS,
  ...SHOW_VERSION_COMMANDS,
  ...SHOW_STATUS_COMMANDS,
  ...RUNNING_CONFIG_COMMANDS,
  ...WRITE_COMMANDS,
  ...CONFIG_BASIC_COMMANDS,
];

let registered = false;

/** Registers the core's and the PKI commands (idempotent). */
export function registerAllCommands(): void {
  if (registered) return;
  registered = true;
  registerCommands([...CORE_COMMANDS, ...PKI_COMMANDS]);
}
