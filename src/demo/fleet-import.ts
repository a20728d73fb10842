// A fleet file into the inventory: validate every record (errors name the path of the bad
// field, e.g. `devices[2].certificate.subject.c`), then write them. All or nothing: one bad
// record and nothing is written. Records already in the inventory keep their renewal state.
import { readFile } from 'node:fs/promises';
import { ValidationError } from '../errors.js';
import type { DeviceRecord } from '../inventory/device.js';
import { parseFleetFile } from '../inventory/fleet-file.js';
import type { Inventory, SecretStore } from '../ports.js';

export interface FleetImport {
  devices: DeviceRecord[];
  /** Ids in the inventory that the file does not list (left as they are). */
  notInFile: string[];
  /** credentialsRef values the secret store has no usable entry for, with the reason. */
  credentialProblems: { deviceId: string; credentialsRef: string; problem: string }[];
}

export async function readFleetFile(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    throw new ValidationError('FILE', `cannot read ${file}: ${code}`, { cause: error });
  }
}

export async function importFleet(text: string, inventory: Inventory, secrets: SecretStore): Promise<FleetImport> {
  const devices = parseFleetFile(text);
  const listed = new Set(devices.map((d) => d.id));
  const before = await inventory.listDevices();
  for (const device of devices) await inventory.putDevice(device);

  const credentialProblems: FleetImport['credentialProblems'] = [];
  const checked = new Map<string, string | undefined>();
  for (const device of devices) {
    if (!checked.has(device.credentialsRef)) {
      checked.set(
        device.credentialsRef,
        await secrets.getDeviceCredentials(device.credentialsRef).then(
          () => undefined,
          (error: unknown) => (error instanceof Error ? error.message : String(error)),
        ),
      );
    }
    const problem = checked.get(device.credentialsRef);
    if (problem !== undefined) credentialProblems.push({ deviceId: device.id, credentialsRef: device.credentialsRef, problem });
  }
  return {
    devices,
    notInFile: before.map((entry) => entry.device.id).filter((id) => !listed.has(id)),
    credentialProblems,
  };
}
