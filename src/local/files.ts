// File helpers for the local adapters: atomic replacement, private modes, and the
// conversion of file-system failures into the project's error names.
import { randomBytes } from 'node:crypto';
import { link, mkdir, open, readFile, rename, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import { StoreError, ValidationError } from '../errors.js';

/** Owner read/write only: secrets, keys, bundles, leases. */
export const PRIVATE_FILE_MODE = 0o600;
export const PRIVATE_DIR_MODE = 0o700;

export function isErrnoException(error: unknown, code: string): boolean {
  return error instanceof Error && (error as NodeJS.ErrnoException).code === code;
}

async function writeTemp(target: string, data: string | Uint8Array): Promise<string> {
  const temp = `${target}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    await mkdir(path.dirname(target), { recursive: true, mode: PRIVATE_DIR_MODE });
    const handle = await open(temp, 'wx', PRIVATE_FILE_MODE);
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw storeError(`write ${target}`, error);
  }
  return temp;
}

/** Replaces `target` so readers see either the old or the new content, never a partial file. */
export async function writeFileAtomic(target: string, data: string | Uint8Array): Promise<void> {
  const temp = await writeTemp(target, data);
  try {
    await rename(temp, target);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw storeError(`write ${target}`, error);
  }
}

/**
 * Creates `target` with complete content only if it does not exist yet (link(2) fails with
 * EEXIST atomically, like O_CREAT|O_EXCL, and the file never appears half-written).
 * Returns false when another writer got there first.
 */
export async function createFileExclusive(target: string, data: string | Uint8Array): Promise<boolean> {
  const temp = await writeTemp(target, data);
  try {
    await link(temp, target);
    return true;
  } catch (error) {
    if (isErrnoException(error, 'EEXIST')) return false;
    throw storeError(`create ${target}`, error);
  } finally {
    await unlink(temp).catch(() => undefined);
  }
}

/** Reads a file, or undefined when it does not exist. */
export async function readFileIfExists(file: string): Promise<Buffer | undefined> {
  try {
    return await readFile(file);
  } catch (error) {
    if (isErrnoException(error, 'ENOENT')) return undefined;
    throw storeError(`read ${file}`, error);
  }
}

/** Refuses a secret file that group or others can read, as ssh does with private keys. */
export async function checkPrivateFile(file: string, field: string): Promise<void> {
  const mode = (await stat(file)).mode & 0o777;
  if ((mode & 0o077) !== 0) {
    throw new ValidationError(field, `${file} has mode 0${mode.toString(8)}, which lets other users read it: expected 0600 (chmod 600 ${file})`);
  }
}

export function storeError(action: string, error: unknown): StoreError {
  const code = error instanceof Error ? ((error as NodeJS.ErrnoException).code ?? error.name) : 'error';
  return new StoreError(`could not ${action}: ${code}`, { cause: error });
}
