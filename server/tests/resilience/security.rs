//! Security: tenant isolation over every id-taking route, every account-wide action and every
//! page/server function; cross-site mutation refused on every POST route; the session id rotated
//! at login and dead after logout; login throttling; the SSRF guard on store URLs outside mock
//! mode; cookie flags. Rows read: checks run / passed / failed.

mod session;
mod ssrf;
mod tenants;

use crate::{Size, common::world::World, table::Row};

const AREA: &str = "security";

/// Checks run in one group, with the first few failures described.
#[derive(Default)]
pub struct Check {
    pub run: u64,
    pub passed: u64,
    pub failures: Vec<String>,
}

impl Check {
    pub fn record(&mut self, passed: bool, failure: impl Into<String>) {
        self.run += 1;
        if passed {
            self.passed += 1;
        } else {
            self.failures.push(failure.into());
        }
    }

    fn row(self, check: &str) -> Row {
        let detail = if self.failures.is_empty() {
            String::new()
        } else {
            self.failures.iter().take(3).map(|f| f.chars().take(200).collect::<String>()).collect::<Vec<_>>().join("; ")
        };
        Row::new(AREA, check, self.run, self.passed, self.run - self.passed, detail)
    }
}

/// A refusal as a user sees it: 4xx, or a redirect back with `error=` (or to sign in).
pub fn refused(r: &reqwest::Response) -> bool {
    let location = r.headers().get("location").and_then(|v| v.to_str().ok()).unwrap_or_default();
    r.status().is_client_error()
        || (r.status().is_redirection() && (location.contains("error=") || location == "/login"))
}

pub async fn run(_size: Size) -> Vec<Row> {
    crate::hostile::count_panics();
    let w = World::new().await;
    let mut rows = Vec::new();
    let cross_site = session::cross_site(&w).await;
    let (by_id, reads) = tenants::run(&w).await;
    rows.push(by_id.row("tenant isolation: B aims at A's objects by id"));
    rows.push(reads.row("tenant isolation: B's pages and server functions"));
    rows.push(cross_site.row("cross-site POSTs refused on every route"));
    rows.push(session::sessions(&w).await.row("session id rotated at login, dead after logout"));
    rows.push(session::throttle(&w).await.row("login throttling"));
    rows.push(session::cookies(&w).await.row("session cookie flags"));
    rows.push(ssrf::run().await.row("SSRF guard outside mock mode"));
    rows
}
