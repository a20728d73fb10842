// `trustpoint inspect`: read-only look at one ASA over SSH: its trustpoints, their certificates
// with days to expiry, and which interface serves which. Passwords come only from environment
// variables (a flag would put them in the shell history and the process list).
import { buildInspectReport, formatInspectReport } from '../../asa/inspect-report.js';
import { connectToDevice } from '../../asa/operations.js';
import { ALGORITHM_SETS, type AlgorithmSetName } from '../../asa/ssh-connect.js';
import { EXIT_OK, UsageError, booleanOption, integerOption, requiredString, stringOption, type CliIo, type Command, type ParsedArgs } from '../framework.js';

function secretFromEnv(io: CliIo, flag: string, variable: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(variable)) throw new UsageError(`--${flag}: "${variable}" is not an environment variable name`);
  const value = io.env[variable];
  if (value === undefined || value === '') throw new UsageError(`--${flag}: the environment variable ${variable} is not set or empty`);
  return value;
}

async function run(args: ParsedArgs, io: CliIo): Promise<number> {
  const host = requiredString(args, 'host');
  if (!/^[A-Za-z0-9.:-]{1,253}$/.test(host)) throw new UsageError(`--host: "${host}" is not a host name or IP address`);
  const port = integerOption(args, 'port', 1, 65535) ?? 22;
  const username = requiredString(args, 'username');
  const password = secretFromEnv(io, 'password-env', requiredString(args, 'password-env'));
  const enableVar = stringOption(args, 'enable-password-env');
  const enablePassword = enableVar === undefined ? undefined : secretFromEnv(io, 'enable-password-env', enableVar);
  const hostKeySha256 = requiredString(args, 'host-key');
  if (!/^SHA256:[A-Za-z0-9+/]{43}$/.test(hostKeySha256)) {
    throw new UsageError(`--host-key: "${hostKeySha256}" is not a SHA256 fingerprint (expected SHA256: and 43 base64 characters, as ssh-keygen -lf prints it)`);
  }
  const algorithms = (stringOption(args, 'algorithms') ?? 'compatible') as AlgorithmSetName;
  if (username.length > 64 || /[\s\x00-\x1f]/.test(username)) throw new UsageError('--username: expected 1-64 characters without spaces or control characters');

  const device = await connectToDevice({ host, port, username, password, hostKeySha256, algorithms, ...(enablePassword === undefined ? {} : { enablePassword }) });
  try {
    const report = buildInspectReport(await device.inspect(), new Date());
    io.stdout(booleanOption(args, 'json') ? `${JSON.stringify({ host, port, ...report }, null, 2)}\n` : formatInspectReport(report));
  } finally {
    await device.close();
  }
  return EXIT_OK;
}

export const inspectCommand: Command = {
  path: ['inspect'],
  summary: "Show an ASA's trustpoints, certificates with days to expiry, and which interface serves which (read-only)",
  options: {
    host: { type: 'string', valueName: 'HOST', description: 'ASA management address', required: true },
    port: { type: 'string', valueName: 'PORT', description: 'SSH port', default: '22' },
    username: { type: 'string', valueName: 'USER', description: 'SSH user name', required: true },
    'password-env': { type: 'string', valueName: 'VAR', description: 'Environment variable holding the SSH password', required: true },
    'enable-password-env': { type: 'string', valueName: 'VAR', description: 'Environment variable holding the enable password (when the login lands at ">")' },
    'host-key': { type: 'string', valueName: 'SHA256:...', description: "The ASA's SSH host key fingerprint; anything else is refused before logging in", required: true },
    algorithms: { type: 'string', valueName: 'SET', description: 'SSH algorithm set', choices: Object.keys(ALGORITHM_SETS), default: 'compatible' },
    json: { type: 'boolean', description: 'Print JSON instead of tables' },
  },
  details: [
    'Runs only show commands: show version, show failover, show running-config clock / ssl / crypto ikev2,',
    'show crypto ca certificates. Nothing on the device changes.',
    '',
    'Take the host key fingerprint over a path you trust (e.g. from the management network:',
    '`ssh-keyscan -t rsa HOST | ssh-keygen -lf -`) and keep it in the inventory.',
    '',
    'Example:',
    '  export ASA_PASSWORD=... ASA_ENABLE=...',
    '  trustpoint inspect --host 192.0.2.10 --username admin --password-env ASA_PASSWORD \\',
    '    --enable-password-env ASA_ENABLE --host-key SHA256:...',
  ].join('\n'),
  run,
};
