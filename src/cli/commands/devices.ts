// `trustpoint devices import FILE`: validate a fleet file and write its device records into
// the local inventory. Nothing is written when any record is invalid; the error names the
// path of the bad field (`devices[2].certificate.subject.c`).
import { importFleet, readFleetFile } from '../../demo/fleet-import.js';
import { DATA_DIR_OPTION, resolveDataDir } from '../../demo/data-dir.js';
import { FileSecretStore } from '../../local/file-secret-store.js';
import { FileInventory } from '../../local/file-inventory.js';
import { EXIT_OK, type Command } from '../framework.js';
import path from 'node:path';

export const devicesImportCommand: Command = {
  path: ['devices', 'import'],
  summary: 'Validate a fleet file and write its devices into the local inventory',
  positionals: [{ name: 'FILE', description: 'Fleet file: {"defaults": {...}, "devices": [{...}, ...]} (JSON)', required: true }],
  options: { 'data-dir': DATA_DIR_OPTION },
  details: `
Each device is merged over "defaults" (objects field by field) and validated: id, host, port,
hostKeySha256 (as \`ssh-keygen -lf\` prints it), credentialsRef, interfaces, trustpointPrefix,
certificate {subject, sans, keySpec, validityDays, renewBeforeDays}, pkcs12Profile, checks.tls.
A device already in the inventory is replaced; its renewal state and lease are kept. Devices
in the inventory but not in the file are left as they are.

Credentials stay out of the fleet file: each credentialsRef names a 0600 JSON file
<data-dir>/secrets/<credentialsRef>.json holding {"username", "password", "enablePassword"}.

Example: trustpoint devices import fleet.json --data-dir ./.trustpoint`,
  async run(args, io) {
    const dataDir = resolveDataDir(args, io);
    const file = path.resolve(io.cwd, args.positionals[0] ?? '');
    const text = await readFleetFile(file);
    const imported = await importFleet(text, new FileInventory(dataDir), new FileSecretStore(dataDir));

    io.stdout(`Imported ${imported.devices.length} device${imported.devices.length === 1 ? '' : 's'} into ${path.join(dataDir, 'inventory')}:\n`);
    for (const device of imported.devices) {
      const renew = `renew ${device.certificate.renewBeforeDays} days before expiry`;
      io.stdout(`  ${device.id}  ${device.host}:${device.port}  ssl trust-point on ${device.interfaces.join(', ')}${device.ikev2 ? ' + IKEv2' : ''}  ${device.certificate.keySpec}, ${renew}\n`);
    }
    if (imported.notInFile.length > 0) {
      io.stdout(`Also in the inventory, not in this file (left unchanged): ${imported.notInFile.join(', ')}\n`);
    }
    for (const problem of imported.credentialProblems) {
      io.stderr(`warning: ${problem.deviceId}: ${problem.problem}; renewals of this device fail until the credentials are there (0600 JSON: {"username","password","enablePassword"})\n`);
    }
    return EXIT_OK;
  },
};
