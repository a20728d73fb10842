// crypto key generate rsa|ecdsa, crypto key zeroize, show crypto key mypubkey (facts section 10).
import { AsaCliError, type CommandDefinition, type SessionIo } from '../cli/command.js';
import type { SimDevice } from '../device.js';
import { delay, isYes, printLines } from './io.js';
import { EC_CURVES, RSA_MODULI, generateDeviceKey } from './keygen.js';
import * as msg from './messages.js';
import { renderKeypairList } from './render-keys.js';
import { DEFAULT_KEY_NAME, type KeyKind } from './state.js';

const DEFAULT_RSA_MODULUS = 2048;
/** ASA's default curve for `crypto key generate ecdsa` (assumed: see sim/README.md). */
const DEFAULT_EC_CURVE = 384;

async function generate(device: SimDevice, io: SessionIo, kind: KeyKind, bits: number, label: string | undefined, noconfirm: boolean): Promise<void> {
  const name = label ?? DEFAULT_KEY_NAME[kind];
  const existing = device.pki.keypair(name);
  if (existing && existing.kind !== kind) throw new AsaCliError([msg.keyKindMismatch(name, existing.kind)]);
  if (existing) {
    if (!noconfirm) {
      printLines(io, [msg.keypairExists(kind, name), '']);
      if (!isYes(await io.ask(msg.KEY_REPLACE_QUESTION))) throw new AsaCliError([msg.keygenDeclined(kind, name)]);
    }
  } else {
    printLines(io, [msg.keyNameInfo(name)]);
  }
  printLines(io, [msg.KEYGEN_BEGIN]);
  const [keyPem] = await Promise.all([generateDeviceKey(kind, bits), delay(device.faults.keygenDelayMs)]);
  device.pki.putKeypair({ name, kind, bits, keyPem, generatedAt: device.clock.now().toISOString() });
  device.markConfigChanged();
}

function parseSize(value: string | undefined, fallback: number, allowed: readonly number[], error: (v: string) => string): number {
  if (value === undefined) return fallback;
  const bits = Number(value);
  if (!allowed.includes(bits)) throw new AsaCliError([error(value)]);
  return bits;
}

export const KEY_COMMANDS: CommandDefinition[] = [
  {
    syntax: 'crypto key generate rsa [general-keys] [label <label:WORD>] [modulus <bits:INT>] [noconfirm]',
    modes: ['config'],
    run: async ({ device, io, params }) => {
      const bits = parseSize(params.bits, DEFAULT_RSA_MODULUS, RSA_MODULI, msg.invalidModulus);
      await generate(device, io, 'rsa', bits, params.label, params.noconfirm !== undefined);
    },
  },
  {
    syntax: 'crypto key generate ecdsa [label <label:WORD>] [elliptic-curve <bits:INT>] [noconfirm]',
    modes: ['config'],
    run: async ({ device, io, params }) => {
      const bits = parseSize(params.bits, DEFAULT_EC_CURVE, EC_CURVES, msg.invalidCurve);
      await generate(device, io, 'ecdsa', bits, params.label, params.noconfirm !== undefined);
    },
  },
  {
    syntax: 'crypto key zeroize <kind:{rsa|ecdsa}> [label <label:WORD>] [noconfirm]',
    modes: ['config'],
    run: async ({ device, io, params }) => {
      const kind = params.kind as KeyKind;
      const label = params.label;
      const victims = device.pki.listKeypairs(kind).filter((kp) => label === undefined || kp.name === label);
      if (victims.length === 0) throw new AsaCliError([msg.noSuchKey(kind, label)]);
      if (params.noconfirm === undefined) {
        printLines(io, msg.zeroizeWarning(kind, label));
        if (!isYes(await io.ask(msg.ZEROIZE_QUESTION))) return;
      }
      for (const kp of victims) device.pki.removeKeypair(kp.name);
      device.markConfigChanged();
    },
  },
  {
    syntax: 'show crypto key mypubkey <kind:{rsa|ecdsa}>',
    modes: ['privileged'],
    run: ({ device, io, params }) => {
      printLines(io, renderKeypairList(device.pki.listKeypairs(params.kind as KeyKind), device.clock));
    },
  },
];
