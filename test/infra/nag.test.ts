// The cdk-nag gate: the app synthesized with the AwsSolutions checks, as `cdk synth` runs it.
// A finding that is not acknowledged makes the synth throw; the acknowledgements (construct
// metadata) are read back to check that each carries a reason a reviewer can act on.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Validations } from 'aws-cdk-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTrustpointApp } from '../../lib/app.js';
import { synthContext } from './synth.js';

let outdir: string;
let acknowledgements: { path: string; id: string; reason: string }[];
let synthError: unknown;

beforeAll(() => {
  outdir = mkdtempSync(path.join(tmpdir(), 'trustpoint-nag-'));
  const { app, stack } = createTrustpointApp({ context: synthContext(), nag: true, outdir });
  try {
    app.synth();
  } catch (error) {
    synthError = error;
  }
  acknowledgements = stack.node.findAll().flatMap((construct) =>
    construct.node.metadata
      .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((entry) => Object.entries(entry.data as Record<string, string>).map(([id, reason]) => ({ path: construct.node.path, id: id.replace(/^Annotation::/, ''), reason }))),
  );
});

afterAll(() => {
  rmSync(outdir, { recursive: true, force: true });
});

describe('cdk-nag AwsSolutions', () => {
  it('left no unacknowledged error or warning (the synth with the checks succeeds)', () => {
    expect(synthError).toBeUndefined();
    expect(readFileSync(path.join(outdir, 'TrustpointStack.template.json'), 'utf8')).toContain('AWS::StepFunctions::StateMachine');
  });

  it('acknowledges findings only with a reason of substance', () => {
    const acknowledged = acknowledgements.filter((entry) => entry.id.startsWith('AwsSolutions'));

    expect(acknowledged.length).toBeGreaterThan(0);
    for (const entry of acknowledged) expect(entry.reason.length, `${entry.path} ${entry.id}`).toBeGreaterThan(80);
    expect([...new Set(acknowledged.map((entry) => entry.id.replace(/\[.*$/, '')))].sort()).toEqual(['AwsSolutions-IAM5', 'AwsSolutions-SMG4', 'AwsSolutions-SQS3']);
    // Never on the whole stack: each acknowledgement sits on the resource it is about.
    for (const entry of acknowledged) expect(entry.path).not.toBe('TrustpointStack');
  });

  it('fails the synth on a finding nobody acknowledged', async () => {
    const { Stack, App } = await import('aws-cdk-lib');
    const { Queue } = await import('aws-cdk-lib/aws-sqs');
    const { AwsSolutionsChecks } = await import('cdk-nag');
    const app = new App({ outdir: mkdtempSync(path.join(tmpdir(), 'trustpoint-nag-bad-')) });
    new Queue(new Stack(app, 'Bad'), 'PlainQueue');
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));

    expect(() => app.synth()).toThrow(/AwsSolutions-SQS3|SQS queue/);
  });
});
