// Reads the real ASA transcripts from ../shared/asa-reference (never copied into the repo).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
export const referenceDir = path.resolve(repoRoot, '../shared/asa-reference');

export function reference(name: string): string {
  return readFileSync(path.join(referenceDir, name), 'utf8');
}
