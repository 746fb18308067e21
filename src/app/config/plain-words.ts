/**
 * @module app/config/plain-words
 * The schema validator's own wording ("Invalid input: expected string, received number") said in plain words for
 * the person editing the YAML file ("must be text, not a number"). Messages the schema writes itself are kept.
 */
import type { z } from 'zod';

const NOUNS: Readonly<Record<string, string>> = {
  string: 'text',
  number: 'a number',
  int: 'a whole number',
  bigint: 'a whole number',
  boolean: 'true or false',
  array: 'a list',
  object: 'a set of keys (key: value)',
  null: 'empty',
  undefined: 'missing',
  nan: 'not a number',
};

function noun(type: string | undefined): string {
  return (type && NOUNS[type]) ?? type ?? 'something else';
}

const VALIDATOR_WORDING = /^(Invalid input|Too small|Too big|Invalid option)\b/;

/** What the validator received, from its message (it does not carry the value itself). */
function received(message: string): string | undefined {
  return /received (\w+)/.exec(message)?.[1];
}

function bound(issue: { origin?: string; inclusive?: boolean }, n: number | bigint, least: boolean): string {
  const exclusive = issue.inclusive === false;
  switch (issue.origin) {
    case 'string':
      return least && Number(n) === 1 && !exclusive
        ? 'must not be empty'
        : `must have ${least ? 'at least' : 'at most'} ${n} characters`;
    case 'array':
    case 'set':
      return least && Number(n) === 1 && !exclusive
        ? 'must list at least one entry'
        : `must have ${least ? 'at least' : 'at most'} ${n} entries`;
    default:
      return `must be ${least ? (exclusive ? 'more than' : 'at least') : exclusive ? 'less than' : 'at most'} ${n}`;
  }
}

/** The issue's message in plain words, or undefined to keep the schema's own message. */
export function plainMessage(issue: z.core.$ZodIssue): string | undefined {
  if (!VALIDATOR_WORDING.test(issue.message)) {
    return undefined;
  }
  switch (issue.code) {
    case 'invalid_type': {
      const got = received(issue.message);
      if (got === 'undefined') {
        return `is missing: it must be ${noun(issue.expected)}`;
      }
      // A port or a name that YAML read as a number is text once quoted.
      const quote = issue.expected === 'string' && (got === 'number' || got === 'boolean') ? ' (put it in quotes)' : '';
      return `must be ${noun(issue.expected)}${got ? `, not ${noun(got)}` : ''}${quote}`;
    }
    case 'too_small':
      return bound(issue, issue.minimum, true);
    case 'too_big':
      return bound(issue, issue.maximum, false);
    case 'invalid_value': {
      const values = issue.values.map((v) => (typeof v === 'string' ? v : JSON.stringify(v)));
      return values.length === 1 ? `must be ${values[0]}` : `must be one of ${values.join(', ')}`;
    }
    default:
      return undefined;
  }
}
