// .funcignore as the deployment tools read it (gitignore syntax), for the patterns this repository uses:
// comments, blank lines, `dir/` (directories only), `*` and `?` within a name, `**`, and patterns with a
// slash anchored at the root. A negation (`!`) or anything else outside that set is refused rather than
// guessed, so the "what would deploy" model never silently differs from the real tools.
import { lstatSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

interface Rule {
  source: string;
  re: RegExp;
  dirOnly: boolean;
}

function globToRegExp(glob: string): string {
  let out = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*' && glob[i + 1] === '*') {
      // `**/` = any leading directories, `/**` = everything inside.
      out += glob[i + 2] === '/' ? '(?:.*/)?' : '.*';
      i += glob[i + 2] === '/' ? 2 : 1;
    } else if (c === '*') out += '[^/]*';
    else if (c === '?') out += '[^/]';
    else if ('\\^$.|+()[]{}'.includes(c)) out += `\\${c}`;
    else out += c;
  }
  return out;
}

export function parseIgnore(text: string): Rule[] {
  const rules: Rule[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.replace(/\s+$/, '');
    if (!line || line.startsWith('#')) continue;
    if (line.startsWith('!') || line.startsWith('\\') || /[[\]]/.test(line))
      throw new Error(`.funcignore: "${line}" uses syntax this model does not read`);
    const dirOnly = line.endsWith('/');
    const body = dirOnly ? line.slice(0, -1) : line;
    const anchored = body.includes('/');
    const pattern = globToRegExp(body.replace(/^\//, ''));
    rules.push({ source: line, dirOnly, re: new RegExp(anchored ? `^${pattern}$` : `(?:^|/)${pattern}$`) });
  }
  return rules;
}

/** Whether a path (relative, '/'-separated) is ignored by itself; parents are the walk's business. */
export const ignored = (rules: Rule[], path: string, isDir: boolean): boolean =>
  rules.some((r) => (!r.dirOnly || isDir) && r.re.test(path));

/** Every file under root that survives the rules; an ignored directory is not entered (as the tools do). */
export function filesAfterIgnore(root: string, rules: Rule[], rel = ''): string[] {
  const out: string[] = [];
  for (const name of readdirSync(join(root, rel)).sort()) {
    const path = rel ? `${rel}/${name}` : name;
    const isDir = lstatSync(join(root, path)).isDirectory();
    if (ignored(rules, path, isDir)) continue;
    if (isDir) out.push(...filesAfterIgnore(root, rules, path));
    else out.push(path);
  }
  return out;
}
