import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Fastify, { type FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import { createEngine, type Engine } from '../../src/engine/index.js';
import { createServer } from '../../src/api/server.js';

/**
 * Every operation of the served OpenAPI document, whoever adds it later, must be documented: a summary, a schema
 * for its success answer with an example, a described parameter list, an example request body, and the page size
 * named `limit` (an old name such as `k` only as a deprecated alias).
 */

type Json = Record<string, unknown>;
const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'] as const;
const SUCCESS = ['200', '201', '202', '204'];

const obj = (v: unknown): Json | undefined => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : undefined);

function hasExample(media: Json | undefined): boolean {
  if (!media) return false;
  const schema = obj(media.schema);
  return media.example !== undefined || media.examples !== undefined || schema?.example !== undefined || schema?.examples !== undefined;
}

/**
 * Fields whose schema has a `pattern` but no `example` (on the field, or an `anyOf` member's parent): Swagger UI
 * would invent a sample from the pattern, unreadable strings like `"{|xx|vyz}"`.
 */
function patternsWithoutExample(schema: unknown, field: string, covered: boolean, out: Set<string>): void {
  const s = obj(schema);
  if (!s) return;
  const here = covered || s.example !== undefined || s.examples !== undefined;
  if (typeof s.pattern === 'string' && !here) out.add(field);
  for (const [k, v] of Object.entries(obj(s.properties) ?? {})) patternsWithoutExample(v, k, false, out);
  for (const key of ['anyOf', 'oneOf', 'allOf'] as const) for (const v of (s[key] as unknown[] | undefined) ?? []) patternsWithoutExample(v, field, here, out);
  if (s.items !== undefined) patternsWithoutExample(s.items, `${field}[]`, false, out);
  if (obj(s.additionalProperties)) patternsWithoutExample(s.additionalProperties, `${field}.*`, false, out);
}

/** Each problem of one document as "METHOD path: what is missing". */
function openapiProblems(doc: Json): string[] {
  const problems: string[] = [];
  for (const [path, item] of Object.entries(obj(doc.paths) ?? {})) {
    for (const method of METHODS) {
      const op = obj(obj(item)?.[method]);
      if (!op) continue;
      const where = `${method.toUpperCase()} ${path}`;
      if (typeof op.summary !== 'string' || op.summary.trim() === '') problems.push(`${where}: no summary`);
      const responses = obj(op.responses) ?? {};
      const status = SUCCESS.find((s) => responses[s] !== undefined);
      if (status === undefined) {
        problems.push(`${where}: no success response (200, 201, 202 or 204) in its response schema`);
      } else if (status !== '204') {
        const content = obj(obj(responses[status])?.content);
        const medias = Object.values(content ?? {}).map(obj);
        const schema = obj(medias[0]?.schema);
        if (!schema || Object.keys(schema).filter((k) => k !== 'description').length === 0) problems.push(`${where}: no response schema for ${status} (schema.response[${status}])`);
        else if (!medias.some(hasExample)) problems.push(`${where}: the ${status} response has no example`);
      }
      for (const p of (op.parameters as Json[] | undefined) ?? []) {
        if (typeof p.description !== 'string' || p.description.trim() === '') problems.push(`${where}: ${String(p.in)} parameter "${String(p.name)}" has no description`);
        if (p.in === 'query' && p.name === 'k' && p.deprecated !== true && obj(p.schema)?.deprecated !== true) problems.push(`${where}: query parameter "k" must be named "limit" (keep "k" as a deprecated alias)`);
      }
      const body = obj(op.requestBody);
      if (body && !Object.values(obj(body.content) ?? {}).map(obj).some(hasExample)) problems.push(`${where}: the request body has no example`);
      const patterned = new Set<string>();
      for (const p of (op.parameters as Json[] | undefined) ?? []) patternsWithoutExample(p.schema, String(p.name), p.example !== undefined, patterned);
      for (const media of Object.values(obj(body?.content) ?? {})) patternsWithoutExample(obj(media)?.schema, 'body', false, patterned);
      for (const field of patterned) problems.push(`${where}: "${field}" has a pattern but no example (Swagger UI would invent one from the pattern)`);
    }
  }
  return problems;
}

describe('the OpenAPI document', () => {
  let engine: Engine;
  let app: FastifyInstance;
  beforeAll(async () => {
    engine = await createEngine({ overrides: { store: { url: 'sqlite://:memory:' }, models: { dir: `${process.env.TMPDIR ?? '/tmp'}/resonate-openapi-test-models` } } });
    app = await createServer(engine);
    await app.ready();
  });
  afterAll(async () => {
    await app.close();
    await engine.close();
  });

  it('documents every route: summary, success schema with an example, parameters, request body', () => {
    const doc = app.swagger() as unknown as Json;
    const paths = Object.keys(obj(doc.paths) ?? {});
    // The routes of every layer are in the document (the metrics route too, installed before the others).
    for (const p of ['/v1/users/{id}/feed', '/v1/search', '/v1/events', '/metrics', '/health', '/xrpc/app.bsky.feed.getFeedSkeleton']) expect(paths).toContain(p);
    expect(openapiProblems(doc)).toEqual([]);
  });

  it('names the missing part and the route of an undocumented one', async () => {
    const bare = Fastify();
    await bare.register(swagger, { openapi: { openapi: '3.1.0', info: { title: 't', version: '1' } } });
    bare.get('/v1/widgets', { schema: { querystring: { type: 'object', properties: { k: { type: 'integer' } } } } }, async () => ({}));
    bare.post('/v1/widgets', { schema: { summary: 'Add widgets', body: { type: 'object', properties: { id: { type: 'string', pattern: '^w[0-9]+$' } } }, response: { 201: { type: 'object', properties: { n: { type: 'integer' } } } } } }, async () => ({}));
    await bare.ready();
    expect(openapiProblems(bare.swagger() as unknown as Json)).toEqual([
      'GET /v1/widgets: no summary',
      'GET /v1/widgets: no response schema for 200 (schema.response[200])',
      'GET /v1/widgets: query parameter "k" has no description',
      'GET /v1/widgets: query parameter "k" must be named "limit" (keep "k" as a deprecated alias)',
      'POST /v1/widgets: the 201 response has no example',
      'POST /v1/widgets: the request body has no example',
      'POST /v1/widgets: "id" has a pattern but no example (Swagger UI would invent one from the pattern)',
    ]);
    await bare.close();
  });
});
