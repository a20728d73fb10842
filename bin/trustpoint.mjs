#!/usr/bin/env node
// Entry point for `npx trustpoint`: loads the TypeScript CLI through tsx's loader.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('./trustpoint.ts');
process.exitCode = await main(process.argv.slice(2));
