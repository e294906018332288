//! `anchors`: the model's implied rate of honoured defence commitments, beside
//! the published reliability figures. Every participating member of an alliance
//! is attacked, in a war, by each outside state it has a sourced dispute with
//! (a `dispute` relation of the world in force on the date), and asks the alliance for forces under its collective-defence article; the
//! exact probabilities of the council's answer are averaged over these
//! synthetic invocations. The scenarios are built in memory, on the alliance the
//! request names.

use crate::progress::watch;
use crate::{Error, Progress, Threads};
use casus_model::Date;
use casus_model::event::{Ask, Event, EventKind, Reach};
use casus_model::forecast::{Plan, exact};
use casus_model::params::Params;
use casus_model::scenario::{Scenario, World};
use casus_model::state::RelationKind;
use casus_model::treaty::Rule;
use serde::Serialize;
use std::sync::atomic::Ordering;

/// The years of the published experiment: 2010–2024, every second year (the
/// period the case library covers best).
pub fn default_years() -> Vec<i32> {
    (2010..=2024).step_by(2).collect()
}

/// What the anchors experiment is asked.
#[derive(Clone, Debug, PartialEq)]
pub struct AnchorsRequest {
    /// The alliance whose collective-defence clause is tested.
    pub alliance: String,
    pub params: Params,
    /// The years of the invocations (each on 1 July); see [`default_years`].
    pub years: Vec<i32>,
    pub threads: Threads,
}

/// The implied reliability.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct AnchorsSummary {
    pub alliance: String,
    /// The collective-defence provision invoked.
    pub article: String,
    pub years: Vec<i32>,
    /// Every synthetic invocation made: (year, attacked member, attacker).
    pub pairs: Vec<(i32, String, String)>,
    /// How many of them the council answered.
    pub invocations: usize,
    /// Mean P(the council sends forces).
    pub honoured: f64,
    /// Mean P(a mission, no forces).
    pub partly: f64,
}

/// One synthetic invocation: `aggressor` attacks `victim` in a war on 1 July of
/// `date`'s year, and `victim` formally asks for forces under `article`.
fn invocation(
    alliance: &str,
    article: &str,
    victim: &str,
    aggressor: &str,
    date: Date,
) -> Scenario {
    let event = |id: &str, kind| Event {
        id: id.into(),
        date,
        kind,
        title: "t".into(),
        source: None,
    };
    Scenario {
        id: "anchor".into(),
        title: "t".into(),
        description: String::new(),
        alliance: alliance.into(),
        seed: 0,
        events: vec![
            event(
                "c",
                EventKind::ExternalAggression {
                    aggressor: Some(aggressor.into()),
                    aggressor_non_state: None,
                    target: victim.into(),
                    territory_of: victim.into(),
                    reach: Reach::National,
                    casualties: None,
                },
            ),
            event(
                "r",
                EventKind::Request {
                    requester: victim.into(),
                    to: alliance.into(),
                    article: Some(article.into()),
                    asks: Ask::Forces,
                    crisis: "c".into(),
                    formal: true,
                    territory_of: victim.into(),
                    troops: None,
                    unsc_mandate: false,
                },
            ),
        ],
        overrides: Vec::new(),
        sources: Vec::new(),
    }
}

/// Run the experiment; progress counts invocations.
pub fn anchors(
    world: &World,
    req: &AnchorsRequest,
    progress: &dyn Progress,
) -> Result<AnchorsSummary, Error> {
    use rayon::prelude::*;
    let Some(alliance) = world.alliances.get(&req.alliance) else {
        let ids: Vec<&str> = world.alliances.keys().map(String::as_str).collect();
        return Err(Error::Request(format!(
            "no alliance `{}`\n  help: alliances: {}",
            req.alliance,
            ids.join(", ")
        )));
    };
    let Some(article) = alliance
        .provisions
        .iter()
        .find(|p| matches!(p.rule, Rule::CollectiveDefence { .. }))
        .map(|p| p.id.clone())
    else {
        return Err(Error::Request(format!(
            "{} has no collective-defence provision to invoke",
            alliance.id
        )));
    };
    let mut scenarios = Vec::new();
    let mut pairs = Vec::new();
    for &year in &req.years {
        let date =
            Date::new(year, 7, 1).map_err(|e| Error::Request(format!("year {year}: {e}")))?;
        for victim in alliance.members_on(date) {
            if !alliance.is_participating(victim, date) {
                continue;
            }
            // Only non-members on that date (a former member, such as Azerbaijan
            // or Georgia, is an outsider now) with a sourced dispute with the
            // victim: an attack out of nowhere (Finland on Tajikistan) is no test
            // of a commitment anyone expects to be invoked.
            for aggressor in world.states.keys().filter(|o| {
                !alliance.is_member(o, date)
                    && world.related(RelationKind::Dispute, victim, o, date)
            }) {
                scenarios.push(invocation(&alliance.id, &article, victim, aggressor, date));
                pairs.push((year, victim.to_string(), aggressor.clone()));
            }
        }
    }
    let pool = req.threads.pool()?;
    let answers = watch(scenarios.len() as u64, progress, |done| {
        pool.install(|| {
            scenarios
                .par_iter()
                .map(|sc| {
                    let plan = Plan::new(world, sc, &req.params)?;
                    let o = exact(&plan)[1].outcomes;
                    done.fetch_add(1, Ordering::Relaxed);
                    Ok(o)
                })
                .collect::<Result<Vec<_>, Error>>()
        })
    })?;
    // Summed in a fixed order: the same bytes for any thread count.
    let (mut n, mut deployed, mut mission) = (0usize, 0.0, 0.0);
    for o in answers.into_iter().flatten() {
        n += 1;
        deployed += o[3];
        mission += o[2];
    }
    Ok(AnchorsSummary {
        alliance: alliance.id.clone(),
        article,
        years: req.years.clone(),
        pairs,
        invocations: n,
        honoured: deployed / n.max(1) as f64,
        partly: mission / n.max(1) as f64,
    })
}
