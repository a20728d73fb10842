// `show crypto ca trustpoints [tp]`. No ASA capture of this command was found: the layout
// follows the IOS `show crypto pki trustpoints` one and is listed as assumed in sim/README.md.

export interface TrustpointView {
  name: string;
  /** The certificate the trustpoint is anchored on (its CA, or a self-signed identity). */
  anchor?: { subject: string[]; serialHex: string };
  identity: 'none' | 'configured' | 'key-missing';
  keypair: string;
}

export function renderTrustpoint(view: TrustpointView): string[] {
  const lines = ['', `Trustpoint ${view.name}:`];
  if (!view.anchor) {
    lines.push('    Not authenticated.');
  } else {
    lines.push('    Subject Name:', ...view.anchor.subject.map((rdn) => `    ${rdn}`), `          Serial Number: ${view.anchor.serialHex}`);
  }
  if (view.identity === 'configured') lines.push('    Certificate configured.');
  if (view.identity === 'key-missing') lines.push(`    Certificate configured, but key pair ${view.keypair} was not found: the certificate cannot be used.`);
  return lines;
}

export function renderTrustpointList(views: readonly TrustpointView[]): string[] {
  return views.flatMap(renderTrustpoint);
}
