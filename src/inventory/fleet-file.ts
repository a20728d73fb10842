// The fleet file: { "defaults": {...}, "devices": [ {...}, ... ] }. Each device is merged
// over the defaults (objects field by field, lists and values replaced), then validated as a
// device record. A problem in a value that came from the defaults is reported at
// `defaults.<path>` once, not once per device.
import { ValidationError } from '../errors.js';
import { deviceSchema } from './device.js';
import type { DeviceRecord } from './device.js';
import { formatPath, problemsFrom, validationErrorFrom, valueAt } from './issues.js';

/** Per-device facts that make no sense as defaults. */
const NOT_DEFAULTABLE = ['id', 'host', 'hostKeySha256', 'checks'];
const FLEET_KEYS = ['defaults', 'devices'];

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function mergeOver(base: unknown, override: unknown): unknown {
  if (!isPlainObject(base) || !isPlainObject(override)) return override === undefined ? base : override;
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(override)) merged[key] = mergeOver(base[key], value);
  return merged;
}

/** Parses the text of a fleet file (or an already-parsed object) into validated device records. */
export function parseFleetFile(json: string | unknown): DeviceRecord[] {
  let input: unknown = json;
  if (typeof json === 'string') {
    try {
      input = JSON.parse(json);
    } catch (error) {
      throw new ValidationError('fleet', `not valid JSON: ${(error as Error).message}`, { cause: error });
    }
  }
  if (!isPlainObject(input)) throw new ValidationError('fleet', 'expected an object { "defaults": {...}, "devices": [...] }');

  const problems: { field: string; problem: string }[] = [];
  const seen = new Set<string>();
  const report = (field: string, problem: string): void => {
    const key = `${field}\u0000${problem}`;
    if (seen.has(key)) return;
    seen.add(key);
    problems.push({ field, problem });
  };

  for (const key of Object.keys(input)) {
    if (!FLEET_KEYS.includes(key)) report(formatPath('', [key]), 'unknown field: expected "defaults" and "devices"');
  }
  const defaults = input['defaults'] ?? {};
  if (!isPlainObject(defaults)) {
    report('defaults', 'expected an object of fields shared by every device');
  } else {
    for (const key of NOT_DEFAULTABLE) {
      if (key in defaults) report(formatPath('defaults', [key]), 'is specific to each device and cannot be a default');
    }
  }
  const devices = input['devices'];
  if (!Array.isArray(devices)) {
    report('devices', 'expected a list of device records');
    throw validationErrorFrom(problems);
  }

  const records: DeviceRecord[] = [];
  const ids = new Map<string, number>();
  const addresses = new Map<string, number>();
  devices.forEach((device: unknown, index) => {
    const merged = isPlainObject(defaults) && isPlainObject(device) ? mergeOver(defaults, device) : device;
    const result = deviceSchema.safeParse(merged);
    if (!result.success) {
      for (const { path, problem } of problemsFrom(result.error.issues, merged)) {
        const fromDefaults = path.length > 0 && valueAt(device, path) === undefined && valueAt(defaults, path) !== undefined;
        report(fromDefaults ? formatPath('defaults', path) : formatPath(`devices[${index}]`, path), problem);
      }
      return;
    }
    const record = result.data;
    const sameId = ids.get(record.id);
    if (sameId !== undefined) report(`devices[${index}].id`, `${JSON.stringify(record.id)} is also devices[${sameId}].id: ids must be unique`);
    else ids.set(record.id, index);
    const address = `${record.host}:${record.port}`;
    const sameAddress = addresses.get(address);
    if (sameAddress !== undefined) report(`devices[${index}].host`, `${address} is also the address of devices[${sameAddress}]: one record per ASA`);
    else addresses.set(address, index);
    records.push(record);
  });
  if (problems.length > 0) throw validationErrorFrom(problems);
  return records;
}
