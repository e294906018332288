//! Scenario files: parsed with spans, validated against the world, turned into
//! the core's [`Scenario`]. The raw structs mirror `docs/scenario-format.md`; the
//! core never sees an unvalidated scenario.

use crate::check::{self, Bound, Locator, Seg};
use crate::error::{LoadError, Loaded, Reporter};
use crate::world::known_states;
use casus_model::Date;
use casus_model::alliance::DecisionRule;
use casus_model::event::{Ask, Event, EventKind, Involvement, MembershipChange, Reach, WarResult};
use casus_model::scenario::{Attribute, Override, Scenario, World};
use casus_model::state::Relation;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::ops::Range;
use toml::Spanned;

/// The scenario format version this build reads.
pub const FORMAT: i64 = 1;

type S<T> = Spanned<T>;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawScenario {
    format: S<i64>,
    id: S<String>,
    title: String,
    #[serde(default)]
    description: String,
    alliance: S<String>,
    #[serde(default)]
    seed: u64,
    #[serde(default)]
    sources: Vec<String>,
    events: Vec<S<RawEvent>>,
    #[serde(default)]
    overrides: Vec<S<RawOverride>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEvent {
    id: S<String>,
    date: S<Date>,
    kind: S<String>,
    title: String,
    source: Option<String>,
    aggressor: Option<S<String>>,
    aggressor_non_state: Option<S<String>>,
    from: Option<S<String>>,
    from_non_state: Option<S<String>>,
    target: Option<S<String>>,
    territory_of: Option<S<String>>,
    casualties: Option<S<f64>>,
    state: Option<S<String>>,
    external_involvement: Option<S<String>>,
    reach: Option<S<String>>,
    parties: Option<S<Vec<S<String>>>>,
    member: Option<S<String>>,
    against: Option<S<String>>,
    personnel_committed: Option<S<f64>>,
    requester: Option<S<String>>,
    to: Option<S<String>>,
    article: Option<S<String>>,
    asks: Option<S<String>>,
    crisis: Option<S<String>>,
    formal: Option<S<bool>>,
    troops: Option<S<f64>>,
    unsc_mandate: Option<S<bool>>,
    seizure: Option<S<bool>>,
    host: Option<S<String>>,
    organ: Option<S<String>>,
    declaration: Option<S<String>>,
    name: Option<S<String>>,
    change: Option<S<String>>,
    result: Option<S<String>>,
    partner: Option<S<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawOverride {
    state: Option<S<String>>,
    attribute: Option<S<String>>,
    year: Option<S<i32>>,
    value: Option<S<f64>>,
    source: Option<String>,
    alliance: Option<S<String>>,
    remove_provision: Option<S<String>>,
    leading_power: Option<S<String>>,
    organ: Option<S<String>>,
    rule: Option<S<DecisionRule>>,
    relation: Option<S<Relation>>,
}

/// Which optional keys each event kind takes (for "does not belong" errors).
const KIND_KEYS: &[(&str, &[&str])] = &[
    (
        "external_aggression",
        &[
            "aggressor",
            "aggressor_non_state",
            "target",
            "territory_of",
            "reach",
            "casualties",
        ],
    ),
    (
        "threat",
        &["from", "from_non_state", "target", "casualties"],
    ),
    (
        "internal_unrest",
        &[
            "state",
            "external_involvement",
            "reach",
            "casualties",
            "seizure",
        ],
    ),
    (
        "intra_member_conflict",
        &["parties", "territory_of", "casualties"],
    ),
    (
        "out_of_area_war",
        &["member", "against", "territory_of", "personnel_committed"],
    ),
    (
        "request",
        &[
            "requester",
            "to",
            "article",
            "asks",
            "crisis",
            "formal",
            "territory_of",
            "troops",
            "unsc_mandate",
        ],
    ),
    ("summit", &["host", "organ", "declaration"]),
    ("exercise", &["name", "host"]),
    ("membership_change", &["state", "change"]),
    ("capability_shock", &["state", "personnel_committed"]),
    ("war_outcome", &["member", "against", "result"]),
    ("partnership", &["state", "partner"]),
];

impl RawEvent {
    /// The optional keys present, with their spans.
    fn present(&self) -> Vec<(&'static str, Range<usize>)> {
        let mut v = Vec::new();
        macro_rules! p {
            ($($f:ident),*) => {$(
                if let Some(x) = &self.$f { v.push((stringify!($f), x.span())); }
            )*};
        }
        p!(
            aggressor,
            aggressor_non_state,
            from,
            from_non_state,
            target,
            territory_of,
            casualties,
            state,
            external_involvement,
            reach,
            parties,
            member,
            against,
            personnel_committed,
            requester,
            to,
            article,
            asks,
            crisis,
            formal,
            troops,
            unsc_mandate,
            seizure,
            host,
            organ,
            declaration,
            name,
            change,
            result,
            partner
        );
        v
    }
}

struct Validator<'a> {
    rep: Reporter<'a>,
    world: &'a World,
    alliance: Option<&'a casus_model::alliance::Alliance>,
}

impl<'a> Validator<'a> {
    fn state(&mut self, s: &S<String>) -> Option<String> {
        if self.world.states.contains_key(s.get_ref()) {
            Some(s.get_ref().clone())
        } else {
            let help = Some(known_states(self.world));
            self.rep.at(
                s.span(),
                format!("unknown state code `{}`", s.get_ref()),
                help,
            );
            None
        }
    }

    fn require<'b, T>(
        &mut self,
        field: &'b Option<S<T>>,
        name: &str,
        kind: &str,
        at: Range<usize>,
    ) -> Option<&'b S<T>> {
        if field.is_none() {
            self.rep.at(
                at,
                format!("a `{kind}` event needs the key `{name}`"),
                Some("see the event table in docs/scenario-format.md".into()),
            );
        }
        field.as_ref()
    }

    fn req_state(
        &mut self,
        field: &Option<S<String>>,
        name: &str,
        kind: &str,
        at: Range<usize>,
    ) -> Option<String> {
        let f = self.require(field, name, kind, at)?;
        self.state(f)
    }

    fn member(&mut self, code: &Option<String>, s: Option<&S<String>>, date: Date, role: &str) {
        let (Some(code), Some(s), Some(a)) = (code, s, self.alliance) else {
            return;
        };
        if !a.is_participating(code, date) {
            let members = a.members_on(date).join(", ");
            let suspended = if a.is_member(code, date) {
                " (its participation is suspended)"
            } else {
                ""
            };
            self.rep.at(
                s.span(),
                format!(
                    "{code} is not a member of {} on {date}{suspended}, but a {role} must be",
                    a.id
                ),
                Some(format!("members on that date: {members}")),
            );
        }
    }

    /// A number of the scenario against its bound (non-finite numbers are
    /// reported once, by the walk over the whole text).
    fn bounded(&mut self, name: &str, x: &Option<S<f64>>, b: Bound) {
        if let Some(x) = x {
            let v = *x.get_ref();
            if v.is_finite() && !b.admits(v) {
                self.rep.at(
                    x.span(),
                    b.message(name, v),
                    Some("correct the figure (and its source)".into()),
                );
            }
        }
    }

    /// Two roles of one event naming the same state where they must differ.
    fn distinct(
        &mut self,
        a: &Option<String>,
        b: &Option<String>,
        at: Option<&S<String>>,
        what: &str,
    ) {
        if let (Some(a), Some(b), Some(at)) = (a, b, at)
            && a == b
        {
            self.rep.at(
                at.span(),
                format!("{a} {what}"),
                Some("name two different states".into()),
            );
        }
    }

    fn choice<T: Copy>(&mut self, s: &S<String>, options: &[(&str, T)], what: &str) -> Option<T> {
        match options.iter().find(|(n, _)| *n == s.get_ref()) {
            Some((_, v)) => Some(*v),
            None => {
                let names: Vec<&str> = options.iter().map(|(n, _)| *n).collect();
                self.rep.at(
                    s.span(),
                    format!("unknown {what} `{}`", s.get_ref()),
                    Some(format!("expected one of: {}", names.join(", "))),
                );
                None
            }
        }
    }
}

