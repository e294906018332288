//! Properties of the decision model that must hold for any parameters, any seed
//! and any crisis: no forces on a member's soil without its request; no member
//! sends more than it has available; probabilities sum to one; the result of a
//! seed does not depend on the thread count.

use casus_data::params::bundled_params;
use casus_data::{bundled_scenario, bundled_scenario_names, bundled_world, parse_scenario};
use casus_model::dynamics::Outcome;
use casus_model::event::EventKind;
use casus_model::forecast::{Cache, Chooser, Plan, exact, monte_carlo, replicate, stream};
use casus_model::params::Params;
use casus_model::scenario::World;
use proptest::prelude::*;
use std::sync::OnceLock;
use std::sync::atomic::AtomicU64;

fn world() -> &'static World {
    static W: OnceLock<World> = OnceLock::new();
    W.get_or_init(|| bundled_world().unwrap())
}

fn base() -> Params {
    bundled_params().unwrap().params()
}

/// Parameters scaled term by term (signs kept) — the model must behave for all.
fn params_strategy() -> impl Strategy<Value = Params> {
    proptest::collection::vec(0.2f64..3.0, Params::NAMES.len()).prop_map(|scales| {
        let b = base();
        let pairs: Vec<(&str, f64)> = b
            .pairs()
            .into_iter()
            .zip(scales)
            .map(|((n, v), s)| {
                let v = match n {
                    "initial_trust" => (v * s).clamp(0.0, 1.0),
                    "support_share" => (v * s).clamp(0.0, 1.0),
                    _ => v * s,
                };
                (n, v)
            })
            .collect();
        Params::from_pairs(&pairs).unwrap()
    })
}

const MEMBERS: [&str; 6] = ["ARM", "BLR", "KAZ", "KGZ", "RUS", "TJK"];
const OUTSIDERS: [&str; 4] = ["AZE", "UKR", "TUR", "USA"];

/// A random crisis on a member, with or without that member's request.
fn crisis_text(kind: usize, victim: usize, other: usize, request: bool, asks: usize) -> String {
    let v = MEMBERS[victim];
    let head = "format = 1\nid = \"prop\"\ntitle = \"t\"\nalliance = \"CSTO\"\n";
    let crisis = match kind {
        0 => format!(
            "[[events]]\nid = \"c\"\ndate = 2022-06-01\nkind = \"external_aggression\"\naggressor = \"{}\"\ntarget = \"{v}\"\ntitle = \"t\"\n",
            OUTSIDERS[other % 4]
        ),
        1 => format!(
            "[[events]]\nid = \"c\"\ndate = 2022-06-01\nkind = \"internal_unrest\"\nstate = \"{v}\"\nexternal_involvement = \"claimed\"\ntitle = \"t\"\n"
        ),
        _ => {
            let o = MEMBERS[(victim + 1 + other % 5) % 6];
            format!(
                "[[events]]\nid = \"c\"\ndate = 2022-06-01\nkind = \"intra_member_conflict\"\nparties = [\"{v}\", \"{o}\"]\nterritory_of = \"{v}\"\ntitle = \"t\"\n"
            )
        }
    };
    let ask = ["consultations", "assistance", "peacekeepers", "forces"][asks % 4];
    let req = if request {
        format!(
            "[[events]]\nid = \"r\"\ndate = 2022-06-02\nkind = \"request\"\nrequester = \"{v}\"\nto = \"CSTO\"\ncrisis = \"c\"\nasks = \"{ask}\"\ntitle = \"t\"\n"
        )
    } else {
        String::new()
    };
    format!("{head}{crisis}{req}")
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, .. ProptestConfig::default() })]

    #[test]
    fn no_deployment_on_a_members_soil_without_its_request(
        params in params_strategy(), kind in 0usize..3, victim in 0usize..6, other in 0usize..8,
        request in any::<bool>(), asks in 0usize..4, seed in any::<u64>(),
    ) {
        let sc = parse_scenario("prop.toml", &crisis_text(kind, victim, other, request, asks), world()).unwrap();
        let plan = Plan::new(world(), &sc, &params).unwrap();
        let mut cache = Cache::new();
        for rep in 0..50 {
            let draws = replicate(&plan, &mut stream(seed, rep), Chooser::Draw, &mut cache);
            for (e, d) in sc.events.iter().zip(&draws) {
                let Some(d) = d else { continue };
                if d.outcome == Some(Outcome::Deployment) {
                    // Either the scripted request of the host, or its own modelled request.
                    let host_asked = match &e.kind {
                        EventKind::Request { requester, territory_of, formal, .. } => requester == territory_of && *formal,
                        _ => d.asked == Some(true),
                    };
                    prop_assert!(host_asked, "deployment without the host's request at {}", e.id);
                }
            }
        }
    }

    #[test]
    fn contributions_never_exceed_available_forces(
        params in params_strategy(), kind in 0usize..3, victim in 0usize..6, other in 0usize..8, asks in 2usize..4, seed in any::<u64>(),
    ) {
        let sc = parse_scenario("prop.toml", &crisis_text(kind, victim, other, true, asks), world()).unwrap();
        let plan = Plan::new(world(), &sc, &params).unwrap();
        let mut cache = Cache::new();
        let year = 2022;
        for rep in 0..50 {
            let draws = replicate(&plan, &mut stream(seed, rep), Chooser::Draw, &mut cache);
            for d in draws.iter().flatten() {
                for (m, _, troops) in &d.stances {
                    let active = world().states[m].active_personnel.value_at(year).unwrap_or(0.0);
                    prop_assert!(*troops <= active + 1e-9, "{m} sends {troops} of {active}");
                }
            }
        }
    }

    #[test]
    fn outcome_probabilities_sum_to_one(params in params_strategy(), kind in 0usize..3, victim in 0usize..6,
        other in 0usize..8, request in any::<bool>(), asks in 0usize..4) {
        let sc = parse_scenario("prop.toml", &crisis_text(kind, victim, other, request, asks), world()).unwrap();
        let plan = Plan::new(world(), &sc, &params).unwrap();
        for e in exact(&plan) {
            if let Some(o) = e.outcomes {
                prop_assert!((o.iter().sum::<f64>() - 1.0).abs() < 1e-9, "{o:?}");
                prop_assert!(o.iter().all(|p| *p >= -1e-12));
            }
            for s in e.stances.values() {
                prop_assert!((s.iter().sum::<f64>() - 1.0).abs() < 1e-9, "{s:?}");
            }
        }
    }
}

#[test]
fn one_seed_gives_the_same_forecast_for_one_and_many_threads() {
    let w = world();
    for name in bundled_scenario_names() {
        let sc = bundled_scenario(name, w).unwrap().unwrap();
        let plan = Plan::new(w, &sc, &base()).unwrap();
        let one = monte_carlo(&plan, 42, 10_000, Some(1), &AtomicU64::new(0)).unwrap();
        let two = monte_carlo(&plan, 42, 10_000, Some(2), &AtomicU64::new(0)).unwrap();
        let four = monte_carlo(&plan, 42, 10_000, Some(4), &AtomicU64::new(0)).unwrap();
        assert_eq!(one, two, "{name}");
        assert_eq!(one, four, "{name}");
        let other_seed = monte_carlo(&plan, 43, 10_000, Some(2), &AtomicU64::new(0)).unwrap();
        if one.iter().any(|t| t.decided > 0) {
            assert_ne!(
                one, other_seed,
                "{name}: a different seed should give different draws"
            );
        }
    }
}
