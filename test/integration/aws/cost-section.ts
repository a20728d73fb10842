// Renders the AWS part of "What one renewal costs" in statemachines/README.md from what
// renew-on-aws-adapters.test.ts measured: the AWS API calls per service and operation, and the
// cost at the list prices of ../shared/AWS-LIMITS.md (US East). The test compares this text
// with the README, so the README quotes only measured counts.
import type { CountedCall } from './aws-boundary.js';

export interface PathMeasurement {
  calls: CountedCall[];
  /** Per Lambda invocation, in order: the Task and the AWS calls its handler made. */
  perTask: { state: string; calls: CountedCall[] }[];
  /** States entered in renew-device. */
  transitions: number;
  /** The device's inventory item after the run, as DynamoDB sizes it. */
  itemBytes: number;
  /** On-demand request units the run's DynamoDB requests consumed (in-memory-dynamodb.ts). */
  readUnits: number;
  writeUnits: number;
}

export interface Measurement {
  renewedCold: PathMeasurement;
  renewedWarm: PathMeasurement;
  notDueCold: PathMeasurement;
  notDueWarm: PathMeasurement;
}

const COLUMNS = ['renewedCold', 'renewedWarm', 'notDueCold', 'notDueWarm'] as const;

/** List prices from AWS-LIMITS.md, with its source labels. */
const PRICES = {
  secretsManagerPerCall: 0.05 / 10_000, // [SM-$]
  secretPerMonth: 0.4, // [SM-$]
  stepFunctionsPerTransition: 0.025 / 1_000, // [SFN-$]
  lambdaPerRequest: 0.2 / 1_000_000, // [L-$]
  // [PCA-$]: 10,000 general-purpose certificates in one calendar month cost $3,900 (section 1.7).
  pcaCertificateAt10000InOneMonth: 3_900 / 10_000,
};
const FLEET = 10_000;

/** The operations the table always lists, in this order; any other observed call is appended. */
const ROWS: { service: CountedCall['service']; operation: string; secret?: CountedCall['secret']; label: string }[] = [
  { service: 'Secrets Manager', operation: 'GetSecretValue', secret: 'device credentials', label: 'Secrets Manager `GetSecretValue`, device credentials' },
  { service: 'Secrets Manager', operation: 'GetSecretValue', secret: 'bundle master key', label: 'Secrets Manager `GetSecretValue`, bundle master key' },
  { service: 'ACM PCA', operation: 'DescribeCertificateAuthority', label: 'ACM PCA `DescribeCertificateAuthority`' },
  { service: 'ACM PCA', operation: 'IssueCertificate', label: 'ACM PCA `IssueCertificate`' },
  { service: 'ACM PCA', operation: 'GetCertificate', label: 'ACM PCA `GetCertificate`' },
  { service: 'S3', operation: 'PutObject', label: 'S3 `PutObject` (the bundle)' },
  { service: 'S3', operation: 'GetObject', label: 'S3 `GetObject` (the bundle)' },
  { service: 'DynamoDB', operation: 'GetItem', label: 'DynamoDB `GetItem` (device record)' },
  { service: 'DynamoDB', operation: 'UpdateItem', label: 'DynamoDB `UpdateItem` (lease, state)' },
];

function count(calls: CountedCall[], match: (call: CountedCall) => boolean): number {
  return calls.filter(match).length;
}

function isRow(call: CountedCall, row: (typeof ROWS)[number]): boolean {
  return call.service === row.service && call.operation === row.operation && (row.secret === undefined || call.secret === row.secret);
}

/** Dollars: cents from one cent up, two significant digits below. */
export function dollars(value: number): string {
  if (value === 0) return '$0';
  if (value >= 0.01) return `$${value.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
  const digits = 1 - Math.floor(Math.log10(value));
  return `$${value.toFixed(digits)}`;
}

function whole(value: number): string {
  return value.toLocaleString('en-US');
}

function callTable(measured: Measurement): string {
  const lines = ['| AWS API call | renewed, cold containers | renewed, warm containers | not due, cold | not due, warm |', '|---|---|---|---|---|'];
  const cells = (match: (call: CountedCall) => boolean) => COLUMNS.map((column) => count(measured[column].calls, match)).join(' | ');
  for (const row of ROWS) lines.push(`| ${row.label} | ${cells((call) => isRow(call, row))} |`);
  const others = new Map<string, CountedCall>();
  for (const column of COLUMNS) for (const call of measured[column].calls) if (!ROWS.some((row) => isRow(call, row))) others.set(`${call.service} ${call.operation}`, call);
  for (const [, call] of [...others].sort(([a], [b]) => a.localeCompare(b))) {
    lines.push(`| ${call.service} \`${call.operation}\` | ${cells((each) => each.service === call.service && each.operation === call.operation)} |`);
  }
  lines.push(`| Secrets Manager writes (\`CreateSecret\`, \`PutSecretValue\`, ...) | ${cells((call) => call.service === 'Secrets Manager' && call.operation !== 'GetSecretValue')} |`);
  lines.push(`| **All AWS API calls** | ${cells(() => true)} |`);
  lines.push(`| Lambda invocations / state transitions | ${COLUMNS.map((column) => `${measured[column].perTask.length} / ${measured[column].transitions}`).join(' | ')} |`);
  return lines.join('\n');
}

