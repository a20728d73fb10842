// ERROR / WARNING / INFO lines (ASA-CLI-FACTS.md section 4). A message may continue on the
// following lines (the three-line validation-usage WARNING after a PKCS12 import): lines that
// follow directly and start with a lowercase letter belong to the message above.
import { outputLines } from './lines.js';

export type MessageSeverity = 'error' | 'warning' | 'info' | 'plain';

export interface DeviceMessage {
  severity: MessageSeverity;
  /** The message's lines joined with a space (continuations included), trailing spaces removed. */
  text: string;
  /** 1-based line number of the first line. */
  line: number;
}

const SEVERITY_PATTERNS: [RegExp, MessageSeverity][] = [
  [/^ERROR:/, 'error'],
  [/^%\s?Error\b/i, 'error'],
  [/^Error executing command/, 'error'],
  [/^\[FAILED\]$/, 'error'],
  [/^%Login failed/, 'error'],
  [/^Command authorization failed/, 'error'],
  [/^WARNING:/, 'warning'],
  [/^%\s?WARNING:/, 'warning'],
  [/^\*+ WARNING \*+$/, 'warning'],
  [/^INFO:/, 'info'],
];

function severityOf(text: string): MessageSeverity {
  for (const [pattern, severity] of SEVERITY_PATTERNS) if (pattern.test(text)) return severity;
  return 'plain';
}

/** Every non-empty line grouped into messages with a severity. */
export function classifyLines(output: string): DeviceMessage[] {
  const messages: DeviceMessage[] = [];
  let previous: DeviceMessage | undefined;
  for (const line of outputLines(output)) {
    const text = line.text.trim();
    if (text === '') {
      previous = undefined;
      continue;
    }
    const severity = severityOf(text);
    if (severity === 'plain' && previous && previous.severity !== 'plain' && /^[a-z]/.test(text)) {
      previous.text = `${previous.text} ${text}`;
      continue;
    }
    previous = { severity, text, line: line.number };
    messages.push(previous);
  }
  return messages;
}

/**
 * Warnings that are normal after the commands the workflow sends, so not a reason to stop:
 * the validation-usage notice after a PKCS12 import, and the identical-key notice when a
 * PKCS12 holds a key the ASA already has under another trustpoint.
 */
export const BENIGN_WARNING_PATTERNS: readonly RegExp[] = [
  /^WARNING: CA certificates can be used to validate VPN connections,/,
  /^WARNING: Identical public key already exists as \S+/,
];

export function isBenignWarning(message: DeviceMessage): boolean {
  return message.severity === 'warning' && BENIGN_WARNING_PATTERNS.some((p) => p.test(message.text));
}

export function errorMessages(output: string): DeviceMessage[] {
  return classifyLines(output).filter((m) => m.severity === 'error');
}
