// Turns raw terminal output into the lines a person would see: `\r` returns to column 0 and
// later text overwrites (the pager's erase line `\r              \r` vanishes), `\b` moves left
// (echoed backspaces `\b \b`), trailing spaces are dropped, and other control characters and
// ANSI escape sequences are removed.

const ANSI_ESCAPE = /\x1b(?:\[[0-9;?]*[ -/]*[@-~]|[@-Z\\-_])/g;

function renderLine(raw: string): string {
  const cells: string[] = [];
  let cursor = 0;
  for (const ch of raw.replace(ANSI_ESCAPE, '')) {
    if (ch === '\r') cursor = 0;
    else if (ch === '\b') cursor = Math.max(0, cursor - 1);
    else if (ch === '\t' || ch >= ' ') {
      while (cells.length < cursor) cells.push(' ');
      cells[cursor] = ch;
      cursor++;
    }
  }
  return cells.join('').trimEnd();
}

/** The screen lines of `raw`; the last element is the (possibly partial) line after the last `\n`. */
export function renderScreen(raw: string): string[] {
  return raw.split('\n').map(renderLine);
}

