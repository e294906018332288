//! Rendering for people: the summaries of `casus-app` as plain text (the
//! catalogue, the timeline with treaty determinations and citations, forecasts,
//! explanations, horizons) and the horizon's fan charts as SVG. Renderers read
//! summaries only; the JSON documents are `casus_app::render`'s.

use casus_app::catalogue::{Catalogue, CheckSummary};
use casus_app::forecast::{Answer, ForecastSummary, HorizonSummary, Share, YearSummary};
use casus_app::timeline::{ExplainSummary, RunSummary};
use casus_model::analysis::EventAnalysis;
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

/// The line that opens an event in every text report.
fn event_header(out: &mut String, date: casus_model::Date, kind: &str, id: &str, title: &str) {
    let _ = writeln!(out, "{date}  [{kind}] {id} — {title}");
}

/// `casus list`.
pub fn catalogue_text(c: &Catalogue) -> String {
    let mut s = String::new();
    s.push_str("alliances:\n");
    for a in &c.alliances {
        let members: Vec<String> = a
            .members
            .iter()
            .map(|m| {
                if m.suspended {
                    format!("{}(suspended)", m.state)
                } else {
                    m.state.clone()
                }
            })
            .collect();
        let _ = writeln!(
            s,
            "  {:<6} {} — {} provisions, members ({}): {}",
            a.id,
            a.name,
            a.provisions,
            c.on.year,
            members.join(" ")
        );
    }
    s.push_str("states:\n");
    for st in &c.states {
        let _ = writeln!(s, "  {}  {}", st.code, st.name);
    }
    s.push_str("scenarios:\n");
    for sc in &c.scenarios {
        let title = match &sc.title {
            Ok(t) => t.clone(),
            Err(e) => format!("INVALID: {e}"),
        };
        let _ = writeln!(s, "  {:<28} {title}", sc.name);
    }
    s
}

