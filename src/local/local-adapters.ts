// Everything the workflow needs to run locally, under one data directory:
//
//   <dataDir>/ca/                    the local CA (created on first use)
//   <dataDir>/keys/bundle-master.key the bundle master key (0600, created on first use)
//   <dataDir>/secrets/               device credentials (0600 JSON)
//   <dataDir>/bundles/               encrypted bundles
//   <dataDir>/inventory/             device records, renewal state, leases
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { LocalCa } from '../pki/local-ca.js';
import type { KeySpec } from '../pki/keys.js';
import { systemClock } from '../ports.js';
import type { Clock } from '../ports.js';
import { FileBundleStore } from './file-bundle-store.js';
import { FileInventory } from './file-inventory.js';
import { FileSecretStore } from './file-secret-store.js';
import { PRIVATE_DIR_MODE } from './files.js';
import { LocalCertificateAuthority } from './local-certificate-authority.js';
import type { LocalCertificateAuthorityOptions } from './local-certificate-authority.js';
import { openLocalMasterKey } from './master-key.js';

export interface LocalAdapterOptions {
  clock?: Clock;
  /** Key type of a CA created on first use (default rsa:2048). */
  caKeySpec?: KeySpec;
  /** Fault injection for the CA (see LocalCertificateAuthorityOptions.beforeCall). */
  caBeforeCall?: LocalCertificateAuthorityOptions['beforeCall'];
}

export interface LocalAdapters {
  dataDir: string;
  localCa: LocalCa;
  ca: LocalCertificateAuthority;
  secrets: FileSecretStore;
  bundles: FileBundleStore;
  inventory: FileInventory;
}

export async function openLocalAdapters(dataDir: string, options: LocalAdapterOptions = {}): Promise<LocalAdapters> {
  const clock = options.clock ?? systemClock;
  await mkdir(dataDir, { recursive: true, mode: PRIVATE_DIR_MODE });
  const localCa = await LocalCa.openOrInit(path.join(dataDir, 'ca'), { ...(options.caKeySpec === undefined ? {} : { keySpec: options.caKeySpec }), now: clock.now() });
  const keys = await openLocalMasterKey(path.join(dataDir, 'keys', 'bundle-master.key'));
  return {
    dataDir,
    localCa,
    ca: new LocalCertificateAuthority(localCa, { clock, ...(options.caBeforeCall === undefined ? {} : { beforeCall: options.caBeforeCall }) }),
    secrets: new FileSecretStore(dataDir),
    bundles: new FileBundleStore(dataDir, keys, clock),
    inventory: new FileInventory(dataDir, clock),
  };
}
