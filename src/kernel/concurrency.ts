/** Run `tasks`, at most `limit` at a time, in their order; the first failure rejects (after the running ones end). */
export async function runAtMost(limit: number, tasks: Array<() => Promise<void>>): Promise<void> {
  let next = 0;
  let failed = false;
  const lane = async () => {
    while (!failed && next < tasks.length) {
      const task = tasks[next++];
      try {
        await task();
      } catch (err) {
        failed = true;
        throw err;
      }
    }
  };
  const lanes = await Promise.allSettled(Array.from({ length: Math.min(limit, tasks.length) }, lane));
  const rejected = lanes.find((l) => l.status === 'rejected');
  if (rejected) throw rejected.reason;
}
