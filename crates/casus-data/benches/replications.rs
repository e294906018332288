//! Replications per second over the bundled seed scenarios.
//!
//! `cargo bench -p casus-data --bench replications`
//! - `replicate/<scenario>`: one replication, single thread, warm decision cache.
//! - `monte_carlo/seed-set`: 7 × 100,000 replications of the seed scenario set on
//!   all cores (the figure reported against the 1,000,000/s goal).
//! - `horizon/russia-loses-2026`: 1,000 replications of the long-horizon
//!   counterfactual to the end of 2030 on all cores (the README's table runs
//!   20,000 of them per branch).

use casus_data::params::{bundled_base_rates, bundled_params};
use casus_data::{bundled_scenario, bundled_world};
use casus_model::forecast::{Cache, Chooser, Plan, monte_carlo, replicate, stream};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;
use std::sync::atomic::AtomicU64;

const SEED_SET: [&str; 7] = [
    "kazakhstan-2022",
    "armenia-2022",
    "kyrgyzstan-tajikistan-2022",
    "russia-ukraine-2022",
    "ukraine-peacekeepers-2022",
    "yerevan-summit-2022",
    "kursk-2024",
];

fn plans() -> Vec<Plan> {
    let world = bundled_world().unwrap();
    let params = bundled_params().unwrap().params();
    SEED_SET
        .iter()
        .map(|n| {
            Plan::new(
                &world,
                &bundled_scenario(n, &world).unwrap().unwrap(),
                &params,
            )
            .unwrap()
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let plans = plans();
    let mut g = c.benchmark_group("replicate");
    g.throughput(Throughput::Elements(1));
    for p in &plans {
        let mut cache = Cache::new();
        let mut rep = 0u64;
        g.bench_function(p.scenario.id.as_str(), |b| {
            b.iter(|| {
                rep += 1;
                black_box(replicate(p, &mut stream(1, rep), Chooser::Draw, &mut cache))
            })
        });
    }
    g.finish();

    let runs = 100_000u64;
    let mut g = c.benchmark_group("monte_carlo");
    g.sample_size(10);
    g.throughput(Throughput::Elements(runs * plans.len() as u64));
    g.bench_function("seed-set", |b| {
        b.iter(|| {
            for p in &plans {
                black_box(monte_carlo(p, 1, runs, None, &AtomicU64::new(0)).unwrap());
            }
        })
    });
    g.finish();

    let world = bundled_world().unwrap();
    let params = bundled_params().unwrap().params();
    let rates = bundled_base_rates().unwrap();
    let scenario = bundled_scenario("russia-loses-2026", &world)
        .unwrap()
        .unwrap();
    let plan = Plan::new(&world, &scenario, &params).unwrap();
    let until = casus_model::date::Date::new(2030, 12, 31).unwrap();
    let runs = 1_000u64;
    let mut g = c.benchmark_group("horizon");
    g.sample_size(10);
    g.throughput(Throughput::Elements(runs));
    g.bench_function("russia-loses-2026", |b| {
        b.iter(|| {
            black_box(
                casus_model::horizon::run_until(
                    &plan,
                    &rates,
                    until,
                    scenario.seed,
                    runs,
                    None,
                    &AtomicU64::new(0),
                )
                .unwrap(),
            )
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
