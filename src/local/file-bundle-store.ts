// Encrypted bundles as files: <dataDir>/bundles/<deviceId>/<kind>/<serialHex>.tpb, in the
// envelope format of bundle-envelope.ts, sealed under the local master key.
import { readdir, unlink } from 'node:fs/promises';
import path from 'node:path';
import { BackupNotFoundError } from '../errors.js';
import { bundleRefFor, checkDeviceId, normalizeSerialHex, parseBundleRef } from '../inventory/refs.js';
import { systemClock } from '../ports.js';
import type { BundleContents, BundleKind, BundleMetadata, BundleRef, BundleStore, Clock, StoredBundleMetadata } from '../ports.js';
import { openBundle, readBundleMetadata, sealBundle } from './bundle-envelope.js';
import type { DataKeyProvider } from './bundle-envelope.js';
import { isErrnoException, readFileIfExists, storeError, writeFileAtomic } from './files.js';

const KINDS: readonly BundleKind[] = ['issued', 'backup'];

export class FileBundleStore implements BundleStore {
  readonly #bundlesDir: string;

  constructor(
    dataDir: string,
    private readonly keys: DataKeyProvider,
    private readonly clock: Clock = systemClock,
  ) {
    this.#bundlesDir = path.join(dataDir, 'bundles');
  }

  #file(ref: BundleRef): { file: string; parsed: ReturnType<typeof parseBundleRef> } {
    const parsed = parseBundleRef(ref);
    return { file: path.join(this.#bundlesDir, parsed.deviceId, parsed.kind, `${parsed.serialHex}.tpb`), parsed };
  }

  async put(metadata: BundleMetadata, contents: BundleContents): Promise<BundleRef> {
    const ref = bundleRefFor(metadata.deviceId, metadata.kind, metadata.serialHex);
    const stored: StoredBundleMetadata = { ...metadata, serialHex: normalizeSerialHex(metadata.serialHex), createdAt: this.clock.now().toISOString() };
    const sealed = await sealBundle(stored, contents, this.keys);
    await writeFileAtomic(this.#file(ref).file, sealed);
    return ref;
  }

  async get(ref: BundleRef): Promise<{ metadata: StoredBundleMetadata; contents: BundleContents }> {
    const { file, parsed } = this.#file(ref);
    const bytes = await readFileIfExists(file);
    if (bytes === undefined) throw new BackupNotFoundError(`no bundle ${ref} (expected ${file})`);
    return openBundle(bytes, this.keys, parsed);
  }

  async head(ref: BundleRef): Promise<StoredBundleMetadata | undefined> {
    const bytes = await readFileIfExists(this.#file(ref).file);
    return bytes === undefined ? undefined : readBundleMetadata(bytes);
  }

  async delete(ref: BundleRef): Promise<'deleted' | 'absent'> {
    const { file } = this.#file(ref);
    try {
      await unlink(file);
      return 'deleted';
    } catch (error) {
      if (isErrnoException(error, 'ENOENT')) return 'absent';
      throw storeError(`delete ${ref}`, error);
    }
  }

  async list(deviceId: string, kind?: BundleKind): Promise<{ ref: BundleRef; metadata: StoredBundleMetadata }[]> {
    checkDeviceId(deviceId);
    const found: { ref: BundleRef; metadata: StoredBundleMetadata }[] = [];
    for (const each of kind === undefined ? KINDS : [kind]) {
      const dir = path.join(this.#bundlesDir, deviceId, each);
      let names: string[];
      try {
        names = await readdir(dir);
      } catch (error) {
        if (isErrnoException(error, 'ENOENT')) continue;
        throw storeError(`list ${dir}`, error);
      }
      for (const name of names) {
        const match = /^([0-9a-f]+)\.tpb$/.exec(name);
        if (!match?.[1]) continue;
        const ref = bundleRefFor(deviceId, each, match[1]);
        const metadata = await this.head(ref);
        if (metadata) found.push({ ref, metadata });
      }
    }
    return found.sort((a, b) => b.metadata.createdAt.localeCompare(a.metadata.createdAt));
  }
}
