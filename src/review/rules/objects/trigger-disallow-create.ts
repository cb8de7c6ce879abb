import { disallowCreate } from './_object-rule.js';

export const triggerDisallowCreate = disallowCreate({
  id: 'system.trigger.disallow-create',
  severity: 'warning',
  kind: 'create-trigger',
  keyword: 'TRIGGER',
  summary: 'no CREATE TRIGGER',
  why:
    'Triggers run hidden logic on every write to the table: they slow writes down, ' +
    'surprise anyone reading the application code, and block online schema-change tools ' +
    '(gh-ost and pt-online-schema-change need the table free of triggers).',
  fix: 'Do the work in the application (or a job) that writes the table.',
});
