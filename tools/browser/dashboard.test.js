// The dashboard as a person uses it: `casus serve` started by the test, the
// page opened in Chromium (only the server's own origin allowed), an error
// typed into the editor shown with its line, a forecast run from the page with
// its progress, and two branches compared side by side.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { open, screenshot, casusBin } from "./common.js";

let server, origin, b;

before(async () => {
  server = spawn(casusBin(), ["serve", "--port", "0"], { stdio: ["ignore", "pipe", "inherit"] });
  origin = await new Promise((resolve, reject) => {
    let out = "";
    const t = setTimeout(() => reject(new Error("casus serve printed no address: " + out)), 30000);
    server.stdout.on("data", (d) => {
      out += d;
      const m = out.match(/http:\/\/(127\.0\.0\.1:\d+)\//);
      if (m) { clearTimeout(t); resolve("http://" + m[1]); }
    });
    server.on("exit", (c) => reject(new Error("casus serve exited with " + c)));
  });
  b = await open({ allow: (u) => u.startsWith(origin + "/"), viewport: { width: 1440, height: 950 } });
  await b.page.goto(origin + "/");
  await b.page.waitForSelector("#problems li.ok", { timeout: 30000 });
});
after(async () => {
  if (b) await b.browser.close();
  if (server) server.kill("SIGINT");
});

test("the server binds to this machine only, and the page asks nothing of any other host", () => {
  assert.match(origin, /^http:\/\/127\.0\.0\.1:/);
  assert.deepEqual(b.refused, []);
  assert.deepEqual(b.errors, []);
});

test("the bundled scenarios are offered, for editing and for comparison", async () => {
  const names = await b.page.$$eval("#scenario-select option", (os) => os.map((o) => o.value));
  assert.ok(names.includes("kazakhstan-2022") && names.includes("russia-wins-2026"), names.join());
  assert.equal(await b.page.inputValue("#left-select"), "russia-loses-2026");
  assert.equal(await b.page.inputValue("#right-select"), "russia-wins-2026");
});

test("an error typed into the editor is shown with its line and column as you type", async () => {
  const good = await b.page.inputValue("#editor");
  await b.page.fill("#editor", good.replace('alliance = "CSTO"', 'alliance = "CSTOO"'));
  const err = b.page.locator("#problems li.error").first();
  await err.waitFor({ timeout: 10000 });
  assert.match(await err.textContent(), /kazakhstan-2022\.toml:\d+:\d+: /);
  assert.equal(await b.page.isDisabled("#run"), true, "no run of an invalid scenario");
  await b.page.fill("#editor", good);
  await b.page.waitForSelector("#problems li.ok", { timeout: 10000 });
});

test("a forecast run from the page shows progress, then the charts and the map", async () => {
  await b.page.selectOption("#scenario-select", "russia-wins-2026");
  await b.page.waitForFunction(() => document.getElementById("editor").value.includes("russia-wins-2026"));
  await b.page.waitForSelector("#problems li.ok", { timeout: 10000 });
  await b.page.fill("#runs", "20000");
  await b.page.fill("#horizon-runs", "1000");
  await b.page.click("#run");
  await b.page.waitForFunction(() => /replications|done/.test(document.getElementById("progress-text").textContent), null, { timeout: 30000 });
  await b.page.waitForSelector("#result[data-rendered=true]", { timeout: 180000 });
  assert.match(await b.page.textContent("#progress-text"), /done/);
  assert.ok(await b.page.locator("#result .outcomes rect.bar").count() >= 4);
  assert.ok(await b.page.locator("#result .map path.country").count() > 100);
  assert.equal(await b.page.locator("#result .fan polygon.band").count(), 2);
  assert.match(await b.page.textContent("#result header .meta"), /20,000 replications/);
  await b.page.hover('#result .map path[data-code="ARM"]');
  assert.match(await b.page.locator("#casus-tip").textContent(), /Armenia \(ARM\)/);
  await b.page.mouse.move(0, 0);
  await b.page.evaluate(() => window.scrollTo(0, 0));
  await screenshot(b.page, "dashboard.png");
});

test("two branches side by side", async () => {
  await b.page.click("#tab-compare");
  await b.page.fill("#compare-runs", "5000");
  await b.page.click("#compare");
  await b.page.waitForSelector("#left[data-rendered=true]", { timeout: 180000 });
  await b.page.waitForSelector("#right[data-rendered=true]", { timeout: 180000 });
  assert.match(await b.page.textContent("#left h1"), /loses/i);
  assert.match(await b.page.textContent("#right h1"), /wins/i);
  assert.equal(await b.page.locator("#left .timeline").count(), 0, "compact: no timeline");
  await b.page.mouse.move(0, 0);
  await b.page.evaluate(() => window.scrollTo(0, 0));
  await screenshot(b.page, "compare.png");
  assert.deepEqual(b.refused, []);
  assert.deepEqual(b.errors, []);
});
