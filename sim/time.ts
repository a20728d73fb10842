// Times as the ASA prints them, in the device's local clock (`clock timezone NAME H [M]`):
// the offset is applied and the label is the configured zone name.

export interface ClockZone {
  zoneName: string;
  offsetMinutes: number;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'] as const;
const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'] as const;

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

function local(date: Date, clock: ClockZone): Date {
  return new Date(date.getTime() + clock.offsetMinutes * 60_000);
}

/** `03:49:07 UTC May 29 2022` (login banner, certificate dates, key generation time). */
export function formatAsaTime(date: Date, clock: ClockZone): string {
  const d = local(date, clock);
  return `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} ${clock.zoneName} ${MONTHS[d.getUTCMonth()]} ${d.getUTCDate()} ${d.getUTCFullYear()}`;
}

/** `06:41:15.559 UTC Fri Nov 22 2019` (`show clock`, `show version` last modified). */
export function formatClockTime(date: Date, clock: ClockZone): string {
  const d = local(date, clock);
  return `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.${pad(d.getUTCMilliseconds(), 3)} ${clock.zoneName} ${DAYS[d.getUTCDay()]} ${MONTHS[d.getUTCMonth()]} ${d.getUTCDate()} ${d.getUTCFullYear()}`;
}

const unit = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/** `41 days 19 hours`, `3 hours 2 mins`, `4 mins 35 secs` (the `show version` uptime). */
export function formatUptime(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const days = Math.floor(total / 86_400);
  const hours = Math.floor((total % 86_400) / 3600);
  const mins = Math.floor((total % 3600) / 60);
  const secs = total % 60;
  if (days > 0) return `${unit(days, 'day')} ${unit(hours, 'hour')}`;
  if (hours > 0) return `${unit(hours, 'hour')} ${unit(mins, 'min')}`;
  return `${unit(mins, 'min')} ${unit(secs, 'sec')}`;
}
