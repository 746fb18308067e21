/**
 * Stats lines for the tests of the readers that take them from bytes (core/parse/stats-bytes.ts and the WebAssembly
 * kernel of adapters/logfiles): common shapes, variants that each reader must take or leave to the general parser,
 * and random edits.
 */
export const BASE = [
  'Oct  1 00:00:00.000 user.info cms1 "webbridge": INFO : [DEBUGGING] Stats 0, c:1, d:1',
  'Jun 18 14:53:18.149 local0.info cms-edge-2 webbridge[812]: INFO : [DEBUGGING] Stats 37, c:1234, d:1197',
  'Dec 31 23:59:59 cms3 "webbridge": Stats 5, c:10, d:5',
  'Jan  2 03:04:05.1 cms3 3f2a1b "webbridge3": INFO : Stats 12, c:99, d:87',
  'Feb 29 12:00:00.123456 user.warning h1 app: x Stats 1, c:2, d:1 trailing words',
  'Mar  3 01:02:03.000 cms1 Stats 4, c:8, d:4',
];

export const VARIANTS = [
  (l: string) => `${l}\r`,
  (l: string) => l.replace('Stats ', 'Stats  '),
  (l: string) => l.replace('Stats ', 'Stats\t'),
  (l: string) => l.replace(', c:', ',c:'),
  (l: string) => l.replace(/Stats \d+/, 'Stats 100001'),
  (l: string) => l.replace(/Stats \d+/, 'Stats 1234567890123'),
  (l: string) => l.replace(/d:\d+/, 'd:1234567890123456789012'),
  (l: string) => l.replace(/c:\d+/, 'c:9007199254740993'),
  (l: string) => l.replace('Stats', 'STATS: {"CMA": "1/2"} Stats'),
  (l: string) => l.replace('Stats', 'Stats x Stats'),
  (l: string) => l.replace(/ (cms[\w-]*|h1) /, ' Stats '),
  (l: string) => l.replace(/ (cms[\w-]*|h1) /, ' hôte '),
  (l: string) => l.replace(/ (cms[\w-]*|h1) /, ' user.info '),
  (l: string) => `<14>${l}`,
  (l: string) => l.replace(/^\w+ +\d+/, '2026-10-01T00:00:00.000Z'),
  (l: string) => l.replace(/^\w+/, 'Foo'),
  (l: string) => l.replace(/\d\d:\d\d:\d\d/, '24:00:00'),
  (l: string) => l.replace(/\d\d:\d\d:\d\d/, '12:60:00'),
  (l: string) => l.replace(/^(\w+) +\d+/, '$1 32'),
  (l: string) => l.replace(/:\d\d(\.\d+)? /, ':07.1234567 '),
  (l: string) => l.replace(/:\d\d(\.\d+)? /, ':07. '),
  (l: string) => l.replace(/ +/, '\t'),
  (l: string) => ` ${l}`,
  (l: string) => l.replace(/d:\d+/, 'd:'),
  (l: string) => l.replace(/d:(\d+)/, 'd:$1x'),
  (l: string) => l.replace('INFO : ', 'é INFO : '),
  (l: string) => l.replace(/ [^ ]+: /, ' : '),
  (l: string) => `${l}${' pad'.repeat(1100)}`,
];

/** A deterministic pseudo-random source (mulberry32). */
export function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** Every base line, each variant of it, each variant of a variant, then `edits` random edits of the base lines. */
export function* statsLineCases(edits = 20_000): Generator<string> {
  for (const base of BASE) {
    yield base;
    for (const v of VARIANTS) {
      yield v(base);
      for (const w of VARIANTS) {
        yield w(v(base));
      }
    }
  }
  // Random byte edits of the common lines: whatever a bytes path takes must match.
  yield* randomEdits(BASE, ' \t:.,<>0123456789SstaTA"d\r\u00e9', 42, edits, 1);
}

/** `edits` lines, each a base line with one to three random characters replaced, inserted or removed (a share of
 * them, 1 − `anywhere`, in its first 40 characters: the envelope). */
function* randomEdits(
  bases: readonly string[],
  alphabet: string,
  seed: number,
  edits: number,
  anywhere: number,
): Generator<string> {
  const rnd = random(seed);
  for (let i = 0; i < edits; i++) {
    const chars = [...(bases[i % bases.length] as string)];
    for (let k = 1 + Math.floor(rnd() * 3); k > 0; k--) {
      const at = Math.floor(rnd() * (rnd() < anywhere ? chars.length : Math.min(chars.length, 40)));
      const ch = alphabet[Math.floor(rnd() * alphabet.length)] as string;
      const op = rnd();
      if (op < 0.4) {
        chars[at] = ch;
      } else if (op < 0.7) {
        chars.splice(at, 0, ch);
      } else {
        chars.splice(at, 1);
      }
    }
    yield chars.join('');
  }
}

