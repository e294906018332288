//! What a calibration has finished, so that an interrupted one resumes where it
//! stopped instead of redoing hours of fits. A [`Checkpoint`] holds the full
//! fit (if done) and every finished held-out refit, keyed by group name, plus a
//! [`Fingerprint`] of the inputs that made them. The use case hands the growing
//! checkpoint to a [`Checkpoints`] sink after each fit (the CLI writes it to a
//! file); given back in the request, it is checked against the inputs and the
//! finished fits are skipped. The fits are deterministic (L-BFGS from the
//! same start with the same budget), and a checkpoint keeps every parameter's
//! exact bits, so a resumed run returns the same result as an uninterrupted one.
//! Nothing here reads or writes files.

use crate::Error;
use casus_model::params::Params;
use casus_model::scenario::World;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::Mutex;

use crate::history::{CalibrateRequest, HoldOut};

/// The layout version of a checkpoint; a checkpoint of another layout is refused.
pub const FORMAT: u32 = 1;

/// Parameter values by name (a form every serialisation keeps exactly).
pub type Values = BTreeMap<String, f64>;

/// The finished fits of one calibration and the inputs they were made from.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Checkpoint {
    /// [`FORMAT`].
    pub format: u32,
    pub inputs: Fingerprint,
    /// The fit on every case, once done.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub full: Option<FullFit>,
    /// The held-out refits done, by held-out group (a case id or an alliance):
    /// the refit's parameters, from which the group is predicted again.
    #[serde(default)]
    pub refits: BTreeMap<String, Values>,
}

/// The full fit's result.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FullFit {
    pub objective: f64,
    pub fitted: Values,
}

/// What the fits depend on. A checkpoint resumes only a calibration with the
/// same fingerprint: any difference would make the result differ from an
/// uninterrupted run's.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Fingerprint {
    /// The case ids, in order.
    pub cases: Vec<String>,
    /// A digest of the cases' content (scenarios and observed outcomes).
    pub cases_digest: String,
    /// A digest of the world the cases are played in (states, relations, alliances).
    pub world_digest: String,
    pub evals: usize,
    pub prior_sd: f64,
    /// `None`: in-sample only, no refits.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hold_out: Option<HoldOut>,
    /// The prior's values (also the full fit's start).
    pub prior: Values,
}

/// FNV-1a (64 bit) of a value's `Debug` text. The model's types keep their
/// maps ordered and `Debug` prints floats exactly, so equal inputs give equal
/// digests; a digest only needs to tell "the same" from "changed".
pub(crate) fn digest(v: &impl std::fmt::Debug) -> String {
    struct Fnv(u64);
    impl std::fmt::Write for Fnv {
        fn write_str(&mut self, s: &str) -> std::fmt::Result {
            for b in s.bytes() {
                self.0 ^= u64::from(b);
                self.0 = self.0.wrapping_mul(0x0000_0100_0000_01b3);
            }
            Ok(())
        }
    }
    let mut h = Fnv(0xcbf2_9ce4_8422_2325);
    let _ = std::fmt::write(&mut h, format_args!("{v:?}"));
    format!("{:016x}", h.0)
}

/// `p` by name.
pub fn values(p: &Params) -> Values {
    p.pairs()
        .into_iter()
        .map(|(n, v)| (n.to_string(), v))
        .collect()
}

fn params(v: &Values, what: &str) -> Result<Params, Error> {
    let pairs: Vec<(&str, f64)> = v.iter().map(|(k, x)| (k.as_str(), *x)).collect();
    Params::from_pairs(&pairs).map_err(|e| {
        Error::Request(format!(
            "the checkpoint's {what} are not a parameter set: {e}\n  help: start over without the checkpoint"
        ))
    })
}

impl Fingerprint {
    /// The fingerprint of `req` in `world`.
    pub fn of(world: &World, req: &CalibrateRequest) -> Fingerprint {
        Fingerprint {
            cases: req.cases.iter().map(|c| c.id.clone()).collect(),
            cases_digest: digest(&req.cases),
            world_digest: digest(world),
            evals: req.evals,
            prior_sd: req.prior_sd.get(),
            hold_out: req.hold_out,
            prior: values(&req.prior),
        }
    }

    /// The first way `self` (a checkpoint's) differs from `now` (this run's),
    /// in words; `None` if they agree. Numbers are compared bit for bit.
    fn difference(&self, now: &Fingerprint) -> Option<String> {
        let hold = |h: Option<HoldOut>| h.map_or("none (no refits)", HoldOut::name);
        if self.cases != now.cases {
            let missing: Vec<&str> = self
                .cases
                .iter()
                .filter(|c| !now.cases.contains(c))
                .map(String::as_str)
                .collect();
            let added: Vec<&str> = now
                .cases
                .iter()
                .filter(|c| !self.cases.contains(c))
                .map(String::as_str)
                .collect();
            return Some(format!(
                "the cases differ ({} in the checkpoint, {} now; not here now: {}; new: {})",
                self.cases.len(),
                now.cases.len(),
                if missing.is_empty() {
                    "none".to_string()
                } else {
                    missing.join(", ")
                },
                if added.is_empty() {
                    "none".to_string()
                } else {
                    added.join(", ")
                },
            ));
        }
        if self.cases_digest != now.cases_digest {
            return Some("a case's scenario or observed outcomes changed".into());
        }
        if self.world_digest != now.world_digest {
            return Some("the world (states, relations, alliances) changed".into());
        }
        if self.evals != now.evals {
            return Some(format!(
                "evaluations: {} in the checkpoint, {} now",
                self.evals, now.evals
            ));
        }
        if self.prior_sd.to_bits() != now.prior_sd.to_bits() {
            return Some(format!(
                "prior sd: {} in the checkpoint, {} now",
                self.prior_sd, now.prior_sd
            ));
        }
        if self.hold_out != now.hold_out {
            return Some(format!(
                "hold-out: {} in the checkpoint, {} now",
                hold(self.hold_out),
                hold(now.hold_out)
            ));
        }
        for (k, v) in &now.prior {
            match self.prior.get(k) {
                Some(w) if w.to_bits() == v.to_bits() => {}
                Some(w) => {
                    return Some(format!(
                        "prior value of `{k}`: {w} in the checkpoint, {v} now"
                    ));
                }
                None => return Some(format!("prior value of `{k}`: not in the checkpoint")),
            }
        }
        if self.prior.len() != now.prior.len() {
            return Some("the checkpoint's prior has parameters this one has not".into());
        }
        None
    }
}

