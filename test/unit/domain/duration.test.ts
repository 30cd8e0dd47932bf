// Durations as the config and the CLI write them (quietPeriod, approvalTtl, --older-than): what is read, what is refused.
import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration } from '../../../src/domain/duration.js';

describe('parseDuration', () => {
  it.each([
    ['500ms', 500],
    ['90s', 90_000],
    ['30m', 1_800_000],
    ['2h', 7_200_000],
    ['1d', 86_400_000],
    ['1h30m', 5_400_000],
    ['1d2h3m4s5ms', 93_784_005],
    ['12h', 43_200_000],
    ['1.5h', 5_400_000],
    ['0.25s', 250],
    ['1.5ms', 2],
    ['  45s\n', 45_000],
    ['0s', 0],
  ])('reads %j as %d ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(['', '   ', '90', 's', '5x', '90s later', '1h 30m', '-5m', '.5s', '1.s', 'h1', '5 m'])('refuses %j and says how to write one', (text) => {
    expect(() => parseDuration(text)).toThrow(`invalid duration '${text}': use a number with a unit, such as 90s, 30m or 2h`);
  });
});

describe('formatDuration', () => {
  it.each([
    [0, '0ms'],
    [999, '999ms'],
    [1_000, '1s'],
    [45_000, '45s'],
    [5_400_000, '1h30m'],
    [90_061_000, '1d1h'],
    [86_400_000 + 5_000, '1d5s'],
    [-90_000, '-1m30s'],
    [Number.POSITIVE_INFINITY, 'Infinity'],
  ])('writes %d ms as %j', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });

  it('writes what parseDuration reads back', () => {
    for (const text of ['45s', '1h30m', '2d', '3m5s']) expect(formatDuration(parseDuration(text))).toBe(text);
  });
});