const INVOLVEMENT: &[(&str, Involvement)] = &[
    ("none", Involvement::None),
    ("claimed", Involvement::Claimed),
    ("established", Involvement::Established),
];
const REACH: &[(&str, Reach)] = &[
    ("local", Reach::Local),
    ("regional", Reach::Regional),
    ("national", Reach::National),
];
const ASKS: &[(&str, Ask)] = &[
    ("consultations", Ask::Consultations),
    ("political_support", Ask::PoliticalSupport),
    ("assistance", Ask::Assistance),
    ("peacekeepers", Ask::Peacekeepers),
    ("forces", Ask::Forces),
];
const CHANGES: &[(&str, MembershipChange)] = &[
    ("join", MembershipChange::Join),
    ("withdrawal_notice", MembershipChange::WithdrawalNotice),
    ("suspension", MembershipChange::Suspension),
    ("freeze", MembershipChange::Freeze),
    ("unfreeze", MembershipChange::Unfreeze),
];

/// Parse and validate a scenario text. `file` is the name used in errors.
/// Warnings are dropped: see [`parse_scenario_loaded`] to keep them.
pub fn parse_scenario(file: &str, text: &str, world: &World) -> Result<Scenario, LoadError> {
    parse_scenario_loaded(file, text, world).map(|l| l.value)
}

