import type { Rule } from '../../types.js';
import { functionDisallowedList } from './function-disallowed-list.js';
import { joinMaxTables } from './join-max-tables.js';
import { joinRequireOn } from './join-require-on.js';
import { selectNoSelectAll } from './no-select-all.js';
import { selectLargeOffset } from './select-large-offset.js';
import { selectLimitWithoutOrderBy } from './select-limit-without-order-by.js';
import { selectOrderByRand } from './select-order-by-rand.js';
import { subqueryInSubquery } from './subquery-in-subquery.js';
import { unionPreferUnionAll } from './union-prefer-union-all.js';
import { whereAlwaysTrueFalse } from './where-always-true-false.js';
import { whereInContainsColumn } from './where-in-contains-column.js';
import { whereMaximumLogicalOperatorCount } from './where-maximum-logical-operator-count.js';
import { whereNoEqualNull } from './where-no-equal-null.js';
import { whereNoLeadingWildcardLike } from './where-no-leading-wildcard-like.js';
import { whereRequireSelect } from './where-require-select.js';

/** SELECT, JOIN, subquery and WHERE-shape rules that need only the SQL text. */
export const queryRules: readonly Rule[] = [
  selectNoSelectAll,
  whereRequireSelect,
  whereAlwaysTrueFalse,
  whereNoEqualNull,
  whereNoLeadingWildcardLike,
  whereMaximumLogicalOperatorCount,
  whereInContainsColumn,
  selectOrderByRand,
  selectLimitWithoutOrderBy,
  selectLargeOffset,
  joinRequireOn,
  joinMaxTables,
  subqueryInSubquery,
  unionPreferUnionAll,
  functionDisallowedList,
];
