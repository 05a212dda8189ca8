//! One row per check and the summary table printed at the end of the suite.

use std::time::Duration;

/// What one check did. The three counts read per area: faults injected / recovered / lost;
/// inputs tried / rejected / panics; checks run / passed / failed.
#[derive(Debug, Clone)]
pub struct Row {
    pub area: &'static str,
    pub check: String,
    pub tried: u64,
    pub ok: u64,
    /// Lost, duplicated, panicked, leaked or failed: must be 0.
    pub bad: u64,
    pub detail: String,
    /// The check could not run to the end (its harness failed).
    pub broken: bool,
}

impl Row {
    pub fn new(
        area: &'static str,
        check: impl Into<String>,
        tried: u64,
        ok: u64,
        bad: u64,
        detail: impl Into<String>,
    ) -> Row {
        Row { area, check: check.into(), tried, ok, bad, detail: detail.into(), broken: false }
    }

    pub fn broken(area: &'static str, why: impl Into<String>) -> Row {
        Row { area, check: "(did not finish)".into(), tried: 0, ok: 0, bad: 0, detail: why.into(), broken: true }
    }
}

pub fn render(rows: &[Row], size: crate::Size, took: Duration) -> String {
    let headers = ["area", "check", "injected/tried", "recovered/rejected/passed", "lost/panics/failed", "detail"];
    let cells: Vec<[String; 6]> = rows
        .iter()
        .map(|r| {
            let bad = if r.broken { "BROKEN".to_string() } else { r.bad.to_string() };
            [r.area.to_string(), r.check.clone(), r.tried.to_string(), r.ok.to_string(), bad, r.detail.clone()]
        })
        .collect();
    let mut widths = headers.map(|h| h.chars().count());
    for row in &cells {
        for (w, c) in widths.iter_mut().zip(row) {
            *w = (*w).max(c.chars().count());
        }
    }
    let line = |cols: &[String]| -> String {
        let parts: Vec<String> = cols
            .iter()
            .zip(widths)
            .enumerate()
            .map(|(i, (c, w))| if (2..5).contains(&i) { format!("{c:>w$}") } else { format!("{c:<w$}") })
            .collect();
        format!("| {} |", parts.join(" | "))
    };
    let mut out =
        format!("Resilience and security suite ({} orders per burst, {:.0} s)\n", size.orders, took.as_secs_f64());
    out += &line(&headers.map(String::from));
    out.push('\n');
    out += &format!("|{}|\n", widths.map(|w| "-".repeat(w + 2)).join("|"));
    for row in &cells {
        out += &line(row);
        out.push('\n');
    }
    let bad: u64 = rows.iter().map(|r| r.bad).sum();
    let broken = rows.iter().filter(|r| r.broken).count();
    out += &format!("lost/panics/failed in total: {bad}; checks that did not finish: {broken}\n");
    out
}
