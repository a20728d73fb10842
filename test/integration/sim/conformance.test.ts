// The simulator against the real transcripts in ../shared/asa-reference for the commands the
// core owns: same lines in the same state, normalising only device-specific values.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFleet, type Fleet, type RunningSimulator } from '../../../sim/fleet.js';
import { ShellDriver } from './shell-driver.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const reference = path.resolve(repoRoot, '../shared/asa-reference');
const transcript = (name: string): string[] => readFileSync(path.join(reference, name), 'utf8').replace(/\n$/, '').split('\n');

/** A raw SSH capture as a terminal log shows it: CRLF and lone CR both end a line. */
const captureLines = (raw: string): string[] => raw.replace(/\r\n/g, '\n').replace(/\r/g, '\n').split('\n');
/** Captures drop the space after a prompt when nothing was typed after it. */
const trimPrompt = (line: string): string => (/^[\w./-]+(?:\([\w-]+\))?[>#] ?$/.test(line) ? line.trimEnd() : line);

let fleet: Fleet;
let sim: RunningSimulator;

beforeAll(async () => {
  fleet = await startFleet({ count: 1, factoryCertificate: false, devices: [{ hostname: 'ciscoasa', username: 'adminasa', enablePassword: 'Cisco123' }] });
  sim = fleet.simulators[0]!;
});

afterAll(async () => {
  await fleet.stop();
});

async function setHostname(name: string): Promise<void> {
  const d = await ShellDriver.connect(sim.info);
  await d.enable(sim.info.enablePassword);
  await d.command('configure terminal');
  await d.command(`hostname ${name}`);
  d.end();
}

describe('conformance with ../shared/asa-reference', () => {
  it('session-login-enable-01: banner, en, stars, privileged prompt', async () => {
    await setHostname('ciscoasa');
    const d = await ShellDriver.connect(sim.info);
    d.send('en\r');
    await d.waitFor('Password: ');
    d.send('Cisco123\r');
    await d.waitFor('ciscoasa# ');
    d.end();
    const normalise = (l: string): string => l.replace(/^Logins over the last 1 days: \d+\.( {2}Last login: \d\d:\d\d:\d\d \w+ \w{3} \d{1,2} \d{4} from \S+)$/, 'Logins over the last 1 days: N.  Last login: TIME from ADDRESS');
    const expected = transcript('session-login-enable-01.txt').slice(2, 9).map(normalise);
    const actual = captureLines(d.transcript).slice(0, 7).map(normalise);
    expect(actual).toEqual(expected);
  });

  it('invalid-input-01: caret under the offending word counting the prompt, then the ERROR line', async () => {
    await setHostname('securevpn');
    const d = await ShellDriver.connect(sim.info);
    const start = d.transcript.length - 'securevpn> '.length;
    await d.command('reload');
    d.end();
    const actual = captureLines(d.transcript.slice(start)).map(trimPrompt);
    expect(actual).toEqual(transcript('invalid-input-01.txt'));
  });

  it('incomplete-command-01: the first command and its ERROR line', async () => {
    await setHostname('ASA1');
    const d = await ShellDriver.connect(sim.info);
    await d.enable(sim.info.enablePassword);
    const start = d.transcript.length - 'ASA1# '.length;
    await d.command('sh cry ipsec');
    d.end();
    expect(captureLines(d.transcript.slice(start)).slice(0, 2)).toEqual(transcript('incomplete-command-01.txt').slice(0, 2));
  });

  it('pager-more-01: the More marker, then a line of 14 spaces once a key is pressed', async () => {
    const d = await ShellDriver.connect(sim.info);
    await d.enable(sim.info.enablePassword);
    d.send('show running-config\r');
    await d.waitFor('<--- More --->');
    d.send(' ');
    await d.waitFor('<--- More --->');
    d.send('q');
    await d.waitFor(/# $/);
    d.end();
    const lines = captureLines(d.transcript);
    const at = lines.indexOf('<--- More --->');
    expect(lines.slice(at, at + 2)).toEqual(transcript('pager-more-01.txt'));
  });

  it('write-memory-01: blank line, Building configuration..., checksum in four groups, size, [OK]', async () => {
    await setHostname('asa12345');
    const d = await ShellDriver.connect(sim.info);
    await d.enable(sim.info.enablePassword);
    await d.command('terminal pager 0');
    const start = d.transcript.length - 'asa12345# '.length;
    await d.command('write memory');
    const run = await d.command('show running-config');
    d.end();
    const normalise = (l: string): string =>
      l
        .replace(/^Cryptochecksum: [0-9a-f]{8} [0-9a-f]{8} [0-9a-f]{8} [0-9a-f]{8}$/, 'Cryptochecksum: X X X X')
        .replace(/^\d+ bytes copied in \d+\.\d\d secs \(\d+ bytes\/sec\)$/, 'N bytes copied in T secs (R bytes/sec)');
    const actual = captureLines(d.transcript.slice(start)).map(trimPrompt).map(normalise);
    expect(actual.slice(0, 6)).toEqual(transcript('write-memory-01.txt').map(normalise));
    // The checksum is the one `show running-config` prints for the same configuration.
    const groups = /Cryptochecksum: ((?:[0-9a-f]{8} ?){4})/.exec(d.transcript)![1]!.replace(/ /g, '');
    expect(run).toContain(`Cryptochecksum:${groups}\r\n: end\r\n`);
  });

  const VERSION_SHAPES: RegExp[] = [
    /^Cisco Adaptive Security Appliance Software Version \d+\.\d+\(\d+\)\d*$/,
    /^Device Manager Version \d+\.\d+\(\d+\)$/,
    /^Compiled on \w{3} \d\d-\w{3}-\d\d \d\d:\d\d [A-Z]{3} by builders$/,
    /^System image file is "boot:\/asa[\w-]+\.bin"$/,
    /^Config file at boot was "startup-config"$/,
    /^\S+ up \d+ (?:days?|hours?|mins?) \d+ (?:hours?|mins?|secs?)$/,
    /^Hardware: {3}ASAv, \d+ MB RAM, CPU /,
    /^Model Id: {3}ASAv\d+$/,
    /^ \d: Ext: \S+ +: address is [0-9a-f]{4}\.[0-9a-f]{4}\.[0-9a-f]{4}, irq \d+$/,
    /^Licensed features for this platform:$/,
    /^Failover {26}: Active\/Standby$/,
    /^Security Contexts {17}: 0$/,
    /^Serial Number: \w+$/,
    /^Image type {10}: Release$/,
    /^Key version {9}: A$/,
    /^Configuration last modified by \S+ at \d\d:\d\d:\d\d\.\d{3} \w+ \w{3} \w{3} \d{1,2} \d{4}$/,
  ];
  /** For each line, the index of the shape it has (or -1); consecutive duplicates collapsed. */
  const shapeSequence = (lines: string[]): number[] =>
    lines.map((l) => VERSION_SHAPES.findIndex((re) => re.test(l))).filter((i, n, all) => i >= 0 && all[n - 1] !== i);
  /** Licence lines put the colon in column 34. */
  const licenceColons = (lines: string[]): number[] => lines.filter((l) => /^[A-Z][\w/ -]+ +: \S/.test(l) && !/^(Hardware|Model Id|Image type|Key version)/.test(l)).map((l) => l.indexOf(':'));

  it.each(['show-version-01.txt', 'show-version-05.txt'])('%s: the same lines in the same order and layout', async (name) => {
    const d = await ShellDriver.connect(sim.info);
    await d.enable(sim.info.enablePassword);
    await d.command('terminal pager 0');
    const out = await d.command('show version');
    d.end();
    const ours = captureLines(out).slice(1, -1);
    const theirs = transcript(name);
    expect(shapeSequence(ours)).toEqual(shapeSequence(theirs));
    expect(shapeSequence(ours)).toHaveLength(VERSION_SHAPES.length);
    expect(new Set(licenceColons(ours))).toEqual(new Set([34]));
    expect(new Set(licenceColons(theirs))).toEqual(new Set([34]));
    // 9.10 and later start with a blank line (show-version-05); 9.5 (show-version-01) does not. We simulate 9.16.
    expect(ours[0]).toBe('');
  });
});
