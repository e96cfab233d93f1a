// "Did you mean …?" for names a person typed: a misspelt setting in a --settings file, an option.

/** Edit distance (insert, delete, substitute one character) between two short strings. */
export function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++)
      row[j] = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = row;
  }
  return prev[b.length];
}

/**
 * The known name `typed` most likely stands for: the same letters in another case, or at most two edits
 * away (one for names under 8 characters), ignoring case. Undefined when nothing is that close.
 */
export function closestName(typed: string, known: readonly string[]): string | undefined {
  const t = typed.toLowerCase();
  let best: { name: string; d: number } | undefined;
  for (const name of known) {
    const d = editDistance(t, name.toLowerCase());
    const limit = name.length < 8 ? 1 : 2;
    if (d <= limit && (!best || d < best.d)) best = { name, d };
  }
  return best?.name;
}
