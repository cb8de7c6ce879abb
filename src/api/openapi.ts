import { TICKET_STATES } from '../tickets/state-machine.js';

/**
 * The OpenAPI 3.1 document of /api/v1 (served at /api/v1/openapi.json). Its schemas are JSON Schema
 * 2020-12; the tests validate the API's real answers against them.
 */
export function openApiDocument() {
  const error = { $ref: '#/components/responses/Error' };
  return {
    openapi: '3.1.0',
    info: {
      title: 'dbops API',
      version: '1.0.0',
      description:
        'Review SQL and open change tickets from pipelines. Tickets are approved by DBAs in Slack as usual. ' +
        'Every call but this document needs `Authorization: Bearer <token>`, a token named in dbops.yml (api.tokens).',
    },
    servers: [{ url: '/api/v1' }],
    security: [{ bearer: [] }],
    paths: {
      '/reviews': {
        post: {
          operationId: 'review',
          summary: 'Review SQL (scope: review): the JSON report of `dbops review --format json`',
          requestBody: { required: true, content: json('#/components/schemas/ReviewRequest') },
          responses: {
            '200': { description: 'The review report', content: json('#/components/schemas/ReviewReport') },
            '400': error,
            '401': error,
            '403': error,
            '404': error,
          },
        },
      },
      '/tickets': {
        post: {
          operationId: 'openTicket',
          summary: 'Open an exec ticket for a mapped Slack user (scope: request); DBAs approve it in Slack',
          requestBody: { required: true, content: json('#/components/schemas/TicketRequest') },
          responses: {
            '201': {
              description: 'The ticket, and what its requester was told',
              content: json('#/components/schemas/OpenedTicket'),
            },
            '400': error,
            '401': error,
            '403': error,
            '422': error,
          },
        },
      },
      '/tickets/{ref}': {
        get: {
          operationId: 'getTicket',
          summary: 'A ticket by its ref (T-42) or id (scope: review or request)',
          parameters: [
            { name: 'ref', in: 'path', required: true, schema: { type: 'string', pattern: '^(T-)?[0-9]+$' } },
          ],
          responses: {
            '200': { description: 'The ticket', content: json('#/components/schemas/TicketEnvelope') },
            '401': error,
            '403': error,
            '404': error,
          },
        },
      },
    },
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
      responses: { Error: { description: 'What went wrong', content: json('#/components/schemas/Error') } },
      schemas: {
        Error: { type: 'object', required: ['error'], properties: { error: { type: 'string' } } },
        ReviewRequest: {
          type: 'object',
          additionalProperties: false,
          required: ['sql'],
          properties: {
            sql: { type: 'string', minLength: 1 },
            target: { type: 'string', description: 'cluster.schema: also check against the live schema' },
            change: { type: 'boolean', default: false, description: 'add the change-ticket rules' },
          },
        },
        Finding: {
          type: 'object',
          required: ['rule', 'severity', 'message', 'line', 'column'],
          properties: {
            rule: { type: 'string' },
            severity: { enum: ['error', 'warning', 'notice'] },
            message: { type: 'string' },
            line: { type: 'integer', minimum: 1 },
            column: { type: 'integer', minimum: 1 },
          },
        },
        Summary: {
          type: 'object',
          required: ['errors', 'warnings', 'notices', 'score', 'grade'],
          properties: {
            errors: { type: 'integer', minimum: 0 },
            warnings: { type: 'integer', minimum: 0 },
            notices: { type: 'integer', minimum: 0 },
            score: { type: 'number' },
            grade: { type: 'string' },
          },
        },
        ReviewReport: {
          type: 'object',
          required: ['statements', 'summary'],
          properties: {
            statements: {
              type: 'array',
              items: {
                type: 'object',
                required: ['index', 'sql', 'kind', 'line', 'findings'],
                properties: {
                  index: { type: 'integer', minimum: 0 },
                  sql: { type: 'string' },
                  kind: { type: 'string' },
                  line: { type: 'integer', minimum: 1 },
                  findings: { type: 'array', items: { $ref: '#/components/schemas/Finding' } },
                },
              },
            },
            summary: { $ref: '#/components/schemas/Summary' },
          },
        },
        TicketRequest: {
          type: 'object',
          additionalProperties: false,
          required: ['target', 'sql'],
          properties: {
            target: { type: 'string', description: 'cluster.schema' },
            sql: { type: 'string', minLength: 1 },
            run_at: { type: 'string', description: 'now, tonight, at 02:00, at 2026-11-25 01:30 (the cluster zone)' },
            on_behalf_of: { type: 'string', pattern: '^[UW][A-Z0-9]+$', description: "one of the token's users" },
            idempotency_key: { type: 'string', pattern: '^[A-Za-z0-9._:-]{1,64}$' },
          },
        },
        Ticket: {
          type: 'object',
          required: ['id', 'ref', 'kind', 'state', 'requester', 'cluster', 'created_at', 'updated_at'],
          properties: {
            id: { type: 'integer', minimum: 1 },
            ref: { type: 'string', pattern: '^T-[0-9]+$' },
            kind: { type: 'string' },
            state: { enum: [...TICKET_STATES] },
            requester: { type: 'string' },
            cluster: { type: 'string' },
            schema: { type: ['string', 'null'] },
            environment: { enum: ['prod', 'staging', 'test', 'dev'] },
            attempt: { type: 'integer', minimum: 1 },
            approvals_needed: { type: 'integer', minimum: 0 },
            approvals: {
              type: 'array',
              items: {
                type: 'object',
                required: ['approver', 'at'],
                properties: { approver: { type: 'string' }, at: { type: 'string', format: 'date-time' } },
              },
            },
            review: { oneOf: [{ type: 'null' }, { $ref: '#/components/schemas/Summary' }] },
            run_at: { type: ['string', 'null'], format: 'date-time' },
            created_at: { type: 'string', format: 'date-time' },
            updated_at: { type: 'string', format: 'date-time' },
          },
        },
        TicketEnvelope: {
          type: 'object',
          required: ['ticket'],
          properties: { ticket: { $ref: '#/components/schemas/Ticket' } },
        },
        OpenedTicket: {
          type: 'object',
          required: ['ticket', 'message'],
          properties: { ticket: { $ref: '#/components/schemas/Ticket' }, message: { type: 'string' } },
        },
      },
    },
  };
}

function json(ref: string) {
  return { 'application/json': { schema: { $ref: ref } } };
}
