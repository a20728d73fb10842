// Times as the ASA prints them in `show crypto ca certificates`: `09:20:43 GMT Nov 1 2023`.
// The printed time is LOCAL to the device's `clock timezone` (+ summer time), and the label is the
// configured zone NAME, which says nothing about the offset (a box with `clock timezone GMT +8`
// prints "GMT" for UTC+8). So a UTC instant exists only when the caller knows the offset.
import { AsaOutputParseError } from '../../errors.js';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const DEVICE_TIME_PATTERN = /^(\d{2}):(\d{2}):(\d{2}) ([A-Za-z][\w+-]{0,11}) ([A-Z][a-z]{2}) (\d{1,2}) (\d{4})$/;

export interface DeviceTime {
  text: string;
  zone: string;
  /** The printed wall-clock time taken as if it were UTC; subtract the zone offset to get the instant. */
  wallClockAsUtcMs: number;
}

export interface ClockOffsets {
  /** The device's offset from UTC in minutes (`clock timezone GMT 8` -> 480), applied to every zone label. */
  clockOffsetMinutes?: number;
  /** Offsets per printed zone label, e.g. { EST: -300, EDT: -240 }; takes precedence over clockOffsetMinutes. */
  zoneOffsetsMinutes?: Readonly<Record<string, number>>;
}

/** Parses `HH:MM:SS ZONE Mon D YYYY`; throws AsaOutputParseError (with `where`) on anything else. */
export function parseDeviceTime(text: string, where: string): DeviceTime {
  const match = DEVICE_TIME_PATTERN.exec(text);
  const month = match ? MONTHS.indexOf(match[5]!) : -1;
  if (!match || month < 0) {
    throw new AsaOutputParseError(`${where}: expected a time like "09:20:43 GMT Nov 1 2023", got ${JSON.stringify(text)}`);
  }
  const [hh, mm, ss, day, year] = [match[1], match[2], match[3], match[6], match[7]].map(Number) as [number, number, number, number, number];
  const ms = Date.UTC(year, month, day, hh, mm, ss);
  const check = new Date(ms);
  if (hh > 23 || mm > 59 || ss > 59 || check.getUTCDate() !== day || check.getUTCMonth() !== month) {
    throw new AsaOutputParseError(`${where}: ${JSON.stringify(text)} is not a valid date and time`);
  }
  return { text, zone: match[4]!, wallClockAsUtcMs: ms };
}

/** The UTC instant of a device time when the offset of its zone label is known, else undefined. */
export function deviceTimeToUtc(time: DeviceTime, offsets: ClockOffsets | undefined): Date | undefined {
  const offset = offsets?.zoneOffsetsMinutes?.[time.zone] ?? offsets?.clockOffsetMinutes;
  if (offset === undefined) return undefined;
  return new Date(time.wallClockAsUtcMs - offset * 60_000);
}
