import { describe, expect, it } from 'vitest';
import { ANSI, PLAIN, paletteFor } from '../../../src/demo/palette.js';

describe('paletteFor', () => {
  it.each([
    ['a terminal', { isTTY: true }, {}, ANSI],
    ['a pipe or file', { isTTY: false }, {}, PLAIN],
    ['a terminal with NO_COLOR', { isTTY: true }, { NO_COLOR: '1' }, PLAIN],
    ['a dumb terminal', { isTTY: true }, { TERM: 'dumb' }, PLAIN],
  ])('colours only %s that can show it', (_name, stream, env, expected) => {
    expect(paletteFor(stream, env)).toBe(expected);
  });

  it('adds no escape code in plain mode', () => {
    expect(PLAIN.bad('FAILED') + PLAIN.good('ok')).toBe('FAILEDok');
    expect(ANSI.bad('FAILED')).toBe('\u001b[31mFAILED\u001b[39m');
  });
});