/// Parse and validate a scenario text, with the warnings it raises (figures
/// the scenario's dates lie beyond).
pub fn parse_scenario_loaded(
    file: &str,
    text: &str,
    world: &World,
) -> Result<Loaded<Scenario>, LoadError> {
    let mut rep = Reporter::new(file, text);
    let raw: RawScenario = match toml::from_str(text) {
        Ok(r) => r,
        Err(e) => {
            rep.toml(&e);
            return Err(LoadError(rep.problems));
        }
    };
    check::finite_numbers(&mut rep, &Locator::new(text));
    let alliance = world.alliances.get(raw.alliance.get_ref());
    let mut v = Validator {
        rep,
        world,
        alliance,
    };
    if *raw.format.get_ref() != FORMAT {
        v.rep.at(
            raw.format.span(),
            format!("scenario format {} is not supported", raw.format.get_ref()),
            Some(format!("this build reads format = {FORMAT}")),
        );
    }
    let id = raw.id.get_ref();
    if id.is_empty()
        || !id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    {
        v.rep.at(
            raw.id.span(),
            format!("scenario id `{id}` must be lowercase letters, digits and dashes"),
            Some("for example: id = \"armenia-2022\"".into()),
        );
    }
    if alliance.is_none() {
        let known: Vec<&str> = world.alliances.keys().map(String::as_str).collect();
        v.rep.at(
            raw.alliance.span(),
            format!("unknown alliance `{}`", raw.alliance.get_ref()),
            Some(format!("known alliances: {}", known.join(", "))),
        );
    }
    if raw.events.is_empty() {
        v.rep.at(
            0..0,
            "the scenario has no events",
            Some("add at least one [[events]] table".into()),
        );
    }
    let mut events: Vec<Event> = Vec::new();
    let mut seen: BTreeMap<String, (Date, bool)> = BTreeMap::new();
    let mut prev: Option<Date> = None;
    for ev in &raw.events {
        let span = ev.span();
        let e = ev.get_ref();
        let date = *e.date.get_ref();
        if let Some(p) = prev
            && date < p
        {
            v.rep.at(
                e.date.span(),
                format!(
                    "event `{}` is dated {date}, before the previous event ({p})",
                    e.id.get_ref()
                ),
                Some("list events in date order".into()),
            );
        }
        prev = Some(prev.map_or(date, |p| p.max(date)));
        if seen.contains_key(e.id.get_ref()) {
            v.rep.at(
                e.id.span(),
                format!("event id `{}` is used twice", e.id.get_ref()),
                Some("give every event its own id".into()),
            );
        }
        let kind_name = e.kind.get_ref().as_str();
        let Some((_, allowed)) = KIND_KEYS.iter().find(|(k, _)| *k == kind_name) else {
            let names: Vec<&str> = KIND_KEYS.iter().map(|(k, _)| *k).collect();
            v.rep.at(
                e.kind.span(),
                format!("unknown event kind `{kind_name}`"),
                Some(format!("expected one of: {}", names.join(", "))),
            );
            continue;
        };
        for (key, kspan) in e.present() {
            if !allowed.contains(&key) {
                v.rep.at(
                    kspan,
                    format!("the key `{key}` does not belong to a `{kind_name}` event"),
                    Some(format!(
                        "a `{kind_name}` event takes: {}",
                        allowed.join(", ")
                    )),
                );
            }
        }
        let kind = build_kind(&mut v, e, kind_name, span.clone(), date, &seen);
        const CRISES: [&str; 5] = [
            "external_aggression",
            "threat",
            "internal_unrest",
            "intra_member_conflict",
            "out_of_area_war",
        ];
        seen.insert(e.id.get_ref().clone(), (date, CRISES.contains(&kind_name)));
        if let Some(kind) = kind {
            events.push(Event {
                id: e.id.get_ref().clone(),
                date,
                kind,
                title: e.title.clone(),
                source: e.source.clone(),
            });
        }
    }
    let mut overrides = Vec::new();
    for (i, o) in raw.overrides.iter().enumerate() {
        if let Some(ov) = build_override(&mut v, i, o, &events) {
            overrides.push(ov);
        }
    }
    if let (Some(last), Some(raw_last)) = (events.last(), raw.events.last()) {
        let world = world.with_overrides(&overrides);
        let named = named_states(&raw.events);
        beyond_the_data(
            &mut v.rep,
            &world,
            alliance,
            &named,
            last.date,
            raw_last.get_ref(),
        );
    }
    let scenario = Scenario {
        id: raw.id.into_inner(),
        title: raw.title,
        description: raw.description,
        alliance: raw.alliance.into_inner(),
        seed: raw.seed,
        events,
        overrides,
        sources: raw.sources,
    };
    v.rep.finish_loaded(scenario)
}

