// InstallCertificate (DESIGN.md 1.4): `crypto ca import <new-tp> pkcs12`, then the trustpoint
// must show the issued serial with `Status: Available`. Already there with that serial:
// success without re-import. The PKCS12 and its passphrase are read from the BundleStore here
// and go nowhere but the SSH session (which redacts them from its transcript).
import { serialsEqual } from '../../asa/tls-probe.js';
import { ValidationError } from '../../errors.js';
import type { TaskInput, TaskOutput } from '../contracts.js';
import type { TaskDependencies } from '../dependencies.js';
import { holdLease, logStep, withDeviceSession, type StepContext } from './shared.js';

export async function installCertificate(deps: TaskDependencies, input: TaskInput<'InstallCertificate'>): Promise<TaskOutput<'InstallCertificate'>> {
  const ctx: StepContext = { deviceId: input.deviceId, executionId: input.executionId, step: 'InstallCertificate' };
  await holdLease(deps, ctx);
  const entry = await deps.inventory.getDevice(input.deviceId);
  return withDeviceSession(deps, entry, ctx, async (session) => {
    const present = (await session.certificatesOf(input.trustpoint)).find((e) => e.kind === 'identity' && serialsEqual(e.serialHex, input.serial));
    if (present?.status === 'Available') return { trustpoint: input.trustpoint, serial: input.serial, alreadyInstalled: true };

    const { metadata, contents } = await deps.bundles.get(input.bundleRef);
    if (metadata.deviceId !== input.deviceId || !serialsEqual(metadata.serialHex, input.serial)) {
      throw new ValidationError('bundleRef', `${input.bundleRef} holds serial ${metadata.serialHex} of device ${metadata.deviceId}, not serial ${input.serial} of ${input.deviceId}`);
    }
    // The trustpoint name is this execution's own (Preflight), so a key pair of that name can only
    // be left over from an earlier attempt of this execution and may be replaced.
    const result = await session.importPkcs12(input.trustpoint, contents.pkcs12, contents.passphrase, input.serial, { trustpointCreatedByUs: true });
    for (const warning of result.warnings) {
      logStep(deps, ctx, 'warn', `the ASA warned during the import: ${warning.split(contents.passphrase).join('<redacted>')}`);
    }
    return { trustpoint: input.trustpoint, serial: input.serial, alreadyInstalled: result.status === 'already-present' };
  });
}
