// The demo's report: per device what the run did (from the executions' results and errors),
// what a TLS handshake shows the device serving afterwards, and whether that is what the
// scenario expects. The same object is printed and written as JSON: references and public
// certificate data only (serials, names, dates), never a key, a PKCS12, a passphrase or a password.
import { normalizeSerialHex } from '../inventory/refs.js';
import { outcomeFromFailureCause, type FleetSummary, type RenewOutcome } from '../workflow/contracts.js';
import type { DeviceExecution, FleetExecution, StepRecord } from './executions.js';
import type { ExpectedOutcome, ScenarioName } from './scenario.js';
import { daysBetween, type ServedCertificate } from './served.js';
import { stepResult } from './step-details.js';

export const REPORT_FORMAT = 'trustpoint-demo-report/1';
export const FLEET_TOLERANCE_ERROR = 'FleetFailureToleranceExceeded';

export interface CertificateFacts {
  trustpoint: string | null;
  serial: string;
  /** ISO-8601 instant. */
  notAfter: string;
  daysToExpiry: number;
}

export interface DeviceFailure {
  error: string;
  failedStep: string | null;
  cause: string;
  /** The ASA's own words, when the cause quotes an ASA message. */
  asaSaid: string | null;
}

export interface StepSummary {
  state: string;
  status: StepRecord['status'];
  retries: number;
  ms: number | null;
}

export interface DeviceReport {
  id: string;
  story: string;
  expected: ExpectedOutcome;
  /** NOT_RUN: renew-fleet started no renew-device execution for the device. */
  outcome: RenewOutcome | 'NOT_RUN';
  /** Why it was renewed or not (Preflight's words). */
  reason: string | null;
  failure: DeviceFailure | null;
  executionArn: string | null;
  before: CertificateFacts;
  /** The certificate the run installed, for RENEWED. */
  renewed: CertificateFacts | null;
  /** A TLS handshake to the outside interface after the run. */
  servedAfter: ServedCertificate;
  steps: StepSummary[];
  asExpected: boolean;
  problems: string[];
}

export interface FleetReport {
  executionArn: string | null;
  status: 'SUCCEEDED' | 'FAILED' | 'RUNNING' | 'NOT_STARTED';
  error: string | null;
  cause: string | null;
  summary: Pick<FleetSummary, 'total' | 'renewed' | 'notDue' | 'dryRun' | 'rolledBack' | 'failed' | 'failurePercentage' | 'toleratedFailurePercentage' | 'toleranceExceeded' | 'notify'> | null;
}

export interface DemoReport {
  format: typeof REPORT_FORMAT;
  scenario: ScenarioName;
  startedAt: string;
  finishedAt: string;
  /** Setup (simulators, CA, seeding) and the renew-fleet run, in milliseconds. */
  setupMs: number;
  runMs: number;
  /** Null when the data directory was a temporary one, removed at the end. */
  dataDir: string | null;
  fleet: FleetReport;
  devices: DeviceReport[];
  asExpected: boolean;
  problems: string[];
}

