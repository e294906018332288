//! The forecast's own pieces on a small hand-made alliance (no bundled data):
//! the protocol's branches are a distribution, sampling reproduces the exact
//! enumeration, and the cache key tells apart the memories decisions read.

use super::memory::memory_key;
use super::plan::Step;
use super::protocol::{Sequel, protocol};
use super::*;
use crate::Date;
use crate::alliance::{
    Alliance, Chair, Contingent, DecisionRule, Force, Membership, Organ, Secretariat,
};
use crate::dynamics::{Memory, Outcome, Status};
use crate::event::{Ask, Event, EventKind, Reach};
use crate::params::Params;
use crate::provenance::{Observation, Series};
use crate::scenario::{Scenario, World};
use crate::state::{Region, State};
use std::collections::BTreeMap;

fn date(y: i32, m: u8, d: u8) -> Date {
    Date::new(y, m, d).unwrap()
}

fn series(v: f64) -> Series {
    Series(vec![Observation {
        year: 2020,
        value: v,
        source: "test".into(),
        low: None,
        high: None,
        used: true,
        note: None,
    }])
}

fn state(code: &str, spending: f64, personnel: f64) -> State {
    State {
        code: code.into(),
        name: code.into(),
        names: BTreeMap::new(),
        region: Region::CentralAsia,
        population: series(1e7),
        gdp_usd: series(1e11),
        defence_spending_usd: series(spending),
        active_personnel: series(personnel),
        freedom_score: series(30.0),
        trade: vec![],
        foreign_bases: vec![],
        note: None,
    }
}

/// Four members (AAA leads), an outsider XXX; consensus with a limited
/// format, a secretariat, a chair, a rapid reaction force; no treaty provisions.
fn world() -> World {
    let members = ["AAA", "BBB", "CCC", "DDD"];
    let mut states = BTreeMap::new();
    for (i, m) in members.iter().enumerate() {
        let s = state(m, 1e9 * (4 - i) as f64, 20_000.0 * (4 - i) as f64);
        states.insert(m.to_string(), s);
    }
    states.insert("XXX".into(), state("XXX", 2e8, 3_000.0));
    let alliance = Alliance {
        id: "AL".into(),
        name: "Test alliance".into(),
        names: BTreeMap::new(),
        leading_power: Some("AAA".into()),
        deciding_organ: "CSC".into(),
        associated: vec![],
        rivals: vec![],
        other_deciding_organs: vec![],
        designated: vec![],
        instruments: vec![],
        provisions: vec![],
        organs: vec![Organ {
            id: "CSC".into(),
            name: "council".into(),
            composition: "heads of state".into(),
            rule: DecisionRule::Consensus {
                limited_format: true,
            },
            decides: vec![],
            source: "test".into(),
            established: None,
            dissolved: None,
            absent: vec![],
            note: None,
        }],
        secretariat: Some(Secretariat {
            name: "secretariat".into(),
            may: vec![],
            source: "test".into(),
        }),
        chairs: vec![Chair {
            state: "CCC".into(),
            from: date(2019, 1, 1),
            until: None,
            source: "test".into(),
        }],
        members: members
            .iter()
            .map(|m| Membership {
                state: m.to_string(),
                joined: date(2000, 1, 1),
                left: None,
                suspended: vec![],
                source: "test".into(),
                note: None,
                obligations_suspended_by: vec![],
            })
            .collect(),
        forces: vec![Force {
            id: "rrf".into(),
            name: "rapid reaction force".into(),
            role: "rapid_reaction".into(),
            created: date(2009, 1, 1),
            until: None,
            strength: Some(4_000.0),
            contingents: members
                .iter()
                .enumerate()
                .map(|(i, m)| Contingent {
                    state: m.to_string(),
                    troops: 500.0 * (4 - i) as f64,
                    year: 2019,
                    source: "test".into(),
                    note: None,
                })
                .collect(),
            source: "test".into(),
            note: None,
        }],
        note: None,
    };
    World {
        states,
        relations: vec![],
        alliances: BTreeMap::from([("AL".to_string(), alliance)]),
    }
}

