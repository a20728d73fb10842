import { describe, expect, it } from 'vitest';
import { LineDiscipline, SessionClosedError } from '../../../../sim/cli/line-discipline.js';

function setup(): { ld: LineDiscipline; out: () => string } {
  let written = '';
  const ld = new LineDiscipline((t) => (written += t));
  return { ld, out: () => written };
}

describe('LineDiscipline', () => {
  it.each([
    ['\r', 'show'],
    ['\n', 'show'],
    ['\r\n', 'show'],
  ])('ends a line on %j and echoes CRLF', async (eol, line) => {
    const { ld, out } = setup();
    ld.feed(`${line}${eol}next\r`);
    expect(await ld.readLine('text')).toBe(line);
    expect(await ld.readLine('text')).toBe('next');
    expect(out()).toBe(`${line}\r\nnext\r\n`);
  });

  it('keeps CRLF as one line ending across chunks', async () => {
    const { ld } = setup();
    ld.feed('a\r');
    expect(await ld.readLine('text')).toBe('a');
    ld.feed('\nb\r');
    expect(await ld.readLine('text')).toBe('b');
  });

  it('echoes stars for secrets and erases on backspace', async () => {
    const { ld, out } = setup();
    ld.feed('pw1x\x7f\r');
    expect(await ld.readLine('stars')).toBe('pw1');
    expect(out()).toBe('****\b \b\r\n');
  });

  it('ignores cursor escape sequences and other control characters', async () => {
    const { ld, out } = setup();
    ld.feed('sh\x1b[A\x1bOB\x01ow\r');
    expect(await ld.readLine('text')).toBe('show');
    expect(out()).toBe('show\r\n');
  });

  it('calls the help handler on ? and keeps the partial line', async () => {
    const { ld, out } = setup();
    const p = ld.readLine('text', (partial) => `[help for ${partial}]`);
    ld.feed('sh ?ver\r');
    expect(await p).toBe('sh ver');
    expect(out()).toBe('sh ?[help for sh ]ver\r\n');
  });

  it('reads single keys without echo, a CRLF counting once', async () => {
    const { ld, out } = setup();
    ld.feed('\r\n q');
    expect(await ld.readKey()).toBe('\r');
    expect(await ld.readKey()).toBe(' ');
    expect(await ld.readKey()).toBe('q');
    expect(out()).toBe('');
  });

  it('fails pending and later reads once closed', async () => {
    const { ld } = setup();
    const p = ld.readLine('text');
    ld.close();
    await expect(p).rejects.toBeInstanceOf(SessionClosedError);
    await expect(ld.readKey()).rejects.toBeInstanceOf(SessionClosedError);
  });
});
