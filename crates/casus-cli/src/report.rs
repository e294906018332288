//! Rendering for people: the timeline with treaty determinations and citations,
//! as plain text. JSON output is the serde form of the same data.

use casus_model::analysis::EventAnalysis;
use casus_model::scenario::Scenario;
use casus_model::treaty::{Condition, Determination, Outcome, Requirement, Verdict};
use std::fmt::Write as _;

fn requirement(c: &Condition) -> String {
    let what = match &c.requirement {
        Requirement::RequestOf { state } => format!("official request of {state}"),
        Requirement::DecisionOf { organ } => format!("decision of the {organ}"),
        Requirement::UnscDecision => "UN Security Council decision".into(),
        Requirement::UnCharterConformity => "conformity with the UN Charter".into(),
    };
    let status = match c.met {
        Some(true) => "made",
        Some(false) => "NOT MET",
        None => "for the organ to decide",
    };
    format!("{what} ({status}) [{}]", c.provision)
}

fn excerpt(s: &str, n: usize) -> String {
    let s = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if s.chars().count() <= n {
        s
    } else {
        format!("{}…", s.chars().take(n).collect::<String>())
    }
}

/// The determination block of one event.
pub fn determination(out: &mut String, d: &Determination) {
    let cf = if d.casus_foederis {
        format!(
            "YES, for {} ({})",
            d.casus_foederis_for.as_deref().unwrap_or("?"),
            match d.basis {
                Some(casus_model::treaty::Basis::AttackOnMemberTerritory) =>
                    "attack on a member's territory",
                Some(casus_model::treaty::Basis::InvokedByRequester) =>
                    "invoked by the requesting member",
                None => "",
            }
        )
    } else {
        "no".into()
    };
    let _ = writeln!(out, "    casus foederis: {cf}");
    if !d.articles.is_empty() {
        let _ = writeln!(out, "    provisions that apply: {}", d.articles.join(", "));
    }
    for o in &d.obligations {
        let to = o
            .owed_to
            .as_deref()
            .map(|t| format!(" to {t}"))
            .unwrap_or_default();
        let state = if o.active() {
            "runs"
        } else {
            "does not run yet"
        };
        let _ = write!(
            out,
            "    obligation: {:?}{to} [{}], {state}",
            o.kind, o.provision
        );
        if !o.conditions.is_empty() {
            let c: Vec<String> = o.conditions.iter().map(requirement).collect();
            let _ = write!(out, "; needs {}", c.join(", "));
        }
        let _ = writeln!(out);
    }
    for a in &d.actions {
        let _ = match &a.verdict {
            Verdict::Forbidden { provision } => {
                writeln!(
                    out,
                    "    action {:?} on {}: FORBIDDEN [{provision}]",
                    a.action, a.territory_of
                )
            }
            Verdict::Permitted { conditions } => {
                let c: Vec<String> = conditions.iter().map(requirement).collect();
                let open = if a.verdict.open() {
                    "permitted"
                } else {
                    "not permitted now"
                };
                writeln!(
                    out,
                    "    action {:?} on {}: {open}; needs {}",
                    a.action,
                    a.territory_of,
                    c.join(", ")
                )
            }
        };
    }
    for x in &d.discretion {
        let _ = writeln!(out, "    left to discretion: {x}");
    }
    for n in &d.notes {
        let _ = writeln!(out, "    note: {n}");
    }
    let _ = writeln!(out, "    why:");
    for s in &d.chain {
        let mark = match &s.outcome {
            Outcome::Applies => "applies".to_string(),
            Outcome::NotApplicable => "does not apply".to_string(),
            Outcome::OverriddenBy { provision } => format!("set aside by {provision}"),
        };
        let _ = writeln!(
            out,
            "      {} {} ({}) {mark}: {}",
            s.provision, s.article, s.instrument, s.reason
        );
        let _ = writeln!(
            out,
            "        {}\"{}\" — {}",
            if s.verbatim { "" } else { "(paraphrase) " },
            excerpt(&s.wording, 200),
            s.source
        );
    }
}

/// The whole timeline.
pub fn timeline(scenario: &Scenario, events: &[EventAnalysis], seed: u64) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{} — {}", scenario.id, scenario.title);
    let _ = writeln!(
        out,
        "alliance {} · seed {seed} · {} events",
        scenario.alliance,
        events.len()
    );
    if !scenario.description.is_empty() {
        let _ = writeln!(out, "{}", excerpt(&scenario.description, 400));
    }
    for e in events {
        let ev = &e.event;
        let _ = writeln!(out);
        let _ = writeln!(
            out,
            "{}  [{}] {} — {}",
            ev.date,
            ev.kind.name(),
            ev.id,
            ev.title
        );
        if let Some(s) = &ev.source {
            let _ = writeln!(out, "    source: {s}");
        }
        if let Some(d) = &e.treaty {
            determination(&mut out, d);
        }
        if let Some(b) = &e.bilateral {
            let _ = writeln!(
                out,
                "    bilateral request {} → {}: outside the alliance's treaty; {}",
                b.requester,
                b.to,
                match (&b.treaty, &b.source) {
                    (Some(t), Some(s)) => format!("covered by {t} — {s}"),
                    _ => "no bilateral defence treaty in force between them".into(),
                }
            );
        }
    }
    out
}

