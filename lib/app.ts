// Builds the CDK app: the configuration from the context, the stack, and the cdk-nag
// AwsSolutions checks (a finding that is not acknowledged fails the synth).
import { App, Validations } from 'aws-cdk-lib';
import type { AppProps } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { CONFIG_CONTEXT_KEY, configFromContext } from './config.js';
import { TrustpointStack } from './trustpoint-stack.js';

export interface TrustpointAppOptions extends AppProps {
  /** Run cdk-nag (default true). */
  nag?: boolean;
}

export function createTrustpointApp(options: TrustpointAppOptions = {}): { app: App; stack: TrustpointStack } {
  const { nag = true, ...appProps } = options;
  const app = new App(appProps);
  const config = configFromContext(app.node.tryGetContext(CONFIG_CONTEXT_KEY));
  const stack = new TrustpointStack(app, `${pascalCase(config.namePrefix)}Stack`, {
    config,
    description: 'trustpoint: unattended renewal of Cisco ASA identity certificates with AWS Private CA and Step Functions',
    tags: { app: 'trustpoint', 'trustpoint:name-prefix': config.namePrefix },
  });
  if (nag) Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { app, stack };
}

function pascalCase(name: string): string {
  return name.split('-').map((part) => part.charAt(0).toUpperCase() + part.slice(1)).join('');
}
