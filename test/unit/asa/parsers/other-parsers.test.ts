import { describe, expect, it } from 'vitest';
import { parseCryptoCaExport } from '../../../../src/asa/parsers/crypto-ca-export.js';
import { classifyLines, isBenignWarning } from '../../../../src/asa/parsers/messages.js';
import {
  parseClockConfig,
  parseShowRunningConfigIkev2,
  parseShowRunningConfigSsl,
  interfaceBinding,
} from '../../../../src/asa/parsers/running-config.js';
import { parseShowFailover, parseShowVersion } from '../../../../src/asa/parsers/show-version.js';
import { parseWriteMemory } from '../../../../src/asa/parsers/write-memory.js';
import { AsaOutputParseError, Pkcs12ExportError } from '../../../../src/errors.js';
import { runOpenssl } from '../../../helpers/openssl.js';
import { reference } from '../helpers/reference.js';

describe('parseShowRunningConfigSsl', () => {
  it('reads the binding of transcript ssl-01 and keeps the other lines', () => {
    expect(parseShowRunningConfigSsl(reference('show-running-config-ssl-01.txt'))).toEqual({
      bindings: [{ interface: 'outside', trustpoint: 'ASDM_TrustPoint1' }],
      otherLines: ['ssl server-version tlsv1-only', 'ssl encryption aes256-sha1 aes128-sha1 3des-sha1'],
    });
  });

  it('reads the ssl lines of the ikev2 + ssl transcript', () => {
    const ssl = parseShowRunningConfigSsl(reference('show-running-config-crypto-ikev2-ssl-01.txt'));
    expect(ssl.bindings).toEqual([{ interface: 'Outside-DMZ', trustpoint: 'ASDM_TrustPoint0' }]);
    expect(ssl.defaultTrustpoint).toBeUndefined();
  });

  it('reads a bare default trustpoint, vpnlb-ip bindings and CRLF', () => {
    const text = 'fw# show run ssl\r\nssl trust-point DEFAULT-TP\r\nssl trust-point TP1 outside \r\nssl trust-point TP2 inside\r\nssl trust-point TP3 outside vpnlb-ip\r\nfw# ';
    const ssl = parseShowRunningConfigSsl(text);
    expect(ssl).toEqual({
      bindings: [
        { interface: 'outside', trustpoint: 'TP1' },
        { interface: 'inside', trustpoint: 'TP2' },
        { interface: 'outside', trustpoint: 'TP3', vpnlbIp: true },
      ],
      defaultTrustpoint: 'DEFAULT-TP',
      otherLines: [],
    });
    expect(interfaceBinding(ssl, 'outside')).toBe('TP1');
    expect(interfaceBinding(ssl, 'inside')).toBe('TP2');
    expect(interfaceBinding(ssl, 'dmz')).toBeUndefined();
    expect(interfaceBinding({ bindings: [...ssl.bindings].reverse(), otherLines: [] }, 'outside')).toBe('TP1');
  });

  it.each([
    ['ssl trust-point TP1 outside extra'],
    ['ssl trust-point'],
    ['ssl trust-point TP1 out?side'],
  ])('rejects %j naming the line', (line) => {
    expect(() => parseShowRunningConfigSsl(`ssl server-version tlsv1-only\n${line}\n`)).toThrow(AsaOutputParseError);
    expect(() => parseShowRunningConfigSsl(`ssl server-version tlsv1-only\n${line}\n`)).toThrow(/line 2/);
  });
});

describe('parseShowRunningConfigIkev2', () => {
  it('reads the remote-access trustpoint and enabled interfaces of transcript ikev2-ssl-01', () => {
    expect(parseShowRunningConfigIkev2(reference('show-running-config-crypto-ikev2-ssl-01.txt'))).toMatchObject({
      remoteAccessTrustpoints: ['ASDM_TrustPoint0'],
      enabledInterfaces: ['Outside-DMZ'],
    });
  });

  it('returns no trustpoint when none is configured', () => {
    expect(parseShowRunningConfigIkev2('crypto ikev2 policy 10\n encryption aes-256\n').remoteAccessTrustpoints).toEqual([]);
  });

  it('rejects a malformed remote-access line', () => {
    expect(() => parseShowRunningConfigIkev2('crypto ikev2 remote-access trustpoint TP1 garbage\n')).toThrow(AsaOutputParseError);
  });
});

describe('parseClockConfig', () => {
  it.each([
    ['clock timezone GMT 8', { zoneName: 'GMT', offsetMinutes: 480 }],
    ['clock timezone IST 5 30', { zoneName: 'IST', offsetMinutes: 330 }],
    ['clock timezone NST -3 30', { zoneName: 'NST', offsetMinutes: -210 }],
    ['clock timezone EST -5\nclock summer-time EDT recurring', { zoneName: 'EST', offsetMinutes: -300, summerZoneName: 'EDT' }],
  ])('reads %j', (text, expected) => {
    expect(parseClockConfig(text)).toEqual(expected);
  });

  it('returns undefined when no timezone is configured', () => {
    expect(parseClockConfig('hostname fw1\n')).toBeUndefined();
  });
});

