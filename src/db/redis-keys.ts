/** Where dbops keeps its own keys beside a queue's: `<prefix>:<queue>:dbops:…`, removed with the queue's. */
export interface KeySpace {
  prefix: string;
  queue: string;
}

export function dbopsKey(space: KeySpace, ...parts: Array<string | number>): string {
  return [space.prefix, space.queue, 'dbops', ...parts].join(':');
}
