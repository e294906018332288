//! Semantic checks shared by every file format: the *meaning* of values that
//! parsed. Numbers are finite and in their range, shares are fractions, a state
//! does not ally with, attack or host itself, periods do not end before they
//! begin. Files parsed straight into model types (states, alliances, relations)
//! carry no spans, so a [`Locator`] re-reads the text as a spanned TOML tree and
//! points each problem at the key that holds it.

use crate::error::Reporter;
use casus_model::alliance::{Alliance, DecisionRule, Period};
use casus_model::provenance::Series;
use casus_model::scenario::Attribute;
use casus_model::state::{Relation, State};
use casus_model::treaty::Rule;
use std::ops::Range;
use toml::Spanned;
use toml::de::{DeTable, DeValue};

/// One step of a path into a TOML document: a key or an array index.
#[derive(Clone, Copy, Debug)]
pub enum Seg<'a> {
    Key(&'a str),
    Index(usize),
}

/// The allowed range of a kind of number, with its unit for messages.
#[derive(Clone, Copy, Debug)]
pub struct Bound {
    pub min: f64,
    pub max: f64,
    /// Whether `min` itself is allowed.
    pub min_inclusive: bool,
    pub what: &'static str,
}

impl Bound {
    const fn closed(min: f64, max: f64, what: &'static str) -> Bound {
        Bound {
            min,
            max,
            min_inclusive: true,
            what,
        }
    }

    /// Whether `v` is finite and within the bound.
    pub fn admits(&self, v: f64) -> bool {
        v.is_finite()
            && v <= self.max
            && if self.min_inclusive {
                v >= self.min
            } else {
                v > self.min
            }
    }

    /// The message for a finite value outside the bound.
    pub fn message(&self, name: &str, v: f64) -> String {
        let lower = if self.min_inclusive { "from" } else { "above" };
        format!(
            "`{name}` = {v} is out of range: {} runs {lower} {} to {}",
            self.what,
            num(self.min),
            num(self.max)
        )
    }
}

fn num(v: f64) -> String {
    if v.abs() >= 1e6 {
        format!("{v:e}")
    } else {
        format!("{v}")
    }
}

/// Counts of people: casualties, troops, personnel. A billion is more than any
/// army or war has had; a larger figure is a typing error.
pub const PEOPLE: Bound = Bound::closed(0.0, 1e9, "a count of people");
/// A change of personnel (committed elsewhere: positive; freed: negative).
pub const PEOPLE_CHANGE: Bound = Bound::closed(-1e9, 1e9, "a change of personnel");
/// A share of a whole.
pub const SHARE: Bound = Bound::closed(0.0, 1.0, "a share");
/// The share of members a majority rule needs: more than none, at most all.
pub const MAJORITY: Bound = Bound {
    min: 0.0,
    max: 1.0,
    min_inclusive: false,
    what: "the share of members a majority needs",
};
/// The years the data and the model can speak of.
pub const YEAR: Bound = Bound::closed(1800.0, 2200.0, "a year");
/// Residents (the world has about 8e9).
pub const POPULATION: Bound = Bound::closed(0.0, 2e10, "a population");
/// US dollars of a state's GDP or budget (world GDP is about 1.1e14).
pub const USD: Bound = Bound::closed(0.0, 1e15, "an amount in US dollars");
/// The Freedom House aggregate score.
pub const FREEDOM: Bound = Bound::closed(0.0, 100.0, "a Freedom House score");
/// Months of notice in a withdrawal clause.
pub const NOTICE_MONTHS: Bound = Bound::closed(0.0, 120.0, "a notice period in months");

/// The bound of a state attribute.
pub fn attribute_bound(a: Attribute) -> Bound {
    match a {
        Attribute::Population => POPULATION,
        Attribute::GdpUsd | Attribute::DefenceSpendingUsd => USD,
        Attribute::ActivePersonnel => PEOPLE,
        Attribute::FreedomScore => FREEDOM,
    }
}

/// Where the values of a TOML text are: a spanned tree, read once.
pub struct Locator<'a> {
    root: Option<Spanned<DeTable<'a>>>,
}

impl<'a> Locator<'a> {
    pub fn new(text: &'a str) -> Self {
        Locator {
            root: DeTable::parse(text).ok(),
        }
    }

