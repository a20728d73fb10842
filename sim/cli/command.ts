// The contract between the simulator core (session, grammar, dispatcher, device) and the
// command modules (sim/commands/*, sim/pki/commands.ts). Keep it stable: both sides build on it.
import type { SimDevice } from '../device.js';

export type Mode = 'user' | 'privileged' | 'config' | 'config-ca-trustpoint' | 'config-cert-chain' | 'config-if';

export interface SessionIo {
  /** Writes output. Lines are separated by '\n'; the session converts line endings to what an ASA sends and applies the pager. */
  // (core) Each call writes complete lines: print('x') and print('x\n') both write one line, print('') a blank one.
  print(text: string): void;
  /** Prints `question` (no newline added), reads one line from the user with echo, returns it without the line ending. */
  ask(question: string): Promise<string>;
  /** Reads pasted lines (each echoed as a real ASA does) until a line that is exactly `quit` (after trimming), returns the lines before it. */
  readUntilQuit(): Promise<string[]>;
  enterMode(mode: Mode, modeArg?: string): void; // e.g. enterMode('config-ca-trustpoint', 'TP1')
  readonly mode: Mode;
  readonly modeArg: string | undefined; // the trustpoint name in config-ca-trustpoint
}

export type Params = Record<string, string | undefined>;

export interface CommandDefinition {
  /** Grammar: literal keywords (lowercase; the user may abbreviate to any unique prefix among the words valid at that point),
   *  `<name:WORD>` one token, `<name:INT>` a decimal token, `<name:LINE>` the raw rest of the line (only last),
   *  `[ ... ]` an optional group, `{a|b|c}` one of several keywords. E.g.
   *  'crypto ca import <tp:WORD> pkcs12 <passphrase:LINE>', 'show crypto ca certificates [<tp:WORD>]',
   *  'crypto key generate {rsa|ecdsa} [label <label:WORD>] [modulus <bits:INT>] [noconfirm]'.
   *  Keywords matched by `{...}` are returned in params under the keyword list's first word unless named: '{rsa|ecdsa}' -> params['rsa|ecdsa']; prefer '<kind:{rsa|ecdsa}>' which returns params.kind. */
  syntax: string;
  modes: readonly Mode[]; // where it is accepted (config commands are also accepted in config sub-modes, as on an ASA: the core handles that by leaving the sub-mode first)
  /** Runs the command. Throw AsaCliError(message lines) to print an ASA error; the dispatcher prints it. */
  run(ctx: { device: SimDevice; io: SessionIo; params: Params; line: string }): Promise<void> | void;
}

export class AsaCliError extends Error {
  constructor(readonly lines: string[]) {
    super(lines.join('\n'));
  }
}
