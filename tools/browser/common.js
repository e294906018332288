// What the browser tests share: Debian's Chromium driven by playwright-core
// (which downloads no browser), with the flags that work headless here, every
// request that leaves the allowed origin recorded and refused, and page errors
// collected so that a test fails on a broken script.
import { chromium } from "playwright-core";
import fs from "node:fs";
import path from "node:path";

export const ROOT = path.resolve(import.meta.dirname, "../..");
export const OUT = process.env.CASUS_BROWSER_OUT || path.join(ROOT, "target", "browser");
fs.mkdirSync(OUT, { recursive: true });

export async function open({ allow, viewport }) {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  const context = await browser.newContext({ viewport: viewport || { width: 1280, height: 900 }, deviceScaleFactor: 1 });
  const refused = [], seen = [], errors = [];
  await context.route("**/*", (route) => {
    const url = route.request().url();
    seen.push(url);
    if (allow(url)) return route.continue();
    refused.push(url);
    return route.abort();
  });
  const page = await context.newPage();
  page.on("pageerror", (e) => errors.push(String(e)));
  // A 4xx the page shows (the editor's located problems) is an answer, not an error.
  page.on("console", (m) => {
    if (m.type() === "error" && !/^Failed to load resource: the server responded with a status of 4\d\d/.test(m.text())) errors.push(m.text());
  });
  return { browser, page, refused, seen, errors };
}

// A screenshot under target/browser/, copied to docs/ when CASUS_SCREENSHOTS=docs
// (the README's pictures are refreshed on purpose, not by every test run).
// Only the README's pictures go to docs/.
const DOCS = new Set(["report.png", "dashboard.png"]);
export async function screenshot(page, name, opts) {
  const file = path.join(OUT, name);
  await page.screenshot({ path: file, ...(opts || {}) });
  if (process.env.CASUS_SCREENSHOTS === "docs" && DOCS.has(name)) fs.copyFileSync(file, path.join(ROOT, "docs", name));
  return file;
}

export function casusBin() {
  const dir = process.env.CARGO_TARGET_DIR || path.join(ROOT, "target");
  return process.env.CASUS_BIN || path.join(dir, "debug", "casus");
}
