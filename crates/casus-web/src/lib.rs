//! # casus-web
//!
//! casus in the browser, on `casus-app`'s summaries (summary → renderer, as
//! every front end):
//! - [`page`]: the self-contained HTML report of one scenario (`casus report`)
//!   and the dashboard's page; the renderer is `assets/casus-report.js`, which
//!   both pages inline, with the vendored d3-geo, topojson-client and country
//!   shapes (`assets/vendor/README.md`).
//! - [`serve`]: the dashboard and its JSON HTTP API (`casus serve`; axum on tokio),
//!   bounded in body size, runs, concurrent work and request time.
//!
//! Nothing here reads or writes files: the CLI writes the report (atomically)
//! and binds the server's socket.

pub mod page;
pub mod serve;
