// crypto ca certificate chain <tp> -> (config-cert-chain)#, and `no certificate [ca] <serial>`
// inside it: how a certificate is removed from a trustpoint without removing the trustpoint.
import { AsaCliError, type CommandDefinition, type SessionIo } from '../cli/command.js';
import type { SimDevice } from '../device.js';
import { describeCertificate, isIssuedBy } from '../../src/pki/certificate-info.js';
import { isYes, printLines } from './io.js';
import * as msg from './messages.js';
import type { TrustpointRecord } from './state.js';

function chainTrustpoint(device: SimDevice, io: SessionIo): TrustpointRecord {
  const name = io.modeArg ?? '';
  const tp = device.pki.trustpoint(name);
  if (!tp) throw new AsaCliError([msg.unknownTrustpoint(name)]);
  return tp;
}

const serialOf = (pem: string): string => describeCertificate(pem).serialHex;

export const CHAIN_COMMANDS: CommandDefinition[] = [
  {
    syntax: 'crypto ca certificate chain <tp:WORD>',
    modes: ['config'],
    run: ({ device, io, params }) => {
      const name = params.tp as string;
      if (!device.pki.trustpoint(name)) throw new AsaCliError([msg.unknownTrustpoint(name)]);
      io.enterMode('config-cert-chain', name);
    },
  },
  {
    syntax: 'no certificate ca <serial:WORD>',
    modes: ['config-cert-chain'],
    run: async ({ device, io, params }) => {
      const tp = chainTrustpoint(device, io);
      const serial = (params.serial as string).toLowerCase();
      const ca = tp.caCertificates.find((pem) => serialOf(pem) === serial);
      if (ca === undefined) throw new AsaCliError([msg.noSuchCertificate(serial, tp.name)]);
      printLines(io, [msg.CA_DISASSOCIATE_WARNING]);
      if (!isYes(await io.ask(msg.REMOVE_CERTIFICATE_QUESTION))) return;
      tp.caCertificates = tp.caCertificates.filter((pem) => pem !== ca);
      if (tp.identityCertificate !== undefined && isIssuedBy(tp.identityCertificate, ca)) delete tp.identityCertificate;
      device.markConfigChanged();
    },
  },
  {
    syntax: 'no certificate <serial:WORD>',
    modes: ['config-cert-chain'],
    run: async ({ device, io, params }) => {
      const tp = chainTrustpoint(device, io);
      const serial = (params.serial as string).toLowerCase();
      if (tp.identityCertificate === undefined || serialOf(tp.identityCertificate) !== serial) throw new AsaCliError([msg.noSuchCertificate(serial, tp.name)]);
      if (!isYes(await io.ask(msg.REMOVE_CERTIFICATE_QUESTION))) return;
      delete tp.identityCertificate;
      device.markConfigChanged();
    },
  },
];
