//! Resolving what the user named: a bundled scenario or a scenario file. Files
//! are read through `casus_data::source` (a size bound, directories named as
//! such, non-UTF-8 located); a scenario's warnings go to standard error.

use anyhow::{Result, bail};
use casus_data::scenario::parse_scenario_loaded;
use casus_data::{LoadError, bundled_scenario_names, bundled_scenario_text};
use casus_model::scenario::{Scenario, World};
use std::path::Path;

/// A scenario failed to load: the problems are printed as they are.
#[derive(Debug)]
pub struct InvalidInput(pub LoadError);

impl std::fmt::Display for InvalidInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.0)
    }
}
impl std::error::Error for InvalidInput {}

/// The bound on one input file: `CASUS_MAX_INPUT_BYTES`, else 8 MiB.
pub fn max_input_bytes() -> u64 {
    std::env::var("CASUS_MAX_INPUT_BYTES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(casus_data::source::MAX_INPUT_BYTES)
}

/// The text of an input file, with located errors.
pub fn read(path: &Path) -> Result<String> {
    casus_data::source::read_text(path, &path.display().to_string(), max_input_bytes())
        .map_err(|e| InvalidInput(e).into())
}

/// Load `name_or_path`: an existing file or directory path, else a bundled
/// scenario name; its warnings go to standard error.
pub fn load_scenario(name_or_path: &str, world: &World) -> Result<Scenario> {
    let (scenario, warnings) = load_scenario_quiet(name_or_path, world)?;
    for w in &warnings {
        eprintln!("{w}");
    }
    Ok(scenario)
}

/// [`load_scenario`], with the warnings returned instead of printed.
pub fn load_scenario_quiet(
    name_or_path: &str,
    world: &World,
) -> Result<(Scenario, Vec<casus_data::Warning>)> {
    let path = Path::new(name_or_path);
    // A directory is reported as one, unless a bundled scenario has its name.
    let is_path = path.is_file()
        || name_or_path.ends_with(".toml")
        || (path.exists() && bundled_scenario_text(name_or_path).is_none());
    let loaded = if is_path {
        let text = read(path)?;
        parse_scenario_loaded(name_or_path, &text, world).map_err(InvalidInput)?
    } else {
        match bundled_scenario_text(name_or_path) {
            Some((file, text)) => parse_scenario_loaded(file, text, world).map_err(InvalidInput)?,
            None => bail!(
                "no bundled scenario and no file named `{name_or_path}`\n  help: bundled scenarios: {}; or give a path to a .toml file",
                bundled_scenario_names().join(", ")
            ),
        }
    };
    Ok((loaded.value, loaded.warnings))
}

/// Write `contents` to `path` atomically (see [`crate::output`]).
pub fn write_atomic(path: &Path, contents: &str) -> Result<()> {
    crate::output::write_to(path, contents)
}
