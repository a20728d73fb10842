// `npm run demo`: the README's main job. renew-fleet against three simulated ASAs on loopback
// with a local CA; see src/demo/run-demo.ts. Exit 0 when every device ends as the scenario
// expects, 1 otherwise (or on an error), 2 on bad usage.
import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { DataDirNotEmptyError, runDemo } from '../src/demo/run-demo.js';
import { paletteFor } from '../src/demo/palette.js';
import { SCENARIO_NAMES, type ScenarioName } from '../src/demo/scenario.js';
import { runRmaDemo } from '../src/demo/rma-scenario.js';

const USAGE = `Usage: npm run demo -- [--report FILE] [--data-dir DIR] [--keep] [--scenario ${[...SCENARIO_NAMES, 'rma'].join('|')}]

Starts three simulated ASAs on 127.0.0.1 (asa-expiring: certificate expires in 10 days;
asa-healthy: valid for a year; asa-broken: AAA refuses "ssl trust-point"), a local CA and an
inventory, runs renew-fleet through the local Step Functions runner, and shows per device what
happened and what its outside interface serves afterwards (TLS handshake).

Options:
  --report FILE     also write the report as JSON (no secrets in it)
  --data-dir DIR    build everything in DIR (new or empty) and keep it
  --keep            keep the temporary data directory (inventory, transcripts, logs)
  --scenario NAME   the scenario to run (default: three-devices); rma: a device renewed,
                    backed up, replaced (RMA) and restored (src/demo/rma-scenario.ts)
  -h, --help        show this help

Exit codes: 0 every device ended as expected, 1 otherwise, 2 usage error.
`;

// `npm run demo | head` closes stdout early: stop writing, but finish, so that the simulators
// stop and the temporary data directory is removed.
let stdoutClosed = false;
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
  stdoutClosed = true;
});
const writeOut = (text: string): void => {
  if (!stdoutClosed) process.stdout.write(text);
};

// Ctrl-C or a kill: stop the simulators and remove the temporary data directory first.
let cleanup: { stop: () => Promise<void>; finalRemove: () => void } | undefined;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    process.stderr.write(`demo: ${signal}: stopping the simulators and cleaning up\n`);
    void (cleanup?.stop() ?? Promise.resolve())
      .then(() => new Promise((resolve) => setTimeout(resolve, 200)))
      .finally(() => {
        cleanup?.finalRemove();
        process.exit(130);
      });
  });
}

function usageError(message: string): number {
  process.stderr.write(`demo: ${message}\n${USAGE}`);
  return 2;
}

async function main(argv: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        report: { type: 'string' },
        'data-dir': { type: 'string' },
        keep: { type: 'boolean', default: false },
        scenario: { type: 'string', default: 'three-devices' },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    return usageError(error instanceof Error ? error.message : String(error));
  }
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const known = values.scenario === 'rma' || (SCENARIO_NAMES as readonly string[]).includes(values.scenario);
  if (!known) {
    return usageError(`--scenario: "${values.scenario}" is not a known scenario (known: ${[...SCENARIO_NAMES, 'rma'].join(', ')})`);
  }
  if (values.report === '') return usageError('--report: expected a file name');
  if (values['data-dir'] === '') return usageError('--data-dir: expected a directory');
  try {
    if (values.scenario === 'rma') {
      const rma = await runRmaDemo({
        ...(values['data-dir'] === undefined ? {} : { dataDir: values['data-dir'] }),
        keep: values.keep,
        ...(values.report === undefined ? {} : { reportFile: values.report }),
        write: writeOut,
        palette: paletteFor(process.stdout, process.env),
      });
      return rma.exitCode;
    }
    const run = await runDemo({
      onCleanup: (stop, finalRemove) => {
        cleanup = { stop, finalRemove };
      },
      scenario: values.scenario as ScenarioName,
      ...(values['data-dir'] === undefined ? {} : { dataDir: values['data-dir'] }),
      keep: values.keep,
      ...(values.report === undefined ? {} : { reportFile: values.report }),
      write: writeOut,
      palette: paletteFor(process.stdout, process.env),
    });
    return run.exitCode;
  } catch (error) {
    if (error instanceof DataDirNotEmptyError) return usageError(error.message);
    process.stderr.write(`demo: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}\n`);
    return 1;
  }
}

process.exitCode = await main(process.argv.slice(2));
