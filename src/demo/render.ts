// The demo's report as text: about 30 plain lines, colour only on a terminal.
import type { Palette } from './palette.js';
import type { CertificateFacts, DemoReport, DeviceReport } from './report.js';
import type { ServedCertificate } from './served.js';

const ID_WIDTH = 14;

function days(n: number): string {
  return `${n} day${n === 1 ? '' : 's'}`;
}

function date(iso: string): string {
  return iso.slice(0, 10);
}

function servedLine(served: ServedCertificate): string {
  if (!served.ok) return `nothing: ${served.error}`;
  return `serial ${served.serial}, CN ${served.subjectCn ?? '(none)'}, notAfter ${date(served.notAfter)} (${days(served.daysToExpiry)}), chain of ${served.chainLength}`;
}

function outcomeWord(report: DeviceReport, palette: Palette): string {
  const word = report.outcome.padEnd(11);
  if (!report.asExpected) return palette.bad(word);
  return report.outcome === 'RENEWED' || report.outcome === 'NOT_DUE' || report.outcome === 'NOT_RUN' ? palette.good(word) : palette.warn(word);
}

function whatHappened(report: DeviceReport, before: CertificateFacts): string {
  switch (report.outcome) {
    case 'RENEWED':
      return report.renewed
        ? `serial ${before.serial} -> ${report.renewed.serial}; expiry in ${days(before.daysToExpiry)} -> ${days(report.renewed.daysToExpiry)} (${report.renewed.trustpoint})`
        : 'renewed';
    case 'NOT_DUE':
    case 'NOT_RUN':
      return `${report.reason ?? 'not due'}; left as it was`;
    case 'DRY_RUN':
      return `dry run: ${report.reason ?? ''}`;
    case 'ROLLED_BACK':
    case 'FAILED': {
      const failure = report.failure;
      if (!failure) return report.outcome;
      const where = failure.failedStep ? ` at ${failure.failedStep}` : '';
      const said = failure.asaSaid ? `; the ASA said "${failure.asaSaid}"` : '';
      return `${failure.error}${where}${said}; still serving ${before.serial}`;
    }
  }
}

export function renderDeviceResult(report: DeviceReport, palette: Palette): string {
  const lines = [
    `  ${report.id.padEnd(ID_WIDTH)} ${outcomeWord(report, palette)} ${whatHappened(report, report.before)}`,
    `  ${''.padEnd(ID_WIDTH)} ${'serves now'.padEnd(11)} ${servedLine(report.servedAfter)}`,
  ];
  if (report.failure && report.outcome !== 'NOT_DUE') lines.push(`  ${''.padEnd(ID_WIDTH)} ${'cause'.padEnd(11)} ${report.failure.cause}`);
  for (const problem of report.problems) lines.push(`  ${''.padEnd(ID_WIDTH)} ${palette.bad('UNEXPECTED')}  ${problem}`);
  return `${lines.join('\n')}\n`;
}

export function renderFleetLine(report: DemoReport, palette: Palette): string {
  const { fleet } = report;
  const s = fleet.summary;
  const counts = s ? `${s.renewed} renewed, ${s.notDue} not due, ${s.rolledBack} rolled back, ${s.failed} failed` : 'no summary';
  const seconds = (report.runMs / 1000).toFixed(1);
  if (fleet.status === 'SUCCEEDED') return `renew-fleet ${palette.good('SUCCEEDED')} in ${seconds} s: ${counts}\n`;
  const tolerance =
    fleet.error === 'FleetFailureToleranceExceeded' && s
      ? ` (${s.failurePercentage.toFixed(0)}% of devices failed, more than the tolerated ${s.toleratedFailurePercentage}%: the run fails after notifying operators)`
      : fleet.cause
        ? `: ${fleet.cause}`
        : '';
  return `renew-fleet ${palette.warn(fleet.status)} in ${seconds} s with ${fleet.error ?? 'no error name'}${tolerance}; ${counts}\n`;
}

export function renderVerdict(report: DemoReport, palette: Palette): string {
  if (report.asExpected) {
    return `${palette.good('As expected')}: the due device was renewed and serves its new certificate, the healthy one was left alone, the broken one was rolled back and still serves its old certificate.\n`;
  }
  return `${palette.bad('NOT as expected')}:\n${report.problems.map((p) => `  - ${p}\n`).join('')}`;
}
