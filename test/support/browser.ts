// Headless Chromium for the status page tests: Debian's `chromium` package driven by playwright-core (never a
// browser downloaded by Playwright). .ci/run installs the package when it is missing; CHROMIUM_PATH names
// another build.
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser'];

/** Where screenshots are kept: test-artifacts/<name>/ in the repository (git-ignored), kept after the run. */
export function artifactsDir(name: string): string {
  const dir = join(__dirname, '..', '..', '..', 'test-artifacts', name);
  mkdirSync(dir, { recursive: true });
  return dir;
}

export async function launchChromium(): Promise<Browser> {
  const executablePath = [process.env.CHROMIUM_PATH, ...CANDIDATES].find((p) => p && existsSync(p));
  if (!executablePath)
    throw new Error("no Chromium found: install Debian's package (apt-get install -y chromium) or set CHROMIUM_PATH");
  // --no-sandbox: CI and the project machines run as root, where Chromium's sandbox refuses to start.
  return chromium.launch({ executablePath, headless: true, args: ['--no-sandbox'] });
}
