//! States a treaty covers without making them members, specified (SEATO's
//! Protocol designated Cambodia, Laos and South Vietnam "for the purposes of
//! Article IV"): while the designation runs, an armed attack on one engages
//! the Parties under Art. IV(1), a threat puts their consultations into
//! action under Art. IV(2), and no forces go to its territory without its
//! government's invitation (Art. IV(3)). The members consult on its crisis
//! without being asked — it is not a member whose ask the model decides —
//! and consultations send no one. Once the designation ends (Laos: the Geneva
//! neutrality of 1962) the treaty says nothing, and nothing happens.
//! The situations are hypothetical; none is a scored case.

use casus_data::params::bundled_params;
use casus_data::{bundled_world, parse_scenario};
use casus_model::date::Date;
use casus_model::dynamics::Outcome as Rung;
use casus_model::event::{EventKind, Involvement, Reach};
use casus_model::forecast::{Plan, exact};
use casus_model::scenario::World;
use casus_model::treaty::{
    Determination, ObligationKind, Outcome, Requirement, Situation, Verdict, determine,
};

fn date(s: &str) -> Date {
    s.parse().unwrap()
}

fn seato(w: &World, on: &str, crisis: &EventKind) -> Determination {
    determine(
        &w.alliances["SEATO"],
        &w.states,
        Situation {
            date: date(on),
            crisis,
            request: None,
        },
    )
    .unwrap()
}

fn outcome(d: &Determination, provision: &str) -> (Outcome, String) {
    let s = d
        .step(provision)
        .unwrap_or_else(|| panic!("{provision} in the chain"));
    (s.outcome.clone(), s.reason.clone())
}

fn insurgency(state: &str) -> EventKind {
    EventKind::InternalUnrest {
        state: state.into(),
        external_involvement: Involvement::Established,
        reach: Reach::National,
        seizure: false,
        casualties: None,
    }
}

#[test]
fn an_armed_attack_on_a_designated_state_engages_every_party() {
    let w = bundled_world().unwrap();
    let attack = EventKind::ExternalAggression {
        aggressor: Some("VDR".into()),
        aggressor_non_state: None,
        target: "LAO".into(),
        territory_of: "LAO".into(),
        casualties: None,
        reach: Reach::Regional,
    };
    let d = seato(&w, "1958-03-01", &attack);
    let (o, why) = outcome(&d, "SEATO-IV.1");
    assert_eq!(o, Outcome::Applies, "{why}");
    assert!(why.contains("designated"), "{why}");
    assert_eq!(d.casus_foederis_for.as_deref(), Some("LAO"));
    let owed = d
        .obligations
        .iter()
        .find(|o| o.kind == ObligationKind::CollectiveDefence)
        .expect("the common danger is met by the Parties");
    assert_eq!(owed.owed_by.len(), 8, "every Party, none exempt: {owed:?}");
}

#[test]
fn a_designated_states_crisis_is_for_consultation_and_forces_need_its_invitation() {
    let w = bundled_world().unwrap();
    let d = seato(&w, "1958-03-01", &insurgency("LAO"));
    assert_eq!(outcome(&d, "SEATO-IV.2").0, Outcome::Applies);
    assert!(
        d.obligations
            .iter()
            .any(|o| o.kind == ObligationKind::Consult && o.owed_to.as_deref() == Some("LAO"))
    );
    assert_eq!(outcome(&d, "SEATO-IV.3").0, Outcome::Applies);
    let deployment = d
        .actions
        .iter()
        .find(|a| a.territory_of == "LAO")
        .expect("a verdict on forces in Laos");
    let Verdict::Permitted { conditions } = &deployment.verdict else {
        panic!("{deployment:?}")
    };
    assert!(conditions.iter().any(|c| {
        matches!(&c.requirement, Requirement::RequestOf { state } if state == "LAO")
            && c.met == Some(false)
    }));
}

#[test]
fn a_designation_ends_and_a_state_never_designated_is_not_covered() {
    let w = bundled_world().unwrap();
    // Laos left the Protocol's cover with the Geneva neutrality (23 Jul 1962).
    let after = seato(&w, "1963-03-01", &insurgency("LAO"));
    let (o, why) = outcome(&after, "SEATO-IV.2");
    assert!(matches!(o, Outcome::NotApplicable), "{why}");
    assert!(
        why.contains("neither a member nor a state designated"),
        "{why}"
    );
    assert!(after.obligations.is_empty(), "{:?}", after.obligations);
    // Burma was never designated.
    let burma = seato(&w, "1958-03-01", &insurgency("MMR"));
    assert!(burma.obligations.is_empty(), "{:?}", burma.obligations);
}

