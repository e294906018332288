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
