// Every command of the `trustpoint` CLI. Each lives in its own file beside this one.
import type { Command } from '../framework.js';
import { pkcs12Command } from './pkcs12.js';

export const COMMANDS: readonly Command[] = [pkcs12Command];
