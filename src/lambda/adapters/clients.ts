// SDK clients, created once per Lambda container and shared by the adapters that need them.
// Region and credentials come from the Lambda environment; the SDK's standard retry mode
// absorbs short throttling before an error reaches the adapters.
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

let secretsManager: SecretsManagerClient | undefined;

export function secretsManagerClient(): SecretsManagerClient {
  secretsManager ??= new SecretsManagerClient({ maxAttempts: 4 });
  return secretsManager;
}
