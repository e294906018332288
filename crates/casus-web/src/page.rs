//! The HTML pages: the report of one scenario and the dashboard. Both are one
//! self-contained document — the stylesheet, the vendored libraries (d3-array,
//! d3-geo, topojson-client), the country shapes (world-atlas countries-110m), the
//! ISO numeric → alpha-3 key and the renderer (`assets/casus-report.js`) are
//! inlined, and a Content-Security-Policy forbids the page any request (the
//! dashboard's only to its own server) — so a report mailed to someone opens
//! offline, and shows the same thing wherever it is opened.
//!
//! Data flow: a [`ReportSummary`] from `casus-app` is serialised into the page
//! as JSON; the renderer draws it in the browser. The dashboard gets the same
//! summary from the server's job API and calls the same renderer, so the report
//! and the dashboard cannot draw a summary differently.

use casus_app::report::ReportSummary;
use serde::Serialize;

const CSS: &str = include_str!("../assets/casus.css");
const RENDERER: &str = include_str!("../assets/casus-report.js");
const DASHBOARD: &str = include_str!("../assets/dashboard.js");
const D3_ARRAY: &str = include_str!("../assets/vendor/d3-array.min.js");
const D3_GEO: &str = include_str!("../assets/vendor/d3-geo.min.js");
const TOPOJSON: &str = include_str!("../assets/vendor/topojson-client.min.js");
const ATLAS: &str = include_str!("../assets/vendor/countries-110m.json");
const ISO: &str = include_str!("../assets/iso3166-numeric.json");

/// The report page's data: the summary and what the loader said about the input.
#[derive(Serialize)]
struct ReportData<'a> {
    report: &'a ReportSummary,
    /// The scenario's load warnings (figures carried forward, …), as printed.
    notes: &'a [String],
    version: &'static str,
}

/// Text for an HTML text node or attribute value.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// JSON made safe inside `<script type="application/json">`: a `<` can only
/// stand in a JSON string, where `\u003c` means the same, so no `</script>`
/// in a title can close the element.
fn script_json(json: &str) -> String {
    json.replace('<', "\\u003c")
}

/// The page around `body`: everything inline, nothing fetched but what
/// `connect` allows (`'none'` for the report).
fn page(title: &str, connect: &str, data: Option<&str>, body: &str, app: &str) -> String {
    let csp = format!(
        "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:; connect-src {connect}"
    );
    let data = data
        .map(|d| {
            format!(
                "<script type=\"application/json\" id=\"casus-data\">{}</script>\n",
                script_json(d)
            )
        })
        .unwrap_or_default();
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
<meta http-equiv=\"Content-Security-Policy\" content=\"{csp}\">\n\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
<title>{title}</title>\n<style>\n{CSS}</style>\n</head>\n<body>\n{body}\n\
<script type=\"application/json\" id=\"casus-atlas\">{ATLAS}</script>\n\
<script type=\"application/json\" id=\"casus-iso\">{ISO}</script>\n{data}\
<script>\n{D3_ARRAY}\n</script>\n<script>\n{D3_GEO}\n</script>\n<script>\n{TOPOJSON}\n</script>\n\
<script>\n{RENDERER}</script>\n<script>\n{app}</script>\n</body>\n</html>\n",
        title = escape(title),
        ATLAS = ATLAS.trim_end(),
        ISO = ISO.trim_end(),
    )
}

/// The data a page draws, as the dashboard's job API returns it.
pub fn report_data(summary: &ReportSummary, notes: &[String]) -> serde_json::Value {
    let data = ReportData {
        report: summary,
        notes,
        version: env!("CARGO_PKG_VERSION"),
    };
    // A summary holds strings and numbers only: serialising it cannot fail.
    serde_json::to_value(&data).expect("a report summary serialises")
}

/// The report of one scenario as one HTML document. `notes` are the scenario's
/// load warnings, shown at the top. The same summary gives the same bytes.
pub fn report_html(summary: &ReportSummary, notes: &[String]) -> String {
    let json = report_data(summary, notes).to_string();
    let title = format!("casus report: {}", summary.run.title);
    page(
        &title,
        "'none'",
        Some(&json),
        "<main id=\"report\" class=\"report\"><p class=\"loading\">Drawing the report… (this page needs JavaScript)</p></main>",
        "CasusReport.render(document.getElementById('report'), CasusReport.data('casus-data'));\n",
    )
}

/// The dashboard's page (served at `/`); it talks to the API of the server it
/// came from.
pub fn dashboard_html() -> String {
    page(
        "casus dashboard",
        "'self'",
        None,
        include_str!("../assets/dashboard.html"),
        DASHBOARD,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_closing_script_tag_in_the_data_cannot_end_the_element() {
        let s = script_json(r#"{"title":"</script><script>alert(1)</script>"}"#);
        assert!(!s.contains("</script"), "{s}");
        let back: serde_json::Value = serde_json::from_str(&s).unwrap();
        assert_eq!(back["title"], "</script><script>alert(1)</script>");
    }

    #[test]
    fn the_dashboard_may_talk_only_to_its_own_server() {
        let d = dashboard_html();
        assert!(d.contains("connect-src 'self'"));
        assert!(!d.contains("src=\"http"), "no external script");
    }
}
