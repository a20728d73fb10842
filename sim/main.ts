// `npm run sim -- --count N [--state-dir DIR] [--profile old-asa] [--failover]`: starts N
// simulated ASAs on 127.0.0.1, prints one JSON line per device on stdout, runs until SIGINT
// or SIGTERM, then closes every listener and exits 0.
import { parseArgs } from 'node:util';
import type { Profile } from './device.js';
import { startFleet } from './fleet.js';

const USAGE = 'usage: npm run sim -- --count N [--state-dir DIR] [--profile current|old-asa] [--failover]';

function fail(message: string): never {
  process.stderr.write(`sim: ${message}\n${USAGE}\n`);
  process.exit(2);
}

async function main(): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        count: { type: 'string', default: '1' },
        'state-dir': { type: 'string', default: '.data/sim' },
        profile: { type: 'string', default: 'current' },
        failover: { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
      strict: true,
    }));
  } catch (err) {
    fail(err instanceof Error ? err.message : String(err));
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const count = Number(values.count);
  if (!Number.isInteger(count) || count < 1 || count > 200) fail(`--count must be an integer from 1 to 200, got ${JSON.stringify(values.count)}`);
  const profile = values.profile as Profile;
  if (profile !== 'current' && profile !== 'old-asa') fail(`--profile must be "current" or "old-asa", got ${JSON.stringify(values.profile)}`);

  const fleet = await startFleet({ count, stateDir: values['state-dir'], profile, failover: values.failover });
  for (const sim of fleet.simulators) process.stdout.write(`${JSON.stringify(sim.info)}\n`);

  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`sim: ${signal}, stopping ${fleet.simulators.length} simulator(s)\n`);
    fleet.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        process.stderr.write(`sim: stop failed: ${err instanceof Error ? err.message : String(err)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((err: unknown) => {
  process.stderr.write(`sim: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
