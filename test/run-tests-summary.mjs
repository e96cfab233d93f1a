// A node:test reporter for test/run-tests.js: one JSON line per finished test and per test file, so the
// runner can print a plain "N passed, N failed" line and the slowest files after node's own report.
export default async function* summary(source) {
  for await (const event of source) {
    const d = event.data ?? {};
    if (event.type !== 'test:pass' && event.type !== 'test:fail' && event.type !== 'test:complete') continue;
    const isFile = d.file !== undefined && d.name === d.file;
    // A file's own entry: its duration (test:complete), or its failure when it could not run (test:fail).
    if (event.type === 'test:complete' && !isFile) continue;
    yield `${JSON.stringify({
      type: event.type,
      file: d.file,
      isFile,
      suite: d.details?.type === 'suite',
      skip: !!d.skip,
      todo: !!d.todo,
      ms: d.details?.duration_ms,
    })}\n`;
  }
}
