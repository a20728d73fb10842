// show crypto ca certificates [tp], show crypto ca trustpoints [tp].
import type { CommandDefinition } from '../cli/command.js';
import { describeCertificate } from '../../src/pki/certificate-info.js';
import { certificateEntry, displayName } from './certificate-view.js';
import { printLines } from './io.js';
import { renderCertificateList, type CertificateEntryView } from './render-certificates.js';
import { renderTrustpointList, type TrustpointView } from './render-trustpoints.js';
import { certificateDer, type PkiState, type TrustpointRecord } from './state.js';

/** The entries of `show crypto ca certificates`: each certificate once, with every trustpoint holding it. */
export function certificateEntries(state: PkiState, only?: string): CertificateEntryView[] {
  const scope = state.listTrustpoints().filter((tp) => only === undefined || tp.name === only);
  const seen = new Set<string>();
  const entries: CertificateEntryView[] = [];
  const add = (pem: string, kind: 'identity' | 'ca'): void => {
    const key = certificateDer(pem).toString('base64');
    if (seen.has(key)) return;
    seen.add(key);
    entries.push(certificateEntry(pem, kind, state.trustpointsHolding(pem)));
  };
  for (const tp of scope) {
    if (tp.identityCertificate !== undefined) add(tp.identityCertificate, 'identity');
    for (const pem of tp.caCertificates) add(pem, 'ca');
  }
  return entries;
}

export function trustpointView(state: PkiState, tp: TrustpointRecord): TrustpointView {
  const anchorPem = tp.caCertificates[0] ?? tp.identityCertificate;
  const anchor = anchorPem === undefined ? undefined : describeCertificate(anchorPem);
  const problem = state.identityProblem(tp);
  return {
    name: tp.name,
    ...(anchor ? { anchor: { subject: displayName(anchor.subject), serialHex: anchor.serialHex } } : {}),
    identity: problem === 'no-certificate' ? 'none' : problem === 'no-keypair' ? 'key-missing' : 'configured',
    keypair: state.keypairNameOf(tp),
  };
}

export const SHOW_COMMANDS: CommandDefinition[] = [
  {
    syntax: 'show crypto ca certificates [<tp:WORD>]',
    modes: ['privileged'],
    run: ({ device, io, params }) => {
      printLines(io, renderCertificateList(certificateEntries(device.pki, params.tp), device.clock));
    },
  },
  {
    syntax: 'show crypto ca trustpoints [<tp:WORD>]',
    modes: ['privileged'],
    run: ({ device, io, params }) => {
      const tps = device.pki.listTrustpoints().filter((tp) => params.tp === undefined || tp.name === params.tp);
      printLines(io, renderTrustpointList(tps.map((tp) => trustpointView(device.pki, tp))));
    },
  },
];
