// The `ca` capability: AWS Private CA, the configured CA and template only.
import { ACMPCAClient } from '@aws-sdk/client-acm-pca';
import { AcmPcaCertificateAuthority } from '../../aws/acm-pca-certificate-authority.js';
import type { AdapterBuilder } from './types.js';

export const ca: AdapterBuilder<'ca'> = (env, clock) => ({
  ca: new AcmPcaCertificateAuthority(new ACMPCAClient({ maxAttempts: 4 }), { certificateAuthorityArn: env.CA_ARN, templateArn: env.CA_TEMPLATE_ARN, clock }),
});