/// The state codes an event table names, in any role.
fn named_states(events: &[S<RawEvent>]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for e in events {
        let e = e.get_ref();
        for f in [
            &e.aggressor,
            &e.from,
            &e.target,
            &e.territory_of,
            &e.state,
            &e.member,
            &e.against,
            &e.requester,
            &e.to,
            &e.host,
            &e.partner,
        ]
        .into_iter()
        .flatten()
        {
            out.push(f.get_ref().clone());
        }
        if let Some(p) = &e.parties {
            out.extend(p.get_ref().iter().map(|s| s.get_ref().clone()));
        }
    }
    out.sort();
    out.dedup();
    out
}

/// A warning per figure whose data end before the scenario's last year, for the
/// states the model reads (those the events name and the participating
/// members): the model then carries the latest figure forward
/// ([`casus_model::provenance::Series::at`]), and the user is told which year it
/// falls back to.
fn beyond_the_data(
    rep: &mut Reporter,
    world: &World,
    alliance: Option<&casus_model::alliance::Alliance>,
    named: &[String],
    last: Date,
    raw_last: &RawEvent,
) {
    let mut read: Vec<&str> = named.iter().map(String::as_str).collect();
    if let Some(a) = alliance {
        // Members whose participation is suspended take no part in decisions.
        read.extend(
            a.members_on(last)
                .into_iter()
                .filter(|m| a.is_participating(m, last)),
        );
    }
    read.sort();
    read.dedup();
    for (name, attribute) in Attribute::ALL {
        // fallback year → states
        let mut by_year: BTreeMap<i32, Vec<&str>> = BTreeMap::new();
        for code in &read {
            let Some(s) = world.states.get(*code) else {
                continue;
            };
            let series = match attribute {
                Attribute::Population => &s.population,
                Attribute::GdpUsd => &s.gdp_usd,
                Attribute::DefenceSpendingUsd => &s.defence_spending_usd,
                Attribute::ActivePersonnel => &s.active_personnel,
                Attribute::FreedomScore => &s.freedom_score,
            };
            // Beyond the data, not in a gap between two observations.
            let latest = series.0.iter().filter(|o| o.used).map(|o| o.year).max();
            if let Some(o) = series.at(last.year)
                && latest.is_some_and(|y| y < last.year)
            {
                by_year.entry(o.year).or_default().push(code);
            }
        }
        if by_year.is_empty() {
            continue;
        }
        let parts: Vec<String> = by_year
            .iter()
            .rev()
            .map(|(y, codes)| format!("{y} for {}", codes.join(", ")))
            .collect();
        rep.warn(
            raw_last.date.span(),
            format!(
                "no `{name}` figure for {} (the scenario's last year): the model falls back to {}",
                last.year,
                parts.join("; ")
            ),
            Some(format!(
                "add an override with a sourced {} figure (attribute = \"{name}\", year = {}) if one exists",
                last.year, last.year
            )),
        );
    }
}