function costTable(measured: Measurement): string {
  const lines = ['| Cost item (renewed) | per renewal, cold | per renewal, warm | 10,000 devices, one renewal each a year | Price (AWS-LIMITS.md) |', '|---|---|---|---|---|'];
  const { renewedCold: cold, renewedWarm: warm } = measured;
  const smCalls = (path: PathMeasurement) => count(path.calls, (call) => call.service === 'Secrets Manager');
  const priced: [string, (path: PathMeasurement) => number, string][] = [
    ['Secrets Manager API calls', (path) => smCalls(path) * PRICES.secretsManagerPerCall, '$0.05 per 10,000 calls [SM-$]'],
    ['New secrets', () => 0, '$0.40 per secret-month [SM-$]'],
    ['Step Functions transitions', (path) => path.transitions * PRICES.stepFunctionsPerTransition, '$0.025 per 1,000 [SFN-$]'],
    ['Lambda requests (duration not measured here)', (path) => path.perTask.length * PRICES.lambdaPerRequest, '$0.20 per million [L-$]'],
    ['ACM PCA certificate', () => PRICES.pcaCertificateAt10000InOneMonth, '$3,900 for 10,000 in one calendar month [PCA-$]'],
  ];
  let totalCold = 0;
  let totalWarm = 0;
  for (const [label, cost, price] of priced) {
    totalCold += cost(cold);
    totalWarm += cost(warm);
    // A year of the fleet: every device renewed once, priced as the cold path (the upper bound).
    lines.push(`| ${label} | ${dollars(cost(cold))} | ${dollars(cost(warm))} | ${dollars(cost(cold) * FLEET)} | ${price} |`);
  }
  const s3 = (path: PathMeasurement) => count(path.calls, (call) => call.service === 'S3');
  const writes = (path: PathMeasurement) => path.writeUnits;
  const reads = (path: PathMeasurement) => path.readUnits;
  lines.push(`| S3 requests | ${s3(cold)} | ${s3(warm)} | ${whole(s3(cold) * FLEET)} | not in AWS-LIMITS.md |`);
  lines.push(
    `| DynamoDB on-demand request units (the device's item: under ${Math.ceil(cold.itemBytes / 1024)} KB) | ${writes(cold)} WRU + ${reads(cold)} RRU | ${writes(warm)} WRU + ${reads(warm)} RRU | ${whole(writes(cold) * FLEET)} WRU + ${whole(reads(cold) * FLEET)} RRU | not in AWS-LIMITS.md |`,
  );
  lines.push(`| **Priced total** | **${dollars(totalCold)}** | **${dollars(totalWarm)}** | **${dollars(totalCold * FLEET)}** | |`);
  return lines.join('\n');
}

/** What each handler called, on the cold renewal: where the counts come from. */
function perTaskTable(path: PathMeasurement): string {
  const services: CountedCall['service'][] = ['DynamoDB', 'Secrets Manager', 'ACM PCA', 'S3'];
  const lines = [`| Task (renewed, cold) | ${services.join(' | ')} |`, `|---|${services.map(() => '---|').join('')}`];
  for (const { state, calls } of path.perTask) {
    const cells = services.map((service) => {
      const counts = new Map<string, number>();
      for (const call of calls.filter((each) => each.service === service)) {
        const name = call.secret === undefined ? call.operation : `${call.operation} (${call.secret === 'bundle master key' ? 'master key' : 'credentials'})`;
        counts.set(name, (counts.get(name) ?? 0) + 1);
      }
      return [...counts].map(([name, n]) => (n === 1 ? name : `${name} x${n}`)).join(', ') || '-';
    });
    lines.push(`| ${state} | ${cells.join(' | ')} |`);
  }
  return lines.join('\n');
}

export function renderAwsCostSection(measured: Measurement): string {
  return `${callTable(measured)}\n\n${perTaskTable(measured.renewedCold)}\n\n${costTable(measured)}`;
}
