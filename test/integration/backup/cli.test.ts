// `trustpoint backup`, `trustpoint backups` and `trustpoint restore` through the CLI framework,
// on the data directory of a local world (simulators on loopback, local CA, file stores).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMMANDS } from '../../../src/cli/commands/index.js';
import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE, runCli, type CliIo } from '../../../src/cli/framework.js';
import { served, servedSerial, simById, startWorld, STARTING_TRUSTPOINT, type World } from '../workflow/world.js';
import { pointRecordAt, replaceUnit } from './rma-world.js';

let world: World;

async function cli(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { stdout: (t) => out.push(t), stderr: (t) => err.push(t), env: { NO_COLOR: '1' }, cwd: world.dir };
  const code = await runCli(COMMANDS, [...argv, '--data-dir', world.env.dataDir], io);
  return { code, out: out.join(''), err: err.join('') };
}

beforeAll(async () => {
  world = await startWorld({ devices: [{ startingDays: 200 }] });
});
afterAll(async () => {
  await world?.stop();
});

describe('trustpoint backup / backups / restore', () => {
  it('says there is no backup yet, then backs up and lists the backup with serial, trustpoint, expiry, interfaces and date', async () => {
    const serial = servedSerial(await served(simById(world, 'asa-1')));
    const empty = await cli(['backups', 'asa-1']);
    expect(empty).toMatchObject({ code: EXIT_OK });
    expect(empty.out).toMatch(/^No backup of asa-1\./);

    const taken = await cli(['backup', 'asa-1', '--keep', '2']);

    expect(taken.code, taken.out + taken.err).toBe(EXIT_OK);
    expect(taken.out).toContain('  ok      ExportTrustpoints');
    expect(taken.out).toMatch(new RegExp(`${STARTING_TRUSTPOINT}  serial ${serial}  notAfter \\S+  bound to outside, inside  exported with crypto ca export`));
    const listed = await cli(['backups', 'asa-1']);
    const [header, row] = listed.out.trimEnd().split('\n');
    expect(header).toMatch(/^TAKEN\s+TRUSTPOINT\s+SERIAL\s+NOT AFTER\s+INTERFACES\s+SOURCE$/);
    expect(row).toMatch(new RegExp(`^\\d{4}-\\d\\d-\\d\\dT\\S+Z\\s+${STARTING_TRUSTPOINT}\\s+${serial}\\s+\\S+Z\\s+outside,inside\\s+exported$`));
  });

  it('rejects a malformed --host-key as a usage error, and an unknown device with a hint', async () => {
    expect((await cli(['restore', 'asa-1', '--host-key', 'MD5:aa:bb'])).code).toBe(EXIT_USAGE);
    const unknown = await cli(['restore', 'nope', '--host-key', `SHA256:${'a'.repeat(43)}`]);
    expect(unknown.code).toBe(EXIT_FAILURE);
    expect(unknown.err).toContain('DeviceNotFoundError');
  });

  it('restores the replacement with the confirmed host key and reports the serial it serves again', async () => {
    const original = simById(world, 'asa-1');
    const serial = servedSerial(await served(original));
    const replacement = await replaceUnit(world, original);
    await pointRecordAt(world, 'asa-1', replacement);

    const refused = await cli(['restore', 'asa-1']);
    expect(refused.code).toBe(EXIT_FAILURE);
    expect(refused.out).toContain('FAILED: HostKeyMismatchError');
    expect(replacement.device.logins).toEqual([]);

    const restored = await cli(['restore', 'asa-1', '--host-key', replacement.info.hostKeySha256]);

    expect(restored.code, restored.out).toBe(EXIT_OK);
    expect(restored.out).toContain('RESTORED');
    expect(restored.out).toContain(`host key: ${replacement.info.hostKeySha256} confirmed and pinned (was ${original.info.hostKeySha256})`);
    expect(restored.out).toMatch(new RegExp(`${STARTING_TRUSTPOINT}: serial ${serial}, .* imported; bound to outside, inside; TLS presents it on (outside, inside|inside, outside)`));
    expect(servedSerial(await served(replacement))).toBe(serial);
  });
});
