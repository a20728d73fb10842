// Dates as an ASA prints them: `HH:MM:SS ZONE Mon D YYYY`, in the device's local clock
// (`clock timezone NAME +H [M]`): the offset is applied and the label is the configured
// zone name, whatever it says (facts section 6). The day is not zero-padded.

export interface ClockZone {
  zoneName: string;
  offsetMinutes: number;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'] as const;

const pad2 = (n: number): string => String(n).padStart(2, '0');

export function formatAsaTime(date: Date, clock: ClockZone): string {
  const local = new Date(date.getTime() + clock.offsetMinutes * 60_000);
  const time = `${pad2(local.getUTCHours())}:${pad2(local.getUTCMinutes())}:${pad2(local.getUTCSeconds())}`;
  return `${time} ${clock.zoneName} ${MONTHS[local.getUTCMonth()]} ${local.getUTCDate()} ${local.getUTCFullYear()}`;
}
