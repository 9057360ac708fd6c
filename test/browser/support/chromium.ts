// Debian's Chromium for the browser tests, driven by playwright-core: started once per file, or the reason it cannot be.
import { chromium, type Browser } from 'playwright-core';

/** The Chromium binary: CHROMIUM_PATH, default Debian's package's (`apt-get install chromium`). */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * Whether a Chromium that cannot start fails the suite (CI sets CI, as most CI services do, and .ci/run does)
 * instead of skipping it with a warning on a developer's machine without the package.
 */
export const CHROMIUM_REQUIRED = Boolean(process.env.CI);

/** A started browser, or why none started. */
export type Launched = { browser: Browser; error?: undefined } | { browser?: undefined; error: Error };

/** Starts headless Chromium; never throws, so the caller decides between failing and skipping. */
export async function launchChromium(): Promise<Launched> {
  try {
    return { browser: await chromium.launch({ executablePath: CHROMIUM_PATH, headless: true }) };
  } catch (error) {
    const reason = new Error(`Chromium cannot start from ${CHROMIUM_PATH} (apt-get install -y chromium, or set CHROMIUM_PATH): ${(error as Error).message}`);
    if (!CHROMIUM_REQUIRED) console.warn(`Browser tests skipped: ${reason.message}`);
    return { error: reason };
  }
}
