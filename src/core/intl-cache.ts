/**
 * @module core/intl-cache
 * Building an Intl.DateTimeFormat costs far more than using one (tens of microseconds against one or two), and the
 * core formats millions of instants: one formatter per zone and shape, kept.
 */
const cache = new Map<string, Intl.DateTimeFormat>();

export function dateTimeFormat(timeZone: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${timeZone}\u0000${JSON.stringify(options)}`;
  let f = cache.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { ...options, timeZone });
    cache.set(key, f);
  }
  return f;
}