/// P(each rung) of the one event of a scenario of unrest in `state` on `on`.
fn unasked(w: &World, state: &str, on: &str) -> [f64; 4] {
    let text = format!(
        "format = 1\nid = \"hypothetical\"\ntitle = \"Hypothetical insurgency\"\nalliance = \"SEATO\"\nseed = 1\n\n\
         [[events]]\nid = \"insurgency\"\ndate = {on}\nkind = \"internal_unrest\"\nstate = \"{state}\"\n\
         external_involvement = \"established\"\nreach = \"national\"\ntitle = \"Insurgency supplied from outside\"\n"
    );
    let sc = parse_scenario("hypothetical.toml", &text, w).unwrap();
    let plan = Plan::new(w, &sc, &bundled_params().unwrap().params()).unwrap();
    exact(&plan)[0].outcomes.expect("a decision")
}

#[test]
fn the_parties_consult_unasked_on_a_designated_state_and_send_no_one() {
    let w = bundled_world().unwrap();
    let p = unasked(&w, "LAO", "1958-03-01");
    assert!(p[Rung::Statement.rung()] > 0.0, "{p:?}");
    assert_eq!(p[Rung::Mission.rung()], 0.0, "{p:?}");
    assert_eq!(p[Rung::Deployment.rung()], 0.0, "{p:?}");
    // Once the designation has ended, the alliance has nothing to say.
    let later = unasked(&w, "LAO", "1963-03-01");
    assert_eq!(later[Rung::None.rung()], 1.0, "{later:?}");
}

/// The bundled world with SEATO's designations' provisions written otherwise.
fn seato_with(from: &str, to: &str) -> Result<World, casus_data::LoadError> {
    use casus_data::embedded::{ALLIANCES, RELATIONS, STATES};
    let edited: Vec<(&str, String)> = ALLIANCES
        .iter()
        .map(|(f, t)| {
            let t = if f.ends_with("seato.toml") {
                let e = t.replacen(from, to, 1);
                assert_ne!(&e, t, "the edit applies");
                e
            } else {
                t.to_string()
            };
            (*f, t)
        })
        .collect();
    let alliances: Vec<(&str, &str)> = edited.iter().map(|(f, t)| (*f, t.as_str())).collect();
    casus_data::world::load_world(STATES, RELATIONS, &alliances)
}

#[test]
fn a_designation_names_one_provision_or_a_list_and_each_must_exist() {
    let list = r#"provisions = ["SEATO-IV.1", "SEATO-IV.2", "SEATO-IV.3"]"#;
    // One id loads as a list of one.
    let w = seato_with(list, r#"provision = "SEATO-IV.1""#).unwrap();
    assert_eq!(
        w.alliances["SEATO"].designated[0].provisions,
        ["SEATO-IV.1"]
    );
    // An unknown id and an empty list are located errors.
    let err = seato_with(list, r#"provisions = ["SEATO-IV.9"]"#).unwrap_err();
    assert!(
        err.to_string().contains("unknown provision SEATO-IV.9"),
        "{err}"
    );
    assert!(err.0[0].line > 1, "located: {err}");
    let err = seato_with(list, "provisions = []").unwrap_err();
    assert!(err.to_string().contains("names no provision"), "{err}");
}

#[test]
fn an_invitation_from_the_designated_government_opens_forces() {
    let w = bundled_world().unwrap();
    let crisis = insurgency("LAO");
    let invitation = EventKind::Request {
        requester: "LAO".into(),
        to: "SEATO".into(),
        article: None,
        asks: casus_model::event::Ask::Forces,
        crisis: "insurgency".into(),
        formal: true,
        territory_of: "LAO".into(),
        troops: None,
        unsc_mandate: false,
    };
    let d = determine(
        &w.alliances["SEATO"],
        &w.states,
        Situation {
            date: date("1958-03-01"),
            crisis: &crisis,
            request: Some(&invitation),
        },
    )
    .unwrap();
    let forces = d
        .actions
        .iter()
        .find(|a| a.territory_of == "LAO")
        .expect("a verdict on forces in Laos");
    assert!(forces.verdict.open(), "{forces:?}");
}
