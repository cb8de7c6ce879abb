import { z } from 'zod';

/**
 * A submitted view's `state`: each block's inputs by action id. Text inputs carry `value`, select
 * menus `selected_option`, date and time pickers `selected_date` and `selected_time`.
 */
export const ViewState = z.object({
  values: z.record(
    z.string(),
    z.record(
      z.string(),
      z.looseObject({
        value: z.string().nullish(),
        selected_option: z.looseObject({ value: z.string() }).nullish(),
        selected_date: z.string().nullish(),
        selected_time: z.string().nullish(),
      }),
    ),
  ),
});
