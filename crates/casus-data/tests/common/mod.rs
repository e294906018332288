//! Helpers shared by the integration tests that read one alliance's facts on
//! a date from the bundled world.

use casus_data::bundled_world;
use casus_data::params::bundled_params;
use casus_model::Date;
use casus_model::decision::Facts;
use casus_model::dynamics::Memory;
use casus_model::params::Params;

/// Run `read` on the facts of `alliance` on `date` (bundled world and
/// parameters, a fresh memory), with the parameters it read.
pub fn with_facts<R>(alliance: &str, date: &str, read: impl FnOnce(&Facts, &Params) -> R) -> R {
    let world = bundled_world().unwrap();
    let params = bundled_params().unwrap().params();
    let memory = Memory::default();
    let f = Facts::new(
        &world,
        &world.alliances[alliance],
        date.parse::<Date>().unwrap(),
        &memory,
        &params,
    );
    read(&f, &params)
}
