// The HTML report as a person opens it: a file on disk, no network. Every
// request but file:// is refused and recorded; the charts and the map must
// render and a hover must show a value.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import path from "node:path";
import { open, screenshot, casusBin, OUT } from "./common.js";

const REPORT = path.join(OUT, "report.html");
let b;

before(async () => {
  execFileSync(casusBin(), ["report", "russia-wins-2026", "-o", REPORT], { stdio: ["ignore", "inherit", "ignore"] });
  b = await open({ allow: (u) => u.startsWith("file://"), viewport: { width: 1280, height: 1000 } });
  await b.page.goto("file://" + REPORT);
  await b.page.waitForSelector("main[data-rendered=true]", { timeout: 30000 });
});
after(async () => { if (b) await b.browser.close(); });

test("the report opens offline: no request but the file itself", () => {
  assert.deepEqual(b.refused, [], "requests refused: " + b.refused.join(", "));
  assert.ok(b.seen.every((u) => u.startsWith("file://")), b.seen.join(", "));
  assert.deepEqual(b.errors, [], "page errors");
});

test("the map draws the countries and colours the members", async () => {
  const drawn = await b.page.$$eval(".map path.country", (ps) => ps.filter((p) => (p.getAttribute("d") || "").length > 10).length);
  assert.ok(drawn > 100, `countries drawn: ${drawn}`);
  // Every colouring can be chosen and repaints the map.
  const modes = await b.page.$$eval(".map select option", (os) => os.map((o) => o.value));
  assert.ok(modes.includes("status") && modes.includes("horizon") && modes.some((m) => m.startsWith("stance:")), modes.join());
  const fill = (code) => b.page.getAttribute(`.map path[data-code="${code}"]`, "fill");
  await b.page.selectOption(".map select", "status");
  for (const code of ["RUS", "KAZ", "ARM", "BLR"]) assert.equal(await fill(code), "#2166ac", `${code} a member`);
  assert.equal(await fill("AZE"), "#f4a582", "AZE: another state of the timeline");
  assert.equal(await fill("USA"), "#e4e7eb", "USA: not in the timeline");
  await b.page.selectOption(".map select", "horizon");
  assert.match(await fill("ARM"), /^rgb\(/, "ARM by its P(frozen or gone)");
  await b.page.selectOption(".map select", modes.find((m) => m.startsWith("stance:")));
  assert.notEqual(await fill("KAZ"), "#e4e7eb", "KAZ by its stance");
});

test("hovering a member on the map shows its values", async () => {
  await b.page.hover('.map path[data-code="KAZ"]');
  const tip = b.page.locator("#casus-tip");
  await tip.waitFor({ state: "visible" });
  const text = await tip.textContent();
  assert.match(text, /Kazakhstan \(KAZ\)/);
  assert.match(text, /forces \d+\.\d%/);
});

test("the outcome charts show probabilities with intervals, and hover gives the counts", async () => {
  const bars = await b.page.locator(".outcomes rect.bar").count();
  assert.ok(bars >= 4, `bars: ${bars}`);
  await b.page.locator(".outcomes rect.bar").nth(1).hover();
  const text = await b.page.locator("#casus-tip").textContent();
  assert.match(text, /95% interval \d+\.\d%–\d+\.\d%/);
  assert.match(text, /of [\d,]+ decided runs/);
  assert.ok(await b.page.locator(".stances rect").count() > 4, "stance bars");
});

test("the fan charts of the horizon render, with a value per year on hover", async () => {
  assert.equal(await b.page.locator(".fan polygon.band").count(), 2);
  const points = b.page.locator(".fan circle");
  assert.ok(await points.count() >= 5);
  await points.first().hover();
  assert.match(await b.page.locator("#casus-tip").textContent(), /engaged allies median \d/);
  assert.ok(await b.page.locator(".series polyline").count() >= 2, "per-member series");
});

test("the timeline shows each determination with its citations", async () => {
  const events = await b.page.locator(".timeline article.event").count();
  assert.ok(events >= 5, `events: ${events}`);
  const why = b.page.locator(".timeline details").first();
  await why.locator("summary").click();
  assert.match(await why.textContent(), /Source: /);
  await why.locator("summary").click();
  // The picture shows the map as the report opens: the stances at Armenia's request.
  await b.page.selectOption(".map select", "stance:armenia-asks");
  await b.page.evaluate(() => window.scrollTo(0, 0));
  await b.page.mouse.move(0, 0);
  await screenshot(b.page, "report.png");
});