use casus_model::decision::{MemberDecision, Stance};
use casus_model::dynamics::Outcome as Rung;
use casus_model::forecast::{Decisions, Draw, Tally, wilson};
use serde_json::{Value, json};

fn pct(x: f64) -> String {
    format!("{:5.1}%", 100.0 * x)
}

/// The forecast as JSON: `events[]` with `id`, `outcomes`, `ci95`, and per member
/// stance probabilities and expected contributions.
pub fn forecast_json(scenario: &Scenario, tallies: &[Tally], runs: u64, seed: u64) -> Value {
    let mut events = Vec::new();
    for (ev, t) in scenario.events.iter().zip(tallies) {
        if t.decided == 0 && t.summits == 0 {
            continue;
        }
        let mut e = json!({ "id": ev.id, "date": ev.date, "kind": ev.kind.name() });
        if t.decided > 0 {
            let mut outcomes = serde_json::Map::new();
            let mut ci = serde_json::Map::new();
            for r in Rung::ALL {
                let k = t.outcomes[r.rung()];
                outcomes.insert(r.name().into(), json!(k as f64 / t.decided as f64));
                let (lo, hi) = wilson(k, t.decided);
                ci.insert(r.name().into(), json!([lo, hi]));
            }
            e["outcomes"] = Value::Object(outcomes);
            e["ci95"] = Value::Object(ci);
            let mut members = serde_json::Map::new();
            for (m, counts) in &t.stances {
                let n: u64 = counts.iter().sum();
                let mut st = serde_json::Map::new();
                for s in Stance::ALL {
                    st.insert(
                        s.name().into(),
                        json!(counts[s as usize] as f64 / n.max(1) as f64),
                    );
                }
                let troops = t.troops.get(m).copied().unwrap_or(0) as f64 / t.decided as f64;
                members.insert(
                    m.clone(),
                    json!({ "stances": st, "expected_troops": troops }),
                );
            }
            e["members"] = Value::Object(members);
            if t.ask_decided > 0 {
                e["p_request"] = json!(t.asked as f64 / t.ask_decided as f64);
            }
        }
        if t.summits > 0 {
            let mut sign = serde_json::Map::new();
            for (m, k) in &t.signed {
                sign.insert(m.clone(), json!(*k as f64 / t.summits as f64));
            }
            e["p_sign"] = Value::Object(sign);
            e["p_all_sign"] = json!(t.all_signed as f64 / t.summits as f64);
        }
        events.push(e);
    }
    json!({
        "scenario": scenario.id,
        "alliance": scenario.alliance,
        "runs": runs,
        "seed": seed,
        "generator": "PCG64 (Lcg128Xsl64), stream = replication index",
        "events": events,
    })
}

/// The forecast for people: per decision event, the ladder with 95% intervals,
/// members' stances and expected troops, signatures.
pub fn forecast_text(scenario: &Scenario, tallies: &[Tally], runs: u64, seed: u64) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{} — {}", scenario.id, scenario.title);
    let _ = writeln!(
        out,
        "{runs} replications · seed {seed} · 95% intervals (Wilson)"
    );
    for (ev, t) in scenario.events.iter().zip(tallies) {
        if t.decided == 0 && t.summits == 0 {
            continue;
        }
        let _ = writeln!(out);
        let _ = writeln!(
            out,
            "{}  [{}] {} — {}",
            ev.date,
            ev.kind.name(),
            ev.id,
            ev.title
        );
        if t.ask_decided > 0 && t.asked < t.ask_decided {
            let p = t.asked as f64 / t.ask_decided as f64;
            let _ = writeln!(
                out,
                "    P(the member concerned asks the alliance) = {}",
                pct(p)
            );
        }
        if t.decided > 0 {
            let _ = writeln!(out, "    outcome        probability   95% interval");
            for r in Rung::ALL {
                let k = t.outcomes[r.rung()];
                let (lo, hi) = wilson(k, t.decided);
                let bar = "#".repeat((40.0 * k as f64 / t.decided as f64).round() as usize);
                let _ = writeln!(
                    out,
                    "    {:<12} {}      [{}, {}]  {bar}",
                    r.name(),
                    pct(k as f64 / t.decided as f64),
                    pct(lo).trim(),
                    pct(hi).trim()
                );
            }
            if !t.stances.is_empty() {
                let _ = writeln!(
                    out,
                    "    member   forces  support  abstain   object   expected troops"
                );
                for (m, c) in &t.stances {
                    let n = c.iter().sum::<u64>().max(1) as f64;
                    let troops = t.troops.get(m).copied().unwrap_or(0) as f64 / t.decided as f64;
                    let _ = writeln!(
                        out,
                        "    {m:<6} {} {} {} {}   {troops:>8.0}",
                        pct(c[0] as f64 / n),
                        pct(c[1] as f64 / n),
                        pct(c[2] as f64 / n),
                        pct(c[3] as f64 / n)
                    );
                }
            }
        }
        if t.summits > 0 {
            let signs: Vec<String> = t
                .signed
                .iter()
                .map(|(m, k)| format!("{m} {}", pct(*k as f64 / t.summits as f64).trim()))
                .collect();
            let _ = writeln!(out, "    P(sign the declaration): {}", signs.join(", "));
            let _ = writeln!(
                out,
                "    P(every member signs) = {}",
                pct(t.all_signed as f64 / t.summits as f64).trim()
            );
        }
    }
    out
}

