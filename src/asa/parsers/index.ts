export * from './crypto-ca-certificates.js';
export * from './crypto-ca-export.js';
export * from './device-time.js';
export * from './messages.js';
export * from './running-config.js';
export * from './show-version.js';
export * from './write-memory.js';
export { outputLines, type OutputLine } from './lines.js';
export * from './trustpoint-config.js';
