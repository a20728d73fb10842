// Classifying AWS SDK v3 errors. By the time an error reaches us the SDK has already retried
// throttling and 5xx responses (its standard retry mode), so what is left is either worth a
// later Step Functions retry (throttled, unavailable) or a fact to report (refused, missing).
// AWS error messages describe the request, never the secret values in it, so they are safe
// to quote; we still quote only the name and message, never the request.

const THROTTLING = new Set([
  'ThrottlingException',
  'Throttling',
  'ThrottledException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'ProvisionedThroughputExceededException',
  'SlowDown',
  'RequestThrottled',
  'RequestThrottledException',
]);

const NETWORK_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'TimeoutError', 'RequestTimeout', 'RequestTimeoutException']);

export function awsErrorName(error: unknown): string {
  if (error instanceof Error) return error.name;
  return typeof error;
}

export function isThrottling(error: unknown): boolean {
  return THROTTLING.has(awsErrorName(error));
}

/** 5xx, a server fault, or a network failure: the service may answer later. */
export function isUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const details = error as Error & { $fault?: string; $metadata?: { httpStatusCode?: number }; code?: string };
  if (details.$fault === 'server') return true;
  const status = details.$metadata?.httpStatusCode;
  if (status !== undefined && status >= 500) return true;
  return NETWORK_CODES.has(details.code ?? '') || NETWORK_CODES.has(error.name);
}

/** `Name: message` of an AWS error, for our own messages. */
export function describeAwsError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const message = error.message.trim();
  return message === '' || message === error.name ? error.name : `${error.name}: ${message}`;
}

export type Sleep = (ms: number) => Promise<void>;

export const realSleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
