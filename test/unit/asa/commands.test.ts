import { describe, expect, it } from 'vitest';
import * as commands from '../../../src/asa/commands.js';
import { ValidationError } from '../../../src/errors.js';

const PASS = 'Zx9_k2-Lm4.Qr7~Tv1';
const DER = new Uint8Array(200).map((_, i) => (i * 37) % 256);

describe('command builders', () => {
  it.each([
    ['showCryptoCaCertificates()', commands.showCryptoCaCertificates(), 'show crypto ca certificates', 'exec', 'quick'],
    ['showCryptoCaCertificates(tp)', commands.showCryptoCaCertificates('vpn.chuck.com-2017'), 'show crypto ca certificates vpn.chuck.com-2017', 'exec', 'quick'],
    ['sslTrustPoint', commands.sslTrustPoint('TP-20261127', 'outside'), 'ssl trust-point TP-20261127 outside', 'config', 'normal'],
    ['noSslTrustPoint', commands.noSslTrustPoint('TP-20261127', 'outside'), 'no ssl trust-point TP-20261127 outside', 'config', 'normal'],
    ['ikev2RemoteAccessTrustpoint', commands.ikev2RemoteAccessTrustpoint('TP1'), 'crypto ikev2 remote-access trustpoint TP1', 'config', 'normal'],
    ['noIkev2RemoteAccessTrustpoint', commands.noIkev2RemoteAccessTrustpoint('TP1'), 'no crypto ikev2 remote-access trustpoint TP1', 'config', 'normal'],
    ['noCryptoCaTrustpoint', commands.noCryptoCaTrustpoint('TP1'), 'no crypto ca trustpoint TP1 noconfirm', 'config', 'normal'],
    ['cryptoKeyZeroize', commands.cryptoKeyZeroize('rsa', 'TP1'), 'crypto key zeroize rsa label TP1 noconfirm', 'config', 'normal'],
    ['writeMemory', commands.writeMemory(), 'write memory', 'exec', 'slow'],
    ['writeStandby', commands.writeStandby(), 'write standby', 'exec', 'slow'],
    ['terminalPager0', commands.terminalPager0(), 'terminal pager 0', 'exec', 'quick'],
    ['showRunningConfigSsl', commands.showRunningConfigSsl(), 'show running-config ssl', 'exec', 'quick'],
    ['showRunningConfigIkev2', commands.showRunningConfigIkev2(), 'show running-config crypto ikev2', 'exec', 'quick'],
  ])('%s builds %j', (_name, cmd, line, mode, timeout) => {
    expect(cmd).toMatchObject({ line, redacted: line, mode, timeout, secrets: [], confirmations: [] });
    expect(cmd.paste).toBeUndefined();
  });

  describe('importPkcs12', () => {
    const cmd = commands.importPkcs12('TP-20261127', PASS, DER);

    it('sends the passphrase but shows it redacted', () => {
      expect(cmd.line).toBe(`crypto ca import TP-20261127 pkcs12 ${PASS}`);
      expect(cmd.redacted).toBe('crypto ca import TP-20261127 pkcs12 <redacted>');
      expect(cmd.secrets).toEqual([PASS]);
      expect(cmd).toMatchObject({ mode: 'config', timeout: 'slow' });
    });

    it('pastes the armoured base64 in 64-column lines, then quit', () => {
      const paste = cmd.paste!;
      expect(paste.lines[0]).toBe('-----BEGIN PKCS12-----');
      expect(paste.lines.at(-1)).toBe('-----END PKCS12-----');
      const body = paste.lines.slice(1, -1);
      expect(body.slice(0, -1).every((l) => l.length === 64)).toBe(true);
      expect(Buffer.from(body.join(''), 'base64').equals(Buffer.from(DER))).toBe(true);
      expect(paste.terminator).toBe('quit');
      expect(paste.invitation.test('End with the word "quit" on a line by itself:')).toBe(true);
      expect(paste.invitation.test('End with the word "quit" on a line by itself')).toBe(true);
    });

    it('answers "no" to the replace-keys question unless the keys are its own', () => {
      const question = '% Do you really want to replace them? [yes/no]:';
      expect(cmd.confirmations).toHaveLength(1);
      expect(cmd.confirmations[0]!.pattern.test(question)).toBe(true);
      expect(cmd.confirmations[0]!.answer).toBe('no');
      expect(commands.importPkcs12('TP1', PASS, DER, { replaceOwnKeys: true }).confirmations[0]!.answer).toBe('yes');
      expect(cmd.confirmations[0]!.pattern.test('Do you accept this certificate? [yes/no]:')).toBe(false);
    });

    it('refuses an empty PKCS12', () => {
      expect(() => commands.importPkcs12('TP1', PASS, new Uint8Array())).toThrow('empty');
    });
  });

  it('exportPkcs12 redacts the passphrase', () => {
    const cmd = commands.exportPkcs12('TP1', PASS);
    expect(cmd).toMatchObject({ line: `crypto ca export TP1 pkcs12 ${PASS}`, redacted: 'crypto ca export TP1 pkcs12 <redacted>', mode: 'config' });
  });

  describe('injection attempts', () => {
    const attempts = [
      'TP1\nwrite erase',
      'TP1\rreload noconfirm',
      'TP1 outside',
      'TP1?',
      'TP1\u0003',
      'TP1;write erase',
      '"TP1"',
      'TP1\twrite',
      '',
      ' TP1',
      'TP1\u2028x',
      '-TP1',
    ];
    const builders: [string, (value: string) => commands.AsaCommand][] = [
      ['showCryptoCaCertificates', (v) => commands.showCryptoCaCertificates(v)],
      ['sslTrustPoint(tp)', (v) => commands.sslTrustPoint(v, 'outside')],
      ['sslTrustPoint(iface)', (v) => commands.sslTrustPoint('TP1', v)],
      ['noSslTrustPoint(iface)', (v) => commands.noSslTrustPoint('TP1', v)],
      ['ikev2RemoteAccessTrustpoint', (v) => commands.ikev2RemoteAccessTrustpoint(v)],
      ['noCryptoCaTrustpoint', (v) => commands.noCryptoCaTrustpoint(v)],
      ['cryptoKeyZeroize(label)', (v) => commands.cryptoKeyZeroize('rsa', v)],
      ['importPkcs12(tp)', (v) => commands.importPkcs12(v, PASS, DER)],
      ['exportPkcs12(tp)', (v) => commands.exportPkcs12(v, PASS)],
    ];
    const cases = builders.flatMap(([name, build]) => attempts.map((value) => [name, value, build] as const));
    it.each(cases)('%s rejects %j', (_name, value, build) => {
      expect(() => build(value)).toThrow(ValidationError);
    });

    it.each(['pass word 123', 'passphrase?12', 'pass\nwrite erase', 'short', '"quoted-pass"', 'back\\slash123'])('importPkcs12 and exportPkcs12 reject the passphrase %j without echoing it', (pass) => {
      for (const build of [() => commands.importPkcs12('TP1', pass, DER), () => commands.exportPkcs12('TP1', pass)]) {
        try {
          build();
          expect.unreachable();
        } catch (error) {
          expect(error).toBeInstanceOf(ValidationError);
          expect(String(error)).not.toContain(pass);
        }
      }
    });

    it('rejects an unknown key kind', () => {
      expect(() => commands.cryptoKeyZeroize('dsa' as 'rsa', 'TP1')).toThrow('unknown key kind');
    });
  });
});