fn aggression(id: &str, on: Date, target: &str) -> Event {
    Event {
        id: id.into(),
        date: on,
        kind: EventKind::ExternalAggression {
            aggressor: Some("XXX".into()),
            aggressor_non_state: None,
            target: target.into(),
            territory_of: target.into(),
            reach: Reach::National,
            casualties: Some(40.0),
        },
        title: id.into(),
        source: None,
    }
}

/// Two crises the members concerned may ask about, then a crisis with a
/// formal request for forces.
fn scenario() -> Scenario {
    let request = Event {
        id: "request".into(),
        date: date(2020, 9, 3),
        kind: EventKind::Request {
            requester: "DDD".into(),
            to: "AL".into(),
            article: None,
            asks: Ask::Forces,
            crisis: "third".into(),
            formal: true,
            territory_of: "DDD".into(),
            troops: None,
            unsc_mandate: false,
        },
        title: "request".into(),
        source: None,
    };
    Scenario {
        id: "test".into(),
        title: "test".into(),
        description: String::new(),
        alliance: "AL".into(),
        seed: 1,
        events: vec![
            aggression("first", date(2020, 2, 1), "BBB"),
            aggression("second", date(2020, 5, 1), "CCC"),
            aggression("third", date(2020, 9, 1), "DDD"),
            request,
        ],
        overrides: vec![],
        sources: vec![],
    }
}

fn params() -> Params {
    let pairs: Vec<(&str, f64)> = Params::NAMES
        .iter()
        .map(|n| {
            let v = match *n {
                "airlift_per_day" => 700.0,
                "quorum" => 0.5,
                "initial_trust" => 0.5,
                "ask_help" => 2.0,
                "obligation" => 1.0,
                "trust" => 1.5,
                "forces_constant" => 0.5,
                "support_constant" => 0.8,
                "objection_cost" => 3.0,
                "objection_resolve" => 0.0,
                "follow_leader" => 0.0,
                "mood" => 0.0,
                "cost" => 0.0,
                _ => 0.1,
            };
            (*n, v)
        })
        .collect();
    Params::from_pairs(&pairs).unwrap()
}

fn plan() -> Plan {
    Plan::new(&world(), &scenario(), &params()).unwrap()
}

#[test]
fn every_protocol_lists_branches_that_sum_to_one() {
    let plan = plan();
    let mut seen = 0;
    for (ev, step) in plan.steps.iter() {
        let d = plan.decisions(step, plan.scenario.events[*ev].date, &Memory::default());
        let Some(p) = protocol(step, &d) else {
            continue;
        };
        seen += 1;
        let mut total = 0.0;
        for (q, sequel) in p.branches() {
            assert!((0.0..=1.0).contains(&q), "branch probability {q}");
            // The secretariat's call splits an unasked branch, it adds nothing.
            if let Sequel::Unasked {
                secretariat: Some(s),
            } = sequel
            {
                assert!((0.0..=1.0).contains(&s));
            }
            total += q;
        }
        assert!((total - 1.0).abs() < 1e-12, "event {ev}: {total}");
        // The given choice of an undrawn protocol is a branch that can happen.
        if p.choice.is_none() {
            assert!(p.branches().any(|(q, _)| q == 1.0));
        }
    }
    assert_eq!(seen, 3, "two crises without request and one formal request");
}

#[test]
fn a_formal_request_is_heard_and_answered_whatever_the_asker_would_have_chosen() {
    let plan = plan();
    let (ev, step) = plan
        .steps
        .iter()
        .find(|(ev, _)| *ev == 3)
        .expect("the request is a step");
    let d = plan.decisions(step, plan.scenario.events[*ev].date, &Memory::default());
    let p = protocol(step, &d).unwrap();
    assert!(p.choice.is_none());
    assert!(p.asks[p.given]);
    let Sequel::Sitting(h) = p.sequel(p.given) else {
        panic!("a formal request goes to the council");
    };
    assert_eq!(h.answers.map(|a| a.asked), Some(Outcome::Deployment));
}

