//! The requester's choice, specified: a formal request in a scenario is scored as
//! an observation of the ask decision; blood spilled moves a call for help, not a
//! call for consultations; domestic unrest offers no consultations option; the
//! further a crisis reaches into the country, the more readily the member asks, and
//! a threat moves it less than an attack.

use casus_data::params::bundled_params;
use casus_data::{bundled_scenario, bundled_world};
use casus_model::calibration::{Case, CasePrediction};
use casus_model::event::{EventKind, Reach};
use casus_model::forecast::{Plan, exact};
use casus_model::scenario::{Scenario, World};

fn scenario(name: &str) -> Scenario {
    let world = bundled_world().unwrap();
    bundled_scenario(name, &world).unwrap().unwrap()
}

/// P(help, consultations, bilateral partner, no one) before the scenario's request.
fn ask_choice(sc: &Scenario) -> [f64; 4] {
    let world = bundled_world().unwrap();
    let plan = Plan::new(&world, sc, &bundled_params().unwrap().params()).unwrap();
    let ex = exact(&plan);
    let i = sc
        .events
        .iter()
        .position(|e| e.kind.name() == "request")
        .expect("a request");
    ex[i].ask_choice.expect("a formal request is scored")
}

fn bundled_case(id: &str) -> Case {
    let world = bundled_world().unwrap();
    casus_data::cases::bundled_cases(&world)
        .unwrap()
        .into_iter()
        .find(|c| c.id == id)
        .unwrap_or_else(|| panic!("case {id}"))
}

/// The model's predictions at a case's observed events, with the bundled parameters.
fn predictions(case: &Case) -> Vec<CasePrediction> {
    let world = bundled_world().unwrap();
    let params = bundled_params().unwrap().params();
    casus_model::calibration::predict(&world, case, &params).unwrap()
}

fn with_casualties(mut sc: Scenario, deaths: f64) -> Scenario {
    for e in &mut sc.events {
        if let EventKind::ExternalAggression { casualties, .. } = &mut e.kind {
            *casualties = Some(deaths);
        }
    }
    sc
}

#[test]
fn a_formal_request_is_scored_as_the_requesters_choice() {
    let q = ask_choice(&scenario("armenia-2022"));
    assert!((q.iter().sum::<f64>() - 1.0).abs() < 1e-9, "{q:?}");
    assert!(q.iter().all(|p| (0.0..=1.0).contains(p)), "{q:?}");
}

#[test]
fn blood_moves_asking_for_help_not_consultations() {
    let sc = scenario("armenia-2022");
    let bloodless = ask_choice(&with_casualties(sc.clone(), 0.0));
    let bloody = ask_choice(&with_casualties(sc, 1000.0));
    // The odds of help over consultations rise with the dead.
    assert!(
        bloody[0] / bloody[1] > bloodless[0] / bloodless[1],
        "bloodless {bloodless:?}, bloody {bloody:?}"
    );
}

#[test]
fn domestic_unrest_leaves_no_consultations_option() {
    let q = ask_choice(&scenario("kazakhstan-2022"));
    assert_eq!(q[1], 0.0, "{q:?}");
}

#[test]
fn a_scripted_bilateral_request_is_the_requesters_choice_and_the_alliance_is_not_asked() {
    // Belarus 2020: Lukashenko asked Putin, not the CSTO. The choice is given, so
    // nothing collective can follow (domestic unrest: no secretariat call either),
    // and the choice is scored as "turned to its bilateral partner".
    let case = bundled_case("belarus-2020");
    let preds = predictions(&case);
    let p = &preds[0];
    assert_eq!(p.predicted.unwrap()[0], 1.0, "{p:?}");
    let (who, choice, q) = p.asked.clone().expect("the bilateral choice is scored");
    assert_eq!((who.as_str(), choice), ("BLR", 2));
    assert!(q[2] > 0.0 && q[2] < 1.0, "{q:?}");

    // Without the scripted request the model decides the choice itself.
    let mut free = case.scenario.clone();
    free.events.retain(|e| e.kind.name() != "request");
    let (world, params) = (bundled_world().unwrap(), bundled_params().unwrap().params());
    let plan = Plan::new(&world, &free, &params).unwrap();
    let i = free.events.iter().position(|e| e.id == "protests").unwrap();
    assert!(exact(&plan)[i].outcomes.unwrap()[0] < 1.0);
}

/// P(ask for help) before the scenario's request, with every crisis set to `r`.
fn ask_with_reach(sc: &Scenario, r: Reach) -> f64 {
    let mut s = sc.clone();
    for e in &mut s.events {
        if let EventKind::InternalUnrest { reach, .. }
        | EventKind::ExternalAggression { reach, .. } = &mut e.kind
        {
            *reach = r;
        }
    }
    ask_choice(&s)[0]
}

#[test]
fn unrest_in_one_town_moves_a_member_to_ask_less_than_unrest_across_the_country() {
    // National forces "unable to cope" is the threshold (S105): the same unrest,
    // confined to one town, leaves the member less in need of the alliance.
    let sc = scenario("kazakhstan-2022");
    let local = ask_with_reach(&sc, Reach::Local);
    let regional = ask_with_reach(&sc, Reach::Regional);
    let national = ask_with_reach(&sc, Reach::National);
    assert!(
        local < regional && regional < national,
        "{local} {regional} {national}"
    );
    assert_eq!(
        national,
        ask_choice(&sc)[0],
        "the bundled scenario is national"
    );
}