describe('parseShowVersion', () => {
  it('reads transcript show-version-01', () => {
    expect(parseShowVersion(reference('show-version-01.txt'))).toEqual({
      release: '9.5(2)204',
      deviceManager: '7.5(2)',
      hostname: 'asa1',
      uptime: '41 days 19 hours',
      model: 'ASAv10',
      serialNumber: '9AT1L9EX0DF',
      failover: { mode: 'Active/Standby' },
      securityContextsLicensed: 0,
      multipleContext: false,
    });
  });

  it('reads transcript show-version-05 with its leading blank line', () => {
    expect(parseShowVersion(reference('show-version-05.txt'))).toMatchObject({
      release: '9.10(1)11',
      deviceManager: '7.10(1)',
      hostname: 'ciscoasa',
      uptime: '21 days 7 hours',
      model: 'ASAv10',
      multipleContext: false,
    });
  });

  it.each([
    ['context', '9.8(3)21 <context>'],
    ['system', '9.8(3)21 <system> '],
  ])('sees multiple-context mode from the <%s> marker', (marker, suffix) => {
    const text = reference('show-version-01.txt').replace('9.5(2)204', suffix);
    expect(parseShowVersion(text)).toMatchObject({ release: '9.8(3)21', multipleContext: true, contextMarker: marker });
  });

  it('does not take a Security Contexts licence for multiple-context mode', () => {
    const text = reference('show-version-01.txt').replace('Security Contexts                 : 0', 'Security Contexts                 : 2');
    expect(parseShowVersion(text)).toMatchObject({ securityContextsLicensed: 2, multipleContext: false });
  });

  it.each([
    ['output that is not an ASA', 'Cisco IOS Software, C2960 Software\nrouter uptime is 5 weeks\n', /does not look like an ASA/],
    ['output without an uptime line', 'Cisco Adaptive Security Appliance Software Version 9.5(2)204\n', /no "<hostname> up <time>" line/],
  ])('rejects %s', (_label, text, message) => {
    expect(() => parseShowVersion(text)).toThrow(message);
  });
});

describe('parseShowFailover', () => {
  it('reads an active primary unit', () => {
    const text = 'Failover On\nFailover unit Primary\nFailover LAN Interface: folink GigabitEthernet0/2 (up)\n        This host: Primary - Active\n                Active time: 1234 (sec)\n        Other host: Secondary - Standby Ready\n';
    expect(parseShowFailover(text)).toEqual({
      enabled: true,
      role: 'active',
      thisHost: { unit: 'primary', state: 'Active' },
      otherHost: { unit: 'secondary', state: 'Standby Ready' },
    });
  });

  it('reads a standby unit', () => {
    expect(parseShowFailover('Failover On\n  This host: Secondary - Standby Ready\n  Other host: Primary - Active\n').role).toBe('standby');
  });

  it('reads failover off', () => {
    expect(parseShowFailover('Failover Off\nFailover unit Primary\n')).toEqual({ enabled: false });
  });

  it('refuses output without a failover status line', () => {
    expect(() => parseShowFailover('ERROR: % Invalid input detected\n')).toThrow(AsaOutputParseError);
  });
});

describe('parseCryptoCaExport', () => {
  it('reports the truncated block of transcript export-pkcs12-01 clearly, without quoting it', () => {
    const run = () => parseCryptoCaExport(reference('crypto-ca-export-pkcs12-01.txt'));
    expect(run).toThrow(Pkcs12ExportError);
    expect(run).toThrow('line 4 of the PKCS12 block is not base64 (it contains "[.]"): the output was truncated or altered');
    try {
      run();
    } catch (error) {
      expect(String(error)).not.toContain('MIIN');
    }
  });

  it('reports the ASA words of transcript export-error-01', () => {
    expect(() => parseCryptoCaExport(reference('crypto-ca-export-error-01.txt'))).toThrow(
      'crypto ca export did not return a PKCS12 block; the ASA said: a required certificate or keypair was not found export certificate',
    );
  });

  describe('with a real PKCS12 made by openssl', () => {
    async function makePkcs12(): Promise<Uint8Array> {
      const made = await runOpenssl(
        ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'k.pem', '-out', 'c.pem', '-subj', '/CN=export-test', '-days', '2'],
        { outputs: ['k.pem', 'c.pem'] },
      );
      const p12 = await runOpenssl(['pkcs12', '-export', '-inkey', 'k.pem', '-in', 'c.pem', '-passout', 'file:pass.txt', '-out', 'out.p12'], {
        files: { 'k.pem': made.outputs['k.pem']!, 'c.pem': made.outputs['c.pem']!, 'pass.txt': 'Export-Pass-123\n' },
        outputs: ['out.p12'],
      });
      expect(p12.code).toBe(0);
      return new Uint8Array(p12.outputs['out.p12']!);
    }

    function exportOutput(der: Uint8Array, lineEnd = '\n'): string {
      const b64 = Buffer.from(der).toString('base64').match(/.{1,64}/g)!;
      return ['fw1/act(config)# crypto ca export TP1 pkcs12 <redacted>', '', 'Exported pkcs12 follows:', '-----BEGIN PKCS12-----', ...b64, '-----END PKCS12-----', 'fw1/act(config)# '].join(lineEnd);
    }

    it('returns the exact DER bytes, which openssl reads with the passphrase', async () => {
      const der = await makePkcs12();
      const parsed = parseCryptoCaExport(exportOutput(der, '\r\n'));
      expect(Buffer.from(parsed).equals(Buffer.from(der))).toBe(true);
      const check = await runOpenssl(['pkcs12', '-in', 'in.p12', '-passin', 'file:pass.txt', '-nokeys', '-noout'], {
        files: { 'in.p12': parsed, 'pass.txt': 'Export-Pass-123\n' },
      });
      expect(check.code).toBe(0);
    });

    it('detects a block with a missing line by its DER length', async () => {
      const der = await makePkcs12();
      const lines = exportOutput(der).split('\n');
      lines.splice(6, 1);
      expect(() => parseCryptoCaExport(lines.join('\n'))).toThrow(/DER header announces \d+: the output was truncated/);
    });
  });
});