/// The `reach` of a crisis; national when the scenario does not say.
fn reach_of(v: &mut Validator, e: &RawEvent) -> Option<Reach> {
    match &e.reach {
        Some(s) => v.choice(s, REACH, "reach"),
        None => Some(Reach::National),
    }
}

fn build_kind(
    v: &mut Validator,
    e: &RawEvent,
    kind: &str,
    at: Range<usize>,
    date: Date,
    seen: &BTreeMap<String, (Date, bool)>,
) -> Option<EventKind> {
    let f64of = |x: &Option<S<f64>>| x.as_ref().map(|s| *s.get_ref());
    match kind {
        "external_aggression" => {
            let target = v.req_state(&e.target, "target", kind, at.clone());
            let territory = match &e.territory_of {
                Some(t) => v.state(t),
                None => target.clone(),
            };
            let aggressor = e.aggressor.as_ref().and_then(|a| v.state(a));
            v.distinct(
                &aggressor,
                &target,
                e.aggressor.as_ref(),
                "is both the aggressor and the target: a state does not attack itself",
            );
            v.bounded("casualties", &e.casualties, check::PEOPLE);
            if e.aggressor.is_none() && e.aggressor_non_state.is_none() {
                v.rep.at(
                    at,
                    "an `external_aggression` event needs `aggressor` (a state code) or `aggressor_non_state` (a name)",
                    None,
                );
            }
            let reach = reach_of(v, e);
            Some(EventKind::ExternalAggression {
                aggressor,
                aggressor_non_state: e.aggressor_non_state.as_ref().map(|s| s.get_ref().clone()),
                target: target?,
                territory_of: territory?,
                reach: reach?,
                casualties: f64of(&e.casualties),
            })
        }
        "threat" => {
            let target = v.req_state(&e.target, "target", kind, at.clone());
            let from = e.from.as_ref().and_then(|a| v.state(a));
            if let (Some(f), Some(t)) = (&from, &target)
                && f == t
                && let Some(span) = e.from.as_ref().map(|s| s.span())
            {
                v.rep.at(
                    span,
                    format!(
                        "`from = \"{f}\"` is the state threatened: a state does not threaten itself"
                    ),
                    Some("for trouble inside a member, use `internal_unrest`".into()),
                );
            }
            v.bounded("casualties", &e.casualties, check::PEOPLE);
            if e.from.is_none() && e.from_non_state.is_none() {
                v.rep.at(
                    at,
                    "a `threat` event needs `from` (a state code) or `from_non_state` (a name)",
                    Some("from_non_state = \"Taliban\" or from = \"AZE\"".into()),
                );
            }
            Some(EventKind::Threat {
                from,
                from_non_state: e.from_non_state.as_ref().map(|s| s.get_ref().clone()),
                target: target?,
                casualties: f64of(&e.casualties),
            })
        }
        "internal_unrest" => {
            let state = v.req_state(&e.state, "state", kind, at.clone());
            let inv = match &e.external_involvement {
                Some(s) => v.choice(s, INVOLVEMENT, "external_involvement"),
                None => Some(Involvement::None),
            };
            v.bounded("casualties", &e.casualties, check::PEOPLE);
            let reach = reach_of(v, e);
            Some(EventKind::InternalUnrest {
                state: state?,
                external_involvement: inv?,
                reach: reach?,
                casualties: f64of(&e.casualties),
                seizure: e.seizure.as_ref().is_some_and(|f| *f.get_ref()),
            })
        }
        "intra_member_conflict" => {
            let parties = v.require(&e.parties, "parties", kind, at.clone())?;
            if parties.get_ref().len() != 2 {
                v.rep.at(
                    parties.span(),
                    "`parties` must name exactly two states",
                    Some("parties = [\"KGZ\", \"TJK\"]".into()),
                );
                return None;
            }
            let a = v.state(&parties.get_ref()[0]);
            let b = v.state(&parties.get_ref()[1]);
            v.member(
                &a,
                Some(&parties.get_ref()[0]),
                date,
                "party to an intra_member_conflict",
            );
            v.member(
                &b,
                Some(&parties.get_ref()[1]),
                date,
                "party to an intra_member_conflict",
            );
            v.distinct(
                &a,
                &b,
                Some(&parties.get_ref()[1]),
                "is named twice in `parties`: a conflict between members has two sides",
            );
            v.bounded("casualties", &e.casualties, check::PEOPLE);
            let territory = e.territory_of.as_ref().and_then(|t| v.state(t));
            Some(EventKind::IntraMemberConflict {
                parties: [a?, b?],
                territory_of: territory,
                casualties: f64of(&e.casualties),
            })
        }
        "out_of_area_war" => {
            let member = v.req_state(&e.member, "member", kind, at.clone());
            v.member(
                &member,
                e.member.as_ref(),
                date,
                "member waging an out_of_area_war",
            );
            let against = v.req_state(&e.against, "against", kind, at.clone());
            v.distinct(
                &member,
                &against,
                e.against.as_ref(),
                "is both the member and its enemy: a state does not wage war on itself",
            );
            v.bounded("personnel_committed", &e.personnel_committed, check::PEOPLE);
            let territory = match &e.territory_of {
                Some(t) => v.state(t),
                None => against.clone(),
            };
            Some(EventKind::OutOfAreaWar {
                member: member?,
                against: against?,
                territory_of: territory?,
                personnel_committed: f64of(&e.personnel_committed),
            })
        }
        "request" => {
            let requester = v.req_state(&e.requester, "requester", kind, at.clone());
            let to = v
                .require(&e.to, "to", kind, at.clone())
                .map(|t| (t.get_ref().clone(), t.span()));
            let to_alliance = to
                .as_ref()
                .is_some_and(|(t, _)| v.world.alliances.contains_key(t));
            if let Some((t, sp)) = &to
                && !to_alliance
                && !v.world.states.contains_key(t)
            {
                v.rep.at(
                    sp.clone(),
                    format!("`to = \"{t}\"` is neither an alliance nor a known state"),
                    Some(
                        "name the alliance (\"CSTO\") or a state code for a bilateral request"
                            .into(),
                    ),
                );
            }
            if let (Some(r), Some((t, _))) = (&requester, &to)
                && r == t
                && let Some(at) = e.to.as_ref()
            {
                v.rep.at(
                    at.span(),
                    format!("{r} requests help from itself"),
                    Some("`to` names the alliance or another state".into()),
                );
            }
            v.bounded("troops", &e.troops, check::PEOPLE);
            if to_alliance {
                v.member(
                    &requester,
                    e.requester.as_ref(),
                    date,
                    "requester to the alliance",
                );
            }
            if let (Some(art), Some(a), true) = (&e.article, v.alliance, to_alliance)
                && a.provision(art.get_ref()).is_none()
            {
                let ids: Vec<&str> = a.provisions.iter().map(|p| p.id.as_str()).collect();
                v.rep.at(
                    art.span(),
                    format!("`{}` is not a provision of {}", art.get_ref(), a.id),
                    Some(format!("provisions: {}", ids.join(", "))),
                );
            }
            let crisis = v.require(&e.crisis, "crisis", kind, at.clone());
            if let Some(c) = crisis {
                match seen.get(c.get_ref()) {
                    Some((_, true)) => {}
                    Some((_, false)) => v.rep.at(
                        c.span(),
                        format!("`crisis = \"{}\"` names an event that is not a crisis", c.get_ref()),
                        Some("a request refers to an external_aggression, threat, internal_unrest, intra_member_conflict or out_of_area_war event".into()),
                    ),
                    None => v.rep.at(
                        c.span(),
                        format!("`crisis = \"{}\"` names no earlier event", c.get_ref()),
                        Some("give the id of a crisis event listed before the request".into()),
                    ),
                }
            }
            let asks = v.require(&e.asks, "asks", kind, at.clone());
            let asks = asks.and_then(|s| v.choice(s, ASKS, "asks"));
            let territory = match &e.territory_of {
                Some(t) => v.state(t),
                None => requester.clone(),
            };
            Some(EventKind::Request {
                requester: requester?,
                to: to?.0,
                article: e.article.as_ref().map(|a| a.get_ref().clone()),
                asks: asks?,
                crisis: crisis?.get_ref().clone(),
                formal: e.formal.as_ref().is_none_or(|f| *f.get_ref()),
                territory_of: territory?,
                troops: f64of(&e.troops),
                unsc_mandate: e.unsc_mandate.as_ref().is_some_and(|f| *f.get_ref()),
            })
        }
        "summit" => {
            let host = v.req_state(&e.host, "host", kind, at.clone());
            v.member(&host, e.host.as_ref(), date, "summit host");
            let organ = match (&e.organ, v.alliance) {
                (Some(o), Some(a)) => {
                    if a.organ(o.get_ref()).is_none() {
                        let ids: Vec<&str> = a.organs.iter().map(|o| o.id.as_str()).collect();
                        v.rep.at(
                            o.span(),
                            format!("unknown organ `{}`", o.get_ref()),
                            Some(format!("organs: {}", ids.join(", "))),
                        );
                    }
                    o.get_ref().clone()
                }
                (None, Some(a)) => a.deciding_organ.clone(),
                (o, None) => o.as_ref().map(|o| o.get_ref().clone()).unwrap_or_default(),
            };
            Some(EventKind::Summit {
                host: host?,
                organ,
                declaration: e.declaration.as_ref().map(|d| d.get_ref().clone()),
            })
        }
        "exercise" => {
            let host = v.req_state(&e.host, "host", kind, at.clone());
            let name = v
                .require(&e.name, "name", kind, at.clone())
                .map(|n| n.get_ref().clone());
            Some(EventKind::Exercise {
                name: name?,
                host: host?,
            })
        }
        "membership_change" => {
            let state = v.req_state(&e.state, "state", kind, at.clone());
            let change = v.require(&e.change, "change", kind, at.clone());
            let change = change.and_then(|c| v.choice(c, CHANGES, "membership change"));
            if let (Some(s), Some(c), Some(a)) = (&state, change, v.alliance) {
                let member = a.is_member(s, date);
                if c == MembershipChange::Join && member {
                    v.rep.at(
                        e.state.as_ref().unwrap().span(),
                        format!("{s} is already a member of {} on {date}", a.id),
                        None,
                    );
                } else if c != MembershipChange::Join {
                    v.member(
                        &state,
                        e.state.as_ref(),
                        date,
                        "state changing its participation",
                    );
                }
            }
            Some(EventKind::Membership {
                state: state?,
                change: change?,
            })
        }
        "capability_shock" => {
            let state = v.req_state(&e.state, "state", kind, at.clone());
            let p = v.require(
                &e.personnel_committed,
                "personnel_committed",
                kind,
                at.clone(),
            );
            v.bounded(
                "personnel_committed",
                &e.personnel_committed,
                check::PEOPLE_CHANGE,
            );
            Some(EventKind::CapabilityShock {
                state: state?,
                personnel_committed: *p?.get_ref(),
            })
        }
        "war_outcome" => {
            let member = v.req_state(&e.member, "member", kind, at.clone());
            v.member(&member, e.member.as_ref(), date, "member whose war ends");
            let against = v.req_state(&e.against, "against", kind, at.clone());
            v.distinct(
                &member,
                &against,
                e.against.as_ref(),
                "is both the member and its enemy: a state does not wage war on itself",
            );
            let result = v.require(&e.result, "result", kind, at.clone());
            let result = result.and_then(|r| v.choice(r, RESULTS, "war result"));
            Some(EventKind::WarOutcome {
                member: member?,
                against: against?,
                result: result?,
            })
        }
        "partnership" => {
            let state = v.req_state(&e.state, "state", kind, at.clone());
            let partner = v.req_state(&e.partner, "partner", kind, at.clone());
            v.distinct(
                &state,
                &partner,
                e.partner.as_ref(),
                "is named as its own partner: a partnership binds two states",
            );
            Some(EventKind::Partnership {
                state: state?,
                partner: partner?,
            })
        }
        _ => None,
    }
}

