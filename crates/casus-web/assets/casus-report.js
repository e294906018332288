// casus-report.js: draws a casus-app ReportSummary (serialised as JSON) in the
// browser — the map, the outcome and stance charts, the horizon's fan charts
// and the timeline with each event's treaty determination and citations. The
// HTML report and the dashboard both call CasusReport.render, so one summary is
// drawn one way. It computes nothing the summary does not hold; it only lays
// numbers out. The map uses the vendored d3-geo and topojson-client; every
// other chart is a handful of SVG rectangles and lines.
"use strict";
const CasusReport = (() => {
  const SVG = "http://www.w3.org/2000/svg";
  const OUTCOMES = ["none", "statement", "mission", "deployment"];
  const STANCES = ["forces", "support", "abstain", "object"];
  const STANCE_COLOUR = { forces: "#1b7837", support: "#7fbf7b", abstain: "#c9c9c9", object: "#c51b7d" };
  const OUTCOME_COLOUR = { none: "#9aa7b6", statement: "#7fa6cf", mission: "#3f78b5", deployment: "#123f73" };
  const STATUS = {
    member: ["#2166ac", "member"],
    suspended: ["#92c5de", "member, participation suspended"],
    other: ["#f4a582", "other state in the timeline"],
  };
  const SERIES = ["#c0392b", "#e67e22", "#27ae60", "#8e44ad", "#8b5a2b", "#16a085", "#7f8c8d", "#808000",
    "#2c3e50", "#d35400", "#1abc9c", "#9b59b6"];
  const LAND = "#e4e7eb";
  const NOT_ANSWERING = "#b9cde3";

  // ---- small DOM helpers ----------------------------------------------------
  function el(tag, attrs, ...kids) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === undefined || v === null || v === false) continue;
      if (k === "text") e.textContent = v; else e.setAttribute(k, v);
    }
    for (const k of kids.flat()) if (k !== null && k !== undefined) e.append(k);
    return e;
  }
  function s(tag, attrs, ...kids) {
    const e = document.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === undefined || v === null) continue;
      if (k === "text") e.textContent = v; else e.setAttribute(k, v);
    }
    for (const k of kids.flat()) if (k) e.append(k);
    return e;
  }
  const pct = (p) => (100 * p).toFixed(1) + "%";
  const num = (x) => Math.round(x).toLocaleString("en-GB");
  const label = (id) => String(id).replaceAll("_", " ");

  // ---- the tooltip: any element with data-tip shows it on hover ---------------
  function installTooltip() {
    if (document.getElementById("casus-tip")) return;
    const tip = el("div", { id: "casus-tip", role: "tooltip" });
    document.body.append(tip);
    const show = (ev) => {
      const t = ev.target.closest && ev.target.closest("[data-tip]");
      if (!t) { tip.style.display = "none"; return; }
      tip.textContent = t.getAttribute("data-tip");
      tip.style.display = "block";
      const x = Math.min(ev.clientX + 14, window.innerWidth - tip.offsetWidth - 8);
      const y = ev.clientY + 16 + tip.offsetHeight > window.innerHeight ? ev.clientY - tip.offsetHeight - 10 : ev.clientY + 16;
      tip.style.left = x + "px";
      tip.style.top = y + "px";
    };
    document.addEventListener("mousemove", show);
    document.addEventListener("mouseover", show);
    document.addEventListener("mouseleave", () => { tip.style.display = "none"; });
  }

  function data(id) { return JSON.parse(document.getElementById(id).textContent); }

  // ---- who is who on the map ------------------------------------------------
  function names(r) {
    const n = {};
    for (const m of r.members) n[m.state] = m.name;
    for (const o of r.others) n[o.state] = o.name;
    return n;
  }

  // ---- the map ----------------------------------------------------------------
  let atlasCache = null;
  function atlas() {
    if (atlasCache) return atlasCache;
    const topo = data("casus-atlas");
    const iso = data("casus-iso");
    const byNumeric = {};
    for (const [a3, n] of Object.entries(iso.alpha3_to_numeric)) byNumeric[n] = a3;
    const features = topojson.feature(topo, topo.objects.countries).features;
    for (const f of features) f.code = byNumeric[f.id] || iso.by_name[f.properties.name] || null;
    atlasCache = features;
    return features;
  }

  // The colourings a person can choose: status, each decided event's stances,
  // and the horizon's P(frozen, under notice or gone) by a year.
  function mapModes(r) {
    const modes = [{ key: "status", name: "status on " + lastDate(r) }];
    for (const ev of r.forecast.events) {
      if (ev.answer && Object.keys(ev.answer.members).length)
        modes.push({ key: "stance:" + ev.id, name: "most likely stance: " + ev.date + " " + ev.title, event: ev });
    }
    if (r.horizon && r.horizon.years.length)
      modes.push({ key: "horizon", name: "P(frozen, under notice or gone) by year" });
    return modes;
  }
  function lastDate(r) { const e = r.run.events; return e.length ? e[e.length - 1].date : ""; }

  function heat(p) { // white → dark red
    const a = [255, 245, 240], b = [165, 15, 21];
    const c = a.map((x, i) => Math.round(x + (b[i] - x) * Math.max(0, Math.min(1, p))));
    return `rgb(${c[0]},${c[1]},${c[2]})`;
  }

  function drawMap(r, box) {
    const who = names(r);
    const memberStatus = Object.fromEntries(r.members.map((m) => [m.state, m.status]));
    const features = atlas();
    const W = 900, H = 470;
    const focusCodes = new Set([...r.members.map((m) => m.state), ...r.others.map((o) => o.state)]);
    const focus = features.filter((f) => focusCodes.has(f.code));
    // Centre the projection on the states of the timeline, so that none of
    // them (Russia, the United States) is cut by the antimeridian, then zoom to them.
    const fc = { type: "FeatureCollection", features: focus.length ? focus : features };
    const [lon] = focus.length ? d3.geoCentroid(fc) : [0];
    const projection = d3.geoNaturalEarth1().rotate([-lon, 0]);
    projection.fitExtent([[20, 20], [W - 20, H - 20]], fc);
    const path = d3.geoPath(projection);
    const modes = mapModes(r);
    const select = el("select", { "aria-label": "colour the map by", class: "map-mode" },
      modes.map((m) => el("option", { value: m.key, text: m.name })));
    const years = r.horizon ? r.horizon.years.map((y) => y.year) : [];
    const slider = el("input", { type: "range", min: 0, max: Math.max(0, years.length - 1), value: Math.max(0, years.length - 1), class: "hidden", "aria-label": "year" });
    const yearLabel = el("span", { class: "muted" });
    const svg = s("svg", { viewBox: `0 0 ${W} ${H}`, role: "img", "aria-label": "map of the members" });
    const g = s("g");
    svg.append(g);
    const paths = features.map((f) => {
      const d = path(f);
      const p = s("path", { d: d || "", class: "country", "data-code": f.code || "" });
      g.append(p);
      return [f, p];
    });
    const legend = el("div", { class: "legend" });
    const missing = el("p", { class: "muted small" });
    const drawn = new Set(features.filter((f) => f.code && path(f)).map((f) => f.code));
    const absent = [...focusCodes].filter((c) => !drawn.has(c));
    if (absent.length) missing.textContent = "No shape at this scale (Natural Earth 1:110m): " + absent.map((c) => `${who[c] || c} (${c})`).join(", ") + ".";

    function paint() {
      const mode = modes.find((m) => m.key === select.value) || modes[0];
      slider.classList.toggle("hidden", mode.key !== "horizon");
      yearLabel.textContent = mode.key === "horizon" ? "end of " + years[+slider.value] : "";
      legend.replaceChildren();
      for (const [f, node] of paths) {
        const code = f.code;
        const name = f.properties.name + (code ? ` (${code})` : "");
        let fill = LAND, tip = name, opacity = null;
        if (mode.key === "status") {
          const st = memberStatus[code] || (focusCodes.has(code) ? "other" : null);
          if (st) { fill = STATUS[st][0]; tip = `${who[code] || name} (${code}): ${STATUS[st][1]}`; }
        } else if (mode.event) {
          const m = mode.event.answer.members[code];
          if (!m && memberStatus[code]) {
            fill = NOT_ANSWERING;
            tip = `${who[code] || name} (${code}): a member not among those answering at ${mode.event.id} (the one asking, a party, or suspended)`;
          }
          if (m) {
            // The most likely stance, paler the less likely it is.
            let best = 0;
            m.stances.forEach((q, i) => { if (q > m.stances[best]) best = i; });
            fill = STANCE_COLOUR[STANCES[best]];
            opacity = 0.35 + 0.65 * m.stances[best];
            tip = `${who[code] || name} (${code}) at ${mode.event.id}\n` +
              STANCES.map((x, i) => `${x} ${pct(m.stances[i])}`).join(" · ") +
              `\nexpected troops ${num(m.expected_troops)}`;
          }
        } else if (mode.key === "horizon") {
          const y = r.horizon.years[+slider.value];
          if (code in y.p_frozen_or_gone) {
            const v = y.p_frozen_or_gone[code];
            fill = heat(v);
            tip = `${who[code] || name} (${code}), end of ${y.year}\nP(frozen, under notice or gone) ${pct(v)}\nP(gone) ${pct(y.p_left[code] || 0)}`;
          }
        }
        node.setAttribute("fill", fill);
        if (opacity === null) node.removeAttribute("fill-opacity"); else node.setAttribute("fill-opacity", opacity.toFixed(2));
        node.setAttribute("data-tip", tip);
      }
      if (mode.key === "status") {
        for (const [k, [c, t]] of Object.entries(STATUS)) legend.append(el("span", { style: `--c:${c}`, text: t }));
      } else if (mode.event) {
        for (const x of STANCES) legend.append(el("span", { style: `--c:${STANCE_COLOUR[x]}`, text: x }));
        legend.append(el("span", { style: `--c:${NOT_ANSWERING}`, text: "member not answering" }));
        legend.append(el("span", { style: "--c:#fff", class: "muted", text: "paler: less likely" }));
      } else {
        for (const v of [0, 0.25, 0.5, 0.75, 1]) legend.append(el("span", { style: `--c:${heat(v)}`, text: pct(v) }));
      }
    }
    select.addEventListener("change", paint);
    slider.addEventListener("input", paint);
    // Open on the stances at the first request (else the first decided event):
    // it is the question the report answers.
    const asked = modes.find((m) => m.event && m.event.kind === "request") || modes.find((m) => m.event);
    if (asked) select.value = asked.key;
    paint();
    box.append(el("div", { class: "row" }, el("label", {}, "Colour by ", select), slider, yearLabel), svg, legend, missing);
  }

  // ---- the outcome ladder with 95% intervals -----------------------------------
  function outcomeChart(ev) {
    const W = 500, row = 26, top = 8, left = 84, right = 150, H = top + row * OUTCOMES.length + 22;
    const x = (p) => left + p * (W - left - right);
    const svg = s("svg", { width: W, height: H, viewBox: `0 0 ${W} ${H}`, class: "outcomes", role: "img", "aria-label": "outcome probabilities" });
    ev.answer.outcomes.forEach(([name, sh], i) => {
      const y = top + i * row;
      const tip = `${ev.id}: ${name} ${pct(sh.p)}\n95% interval ${pct(sh.ci95[0])}–${pct(sh.ci95[1])}\n${num(sh.count)} of ${num(sh.of)} decided runs`;
      svg.append(
        s("text", { x: left - 6, y: y + 15, "text-anchor": "end", text: name }),
        s("rect", { x: left, y: y + 3, width: Math.max(0.5, x(sh.p) - left), height: row - 8, fill: OUTCOME_COLOUR[name], "data-tip": tip, class: "bar" }),
        s("line", { x1: x(sh.ci95[0]), x2: x(sh.ci95[1]), y1: y + row / 2, y2: y + row / 2, stroke: "#111", "stroke-width": 1.2 }),
        s("line", { x1: x(sh.ci95[0]), x2: x(sh.ci95[0]), y1: y + 7, y2: y + row - 7, stroke: "#111" }),
        s("line", { x1: x(sh.ci95[1]), x2: x(sh.ci95[1]), y1: y + 7, y2: y + row - 7, stroke: "#111" }),
        s("text", { x: W - right + 8, y: y + 15, text: `${pct(sh.p)} [${pct(sh.ci95[0])}, ${pct(sh.ci95[1])}]` }),
      );
    });
    const yAxis = top + row * OUTCOMES.length + 2;
    svg.append(s("line", { x1: left, x2: x(1), y1: yAxis, y2: yAxis, stroke: "#999" }));
    for (const t of [0, 0.25, 0.5, 0.75, 1])
      svg.append(s("text", { x: x(t), y: yAxis + 13, "text-anchor": "middle", class: "muted", text: t * 100 + "%" }));
    return svg;
  }

  // ---- members' stances: one stacked bar each ------------------------------------
  function stanceChart(ev, who) {
    const members = Object.entries(ev.answer.members);
    const W = 500, row = 20, top = 4, left = 84, right = 110, H = top + row * members.length + 6;
    const x = (p) => left + p * (W - left - right);
    const svg = s("svg", { width: W, height: H, viewBox: `0 0 ${W} ${H}`, class: "stances", role: "img", "aria-label": "members' stances" });
    members.forEach(([code, m], i) => {
      const y = top + i * row;
      let acc = 0;
      svg.append(s("text", { x: left - 6, y: y + 14, "text-anchor": "end", text: code }));
      STANCES.forEach((st, k) => {
        const p = m.stances[k];
        if (p > 0) svg.append(s("rect", {
          x: x(acc), y: y + 3, width: Math.max(0.5, x(acc + p) - x(acc)), height: row - 6, fill: STANCE_COLOUR[st],
          "data-tip": `${who[code] || code} (${code}): ${st} ${pct(p)}\n` + STANCES.map((z, j) => `${z} ${pct(m.stances[j])}`).join(" · "),
        }));
        acc += p;
      });
      svg.append(s("text", { x: W - right + 8, y: y + 14, text: `${num(m.expected_troops)} troops` }));
    });
    return svg;
  }

  // ---- per-member probabilities (who signs, who takes part) ----------------------------
  function shareBars(title, shares, who, colour) {
    const rows = Object.entries(shares);
    const W = 470, row = 18, left = 84, right = 70, H = 4 + row * rows.length + 4;
    const x = (p) => left + p * (W - left - right);
    const svg = s("svg", { width: W, height: H, role: "img", "aria-label": title });
    rows.forEach(([code, p], i) => {
      const y = 4 + i * row;
      svg.append(
        s("text", { x: left - 6, y: y + 13, "text-anchor": "end", text: code }),
        s("rect", { x: left, y: y + 3, width: Math.max(0.5, x(p) - left), height: row - 6, fill: colour, "data-tip": `${who[code] || code} (${code}): ${title} ${pct(p)}` }),
        s("text", { x: x(p) + 4, y: y + 13, text: pct(p) }),
      );
    });
    return el("div", {}, el("div", { class: "small muted", text: title }), svg);
  }

  function eventCard(ev, who) {
    const card = el("div", { class: "card", id: "forecast-" + ev.id });
    card.append(el("h3", { text: `${ev.date} · ${ev.title}` }), el("div", { class: "small muted", text: `${label(ev.kind)} · ${ev.id}` }));
    if (ev.request && ev.request.count < ev.request.of)
      card.append(el("p", { text: `P(the member concerned asks the alliance) = ${pct(ev.request.p)} [${pct(ev.request.ci95[0])}, ${pct(ev.request.ci95[1])}]` }));
    if (ev.answer) {
      const best = ev.answer.outcomes.reduce((a, b) => (b[1].p > a[1].p ? b : a));
      card.append(el("p", {}, "Most likely answer: ", el("b", { text: best[0] }), ` (${pct(best[1].p)}).`));
      card.append(outcomeChart(ev));
      const d = ev.answer.deployment;
      if (d) card.append(el("p", { class: "small", text: `If deployed: on average ${num(d.expected_troops_if_deployed)} troops, in place after ${d.expected_days_to_deploy.toFixed(1)} days.` }));
      if (Object.keys(ev.answer.members).length) {
        card.append(el("div", { class: "small muted", text: "members' stances (hover for values) and expected troops" }), stanceChart(ev, who));
        card.append(el("div", { class: "legend" }, STANCES.map((x) => el("span", { style: `--c:${STANCE_COLOUR[x]}`, text: x }))));
      }
    }
    if (ev.summit) {
      card.append(shareBars("P(signs the declaration)", ev.summit.p_sign, who, "#3f78b5"));
      card.append(el("p", { class: "small", text: `P(every member signs) = ${pct(ev.summit.p_all_sign)}` }));
    }
    if (ev.exercise) {
      card.append(shareBars("P(takes part in the exercise)", ev.exercise.p_take_part, who, "#3f78b5"));
      card.append(el("p", { class: "small", text: `P(the host calls it off) = ${pct(ev.exercise.p_host_cancels)}` }));
    }
    return card;
  }

  // ---- the horizon: a fan chart of engaged allies, and per-member series -------------
  function axes(svg, x, y, years, yTicks, fmt, H, left, W) {
    svg.append(s("line", { x1: left, x2: W - 10, y1: y(yTicks[0]), y2: y(yTicks[0]), stroke: "#999" }));
    svg.append(s("line", { x1: left, x2: left, y1: y(yTicks[0]), y2: y(yTicks[yTicks.length - 1]), stroke: "#999" }));
    for (const t of yTicks) {
      svg.append(s("text", { x: left - 5, y: y(t) + 4, "text-anchor": "end", text: fmt(t) }));
      svg.append(s("line", { x1: left, x2: W - 10, y1: y(t), y2: y(t), stroke: "#eee" }));
    }
    years.forEach((yr, i) => {
      if (years.length <= 12 || i % 2 === 0) svg.append(s("text", { x: x(i), y: H - 8, "text-anchor": "middle", text: yr }));
    });
  }

  function fanChart(h) {
    const ys = h.years, W = 520, H = 280, left = 40, top = 16, bottom = 26;
    const max = Math.max(2, ...ys.map((y) => y.engaged_allies.histogram.length - 1));
    const x = (i) => left + (ys.length < 2 ? 0.5 : i / (ys.length - 1)) * (W - left - 20);
    const y = (v) => H - bottom - (v / max) * (H - top - bottom);
    const svg = s("svg", { width: W, height: H, viewBox: `0 0 ${W} ${H}`, class: "fan", role: "img", "aria-label": "fan chart of engaged allies" });
    axes(svg, x, y, ys.map((t) => t.year), [0, Math.round(max / 2), max], (t) => t, H, left, W);
    const band = (lo, hi, op) => {
      const pts = ys.map((t, i) => `${x(i)},${y(t.engaged_allies[hi])}`).concat(ys.map((t, i) => `${x(i)},${y(t.engaged_allies[lo])}`).reverse());
      svg.append(s("polygon", { points: pts.join(" "), fill: "steelblue", "fill-opacity": op, class: "band" }));
    };
    band("q05", "q95", 0.22);
    band("q25", "q75", 0.42);
    // A year's whole column shows its values (the median's point is a small
    // target); the columns lie under the line and the points.
    const tips = ys.map((t) => {
      const e = t.engaged_allies;
      return `end of ${t.year}: engaged allies median ${e.median}\n50% band ${e.q25}–${e.q75}, 90% band ${e.q05}–${e.q95}\n` +
        e.histogram.map((p, k) => `P(${k}) ${pct(p)}`).filter((_, k) => e.histogram[k] > 0).join(" · ");
    });
    const wCol = (W - left - 20) / Math.max(1, ys.length - 1);
    ys.forEach((t, i) => svg.append(s("rect", { x: Math.max(left, x(i) - wCol / 2), y: top, width: Math.min(wCol, W - 20 - x(i) + wCol / 2), height: H - top - bottom, fill: "transparent", "data-tip": tips[i] })));
    svg.append(s("polyline", { points: ys.map((t, i) => `${x(i)},${y(t.engaged_allies.median)}`).join(" "), fill: "none", stroke: "navy", "stroke-width": 2 }));
    ys.forEach((t, i) => svg.append(s("circle", { cx: x(i), cy: y(t.engaged_allies.median), r: 4, fill: "navy", "data-tip": tips[i] })));
    return el("div", { class: "card" }, el("h3", { text: "Engaged allies (members other than the leading power)" }),
      el("div", { class: "small muted", text: "median, 50% and 90% bands; hover a year for its distribution" }), svg);
  }

  const MEASURES = [
    ["p_left", "P(gone)"],
    ["p_frozen_or_gone", "P(frozen, under notice or gone)"],
    ["p_notice_or_gone", "P(under notice or gone)"],
    ["p_refuses_to_sign", "P(refuses to sign a summit declaration)"],
    ["p_skips_exercise", "P(skips an exercise)"],
  ];
  function seriesChart(h, who) {
    const box = el("div", { class: "card" });
    const select = el("select", { "aria-label": "series" }, MEASURES.map(([k, t]) => el("option", { value: k, text: t })));
    const holder = el("div");
    const draw = () => {
      const key = select.value, ys = h.years, W = 520, H = 280, left = 40, top = 16, bottom = 26;
      const x = (i) => left + (ys.length < 2 ? 0.5 : i / (ys.length - 1)) * (W - left - 140);
      const y = (v) => H - bottom - v * (H - top - bottom);
      const svg = s("svg", { width: W, height: H, viewBox: `0 0 ${W} ${H}`, class: "series", role: "img", "aria-label": "per-member probabilities" });
      axes(svg, x, y, ys.map((t) => t.year), [0, 0.5, 1], (t) => t * 100 + "%", H, left, W - 130);
      const lines = [["alliance dissolved", ys.map((t) => t.p_dissolved)], ...h.members.map((m) => [m, ys.map((t) => t[key][m] || 0)])];
      if (key !== "p_left") lines.shift();
      lines.forEach(([name, vals], k) => {
        const c = SERIES[k % SERIES.length];
        svg.append(s("polyline", { points: vals.map((v, i) => `${x(i)},${y(v)}`).join(" "), fill: "none", stroke: c, "stroke-width": 2 }));
        vals.forEach((v, i) => svg.append(s("circle", { cx: x(i), cy: y(v), r: 3.5, fill: c,
          "data-tip": `${who[name] ? `${who[name]} (${name})` : name}, end of ${ys[i].year}: ${MEASURES.find((m) => m[0] === key)[1]} ${pct(v)}` })));
        svg.append(s("text", { x: W - 125, y: top + 10 + 14 * k, fill: c, text: name }));
      });
      holder.replaceChildren(svg);
    };
    select.addEventListener("change", draw);
    draw();
    box.append(el("h3", {}, "Members by year: ", select), el("div", { class: "small muted", text: "cumulative, by the end of each year; hover a point" }), holder);
    return box;
  }

  // ---- the timeline and the treaty's reading ---------------------------------------
  function requirement(c) {
    const what = c.kind === "request_of" ? `official request of ${c.state}` : c.kind === "decision_of" ? `decision of the ${c.organ}` :
      c.kind === "unsc_decision" ? "UN Security Council decision" : c.kind === "un_charter_conformity" ? "conformity with the UN Charter" : label(c.kind);
    const status = c.met === true ? "made" : c.met === false ? "NOT MET" : "for the organ to decide";
    return `${what} (${status}) [${c.provision}]`;
  }
  const BASIS = { attack_on_member_territory: "attack on a member's territory", invoked_by_requester: "invoked by the requesting member" };
  function determination(d) {
    const box = el("div", { class: "determination" });
    box.append(el("p", {}, "Casus foederis: ", d.casus_foederis
      ? el("span", { class: "yes", text: `yes, for ${d.casus_foederis_for || "?"}${d.basis ? " (" + BASIS[d.basis] + ")" : ""}` })
      : el("span", { class: "no", text: "no" })));
    if (d.articles.length) box.append(el("p", {}, "Provisions that apply: ", d.articles.map((a) => el("span", { class: "chip", text: a }))));
    if (d.obligations.length) box.append(el("ul", {}, d.obligations.map((o) => el("li", {
      text: `obligation ${label(o.kind)}${o.owed_to ? " to " + o.owed_to : ""} [${o.provision}], ` +
        ((o.conditions || []).every((c) => c.met === true) ? "runs" : "does not run yet") +
        ((o.conditions || []).length ? "; needs " + o.conditions.map(requirement).join(", ") : ""),
    }))));
    if (d.actions.length) box.append(el("table", {}, el("tr", {}, el("th", { text: "action" }), el("th", { text: "on" }), el("th", { text: "verdict" }), el("th", { text: "needs" })),
      d.actions.map((a) => el("tr", {}, el("td", { text: label(a.action) }), el("td", { text: a.territory_of }),
        el("td", { class: a.verdict === "forbidden" ? "forbidden" : a.verdict === "permitted" ? "yes" : "", text: label(a.verdict) + (a.provision ? ` [${a.provision}]` : "") }),
        el("td", { class: "small", text: (a.conditions || []).map(requirement).join(", ") })))));
    for (const x of d.discretion) box.append(el("p", { class: "small", text: "Left to discretion: " + x }));
    for (const n of d.notes) box.append(el("p", { class: "small muted", text: "Note: " + n }));
    const why = el("details", {}, el("summary", { text: `Why: ${d.chain.length} provisions, with citations` }));
    for (const st of d.chain) {
      const status = st.status === "overridden_by" ? "set aside by a provision that takes precedence" : label(st.status);
      why.append(el("div", { class: "step" },
        el("div", {}, el("b", { text: `${st.provision}` }), ` ${st.article} (${st.instrument}) `, el("span", { class: "status-" + st.status, text: status }), `: ${st.reason}`),
        el("blockquote", { text: (st.verbatim ? "" : "(paraphrase) ") + st.wording }),
        el("div", { class: "small muted", text: "Source: " + st.source })));
    }
    box.append(why);
    return box;
  }

  function timeline(r) {
    const decided = new Set(r.forecast.events.filter((e) => e.answer).map((e) => e.id));
    const fc = Object.fromEntries(r.forecast.events.map((e) => [e.id, e]));
    return r.run.events.map((e) => {
      const a = el("article", { class: "event" + (decided.has(e.id) ? " decided" : ""), id: "event-" + e.id });
      a.append(el("h3", { text: `${e.date} · ${e.title}` }), el("div", { class: "small muted", text: `${label(e.kind)} · ${e.id}` }));
      if (e.source) a.append(el("div", { class: "small muted", text: "Source: " + e.source }));
      const f = fc[e.id];
      if (f && f.answer) {
        const best = f.answer.outcomes.reduce((x, y) => (y[1].p > x[1].p ? y : x));
        a.append(el("p", {}, "Forecast: ", el("b", { text: `${best[0]} ${pct(best[1].p)}` }), " most likely — ",
          el("a", { href: "#forecast-" + e.id, text: "see the chart" })));
      }
      if (e.treaty) a.append(determination(e.treaty));
      if (e.bilateral) {
        const b = e.bilateral;
        a.append(el("p", { text: `Bilateral request ${b.requester} → ${b.to}: outside the alliance's treaty; ` +
          (b.treaty ? `covered by ${b.treaty} — ${b.source}` : "no bilateral defence treaty in force between them") }));
      }
      return a;
    });
  }

  // ---- the whole report --------------------------------------------------------------
  // `d` is {report, notes, version}; `opts.compact` leaves out the timeline (the
  // dashboard's side-by-side view).
  function render(root, d, opts) {
    opts = opts || {};
    installTooltip();
    const r = d.report, f = r.forecast, who = names(r);
    root.replaceChildren();
    const compact = !!opts.compact;
    root.append(el("header", {},
      el("h1", { text: r.run.title }),
      el("div", { class: "meta", text: `${r.run.scenario} · alliance ${r.run.alliance} · ${num(f.runs)} replications · seed ${f.seed}` +
        (r.horizon ? ` · horizon to ${r.horizon.until} (${num(r.horizon.runs)} replications)` : "") + ` · casus ${d.version || ""}` }),
      r.run.description && !compact ? el("p", { text: r.run.description }) : null));
    if (d.notes && d.notes.length && !compact)
      root.append(el("details", { class: "card small" }, el("summary", { text: `Notes on the data (${d.notes.length})` }), d.notes.map((n) => el("pre", { text: n }))));
    const map = el("section", { class: "card map", id: "map" }, el("h2", { text: "Members" }));
    const horizon = [];
    if (r.horizon && r.horizon.years.length) {
      horizon.push(el("h2", { text: `The years after: to ${r.horizon.until}` }));
      horizon.push(el("div", { class: "grid horizon" }, fanChart(r.horizon), seriesChart(r.horizon, who)));
    }
    const forecast = [el("h2", { text: "Forecast: outcome probabilities with 95% intervals" }),
      el("div", { class: "grid forecast" }, f.events.map((ev) => eventCard(ev, who)))];
    if (!f.events.length) forecast.push(el("p", { class: "muted", text: "Nothing in this timeline is decided by the members." }));
    // Side by side, the branches differ most in the years after: those first.
    if (compact) root.append(...horizon, ...forecast, map);
    else root.append(map, ...forecast, ...horizon);
    try { drawMap(r, map); } catch (e) { map.append(el("p", { class: "forbidden", text: "The map could not be drawn: " + e })); }
    if (!compact) {
      root.append(el("h2", { text: "Timeline: what the treaty says of each event, and why" }));
      root.append(el("section", { class: "timeline" }, timeline(r)));
    }
    root.setAttribute("data-rendered", "true");
  }

  return { render, data, pct };
})();
