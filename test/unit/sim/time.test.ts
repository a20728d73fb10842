import { describe, expect, it } from 'vitest';
import { formatClockTime, formatAsaTime, formatUptime } from '../../../sim/time.js';

describe('ASA time formats', () => {
  const at = new Date('2023-11-01T01:20:43.250Z');
  it('applies the clock timezone offset and prints the zone name', () => {
    expect(formatAsaTime(at, { zoneName: 'GMT', offsetMinutes: 480 })).toBe('09:20:43 GMT Nov 1 2023');
    expect(formatClockTime(at, { zoneName: 'EST', offsetMinutes: -300 })).toBe('20:20:43.250 EST Tue Oct 31 2023');
  });

  it.each([
    [0, '0 mins 0 secs'],
    [61_000, '1 min 1 sec'],
    [3 * 3600_000 + 120_000, '3 hours 2 mins'],
    [41 * 86_400_000 + 19 * 3600_000, '41 days 19 hours'],
    [86_400_000 + 3600_000, '1 day 1 hour'],
  ])('formats an uptime of %i ms as %j', (ms, text) => {
    expect(formatUptime(ms)).toBe(text);
  });
});
