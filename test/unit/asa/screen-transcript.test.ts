import { describe, expect, it } from 'vitest';
import { parsePrompt } from '../../../src/asa/prompt.js';
import { renderScreen } from '../../../src/asa/screen.js';
import { Redactor, Transcript } from '../../../src/asa/transcript.js';

describe('renderScreen', () => {
  it.each([
    ['CRLF line ends', 'show version\r\nline two\r\nfw1# ', ['show version', 'line two', 'fw1#']],
    ['the pager erase line', 'a\r\n<--- More --->\r              \rnext line\r\n', ['a', 'next line', '']],
    ['echoed backspaces', 'shx\b \bow\r\n', ['show', '']],
    ['ANSI escapes', '\x1b[Kline\x1b[0m\r\n', ['line', '']],
    ['CR only overwrite', 'abcdef\rxy\n', ['xycdef', '']],
  ])('renders %s', (_label, raw, expected) => {
    expect(renderScreen(raw)).toEqual(expected);
  });
});

describe('parsePrompt', () => {
  it.each([
    ['ciscoasa> ', { hostname: 'ciscoasa', mode: 'user', decorations: [] }],
    ['ciscoasa# ', { hostname: 'ciscoasa', mode: 'privileged' }],
    ['fw1(config)# ', { hostname: 'fw1', mode: 'config', configMode: 'config' }],
    ['ASA/sec/actNoFailover(config-ca-trustpoint)# ', { hostname: 'ASA', mode: 'sub-config', configMode: 'config-ca-trustpoint', failoverState: 'active', failoverUnit: 'secondary', decorations: ['sec', 'actNoFailover'] }],
    ['ASA-FW1/act#', { hostname: 'ASA-FW1', failoverState: 'active' }],
    ['asa1/pri/stby# ', { failoverState: 'standby', failoverUnit: 'primary' }],
    ['asa5545-adm/FOO(config)#', { hostname: 'asa5545-adm', context: 'FOO', mode: 'config' }],
  ])('parses %j', (line, expected) => {
    expect(parsePrompt(line)).toMatchObject(expected);
  });

  it.each(['Certificate', 'fw1(config)> ', 'Password: ', '<--- More --->', 'fw1 # ', 'a/b/c/d# '])('does not take %j for a prompt', (line) => {
    expect(parsePrompt(line)).toBeUndefined();
  });
});

describe('Redactor and Transcript', () => {
  it('removes registered secrets and PKCS12 blocks before anything is recorded', () => {
    const redactor = new Redactor();
    redactor.addSecret('S3cret-pass');
    const transcript = new Transcript(() => new Date('2026-11-27T10:00:00Z'));
    const lines = ['fw1(config)# crypto ca export TP1 pkcs12 S3cret-pass', 'Exported pkcs12 follows:', '-----BEGIN PKCS12-----', 'MIINBwIBAzCCDMEGCSqGSIb3DQEHAaCCDLIEggyuMIIMqjCCDKYGCSqGSIb3DQEH', 'igQUYrwnOuY3sdqQJONCYHZZ+IxNjb0CAgQA', '-----END PKCS12-----', 'fw1(config)#'];
    for (const line of lines) transcript.record('received', redactor.line(line));
    const text = transcript.toText();
    expect(text).not.toContain('S3cret-pass');
    expect(text).not.toContain('MIIN');
    expect(text).not.toContain('igQU');
    expect(text).toContain('crypto ca export TP1 pkcs12 <redacted>');
    expect(text).toContain('2026-11-27T10:00:00.000Z < -----END PKCS12-----');
    expect(transcript.entries).toHaveLength(lines.length);
  });

  it('replaces the longest secret first', () => {
    const redactor = new Redactor();
    redactor.addSecret('abc');
    redactor.addSecret('abcdef');
    expect(redactor.text('x abcdef y abc')).toBe('x <redacted> y <redacted>');
  });
});
