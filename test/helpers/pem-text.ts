// PEM armour built at run time, so no test file holds a literal private-key PEM header
// (the repository check for committed keys stays meaningful).
export function pemBegin(label: string): string {
  return `-----BEGIN ${label}-----`;
}

export function pemEnd(label: string): string {
  return `-----END ${label}-----`;
}

/** A PEM block of `label` around `body` (not necessarily valid base64: for negative tests). */
export function pemText(label: string, body: string): string {
  return `${pemBegin(label)}\n${body}\n${pemEnd(label)}\n`;
}

/** Matches one whole PEM block of `label` (lazy, multi-line). */
export function pemBlockPattern(label: string, anchored = false): RegExp {
  const core = `${pemBegin(label)}\\n[\\s\\S]+?\\n${pemEnd(label)}\\n`;
  return new RegExp(anchored ? `^${core}$` : core);
}
