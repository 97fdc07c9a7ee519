// Takes a screenshot of the Aspire dashboard of a running `./build.sh run`, for docs/local-development.md.
// Usage: node eng/screenshot-dashboard.mjs <login url printed by ./build.sh run> <output.png>
// Needs playwright-core (npm) and Debian's chromium; no browser is downloaded.
import { chromium } from "playwright-core";

const [loginUrl, output] = process.argv.slice(2);
if (!loginUrl || !output) {
  console.error("usage: node eng/screenshot-dashboard.mjs <dashboard login url> <output.png>");
  process.exit(2);
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
try {
  const page = await browser.newPage({ viewport: { width: 1600, height: 900 } });
  await page.goto(loginUrl, { waitUntil: "networkidle" });
  await page.waitForSelector("text=orders-worker", { timeout: 30000 });
  await page.waitForTimeout(2000);
  await page.screenshot({ path: output });
  console.log(`wrote ${output}`);
} finally {
  await browser.close();
}
