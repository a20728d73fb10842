// `trustpoint devices import FILE`: validate a fleet file and write its device records into
// the local inventory. Nothing is written when any record is invalid; the error names the
// path of the bad field (`devices[2].certificate.subject.c`).
import { importFleet, readFleetFile, type FleetImport } from '../../demo/fleet-import.js';
import { DATA_DIR_OPTION, resolveDataDir } from '../../demo/data-dir.js';
import { FileSecretStore } from '../../local/file-secret-store.js';
import { FileInventory } from '../../local/file-inventory.js';
import { awsHelp, awsOptions, isAwsMode, resolveRegion, resolveStackValue, type AwsNeeds } from '../aws-target.js';
import { EXIT_OK, type CliIo, type Command, type ParsedArgs } from '../framework.js';
import path from 'node:path';
import { defaultAwsClients, importFleetToAws } from './aws-devices-import.js';

const AWS_NEEDS: AwsNeeds = { values: ['inventoryTable', 'secretPrefix'] };

function printImported(io: CliIo, imported: FleetImport, where: string): void {
  io.stdout(`Imported ${imported.devices.length} device${imported.devices.length === 1 ? '' : 's'} into ${where}:\n`);
  for (const device of imported.devices) {
    const renew = `renew ${device.certificate.renewBeforeDays} days before expiry`;
    io.stdout(`  ${device.id}  ${device.host}:${device.port}  ssl trust-point on ${device.interfaces.join(', ')}${device.ikev2 ? ' + IKEv2' : ''}  ${device.certificate.keySpec}, ${renew}\n`);
  }
  if (imported.notInFile.length > 0) {
    io.stdout(`Also in the inventory, not in this file (left unchanged): ${imported.notInFile.join(', ')}\n`);
  }
}

/** `--aws`: the same validation and import, into the stack's DynamoDB inventory table. */
async function importIntoDeployedStack(args: ParsedArgs, io: CliIo, file: string): Promise<number> {
  const region = resolveRegion(args, io);
  const inventoryTableName = resolveStackValue(args, io, 'inventoryTable');
  const credentialsSecretPrefix = resolveStackValue(args, io, 'secretPrefix');
  const text = await readFleetFile(file);
  const imported = await importFleetToAws(text, { inventoryTableName, credentialsSecretPrefix }, defaultAwsClients(region));
  printImported(io, imported, `DynamoDB table ${inventoryTableName} (${region})`);
  for (const problem of imported.credentialProblems) {
    io.stderr(
      `warning: ${problem.deviceId}: ${problem.problem}; renewals of this device fail until it names a Secrets Manager secret ${credentialsSecretPrefix}<group> holding JSON {"username","password","enablePassword"}\n`,
    );
  }
  return EXIT_OK;
}

export const devicesImportCommand: Command = {
  path: ['devices', 'import'],
  summary: 'Validate a fleet file and write its devices into the inventory (local, or the stack\'s table with --aws)',
  positionals: [{ name: 'FILE', description: 'Fleet file: {"defaults": {...}, "devices": [{...}, ...]} (JSON)', required: true }],
  options: { 'data-dir': DATA_DIR_OPTION, ...awsOptions(AWS_NEEDS) },
  details: `
Each device is merged over "defaults" (objects field by field) and validated: id, host, port,
hostKeySha256 (as \`ssh-keygen -lf\` prints it), credentialsRef, interfaces, trustpointPrefix,
certificate {subject, sans, keySpec, validityDays, renewBeforeDays}, pkcs12Profile, checks.tls.
A device already in the inventory is replaced; its renewal state and lease are kept. Devices
in the inventory but not in the file are left as they are.

Credentials stay out of the fleet file: each credentialsRef names a 0600 JSON file
<data-dir>/secrets/<credentialsRef>.json holding {"username", "password", "enablePassword"}.

Example: trustpoint devices import fleet.json --data-dir ./.trustpoint

With --aws, the same file and the same validation (nothing is written when a record is
invalid) write the stack's DynamoDB inventory table. Each credentialsRef must then name a
Secrets Manager secret under the stack's credentials prefix ("<prefix><group>"), JSON
{"username", "password", "enablePassword"}; the import reads each secret once to check it
(never prints it) and warns about any that is missing or outside the prefix.
${awsHelp(AWS_NEEDS)}

Example: trustpoint devices import fleet.json --aws`,
  async run(args, io) {
    const aws = isAwsMode(args, AWS_NEEDS);
    const file = path.resolve(io.cwd, args.positionals[0] ?? '');
    if (aws) return importIntoDeployedStack(args, io, file);
    const dataDir = resolveDataDir(args, io);
    const text = await readFleetFile(file);
    const imported = await importFleet(text, new FileInventory(dataDir), new FileSecretStore(dataDir));

    printImported(io, imported, path.join(dataDir, 'inventory'));
    for (const problem of imported.credentialProblems) {
      io.stderr(`warning: ${problem.deviceId}: ${problem.problem}; renewals of this device fail until the credentials are there (0600 JSON: {"username","password","enablePassword"})\n`);
    }
    return EXIT_OK;
  },
};
