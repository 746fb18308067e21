/**
 * The Journal contract against the JSONL file, twice: as configured by default, and with a tiny size limit and
 * checkpoint interval so that every case also runs across rotated files and checkpoints.
 */
import { JsonlJournal } from '../../../src/adapters/journal/jsonl-journal.js';
import { tempDir } from '../../sim/helpers.js';
import { runJournalContract } from './journal-contract.js';

runJournalContract({ name: 'jsonl', make: (t) => new JsonlJournal(tempDir(t, 'wbguard-journal-')) });
runJournalContract({
  name: 'jsonl (rotating every 600 bytes)',
  make: (t) =>
    new JsonlJournal(tempDir(t, 'wbguard-journal-'), { maxBytes: 600, keep: 1000, checkpointEveryBytes: 300 }),
});
