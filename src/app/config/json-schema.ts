/**
 * @module app/config/json-schema
 * The configuration schema as JSON Schema (input side: what a user writes), for the generated reference and for
 * naming the keys that are allowed where an unknown one was found. Computed once.
 */
import { z } from 'zod';

export interface JsonSchemaNode {
  type?: string | string[];
  description?: string;
  default?: unknown;
  enum?: unknown[];
  const?: unknown;
  properties?: Record<string, JsonSchemaNode>;
  required?: string[];
  items?: JsonSchemaNode;
  anyOf?: JsonSchemaNode[];
  oneOf?: JsonSchemaNode[];
  allOf?: JsonSchemaNode[];
  pattern?: string;
  minimum?: number;
  maximum?: number;
  minItems?: number;
  /** Set by `.meta()` in fields.ts for types JSON Schema cannot name (secret reference, host:port, …). */
  'x-wbguard-type'?: string;
}

const cache = new WeakMap<z.ZodType, JsonSchemaNode>();

export function jsonSchemaOf(schema: z.ZodType): JsonSchemaNode {
  let s = cache.get(schema);
  if (!s) {
    s = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchemaNode;
    cache.set(schema, s);
  }
  return s;
}