const ASA_MESSAGE = /(?:ERROR: |%\s?Error\b|Error executing command|Command authorization failed|%Login failed)[^";\n]*/;

/** The first ASA message quoted in a cause (`... the ASA said: ERROR: ...`), without trailing punctuation. */
export function asaWordsIn(cause: string): string | null {
  const match = ASA_MESSAGE.exec(cause);
  if (!match) return null;
  // The workflow's own next sentence ("... [FAILED]. Bindings restored ...") is not the ASA's.
  const words = match[0].split(/\.\s+(?=[A-Z])/)[0] ?? match[0];
  return words.replace(/[\s.,]+$/, '');
}

export function certificateFacts(trustpoint: string | null, serial: string, notAfter: Date | string, now: Date): CertificateFacts {
  const instant = typeof notAfter === 'string' ? new Date(notAfter) : notAfter;
  return { trustpoint, serial, notAfter: instant.toISOString(), daysToExpiry: daysBetween(now, instant) };
}

function stepSummaries(execution: DeviceExecution | undefined): StepSummary[] {
  return (execution?.steps ?? []).map((s) => ({ state: s.state, status: s.status, retries: s.retries, ms: s.exitedAt === undefined ? null : s.exitedAt - s.enteredAt }));
}

/** What the execution did to one device: outcome, reason, new certificate or failure. */
export function deviceOutcome(
  execution: DeviceExecution | undefined,
  now: Date,
): Pick<DeviceReport, 'outcome' | 'reason' | 'failure' | 'executionArn' | 'renewed'> {
  if (!execution) return { outcome: 'NOT_RUN', reason: 'renew-fleet did not start a renewal for this device', failure: null, executionArn: null, renewed: null };
  const preflightStep = execution.steps.find((s) => s.state === 'Preflight' && s.status === 'ok');
  const preflight = preflightStep ? stepResult('Preflight', preflightStep.output) : undefined;
  const result = execution.result;
  if (execution.status === 'SUCCEEDED' && result) {
    const renewed = result.outcome === 'RENEWED' ? certificateFacts(result.current.trustpoint, normalizeSerialHex(result.current.serial), result.current.notAfter, now) : null;
    return { outcome: result.outcome, reason: result.reason, failure: null, executionArn: execution.executionArn, renewed };
  }
  if (execution.status === 'FAILED') {
    const recordStep = execution.steps.find((s) => s.state === 'RecordFailure' && s.status === 'ok');
    const recorded = recordStep ? stepResult('RecordFailure', recordStep.output) : undefined;
    const cause = execution.cause ?? '';
    return {
      outcome: recorded?.outcome ?? outcomeFromFailureCause(cause),
      reason: preflight?.reason ?? null,
      failure: { error: execution.error ?? 'Error', failedStep: recorded?.failedStep ?? null, cause, asaSaid: asaWordsIn(cause) },
      executionArn: execution.executionArn,
      renewed: null,
    };
  }
  return { outcome: 'NOT_RUN', reason: 'the renewal did not finish', failure: null, executionArn: execution.executionArn, renewed: null };
}

/** The checks that make a device's outcome the expected one; each problem is a sentence. */
export function checkDevice(report: Omit<DeviceReport, 'asExpected' | 'problems'>): string[] {
  const problems: string[] = [];
  const served = report.servedAfter;
  const outcomeOk = report.outcome === report.expected || (report.expected === 'NOT_DUE' && report.outcome === 'NOT_RUN');
  if (!outcomeOk) problems.push(`${report.id}: expected ${report.expected}, got ${report.outcome}${report.failure ? ` (${report.failure.error})` : ''}`);
  if (!served.ok) {
    problems.push(`${report.id}: no TLS handshake on outside after the run (${served.error}): the device must always serve a certificate`);
    return problems;
  }
  if (report.expected === 'RENEWED') {
    if (!report.renewed) problems.push(`${report.id}: no new certificate reported`);
    else {
      if (report.renewed.serial === report.before.serial) problems.push(`${report.id}: the "new" serial ${report.renewed.serial} is the old one`);
      if (served.serial !== report.renewed.serial) problems.push(`${report.id}: outside serves serial ${served.serial}, not the new ${report.renewed.serial}`);
    }
    if (served.chainLength < 2) problems.push(`${report.id}: outside sends ${served.chainLength} certificate(s): the intermediate is missing`);
  } else if (served.serial !== report.before.serial) {
    problems.push(`${report.id}: outside serves serial ${served.serial}, but it must still serve its old ${report.before.serial}`);
  }
  return problems;
}

/** The fleet run ends as configured: success, or the tolerance Fail exactly when the summary says it was exceeded. */
export function checkFleet(fleet: FleetReport): string[] {
  if (fleet.status === 'SUCCEEDED') return fleet.summary?.toleranceExceeded ? ['renew-fleet succeeded although the failure tolerance was exceeded'] : [];
  if (fleet.status === 'FAILED' && fleet.error === FLEET_TOLERANCE_ERROR && fleet.summary?.toleranceExceeded) return [];
  return [`renew-fleet ended ${fleet.status}${fleet.error ? ` with ${fleet.error}: ${fleet.cause ?? ''}` : ''}`];
}

export function fleetReport(fleet: FleetExecution | undefined): FleetReport {
  if (!fleet) return { executionArn: null, status: 'NOT_STARTED', error: null, cause: null, summary: null };
  const s = fleet.summary;
  return {
    executionArn: fleet.executionArn,
    status: fleet.status,
    error: fleet.error ?? null,
    cause: fleet.cause ?? null,
    summary: s
      ? {
          total: s.total,
          renewed: s.renewed,
          notDue: s.notDue,
          dryRun: s.dryRun,
          rolledBack: s.rolledBack,
          failed: s.failed,
          failurePercentage: s.failurePercentage,
          toleratedFailurePercentage: s.toleratedFailurePercentage,
          toleranceExceeded: s.toleranceExceeded,
          notify: s.notify,
        }
      : null,
  };
}

export interface DeviceObservation {
  id: string;
  story: string;
  expected: ExpectedOutcome;
  before: CertificateFacts;
  servedAfter: ServedCertificate;
  execution: DeviceExecution | undefined;
}

export function deviceReport(observation: DeviceObservation, now: Date): DeviceReport {
  const base = {
    id: observation.id,
    story: observation.story,
    expected: observation.expected,
    ...deviceOutcome(observation.execution, now),
    before: observation.before,
    servedAfter: observation.servedAfter,
    steps: stepSummaries(observation.execution),
  };
  const problems = checkDevice(base);
  return { ...base, asExpected: problems.length === 0, problems };
}
