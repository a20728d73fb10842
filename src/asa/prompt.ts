// ASA prompts: `ciscoasa> `, `ciscoasa# `, `fw1(config)# `, `ASA/sec/actNoFailover(config-ca-trustpoint)# `,
// `asa5545-adm/FOO# `. The hostname may carry `/` segments from `prompt hostname priority state context`
// (ASA-CLI-FACTS.md section 1). The prompt is followed by one space before the cursor.

export type PromptMode = 'user' | 'privileged' | 'config' | 'sub-config';
export type FailoverState = 'active' | 'standby';

export interface ParsedPrompt {
  /** The whole prompt without the trailing space, e.g. `fw1/act(config)#`. */
  text: string;
  hostname: string;
  /** Every `/` segment after the hostname, in order, e.g. ['sec', 'actNoFailover']. */
  decorations: string[];
  mode: PromptMode;
  /** The parenthesised part without the brackets: 'config', 'config-ca-trustpoint'; undefined in exec modes. */
  configMode?: string;
  /** From a state segment: `act` / `actNoFailover` -> active, `stby` / `stbyNoFailover` -> standby. */
  failoverState?: FailoverState;
  /** From a priority segment: `pri` / `sec`. */
  failoverUnit?: 'primary' | 'secondary';
  /** A segment that is neither a priority nor a state: the security context name. */
  context?: string;
}

// scrapli and ansible allow word characters, '.', '-' and '/' in the name; the mode in brackets is
// `config` or `config-<word>`.
const PROMPT_PATTERN = /^([A-Za-z0-9][\w.-]{0,62})((?:\/[\w.-]+)*)(?:\(((?:config)(?:-[\w-]+)?)\))?([>#]) ?$/;

const STATE_SEGMENTS: Record<string, FailoverState> = {
  act: 'active',
  actNoFailover: 'active',
  stby: 'standby',
  stbyNoFailover: 'standby',
};
const UNIT_SEGMENTS: Record<string, 'primary' | 'secondary'> = { pri: 'primary', sec: 'secondary' };

/** Parses one line as an ASA prompt (a trailing space is allowed); undefined when it is not one. */
export function parsePrompt(line: string): ParsedPrompt | undefined {
  const match = PROMPT_PATTERN.exec(line);
  if (!match) return undefined;
  const [, hostname = '', segmentText = '', configMode, terminator] = match;
  const decorations = segmentText.split('/').filter((s) => s !== '');
  const prompt: ParsedPrompt = {
    text: line.trimEnd(),
    hostname,
    decorations,
    mode: terminator === '>' ? 'user' : configMode === undefined ? 'privileged' : configMode === 'config' ? 'config' : 'sub-config',
  };
  if (configMode !== undefined) prompt.configMode = configMode;
  if (terminator === '>' && configMode !== undefined) return undefined;
  for (const segment of decorations) {
    const state = STATE_SEGMENTS[segment];
    const unit = UNIT_SEGMENTS[segment];
    if (state) prompt.failoverState = state;
    else if (unit) prompt.failoverUnit = unit;
    else if (prompt.context === undefined) prompt.context = segment;
    else return undefined;
  }
  return prompt;
}

export const PAGER_PROMPT = '<--- More --->';