#[test]
fn sampling_frequencies_match_the_exact_enumeration() {
    check_sampling_against_exact(&plan());
}

/// The same with the members following the leading power's stance and a
/// sharp choice between objecting and abstaining: sampling draws the leader
/// first and the others given it, the exact council sums over its stances.
#[test]
fn sampling_matches_the_exact_enumeration_when_members_follow_the_leader() {
    let p = params()
        .with("follow_leader", 1.0)
        .and_then(|p| p.with("objection_resolve", 1.0))
        .and_then(|p| p.with("objection_cost", 0.3))
        .unwrap();
    // The smaller members have defence treaties with the leader: they depend on it.
    let mut w = world();
    for m in ["BBB", "CCC", "DDD"] {
        w.relations.push(crate::state::Relation {
            kind: crate::state::RelationKind::DefenceTreaty,
            parties: ["AAA".into(), m.into()],
            name: "treaty".into(),
            from: date(2000, 1, 1),
            until: None,
            article: None,
            source: "test".into(),
            note: None,
        });
    }
    let plan = Plan::new(&w, &scenario(), &p).unwrap();
    let (ev, step) = plan.steps.iter().find(|(ev, _)| *ev == 3).unwrap();
    let d = plan.decisions(step, plan.scenario.events[*ev].date, &Memory::default());
    let f = d
        .following
        .as_ref()
        .expect("the leader decides and is followed");
    assert_eq!(d.members[f.leader].state, "AAA");
    // A follower that depends on the leader sends forces more often when the
    // leader does than when it objects.
    let i = (0..d.members.len()).find(|&i| i != f.leader).unwrap();
    assert!(f.given[0][i][0] > f.given[3][i][0], "{:?}", f.given);
    // Its shown probabilities are the mixture over the leader's stances.
    let lead = d.members[f.leader].probabilities;
    let mix: f64 = (0..4).map(|k| lead[k] * f.given[k][i][0]).sum();
    assert!((mix - d.members[i].probabilities[0]).abs() < 1e-12);
    check_sampling_against_exact(&plan);
}

/// The same where the sitting's mood varies, alone and with the members
/// following the leader: sampling draws the mood first, the exact council
/// sums over the three moods, and the members' shown probabilities are the
/// mixture over them.
#[test]
fn sampling_matches_the_exact_enumeration_when_the_sittings_mood_varies() {
    for follow in [0.0, 1.0] {
        let p = params()
            .with("mood", 1.5)
            .and_then(|p| p.with("follow_leader", follow))
            .unwrap();
        let plan = Plan::new(&world(), &scenario(), &p).unwrap();
        let (ev, step) = plan.steps.iter().find(|(ev, _)| *ev == 3).unwrap();
        let d = plan.decisions(step, plan.scenario.events[*ev].date, &Memory::default());
        assert_eq!(d.moods.len(), 3);
        assert!(d.following.is_none(), "the moods carry the following");
        let w: f64 = d.moods.iter().map(|m| m.weight).sum();
        assert!((w - 1.0).abs() < 1e-12);
        // A heated sitting makes every member readier to act than a calm one.
        for i in 0..d.members.len() {
            let act = |m: &crate::decision::Mood| m.probabilities[i][0] + m.probabilities[i][1];
            assert!(act(&d.moods[2]) > act(&d.moods[0]), "{:?}", d.moods);
            let mix: f64 = d
                .moods
                .iter()
                .map(|m| m.weight * m.probabilities[i][1])
                .sum();
            assert!((mix - d.members[i].probabilities[1]).abs() < 1e-12);
        }
        check_sampling_against_exact(&plan);
    }
}

/// At `mood` = 0 the stances are independent: no moods, the stream unchanged.
#[test]
fn without_a_mood_the_decisions_have_one_sitting_state() {
    let plan = plan();
    let (ev, step) = plan.steps.iter().find(|(ev, _)| *ev == 3).unwrap();
    let d = plan.decisions(step, plan.scenario.events[*ev].date, &Memory::default());
    assert!(d.moods.is_empty() && d.moods_consult.is_empty());
}

