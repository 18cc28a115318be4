import { describe, expect, it } from 'vitest';
import { buildOpenApiDocument } from '../../../../shared/http/openapi';

type Doc = {
  openapi: string;
  info: { version: string; title: string };
  paths: Record<string, Record<string, { responses: Record<string, { description: string }> }>>;
  components: { schemas: Record<string, Record<string, unknown>> };
};

describe('Function: buildOpenApiDocument', () => {
  describe('Given a version', () => {
    const doc = buildOpenApiDocument('1.2.3') as unknown as Doc;

    it('is an OpenAPI 3.1 document carrying that version', () => {
      // Assert
      expect(doc.openapi).toBe('3.1.0');
      expect(doc.info).toMatchObject({ title: 'mqtrace', version: '1.2.3' });
      expect(Object.keys(doc.paths).sort()).toEqual(['/', '/healthz', '/openapi.json', '/v1/journey', '/v1/messages', '/v1/scope', '/v1/trace']);
    });

    it('names the request, report and error bodies as components, without $schema noise', () => {
      // Assert
      expect(Object.keys(doc.components.schemas)).toEqual(
        expect.arrayContaining(['TraceQuery', 'TraceReport', 'ErrorBody', 'BatchTraceRequest', 'BatchTraceResponse']),
      );
      for (const schema of Object.values(doc.components.schemas)) expect(schema).not.toHaveProperty('$schema');
    });

    it('resolves every $ref to a schema under components.schemas', () => {
      // Act
      const refs = [...new Set([...JSON.stringify(doc).matchAll(/"\$ref":"([^"]+)"/g)].map((m) => m[1] as string))];
      const unresolved = refs.filter((ref) => {
        const name = ref.replace(/^#\/components\/schemas\//, '');
        return !ref.startsWith('#/components/schemas/') || name.includes('#') || !Object.hasOwn(doc.components.schemas, name);
      });

      // Assert
      expect(refs).toEqual(expect.arrayContaining(['#/components/schemas/TraceReport', '#/components/schemas/ErrorBody']));
      expect(unresolved).toEqual([]);
    });

    it('gives no component a $id with a fragment (JSON Schema 2020-12 §8.2.1)', () => {
      // Act
      const withFragmentId = Object.entries(doc.components.schemas)
        .filter(([, schema]) => typeof schema.$id === 'string' && (schema.$id as string).includes('#'))
        .map(([name]) => name);

      // Assert
      expect(withFragmentId).toEqual([]);
    });

    it('lists each error status with the codes that produce it', () => {
      // Act
      const responses = doc.paths['/v1/trace']?.get?.responses ?? {};

      // Assert
      expect(Object.keys(responses).sort()).toEqual(['200', '400', '401', '403', '404', '405', '413', '415', '429', '500', '502', '503', '504']);
      expect(responses['404']?.description).toBe('NOT_FOUND, ROUTE_NOT_FOUND');
      expect(responses['502']?.description).toBe('UPSTREAM_FAILED, CREDENTIALS_INVALID');
    });

    it('documents the query fields the API accepts', () => {
      // Act
      const query = doc.components.schemas.TraceQuery as { properties: Record<string, unknown>; required: string[] };

      // Assert
      expect(Object.keys(query.properties).sort()).toEqual(['instanceId', 'msgId', 'topic']);
      expect(query.required.sort()).toEqual(['msgId', 'topic']);
    });
  });
});
