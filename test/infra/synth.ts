// Synthesizes the app in-process for the infrastructure tests: the context of cdk.json and
// cdk.context.json (as `cdk synth` would use them), the trustpoint config overridden per test,
// and asset bundling skipped (test/infra/cdk-synth.test.ts bundles for real, once).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import { createTrustpointApp } from '../../lib/app.js';
import type { TrustpointStack } from '../../lib/trustpoint-stack.js';

export const REPO_ROOT = path.resolve(import.meta.dirname, '../..');

function readJson(file: string): Record<string, unknown> {
  return JSON.parse(readFileSync(path.join(REPO_ROOT, file), 'utf8')) as Record<string, unknown>;
}

/** The example configuration committed in cdk.json. */
export function exampleConfig(): Record<string, unknown> {
  return structuredClone((readJson('cdk.json')['context'] as Record<string, unknown>)['trustpoint'] as Record<string, unknown>);
}

export function synthContext(config: unknown = exampleConfig()): Record<string, unknown> {
  return {
    ...(readJson('cdk.json')['context'] as Record<string, unknown>),
    ...readJson('cdk.context.json'),
    trustpoint: config,
    'aws:cdk:bundling-stacks': [],
  };
}

export interface Synthesized {
  stack: TrustpointStack;
  template: Template;
}

export function synthesize(config: unknown = exampleConfig(), options: { nag?: boolean; outdir?: string } = {}): Synthesized {
  const { app, stack } = createTrustpointApp({ context: synthContext(config), nag: options.nag ?? false, ...(options.outdir ? { outdir: options.outdir } : {}) });
  app.synth();
  return { stack, template: Template.fromStack(stack) };
}
