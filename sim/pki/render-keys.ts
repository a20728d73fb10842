// `show crypto key mypubkey rsa|ecdsa` (facts section 10): no leading `% ` (unlike IOS),
// sub-lines indented one space, the public key (SubjectPublicKeyInfo DER) as lowercase hex
// words, 8 a line, indented two spaces, after an empty line.
import { formatAsaTime, type ClockZone } from '../time.js';
import { hexWordLines } from './render-running-config.js';
import { publicKeyDer, type KeypairRecord } from './state.js';

export function renderKeypair(kp: KeypairRecord, clock: ClockZone): string[] {
  return [
    `Key pair was generated at: ${formatAsaTime(new Date(kp.generatedAt), clock)}`,
    `Key name: ${kp.name}`,
    ' Usage: General Purpose Key',
    kp.kind === 'rsa' ? ` Modulus Size (bits): ${kp.bits}` : ` Elliptic Curve Size (bits): ${kp.bits}`,
    ' Key Data:',
    '',
    ...hexWordLines(publicKeyDer(kp.keyPem), '  '),
  ];
}

/** Every key pair of the listing, separated by a blank line. */
export function renderKeypairList(keypairs: readonly KeypairRecord[], clock: ClockZone): string[] {
  return keypairs.flatMap((kp, i) => [...(i > 0 ? [''] : []), ...renderKeypair(kp, clock)]);
}
