//! The report's summary is the other use cases' summaries side by side: the
//! same forecast and horizon the CLI prints, progress over both phases, and the
//! states a map needs.

use casus_app::forecast::{ForecastRequest, HorizonRequest, forecast, horizon};
use casus_app::report::{ReportRequest, default_until, report};
use casus_app::{Silent, Threads};
use casus_model::Date;
use std::num::NonZeroU64;
use std::sync::Mutex;

fn request(name: &str, until: Option<Date>) -> (casus_model::scenario::World, ReportRequest) {
    let world = casus_data::bundled_world().unwrap();
    let scenario = casus_data::bundled_scenario(name, &world).unwrap().unwrap();
    let req = ReportRequest {
        scenario,
        params: casus_data::params::bundled_params().unwrap().params(),
        rates: casus_data::params::bundled_base_rates().unwrap(),
        runs: NonZeroU64::new(400).unwrap(),
        until,
        horizon_runs: NonZeroU64::new(50).unwrap(),
        seed: Some(7),
        threads: Threads::new(2).unwrap(),
    };
    (world, req)
}

#[test]
fn a_report_holds_the_same_forecast_and_horizon_as_the_use_cases_alone() {
    let (world, req) = request("russia-wins-2026", None);
    let until = default_until(&req.scenario);
    assert_eq!(
        until,
        Date::new(2031, 12, 31).unwrap(),
        "five years after 2026"
    );
    let req = ReportRequest {
        until: Some(until),
        ..req
    };
    let r = report(&world, &req, &Silent).unwrap();
    let f = forecast(
        &world,
        &ForecastRequest {
            scenario: req.scenario.clone(),
            params: req.params.clone(),
            runs: req.runs,
            seed: req.seed,
            threads: req.threads,
        },
        &Silent,
    )
    .unwrap();
    assert_eq!(r.forecast, f);
    let h = horizon(
        &world,
        &HorizonRequest {
            scenario: req.scenario.clone(),
            params: req.params.clone(),
            rates: req.rates.clone(),
            until,
            runs: req.horizon_runs,
            seed: req.seed,
            threads: req.threads,
        },
        &Silent,
    )
    .unwrap();
    assert_eq!(r.horizon, Some(h));
    assert_eq!(r.run.events.len(), req.scenario.events.len());
}

#[test]
fn progress_counts_both_phases_and_ends_at_the_total() {
    let (world, req) = request("kazakhstan-2022", Some(Date::new(2024, 12, 31).unwrap()));
    let seen = Mutex::new(Vec::new());
    let progress = |done: u64, total: u64| seen.lock().unwrap().push((done, total));
    report(&world, &req, &progress).unwrap();
    let seen = seen.into_inner().unwrap();
    assert!(seen.iter().all(|&(_, t)| t == 450), "{seen:?}");
    assert_eq!(seen.last(), Some(&(450, 450)));
    assert!(
        seen.windows(2).all(|w| w[0].0 <= w[1].0),
        "monotone: {seen:?}"
    );
}

#[test]
fn the_map_gets_every_member_with_its_status_and_the_other_states_named() {
    let (world, req) = request("kazakhstan-2022", None);
    let r = report(&world, &req, &Silent).unwrap();
    assert!(r.horizon.is_none());
    let codes: Vec<&str> = r.members.iter().map(|m| m.state.as_str()).collect();
    for m in ["ARM", "BLR", "KAZ", "KGZ", "RUS", "TJK"] {
        assert!(codes.contains(&m), "{codes:?}");
    }
    // Uzbekistan is a member whose participation is suspended since 2012.
    for m in &r.members {
        let want = if m.state == "UZB" {
            "suspended"
        } else {
            "member"
        };
        assert_eq!(m.status, want, "{m:?}");
    }
    assert!(r.members.iter().any(|m| m.name == "Kazakhstan"));
    assert!(r.others.iter().all(|o| !codes.contains(&o.state.as_str())));
    let (world, req) = request("armenia-2022-2023", None);
    let r = report(&world, &req, &Silent).unwrap();
    assert!(
        r.members.iter().any(|m| m.state == "ARM"),
        "{:?}",
        r.members
    );
    assert!(r.others.iter().any(|o| o.state == "AZE"), "{:?}", r.others);
}
