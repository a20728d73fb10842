// `npx cdk synth` exactly as CI and an operator run it: offline (no AWS credentials, the
// lookups answered by cdk.context.json), with local esbuild bundling and the cdk-nag checks.
// One run for the file; then the bundles are checked to hold what their task imports and
// nothing more (ssh2 only where the task speaks SSH, ACM PCA only in IssueCertificate).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALL_HANDLER_STATES, handlerNames } from '../../lib/task-functions.js';
import { capabilitiesOf, speaksSsh } from '../../src/lambda/environment.js';
import { REPO_ROOT } from './synth.js';

const SYNTH_TIMEOUT_MS = 300_000;

let outdir: string;
let result: ReturnType<typeof spawnSync>;
let template: { Resources: Record<string, { Type: string; Properties: Record<string, unknown> }> };

function offlineEnvironment(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, AWS_EC2_METADATA_DISABLED: 'true', CDK_DISABLE_CLI_TELEMETRY: 'true', AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null' };
  for (const key of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE', 'AWS_DEFAULT_PROFILE']) delete env[key];
  return env;
}

/** The bundled index.js of a task function, found through its Code.S3Key. */
function bundleOf(state: (typeof ALL_HANDLER_STATES)[number]): string {
  const prefix = `Tasks${handlerNames(state).constructId}`;
  const entry = Object.entries(template.Resources).find(([id, r]) => r.Type === 'AWS::Lambda::Function' && id.startsWith(prefix) && /^[0-9A-F]{8}$/.test(id.slice(prefix.length)));
  const key = (entry?.[1].Properties['Code'] as { S3Key: string } | undefined)?.S3Key;
  if (key === undefined) throw new Error(`no function ${prefix} in the template`);
  return readFileSync(path.join(outdir, `asset.${key.replace(/\.zip$/, '')}`, 'index.js'), 'utf8');
}

beforeAll(() => {
  outdir = mkdtempSync(path.join(tmpdir(), 'trustpoint-cdk-out-'));
  result = spawnSync('npx', ['cdk', 'synth', '--quiet', '--output', outdir], { cwd: REPO_ROOT, env: offlineEnvironment(), encoding: 'utf8', timeout: SYNTH_TIMEOUT_MS });
  const file = path.join(outdir, 'TrustpointStack.template.json');
  if (existsSync(file)) template = JSON.parse(readFileSync(file, 'utf8')) as typeof template;
}, SYNTH_TIMEOUT_MS + 10_000);

afterAll(() => {
  rmSync(outdir, { recursive: true, force: true });
});

describe('npx cdk synth', () => {
  it('succeeds offline, with the cdk-nag checks, and writes the stack template', () => {
    expect(result.error).toBeUndefined();
    expect(`${String(result.stderr)}`.match(/AwsSolutions-\S+/g) ?? []).toEqual([]);
    expect(result.status).toBe(0);
    expect(Object.values(template.Resources).filter((r) => r.Type === 'AWS::StepFunctions::StateMachine')).toHaveLength(5);
  });

  it.each(ALL_HANDLER_STATES)('bundles %s with exactly what its task imports, minified, with a source map', (state) => {
    const bundle = bundleOf(state);

    expect(bundle.includes('SSH-2.0-ssh2js'), 'ssh2').toBe(speaksSsh(state));
    expect(bundle.includes('ACMPrivateCA'), 'ACM PCA client').toBe(capabilitiesOf(state).includes('ca'));
    expect(bundle.includes('x-amz-server-side-encryption'), 'S3 client').toBe(capabilitiesOf(state).includes('bundles'));
    // Minified: long lines (the newlines left are inside template literals and license comments).
    expect(bundle.length / bundle.split('\n').length).toBeGreaterThan(1000);
    expect(bundle).toContain('sourceMappingURL=index.js.map');
  });
});
