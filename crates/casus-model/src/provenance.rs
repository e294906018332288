//! Provenance: every figure about a state or an alliance carries its source and
//! year. A value that changes over time is a [`Series`] of sourced observations.
//! Where sources disagree, both observations are kept and the one the model does
//! not use is marked `used = false` with a note saying why.

use serde::{Deserialize, Serialize};

/// One sourced observation of a quantity.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Observation {
    /// The year the value refers to (not the year it was published).
    pub year: i32,
    pub value: f64,
    /// Where the figure comes from, citable by a person: publication, table, and
    /// the source tag of `shared/domain/csto-facts.md` where there is one.
    pub source: String,
    /// Lower and upper bounds where the source gives a range (e.g. "40–50,000").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub low: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub high: Option<f64>,
    /// `false` for an observation kept only because it disagrees with the one used.
    #[serde(default = "yes", skip_serializing_if = "is_true")]
    pub used: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

fn yes() -> bool {
    true
}
fn is_true(b: &bool) -> bool {
    *b
}

/// A time series of sourced observations.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Series(pub Vec<Observation>);

impl Series {
    /// The observation the model uses for `year`: the latest used observation at or
    /// before that year, else the earliest used one (data start after the year).
    pub fn at(&self, year: i32) -> Option<&Observation> {
        // One pass (decisions read series in their inner loops): the latest
        // used observation up to `year` (the last of equals), else the
        // earliest used one (the first of equals).
        let mut latest: Option<&Observation> = None;
        let mut earliest: Option<&Observation> = None;
        for o in self.0.iter().filter(|o| o.used) {
            if o.year <= year && latest.is_none_or(|l| o.year >= l.year) {
                latest = Some(o);
            }
            if earliest.is_none_or(|e| o.year < e.year) {
                earliest = Some(o);
            }
        }
        latest.or(earliest)
    }

    /// The value at `year`, see [`Series::at`].
    pub fn value_at(&self, year: i32) -> Option<f64> {
        self.at(year).map(|o| o.value)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn obs(year: i32, value: f64, used: bool) -> Observation {
        Observation {
            year,
            value,
            source: "test".into(),
            low: None,
            high: None,
            used,
            note: None,
        }
    }

    #[test]
    fn series_takes_latest_used_observation_not_after_the_year() {
        let s = Series(vec![
            obs(2020, 1.0, true),
            obs(2022, 2.0, true),
            obs(2022, 9.0, false),
        ]);
        assert_eq!(s.value_at(2021), Some(1.0));
        assert_eq!(s.value_at(2023), Some(2.0));
        assert_eq!(s.value_at(2010), Some(1.0));
    }
}
