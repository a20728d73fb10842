// The device record: everything the workflow needs to renew one ASA, and nothing secret
// (the SSH and enable passwords live behind credentialsRef). DESIGN.md section 3.
import { isIP } from 'node:net';
import { z } from 'zod';
import { checkCliValue } from '../asa/names.js';
import { ValidationError } from '../errors.js';
import { parseKeySpec } from '../pki/keys.js';
import type { KeySpec } from '../pki/keys.js';
import { validateSans, validateSubject } from '../pki/subject.js';
import type { SubjectFields } from '../pki/subject.js';
import { DEVICE_ID_PATTERN, SECRET_REF_PATTERN } from './refs.js';
import { formatIssues } from './issues.js';
import { MAX_TRUSTPOINT_PREFIX_LENGTH } from './trustpoint-name.js';

export type Pkcs12Profile = 'legacy' | 'modern';

const HOSTNAME = /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;
const HOST_KEY_SHA256 = /^SHA256:[A-Za-z0-9+/]{43}$/;

/** Reports a ValidationError thrown by a domain validator as a zod issue at the right path. */
function addValidationIssue(error: unknown, ctx: z.RefinementCtx, basePath: (string | number)[] = []): void {
  if (!(error instanceof ValidationError)) throw error;
  const problem = error.message.startsWith(`${error.field}: `) ? error.message.slice(error.field.length + 2) : error.message;
  ctx.addIssue({ code: 'custom', message: problem, path: [...basePath, ...(error.field === '' ? [] : error.field.split('.'))] });
}

function checkedBy<T>(check: (value: T) => unknown): (value: T, ctx: z.RefinementCtx) => void {
  return (value, ctx) => {
    try {
      check(value);
    } catch (error) {
      addValidationIssue(error, ctx);
    }
  };
}

export function isHost(value: string): boolean {
  return isIP(value) !== 0 || (HOSTNAME.test(value) && !/^[\d.]+$/.test(value));
}

/** `host:port` or `[ipv6]:port`, e.g. the address where a TLS handshake reaches an interface. */
export function parseEndpoint(value: string): { host: string; port: number } {
  const match = /^(?:\[([0-9A-Fa-f:.]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(value);
  const host = match?.[1] ?? match?.[2];
  const port = Number(match?.[3]);
  if (host === undefined || !isHost(host) || (match?.[1] !== undefined && isIP(host) !== 6) || !(port >= 1 && port <= 65535)) {
    throw new ValidationError('', `${JSON.stringify(value.slice(0, 80))} is not an endpoint: expected host:port or [ipv6]:port with a port 1-65535`);
  }
  return { host, port };
}

const hostSchema = z.string().refine(isHost, 'must be a DNS name or an IPv4/IPv6 address');
const portSchema = z.number().int().min(1).max(65535);
const interfaceSchema = z.string().superRefine(checkedBy((value: string) => checkCliValue('interface', value, '')));
const endpointSchema = z.string().superRefine(checkedBy(parseEndpoint));

const interfacesSchema = z
  .array(interfaceSchema)
  .min(1, 'list at least one interface nameif to bind (e.g. ["outside"])')
  .superRefine((names, ctx) => {
    names.forEach((name, index) => {
      if (names.indexOf(name) !== index) ctx.addIssue({ code: 'custom', message: `${JSON.stringify(name)} is listed twice`, path: [index] });
    });
  });

const subjectSchema = z
  .strictObject({
    cn: z.string(),
    ou: z.string().optional(),
    o: z.string().optional(),
    c: z.string().optional(),
    st: z.string().optional(),
    l: z.string().optional(),
    email: z.string().optional(),
  })
  .superRefine(checkedBy((subject: SubjectFields) => validateSubject(subject, '')));

const sansSchema = z.array(z.string()).superRefine((sans, ctx) => {
  // Entry by entry first so an error names its index, then the whole list for duplicates.
  let entriesValid = true;
  sans.forEach((entry, index) => {
    try {
      validateSans([entry], '');
    } catch (error) {
      entriesValid = false;
      addValidationIssue(error, ctx, [index]);
    }
  });
  if (!entriesValid) return;
  try {
    validateSans(sans, '');
  } catch (error) {
    addValidationIssue(error, ctx);
  }
});

const certificateSchema = z
  .strictObject({
    subject: subjectSchema,
    sans: sansSchema.default([]),
    keySpec: z
      .string()
      .superRefine(checkedBy((value: string) => parseKeySpec(value, '')))
      .transform((value) => value as KeySpec)
      .default('rsa:2048'),
    validityDays: z.number().int().min(1).max(3650).default(365),
    renewBeforeDays: z.number().int().min(1).default(30),
  })
  .superRefine((profile, ctx) => {
    if (profile.renewBeforeDays >= profile.validityDays) {
      ctx.addIssue({
        code: 'custom',
        message: `${profile.renewBeforeDays} is not less than validityDays (${profile.validityDays}): every new certificate would already be due`,
        path: ['renewBeforeDays'],
      });
    }
  });

const checksSchema = z.strictObject({
  /** interface nameif -> host:port where a TLS handshake reaches that interface. */
  tls: z.record(z.string(), endpointSchema).optional(),
  /** The same for the standby unit of a failover pair, checked after `write standby`. */
  standbyTls: z.record(z.string(), endpointSchema).optional(),
});

export const deviceSchema = z
  .strictObject({
    id: z.string().regex(DEVICE_ID_PATTERN, 'must be 1-63 letters, digits, ".", "_", "-", starting with a letter or digit'),
    host: hostSchema,
    port: portSchema.default(22),
    hostKeySha256: z.string().regex(HOST_KEY_SHA256, 'must be the SSH host key fingerprint as `ssh-keygen -lf` prints it: "SHA256:" and 43 base64 characters'),
    credentialsRef: z.string().regex(SECRET_REF_PATTERN, 'must be a secret name or Secrets Manager ARN (letters, digits, "/_+=.@-")'),
    interfaces: interfacesSchema,
    ikev2: z.boolean().default(false),
    trustpointPrefix: z
      .string()
      .superRefine(checkedBy((value: string) => checkCliValue('trustpoint', value, '')))
      .refine((value) => value.length <= MAX_TRUSTPOINT_PREFIX_LENGTH, {
        message: `must be at most ${MAX_TRUSTPOINT_PREFIX_LENGTH} characters, so that "<prefix>-YYYYMMDD-<serial>" fits the ASA's 64`,
      }),
    certificate: certificateSchema,
    pkcs12Profile: z.enum(['legacy', 'modern']).default('legacy'),
    checks: checksSchema.optional(),
  })
  .superRefine((device, ctx) => {
    for (const kind of ['tls', 'standbyTls'] as const) {
      for (const name of Object.keys(device.checks?.[kind] ?? {})) {
        if (!device.interfaces.includes(name)) {
          ctx.addIssue({ code: 'custom', message: `${JSON.stringify(name)} is not one of the interfaces to bind (${device.interfaces.join(', ')})`, path: ['checks', kind, name] });
        }
      }
    }
  });

export type DeviceRecord = z.output<typeof deviceSchema>;
export type DeviceRecordInput = z.input<typeof deviceSchema>;

/**
 * Validates a device record and fills in defaults. Throws ValidationError whose field is the
 * path of the first problem (`device.certificate.subject.c`) and whose message lists them all.
 */
export function parseDevice(input: unknown, field = 'device'): DeviceRecord {
  const result = deviceSchema.safeParse(input);
  if (!result.success) throw formatIssues(result.error.issues, input, field);
  return result.data;
}