/// `casus check`: `named` is the scenario as the user named it.
pub fn check_text(named: &str, c: &CheckSummary) -> String {
    format!(
        "{named}: ok — {} events, alliance {}\n",
        c.events, c.alliance
    )
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
                    "    action {:?} on {}: {} [{provision}]",
                    a.action,
                    a.territory_of,
                    a.verdict.standing().label()
                )
            }
            Verdict::Permitted { conditions } => {
                let c: Vec<String> = conditions.iter().map(requirement).collect();
                writeln!(
                    out,
                    "    action {:?} on {}: {}; needs {}",
                    a.action,
                    a.territory_of,
                    a.verdict.standing().label(),
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

/// The outcomes of one event, most likely first: the first with its 95%
/// interval, the others as percentages.
fn likely_outcomes(a: &Answer) -> String {
    let mut by_p: Vec<&(casus_model::dynamics::Outcome, Share)> = a.outcomes.iter().collect();
    // Stable: equal probabilities keep the ladder's order.
    by_p.sort_by_key(|x| std::cmp::Reverse(x.1.count));
    by_p.iter()
        .enumerate()
        .map(|(i, (o, sh))| {
            if i == 0 {
                format!(
                    "{} {} [{}, {}]",
                    o.name(),
                    pct(sh.p).trim(),
                    pct(sh.ci95.0).trim(),
                    pct(sh.ci95.1).trim()
                )
            } else {
                format!("{} {}", o.name(), pct(sh.p).trim())
            }
        })
        .collect::<Vec<_>>()
        .join(" · ")
}

/// Each member's most likely stance, grouped by stance: "forces: BLR 84%, …".
fn likely_stances(a: &Answer) -> String {
    let mut groups: Vec<(Stance, Vec<(&str, f64)>)> = Vec::new();
    for st in Stance::ALL {
        let mut members: Vec<(&str, f64)> = a
            .members
            .iter()
            .filter_map(|(m, f)| {
                let (best, p) = Stance::ALL
                    .iter()
                    .map(|s| (*s, f.stances[*s as usize]))
                    .fold((Stance::Forces, -1.0), |b, x| if x.1 > b.1 { x } else { b });
                (best == st).then_some((m.as_str(), p))
            })
            .collect();
        members.sort_by(|x, y| y.1.total_cmp(&x.1).then(x.0.cmp(y.0)));
        if !members.is_empty() {
            groups.push((st, members));
        }
    }
    groups
        .iter()
        .map(|(st, ms)| {
            let ms: Vec<String> = ms
                .iter()
                .map(|(m, p)| format!("{m} {}", pct(*p).trim()))
                .collect();
            format!("{} — {}", st.name(), ms.join(", "))
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// The treaty's answer in a few words: casus foederis or not, for whom.
fn treaty_brief(e: &EventAnalysis) -> String {
    match (&e.treaty, &e.bilateral) {
        (Some(d), _) if d.casus_foederis => format!(
            "casus foederis YES for {}",
            d.casus_foederis_for.as_deref().unwrap_or("?")
        ),
        (Some(_), _) => "no casus foederis".into(),
        (None, Some(b)) => format!("a bilateral request to {}, outside the treaty", b.to),
        (None, None) => "the treaty is silent".into(),
    }
}

/// "What is likely": per decided event of the run's forecast, the outcomes
/// and why — the treaty's answer, the members' most likely stances and what
/// the council makes of them.
fn likely(out: &mut String, s: &RunSummary) {
    let f = &s.forecast;
    let _ = writeln!(
        out,
        "What is likely ({} replications, seed {}, 95% interval of the most likely outcome):",
        f.runs, f.seed
    );
    if f.events.is_empty() {
        let _ = writeln!(
            out,
            "  nothing is decided in this timeline: no request, crisis, summit or exercise for the members to answer"
        );
    }
    for ev in &f.events {
        let analysis = s.events.iter().find(|e| e.event.id == ev.id);
        let _ = write!(out, "  ");
        event_header(out, ev.date, &ev.kind, &ev.id, &ev.title);
        if let Some(r) = ev.request.filter(|r| r.count < r.of) {
            let _ = writeln!(
                out,
                "    P(the member concerned asks the alliance) = {}",
                pct(r.p).trim()
            );
        }
        if let Some(a) = &ev.answer {
            let _ = writeln!(out, "    {}", likely_outcomes(a));
            let mut why = Vec::new();
            if let Some(e) = analysis {
                why.push(treaty_brief(e));
            }
            if !a.members.is_empty() {
                why.push(format!("most likely stances: {}", likely_stances(a)));
            }
            if let Some(c) = s.councils.get(&ev.id) {
                let mut council = format!("with those the council decides: {}", c.outcome.name());
                if !c.limited_by.is_empty() {
                    let _ = write!(council, " (limited by {})", c.limited_by);
                }
                if !c.blocked_by.is_empty() {
                    let _ = write!(council, ", blocked by {}", c.blocked_by.join(", "));
                }
                why.push(council);
            }
            let _ = writeln!(out, "    why: {}", why.join("; "));
        }
        if let Some(su) = &ev.summit {
            let _ = writeln!(
                out,
                "    P(every member signs the declaration) = {}",
                pct(su.p_all_sign).trim()
            );
        }
        if let Some(x) = &ev.exercise {
            let _ = writeln!(
                out,
                "    P(the host calls the exercise off) = {}",
                pct(x.p_host_cancels).trim()
            );
        }
    }
}

/// The whole timeline: each event's treaty determination with its chain of
/// provisions (and, on one line, the likely outcome), then what is likely and
/// why (last, where a terminal leaves the reader), then where to look next.
/// `named` is the scenario as the user named it (for the pointers).
pub fn timeline(s: &RunSummary, named: &str) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{} — {}", s.scenario, s.title);
    let _ = writeln!(
        out,
        "alliance {} · seed {} · {} events",
        s.alliance,
        s.seed,
        s.events.len()
    );
    if !s.description.is_empty() {
        let _ = writeln!(out, "{}", excerpt(&s.description, 400));
    }
    let answers: std::collections::BTreeMap<&str, &Answer> = s
        .forecast
        .events
        .iter()
        .filter_map(|e| Some((e.id.as_str(), e.answer.as_ref()?)))
        .collect();
    for e in &s.events {
        let ev = &e.event;
        let _ = writeln!(out);
        event_header(&mut out, ev.date, ev.kind.name(), &ev.id, &ev.title);
        if let Some(s) = &ev.source {
            let _ = writeln!(out, "    source: {s}");
        }
        if let Some(a) = answers.get(ev.id.as_str()) {
            let _ = writeln!(out, "    likely: {}", likely_outcomes(a));
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
    let _ = writeln!(out);
    likely(&mut out, s);
    let word = shell_word(named);
    let _ = writeln!(out);
    let _ = writeln!(out, "Next:");
    let _ = writeln!(
        out,
        "  casus explain {word}    every member's decision, term by term, and what limits the council"
    );
    let _ = writeln!(
        out,
        "  casus forecast {word}   all intervals, each member's stances and troops (--runs N for more)"
    );
    out
}

/// An argument as a shell would need it written: quoted when it holds
/// anything but plain characters.
pub fn shell_word(a: &str) -> String {
    let plain = !a.is_empty()
        && a.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./=:,+@%".contains(c));
    if plain {
        a.to_string()
    } else {
        format!("'{}'", a.replace('\'', "'\\''"))
    }
}

use casus_model::decision::{MemberDecision, Stance};

fn pct(x: f64) -> String {
    format!("{:5.1}%", 100.0 * x)
}

/// The forecast for people: per decision event, the ladder with 95% intervals,
/// members' stances and expected troops, signatures.
pub fn forecast_text(s: &ForecastSummary) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{} — {}", s.scenario, s.title);
    let _ = writeln!(
        out,
        "{} replications · seed {} · 95% intervals (Wilson)",
        s.runs, s.seed
    );
    for ev in &s.events {
        let _ = writeln!(out);
        event_header(&mut out, ev.date, &ev.kind, &ev.id, &ev.title);
        if let Some(r) = ev.request.filter(|r| r.count < r.of) {
            let _ = writeln!(
                out,
                "    P(the member concerned asks the alliance) = {}",
                pct(r.p)
            );
        }
        if let Some(a) = &ev.answer {
            let _ = writeln!(out, "    outcome        probability   95% interval");
            for (r, sh) in &a.outcomes {
                let (lo, hi) = sh.ci95;
                let bar = "#".repeat((40.0 * sh.count as f64 / sh.of as f64).round() as usize);
                let _ = writeln!(
                    out,
                    "    {:<12} {}      [{}, {}]  {bar}",
                    r.name(),
                    pct(sh.p),
                    pct(lo).trim(),
                    pct(hi).trim()
                );
            }
            if let Some(d) = &a.deployment {
                let _ = writeln!(
                    out,
                    "    if deployed: on average {:.0} troops, in place after {:.1} days",
                    d.expected_troops_if_deployed, d.expected_days_to_deploy
                );
            }
            if !a.members.is_empty() {
                let _ = writeln!(
                    out,
                    "    member   forces  support  abstain   object   expected troops"
                );
                for (m, f) in &a.members {
                    let c = &f.stances;
                    let _ = writeln!(
                        out,
                        "    {m:<6} {} {} {} {}   {:>8.0}",
                        pct(c[0]),
                        pct(c[1]),
                        pct(c[2]),
                        pct(c[3]),
                        f.expected_troops
                    );
                }
            }
        }
        if let Some(su) = &ev.summit {
            let signs: Vec<String> = su
                .p_sign
                .iter()
                .map(|(m, p)| format!("{m} {}", pct(*p).trim()))
                .collect();
            let _ = writeln!(out, "    P(sign the declaration): {}", signs.join(", "));
            let _ = writeln!(
                out,
                "    P(every member signs) = {}",
                pct(su.p_all_sign).trim()
            );
        }
        if let Some(x) = &ev.exercise {
            let takes: Vec<String> = x
                .p_take_part
                .iter()
                .map(|(m, p)| format!("{m} {}", pct(*p).trim()))
                .collect();
            let _ = writeln!(
                out,
                "    P(take part in the exercise): {}",
                takes.join(", ")
            );
            let _ = writeln!(
                out,
                "    P(the host cancels) = {}",
                pct(x.p_host_cancels).trim()
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
pub fn explain_text(s: &ExplainSummary) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{} — {}", s.scenario, s.title);
    let _ = writeln!(
        out,
        "The most likely course, decision by decision: each member's utility terms (weight × value), its\n\
         utilities and choice probabilities (logit), and what the council made of the most likely stances."
    );
    for x in &s.events {
        let (e, d) = (&x.event, &x.decisions);
        let _ = writeln!(out);
        event_header(&mut out, e.date, e.kind.name(), &e.id, &e.title);
        if let Some(a) = &d.ask {
            let _ = writeln!(
                out,
                "  does {} ask the alliance? need {:.2} × expected help {:.2}, prestige cost share {:.2}, obligation if it asks {:.2} (consultations alone {:.2}), trust {:+.2}\n    → U(ask for help)={:+.2}, U(ask for consultations)={}, U(ask nothing)=0: P = {} / {} / {}",
                a.state,
                a.need,
                a.expected_help,
                a.prestige,
                a.obligation,
                a.obligation_consult,
                a.trust,
                a.utility_ask,
                a.utility_consult
                    .map_or("no option (no state to call on)".to_string(), |u| format!(
                        "{u:+.2}"
                    )),
                pct(a.p_ask).trim(),
                pct(a.p_consult).trim(),
                pct(1.0 - a.p_ask - a.p_consult).trim()
            );
            if let (Some(q), Some(u)) = (&a.bilateral_partner, a.utility_bilateral) {
                let _ = writeln!(
                    out,
                    "    → or turn to {q} under their bilateral treaty: U={u:+.2}, P={} (included in \"ask nothing\" of the alliance)",
                    pct(a.p_bilateral).trim()
                );
            }
            if let Some(q) = &d.turned_to {
                let _ = writeln!(
                    out,
                    "    → the scenario has {} formally ask {q} instead: that choice is given (and scored), the alliance is not asked",
                    a.state
                );
            }
        }
        if let casus_model::event::EventKind::InternalUnrest {
            state,
            seizure: true,
            ..
        } = &e.kind
            && d.ask.is_none()
        {
            let _ = writeln!(
                out,
                "  power was seized in {state}: those who now rule it do not ask the alliance; {}",
                if x.council.is_some() {
                    "an instrument lets the organ take it up on its own initiative, so the members decide unasked"
                } else {
                    "no instrument lets an organ take it up unasked, so the alliance is not seized of it \
                     (the terms below are what the members would weigh if it were)"
                }
            );
        }
        if let Some(s) = &d.secretariat {
            let (act, prestige) = if s.condemns {
                (
                    "condemn the attack",
                    "no prestige cost (a condemnation says nothing of need)".to_string(),
                )
            } else {
                (
                    "call for a ceasefire",
                    format!("prestige cost share {:.2}", s.prestige),
                )
            };
            let _ = writeln!(
                out,
                "  if {} asks the alliance for nothing, does the secretariat {act} unasked? trust {:+.2}, {prestige}, severity {:.2} → U={:+.2}, P={}",
                s.state,
                s.trust,
                s.severity,
                s.utility,
                pct(s.p).trim()
            );
        }
        if let [calm, _, heated] = d.moods.as_slice() {
            let _ = writeln!(
                out,
                "    the sitting's mood varies: every member's utility of acting moves together by {:+.2} (calm, P {}) / 0 / {:+.2} (heated, P {}); their p is the mixture over the three",
                calm.shift,
                pct(calm.weight).trim(),
                heated.shift,
                pct(heated.weight).trim()
            );
        }
        if let Some(f) = d
            .following
            .as_ref()
            .or_else(|| d.moods.first().and_then(|m| m.following.as_ref()))
        {
            let _ = writeln!(
                out,
                "    the others follow {}'s stance: their p is the mixture over its stances (their terms and U at its expected position)",
                d.members[f.leader].state
            );
        }
        for m in &d.members {
            member_block(&mut out, m);
        }
        for s in &d.signs {
            let _ = writeln!(
                out,
                "    {} engaged? trust {:+.2}, grievance {:.2}, leader's pull {:.2}, cohesion {:+.2}, outside partners {:.0} → U={:+.2}, P(sign/take part)={}",
                s.state,
                s.trust,
                s.grievance,
                s.leader_wish,
                s.cohesion,
                s.ties,
                s.utility,
                pct(s.p).trim()
            );
        }
        if let Some(c) = &x.council {
            let blocked = if c.blocked_by.is_empty() {
                String::new()
            } else {
                format!("; blocked by {}", c.blocked_by.join(", "))
            };
            let contributors: Vec<&str> = c.contributors.iter().map(|(m, _)| m.as_str()).collect();
            let forces = match (c.troops > 0.0, c.days_to_deploy) {
                (true, Some(days)) => format!(
                    "; {:.0} troops from {}, in place after {days} day(s)",
                    c.troops,
                    contributors.join(", ")
                ),
                (true, None) => {
                    format!("; {:.0} troops from {}", c.troops, contributors.join(", "))
                }
                _ => String::new(),
            };
            let _ = writeln!(
                out,
                "  council (most likely stances): {} — limited by {}{blocked}{forces}",
                c.outcome.name(),
                c.limited_by
            );
            if d.required_force > 0.0 {
                let _ = writeln!(
                    out,
                    "  a deployment would need at least {:.0} troops to be viable",
                    d.required_force
                );
            }
        } else if let Some(o) = x.modal_outcome {
            let _ = writeln!(out, "  outcome: {}", o.name());
        }
    }
    out
}

/// A member's entry of a per-year series (0 where the series does not name it).
fn of(series: &std::collections::BTreeMap<String, f64>, m: &str) -> f64 {
    series.get(m).copied().unwrap_or(0.0)
}

/// The parameters' share of a long-horizon forecast's uncertainty: per year,
/// each headline probability with its Monte Carlo interval and its interval
/// with the parameters drawn from the posterior.
pub fn posterior_text(s: &casus_app::posterior::PosteriorHorizon) -> String {
    let mut out = String::new();
    let per = s.summary.runs / s.draws;
    let _ = writeln!(
        out,
        "\nwith the parameters' uncertainty: {} draws from the posterior of the parameter file ({} parameters), about {per} replications each; the tables above pool them all",
        s.draws,
        s.drawn.len()
    );
    let _ = writeln!(
        out,
        "P by the year's end: estimate [95% interval of the estimate] [95% across the parameters' posterior] (parameter sd)"
    );
    let pct = spread_pct;
    for y in &s.years {
        let _ = writeln!(out, "{}:", y.year);
        let _ = writeln!(out, "  dissolved            {}", pct(&y.dissolved));
        let _ = writeln!(out, "  a deployment so far  {}", pct(&y.deployment_so_far));
        for (m, x) in &y.frozen_or_gone {
            let _ = writeln!(out, "  {m} frozen or gone    {}", pct(x));
        }
    }
    out
}

/// One probability under parameter uncertainty: estimate [95% interval of
/// the estimate] [95% across the parameters' posterior] (parameter sd).
fn spread_pct(x: &casus_app::posterior::Spread) -> String {
    format!(
        "{:.1}% [{:.1}, {:.1}] [{:.1}, {:.1}] (±{:.1})",
        100.0 * x.p,
        100.0 * x.mean_ci95.0,
        100.0 * x.mean_ci95.1,
        100.0 * x.ci95.0,
        100.0 * x.ci95.1,
        100.0 * x.parameter_sd
    )
}

/// The parameters' share of a forecast's uncertainty: per event, the
/// request's and each rung's probability with its Monte Carlo interval and
/// its interval with the parameters drawn from the posterior.
pub fn posterior_forecast_text(s: &casus_app::posterior::PosteriorForecast) -> String {
    let mut out = String::new();
    let per = s.summary.runs / s.draws;
    let _ = writeln!(
        out,
        "\nwith the parameters' uncertainty: {} draws from the posterior of the parameter file ({} parameters), about {per} replications each; the tables above pool them all",
        s.draws,
        s.drawn.len()
    );
    let _ = writeln!(
        out,
        "P: estimate [95% interval of the estimate] [95% across the parameters' posterior] (parameter sd)"
    );
    for e in &s.events {
        let _ = writeln!(out, "{}:", e.id);
        if let Some(r) = &e.request {
            let _ = writeln!(out, "  asks the alliance      {}", spread_pct(r));
        }
        for (o, x) in &e.outcomes {
            let _ = writeln!(out, "  {:<22} {}", o.name(), spread_pct(x));
        }
        if let Some(x) = &e.all_sign {
            let _ = writeln!(out, "  all sign               {}", spread_pct(x));
        }
        if let Some(x) = &e.host_cancels {
            let _ = writeln!(out, "  host calls it off      {}", spread_pct(x));
        }
    }
    out
}

/// The long-horizon table: per year, P(each member frozen or gone), P(left),
/// P(dissolved), P(a deployment so far), and the engaged allies' median and 90% band.
pub fn horizon_text(s: &HorizonSummary) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{} — {}", s.scenario, s.title);
    let _ = writeln!(
        out,
        "{} replications · seed {} · years after the scenario's last event; probabilities by the end of each year",
        s.runs, s.seed
    );
    let members = &s.members;
    let _ = writeln!(out);
    let _ = writeln!(out, "P(frozen, under notice or gone) / P(gone):");
    let mut head = format!("{:<6}", "year");
    for m in members {
        head.push_str(&format!(" {m:>13}"));
    }
    head.push_str("   dissolved  deployment  engaged allies (5–50–95%)");
    let _ = writeln!(out, "{head}");
    for y in &s.years {
        let mut row = format!("{:<6}", y.year);
        for m in members {
            let d = of(&y.p_frozen_or_gone, m);
            let l = of(&y.p_left, m);
            row.push_str(&format!(" {:>5.1}% /{:>5.1}%", 100.0 * d, 100.0 * l));
        }
        let e = &y.engaged_allies;
        row.push_str(&format!(
            "   {:>8.1}%  {:>9.1}%  {}–{}–{}",
            100.0 * y.p_dissolved,
            100.0 * y.p_deployment_so_far,
            e.q05,
            e.median,
            e.q95
        ));
        let _ = writeln!(out, "{row}");
    }
    if let Some(y) = s.years.last() {
        let _ = writeln!(
            out,
            "dissolved by {}: {:.1}%, of which by the leading power's own decision to leave {:.1}%",
            y.year,
            100.0 * y.p_dissolved,
            100.0 * y.p_dissolved_by_leader
        );
    }
    if let Some(y) = s.years.first() {
        let _ = writeln!(out);
        let _ = writeln!(
            out,
            "first simulated year ({}): P(refuses to sign) / P(skips the exercise):",
            y.year
        );
        for m in members {
            let _ = writeln!(
                out,
                "  {m}: {:.1}% / {:.1}%",
                100.0 * of(&y.p_refuses_to_sign, m),
                100.0 * of(&y.p_skips_exercise, m)
            );
        }
    }
    out
}

/// Two panels: a fan chart of the number of engaged allies (5–95% and 25–75%
/// bands, median) and the cumulative probabilities of dissolution and of each
/// member's exit.
pub fn horizon_svg(summary: &HorizonSummary) -> String {
    let years = &summary.years;
    let (w, h, m) = (760.0, 360.0, 50.0);
    let panel = 340.0;
    let n = years.len().max(2) as f64 - 1.0;
    let max_allies = years
        .iter()
        .map(|y| y.engaged_allies.histogram.len())
        .max()
        .unwrap_or(1)
        .max(2) as f64
        - 1.0;
    let x = |i: usize, x0: f64| x0 + m + (i as f64 / n.max(1.0)) * (panel - m - 10.0);
    let y = |v: f64, top: f64| h - m - v / top * (h - 2.0 * m);
    let mut s = String::new();
    let _ = writeln!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" font-family="sans-serif" font-size="11">"#
    );
    let _ = writeln!(s, r#"<rect width="100%" height="100%" fill="white"/>"#);
    let _ = writeln!(
        s,
        r#"<text x="{}" y="18" text-anchor="middle" font-size="13">{}</text>"#,
        w / 2.0,
        summary.title.replace('&', "and").replace('<', "(")
    );
    // Panel 1: fan chart.
    type Band = fn(&YearSummary) -> usize;
    let bands: [(Band, Band, f64); 2] = [
        (|t| t.engaged_allies.q05, |t| t.engaged_allies.q95, 0.25),
        (|t| t.engaged_allies.q25, |t| t.engaged_allies.q75, 0.45),
    ];
    let q = |t: &YearSummary, f: Band| f(t) as f64;
    for (lo, hi, op) in bands {
        let mut pts: Vec<String> = years
            .iter()
            .enumerate()
            .map(|(i, t)| format!("{:.1},{:.1}", x(i, 0.0), y(q(t, hi), max_allies)))
            .collect();
        pts.extend(
            years
                .iter()
                .enumerate()
                .rev()
                .map(|(i, t)| format!("{:.1},{:.1}", x(i, 0.0), y(q(t, lo), max_allies))),
        );
        let _ = writeln!(
            s,
            r#"<polygon points="{}" fill="steelblue" fill-opacity="{op}"/>"#,
            pts.join(" ")
        );
    }
    let med: Vec<String> = years
        .iter()
        .enumerate()
        .map(|(i, t)| {
            format!(
                "{:.1},{:.1}",
                x(i, 0.0),
                y(t.engaged_allies.median as f64, max_allies)
            )
        })
        .collect();
    let _ = writeln!(
        s,
        r#"<polyline points="{}" fill="none" stroke="navy" stroke-width="2"/>"#,
        med.join(" ")
    );
    let _ = writeln!(
        s,
        r#"<text x="{}" y="38" text-anchor="middle">engaged allies (median; 50% and 90% bands)</text>"#,
        panel / 2.0 + 20.0
    );
    // Panel 2: cumulative probabilities.
    let x0 = panel + 40.0;
    let colours = [
        "crimson",
        "darkorange",
        "seagreen",
        "purple",
        "saddlebrown",
        "teal",
        "gray",
        "olive",
    ];
    let mut series: Vec<(String, Vec<f64>)> = vec![(
        "dissolved".into(),
        years.iter().map(|t| t.p_dissolved).collect(),
    )];
    if let Some(first) = years.first() {
        for mem in first.p_left.keys() {
            series.push((
                format!("{mem} gone"),
                years.iter().map(|t| of(&t.p_left, mem)).collect(),
            ));
        }
    }
    for (k, (name, vals)) in series.iter().enumerate() {
        let pts: Vec<String> = vals
            .iter()
            .enumerate()
            .map(|(i, v)| format!("{:.1},{:.1}", x(i, x0), y(*v, 1.0)))
            .collect();
        let c = colours[k % colours.len()];
        let _ = writeln!(
            s,
            r#"<polyline points="{}" fill="none" stroke="{c}" stroke-width="2"/>"#,
            pts.join(" ")
        );
        let _ = writeln!(
            s,
            r#"<text x="{:.1}" y="{:.1}" fill="{c}">{name}</text>"#,
            x0 + m + 6.0,
            56.0 + 13.0 * k as f64
        );
    }
    let _ = writeln!(
        s,
        r#"<text x="{}" y="38" text-anchor="middle">cumulative probability</text>"#,
        x0 + panel / 2.0 + 20.0
    );
    for (x_base, top, ticks) in [
        (0.0, max_allies, vec![0.0, max_allies / 2.0, max_allies]),
        (x0, 1.0, vec![0.0, 0.5, 1.0]),
    ] {
        let _ = writeln!(
            s,
            r#"<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="black"/>"#,
            x_base + m,
            y(0.0, top),
            x_base + panel - 10.0,
            y(0.0, top)
        );
        let _ = writeln!(
            s,
            r#"<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="black"/>"#,
            x_base + m,
            y(0.0, top),
            x_base + m,
            y(top, top)
        );
        for t in ticks {
            let _ = writeln!(
                s,
                r#"<text x="{}" y="{:.1}" text-anchor="end">{t:.1}</text>"#,
                x_base + m - 4.0,
                y(t, top) + 4.0
            );
        }
        for (i, t) in years.iter().enumerate() {
            if years.len() <= 12 || i % 2 == 0 {
                let _ = writeln!(
                    s,
                    r#"<text x="{:.1}" y="{}" text-anchor="middle">{}</text>"#,
                    x(i, x_base),
                    h - m + 14.0,
                    t.year
                );
            }
        }
    }
    s.push_str("</svg>\n");
    s
}

/// The years after a scenario, term by term (`casus explain SCENARIO --until DATE`).
pub fn explain_years_text(s: &casus_app::timeline::ExplainYearsSummary) -> String {
    use casus_model::dynamics::Status;
    let mut out = String::new();
    let w = |n: &str| {
        s.weights
            .iter()
            .find(|(k, _)| *k == n)
            .map_or(0.0, |(_, v)| *v)
    };
    let status = |st: &Status| match st {
        Status::Engaged => "engaged".to_string(),
        Status::Frozen { since } => format!("frozen since {since}"),
        Status::Notice { effective } => format!("under notice, out on {effective}"),
        Status::Left { on } => format!("left on {on}"),
    };
    let _ = writeln!(out, "{} — {}", s.scenario, s.title);
    let _ = writeln!(
        out,
        "the years to {} along the most likely course (no generated crises; each transition at its more likely value)",
        s.until
    );
    let _ = writeln!(
        out,
        "member's yearly utility U = sign {:+.2} + trust {:.2}×t + leader_wish {:.2}×w − grievance {:.2}×g + cohesion {:.2}×c − outside_ties {:.2}×n − outside_options {:.2}×h − leader_threat {:.2}×x",
        w("sign_constant"),
        w("trust"),
        w("leader_wish"),
        w("grievance"),
        w("cohesion"),
        w("outside_ties"),
        w("outside_options"),
        w("leader_threat")
    );
    let _ = writeln!(
        out,
        "P(freeze) = logistic({:+.2} − U) if engaged; P(notice) = logistic({:+.2} − U) if frozen",
        w("freeze_constant"),
        w("exit_constant")
    );
    let _ = writeln!(
        out,
        "leader's value V = bases {:.2}×b + influence {:.2}×i + alignment {:.2}×a − cost {:.2}×burden; it stays while V ≥ 0",
        w("leader_bases"),
        w("leader_influence"),
        w("leader_alignment"),
        w("leader_cost")
    );
    for y in &s.years {
        let _ = writeln!(out);
        if y.members.is_empty() && y.dissolved {
            let _ = writeln!(out, "{}: dissolved", y.year);
            continue;
        }
        let _ = writeln!(
            out,
            "{}  (leading power's credibility {:.3}){}",
            y.year,
            y.credibility,
            if y.dissolved {
                " — dissolved at the year's end"
            } else {
                ""
            }
        );
        if let Some(d) = &y.leader {
            let _ = writeln!(
                out,
                "  {} (leader): b {:.2} i {:.2} a {:.2} burden {:.2} → V {:+.2}: {}",
                d.state,
                d.bases,
                d.influence,
                d.alignment,
                d.burden,
                d.value,
                if d.stays {
                    "stays"
                } else {
                    "leaves (gives notice)"
                }
            );
        }
        for (m, e) in &y.members {
            let Some(t) = &e.year else {
                if y.leader.as_ref().is_none_or(|d| &d.state != m) {
                    let _ = writeln!(out, "  {m}: {}", status(&e.status));
                }
                continue;
            };
            let g = &t.engagement;
            let what = match t.transition {
                Some(casus_model::lifetime::Transition::Freeze) => "P(freeze)",
                Some(casus_model::lifetime::Transition::Notice) => "P(notice)",
                None => "",
            };
            let _ = writeln!(
                out,
                "  {m}: {} · t {:+.2} w {:.3} g {:.2} c {:+.2} n {:.0} h {:.3} x {:.3} → U {:+.2} · {what} {:.2}%{}",
                status(&e.status),
                g.trust,
                g.leader_wish,
                g.grievance,
                g.cohesion,
                g.ties,
                t.hedge,
                t.threat,
                t.utility,
                100.0 * t.p,
                match &e.becomes {
                    Some(st) => format!(" → {}", status(st)),
                    None => String::new(),
                }
            );
        }
    }
    out
}
