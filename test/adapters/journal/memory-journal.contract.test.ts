/** The Journal contract against the in-memory journal (tests and the randomized model use it). */
import { MemoryJournal } from '../../../src/adapters/journal/memory-journal.js';
import { runJournalContract } from './journal-contract.js';

runJournalContract({ name: 'memory', make: () => new MemoryJournal() });
