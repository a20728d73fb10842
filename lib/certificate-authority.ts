// The issuing CA: the configured ACM PCA, or, with `createCa: true`, a root CA created and
// activated by the stack for trials (general purpose: $400 a month, pro-rated; the first CA of
// an account and region is free for 30 days). A production fleet points at its own CA.
import { Stack } from 'aws-cdk-lib';
import * as acmpca from 'aws-cdk-lib/aws-acmpca';
import { Construct } from 'constructs';
import { defaultTemplateArn } from './config.js';
import type { TrustpointConfig } from './config.js';

export class IssuingCa extends Construct {
  readonly caArn: string;
  readonly templateArn: string;

  constructor(scope: Construct, id: string, config: TrustpointConfig) {
    super(scope, id);
    this.templateArn = config.templateArn ?? defaultTemplateArn(Stack.of(this).partition);
    if (config.caArn !== undefined) {
      this.caArn = config.caArn;
      return;
    }
    const ca = new acmpca.CfnCertificateAuthority(this, 'TrialRootCa', {
      type: 'ROOT',
      keyAlgorithm: 'RSA_2048',
      signingAlgorithm: 'SHA256WITHRSA',
      usageMode: 'GENERAL_PURPOSE',
      subject: { commonName: `${config.namePrefix} trial root CA`, organization: config.namePrefix },
    });
    const certificate = new acmpca.CfnCertificate(this, 'TrialRootCertificate', {
      certificateAuthorityArn: ca.attrArn,
      certificateSigningRequest: ca.attrCertificateSigningRequest,
      signingAlgorithm: 'SHA256WITHRSA',
      templateArn: `arn:${Stack.of(this).partition}:acm-pca:::template/RootCACertificate/V1`,
      validity: { type: 'YEARS', value: 10 },
    });
    new acmpca.CfnCertificateAuthorityActivation(this, 'TrialRootActivation', {
      certificateAuthorityArn: ca.attrArn,
      certificate: certificate.attrCertificate,
      status: 'ACTIVE',
    });
    this.caArn = ca.attrArn;
  }
}