fn check_sampling_against_exact(plan: &Plan) {
    let ex = exact(plan);
    let runs = 20_000u64;
    let tallies = monte_carlo(plan, 11, runs, Some(1), &Default::default()).unwrap();
    let mut checked = 0;
    for (e, t) in ex.iter().zip(&tallies) {
        let Some(outcomes) = e.outcomes else {
            continue;
        };
        checked += 1;
        assert_eq!(t.decided, runs);
        assert!((outcomes.iter().sum::<f64>() - 1.0).abs() < 1e-9);
        for (k, p) in outcomes.iter().enumerate() {
            let freq = t.outcomes[k] as f64 / runs as f64;
            let sd = (p * (1.0 - p) / runs as f64).sqrt();
            assert!(
                (freq - p).abs() <= 4.5 * sd + 1e-3,
                "rung {k}: sampled {freq}, exact {p}"
            );
        }
        if let Some(p) = e.p_request {
            let freq = t.asked as f64 / t.ask_decided as f64;
            let sd = (p * (1.0 - p) / runs as f64).sqrt();
            assert!((freq - p).abs() <= 4.5 * sd + 1e-3, "asked: {freq} vs {p}");
        }
    }
    assert_eq!(checked, 3);
}

#[test]
fn troops_if_deployed_are_those_of_the_runs_that_deployed() {
    let plan = plan();
    let tallies = monte_carlo(&plan, 5, 5_000, Some(1), &Default::default()).unwrap();
    let (ev, step) = plan.steps.iter().find(|(ev, _)| *ev == 3).unwrap();
    let d = plan.decisions(step, plan.scenario.events[*ev].date, &Memory::default());
    let pledged: f64 = d.members.iter().map(|m| m.contribution).sum();
    let t = &tallies[3];
    let deployed = t.outcomes[Outcome::Deployment.rung()];
    assert!(deployed > 0);
    let mean = t.troops.values().sum::<u64>() as f64 / deployed as f64;
    assert!(
        mean >= d.required_force && mean <= pledged + d.members.len() as f64,
        "mean force {mean}, required {}, all pledges {pledged}",
        d.required_force
    );
}

#[test]
fn the_cache_key_tells_apart_every_memory_decisions_read() {
    let base = Memory::default();
    let variants: Vec<Memory> = vec![
        Memory {
            trust: BTreeMap::from([("BBB".into(), 0.4)]),
            ..Memory::default()
        },
        Memory {
            grievance: BTreeMap::from([("BBB".into(), 0.4)]),
            ..Memory::default()
        },
        Memory {
            leader_trust: BTreeMap::from([("BBB".into(), 0.4)]),
            ..Memory::default()
        },
        Memory {
            committed: BTreeMap::from([("BBB".into(), 0.4)]),
            ..Memory::default()
        },
        Memory {
            status: BTreeMap::from([(
                "BBB".into(),
                Status::Frozen {
                    since: date(2020, 1, 1),
                },
            )]),
            ..Memory::default()
        },
        Memory {
            credibility: Some(0.8),
            ..Memory::default()
        },
        Memory {
            outside_ties: BTreeMap::from([("BBB".into(), 1)]),
            ..Memory::default()
        },
        Memory {
            trust: BTreeMap::from([("BBBB".into(), 0.4)]),
            ..Memory::default()
        },
    ];
    let mut keys = vec![memory_key(&base)];
    for m in &variants {
        let k = memory_key(m);
        assert!(!keys.contains(&k), "{m:?} shares a key");
        keys.push(k);
    }
    // What decisions do not read does not split the cache.
    let logged = Memory {
        dissolved: Some(date(2021, 1, 1)),
        ..Memory::default()
    };
    assert_eq!(memory_key(&logged), memory_key(&base));
}

