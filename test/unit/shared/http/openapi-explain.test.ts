import { describe, expect, it } from 'vitest';
import { buildOpenApiDocument } from '../../../../shared/http/openapi';
import { FINDING_CODES } from '../../../../shared/trace/findings';

type Schema = { properties: Record<string, Record<string, unknown>>; required?: string[] };
const doc = buildOpenApiDocument('1.2.3') as unknown as {
  paths: Record<string, Record<string, { parameters?: Array<{ name: string; required: boolean; schema: Record<string, unknown> }>; requestBody?: unknown }>>;
  components: { schemas: Record<string, Schema> };
};

describe('Function: buildOpenApiDocument (explain and waitSeconds)', () => {
  it('documents explain and waitSeconds as optional string query parameters of GET /v1/trace', () => {
    const parameters = doc.paths['/v1/trace']?.get?.parameters ?? [];
    expect(parameters.find((p) => p.name === 'explain')).toMatchObject({ required: false, schema: { type: 'string', enum: ['true', 'false'] } });
    expect(parameters.find((p) => p.name === 'waitSeconds')).toMatchObject({ required: false, schema: { type: 'string', pattern: '^[0-9]+$' } });
  });

  it('documents the POST body as a TraceRequest with a boolean explain and an integer waitSeconds, or a batch', () => {
    const request = doc.components.schemas.TraceRequest as Schema;
    expect(request.properties.explain).toMatchObject({ type: 'boolean' });
    expect(request.properties.waitSeconds).toMatchObject({ type: 'integer', minimum: 1, maximum: 900 });
    expect(request.required?.sort()).toEqual(['msgId', 'topic']);
    expect(JSON.stringify(doc.paths['/v1/trace']?.post?.requestBody)).toContain('#/components/schemas/TraceRequest');
  });

  it('documents the report’s diagnosis, its findings and the wait outcome', () => {
    const report = doc.components.schemas.TraceReport as Schema;
    expect(report.properties.diagnosis).toMatchObject({ $ref: '#/components/schemas/Diagnosis' });
    expect(report.properties.wait).toMatchObject({ $ref: '#/components/schemas/Wait' });
    expect(report.required).not.toContain('diagnosis');
    expect(doc.components.schemas.Finding?.properties.code).toMatchObject({ enum: [...FINDING_CODES] });
    expect(Object.keys(doc.components.schemas.Diagnosis?.properties ?? {}).sort()).toEqual(['findings', 'message', 'skippedChecks']);
    expect(doc.components.schemas.Wait?.properties.outcome).toMatchObject({ enum: ['CONSUMED', 'TIMED_OUT'] });
  });
});
