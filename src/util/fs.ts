import { stat } from 'node:fs/promises';

/** True when something exists at `file` (any kind: file, directory, link target). */
export async function pathExists(file: string): Promise<boolean> {
  try {
    await stat(file);
    return true;
  } catch {
    return false;
  }
}
