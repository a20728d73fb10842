// Putting a backed-up PKCS12 back into a trustpoint of the same name on a replacement unit.
//
// The replacement usually starts from the failed unit's configuration: `crypto ca certificate
// chain <tp>` is part of the running-config, so the trustpoint already SHOWS the identity
// certificate (same serial, Status: Available) while its key pair, which a configuration
// backup does not hold, is missing. `show crypto ca certificates` cannot tell the two apart;
// `crypto ca export` can: the ASA exports only what it holds with its key, and refuses with
// "a required certificate or keypair was not found" otherwise. So the key is probed with an
// export (a throwaway passphrase, the bytes dropped at once) before deciding to import.
//
// AsaDevice.importPkcs12 returns "already present" when the serial is shown, which is right for
// a renewal and wrong here, so the import into such a trustpoint runs the same
// `crypto ca import` command through the device's command runner.
import { AsaDevice } from '../../asa/operations.js';
import * as cmd from '../../asa/commands.js';
import { serialsEqual } from '../../asa/tls-probe.js';
import { AsaCommandError, NotImplementedError, Pkcs12ExportError, Pkcs12ImportError } from '../../errors.js';
import { generatePassphrase } from '../../pki/passphrase.js';
import type { DeviceSession } from '../../ports.js';

const IMPORT_OK = /Import PKCS12 operation completed successfully/;

/** Whether the trustpoint holds its identity certificate together with its key pair (the ASA can export it). */
export async function holdsKeyPair(session: DeviceSession, trustpoint: string): Promise<boolean> {
  try {
    const der = await session.exportPkcs12(trustpoint, generatePassphrase());
    der.fill(0);
    return true;
  } catch (error) {
    if (error instanceof Pkcs12ExportError) return false;
    throw error;
  }
}

function commandRunnerOf(session: DeviceSession): AsaDevice['session'] {
  if (session instanceof AsaDevice) return session.session;
  throw new NotImplementedError('restoring into a trustpoint whose certificate is configured but whose key pair is missing needs an SSH session to the ASA (AsaDevice)');
}

export type RestoreImportStatus = 'imported' | 'already-present';

/**
 * Imports the PKCS12 into `trustpoint` unless the trustpoint already holds `serial` with its key.
 * Refuses (Pkcs12ImportError) when the trustpoint holds another certificate: that is not ours to replace.
 * Never answers "yes" to replacing an existing key pair.
 */
export async function restoreIntoTrustpoint(session: DeviceSession, trustpoint: string, pkcs12: Uint8Array, passphrase: string, serial: string): Promise<RestoreImportStatus> {
  const identity = (await session.certificatesOf(trustpoint)).find((e) => e.kind === 'identity');
  if (identity === undefined) {
    const result = await session.importPkcs12(trustpoint, pkcs12, passphrase, serial, { trustpointCreatedByUs: false });
    return result.status;
  }
  if (!serialsEqual(identity.serialHex, serial)) {
    throw new Pkcs12ImportError(
      `trustpoint ${trustpoint} on the replacement holds another certificate (serial ${identity.serialHex}, the backup has ${serial}); refusing to replace it: remove it by hand if it is stale, then re-run the restore`,
    );
  }
  if (await holdsKeyPair(session, trustpoint)) return 'already-present';

  const command = cmd.importPkcs12(trustpoint, passphrase, pkcs12, { replaceOwnKeys: false });
  let output: string;
  try {
    output = (await commandRunnerOf(session).run(command)).output;
  } catch (error) {
    if (error instanceof AsaCommandError) throw new Pkcs12ImportError(`the ASA refused the backup PKCS12 for ${trustpoint}: ${error.message}`, { cause: error });
    throw error;
  }
  if (!IMPORT_OK.test(output)) throw new Pkcs12ImportError(`"${command.redacted}" did not report "Import PKCS12 operation completed successfully"`);
  if (!(await holdsKeyPair(session, trustpoint))) {
    throw new Pkcs12ImportError(`after the import, the ASA still cannot export trustpoint ${trustpoint} with its key pair: the key was not restored`);
  }
  return 'imported';
}
