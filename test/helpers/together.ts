/**
 * Starts several services at once, for a before() hook. Promise.all would lose the ones that did start when another
 * fails (the destructuring never happens, so after() has nothing to close), and their processes — a registry, a root
 * dockerd — would keep the test file alive forever. Here the started ones are closed before the failure is rethrown.
 */
export async function startTogether<T extends readonly {close(): Promise<void>}[]>(starts: {[K in keyof T]: Promise<T[K]>}): Promise<T> {
  const settled = await Promise.allSettled(starts as readonly Promise<{close(): Promise<void>}>[])
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected')
  if (failed) {
    await Promise.allSettled(settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value.close()] : [])))
    throw failed.reason
  }
  return settled.map((s) => (s as PromiseFulfilledResult<unknown>).value) as unknown as T
}
