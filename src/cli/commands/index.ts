// Every command of the `trustpoint` CLI. Each lives in its own file beside this one.
import type { Command } from '../framework.js';

export const COMMANDS: readonly Command[] = [];
