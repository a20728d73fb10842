// The demo's scenario: three ASAs, each with a story, the certificate it starts with, and the
// outcome a correct renew-fleet run must produce for it.
import type { CommandFailure } from '../../sim/faults.js';
import type { DeviceRecordInput } from '../inventory/device.js';

export type ExpectedOutcome = 'RENEWED' | 'NOT_DUE' | 'ROLLED_BACK';

export interface DemoDevice {
  id: string;
  /** One line for the operator: why this device is in the scenario. */
  story: string;
  /** Validity of the certificate the device starts with. */
  startingValidityDays: number;
  /** The trustpoint the starting certificate is imported into, as ASDM names it. */
  startingTrustpoint: string;
  /** Applied after the starting certificate is in place (seeding itself must work). */
  failCommands: CommandFailure[];
  expected: ExpectedOutcome;
}

export const SCENARIO_NAMES = ['three-devices'] as const;
export type ScenarioName = (typeof SCENARIO_NAMES)[number];

export const RENEW_BEFORE_DAYS = 30;
export const NEW_VALIDITY_DAYS = 365;
export const TRUSTPOINT_PREFIX = 'VPN';
export const BOUND_INTERFACES = ['outside'] as const;

/**
 * `asa-broken`: the AAA server's command authorization refuses `ssl trust-point`, a real way a
 * binding fails on a production ASA; "Command authorization failed" is what the ASA prints.
 */
export const AUTHORIZATION_FAILED = 'Command authorization failed';

export const THREE_DEVICES: readonly DemoDevice[] = [
  {
    id: 'asa-expiring',
    story: 'due, inside renewBeforeDays (30)',
    startingValidityDays: 10,
    startingTrustpoint: 'ASDM_TrustPoint0',
    failCommands: [],
    expected: 'RENEWED',
  },
  {
    id: 'asa-healthy',
    story: 'not due, must be left untouched',
    startingValidityDays: 365,
    startingTrustpoint: 'ASDM_TrustPoint0',
    failCommands: [],
    expected: 'NOT_DUE',
  },
  {
    id: 'asa-broken',
    story: 'due, but AAA command authorization refuses "ssl trust-point"',
    startingValidityDays: 12,
    startingTrustpoint: 'ASDM_TrustPoint0',
    failCommands: [{ match: 'ssl trust-point', lines: [AUTHORIZATION_FAILED] }],
    expected: 'ROLLED_BACK',
  },
];

export function commonNameFor(deviceId: string): string {
  return `${deviceId}.vpn.example.net`;
}

/** A fleet file: the defaults are merged under each device before validation. */
export interface DemoFleetFile {
  defaults: Partial<DeviceRecordInput>;
  devices: Record<string, unknown>[];
}

export interface SimulatedEndpoint {
  host: string;
  port: number;
  hostKeySha256: string;
  /** TLS listener port per interface nameif. */
  tlsPorts: Record<string, number>;
}

/**
 * The fleet file an operator would write for these devices: what they share in `defaults`,
 * what is specific to each device in `devices` (validated by parseFleetFile on import).
 */
export function demoFleetFile(devices: readonly { device: DemoDevice; endpoint: SimulatedEndpoint }[]): DemoFleetFile {
  return {
    defaults: {
      interfaces: [...BOUND_INTERFACES],
      trustpointPrefix: TRUSTPOINT_PREFIX,
      certificate: {
        subject: { cn: 'set-per-device', o: 'Example Corp', c: 'US' },
        keySpec: 'rsa:2048',
        validityDays: NEW_VALIDITY_DAYS,
        renewBeforeDays: RENEW_BEFORE_DAYS,
      },
      pkcs12Profile: 'legacy',
    },
    devices: devices.map(({ device, endpoint }) => {
      const tls: Record<string, string> = {};
      for (const iface of BOUND_INTERFACES) {
        const port = endpoint.tlsPorts[iface];
        if (port !== undefined) tls[iface] = `${endpoint.host}:${port}`;
      }
      return {
        id: device.id,
        host: endpoint.host,
        port: endpoint.port,
        hostKeySha256: endpoint.hostKeySha256,
        credentialsRef: `demo/${device.id}`,
        certificate: { subject: { cn: commonNameFor(device.id) }, sans: [commonNameFor(device.id)] },
        checks: { tls },
      };
    }),
  };
}
