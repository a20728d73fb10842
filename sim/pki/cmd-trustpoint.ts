// crypto ca trustpoint <tp> and its sub-commands, no crypto ca trustpoint (facts section 11).
import { AsaCliError, type CommandDefinition, type Params, type SessionIo } from '../cli/command.js';
import type { SimDevice } from '../device.js';
import { isYes, printLines } from './io.js';
import * as msg from './messages.js';
import type { TrustpointRecord } from './state.js';

type Setting = 'enrollment' | 'keypair' | 'subjectName' | 'fqdn' | 'ipAddress' | 'validationUsage' | 'revocationCheck' | 'idUsage';

/** The trustpoint whose sub-mode the session is in. */
function current(device: SimDevice, io: SessionIo): TrustpointRecord {
  const name = io.modeArg;
  const tp = name === undefined ? undefined : device.pki.trustpoint(name);
  if (!tp) throw new AsaCliError([msg.unknownTrustpoint(name ?? '')]);
  return tp;
}

/** A sub-command that sets one value (from `value(params)`) and its `no` form that clears it. */
function setting(syntax: string, noSyntax: string, key: Setting, value: (p: Params) => string): CommandDefinition[] {
  return [
    {
      syntax,
      modes: ['config-ca-trustpoint'],
      run: ({ device, io, params }) => {
        current(device, io)[key] = value(params);
        device.markConfigChanged();
      },
    },
    {
      syntax: noSyntax,
      modes: ['config-ca-trustpoint'],
      run: ({ device, io }) => {
        delete current(device, io)[key];
        device.markConfigChanged();
      },
    },
  ];
}

/** Syntax for one to three keywords from `choices` (`revocation-check crl ocsp`), so a wrong word gets the parser's caret. */
function keywordList(choices: readonly string[]): string {
  const choice = (n: number): string => `<w${n}:{${choices.join('|')}}>`;
  return `${choice(1)} [${choice(2)} [${choice(3)}]]`;
}

const listValue = (p: Params): string => [p.w1, p.w2, p.w3].filter((w) => w !== undefined).join(' ');

const REVOCATION_METHODS = ['crl', 'ocsp', 'none'];
const ID_USAGES = ['ssl-ipsec', 'code-signer'];
const VALIDATION_USAGES = ['ipsec-client', 'ssl-client', 'ssl-server'];

async function removeTrustpoint(device: SimDevice, io: SessionIo, name: string, noconfirm: boolean): Promise<void> {
  const tp = device.pki.trustpoint(name);
  if (!tp) throw new AsaCliError([msg.unknownTrustpoint(name)]);
  const uses = device.pki.usesOf(name);
  if (uses.length > 0) throw new AsaCliError([msg.trustpointInUse(name, uses[0] as string)]);
  const enrolled = tp.identityCertificate !== undefined || tp.caCertificates.length > 0;
  if (enrolled) {
    printLines(io, msg.REMOVE_ENROLLED_WARNING);
    if (!noconfirm && !isYes(await io.ask(msg.REMOVE_QUESTION))) return;
  }
  device.pki.removeTrustpoint(name);
  device.markConfigChanged();
  if (enrolled) printLines(io, [msg.REVOKE_REMINDER]);
}

export const TRUSTPOINT_COMMANDS: CommandDefinition[] = [
  {
    syntax: 'crypto ca trustpoint <tp:WORD>',
    modes: ['config'],
    run: ({ device, io, params }) => {
      const name = params.tp as string;
      if (!device.pki.trustpoint(name)) {
        device.pki.ensureTrustpoint(name);
        device.markConfigChanged();
      }
      io.enterMode('config-ca-trustpoint', name);
    },
  },
  {
    syntax: 'no crypto ca trustpoint <tp:WORD> [noconfirm]',
    modes: ['config'],
    run: ({ device, io, params }) => removeTrustpoint(device, io, params.tp as string, params.noconfirm !== undefined),
  },
  ...setting('enrollment <method:{terminal|self}>', 'no enrollment [<method:{terminal|self}>]', 'enrollment', (p) => p.method as string),
  ...setting('enrollment url <url:WORD>', 'no enrollment url [<url:WORD>]', 'enrollment', (p) => `url ${p.url as string}`),
  ...setting('keypair <name:WORD>', 'no keypair [<name:WORD>]', 'keypair', (p) => p.name as string),
  ...setting('subject-name <dn:LINE>', 'no subject-name [<dn:LINE>]', 'subjectName', (p) => (p.dn as string).trim()),
  ...setting('fqdn <fqdn:WORD>', 'no fqdn [<fqdn:WORD>]', 'fqdn', (p) => p.fqdn as string),
  ...setting('ip-address <ip:WORD>', 'no ip-address [<ip:WORD>]', 'ipAddress', (p) => p.ip as string),
  ...setting(`revocation-check ${keywordList(REVOCATION_METHODS)}`, `no revocation-check [${keywordList(REVOCATION_METHODS)}]`, 'revocationCheck', listValue),
  ...setting(`id-usage ${keywordList(ID_USAGES)}`, `no id-usage [${keywordList(ID_USAGES)}]`, 'idUsage', listValue),
  {
    syntax: `validation-usage ${keywordList(VALIDATION_USAGES)}`,
    modes: ['config-ca-trustpoint'],
    run: ({ device, io, params }) => {
      current(device, io).validationUsage = listValue(params);
      device.markConfigChanged();
    },
  },
  {
    // `no validation-usage` is a setting of its own (the trustpoint validates nothing), shown in the running config.
    syntax: 'no validation-usage',
    modes: ['config-ca-trustpoint'],
    run: ({ device, io }) => {
      current(device, io).validationUsage = 'none';
      device.markConfigChanged();
    },
  },
  {
    // A real ASA enters (config-ca-crl) here; its CRL settings are not modelled, `crl configure` is always shown.
    syntax: 'crl configure',
    modes: ['config-ca-trustpoint'],
    run: ({ device, io }) => {
      current(device, io);
    },
  },
];
