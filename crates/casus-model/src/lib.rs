//! # casus-model
//!
//! The core of casus: a collective-security alliance as a system. It owns the
//! domain types and the pure functions that move data one way:
//! scenario → events → treaty analysis → member decisions → council outcome →
//! state update → report data. It performs no IO: it never reads files, the
//! clock or a global random number generator. Randomness enters only as an
//! explicit seed.

pub mod alliance;
pub mod analysis;
pub mod calibration;
pub mod council;
pub mod date;
pub mod decision;
pub mod design;
pub mod dynamics;
pub mod event;
pub mod forecast;
pub mod horizon;
pub mod lifetime;
pub mod membership;
pub mod params;
pub mod posterior;
pub mod provenance;
pub mod scenario;
pub mod state;
pub mod treaty;

pub use date::Date;