#[test]
fn the_horizon_exercise_names_no_host_and_so_no_cancellation() {
    let plan = plan();
    let step = Step::Exercise { host: None };
    let d = plan.decisions(&step, date(2021, 9, 15), &Memory::default());
    assert_eq!(d.signs.len(), 4, "every engaged member decides");
    let mut memory = Memory::default();
    let mut rng = stream(1, 0);
    let mut choose = |p: &[f64], rng: &mut rand_pcg::Pcg64| pick(p, uniform(rng));
    let draw = play(&plan, &step, "", &d, &mut memory, &mut rng, &mut choose);
    assert_eq!(draw.participated.len(), 4);
    assert_eq!(draw.cancelled, None);
}

#[test]
fn a_wilson_interval_always_contains_its_estimate() {
    for n in [1u64, 7, 100, 4000, 10_000, 1_000_000] {
        for k in [0, 1, n / 2, n - 1, n] {
            let (lo, hi) = super::tally::wilson(k, n);
            let p = k as f64 / n as f64;
            assert!(lo <= p && p <= hi, "k={k} n={n}: [{lo}, {hi}] misses {p}");
            assert!((0.0..=1.0).contains(&lo) && (0.0..=1.0).contains(&hi));
        }
    }
}

/// The long horizon's cached crisis steps: in a year the alliance's data
/// leave alone, a generated crisis of one kind gives the same step whatever
/// its day and id, so the cache hands out the step it prepared first.
#[test]
fn a_generated_crisis_step_is_the_same_on_any_day_of_an_unchanged_year() {
    let plan = plan();
    let unrest = |id: &str, day: Date| Event {
        id: id.into(),
        date: day,
        kind: EventKind::InternalUnrest {
            state: "CCC".into(),
            external_involvement: crate::event::Involvement::Claimed,
            reach: Reach::National,
            casualties: None,
            seizure: false,
        },
        title: "generated".into(),
        source: None,
    };
    let (a, b) = (
        unrest("y2027-unrest-1", date(2027, 2, 3)),
        unrest("y2027-unrest-7", date(2027, 11, 30)),
    );
    assert!(
        plan.alliance()
            .unchanged_within(date(2027, 1, 1), date(2027, 12, 31))
    );
    let mut cache = Cache::new();
    let first = crate::horizon::generated_step(&plan, &a, 2027, &mut cache).expect("a decision");
    let second = crate::horizon::generated_step(&plan, &b, 2027, &mut cache).expect("a decision");
    assert!(std::sync::Arc::ptr_eq(&first, &second), "prepared once");
    let fresh = plan::crisis_step(plan.alliance(), &plan.world.states, &b)
        .unwrap()
        .unwrap();
    assert_eq!(format!("{:?}", *second), format!("{fresh:?}"));
}

#[test]
fn generated_crises_share_a_prepared_step_only_if_every_field_of_their_kind_agrees() {
    let plan = plan();
    let unrest = |reach: Reach, casualties: Option<f64>| Event {
        id: "y2027-unrest-1".into(),
        date: date(2027, 5, 1),
        kind: EventKind::InternalUnrest {
            state: "CCC".into(),
            external_involvement: crate::event::Involvement::Claimed,
            reach,
            casualties,
            seizure: false,
        },
        title: "generated".into(),
        source: None,
    };
    let mut cache = Cache::new();
    let mut step =
        |e: &Event| crate::horizon::generated_step(&plan, e, 2027, &mut cache).expect("a decision");
    let national = step(&unrest(Reach::National, None));
    let local = step(&unrest(Reach::Local, None));
    let bloody = step(&unrest(Reach::National, Some(300.0)));
    assert!(
        !std::sync::Arc::ptr_eq(&national, &local),
        "another reach, another step"
    );
    assert!(
        !std::sync::Arc::ptr_eq(&national, &bloody),
        "another toll, another step"
    );
    assert!(std::sync::Arc::ptr_eq(
        &national,
        &step(&unrest(Reach::National, None))
    ));
    assert_eq!(cache.crisis_steps.len(), 3);
}