    /// The span of the value at `path`, else of its nearest ancestor that exists.
    pub fn span(&self, path: &[Seg]) -> Range<usize> {
        let Some(root) = &self.root else {
            return 0..0;
        };
        let mut best = 0..0;
        let mut table: Option<&DeTable> = Some(root.get_ref());
        let mut array: Option<&[Spanned<DeValue>]> = None;
        for seg in path {
            let next: Option<&Spanned<DeValue>> = match (seg, table, array) {
                (Seg::Key(k), Some(t), _) => t
                    .iter()
                    .find(|(key, _)| key.get_ref().as_ref() == *k)
                    .map(|(_, v)| v),
                (Seg::Index(i), _, Some(a)) => a.get(*i),
                _ => None,
            };
            let Some(v) = next else { break };
            best = v.span();
            table = v.get_ref().as_table();
            array = v.get_ref().as_array().map(|a| &a[..]);
        }
        best
    }

    /// Every float in the document that is not finite (`nan`, `inf`), with its
    /// span and dotted name. No casus file has a use for them.
    pub fn non_finite(&self) -> Vec<(String, Range<usize>, String)> {
        let mut out = Vec::new();
        if let Some(root) = &self.root {
            for (k, v) in root.get_ref().iter() {
                walk(k.get_ref(), v, &mut out);
            }
        }
        out
    }
}

fn walk(name: &str, v: &Spanned<DeValue>, out: &mut Vec<(String, Range<usize>, String)>) {
    match v.get_ref() {
        DeValue::Float(f) => {
            let s = f.as_str();
            if s.parse::<f64>().map_or(true, |x| !x.is_finite()) {
                out.push((name.to_string(), v.span(), s.to_string()));
            }
        }
        DeValue::Table(t) => {
            for (k, x) in t.iter() {
                walk(&format!("{name}.{}", k.get_ref()), x, out);
            }
        }
        DeValue::Array(a) => {
            for x in a.iter() {
                walk(name, x, out);
            }
        }
        _ => {}
    }
}

/// Report every non-finite number of a text.
pub fn finite_numbers(rep: &mut Reporter, loc: &Locator) {
    for (name, span, found) in loc.non_finite() {
        rep.at(
            span,
            format!("`{name}` = {found} is not a finite number"),
            Some("give a number (nan and inf mean nothing here)".into()),
        );
    }
}

/// A number against its bound, located at `path`. Non-finite numbers are left
/// to [`finite_numbers`], which reports each once.
pub fn bounded(rep: &mut Reporter, loc: &Locator, path: &[Seg], v: f64, b: Bound) {
    if v.is_finite() && !b.admits(v) {
        let name = path
            .iter()
            .rev()
            .find_map(|s| match s {
                Seg::Key(k) => Some(*k),
                Seg::Index(_) => None,
            })
            .unwrap_or("value");
        rep.at(
            loc.span(path),
            b.message(name, v),
            Some("correct the figure (and its source)".into()),
        );
    }
}

/// Whether a state code is an ISO 3166-1 alpha-3 code in form.
pub fn is_alpha3(code: &str) -> bool {
    code.len() == 3 && code.chars().all(|c| c.is_ascii_uppercase())
}

fn series(rep: &mut Reporter, loc: &Locator, key: &str, s: &Series, b: Bound) {
    for (i, o) in s.0.iter().enumerate() {
        let at = |f| [Seg::Key(key), Seg::Index(i), Seg::Key(f)];
        bounded(rep, loc, &at("year"), f64::from(o.year), YEAR);
        bounded(rep, loc, &at("value"), o.value, b);
        if let Some(l) = o.low {
            bounded(rep, loc, &at("low"), l, b);
        }
        if let Some(h) = o.high {
            bounded(rep, loc, &at("high"), h, b);
        }
        if let (Some(l), Some(h)) = (o.low, o.high)
            && l > h
        {
            rep.at(
                loc.span(&at("low")),
                format!("`low` = {l} is above `high` = {h}"),
                Some("a range runs from its lower to its upper bound".into()),
            );
        }
    }
}

