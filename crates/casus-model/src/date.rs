//! Calendar dates. The model only needs proleptic Gregorian days: ordering, day
//! differences (days to deploy, months of notice) and strict parsing, so it owns a
//! small type instead of pulling a time-zone library into the core.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::str::FromStr;

/// A calendar day (proleptic Gregorian).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    pub year: i32,
    pub month: u8,
    pub day: u8,
}

/// Why a date string was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DateError {
    #[error("expected a date as YYYY-MM-DD, found `{0}`")]
    Format(String),
    #[error(
        "expected a date as YYYY-MM-DD, found the date-time `{0}`: the model counts whole days"
    )]
    DateTime(String),
    #[error("impossible date {year:04}-{month:02}-{day:02}: {why}")]
    Impossible {
        year: i32,
        month: u8,
        day: u8,
        why: &'static str,
    },
}

fn is_leap(year: i32) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(year) => 29,
        _ => 28,
    }
}

impl Date {
    /// A checked constructor: rejects month 13, 30 February and the like.
    pub fn new(year: i32, month: u8, day: u8) -> Result<Date, DateError> {
        let bad = |why| DateError::Impossible {
            year,
            month,
            day,
            why,
        };
        if !(1..=12).contains(&month) {
            return Err(bad("the month must be 1 to 12"));
        }
        if day == 0 || day > days_in_month(year, month) {
            return Err(bad("the month has no such day"));
        }
        Ok(Date { year, month, day })
    }

    /// Days since 1970-01-01 (Howard Hinnant's `days_from_civil`).
    pub fn days_since_epoch(self) -> i64 {
        let y = i64::from(self.year) - i64::from(self.month <= 2);
        let era = if y >= 0 { y } else { y - 399 } / 400;
        let yoe = y - era * 400;
        let m = i64::from(self.month);
        let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(self.day) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    /// The inverse of [`Date::days_since_epoch`].
    pub fn from_days_since_epoch(z: i64) -> Date {
        let z = z + 719_468;
        let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u8;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
        let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
        Date { year, month, day }
    }

    /// Whole days from `self` to `later` (negative if `later` is earlier).
    pub fn days_until(self, later: Date) -> i64 {
        later.days_since_epoch() - self.days_since_epoch()
    }

    /// The same day `n` days later.
    pub fn plus_days(self, n: i64) -> Date {
        Date::from_days_since_epoch(self.days_since_epoch() + n)
    }

    /// The same day `n` months later, clamped to the month's last day
    /// (a six-month notice given on 31 August ends on 28/29 February).
    pub fn plus_months(self, n: u32) -> Date {
        let total = self.year * 12 + i32::from(self.month) - 1 + n as i32;
        let year = total.div_euclid(12);
        let month = (total.rem_euclid(12) + 1) as u8;
        let day = self.day.min(days_in_month(year, month));
        Date { year, month, day }
    }

    /// The year as a fraction, for interpolating yearly series.
    pub fn year_fraction(self) -> f64 {
        f64::from(self.year)
            + (f64::from(self.month) - 1.0) / 12.0
            + (f64::from(self.day) - 1.0) / 365.0
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl FromStr for Date {
    type Err = DateError;
    fn from_str(s: &str) -> Result<Date, DateError> {
        let fmt_err = || DateError::Format(s.to_string());
        let t = s.trim();
        // A date-time is refused, not cut to its date: a time of day the model
        // would silently drop is a sign the author meant something else.
        if t.contains(['T', 't', ' ', ':']) {
            return Err(DateError::DateTime(t.to_string()));
        }
        let mut parts = t.splitn(3, '-');
        let (y, m, d) = match (parts.next(), parts.next(), parts.next()) {
            (Some(y), Some(m), Some(d)) => (y, m, d),
            _ => return Err(fmt_err()),
        };
        if y.len() != 4 || m.len() != 2 || d.len() != 2 {
            return Err(fmt_err());
        }
        let year: i32 = y.parse().map_err(|_| fmt_err())?;
        let month: u8 = m.parse().map_err(|_| fmt_err())?;
        let day: u8 = d.parse().map_err(|_| fmt_err())?;
        Date::new(year, month, day)
    }
}

impl Serialize for Date {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Date, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = Date;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a date as YYYY-MM-DD")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Date, E> {
                v.parse().map_err(E::custom)
            }
            // TOML hands native dates (`date = 2022-01-05`) to serde as a one-entry
            // map; read its string form so scenario authors can write plain TOML dates.
            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Date, A::Error> {
                let entry: Option<(String, String)> = map.next_entry()?;
                match entry {
                    Some((_, v)) => v.parse().map_err(serde::de::Error::custom),
                    None => Err(serde::de::Error::custom("expected a date as YYYY-MM-DD")),
                }
            }
        }
        d.deserialize_any(V)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_impossible_dates() {
        assert!("2022-02-30".parse::<Date>().is_err());
        assert!("2022-13-01".parse::<Date>().is_err());
        assert!("2024-02-29".parse::<Date>().is_ok());
        assert!("2023-02-29".parse::<Date>().is_err());
        assert!("22-1-5".parse::<Date>().is_err());
        assert!(matches!(
            "2022-01-05T10:00:00".parse::<Date>(),
            Err(DateError::DateTime(_))
        ));
        assert!("2022-01-05 10:00".parse::<Date>().is_err());
    }

    #[test]
    fn day_arithmetic_round_trips() {
        let d: Date = "2022-01-05".parse().unwrap();
        assert_eq!(d.plus_days(14).to_string(), "2022-01-19");
        assert_eq!(Date::from_days_since_epoch(d.days_since_epoch()), d);
        assert_eq!("1970-01-01".parse::<Date>().unwrap().days_since_epoch(), 0);
        let notice: Date = "2024-08-31".parse().unwrap();
        assert_eq!(notice.plus_months(6).to_string(), "2025-02-28");
    }

    proptest::proptest! {
        #[test]
        fn days_round_trip(z in -800_000i64..800_000) {
            let d = Date::from_days_since_epoch(z);
            proptest::prop_assert_eq!(d.days_since_epoch(), z);
            proptest::prop_assert!(Date::new(d.year, d.month, d.day).is_ok());
        }
    }
}
