//! # casus-app
//!
//! The application layer: every use case of casus as one function that takes a
//! typed, validated request and returns a typed summary. The command line, a
//! Python package or an HTTP server are front ends on these functions: they turn
//! their own input (flags, keyword arguments, a request body) into a request,
//! call the use case and render the summary. Nothing here reads files, the
//! clock or the terminal; loading text is `casus-data`'s job, showing results
//! the front end's.
//!
//! | use case | function | summary |
//! |---|---|---|
//! | what is bundled | [`catalogue::list`] | [`catalogue::Catalogue`] |
//! | validate a scenario | [`catalogue::check`] | [`catalogue::CheckSummary`] |
//! | the treaty's reading of a timeline, and what is likely | [`timeline::run`] | [`timeline::RunSummary`] |
//! | every decision along the modal course | [`timeline::explain`] | [`timeline::ExplainSummary`] |
//! | Monte Carlo over the timeline | [`forecast::forecast`] | [`forecast::ForecastSummary`] |
//! | the years after it (`--until`) | [`forecast::horizon`] | [`forecast::HorizonSummary`] |
//! | … with the parameters' uncertainty (`--posterior`) | [`posterior::horizon_posterior`] | [`posterior::PosteriorHorizon`] |
//! | scores on documented cases | [`history::backtest`] | [`history::BacktestSummary`] |
//! | fit the parameters, score out of sample | [`history::calibrate`] | [`history::Calibration`] |
//! | the parameters' posterior (Laplace) | [`history::posterior`] | [`history::PosteriorSummary`] |
//! | implied reliability vs published rates | [`anchors::anchors`] | [`anchors::AnchorsSummary`] |
//! | a forecast per point of an experiment design | [`sweep::sweep`] | [`sweep::SweepSummary`] |
//! | a shard of a forecast, and the merge of shards | [`forecast::shard`], [`forecast::merge`] | [`forecast::Partial`], [`forecast::Merged`] |
//! | everything a report or dashboard shows | [`report::report`] | [`report::ReportSummary`] |
//!
//! Long use cases report progress through [`Progress`] (done / total) and run on
//! as many worker threads as [`Threads`] says; their results never depend on it.
//! A calibration also hands each finished fit to a
//! [`checkpoint::Checkpoints`] sink and resumes from a [`checkpoint::Checkpoint`].
//! [`render`] holds the JSON documents every front end shares (the CLI's `--json`
//! bytes), so that a binding produces the same JSON by calling one function;
//! [`tables`] turns each summary into tidy, typed tables (the CLI's `--csv` and
//! `--parquet`, a binding's data frames).

pub mod anchors;
pub mod catalogue;
pub mod checkpoint;
mod error;
pub mod forecast;
pub mod history;
pub mod posterior;
mod progress;
pub mod render;
pub mod report;
pub mod sweep;
pub mod tables;
pub mod timeline;

pub use error::Error;
pub use progress::{Progress, Silent, Threads};
