/**
 * @module app/daemon/syslog-ingest
 * How the daemon's syslog listeners hand messages to the live state. Most messages a CMS node sends are chatter:
 * the listeners count those on their bytes and never decode them (adapters/syslog/listeners.ts, `wanted`; WARNING
 * and ERROR lines among them unless they say what a refusal says, `levelLines`); chatter
 * whose envelope cannot be vouched for on the bytes is still read the general way, so that it is counted as
 * malformed exactly as before. Web Bridge Stats lines are read from their bytes; every other message is decoded and
 * read as text. Whichever way, the live state's counts and records are those `ingest` gives for every message as
 * text (a test holds the two ways equal), with one difference, as in `analyze`: the year of BSD stamps (which carry
 * none) is carried from line to line by the months of candidate lines only, so a stream whose chatter alone jumped
 * between December and January would date some records in another year. A live stream's stamps are all of now.
 */
import type { SyslogListenerOptions, Transport } from '../../adapters/syslog/listeners.js';
import { envelopeSurelyReadable } from '../../core/parse/envelope-bytes.js';
import {
  candidateSubstringsFor,
  type JoinRefusal,
  levelLineRuleFor,
  RECORD_SUBSTRINGS,
} from '../../core/parse/index.js';
import type { LiveState } from './live-state.js';

/** What counts the messages received per transport (the daemon's metrics). */
export interface MessageCounter {
  inc(labels: { transport: string }, n?: number): void;
}

export type SyslogIngestOptions = Pick<
  SyslogListenerOptions,
  'onMessage' | 'wanted' | 'levelLines' | 'skippable' | 'onUnwanted' | 'onMessageBytes'
>;

/**
 * Which messages are read: those holding a record substring, and of those holding only a level word (ERROR, WARN: a
 * fifth of the lines in some CMS logs) the ones saying what a refusal says or holding `Stats`, as analyze reads
 * (adapters/logfiles/candidate-scanner.ts). With no levels (a refusal in any line), every message saying what a
 * refusal says. When the refusal's patterns have no wording to search for, every level line is read, and with no
 * levels every message. The others, when their envelope is readable, can yield no record and are counted unread.
 */
export function wantedBy(refusal: JoinRefusal): Pick<SyslogListenerOptions, 'wanted' | 'levelLines'> {
  const rule = levelLineRuleFor(refusal);
  if (rule) {
    return { wanted: RECORD_SUBSTRINGS, levelLines: rule };
  }
  const substrings = candidateSubstringsFor(refusal);
  return substrings ? { wanted: substrings } : {};
}

/** The listener options that feed `state`, counting every message in `received`. */
export function syslogIngest(
  state: Pick<LiveState, 'ingest' | 'ingestStatsBytes' | 'countUnparsed' | 'joinRefusal'>,
  received: MessageCounter,
  now: () => number,
): SyslogIngestOptions {
  return {
    onMessage: (message: string, _sender: string, transport: Transport) => {
      received.inc({ transport });
      state.ingest(message, now());
    },
    // Read by the refusal the state reads by: a message it would make a refusal of is never skipped.
    ...wantedBy(state.joinRefusal),
    skippable: envelopeSurelyReadable,
    onUnwanted: (n: number, transport: Transport) => {
      received.inc({ transport }, n);
      state.countUnparsed(n);
    },
    onMessageBytes: (bytes: Buffer, start: number, end: number, transport: Transport) => {
      const taken = state.ingestStatsBytes(bytes, start, end, now());
      if (taken) {
        received.inc({ transport });
      }
      return taken;
    },
  };
}
