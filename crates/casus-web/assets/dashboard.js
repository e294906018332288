// dashboard.js: the dashboard's page logic. It talks to the server it came
// from (the page's Content-Security-Policy allows nothing else): the bundled
// scenarios, the editor's check as you type, report jobs polled for progress,
// and the same renderer as the HTML report (CasusReport.render).
"use strict";
(() => {
  const $ = (id) => document.getElementById(id);
  const api = async (path, opts) => {
    const r = await fetch(path, opts);
    const text = await r.text();
    let body;
    try { body = JSON.parse(text); } catch (_) { body = text; }
    return { status: r.status, ok: r.ok, body };
  };
  let scenarios = [];
  let file = "request.toml";

  function problemsList(list, kind) {
    return list.map((p) => {
      const li = document.createElement("li");
      li.className = kind;
      li.textContent = typeof p === "string" ? p : `${p.file}:${p.line}:${p.column}: ${p.message}` + (p.help ? `\n  help: ${p.help}` : "");
      if (p.line) li.addEventListener("click", () => goTo(p.line, p.column));
      return li;
    });
  }
  // Put the editor's cursor at a problem's line and column.
  function goTo(line, column) {
    const ed = $("editor"), lines = ed.value.split("\n");
    let pos = 0;
    for (let i = 0; i < line - 1 && i < lines.length; i++) pos += lines[i].length + 1;
    pos += Math.max(0, (column || 1) - 1);
    ed.focus();
    ed.setSelectionRange(pos, Math.min(ed.value.length, pos + 1));
    ed.scrollTop = Math.max(0, (line - 5) * 16.8);
  }

  // ---- checking as you type (debounced) ----------------------------------------
  let timer = null, generation = 0;
  function scheduleCheck() {
    clearTimeout(timer);
    timer = setTimeout(check, 350);
  }
  async function check() {
    const mine = ++generation;
    const r = await api("/api/check?file=" + encodeURIComponent(file), { method: "POST", headers: { "Content-Type": "application/toml" }, body: $("editor").value });
    if (mine !== generation) return; // a later keystroke's check is under way
    const ul = $("problems");
    if (r.ok) {
      const ok = document.createElement("li");
      ok.className = "ok";
      ok.textContent = `ok — ${r.body.events} events, alliance ${r.body.alliance}`;
      const w = r.body.warnings;
      const items = [ok];
      if (w.length) {
        // Warnings (figures carried forward) do not stop a run: one line, opened on demand.
        const li = document.createElement("li");
        li.className = "warning";
        const d = document.createElement("details");
        const sm = document.createElement("summary");
        sm.textContent = `${w.length} warning${w.length > 1 ? "s" : ""}: ${w[0].split("\n")[0].replace(/^.*?warning: /, "")}${w.length > 1 ? " …" : ""}`;
        const pre = document.createElement("pre");
        pre.textContent = w.join("\n");
        pre.style.whiteSpace = "pre-wrap";
        d.append(sm, pre);
        li.append(d);
        items.push(li);
      }
      ul.replaceChildren(...items);
      $("run").disabled = false;
    } else {
      const ps = r.body.problems && r.body.problems.length ? r.body.problems : [r.body.error || String(r.body)];
      ul.replaceChildren(...problemsList(ps, "error"));
      $("run").disabled = true;
    }
  }

  async function loadScenario(name) {
    const r = await fetch("/api/scenarios/" + encodeURIComponent(name));
    $("editor").value = await r.text();
    file = name + ".toml";
    check();
  }

  // ---- jobs: start, poll, draw -----------------------------------------------------
  function body(scenario, runs, extra) {
    const b = { scenario, runs: Number(runs) };
    for (const [k, v] of Object.entries(extra || {})) if (v !== "" && v !== undefined && v !== null) b[k] = v;
    return JSON.stringify(b);
  }
  async function runJob(json, onProgress) {
    const start = await api("/api/jobs", { method: "POST", headers: { "Content-Type": "application/json" }, body: json });
    if (!start.ok) throw start.body;
    const t0 = performance.now();
    for (;;) {
      await new Promise((res) => setTimeout(res, 200));
      const s = await api(start.body.status);
      if (!s.ok) throw s.body;
      if (s.body.state === "done") return s.body.result;
      if (s.body.state === "failed") throw s.body.error;
      onProgress(s.body.done, s.body.total, (performance.now() - t0) / 1000);
    }
  }
  function progressText(done, total, secs) {
    const rate = secs > 0 ? done / secs : 0;
    const left = rate > 0 ? (total - done) / rate : NaN;
    return `${done.toLocaleString("en-GB")} / ${total.toLocaleString("en-GB")} replications · ${Math.round(rate).toLocaleString("en-GB")}/s` +
      (isFinite(left) ? ` · about ${Math.ceil(left)} s left` : "");
  }
  function showError(box, e) {
    const p = document.createElement("pre");
    p.className = "forbidden";
    p.textContent = (e && e.error) || (typeof e === "string" ? e : JSON.stringify(e, null, 2));
    box.replaceChildren(p);
  }

  async function run() {
    const bar = $("progress"), txt = $("progress-text");
    $("run").disabled = true;
    bar.classList.remove("hidden");
    bar.value = 0;
    txt.textContent = "starting…";
    const seed = $("seed").value, until = $("until").value.trim(), hr = $("horizon-runs").value;
    try {
      const data = await runJob(body($("editor").value, $("runs").value, {
        file, seed: seed === "" ? undefined : Number(seed), until, horizon_runs: hr === "" ? undefined : Number(hr),
      }), (done, total, secs) => { bar.max = total; bar.value = done; txt.textContent = progressText(done, total, secs); });
      bar.value = bar.max;
      txt.textContent = `done: ${data.report.forecast.runs.toLocaleString("en-GB")} replications` +
        (data.report.horizon ? ` and ${data.report.horizon.runs.toLocaleString("en-GB")} of the horizon` : "");
      CasusReport.render($("result"), data);
    } catch (e) {
      txt.textContent = "failed";
      showError($("result"), e);
    } finally {
      $("run").disabled = false;
    }
  }

  async function compare() {
    const runs = $("compare-runs").value, txt = $("compare-text");
    $("compare").disabled = true;
    const sides = [["left", $("left-select").value], ["right", $("right-select").value]];
    const seen = {};
    const show = () => { txt.textContent = sides.map(([k, n]) => `${n}: ${seen[k] || "…"}`).join(" · "); };
    try {
      // One after the other: the server runs a bounded number of jobs at once.
      for (const [side, name] of sides) {
        const data = await runJob(body(name, runs), (d, t) => { seen[side] = `${Math.round((100 * d) / Math.max(1, t))}%`; show(); });
        seen[side] = "done";
        show();
        CasusReport.render($(side), data, { compact: true });
      }
    } catch (e) {
      showError($("left"), e);
    } finally {
      $("compare").disabled = false;
    }
  }

  function tab(which) {
    for (const k of ["scenario", "compare"]) {
      $("view-" + k).classList.toggle("hidden", k !== which);
      $("tab-" + k).classList.toggle("active", k === which);
    }
  }

  async function init() {
    const r = await api("/api/scenarios");
    scenarios = r.body;
    for (const id of ["scenario-select", "left-select", "right-select"]) {
      const sel = $(id);
      for (const s of scenarios) {
        const o = document.createElement("option");
        o.value = s.name;
        o.textContent = s.error ? `${s.name} (invalid)` : `${s.name} — ${s.title}`;
        sel.append(o);
      }
    }
    const has = (n) => scenarios.some((s) => s.name === n);
    $("scenario-select").value = has("kazakhstan-2022") ? "kazakhstan-2022" : scenarios[0].name;
    if (has("russia-loses-2026")) $("left-select").value = "russia-loses-2026";
    if (has("russia-wins-2026")) $("right-select").value = "russia-wins-2026";
    $("scenario-select").addEventListener("change", (e) => loadScenario(e.target.value));
    $("editor").addEventListener("input", scheduleCheck);
    $("run").addEventListener("click", run);
    $("compare").addEventListener("click", compare);
    $("tab-scenario").addEventListener("click", () => tab("scenario"));
    $("tab-compare").addEventListener("click", () => tab("compare"));
    await loadScenario($("scenario-select").value);
  }
  init();
})();