const RESULTS: &[(&str, WarResult)] = &[
    ("lost", WarResult::Lost),
    ("stalemate", WarResult::Stalemate),
    ("won", WarResult::Won),
];

fn build_override(
    v: &mut Validator,
    index: usize,
    o: &S<RawOverride>,
    events: &[Event],
) -> Option<Override> {
    let span = o.span();
    let r = o.get_ref();
    let alliance_id = |v: &mut Validator, a: &Option<S<String>>| -> Option<String> {
        let Some(a) = a else {
            v.rep
                .at(span.clone(), "this override needs `alliance = \"…\"`", None);
            return None;
        };
        if v.world.alliances.contains_key(a.get_ref()) {
            Some(a.get_ref().clone())
        } else {
            v.rep.at(
                a.span(),
                format!("unknown alliance `{}`", a.get_ref()),
                None,
            );
            None
        }
    };
    if let Some(attr) = &r.attribute {
        let state = v.req_state(&r.state, "state", "state-attribute override", span.clone());
        let attribute = v.choice(attr, &Attribute::ALL, "attribute");
        let (Some(year), Some(value)) = (&r.year, &r.value) else {
            v.rep.at(
                span,
                "a state-attribute override needs `year` and `value`",
                None,
            );
            return None;
        };
        let Some(source) = r.source.clone() else {
            v.rep.at(
                span,
                "an override of a figure needs `source`",
                Some("every figure carries its source".into()),
            );
            return None;
        };
        let y = *year.get_ref();
        if !check::YEAR.admits(f64::from(y)) {
            v.rep.at(
                year.span(),
                check::YEAR.message("year", f64::from(y)),
                Some("the year the figure refers to".into()),
            );
        }
        if let Some(a) = attribute {
            v.bounded("value", &Some(value.clone()), check::attribute_bound(a));
        }
        return Some(Override::StateAttribute {
            state: state?,
            attribute: attribute?,
            year: y,
            value: *value.get_ref(),
            source,
        });
    }
    if let Some(p) = &r.remove_provision {
        let a = alliance_id(v, &r.alliance)?;
        if v.world.alliances[&a].provision(p.get_ref()).is_none() {
            v.rep.at(
                p.span(),
                format!("{a} has no provision `{}`", p.get_ref()),
                None,
            );
            return None;
        }
        return Some(Override::RemoveProvision {
            alliance: a,
            provision: p.get_ref().clone(),
        });
    }
    if let Some(l) = &r.leading_power {
        let a = alliance_id(v, &r.alliance)?;
        let state = if l.get_ref().is_empty() {
            None
        } else {
            Some(v.state(l)?)
        };
        if let Some(code) = &state {
            let al = &v.world.alliances[&a];
            let joins = events.iter().any(|e| {
                matches!(&e.kind, EventKind::Membership { state, change: MembershipChange::Join } if state == code)
            });
            if !al.members.iter().any(|m| &m.state == code) && !joins {
                let members: Vec<&str> = al.members.iter().map(|m| m.state.as_str()).collect();
                v.rep.at(
                    l.span(),
                    format!("the leading power {code} is not a member of {a}"),
                    Some(format!(
                        "name a member ({}), add a `membership_change` event in which it joins, or give \"\" for no leading power",
                        members.join(", ")
                    )),
                );
                return None;
            }
        }
        return Some(Override::LeadingPower { alliance: a, state });
    }
    if let (Some(organ), Some(rule)) = (&r.organ, &r.rule) {
        let a = alliance_id(v, &r.alliance)?;
        if v.world.alliances[&a].organ(organ.get_ref()).is_none() {
            v.rep.at(
                organ.span(),
                format!("{a} has no organ `{}`", organ.get_ref()),
                None,
            );
            return None;
        }
        if let DecisionRule::Majority { share } = rule.get_ref()
            && share.is_finite()
            && !check::MAJORITY.admits(*share)
        {
            v.rep.at(
                rule.span(),
                check::MAJORITY.message("share", *share),
                Some("a majority needs a share of the members above 0 and at most 1, e.g. share = 0.5".into()),
            );
            return None;
        }
        return Some(Override::OrganRule {
            alliance: a,
            organ: organ.get_ref().clone(),
            rule: rule.get_ref().clone(),
        });
    }
    if let Some(rel) = &r.relation {
        let rr = rel.get_ref();
        for p in &rr.parties {
            if !v.world.states.contains_key(p) {
                v.rep.at(
                    rel.span(),
                    format!("relation names unknown state `{p}`"),
                    Some(known_states(v.world)),
                );
                return None;
            }
        }
        let before = v.rep.problems.len();
        let loc = Locator::new(v.rep.text);
        let path = [
            Seg::Key("overrides"),
            Seg::Index(index),
            Seg::Key("relation"),
        ];
        check::relation(&mut v.rep, &loc, &path, rr);
        if v.rep.problems.len() > before {
            return None;
        }
        return Some(Override::Relation(rr.clone()));
    }
    v.rep.at(
        span,
        "this override says nothing the format knows",
        Some("use attribute+state+year+value+source, remove_provision, leading_power, organ+rule or relation (docs/scenario-format.md)".into()),
    );
    None
}