fn member_block(out: &mut String, m: &MemberDecision) {
    let _ = writeln!(
        out,
        "    {} — net benefit of the action {:+.2}",
        m.state, m.benefit
    );
    let terms: Vec<String> = m
        .contributions
        .iter()
        .filter(|(_, v)| v.abs() > 1e-9)
        .map(|(n, v)| format!("{n} {v:+.2}"))
        .collect();
    let _ = writeln!(
        out,
        "      terms: {}",
        if terms.is_empty() {
            "none".into()
        } else {
            terms.join(", ")
        }
    );
    let _ = writeln!(
        out,
        "      forces only: cost {:.2}, entrapment {:.2} (raw values; weighted by `cost` and `entrapment`)",
        m.terms.cost, m.terms.entrapment
    );
    let u: Vec<String> = Stance::ALL
        .iter()
        .zip(&m.utilities)
        .zip(&m.probabilities)
        .map(|((s, u), p)| match u {
            Some(u) => format!("{} U={u:+.2} p={}", s.name(), pct(*p).trim()),
            None => format!("{} (not possible)", s.name()),
        })
        .collect();
    let _ = writeln!(out, "      {}", u.join(" · "));
    if m.contribution > 0.0 {
        let _ = writeln!(out, "      would send {:.0} troops", m.contribution);
    }
}

/// The explanation of every decision along the modal course.
pub fn explain_text(
    scenario: &Scenario,
    course: &[(usize, Decisions, Draw)],
    only: Option<&str>,
) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{} — {}", scenario.id, scenario.title);
    let _ = writeln!(
        out,
        "The most likely course, decision by decision: each member's utility terms (weight × value), its\n\
         utilities and choice probabilities (logit), and what the council made of the most likely stances."
    );
    for (ev, d, draw) in course {
        let e = &scenario.events[*ev];
        if only.is_some_and(|o| o != e.id) {
            continue;
        }
        let _ = writeln!(out);
        let _ = writeln!(
            out,
            "{}  [{}] {} — {}",
            e.date,
            e.kind.name(),
            e.id,
            e.title
        );
        if let Some(a) = &d.ask {
            let _ = writeln!(
                out,
                "  does {} ask the alliance? need {:.2} × expected help {:.2}, prestige cost share {:.2}, obligation if it asks {:.2} (consultations alone {:.2}), trust {:+.2}\n    → U(ask for help)={:+.2}, U(ask for consultations)={:+.2}, U(ask nothing)=0: P = {} / {} / {}",
                a.state,
                a.need,
                a.expected_help,
                a.prestige,
                a.obligation,
                a.obligation_consult,
                a.trust,
                a.utility_ask,
                a.utility_consult,
                pct(a.p_ask).trim(),
                pct(a.p_consult).trim(),
                pct(1.0 - a.p_ask - a.p_consult).trim()
            );
        }
        for m in &d.members {
            member_block(&mut out, m);
        }
        for s in &d.signs {
            let _ = writeln!(
                out,
                "    {} signs? trust {:+.2}, grievance {:.2}, leader's pull {:.2} → U(sign)={:+.2}, P(sign)={}",
                s.state,
                s.trust,
                s.grievance,
                s.leader_wish,
                s.utility_sign,
                pct(s.p_sign).trim()
            );
        }
        if let Some(c) = &draw.council {
            let _ = writeln!(
                out,
                "  council (most likely stances): {} — limited by {}{}{}",
                c.outcome.name(),
                c.limited_by,
                if c.blocked_by.is_empty() {
                    String::new()
                } else {
                    format!("; blocked by {}", c.blocked_by.join(", "))
                },
                if c.troops > 0.0 {
                    format!(
                        "; {:.0} troops from {}",
                        c.troops,
                        c.contributors
                            .iter()
                            .map(|(m, _)| m.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    )
                } else {
                    String::new()
                }
            );
            if d.required_force > 0.0 {
                let _ = writeln!(
                    out,
                    "  a deployment would need at least {:.0} troops to be viable",
                    d.required_force
                );
            }
        } else if let Some(o) = draw.outcome {
            let _ = writeln!(out, "  outcome: {}", o.name());
        }
    }
    out
}
