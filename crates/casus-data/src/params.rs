//! The parameter file: every global parameter with its value, unit, meaning and
//! provenance. Unknown or missing parameters are errors.

use crate::check::{self, Locator};
use crate::error::{LoadError, Reporter, doc};
use casus_model::params::Params;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// One documented parameter.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    pub value: f64,
    pub unit: String,
    pub meaning: String,
    pub provenance: String,
}

/// The parameters' posterior as the file stores it (`[posterior]`): a
/// Gaussian whose mean is the file's values of `names` and whose covariance
/// is given row by row (`casus posterior` writes it; `--posterior` on a
/// forecast draws from it).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PosteriorTable {
    pub method: String,
    pub command: String,
    pub date: String,
    /// Eigenvalues of the curvature raised to the prior precision (directions
    /// the data do not inform).
    pub raised: u64,
    pub names: Vec<String>,
    pub covariance: Vec<Vec<f64>>,
}

/// The file: a `[meta]` table, one table per parameter and, if computed, the
/// `[posterior]`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ParamFile {
    pub meta: BTreeMap<String, toml::Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub posterior: Option<PosteriorTable>,
    #[serde(flatten)]
    pub entries: BTreeMap<String, Entry>,
}

impl ParamFile {
    /// The posterior over the file's values, if the file has one (checked
    /// positive definite on load).
    pub fn posterior(&self) -> Option<casus_model::posterior::Posterior> {
        let t = self.posterior.as_ref()?;
        posterior_of(t, &self.entries).ok()
    }

    pub fn params(&self) -> Params {
        let pairs: Vec<(&str, f64)> = self
            .entries
            .iter()
            .map(|(k, e)| (k.as_str(), e.value))
            .collect();
        Params::from_pairs(&pairs).expect("validated on load")
    }
}

/// Parse and validate a parameter file.
pub fn parse_params(file: &str, text: &str) -> Result<ParamFile, LoadError> {
    let mut rep = Reporter::new(file, text).with_doc(doc::PARAMETERS);
    let pf: ParamFile = match toml::from_str(text) {
        Ok(p) => p,
        Err(e) => {
            rep.toml(&e);
            return Err(LoadError(rep.problems));
        }
    };
    let loc = Locator::new(text);
    check::finite_numbers(&mut rep, &loc);
    if !rep.problems.is_empty() {
        // `from_pairs` would name the same non-finite value again, unlocated.
        return Err(LoadError(rep.problems));
    }
    let pairs: Vec<(&str, f64)> = pf
        .entries
        .iter()
        .map(|(k, e)| (k.as_str(), e.value))
        .collect();
    if let Err(msg) = Params::from_pairs(&pairs) {
        let at = msg
            .split('`')
            .nth(1)
            .and_then(|name| text.find(&format!("[{name}]")))
            .unwrap_or(0);
        rep.at(at..at, msg, Some("every parameter of the model must appear once, with value, unit, meaning and provenance".into()));
    }
    if let Some(t) = &pf.posterior
        && let Err(msg) = posterior_of(t, &pf.entries)
    {
        let at = text.find("[posterior]").unwrap_or(0);
        rep.at(
            at..at,
            format!("[posterior]: {msg}"),
            Some("recompute it with `casus posterior --params FILE -o FILE`, or delete the [posterior] table".into()),
        );
    }
    rep.finish(pf)
}

fn posterior_of(
    t: &PosteriorTable,
    entries: &BTreeMap<String, Entry>,
) -> Result<casus_model::posterior::Posterior, String> {
    let mean = t
        .names
        .iter()
        .map(|n| {
            entries
                .get(n)
                .map(|e| e.value)
                .ok_or_else(|| format!("unknown parameter `{n}` in the posterior"))
        })
        .collect::<Result<Vec<f64>, String>>()?;
    casus_model::posterior::Posterior::new(t.names.clone(), mean, t.covariance.clone())
}

/// The bundled parameters.
pub fn bundled_params() -> Result<ParamFile, LoadError> {
    match crate::embedded::PARAMETERS {
        Some((f, t)) => parse_params(f, t),
        None => Err(LoadError(vec![crate::error::Problem {
            file: "data/parameters.toml".into(),
            line: 1,
            column: 1,
            message: "the parameter file is missing from the build".into(),
            help: Some("restore data/parameters.toml and rebuild".into()),
        }])),
    }
}

