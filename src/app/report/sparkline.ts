/**
 * @module app/report/sparkline
 * A one-line chart of a series for terminals: ▁▂▃▄▅▆▇█, scaled from 0 to `max` (the session limit), so a full
 * block means "at the limit" on every Web Bridge alike.
 */
const BARS = '▁▂▃▄▅▆▇█';

export function sparkline(values: readonly number[], width: number, max: number): string {
  if (values.length === 0 || width <= 0) {
    return '';
  }
  const out: string[] = [];
  for (let i = 0; i < width; i++) {
    const from = Math.floor((i * values.length) / width);
    const to = Math.max(from + 1, Math.floor(((i + 1) * values.length) / width));
    let peak = 0;
    for (let j = from; j < to && j < values.length; j++) {
      peak = Math.max(peak, values[j] as number);
    }
    const level = max <= 0 ? 0 : Math.min(BARS.length - 1, Math.floor((peak / max) * (BARS.length - 1) + 0.5));
    out.push(BARS[level] as string);
    if (to >= values.length) {
      break;
    }
  }
  return out.join('');
}