/// The checks of a state file.
pub fn state(rep: &mut Reporter, loc: &Locator, s: &State) {
    if !is_alpha3(&s.code) {
        rep.at(
            loc.span(&[Seg::Key("code")]),
            format!("`code` = \"{}\" is not an ISO 3166-1 alpha-3 code", s.code),
            Some("three capital letters, e.g. \"ARM\"".into()),
        );
    }
    for (key, series_, attr) in [
        ("population", &s.population, Attribute::Population),
        ("gdp_usd", &s.gdp_usd, Attribute::GdpUsd),
        (
            "defence_spending_usd",
            &s.defence_spending_usd,
            Attribute::DefenceSpendingUsd,
        ),
        (
            "active_personnel",
            &s.active_personnel,
            Attribute::ActivePersonnel,
        ),
        ("freedom_score", &s.freedom_score, Attribute::FreedomScore),
    ] {
        series(rep, loc, key, series_, attribute_bound(attr));
    }
    for (i, t) in s.trade.iter().enumerate() {
        let at = |f| [Seg::Key("trade"), Seg::Index(i), Seg::Key(f)];
        bounded(rep, loc, &at("year"), f64::from(t.year), YEAR);
        bounded(rep, loc, &at("exports_share"), t.exports_share, SHARE);
        bounded(rep, loc, &at("imports_share"), t.imports_share, SHARE);
        if t.partner == s.code {
            rep.at(
                loc.span(&at("partner")),
                format!("{} is listed as its own trade partner", s.code),
                Some("trade shares are with other states (or \"EU\")".into()),
            );
        }
    }
    for (i, b) in s.foreign_bases.iter().enumerate() {
        let at = |f| [Seg::Key("foreign_bases"), Seg::Index(i), Seg::Key(f)];
        if b.operator == s.code {
            rep.at(
                loc.span(&at("operator")),
                format!(
                    "{} is listed as operating a foreign base on its own territory",
                    s.code
                ),
                Some("a foreign base is operated by another state".into()),
            );
        }
        if let Some(t) = b.troops {
            bounded(rep, loc, &at("troops"), t, PEOPLE);
        }
        bounded(rep, loc, &at("since"), f64::from(b.since), YEAR);
        if let Some(u) = b.until {
            bounded(rep, loc, &at("until"), f64::from(u), YEAR);
            if u < b.since {
                rep.at(
                    loc.span(&at("until")),
                    format!("the base closes ({u}) before it opens ({})", b.since),
                    Some("`until` is the year the facility closed".into()),
                );
            }
        }
    }
}

fn period_order(
    rep: &mut Reporter,
    loc: &Locator,
    path: &[Seg],
    from: casus_model::Date,
    until: Option<casus_model::Date>,
    from_key: &str,
) {
    if let Some(u) = until
        && u <= from
    {
        let mut p = path.to_vec();
        p.push(Seg::Key("until"));
        rep.at(
            loc.span(&p),
            format!("the period ends ({u}) before it begins (`{from_key}` = {from})"),
            Some("the end date is exclusive and must come after the start".into()),
        );
    }
}

/// The checks of a relation (in `relations.toml`, or a scenario's override).
pub fn relation(rep: &mut Reporter, loc: &Locator, path: &[Seg], r: &Relation) {
    if r.parties[0] == r.parties[1] {
        let mut p = path.to_vec();
        p.push(Seg::Key("parties"));
        rep.at(
            loc.span(&p),
            format!(
                "relation `{}` names {} twice: a state has no {:?} with itself",
                r.name, r.parties[0], r.kind
            ),
            Some("name the two different states it binds".into()),
        );
    }
    period_order(rep, loc, path, r.from, r.until, "from");
}

/// The checks of a decision rule.
pub fn decision_rule(rep: &mut Reporter, loc: &Locator, path: &[Seg], rule: &DecisionRule) {
    if let DecisionRule::Majority { share } = rule {
        let mut p = path.to_vec();
        p.push(Seg::Key("share"));
        bounded(rep, loc, &p, *share, MAJORITY);
    }
}

