import { disallowCreate } from './_object-rule.js';

export const viewDisallowCreate = disallowCreate({
  id: 'system.view.disallow-create',
  severity: 'notice',
  kind: 'create-view',
  keyword: 'VIEW',
  summary: 'no CREATE VIEW',
  why:
    'Views hide the real query: filters on a view are often applied after it is computed ' +
    'in full (TEMPTABLE), they break silently when the tables underneath change, and ' +
    'their DEFINER must exist on every server.',
  fix: 'Write the query in the application, or ask a DBA if the view is needed for reporting access.',
});