/// The bundled priors (the calibration's starting point and prior centre).
pub fn bundled_priors() -> Result<ParamFile, LoadError> {
    let (f, t) = crate::embedded::PRIORS;
    parse_params(f, t)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RateEntry {
    per_year: f64,
    #[serde(default)]
    claimed_share: Option<f64>,
    #[serde(default)]
    local_share: Option<f64>,
    #[serde(default)]
    regional_share: Option<f64>,
    #[allow(dead_code)]
    cases: Vec<String>,
    #[allow(dead_code)]
    #[serde(default)]
    note: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RatesFile {
    source: String,
    internal_unrest: RateEntry,
    external_aggression: RateEntry,
    intra_member_conflict: RateEntry,
}

/// Parse the base-rates file.
pub fn parse_base_rates(
    file: &str,
    text: &str,
) -> Result<casus_model::horizon::BaseRates, LoadError> {
    let mut rep = Reporter::new(file, text).with_doc(doc::BASE_RATES);
    let r: RatesFile = match toml::from_str(text) {
        Ok(r) => r,
        Err(e) => {
            rep.toml(&e);
            return Err(LoadError(rep.problems));
        }
    };
    let reach = |e: &RateEntry| casus_model::horizon::ReachShares {
        local: e.local_share.unwrap_or(0.0),
        regional: e.regional_share.unwrap_or(0.0),
    };
    let rates = casus_model::horizon::BaseRates {
        internal_unrest: r.internal_unrest.per_year,
        unrest_claimed_share: r.internal_unrest.claimed_share.unwrap_or(0.0),
        unrest_reach: reach(&r.internal_unrest),
        external_aggression: r.external_aggression.per_year,
        aggression_reach: reach(&r.external_aggression),
        intra_member_conflict: r.intra_member_conflict.per_year,
        source: r.source,
    };
    for (name, v) in [
        ("internal_unrest", rates.internal_unrest),
        ("external_aggression", rates.external_aggression),
        ("intra_member_conflict", rates.intra_member_conflict),
    ] {
        if !(v.is_finite() && (0.0..=10.0).contains(&v)) {
            let at = text.find(&format!("[{name}]")).unwrap_or(0);
            rep.at(
                at..at,
                format!("{name}.per_year must be between 0 and 10, found {v}"),
                None,
            );
        }
    }
    let fraction = |v: f64| v.is_finite() && (0.0..=1.0).contains(&v);
    let mut share_problems = Vec::new();
    if !fraction(rates.unrest_claimed_share) {
        share_problems.push((
            "internal_unrest",
            "claimed_share",
            rates.unrest_claimed_share,
        ));
    }
    for (kind, r) in [
        ("internal_unrest", rates.unrest_reach),
        ("external_aggression", rates.aggression_reach),
    ] {
        let parts = [("local_share", r.local), ("regional_share", r.regional)];
        let bad: Vec<_> = parts.into_iter().filter(|(_, v)| !fraction(*v)).collect();
        if !bad.is_empty() {
            share_problems.extend(bad.into_iter().map(|(n, v)| (kind, n, v)));
        } else if !fraction(r.local + r.regional) {
            // Checked only when both parts are fractions, so one bad value is one error.
            share_problems.push((kind, "local_share + regional_share", r.local + r.regional));
        }
    }
    for (kind, name, v) in share_problems {
        let at = text.find(&format!("[{kind}]")).unwrap_or(0);
        rep.at(
            at..at,
            format!("{kind}.{name} must be between 0 and 1, found {v}"),
            Some("shares are fractions of the episodes counted in `cases`".into()),
        );
    }
    rep.finish(rates)
}

/// The bundled base rates.
pub fn bundled_base_rates() -> Result<casus_model::horizon::BaseRates, LoadError> {
    let (f, t) = crate::embedded::BASE_RATES;
    parse_base_rates(f, t)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundled_base_rates_carry_the_reach_of_the_library() {
        let r = bundled_base_rates().unwrap();
        assert!(r.unrest_reach.local > 0.0 && r.aggression_reach.regional > 0.0);
        assert!(r.unrest_reach.local + r.unrest_reach.regional <= 1.0);
    }

    #[test]
    fn a_share_above_one_is_named_with_its_table() {
        let (f, t) = crate::embedded::BASE_RATES;
        let bad = t.replace("local_share = 0.333", "local_share = 1.333");
        let e = parse_base_rates(f, &bad).unwrap_err();
        assert_eq!(e.0.len(), 1, "one bad value, one error: {e}");
        let msg = e.to_string();
        assert!(
            msg.contains("external_aggression.local_share must be between 0 and 1"),
            "{msg}"
        );
    }

    #[test]
    fn the_shipped_parameters_carry_a_posterior_over_every_fitted_parameter() {
        let pf = bundled_params().unwrap();
        let post = pf
            .posterior()
            .expect("data/parameters.toml has a [posterior]");
        for name in casus_model::calibration::FITTED
            .iter()
            .chain(casus_model::membership::FITTED)
        {
            let sd = post
                .sd(name)
                .unwrap_or_else(|| panic!("{name} is not drawn"));
            assert!(
                sd > 0.0 && sd <= 1.0 + 1e-9,
                "{name}: sd {sd} beyond the prior's 1"
            );
        }
    }

    #[test]
    fn a_posterior_that_is_not_positive_definite_is_refused_at_its_table() {
        let (f, t) = crate::embedded::PARAMETERS.unwrap();
        let at = t.find("[posterior]").unwrap();
        let line = t[..at].lines().count() + 1;
        let names = "names = [\"cohesion\", \"trust\"]\ncovariance = [[1.0, 2.0], [2.0, 1.0]]\n";
        let bad = format!(
            "{}[posterior]\nmethod = \"m\"\ncommand = \"c\"\ndate = \"d\"\nraised = 0\n{names}",
            &t[..at]
        );
        let e = parse_params(f, &bad).unwrap_err();
        let p = &e.0[0];
        assert_eq!(p.line, line, "{e}");
        assert!(p.message.contains("not positive definite"), "{e}");
        assert!(
            p.help.as_deref().unwrap().contains("casus posterior"),
            "{e}"
        );
    }
}
