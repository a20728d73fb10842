// Every crypto / ssl command of the simulator, registered by the core (sim/cli/registry.ts).
import type { CommandDefinition } from '../cli/command.js';
import { BINDING_COMMANDS } from './cmd-bindings.js';
import { CHAIN_COMMANDS } from './cmd-chain.js';
import { IMPORT_COMMANDS } from './cmd-import.js';
import { KEY_COMMANDS } from './cmd-keys.js';
import { SHOW_COMMANDS } from './cmd-show.js';
import { TRUSTPOINT_COMMANDS } from './cmd-trustpoint.js';

export const PKI_COMMANDS: CommandDefinition[] = [...TRUSTPOINT_COMMANDS, ...IMPORT_COMMANDS, ...KEY_COMMANDS, ...BINDING_COMMANDS, ...CHAIN_COMMANDS, ...SHOW_COMMANDS];
