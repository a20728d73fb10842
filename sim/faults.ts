// Fault injection knobs, per device, changeable at runtime (RunningSimulator.setFaults).
// The dispatcher and the SSH server apply the generic ones; the PKI commands read
// keygenDelayMs and rejectModernPkcs12.

export interface CommandFailure {
  /** A command prefix, compared with the typed line after abbreviation expansion ("write memory" matches "wr mem"). */
  match: string;
  /** Printed instead of running the command, e.g. ['ERROR: ...']. */
  lines: string[];
}

export interface Faults {
  /** Delay before each command runs, in milliseconds. */
  commandDelayMs: number;
  /** Every authentication attempt fails, even with the right password. */
  refuseAuth: boolean;
  /** Serve a host key different from the persisted one (as after an RMA or a MITM). */
  hostKeyChanged: boolean;
  /** Close the TCP connection abruptly when a command starting with this prefix is received. */
  dropAfterCommand: string | undefined;
  /** 'before': drop before the command runs (default); 'after': run it, send its output, then drop. */
  dropAfter: 'before' | 'after';
  /** Commands that print the given lines instead of running. */
  failCommand: CommandFailure[];
  /** Extra time that `crypto key generate` takes, in milliseconds. */
  keygenDelayMs: number;
  /** `crypto ca import ... pkcs12` refuses PBES2/AES bundles, as older releases do. */
  rejectModernPkcs12: boolean;
}

export function defaultFaults(): Faults {
  return {
    commandDelayMs: 0,
    refuseAuth: false,
    hostKeyChanged: false,
    dropAfterCommand: undefined,
    dropAfter: 'before',
    failCommand: [],
    keygenDelayMs: 0,
    rejectModernPkcs12: false,
  };
}

/** Case-insensitive prefix test against the expanded and the typed form of a command line. */
export function commandMatches(prefix: string, expanded: string, typed: string): boolean {
  const p = prefix.trim().replace(/\s+/g, ' ').toLowerCase();
  if (p.length === 0) return false;
  const norm = (s: string): string => s.trim().replace(/\s+/g, ' ').toLowerCase();
  return norm(expanded).startsWith(p) || norm(typed).startsWith(p);
}
