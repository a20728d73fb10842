// Loading the ASL files of statemachines/ and resolving their `${...}` placeholders, the way
// CDK's definitionSubstitutions does on AWS. Locally every placeholder becomes a pseudo-ARN.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ValidationError } from '../errors.js';
import type { BackupStateMachineName } from '../workflow/backup/contracts.js';
import type { StateMachineName } from '../workflow/contracts.js';
import {
  FAILURE_TOPIC_ARN_KEY,
  LAMBDA_TASKS,
  RENEW_DEVICE_STATE_MACHINE_ARN_KEY,
  SUBSTITUTION_KEYS,
} from '../workflow/contracts.js';

/** Every machine of statemachines/: the renewal's two and the backup's three. */
export type DefinitionName = StateMachineName | BackupStateMachineName;

export const DEFAULT_STATEMACHINES_DIR = fileURLToPath(new URL('../../statemachines/', import.meta.url));

export const LOCAL_REGION = 'local';
export const LOCAL_ACCOUNT = '000000000000';

export function localStateMachineArn(name: DefinitionName): string {
  return `arn:aws:states:${LOCAL_REGION}:${LOCAL_ACCOUNT}:stateMachine:${name}`;
}

export function localExecutionArn(name: DefinitionName, executionName: string): string {
  return `arn:aws:states:${LOCAL_REGION}:${LOCAL_ACCOUNT}:execution:${name}:${executionName}`;
}

/** Every substitution key of both machines mapped to a local pseudo-ARN. */
export function localSubstitutions(): Record<string, string> {
  const values: Record<string, string> = {};
  for (const task of Object.values(LAMBDA_TASKS)) {
    const functionName = `trustpoint-${task.folder.replace(/^lambdas\//, '')}`;
    values[task.substitutionKey] = `arn:aws:lambda:${LOCAL_REGION}:${LOCAL_ACCOUNT}:function:${functionName}`;
  }
  values[RENEW_DEVICE_STATE_MACHINE_ARN_KEY] = localStateMachineArn('renew-device');
  values[FAILURE_TOPIC_ARN_KEY] = `arn:aws:sns:${LOCAL_REGION}:${LOCAL_ACCOUNT}:trustpoint-failures`;
  return values;
}

const PLACEHOLDER = /\$\{([A-Za-z0-9_]+)\}/g;

/** The placeholder keys used anywhere in a definition, sorted. */
export function findSubstitutionKeys(definition: unknown): string[] {
  const keys = new Set<string>();
  walkStrings(definition, (text) => {
    for (const match of text.matchAll(PLACEHOLDER)) keys.add(match[1] as string);
    return text;
  });
  return [...keys].sort();
}

/** A copy of `definition` with every `${Key}` replaced; an unknown key is an error, not a silent leftover. */
export function resolveSubstitutions<T>(definition: T, values: Readonly<Record<string, string>>): T {
  return walkStrings(definition, (text) =>
    text.replace(PLACEHOLDER, (_whole, key: string) => {
      const value = values[key];
      if (value === undefined) {
        throw new ValidationError(`definitionSubstitutions.${key}`, 'no value given for this placeholder');
      }
      return value;
    }),
  ) as T;
}

function walkStrings(value: unknown, map: (text: string) => string): unknown {
  if (typeof value === 'string') return map(value);
  if (Array.isArray(value)) return value.map((item) => walkStrings(item, map));
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, walkStrings(item, map)]));
  }
  return value;
}

export function definitionPath(name: DefinitionName, dir: string = DEFAULT_STATEMACHINES_DIR): string {
  return path.join(dir, `${name}.asl.json`);
}

/** The ASL file as written (placeholders unresolved). */
export function readRawDefinition(name: DefinitionName, dir?: string): Record<string, unknown> {
  const parsed: unknown = JSON.parse(readFileSync(definitionPath(name, dir), 'utf8'));
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ValidationError(definitionPath(name, dir), 'expected a JSON object (an ASL definition)');
  }
  return parsed as Record<string, unknown>;
}

/** The ASL file with its placeholders resolved (local pseudo-ARNs unless `values` is given). */
export function loadDefinition(
  name: StateMachineName,
  options: { dir?: string; values?: Readonly<Record<string, string>> } = {},
): Record<string, unknown> {
  return loadCheckedDefinition(name, SUBSTITUTION_KEYS[name], 'SUBSTITUTION_KEYS', options.values ?? localSubstitutions(), options.dir);
}

/** The ASL file with its placeholders resolved; placeholders that differ from `expectedKeys` (named `table`) are an error. */
export function loadCheckedDefinition(
  name: DefinitionName,
  expectedKeys: readonly string[],
  table: string,
  values: Readonly<Record<string, string>>,
  dir?: string,
): Record<string, unknown> {
  const raw = readRawDefinition(name, dir);
  const expected = [...expectedKeys].sort();
  const used = findSubstitutionKeys(raw);
  if (used.join(',') !== expected.join(',')) {
    throw new ValidationError(definitionPath(name, dir), `placeholders ${used.join(', ')} differ from ${table} (${expected.join(', ')})`);
  }
  return resolveSubstitutions(raw, values);
}