impl Checkpoint {
    /// Nothing done yet.
    pub fn new(inputs: Fingerprint) -> Checkpoint {
        Checkpoint {
            format: FORMAT,
            inputs,
            full: None,
            refits: BTreeMap::new(),
        }
    }

    /// How many fits are done.
    pub fn fits(&self) -> usize {
        usize::from(self.full.is_some()) + self.refits.len()
    }
}

/// Hears of every finished fit of a calibration, with everything finished so
/// far. Calls come one at a time (from worker threads), each with a checkpoint
/// that holds the previous one's fits and one more. An error stops the
/// calibration: fits under way finish, no new one starts, and the use case
/// returns [`Error::Stopped`] with the message.
pub trait Checkpoints: Sync {
    fn fit_done(&self, done: &Checkpoint) -> Result<(), String>;
}

/// Nobody keeps checkpoints.
#[derive(Clone, Copy, Debug, Default)]
pub struct NoCheckpoints;

impl Checkpoints for NoCheckpoints {
    fn fit_done(&self, _: &Checkpoint) -> Result<(), String> {
        Ok(())
    }
}

/// The fits a resumed calibration skips.
pub(crate) struct Done {
    pub full: Option<(Params, f64)>,
    pub refits: BTreeMap<String, Params>,
}

/// Check `c` against this run's inputs and group names, and read its fits.
pub(crate) fn resume(c: &Checkpoint, now: &Fingerprint, groups: &[String]) -> Result<Done, Error> {
    let start_over = "\n  help: resume with the same cases, world, parameter file, prior sd, evaluations and hold-out as the interrupted run, or start over without the checkpoint";
    if c.format != FORMAT {
        return Err(Error::Request(format!(
            "the checkpoint has layout {}, this casus writes layout {FORMAT}{start_over}",
            c.format
        )));
    }
    if let Some(d) = c.inputs.difference(now) {
        return Err(Error::Request(format!(
            "the checkpoint is of another calibration: {d}{start_over}"
        )));
    }
    let full = match &c.full {
        Some(f) => Some((params(&f.fitted, "fitted values")?, f.objective)),
        None => None,
    };
    let mut refits = BTreeMap::new();
    for (g, v) in &c.refits {
        if !groups.contains(g) {
            return Err(Error::Request(format!(
                "the checkpoint has a refit for `{g}`, which is not a held-out group of this calibration{start_over}"
            )));
        }
        refits.insert(g.clone(), params(v, &format!("refit values for `{g}`"))?);
    }
    Ok(Done { full, refits })
}

/// Whether `req.resume` can resume `req` in `world` (what
/// [`crate::history::calibrate_checkpointed`] checks first): the number of fits
/// it skips, or why it is refused. For a front end that says "resuming" only
/// when it will.
pub fn resumable(world: &World, req: &CalibrateRequest) -> Result<usize, Error> {
    let Some(c) = &req.resume else {
        return Ok(0);
    };
    let groups = match req.hold_out {
        Some(by) => crate::history::groups(&req.cases, by)?,
        None => Vec::new(),
    };
    let names: Vec<String> = groups.into_iter().map(|(g, _)| g).collect();
    resume(c, &Fingerprint::of(world, req), &names)?;
    Ok(c.fits())
}

/// The running checkpoint: records each finished fit and tells the sink.
pub(crate) struct Recorder<'a> {
    state: Mutex<(Checkpoint, Option<String>)>,
    sink: &'a dyn Checkpoints,
}

impl<'a> Recorder<'a> {
    pub fn new(start: Checkpoint, sink: &'a dyn Checkpoints) -> Recorder<'a> {
        Recorder {
            state: Mutex::new((start, None)),
            sink,
        }
    }

    fn record(&self, add: impl FnOnce(&mut Checkpoint)) {
        let mut s = self.state.lock().unwrap_or_else(|e| e.into_inner());
        if s.1.is_some() {
            return;
        }
        add(&mut s.0);
        if let Err(e) = self.sink.fit_done(&s.0) {
            s.1 = Some(e);
        }
    }

    /// The full fit is done.
    pub fn full(&self, fitted: &Params, objective: f64) {
        self.record(|c| {
            c.full = Some(FullFit {
                objective,
                fitted: values(fitted),
            })
        });
    }

    /// The refit without `group` is done.
    pub fn refit(&self, group: &str, fitted: &Params) {
        self.record(|c| {
            c.refits.insert(group.to_string(), values(fitted));
        });
    }

    /// Whether the sink asked to stop.
    pub fn stopped(&self) -> bool {
        self.state
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .1
            .is_some()
    }

    /// [`Error::Stopped`] if the sink asked to stop.
    pub fn check(&self) -> Result<(), Error> {
        match &self.state.lock().unwrap_or_else(|e| e.into_inner()).1 {
            Some(e) => Err(Error::Stopped(e.clone())),
            None => Ok(()),
        }
    }
}
