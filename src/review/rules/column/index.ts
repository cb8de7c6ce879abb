import type { Rule } from '../../types.js';
import { columnAutoIncrementMustInteger } from './auto-increment-must-integer.js';
import { columnAutoIncrementMustUnsigned } from './auto-increment-must-unsigned.js';
import { columnBlobNoDefault } from './blob-no-default.js';
import { columnComment } from './comment.js';
import { columnCurrentTimeCountLimit } from './current-time-count-limit.js';
import { columnDisallowChange } from './disallow-change.js';
import { columnDisallowChangingOrder } from './disallow-changing-order.js';
import { columnFloatDouble } from './float-double.js';
import { columnInvalidOrZeroDefault } from './invalid-or-zero-default.js';
import { columnMaximumCharLength } from './maximum-char-length.js';
import { columnMaximumVarcharLength } from './maximum-varchar-length.js';
import { columnNoNull } from './no-null.js';
import { columnRequireDefault } from './require-default.js';
import { columnRequired } from './required.js';
import { columnSetDefaultForNotNull } from './set-default-for-not-null.js';
import { columnTimestampRequireDefault } from './timestamp-require-default.js';
import { columnTypeDisallowList } from './type-disallow-list.js';

/** Column definition rules (CREATE TABLE columns, ALTER TABLE ADD/MODIFY/CHANGE COLUMN) that need only the SQL text. */
export const columnRules: readonly Rule[] = [
  columnRequired,
  columnNoNull,
  columnSetDefaultForNotNull,
  columnRequireDefault,
  columnComment,
  columnDisallowChange,
  columnDisallowChangingOrder,
  columnAutoIncrementMustInteger,
  columnAutoIncrementMustUnsigned,
  columnTypeDisallowList,
  columnMaximumCharLength,
  columnMaximumVarcharLength,
  columnCurrentTimeCountLimit,
  columnTimestampRequireDefault,
  columnBlobNoDefault,
  columnFloatDouble,
  columnInvalidOrZeroDefault,
];
