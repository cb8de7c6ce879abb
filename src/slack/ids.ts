/** Every action id, block id and callback id dbops uses, in one place (STYLE.md §8). */
export const ids = {
  reviewModal: {
    callback: 'dbops.review.modal',
    targetBlock: 'target',
    targetInput: 'target_input',
    sqlBlock: 'sql',
    sqlInput: 'sql_input',
  },
} as const;
