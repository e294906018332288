//! The seed episodes, from mechanisms: with the shipped parameters the most likely
//! outcome of each bundled seed scenario matches the record. Nothing in the model
//! knows these cases; the outcomes follow from the treaty determinations, the
//! states' data and the global parameters.

use casus_data::params::bundled_params;
use casus_data::{bundled_scenario, bundled_world};
use casus_model::decision::Stance;
use casus_model::dynamics::Outcome;
use casus_model::forecast::{ExactEvent, Plan, exact, monte_carlo};
use std::sync::atomic::AtomicU64;

fn plan(name: &str) -> Plan {
    let world = bundled_world().unwrap();
    let sc = bundled_scenario(name, &world).unwrap().unwrap();
    Plan::new(&world, &sc, &bundled_params().unwrap().params()).unwrap()
}

fn event<'a>(plan: &Plan, ex: &'a [ExactEvent], kind: &str) -> &'a ExactEvent {
    let i = plan
        .scenario
        .events
        .iter()
        .position(|e| e.kind.name() == kind)
        .expect(kind);
    &ex[i]
}

fn modal(o: &[f64; 4]) -> Outcome {
    let mut best = 0;
    for k in 0..4 {
        if o[k] > o[best] {
            best = k;
        }
    }
    Outcome::ALL[best]
}

#[test]
fn kazakhstan_2022_request_yields_deployment() {
    let p = plan("kazakhstan-2022");
    let ex = exact(&p);
    let o = event(&p, &ex, "request").outcomes.unwrap();
    assert_eq!(modal(&o), Outcome::Deployment, "{o:?}");
}

#[test]
fn armenia_2022_request_yields_a_mission_not_troops() {
    let p = plan("armenia-2022");
    let ex = exact(&p);
    let o = event(&p, &ex, "request").outcomes.unwrap();
    assert_eq!(modal(&o), Outcome::Mission, "{o:?}");
}

#[test]
fn kyrgyzstan_tajikistan_2022_yields_a_statement_or_nothing() {
    let p = plan("kyrgyzstan-tajikistan-2022");
    let ex = exact(&p);
    let o = event(&p, &ex, "intra_member_conflict").outcomes.unwrap();
    assert!(
        matches!(modal(&o), Outcome::Statement | Outcome::None),
        "{o:?}"
    );
    assert!(o[Outcome::Deployment.rung()] < 0.01, "{o:?}");
}

#[test]
fn no_ally_sends_troops_to_russias_war_and_kazakhstan_declines() {
    let p = plan("russia-ukraine-2022");
    let ex = exact(&p);
    let wish = event(&p, &ex, "request");
    for (m, s) in &wish.stances {
        assert!(
            s[Stance::Forces as usize] < 0.5,
            "{m} would most likely send troops: {s:?}"
        );
    }
    let kaz = wish.stances["KAZ"];
    assert!(
        kaz[Stance::Forces as usize] + kaz[Stance::Support as usize] < 0.5,
        "Kazakhstan declines: {kaz:?}"
    );
    let war = event(&p, &ex, "out_of_area_war").outcomes.unwrap();
    assert_eq!(modal(&war), Outcome::None, "{war:?}");
}

#[test]
fn kursk_2024_russia_does_not_ask_and_the_alliance_does_nothing() {
    let p = plan("kursk-2024");
    let ex = exact(&p);
    let k = event(&p, &ex, "external_aggression");
    assert!(k.p_request.unwrap() < 0.5, "{:?}", k.p_request);
    assert_eq!(modal(&k.outcomes.unwrap()), Outcome::None);
}

#[test]
fn armenia_does_not_sign_the_yerevan_declaration() {
    let p = plan("yerevan-summit-2022");
    let ex = exact(&p);
    let s = event(&p, &ex, "summit");
    assert!(
        s.signed["ARM"] < 0.5,
        "P(Armenia signs) = {}",
        s.signed["ARM"]
    );
    for (m, q) in &s.signed {
        if m != "ARM" {
            assert!(*q > 0.5, "{m} most likely signs: {q}");
        }
    }
}

#[test]
fn exact_probabilities_agree_with_monte_carlo() {
    for name in [
        "kazakhstan-2022",
        "armenia-2022",
        "yerevan-summit-2022",
        "kursk-2024",
    ] {
        let p = plan(name);
        let ex = exact(&p);
        let runs = 40_000;
        let t = monte_carlo(&p, 7, runs, Some(2), &AtomicU64::new(0)).unwrap();
        for (e, (x, tally)) in p.scenario.events.iter().zip(ex.iter().zip(&t)) {
            if let Some(o) = x.outcomes {
                for (k, (p, n)) in o.iter().zip(tally.outcomes).enumerate() {
                    let mc = n as f64 / tally.decided as f64;
                    assert!(
                        (mc - p).abs() < 0.015,
                        "{name}/{}: rung {k}: exact {p} vs MC {mc}",
                        e.id
                    );
                }
            }
            for (m, q) in &x.signed {
                let mc = tally.signed[m] as f64 / tally.summits as f64;
                assert!(
                    (mc - q).abs() < 0.015,
                    "{name}/{}: {m} signs: exact {q} vs MC {mc}",
                    e.id
                );
            }
        }
    }
}