/** Stats lines of the other shapes read from bytes: ISO 8601 stamps (zones, fractions), `<PRI>`, RFC 5424. */
export const OTHER_SHAPES = [
  '2026-10-01T02:44:10.002 user.info cms3 "webbridge": INFO : [DEBUGGING] Stats 1, c:0, d:0',
  '2026-10-01T02:44:10.003003+00:00 cms4 "webbridge": INFO : [DEBUGGING] Stats 0, c:7, d:3',
  '2026-10-01T02:44:10+02:00 cms6 "webbridge": INFO : [DEBUGGING] Stats 1, c:0, d:0',
  '2026-03-29 02:30:00,5 cms6 webbridge[1]: Stats 9, c:12, d:3',
  '2026-10-25T02:30:00.123456789-0530 local0.warning cms-edge-2 app: x Stats 11, c:22, d:11 trailing',
  '<14>1 2026-10-01T02:44:10.006006Z cms7 webbridge - - - INFO : [DEBUGGING] Stats 0, c:0, d:0',
  '<191>12 2026-10-01T02:44:10Z cms7 webbridge 812 ID47 - INFO : Stats 3, c:4, d:1',
  '<14>Oct  1 02:44:10.009 user.info cms10 "webbridge": INFO : [DEBUGGING] Stats 2, c:5, d:3',
  '<0>2026-10-01T02:44:10.010Z cms2 "webbridge": Stats 5, c:10, d:5',
];

/** Edits that change the shape: zones, fractions, separators, PRI, RFC 5424 fields. */
export const SHAPE_VARIANTS = [
  (l: string) => l.replace(/(\d\d:\d\d:\d\d)[.,]?\d*/, '$1'),
  (l: string) => l.replace(/(\d\d:\d\d:\d\d)[.,]?\d*/, '$1.1234567890'),
  (l: string) => l.replace(/(\d\d:\d\d:\d\d)[.,]?\d*/, '$1.'),
  (l: string) => l.replace(/(\d\d:\d\d:\d\d)[.,]?\d*/, '$1,75'),
  (l: string) => l.replace(/(\d\d:\d\d:\d\d(?:[.,]\d+)?)(Z|[+-][\d:]+)?/, '$1Z'),
  (l: string) => l.replace(/(\d\d:\d\d:\d\d(?:[.,]\d+)?)(Z|[+-][\d:]+)?/, '$1z'),
  (l: string) => l.replace(/(\d\d:\d\d:\d\d(?:[.,]\d+)?)(Z|[+-][\d:]+)?/, '$1-07:00'),
  (l: string) => l.replace(/(\d\d:\d\d:\d\d(?:[.,]\d+)?)(Z|[+-][\d:]+)?/, '$1+0945'),
  (l: string) => l.replace(/(\d\d:\d\d:\d\d(?:[.,]\d+)?)(Z|[+-][\d:]+)?/, '$1+09:4'),
  (l: string) => l.replace(/(\d\d:\d\d:\d\d(?:[.,]\d+)?)(Z|[+-][\d:]+)?/, '$1+99:99'),
  (l: string) => l.replace(/(\d\d:\d\d:\d\d(?:[.,]\d+)?)(Z|[+-][\d:]+)?/, '$1Z1'),
  (l: string) => l.replace('T', ' '),
  (l: string) => l.replace(/\d{4}-/, '0069-'),
  (l: string) => l.replace(/-\d\d-/, '-13-'),
  (l: string) => l.replace(/-(\d\d)[T ]/, '-00T'),
  (l: string) => l.replace(/:\d\d([.,Z+ -])/, ':60$1'),
  (l: string) => `<14>${l}`,
  (l: string) => `<14> ${l}`,
  (l: string) => `<192>${l}`,
  (l: string) => `<0014>${l}`,
  (l: string) => `<1a>${l}`,
  (l: string) => `<13>1 ${l}`,
  (l: string) => l.replace(/^<\d+>1 /, '<13>1  '),
  (l: string) => l.replace(/^<\d+>1 /, '<13>1 \u00e9'),
  (l: string) => l.replace(/^<\d+>1 /, '<13>1 \t'),
  (l: string) => l.replace(/^<\d+>1 /, '<13>0 '),
  (l: string) => l.replace(/^(<\d+>\d+ )\S+/, '$1-'),
  (l: string) => l.replace(/^(<\d+>\d+ \S+ )\S+/, '$1-'),
  (l: string) => l.replace(/^(<\d+>\d+ \S+ )\S+/, '$1h\u00f4te'),
  (l: string) => l.replace(/ - INFO/, ' [x@1 a="]"] INFO'),
  (l: string) => l.replace(/ - INFO/, ' -INFO'),
  (l: string) => l.replace(/ - INFO/, ' - \ufeffINFO'),
  (l: string) => l.replace(/ - INFO/, ''),
  (l: string) => l.replace(/ (cms[\w-]*) /, ' user.info '),
  (l: string) => l.replace(/ (cms[\w-]*) /, '\t$1\t'),
  (l: string) => l.replace('Stats', 'STATS: {"CMA": "1/2"} Stats'),
  (l: string) => l.replace('Stats ', 'Stats\t'),
  (l: string) => `${l}\r`,
  (l: string) => ` ${l}`,
];

/** Every other-shape line, each shape variant and common variant of it, and random edits. */
export function* otherShapeCases(edits = 20_000): Generator<string> {
  for (const base of OTHER_SHAPES) {
    yield base;
    for (const v of [...SHAPE_VARIANTS, ...VARIANTS]) {
      yield v(base);
      for (const w of SHAPE_VARIANTS) {
        yield w(v(base));
      }
    }
  }
  yield* randomEdits(OTHER_SHAPES, ' \t:.,<>-+TZ[]0123456789SstaTA"d\r\u00e9\ufeff', 7, edits, 0.3);
}
