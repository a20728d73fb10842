// ssl trust-point and crypto ikev2 (facts section 11): silent on success, refused with an
// ERROR line for an unknown trustpoint or interface or a trustpoint that cannot serve.
import { AsaCliError, type CommandDefinition } from '../cli/command.js';
import type { SimDevice } from '../device.js';
import * as msg from './messages.js';

function checkInterface(device: SimDevice, nameif: string | undefined): void {
  if (nameif !== undefined && !device.interfaces.some((i) => i.nameif === nameif)) throw new AsaCliError([msg.unknownInterface(nameif)]);
}

/** A trustpoint that can serve TLS: it exists, has an identity certificate and the key pair for it. */
function checkServable(device: SimDevice, name: string): void {
  const tp = device.pki.trustpoint(name);
  if (!tp) throw new AsaCliError([msg.unknownTrustpoint(name)]);
  const problem = device.pki.identityProblem(tp);
  if (problem === 'no-certificate') throw new AsaCliError([msg.notEnrolled(name)]);
  if (problem === 'no-keypair') throw new AsaCliError([msg.keypairMissing(name, device.pki.keypairNameOf(tp))]);
  if (problem === 'key-mismatch') throw new AsaCliError([msg.identityKeyMismatch(device.pki.keypairNameOf(tp))]);
}

export const BINDING_COMMANDS: CommandDefinition[] = [
  {
    syntax: 'ssl trust-point <tp:WORD> [<nameif:WORD>]',
    modes: ['config'],
    run: ({ device, params }) => {
      const name = params.tp as string;
      checkServable(device, name);
      checkInterface(device, params.nameif);
      device.pki.bindSsl(name, params.nameif);
      device.markConfigChanged();
    },
  },
  {
    syntax: 'no ssl trust-point <tp:WORD> [<nameif:WORD>]',
    modes: ['config'],
    run: ({ device, params }) => {
      const name = params.tp as string;
      checkInterface(device, params.nameif);
      if (!device.pki.unbindSsl(name, params.nameif)) throw new AsaCliError([msg.noSuchSslBinding(name, params.nameif)]);
      device.markConfigChanged();
    },
  },
  {
    syntax: 'crypto ikev2 remote-access trustpoint <tp:WORD>',
    modes: ['config'],
    run: ({ device, params }) => {
      const name = params.tp as string;
      checkServable(device, name);
      device.pki.setIkev2RemoteAccessTrustpoint(name);
      device.markConfigChanged();
    },
  },
  {
    syntax: 'no crypto ikev2 remote-access trustpoint <tp:WORD>',
    modes: ['config'],
    run: ({ device, params }) => {
      const name = params.tp as string;
      if (!device.pki.removeIkev2RemoteAccessTrustpoint(name)) throw new AsaCliError([msg.noSuchIkev2Trustpoint(name)]);
      device.markConfigChanged();
    },
  },
  {
    syntax: 'crypto ikev2 enable <nameif:WORD> [client-services [port <port:INT>]]',
    modes: ['config'],
    run: ({ device, params }) => {
      const nameif = params.nameif as string;
      checkInterface(device, nameif);
      const clientServices = params['client-services'] !== undefined;
      device.pki.setIkev2Enabled(clientServices ? { interface: nameif, clientServicesPort: Number(params.port ?? 443) } : { interface: nameif });
      device.markConfigChanged();
    },
  },
  {
    syntax: 'no crypto ikev2 enable <nameif:WORD>',
    modes: ['config'],
    run: ({ device, params }) => {
      if (device.pki.removeIkev2Enabled(params.nameif as string)) device.markConfigChanged();
    },
  },
];
