import { describe, expect, it } from 'vitest';
import { helpFor, matchLine, parseSyntax, SyntaxDefinitionError, type Candidate } from '../../../../sim/cli/grammar.js';

function cands(...syntaxes: string[]): Candidate<string>[] {
  return syntaxes.map((s) => ({ value: s, alternatives: parseSyntax(s), tier: 0 }));
}

const COMMANDS = cands(
  'show version',
  'show running-config',
  'show running-config ssl',
  'show running-config crypto ca trustpoint [<name:WORD>]',
  'show crypto ca certificates [<tp:WORD>]',
  'show crypto ipsec sa',
  'show clock',
  'show curpriv',
  'configure terminal',
  'write memory',
  'write standby',
  'crypto key generate <kind:{rsa|ecdsa}> [label <label:WORD>] [modulus <bits:INT>] [noconfirm]',
  'crypto ca import <tp:WORD> pkcs12 <passphrase:LINE>',
  'terminal pager [lines] <count:INT>',
);

describe('parseSyntax', () => {
  it('expands optional groups and keyword choices into alternatives', () => {
    expect(parseSyntax('a [b <x:WORD>] {c|d}')).toHaveLength(4);
    expect(parseSyntax('crypto key generate <kind:{rsa|ecdsa}> [label <label:WORD>] [modulus <bits:INT>] [noconfirm]')).toHaveLength(16);
  });

  it.each(['a [b', 'a b]', 'a <x:FLOAT>', 'a <x:LINE> b', 'a {b|}', ''])('rejects the malformed syntax %j', (syntax) => {
    expect(() => parseSyntax(syntax)).toThrow(SyntaxDefinitionError);
  });
});

describe('matchLine', () => {
  it.each([
    ['sh ver', 'show version'],
    ['sh run', 'show running-config'],
    ['sh run ssl', 'show running-config ssl'],
    ['conf t', 'configure terminal'],
    ['wr mem', 'write memory'],
    ['sh cry ca cert', 'show crypto ca certificates'],
    ['SH VER', 'show version'],
  ])('expands %j to %j', (line, expanded) => {
    const r = matchLine(line, COMMANDS);
    expect(r.kind).toBe('match');
    if (r.kind === 'match') expect(r.expanded).toBe(expanded);
  });

  it('returns parameters, choices and present optional keywords', () => {
    const r = matchLine('cry key gen ecdsa label K1 nocon', COMMANDS);
    expect(r).toMatchObject({ kind: 'match', params: { kind: 'ecdsa', label: 'K1', noconfirm: 'noconfirm' } });
    if (r.kind === 'match') expect(r.params.bits).toBeUndefined();
  });

  it('gives a LINE parameter the raw rest of the line', () => {
    const r = matchLine('crypto ca import TP1 pkcs12 "pass word"  ', COMMANDS);
    expect(r).toMatchObject({ kind: 'match', params: { tp: 'TP1', passphrase: '"pass word"' } });
  });

  it('prefers the keyword to a parameter at the same position', () => {
    const r = matchLine('terminal pager lines 5', COMMANDS);
    expect(r).toMatchObject({ kind: 'match', params: { lines: 'lines', count: '5' } });
    expect(matchLine('terminal pager 0', COMMANDS)).toMatchObject({ kind: 'match', params: { count: '0' } });
  });

  it.each([
    ['show versoin', 5],
    ['show version now', 13],
    ['  bogus', 2],
    ['terminal pager x', 15],
    ['crypto key generate dsa', 20],
  ])('reports %j as invalid at offset %i', (line, offset) => {
    expect(matchLine(line, COMMANDS)).toEqual({ kind: 'invalid', offset });
  });

  it.each(['show', 'sh cry ipsec', 'crypto ca import TP1 pkcs12', 'write'])('reports %j as incomplete', (line) => {
    expect(matchLine(line, COMMANDS).kind).toBe('incomplete');
  });

  it('reports a prefix of several keywords as ambiguous', () => {
    expect(matchLine('sh c', COMMANDS)).toEqual({ kind: 'ambiguous', offset: 3, token: 'c', choices: ['clock', 'crypto', 'curpriv'] });
  });

  it('prefers the lower tier when two commands match', () => {
    const both = [
      { value: 'sub', alternatives: parseSyntax('exit'), tier: 0 },
      { value: 'global', alternatives: parseSyntax('exit'), tier: 1 },
    ];
    expect(matchLine('exit', both)).toMatchObject({ kind: 'match', value: 'sub' });
  });

  it('treats an empty line as empty', () => {
    expect(matchLine('   ', COMMANDS)).toEqual({ kind: 'empty' });
  });
});

describe('helpFor', () => {
  it('lists the next words, completions of a partial word, and <cr> when complete', () => {
    expect(helpFor('show ', COMMANDS)).toEqual(['clock', 'crypto', 'curpriv', 'running-config', 'version']);
    expect(helpFor('show c', COMMANDS)).toEqual(['clock', 'crypto', 'curpriv']);
    expect(helpFor('show running-config ', COMMANDS)).toEqual(['crypto', 'ssl', '<cr>']);
    expect(helpFor('wr ', COMMANDS)).toEqual(['memory', 'standby']);
  });
});
