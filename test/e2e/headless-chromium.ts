/**
 * A headless browser for the tests that look at a web UI as a person would: Debian's `chromium`
 * (installed by .ci/run), driven by playwright-core, which downloads no browser of its own.
 */
import fs from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

/** Where Debian's package puts it; RECALL_CHROMIUM names another build (a laptop's Chrome). */
export const CHROMIUM_PATH = process.env.RECALL_CHROMIUM ?? '/usr/bin/chromium';

export async function launchChromium(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `no Chromium at ${CHROMIUM_PATH}: apt-get install chromium (.ci/run installs it), or set RECALL_CHROMIUM`,
    );
  }
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    // Chromium's sandbox needs user namespaces or a setuid helper, which a container running as
    // root has neither of: without this it exits at once ("Running as root without --no-sandbox").
    chromiumSandbox: false,
    // Docker gives a container a 64 MB /dev/shm, which Chromium's renderers outgrow on a page as
    // large as a task log; /tmp has room.
    args: ['--disable-dev-shm-usage'],
  });
}
