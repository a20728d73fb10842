// Turns zod issues into one ValidationError an operator can act on: the field is the path
// of the first problem (`devices[2].certificate.subject.c`), the message lists every problem
// with the offending value. Device records hold no secrets, so values may be shown.
import type { z } from 'zod';
import { ValidationError } from '../errors.js';

export interface FieldProblem {
  path: PropertyKey[];
  problem: string;
}

const MAX_LISTED = 10;

export function formatPath(root: string, path: readonly PropertyKey[]): string {
  let out = root;
  for (const key of path) {
    if (typeof key === 'number' || (typeof key === 'string' && /^\d+$/.test(key))) out += `[${String(key)}]`;
    else if (typeof key === 'string' && /^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) out += out === '' ? key : `.${key}`;
    else out += `[${JSON.stringify(String(key))}]`;
  }
  return out;
}

export function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let current = input;
  for (const key of path) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

function shown(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  const text = JSON.stringify(value);
  return text.length > 80 ? `${text.slice(0, 80)}…` : text;
}

function problemOf(issue: z.core.$ZodIssue, input: unknown): string {
  const value = valueAt(input, issue.path);
  switch (issue.code) {
    case 'invalid_type':
      if (value === undefined) return `is required (${issue.expected === 'int' ? 'an integer' : `a ${issue.expected}`})`;
      return `expected ${issue.expected === 'int' ? 'an integer' : `a ${issue.expected}`}, got ${shown(value)}`;
    case 'invalid_value':
      return `${shown(value)} is not allowed: expected one of ${issue.values.map((each) => JSON.stringify(each)).join(', ')}`;
    case 'too_small':
      if (issue.origin === 'array') return `has ${Array.isArray(value) ? value.length : 0} entries: ${issue.message}`;
      return `${shown(value)} is too small: expected at least ${String(issue.minimum)}`;
    case 'too_big':
      return `${shown(value)} is too big: expected at most ${String(issue.maximum)}`;
    case 'invalid_format':
      return `${shown(value)} ${issue.message}`;
    case 'custom':
      return issue.message;
    default:
      return `${shown(value)}: ${issue.message}`;
  }
}

/** One problem per issue, unknown keys expanded to one problem each at their own path. */
export function problemsFrom(issues: readonly z.core.$ZodIssue[], input: unknown): FieldProblem[] {
  const problems: FieldProblem[] = [];
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) problems.push({ path: [...issue.path, key], problem: 'unknown field' });
    } else {
      problems.push({ path: issue.path, problem: problemOf(issue, input) });
    }
  }
  return problems;
}

export function validationErrorFrom(problems: readonly { field: string; problem: string }[]): ValidationError {
  const [first, ...rest] = problems;
  if (!first) return new ValidationError('input', 'invalid');
  if (rest.length === 0) return new ValidationError(first.field, first.problem);
  const listed = rest.slice(0, MAX_LISTED - 1).map((each) => `${each.field}: ${each.problem}`);
  const more = rest.length > listed.length ? `; and ${rest.length - listed.length} more` : '';
  return new ValidationError(first.field, `${first.problem}; also ${listed.join('; ')}${more}`);
}

export function formatIssues(issues: readonly z.core.$ZodIssue[], input: unknown, root: string): ValidationError {
  return validationErrorFrom(problemsFrom(issues, input).map(({ path, problem }) => ({ field: formatPath(root, path), problem })));
}
