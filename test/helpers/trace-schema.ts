import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {Ajv, type ValidateFunction} from 'ajv'
import {REPO_ROOT} from './cli.js'

/** The shipped schema of `--json` (schema/trace.schema.json, generated from src/trace/types.ts and facts.ts). */
export const TRACE_SCHEMA_JSON = JSON.parse(readFileSync(join(REPO_ROOT, 'schema', 'trace.schema.json'), 'utf8')) as {definitions: Record<string, SchemaNode>}

export interface SchemaNode {
  type?: string | string[]
  description?: string
  properties?: Record<string, SchemaNode>
  $ref?: string
  anyOf?: SchemaNode[]
}

/** RFC 3339 / ISO 8601 date-time, as `Date.toISOString()` writes it (with or without milliseconds, Z or an offset). */
export function isIsoDateTime(s: string): boolean {
  return /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(s) && Number.isFinite(Date.parse(s))
}

/** A validator of whole traces that also checks the schema's `format: date-time` fields. */
export function traceValidator(): ValidateFunction {
  return new Ajv({allErrors: true, strict: false, formats: {'date-time': isIsoDateTime}}).compile(TRACE_SCHEMA_JSON)
}
