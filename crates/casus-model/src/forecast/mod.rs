//! Forecasts: replications of a scenario and their Monte Carlo aggregation.
//!
//! A [`Plan`] prepares what does not depend on chance: the world with the
//! scenario's overrides, each event's treaty determination, each decision's
//! crisis view. A replication walks the timeline with its own random stream —
//! PCG 128/64 seeded from (seed, replication index) — sampling the asker's
//! choice, every member's stance and every signature, and carrying the run's
//! [`Memory`](crate::dynamics::Memory) forward. Members' choice probabilities
//! depend only on the event and the memory, so they are computed once per
//! distinct memory and reused. Aggregation keeps integer counts, summed in a
//! fixed chunk order: the result is byte-identical for any thread count, and
//! memory does not grow with runs.
//!
//! The concerns, one module each:
//! - `plan`: the scenario prepared — steps, determinations, the treaty pass;
//! - `protocol`: what members decide at a step, and the branches of its
//!   protocol (who asks what, which sitting hears it, the secretariat, the
//!   memory update), written once for sampling and exact enumeration;
//! - `memory`: the memory update an answered request implies, and the cache
//!   of decisions keyed by everything they read of memory;
//! - `sample`: one replication, drawing a branch at every decision;
//! - `tally`: integer tallies over replications and the thread runner;
//! - `exact`: exact probabilities, summing over every branch.

mod exact;
mod memory;
mod plan;
mod protocol;
mod sample;
mod tally;

pub use exact::{ExactEvent, exact};
pub use memory::Cache;
pub use plan::Plan;
pub use protocol::Decisions;
pub use sample::{Chooser, Draw, modal_course, replicate, replicate_with_memory, stream};
pub use tally::{CHUNK, Tally, monte_carlo, monte_carlo_range, tally_range, wilson};

pub(crate) use memory::crisis_key;
pub(crate) use plan::{Step, crisis_step, notice_months};
pub(crate) use sample::{pick, play, uniform};

#[cfg(test)]
mod tests;
