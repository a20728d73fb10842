// The set of commands the simulator knows. Command modules register their definitions once;
// the dispatcher asks for the candidates valid in a mode.
import type { CommandDefinition, Mode } from './command.js';
import { parseSyntax, type Candidate } from './grammar.js';

interface Registered {
  def: CommandDefinition;
  alternatives: ReturnType<typeof parseSyntax>;
}

const registered: Registered[] = [];

/** Adds command definitions; a syntax error in a definition throws here, at start-up, not at the prompt. */
export function registerCommands(defs: CommandDefinition[]): void {
  for (const def of defs) registered.push({ def, alternatives: parseSyntax(def.syntax) });
}

export const CONFIG_SUBMODES: readonly Mode[] = ['config-ca-trustpoint', 'config-cert-chain', 'config-if'];

export function isConfigMode(mode: Mode): boolean {
  return mode === 'config' || CONFIG_SUBMODES.includes(mode);
}

/** What a line typed in `mode` may mean, as an ASA decides it. */
export enum Tier {
  /** A command of the current mode. */
  Own = 0,
  /** A global configuration command typed in a config sub-mode: the sub-mode is left first. */
  ConfigFromSubmode = 1,
  /** A privileged EXEC command (show, write, copy...) typed in a configuration mode. */
  ExecFromConfig = 2,
}

export function candidatesFor(mode: Mode): Candidate<CommandDefinition>[] {
  const out: Candidate<CommandDefinition>[] = [];
  const add = (m: Mode, tier: Tier): void => {
    for (const r of registered) {
      if (r.def.modes.includes(m) && !out.some((c) => c.value === r.def)) out.push({ value: r.def, alternatives: r.alternatives, tier });
    }
  };
  add(mode, Tier.Own);
  if (CONFIG_SUBMODES.includes(mode)) add('config', Tier.ConfigFromSubmode);
  if (isConfigMode(mode)) add('privileged', Tier.ExecFromConfig);
  return out;
}
