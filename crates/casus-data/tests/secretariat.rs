//! The secretariat, specified: when a state's forces fight a member and the member
//! asks the alliance for nothing, the Secretary General may still call for a
//! ceasefire (a statement). It speaks as the member would wish to be spoken for:
//! not for the leading power in its own war, less for a member that has turned
//! away, more readily the more blood is spilled, never on domestic unrest, and
//! never in an alliance without a secretariat. When a non-state group attacks a
//! member, there is no party to call on but an act to condemn: a condemnation
//! says nothing of the member's need, so it carries no prestige cost.

use casus_data::bundled_world;
use casus_data::cases::bundled_cases;
use casus_data::params::bundled_params;
use casus_model::decision::SecretariatCall;
use casus_model::event::EventKind;
use casus_model::forecast::{Plan, exact, modal_course};
use casus_model::scenario::{Scenario, World};

fn case(world: &World, id: &str) -> Scenario {
    bundled_cases(world)
        .unwrap()
        .into_iter()
        .find(|c| c.id == id)
        .unwrap_or_else(|| panic!("no case {id}"))
        .scenario
}

/// The secretariat's call at the event `event` along the most likely course.
fn call_at(world: &World, sc: &Scenario, event: &str) -> Option<SecretariatCall> {
    let plan = Plan::new(world, sc, &bundled_params().unwrap().params()).unwrap();
    let i = sc.events.iter().position(|e| e.id == event).unwrap();
    modal_course(&plan)
        .into_iter()
        .find(|(ev, _, _)| *ev == i)
        .and_then(|(_, d, _)| d.secretariat)
}

#[test]
fn the_secretariat_speaks_for_an_engaged_member_not_for_the_leader_in_its_own_war() {
    let world = bundled_world().unwrap();
    let tavush = call_at(&world, &case(&world, "tavush-2020"), "tavush-clashes").unwrap();
    let kursk = call_at(&world, &case(&world, "kursk-2024"), "kursk-incursion").unwrap();
    assert!(tavush.p > kursk.p, "Tavush {tavush:?}, Kursk {kursk:?}");
    assert!(kursk.prestige > 0.5, "{kursk:?}");
}

#[test]
fn a_member_that_has_turned_away_hears_less_from_the_secretariat() {
    let world = bundled_world().unwrap();
    let y2020 = call_at(&world, &case(&world, "karabakh-2020"), "war").unwrap();
    // The same member against the same adversary, with the 2020 war's dead: what
    // has moved is trust, and a little Armenia's share of alliance spending.
    let sc2023 = with_casualties(case(&world, "karabakh-2023"), "karabakh-offensive", 3825.0);
    let y2023 = call_at(&world, &sc2023, "karabakh-offensive").unwrap();
    assert_eq!(y2023.severity, y2020.severity);
    assert!(y2023.trust < y2020.trust, "2020 {y2020:?}, 2023 {y2023:?}");
    assert!(y2023.p < y2020.p, "2020 {y2020:?}, 2023 {y2023:?}");
    // Trust, not the spending share, makes most of the difference.
    let p = bundled_params().unwrap().params();
    let by_trust = p.trust * (y2020.trust - y2023.trust);
    let by_prestige = p.ask_prestige * (y2023.prestige - y2020.prestige);
    assert!(
        by_trust > by_prestige.abs(),
        "trust {by_trust}, prestige {by_prestige}"
    );
}

fn with_casualties(mut sc: Scenario, event: &str, deaths: f64) -> Scenario {
    for e in sc.events.iter_mut().filter(|e| e.id == event) {
        if let EventKind::ExternalAggression { casualties, .. } = &mut e.kind {
            *casualties = Some(deaths);
        }
    }
    sc
}

#[test]
fn the_secretariat_speaks_more_readily_the_more_blood_is_spilled() {
    let world = bundled_world().unwrap();
    let sc = case(&world, "tavush-2020");
    let bloodless = call_at(
        &world,
        &with_casualties(sc.clone(), "tavush-clashes", 0.0),
        "tavush-clashes",
    );
    let bloody = call_at(
        &world,
        &with_casualties(sc, "tavush-clashes", 1000.0),
        "tavush-clashes",
    );
    let (bloodless, bloody) = (bloodless.unwrap(), bloody.unwrap());
    assert!(bloody.p > bloodless.p, "{bloodless:?} {bloody:?}");
}

#[test]
fn no_secretariat_call_on_domestic_unrest() {
    let world = bundled_world().unwrap();
    let sc = case(&world, "belarus-2020");
    assert!(call_at(&world, &sc, "protests").is_none());
}

#[test]
fn an_unasked_secretariat_call_is_a_statement_without_a_request() {
    // With no request and no secretariat the outcome can only be `none` or what a
    // request would bring; the secretariat adds `statement` mass on its own.
    let world = bundled_world().unwrap();
    let sc = case(&world, "tavush-2020");
    let i = sc
        .events
        .iter()
        .position(|e| e.id == "tavush-clashes")
        .unwrap();
    let params = bundled_params().unwrap().params();
    let with = exact(&Plan::new(&world, &sc, &params).unwrap())[i]
        .outcomes
        .unwrap();
    let mut silent_world = world.clone();
    for a in silent_world.alliances.values_mut() {
        a.secretariat = None;
    }
    let without = exact(&Plan::new(&silent_world, &sc, &params).unwrap())[i]
        .outcomes
        .unwrap();
    assert!(with[1] > without[1], "with {with:?}, without {without:?}");
    assert!(with[0] < without[0], "with {with:?}, without {without:?}");
    // Mission and deployment need a request: the secretariat does not move them.
    assert!((with[2] - without[2]).abs() < 1e-12 && (with[3] - without[3]).abs() < 1e-12);
}

#[test]
fn the_secretariat_condemns_a_non_state_attack_on_the_leader_without_the_prestige_cost() {
    let world = bundled_world().unwrap();
    let sc = case(&world, "crocus-2024");
    let condemnation = call_at(&world, &sc, "crocus-attack").unwrap();
    assert!(condemnation.condemns, "{condemnation:?}");
    assert!(condemnation.prestige > 0.5, "{condemnation:?}");
    // The same attack, made by a state: a call on that state, weighed with the
    // leading power's prestige cost of being spoken for.
    let mut by_a_state = sc.clone();
    for e in by_a_state.events.iter_mut() {
        if let EventKind::ExternalAggression {
            aggressor,
            aggressor_non_state,
            ..
        } = &mut e.kind
        {
            *aggressor = Some("UKR".into());
            *aggressor_non_state = None;
        }
    }
    let call = call_at(&world, &by_a_state, "crocus-attack").unwrap();
    assert!(!call.condemns, "{call:?}");
    let p = bundled_params().unwrap().params();
    let expected = condemnation.utility - p.condemn_constant + p.secretariat_constant
        - p.ask_prestige * call.prestige;
    assert!(
        (call.utility - expected).abs() < 1e-9,
        "{call:?} {condemnation:?}"
    );
}