describe('parseWriteMemory', () => {
  it('reads transcript write-memory-01', () => {
    expect(parseWriteMemory(reference('write-memory-01.txt'))).toEqual({ ok: true, checksum: '4b86b1e4 2e731d6b 9d1fc491 a5eae0f3', bytes: 6854 });
  });

  it('reads the REST variant with a trailing space and a blank line', () => {
    expect(parseWriteMemory('Building configuration...\nCryptochecksum: fe1ed704 b7cf5ea3 91d452de 6b8cd26e \n\n24376 bytes copied in 0.290 secs\n[OK]\n')).toEqual({
      ok: true,
      checksum: 'fe1ed704 b7cf5ea3 91d452de 6b8cd26e',
      bytes: 24376,
    });
  });

  it('returns the ASA words of a failure', () => {
    expect(parseWriteMemory('Building configuration...\n%Error copying system:/running-config (No Device)\nError executing command\n[FAILED]\n')).toEqual({
      ok: false,
      reason: '%Error copying system:/running-config (No Device) / Error executing command [FAILED]',
    });
  });

  it('refuses success without [OK]', () => {
    const result = parseWriteMemory('Building configuration...\nCryptochecksum: 4b86b1e4 2e731d6b 9d1fc491 a5eae0f3\n');
    expect(result.ok).toBe(false);
    expect(result).toMatchObject({ reason: expect.stringContaining('no "[OK]" line') });
  });
});

describe('classifyLines', () => {
  it('groups the three-line validation-usage warning after a PKCS12 import and finds it benign', () => {
    const text = [
      'quit',
      'WARNING: CA certificates can be used to validate VPN connections,',
      'by default.  Please adjust the validation-usage of this',
      'trustpoint to limit the validation scope, if necessary.',
      '',
      'Trustpoint CA certificate accepted.',
      'INFO: Import PKCS12 operation completed successfully',
    ].join('\n');
    const messages = classifyLines(text);
    expect(messages.map((m) => m.severity)).toEqual(['plain', 'warning', 'plain', 'info']);
    expect(messages[1]!.text).toBe(
      'WARNING: CA certificates can be used to validate VPN connections, by default.  Please adjust the validation-usage of this trustpoint to limit the validation scope, if necessary.',
    );
    expect(isBenignWarning(messages[1]!)).toBe(true);
  });

  it.each([
    ['invalid-input-01.txt', 'ERROR: % Invalid input detected at \'^\' marker.'],
    ['incomplete-command-01.txt', 'ERROR: % Incomplete command'],
    ['crypto-key-generate-rsa-06-answer-no.txt', 'ERROR: Failed to create new RSA keys named <Default-RSA-Key>'],
  ])('finds the ERROR of %s', (file, error) => {
    const errors = classifyLines(reference(file)).filter((m) => m.severity === 'error');
    expect(errors.map((m) => m.text)).toEqual([error]);
  });

  it('keeps the removal warning (two lines) as one message that is not benign', () => {
    const messages = classifyLines('WARNING: Removing an enrolled trustpoint will destroy all \ncertificates received from the related Certificate Authority.\nINFO: Be sure to ask the CA administrator to revoke your certificates.\n');
    expect(messages).toHaveLength(2);
    expect(messages[0]!.text).toBe('WARNING: Removing an enrolled trustpoint will destroy all certificates received from the related Certificate Authority.');
    expect(isBenignWarning(messages[0]!)).toBe(false);
  });
});
