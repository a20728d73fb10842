// IssueCertificate (DESIGN.md 1.3), no SSH: key pair and CSR per the device's certificate
// profile, the CA's issue + getIssued with an idempotency token derived from the execution,
// a PKCS12 in the device's profile with a fresh passphrase, stored encrypted in the
// BundleStore (the passphrase inside the envelope). Only references leave this function.
//
// Retry safety: the certificate id is written to the inventory (`lastIssuance`) as soon as the
// CA accepts the request. A retry that finds its own token there fetches that certificate and,
// when its bundle is stored (`head()`), returns the same references: nothing is issued twice.
// If an attempt died between the CA's acceptance and the bundle write, its private key is gone
// with it; the retry then issues once more under the next token of the same execution
// (`issue#1`, ...), so the CA's idempotency never hands back a certificate for the lost key.
import { CaRequestFailedError } from '../../errors.js';
import { bundleRefFor } from '../../inventory/refs.js';
import { buildCsr, describeCertificate, encodePkcs12, generateKeyPair, generatePassphrase, publicKeyMatches } from '../../pki/index.js';
import { idempotencyTokenFor, type DeviceEntry, type IssuedCertificate } from '../../ports.js';
import type { TaskInput, TaskOutput } from '../contracts.js';
import type { TaskDependencies } from '../dependencies.js';
import { holdLease, serialPayload } from './shared.js';

/** How many issuances one execution may need (each a lost key); beyond that something else is wrong. */
const MAX_GENERATIONS = 5;

/** The CA idempotency token of one issuance: per execution, device (one CA may serve many) and generation. */
export function issuanceToken(executionId: string, deviceId: string, generation: number): string {
  return idempotencyTokenFor(executionId, `issue#${generation}:${deviceId}`);
}

/** The generation of this execution's last recorded issuance, if the inventory holds one. */
function recordedGeneration(entry: DeviceEntry, executionId: string): number | undefined {
  const token = entry.state.lastIssuance?.idempotencyToken;
  if (token === undefined) return undefined;
  for (let generation = 0; generation < MAX_GENERATIONS; generation++) {
    if (issuanceToken(executionId, entry.device.id, generation) === token) return generation;
  }
  return undefined;
}

function output(certificateId: string, issued: IssuedCertificate, bundleRef: string): TaskOutput<'IssueCertificate'> {
  const info = describeCertificate(issued.certificatePem);
  return {
    certificateId,
    serial: serialPayload(info.serialHex),
    notBefore: info.notBefore.toISOString(),
    notAfter: info.notAfter.toISOString(),
    bundleRef,
  };
}

export async function issueCertificate(deps: TaskDependencies, input: TaskInput<'IssueCertificate'>): Promise<TaskOutput<'IssueCertificate'>> {
  await holdLease(deps, { deviceId: input.deviceId, executionId: input.executionId, step: 'IssueCertificate' });
  const entry = await deps.inventory.getDevice(input.deviceId);
  const device = entry.device;

  let generation = 0;
  const recorded = recordedGeneration(entry, input.executionId);
  if (recorded !== undefined && entry.state.lastIssuance) {
    const certificateId = entry.state.lastIssuance.certificateId;
    const issued = await deps.ca.getIssued(certificateId);
    const ref = bundleRefFor(device.id, 'issued', describeCertificate(issued.certificatePem).serialHex);
    if ((await deps.bundles.head(ref)) !== undefined) return output(certificateId, issued, ref);
    generation = recorded + 1;
    if (generation >= MAX_GENERATIONS) {
      throw new CaRequestFailedError(
        `${device.id}: ${MAX_GENERATIONS} certificates were issued for execution ${input.executionId} without a stored bundle; stopping (revoke ${certificateId} and the earlier ones, then start a new execution)`,
      );
    }
  }

  const key = await generateKeyPair(device.certificate.keySpec);
  const csr = await buildCsr({ subject: device.certificate.subject, sans: device.certificate.sans }, key);
  const idempotencyToken = issuanceToken(input.executionId, device.id, generation);
  const receipt = await deps.ca.issue(csr, { validityDays: device.certificate.validityDays, idempotencyToken });
  await deps.inventory.recordState(device.id, input.executionId, {
    lastIssuance: { idempotencyToken, certificateId: receipt.certificateId, at: deps.clock.now().toISOString() },
  });
  const issued = await deps.ca.getIssued(receipt.certificateId);
  if (!publicKeyMatches(issued.certificatePem, key.privateKeyPem)) {
    throw new CaRequestFailedError(
      `${device.id}: the CA returned certificate ${receipt.certificateId} for token ${idempotencyToken}, but it does not hold the public key of this request (the token was used before for another key)`,
    );
  }
  const info = describeCertificate(issued.certificatePem);
  const passphrase = generatePassphrase();
  const pkcs12 = await encodePkcs12({
    privateKeyPem: key.privateKeyPem,
    certificatePem: issued.certificatePem,
    chainPems: issued.chainPems,
    passphrase,
    profile: device.pkcs12Profile,
    friendlyName: input.trustpoint,
  });
  const bundleRef = await deps.bundles.put(
    { deviceId: device.id, kind: 'issued', serialHex: info.serialHex, trustpoint: input.trustpoint, notAfter: info.notAfter.toISOString(), pkcs12Profile: device.pkcs12Profile },
    { pkcs12, passphrase },
  );
  return output(receipt.certificateId, issued, bundleRef);
}
