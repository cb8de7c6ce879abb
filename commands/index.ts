import type { Command } from '../src/slack/command.js';
import { help } from './help.js';
import { review } from './review.js';

/** Every /dbops verb; help is generated from this list. The registry test checks it against the files here. */
export const commands: readonly Command[] = [review, help];
