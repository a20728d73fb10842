// Every command of the `trustpoint` CLI. Each lives in its own file beside this one.
import type { Command } from '../framework.js';
import { backupCommand, backupsCommand } from './backup.js';
import { caInitCommand, caSignCommand } from './ca.js';
import { csrCommand } from './csr.js';
import { devicesImportCommand } from './devices.js';
import { inspectCommand } from './inspect.js';
import { pkcs12Command } from './pkcs12.js';
import { renewCommand } from './renew.js';
import { restoreCommand } from './restore.js';
import { statusCommand } from './status.js';

export const COMMANDS: readonly Command[] = [csrCommand, caInitCommand, caSignCommand, pkcs12Command, inspectCommand, devicesImportCommand, renewCommand, statusCommand, backupCommand, backupsCommand, restoreCommand];
