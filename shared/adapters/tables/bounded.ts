// Runs fn over items with at most `limit` calls in flight: enough parallelism to hide round trips
// without flooding one partition (2,000 entities/s target) or the SDK's socket pool.
export async function forEachBounded<T>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++];
      await fn(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
