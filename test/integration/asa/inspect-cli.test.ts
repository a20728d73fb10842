import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFleet, type Fleet } from '../../../sim/fleet.js';
import { runCliCaptured } from '../../helpers/cli.js';

describe('trustpoint inspect', () => {
  let fleet: Fleet;
  let argv: string[];
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    fleet = await startFleet({ count: 1, clock: { zoneName: 'EST', offsetMinutes: -300 } });
    const info = fleet.simulators[0]!.info;
    env = { ASA_PW: info.password, ASA_EN: info.enablePassword };
    argv = ['inspect', '--host', info.host, '--port', String(info.port), '--username', info.username, '--password-env', 'ASA_PW', '--enable-password-env', 'ASA_EN', '--host-key', info.hostKeySha256];
  });
  afterAll(async () => {
    await fleet?.stop();
  });

  it('prints the trustpoints, their expiry and the interface that serves each, without the passwords', async () => {
    const io = await runCliCaptured(argv, { env });
    expect(io.code).toBe(0);
    expect(io.err).toBe('');
    expect(io.out).toMatch(/^asa-1: ASA 9\.\S+ on ASAv10, failover none, clock EST \(UTC-05:00\)$/m);
    expect(io.out).toMatch(/^TRUSTPOINT +KIND +SERIAL/m);
    expect(io.out).toMatch(/identity +[0-9a-f]+ +cn=asa-1 .*\(36\d\d days\) +outside$/m);
    expect(io.out).toMatch(/^outside +\S+$/m);
    for (const secret of Object.values(env)) expect(io.out).not.toContain(secret);
  });

  it('prints JSON with --json', async () => {
    const io = await runCliCaptured([...argv, '--json'], { env });
    expect(io.code).toBe(0);
    const report = JSON.parse(io.out) as { device: { hostname: string }; trustpoints: { name: string; identity?: { daysToExpiry?: number }; interfaces: string[] }[] };
    expect(report.device.hostname).toBe('asa-1');
    const served = report.trustpoints.find((t) => t.interfaces.includes('outside'));
    expect(served?.identity?.daysToExpiry).toBeGreaterThan(3000);
  });

  it.each([
    ['a missing password variable', { ASA_EN: 'x' }, [], /--password-env: the environment variable ASA_PW is not set or empty/, 2],
    ['a malformed host key', undefined, ['--host-key', 'SHA256:short'], /--host-key: "SHA256:short" is not a SHA256 fingerprint/, 2],
  ])('refuses %s with a usage error', async (_label, envOverride, extra, message, code) => {
    const args = extra.length ? [...argv.slice(0, -2), ...extra] : argv;
    const io = await runCliCaptured(args, { env: envOverride ?? env });
    expect(io.code).toBe(code);
    expect(io.err).toMatch(message);
  });

  it('refuses a wrong host key with HostKeyMismatchError and exit code 1', async () => {
    const wrong = `SHA256:${'B'.repeat(43)}`;
    const io = await runCliCaptured([...argv.slice(0, -2), '--host-key', wrong], { env });
    expect(io.code).toBe(1);
    expect(io.err).toContain('HostKeyMismatchError');
    expect(io.err).toContain(`expected ${wrong}`);
  });
});
