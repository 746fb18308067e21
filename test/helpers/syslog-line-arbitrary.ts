/**
 * Random syslog lines for property tests of the byte paths (listeners, envelope-bytes): the shapes a CMS node and
 * collectors send — with or without a `<PRI>` (valid or not), BSD stamps right and wrong (one- and two-digit days,
 * 0 to 7 fraction digits, clocks out of range), ISO and RFC 5424 heads, an optional `facility.severity` token, the
 * host, a tag — carrying a Stats line, another candidate or chatter, sometimes ending in CR, sometimes cut short.
 */
import fc from 'fast-check';

const pri = fc.constantFrom('', '<14>', '<11>', '<191>', '<0>', '<192>', '<999>', '<>', '<1a>', '<14> ', '<0014>');
const fraction = fc.integer({ min: -1, max: 7 }).map((n) => (n < 0 ? '' : `.${'1234567'.slice(0, n)}`));
const bsdStamp = (month: fc.Arbitrary<string>) =>
  fc
    .tuple(
      month,
      fc.integer({ min: 0, max: 33 }),
      fc.boolean(),
      fc.integer({ min: 0, max: 25 }),
      fc.integer({ min: 0, max: 61 }),
      fc.integer({ min: 0, max: 61 }),
      fraction,
    )
    .map(([m, d, pad, h, mi, s, f]) => {
      const two = (n: number) => String(n).padStart(2, '0');
      const day = d < 10 && pad ? ` ${d}` : String(d);
      return `${m} ${day} ${two(h)}:${two(mi)}:${two(s)}${f}`;
    });
const otherHead = fc.constantFrom('2026-11-24T10:00:01.250Z', '1 2026-11-24T10:00:01.250Z', '', '-', 'Feb 23');
const facility = fc.constantFrom('', 'user.info ', 'local0.err ', 'user.warning ', 'mail.bogus ', 'user.info');
const host = fc.constantFrom('cms1', 'cms20', 'web-bridge.example.com', '', ' ', 'h\u00e9te');
const tag = fc.constantFrom('"webbridge":', 'host:server:', 'cli:', 'postgres[1042]:', '', 'webbridge');
const payload = fc.oneof(
  fc
    .tuple(fc.nat(200), fc.nat(1_000_000), fc.nat(1_000_000), fc.boolean())
    .map(([a, c, d, pad]) => `INFO : [DEBUGGING] Stats ${a}, c:${pad ? String(c).padStart(10, '0') : c}, d:${d}`),
  fc.constantFrom(
    'INFO : STATS: {"CMA": "3/5", "callLegs": "4/6"}',
    'User admin from 10.0.0.5:50022 issued command < webbridge restart>: permission granted',
    'ERROR : join refused: session limit reached (149)',
    'WARNING : something else',
    'INFO : Stats broken, c:x',
    'INFO : guest login request 1450660605: resolution in progress',
    'INFO : call 7: ending; local teardown, system participant count 0',
    '',
  ),
  fc.string({ maxLength: 60 }),
);

/**
 * A syslog line of one of the shapes above (no LF; it may end in CR), its BSD stamps in `months` (and a few that
 * are no month). A live stream's stamps all fall in the current month or so: the line reader carries the year from
 * line to line by the months it sees.
 */
export const syslogLineIn = (months: readonly string[]): fc.Arbitrary<string> =>
  fc
    .tuple(
      pri,
      fc.oneof(
        { weight: 4, arbitrary: bsdStamp(fc.constantFrom(...months, 'jan', 'Fev', 'XYZ')) },
        { weight: 1, arbitrary: otherHead },
      ),
      facility,
      host,
      tag,
      payload,
      fc.constantFrom('', '', '', '\r'),
      fc.nat(),
    )
    .map(([p, stamp, f, h, t, m, cr, cut]) => {
      const line = `${p}${stamp} ${f}${h} ${t} ${m}${cr}`;
      // Now and then a line cut short anywhere (a truncated datagram).
      return cut % 7 === 0 ? line.slice(0, cut % (line.length + 1)) : line;
    })
    .filter((line) => !line.includes('\n'));

/** Lines of every month shape, across a turn of the year. */
export const syslogLine = syslogLineIn(['Jan', 'Feb', 'Nov', 'Dec']);
