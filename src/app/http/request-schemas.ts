/**
 * @module app/http/request-schemas
 * What each API endpoint takes, strictly: an unknown or misspelt field, a value of the wrong type, a repeated query
 * parameter or a body that is not a JSON object is refused (400, WBGUARD_ERR_HTTP_INPUT) with a message naming the
 * field and the problem. Nothing is guessed: a restart request names its Web Bridges or says `"all": true`.
 */
import { z } from 'zod';
import { HttpRequestError } from '../../errors.js';

const clusterName = z.string().min(1, 'must name a configured cluster');
const instant = z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'must be an ISO-8601 instant');
const wholeNumber = (min: number) =>
  z
    .string()
    .regex(/^\d{1,9}$/, `must be a whole number ≥ ${min}`)
    .transform(Number)
    .pipe(z.number().min(min, `must be a whole number ≥ ${min}`));

const clusterOnly = z.strictObject({ cluster: clusterName.optional() });
const limitOnly = z.strictObject({ limit: wholeNumber(1).optional() });
const nothing = z.strictObject({});

/** The query parameters each GET endpoint (and the restart POST) takes. */
const QUERY_SCHEMAS = {
  clusters: nothing,
  state: clusterOnly,
  plan: clusterOnly,
  alerts: nothing,
  events: limitOnly,
  journal: limitOnly,
  history: z.strictObject({
    cluster: clusterName.optional(),
    from: instant.optional(),
    to: instant.optional(),
    node: z.string().min(1, 'must name a Web Bridge or a Call Bridge').optional(),
    points: wholeNumber(2).optional(),
  }),
  restart: clusterOnly,
} as const;

/** `POST /api/v1/restart`: `{"names": ["cms1"]}` or `{"all": true}`, either with an optional `"cluster"`. */
const RESTART_BODY = z
  .strictObject({
    cluster: clusterName.optional(),
    names: z
      .array(z.string().min(1, 'must be a Web Bridge name'))
      .min(1, 'must name at least one Web Bridge (or say "all": true instead)')
      .refine((names) => new Set(names).size === names.length, 'names a Web Bridge twice')
      .optional(),
    all: z.literal(true, 'must be true (or name the Web Bridges in "names" instead)').optional(),
  })
  .refine((b) => (b.names === undefined) !== (b.all === undefined), {
    message: 'name the Web Bridges ("names": ["cms1"]) or say "all": true, one of the two',
  });
export type RestartBody = z.infer<typeof RESTART_BODY>;

const RESTART_FORMS = '{"names": ["cms1"]} or {"all": true}';

function problem(where: string, issues: readonly z.core.$ZodIssue[], known: readonly string[]): HttpRequestError {
  const lines = issues.map((issue) => {
    const path = [where, ...issue.path.map(String)].filter((p) => p !== '').join('.');
    const message =
      issue.code === 'unrecognized_keys'
        ? `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => JSON.stringify(k)).join(', ')} (known: ${known.join(', ') || 'none'})`
        : issue.message;
    return path ? `${path}: ${message}` : message;
  });
  return new HttpRequestError('WBGUARD_ERR_HTTP_INPUT', lines.join('; '));
}

/**
 * One endpoint's query, checked. `queries` is every parameter with all its values (`?a=1&a=2` gives two), so a
 * repeated parameter is refused instead of one of its values being picked silently.
 * @throws HttpRequestError WBGUARD_ERR_HTTP_INPUT
 */
export function parseQuery<K extends keyof typeof QUERY_SCHEMAS>(
  endpoint: K,
  queries: Record<string, string[]>,
): z.infer<(typeof QUERY_SCHEMAS)[K]> {
  const schema = QUERY_SCHEMAS[endpoint];
  const single: Record<string, string> = {};
  for (const [key, values] of Object.entries(queries)) {
    if (values.length > 1) {
      throw new HttpRequestError('WBGUARD_ERR_HTTP_INPUT', `query ${key}: given ${values.length} times, give it once`);
    }
    single[key] = values[0] ?? '';
  }
  const parsed = schema.safeParse(single);
  if (!parsed.success) {
    throw problem('query', parsed.error.issues, Object.keys(schema.shape));
  }
  return parsed.data as z.infer<(typeof QUERY_SCHEMAS)[K]>;
}

/**
 * The restart request's body text, checked.
 * @throws HttpRequestError WBGUARD_ERR_HTTP_INPUT
 */
export function parseRestartBody(text: string): RestartBody {
  if (text.trim() === '') {
    throw new HttpRequestError('WBGUARD_ERR_HTTP_INPUT', `body: empty; say which Web Bridges: ${RESTART_FORMS}`);
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new HttpRequestError('WBGUARD_ERR_HTTP_INPUT', `body: not JSON; send ${RESTART_FORMS}`);
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    const what = Array.isArray(body) ? 'a list' : body === null ? 'null' : `a ${typeof body}`;
    throw new HttpRequestError('WBGUARD_ERR_HTTP_INPUT', `body: ${what}, not an object; send ${RESTART_FORMS}`);
  }
  const parsed = RESTART_BODY.safeParse(body);
  if (!parsed.success) {
    throw problem('body', parsed.error.issues, Object.keys(RESTART_BODY.shape));
  }
  return parsed.data;
}
