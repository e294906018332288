//! Case files: `NAME.toml` (the scenario the model sees) and `NAME.observed.toml`
//! (what happened, read only by the scorer). Format: `docs/case-format.md`.

use crate::check::{self, Locator};
use crate::error::{LoadError, Problem, Reporter, doc};
use crate::scenario::parse_scenario;
use casus_model::calibration::{Case, Observed};
use casus_model::decision::Stance;
use casus_model::dynamics::Outcome;
use casus_model::scenario::{Scenario, World};
use serde::Deserialize;
use std::collections::BTreeMap;
use toml::Spanned;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawObserved {
    case: Spanned<String>,
    #[serde(default)]
    title: String,
    #[serde(default)]
    sources: Vec<String>,
    observation: Vec<Spanned<RawObservation>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawObservation {
    event: Spanned<String>,
    outcome: Option<Spanned<String>>,
    #[serde(default)]
    stances: BTreeMap<String, Spanned<String>>,
    #[serde(default)]
    signed: BTreeMap<String, bool>,
    #[serde(default)]
    took_part: BTreeMap<String, bool>,
    note: Option<String>,
}

const OUTCOMES: &[(&str, Outcome)] = &[
    ("none", Outcome::None),
    ("statement", Outcome::Statement),
    ("mission", Outcome::Mission),
    ("deployment", Outcome::Deployment),
];
const STANCES: &[(&str, Stance)] = &[
    ("forces", Stance::Forces),
    ("support", Stance::Support),
    ("abstain", Stance::Abstain),
    ("object", Stance::Object),
];

/// Parse an observation file against its (already parsed) scenario.
pub fn parse_observed(
    file: &str,
    text: &str,
    scenario: &Scenario,
    world: &World,
) -> Result<Case, LoadError> {
    let mut rep = Reporter::new(file, text).with_doc(doc::CASE);
    let raw: RawObserved = match toml::from_str(text) {
        Ok(r) => r,
        Err(e) => {
            rep.toml(&e);
            return Err(LoadError(rep.problems));
        }
    };
    check::finite_numbers(&mut rep, &Locator::new(text));
    let alliance = world.alliances.get(&scenario.alliance);
    let mut observed_events: Vec<&str> = Vec::new();
    if raw.case.get_ref() != &scenario.id {
        rep.at(
            raw.case.span(),
            format!(
                "`case = \"{}\"` does not match the scenario id `{}`",
                raw.case.get_ref(),
                scenario.id
            ),
            Some("name the scenario this file observes".into()),
        );
    }
    let mut observed = Vec::new();
    for o in &raw.observation {
        let r = o.get_ref();
        if observed_events.contains(&r.event.get_ref().as_str()) {
            rep.at(
                r.event.span(),
                format!("event `{}` is observed twice", r.event.get_ref()),
                Some("merge the two [[observation]] tables".into()),
            );
        }
        observed_events.push(r.event.get_ref());
        let event = scenario.events.iter().find(|e| &e.id == r.event.get_ref());
        // Stances, signatures and participation are members' acts: a state that
        // is not a member on the event's date has none to observe.
        let not_member = |m: &str, what: &str| -> Option<String> {
            let (a, e) = (alliance?, event?);
            if a.is_member(m, e.date) {
                None
            } else {
                Some(format!(
                    "{m} is not a member of {} on {} (the date of `{}`), so it has no {what} to observe",
                    a.id, e.date, e.id
                ))
            }
        };
        for (m, s) in &r.stances {
            if world.states.contains_key(m)
                && let Some(msg) = not_member(m, "stance")
            {
                rep.at(
                    s.span(),
                    msg,
                    Some("observe members only (docs/case-format.md)".into()),
                );
            }
        }
        for m in r.signed.keys().chain(r.took_part.keys()) {
            if world.states.contains_key(m)
                && let Some(msg) = not_member(m, "signature or participation")
            {
                rep.at(
                    o.span(),
                    msg,
                    Some("observe members only (docs/case-format.md)".into()),
                );
            }
        }
        if event.is_none() {
            let ids: Vec<&str> = scenario.events.iter().map(|e| e.id.as_str()).collect();
            rep.at(
                r.event.span(),
                format!("the scenario has no event `{}`", r.event.get_ref()),
                Some(format!("its events: {}", ids.join(", "))),
            );
        }
        let outcome = r.outcome.as_ref().and_then(|s| {
            let found = OUTCOMES
                .iter()
                .find(|(n, _)| n == s.get_ref())
                .map(|(_, o)| *o);
            if found.is_none() {
                rep.at(
                    s.span(),
                    format!("unknown outcome `{}`", s.get_ref()),
                    Some("expected one of: none, statement, mission, deployment".into()),
                );
            }
            found
        });
        let mut stances = BTreeMap::new();
        for (m, s) in &r.stances {
            if !world.states.contains_key(m) {
                rep.at(s.span(), format!("unknown state code `{m}`"), None);
            }
            match STANCES.iter().find(|(n, _)| n == s.get_ref()) {
                Some((_, st)) => {
                    stances.insert(m.clone(), *st);
                }
                None => rep.at(
                    s.span(),
                    format!("unknown stance `{}`", s.get_ref()),
                    Some("expected one of: forces, support, abstain, object".into()),
                ),
            }
        }
        for m in r.signed.keys().chain(r.took_part.keys()) {
            if !world.states.contains_key(m) {
                rep.at(
                    o.span(),
                    format!("unknown state code `{m}` in `signed` or `took_part`"),
                    None,
                );
            }
        }
        if outcome.is_none() && stances.is_empty() && r.signed.is_empty() && r.took_part.is_empty()
        {
            rep.at(
                o.span(),
                "this observation observes nothing",
                Some("give `outcome`, `stances`, `signed` or `took_part`".into()),
            );
        }
        observed.push(Observed {
            event: r.event.get_ref().clone(),
            outcome,
            stances,
            signed: r.signed.clone(),
            took_part: r.took_part.clone(),
            note: r.note.clone(),
        });
    }
    let case = Case {
        id: scenario.id.clone(),
        title: if raw.title.is_empty() {
            scenario.title.clone()
        } else {
            raw.title
        },
        scenario: scenario.clone(),
        observed,
        sources: raw.sources,
    };
    rep.finish(case)
}

/// Build cases from named files: every `NAME.observed.toml` with its `NAME.toml`.
pub fn load_cases(files: &[(String, String)], world: &World) -> Result<Vec<Case>, LoadError> {
    let mut problems: Vec<Problem> = Vec::new();
    let mut cases = Vec::new();
    for (name, _) in files {
        if let Some(stem) = name.strip_suffix(".toml")
            && !stem.ends_with(".observed")
            && !files
                .iter()
                .any(|(n, _)| *n == format!("{stem}.observed.toml"))
        {
            problems.push(Problem {
                file: name.clone(),
                line: 1,
                column: 1,
                message: format!(
                    "no observation file `{stem}.observed.toml` beside this case scenario"
                ),
                help: Some(
                    "a case is NAME.toml plus NAME.observed.toml (docs/case-format.md); add what happened, or move the scenario out of the case directory".into(),
                ),
            });
        }
    }
    for (name, text) in files {
        let Some(stem) = name.strip_suffix(".observed.toml") else {
            continue;
        };
        let scen_name = format!("{stem}.toml");
        let Some((_, scen_text)) = files.iter().find(|(n, _)| *n == scen_name) else {
            problems.push(Problem {
                file: name.clone(),
                line: 1,
                column: 1,
                message: format!("no scenario file `{scen_name}` beside this observation file"),
                help: Some(
                    "a case is NAME.toml plus NAME.observed.toml (docs/case-format.md)".into(),
                ),
            });
            continue;
        };
        match parse_scenario(&scen_name, scen_text, world) {
            Ok(sc) => match parse_observed(name, text, &sc, world) {
                Ok(c) => cases.push(c),
                Err(e) => problems.extend(e.0),
            },
            Err(e) => problems.extend(e.0),
        }
    }
    if cases.is_empty() && problems.is_empty() {
        problems.push(Problem {
            file: "(cases)".into(),
            line: 1,
            column: 1,
            message: "no case found (no NAME.observed.toml files)".into(),
            help: Some("see docs/case-format.md".into()),
        });
    }
    if problems.is_empty() {
        Ok(cases)
    } else {
        Err(LoadError(problems))
    }
}

/// The bundled case library.
pub fn bundled_cases(world: &World) -> Result<Vec<Case>, LoadError> {
    let files: Vec<(String, String)> = crate::embedded::CASES
        .iter()
        .map(|(f, t)| (f.to_string(), t.to_string()))
        .collect();
    load_cases(&files, world)
}
