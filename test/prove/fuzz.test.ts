/**
 * Property-based fuzzing with fixed seeds and small budgets (the long run: `npm run prove -- --only fuzz`): the
 * syslog envelope, the CMS payload parsers, octet-counted and LF framing, the CMS API client's XML handling over a
 * real loopback socket, and the configuration loader. Any crash found is kept below as a regression case.
 */
import { test } from 'node:test';
import { fuzzConfig, fuzzEnvelope, fuzzFraming, fuzzPayloads, fuzzXmlClient } from './lib/fuzz-properties.js';

test('syslog envelope: never throws, every field well-formed', () => {
  fuzzEnvelope(20_000, 11);
});

test('CMS payloads: never throw, counts are non-negative safe integers', () => {
  fuzzPayloads(20_000, 12);
});

test('framing: octet-counted and LF streams round-trip under any chunking; garbage never throws', () => {
  fuzzFraming(3000, 13);
});

test('configuration loader: only coded errors, for any value and any YAML text', async () => {
  await fuzzConfig(2000, 14);
});

test('CMS API client: any body gives finite counts or a coded error', async () => {
  await fuzzXmlClient(300, 15);
});
