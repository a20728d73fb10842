// The `devices` capability: SSH to the ASAs (host key pinned by the device record) with the
// credentials read from Secrets Manager. No transcripts are written in Lambda: the function's
// file system is not where an operator looks, and the task log already names every step.
import { SecretsManagerSecretStore } from '../../aws/secrets-manager-secret-store.js';
import { ValidationError } from '../../errors.js';
import type { DeviceCredentials, SecretStore } from '../../ports.js';
import { SshDeviceConnector } from '../../workflow/ssh-device-connector.js';
import { secretsManagerClient } from './clients.js';
import type { AdapterBuilder } from './types.js';

/**
 * Refuses a credentialsRef outside the deployment's prefix with a message that says what to
 * rename, instead of the AccessDenied the IAM policy would answer.
 */
export function prefixedSecretStore(inner: SecretStore, prefix: string): SecretStore {
  const check = (ref: string): void => {
    const name = ref.startsWith('arn:') ? ref.replace(/^arn:[^:]+:secretsmanager:[^:]*:\d*:secret:/, '') : ref;
    if (!name.startsWith(prefix)) {
      throw new ValidationError('credentialsRef', `${JSON.stringify(ref)} is outside this deployment's secrets: name the device credentials secret "${prefix}<group>"`);
    }
  };
  return {
    getDeviceCredentials: async (ref: string): Promise<DeviceCredentials> => {
      check(ref);
      return inner.getDeviceCredentials(ref);
    },
    putDeviceCredentials: async (ref: string, credentials: DeviceCredentials): Promise<void> => {
      check(ref);
      return inner.putDeviceCredentials(ref, credentials);
    },
  };
}

export const devices: AdapterBuilder<'devices'> = (env, clock) => ({
  devices: new SshDeviceConnector({ clock }),
  secrets: prefixedSecretStore(new SecretsManagerSecretStore(secretsManagerClient()), env.CREDENTIALS_SECRET_PREFIX),
});