/// The checks of an alliance file.
pub fn alliance(rep: &mut Reporter, loc: &Locator, a: &Alliance) {
    for (i, o) in a.organs.iter().enumerate() {
        decision_rule(
            rep,
            loc,
            &[Seg::Key("organs"), Seg::Index(i), Seg::Key("rule")],
            &o.rule,
        );
    }
    if let Some(l) = &a.leading_power
        && !a.members.iter().any(|m| &m.state == l)
    {
        let members: Vec<&str> = a.members.iter().map(|m| m.state.as_str()).collect();
        rep.at(
            loc.span(&[Seg::Key("leading_power")]),
            format!("the leading power {l} is not a member of {}", a.id),
            Some(format!(
                "name one of its members ({}) or leave `leading_power` out",
                members.join(", ")
            )),
        );
    }
    for (i, m) in a.members.iter().enumerate() {
        let path = [Seg::Key("members"), Seg::Index(i)];
        if let Some(l) = m.left
            && l <= m.joined
        {
            rep.at(
                loc.span(&[path[0], path[1], Seg::Key("left")]),
                format!("{} leaves ({l}) before it joins ({})", m.state, m.joined),
                Some("`left` is the first day it is no longer a member".into()),
            );
        }
        for (j, p) in m.suspended.iter().enumerate() {
            let pp = [path[0], path[1], Seg::Key("suspended"), Seg::Index(j)];
            period_order(rep, loc, &pp, p.from, p.until, "from");
            let membership = Period {
                from: m.joined,
                until: m.left,
            };
            if !membership.contains(p.from) {
                rep.at(
                    loc.span(&[pp[0], pp[1], pp[2], pp[3], Seg::Key("from")]),
                    format!(
                        "{}'s suspension begins on {}, when it is not a member",
                        m.state, p.from
                    ),
                    Some("a suspension falls within the membership it suspends".into()),
                );
            }
        }
    }
    for (i, m) in a.members.iter().enumerate() {
        let period = Period {
            from: m.joined,
            until: m.left,
        };
        if let Some(earlier) = a.members[..i].iter().find(|o| {
            o.state == m.state
                && period.overlaps(&Period {
                    from: o.joined,
                    until: o.left,
                })
        }) {
            rep.at(
                loc.span(&[Seg::Key("members"), Seg::Index(i), Seg::Key("joined")]),
                format!(
                    "{} joins on {} while still a member since {}",
                    m.state, m.joined, earlier.joined
                ),
                Some("give the earlier membership its `left` date".into()),
            );
        }
    }
    for (i, c) in a.chairs.iter().enumerate() {
        if !a.is_member(&c.state, c.from) {
            rep.at(
                loc.span(&[Seg::Key("chairs"), Seg::Index(i), Seg::Key("state")]),
                format!(
                    "{} chairs {} from {}, when it is not a member",
                    c.state, a.id, c.from
                ),
                Some("the chair rotates among the members".into()),
            );
        }
        period_order(
            rep,
            loc,
            &[Seg::Key("chairs"), Seg::Index(i)],
            c.from,
            c.until,
            "from",
        );
    }
    for (i, ins) in a.instruments.iter().enumerate() {
        let path = [Seg::Key("instruments"), Seg::Index(i)];
        if ins.in_force < ins.signed {
            rep.at(
                loc.span(&[path[0], path[1], Seg::Key("in_force")]),
                format!(
                    "instrument {} enters into force ({}) before it is signed ({})",
                    ins.id, ins.in_force, ins.signed
                ),
                None,
            );
        }
        period_order(rep, loc, &path, ins.in_force, ins.until, "in_force");
    }
    for (i, p) in a.provisions.iter().enumerate() {
        period_order(
            rep,
            loc,
            &[Seg::Key("provisions"), Seg::Index(i), Seg::Key("in_force")],
            p.in_force.from,
            p.in_force.until,
            "from",
        );
        if let Rule::Withdrawal { notice_months } = p.rule {
            bounded(
                rep,
                loc,
                &[
                    Seg::Key("provisions"),
                    Seg::Index(i),
                    Seg::Key("rule"),
                    Seg::Key("notice_months"),
                ],
                f64::from(notice_months),
                NOTICE_MONTHS,
            );
        }
    }
    for (i, f) in a.forces.iter().enumerate() {
        let path = [Seg::Key("forces"), Seg::Index(i)];
        if let Some(s) = f.strength {
            bounded(
                rep,
                loc,
                &[path[0], path[1], Seg::Key("strength")],
                s,
                PEOPLE,
            );
        }
        for (j, c) in f.contingents.iter().enumerate() {
            let at = |k| {
                [
                    path[0],
                    path[1],
                    Seg::Key("contingents"),
                    Seg::Index(j),
                    Seg::Key(k),
                ]
            };
            bounded(rep, loc, &at("troops"), c.troops, PEOPLE);
            bounded(rep, loc, &at("year"), f64::from(c.year), YEAR);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_locator_finds_nested_keys_and_falls_back_to_the_parent() {
        let t = "a = 1\n[[s]]\nv = 2\n[[s]]\nv = nan\n";
        let loc = Locator::new(t);
        let sp = loc.span(&[Seg::Key("s"), Seg::Index(1), Seg::Key("v")]);
        assert_eq!(&t[sp], "nan");
        let nf = loc.non_finite();
        assert_eq!(nf.len(), 1);
        assert_eq!(nf[0].0, "s.v");
        assert_eq!(loc.span(&[Seg::Key("a")]), 4..5);
    }

    #[test]
    fn bounds_reject_nan_infinity_and_the_excluded_end() {
        assert!(!PEOPLE.admits(f64::NAN));
        assert!(!PEOPLE.admits(f64::INFINITY));
        assert!(!PEOPLE.admits(-5.0));
        assert!(!PEOPLE.admits(1e308));
        assert!(PEOPLE.admits(0.0));
        assert!(!MAJORITY.admits(0.0));
        assert!(MAJORITY.admits(1.0));
        assert!(!MAJORITY.admits(2.0));
    }
}