#[test]
fn a_clash_the_member_repels_moves_it_to_ask_less_than_an_attacker_holding_ground() {
    // Armenia 2022: Azerbaijani forces held ground in several provinces (regional).
    // Had they held none (a clash at the border, Tavush 2020), the need is smaller.
    let sc = scenario("armenia-2022");
    let repelled = ask_with_reach(&sc, Reach::Local);
    let held = ask_with_reach(&sc, Reach::Regional);
    assert!(repelled < held, "{repelled} {held}");
    assert_eq!(held, ask_choice(&sc)[0], "the bundled scenario is regional");
}

#[test]
fn a_threat_moves_a_member_to_ask_less_than_the_attack_it_foreshadows() {
    // The same adversary, before it strikes: nothing held, no one killed (a threat
    // reads as local with no deaths), so the member needs the alliance less.
    let sc = scenario("armenia-2022");
    let mut threat = sc.clone();
    for e in &mut threat.events {
        if let EventKind::ExternalAggression {
            aggressor, target, ..
        } = &e.kind
        {
            e.kind = EventKind::Threat {
                from: aggressor.clone(),
                from_non_state: None,
                target: target.clone(),
                casualties: None,
            };
        }
    }
    let attacked = ask_choice(&sc)[0];
    let threatened = ask_choice(&threat)[0];
    assert!(threatened < attacked, "{threatened} {attacked}");
}

#[test]
fn a_request_for_political_support_is_scored_as_asking_for_words() {
    // Russia, September 2008: it put its recognition of Abkhazia and South Ossetia
    // before the council. Asking for political support asks for a statement, the
    // consultations choice of the ask model, not for help.
    let preds = predictions(&bundled_case("georgia-2008"));
    let (who, choice, _) = preds[0].asked.clone().expect("the ask is scored");
    assert_eq!((who.as_str(), choice), ("RUS", 1));
}

/// The exact outcome distribution and P(the member concerned asks) at event
/// `id`, in `world`.
fn exact_in(world: &World, sc: &Scenario, id: &str) -> ([f64; 4], Option<f64>) {
    let plan = Plan::new(world, sc, &bundled_params().unwrap().params()).unwrap();
    let i = sc.events.iter().position(|e| e.id == id).unwrap();
    let ex = exact(&plan);
    (ex[i].outcomes.unwrap(), ex[i].p_request)
}

/// [`exact_in`] the bundled world.
fn exact_at(sc: &Scenario, id: &str) -> ([f64; 4], Option<f64>) {
    exact_in(&bundled_world().unwrap(), sc, id)
}

/// The exact outcome distribution at event `id` in the bundled world without
/// provision `provision`.
fn exact_without(sc: &Scenario, id: &str, alliance: &str, provision: &str) -> [f64; 4] {
    let mut world = bundled_world().unwrap();
    let a = world.alliances.get_mut(alliance).unwrap();
    let before = a.provisions.len();
    a.provisions.retain(|p| p.id != provision);
    assert_eq!(
        a.provisions.len(),
        before - 1,
        "{provision} is in {alliance}"
    );
    exact_in(&world, sc, id).0
}

/// The same scenario with its seizure of power read as plain unrest.
fn without_seizure(sc: &Scenario) -> Scenario {
    let mut s = sc.clone();
    for e in &mut s.events {
        if let EventKind::InternalUnrest { seizure, .. } = &mut e.kind {
            *seizure = false;
        }
    }
    s
}

#[test]
fn those_who_seized_power_do_not_ask_and_only_an_organ_with_its_own_initiative_takes_it_up() {
    // Kyrgyzstan 2005: the CSTO's texts give no organ an initiative of its
    // own, and Akayev's successors do not ask: the alliance does nothing.
    let tulip = bundled_case("tulip-2005").scenario;
    let (outcomes, asks) = exact_at(&tulip, "revolution");
    assert_eq!(outcomes[0], 1.0, "{outcomes:?}");
    assert_eq!(asks, None, "the rulers' choice is not drawn");
    // Read as unrest the government faces, the member may ask, and the alliance may act.
    let (outcomes, asks) = exact_at(&without_seizure(&tulip), "revolution");
    assert!(
        outcomes[0] < 1.0 && asks.is_some_and(|p| p > 0.0),
        "{outcomes:?} {asks:?}"
    );

    // Mali 2020: ECOWAS's Mechanism lets the organ act unasked, so the
    // council sits though no one asks — up to a mission: forces need a
    // recognised government's request.
    let mali = bundled_case("ecowas-mali-2020").scenario;
    let (outcomes, asks) = exact_at(&mali, "coup");
    assert_eq!(asks, None);
    assert!(outcomes[0] < 1.0 && outcomes[2] > 0.0, "{outcomes:?}");
    assert_eq!(outcomes[3], 0.0, "{outcomes:?}");
}

#[test]
fn where_the_organ_may_act_on_its_own_initiative_unrest_it_is_not_asked_about_still_comes_before_it()
 {
    // Lesotho 2007: SADC's Protocol lets the Organ's Chairperson with the
    // Troika table any significant conflict (Art. 11(4)(b)). A member that
    // does not ask for help still finds the Organ sitting on its unrest, up
    // to a mission; without that provision it would be left alone.
    let lesotho = bundled_case("sadc-lesotho-2007").scenario;
    let (with, asks) = exact_at(&lesotho, "violence");
    let without = exact_without(&lesotho, "violence", "SADC", "PROT-11-INIT");
    assert!(
        asks.is_some_and(|p| p < 1.0),
        "the member may not ask: {asks:?}"
    );
    assert!(with[0] < without[0], "none: {with:?} vs {without:?}");
    assert!(with[2] > without[2], "mission: {with:?} vs {without:?}");
}
