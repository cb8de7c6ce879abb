import { disallowCreate } from './_object-rule.js';

export const procedureDisallowCreate = disallowCreate({
  id: 'system.procedure.disallow-create',
  severity: 'warning',
  kind: 'create-procedure',
  keyword: 'PROCEDURE',
  summary: 'no CREATE PROCEDURE',
  why:
    'Stored procedures keep business logic in the database where it is hard to version, ' +
    'test, review and deploy with the application, and they run on the shared database ' +
    'server rather than on application servers you can add.',
  fix: 'Implement the logic in the application; if a DBA maintenance routine is really needed, ask a DBA.',
});
