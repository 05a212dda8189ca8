//! What the benchmark examples share: a database of their own next to `DATABASE_URL`, the real app
//! (router, state, optional background workers) on a random port, a merchant connected through the
//! real sign-up and connect flows, peak memory, latency percentiles and printed tables.

#![allow(dead_code)]

pub mod mocks_process;
pub mod table;

use app::backend::state::AppState;
use sea_orm::{ConnectionTrait, Database, DatabaseConnection, Statement};
use server::{config::Config, db};
use std::{net::SocketAddr, time::Duration};
use tracing_subscriber::{EnvFilter, Registry, layer::SubscriberExt, reload, util::SubscriberInitExt};

/// A fixed key for the benchmark's own throwaway data.
const BENCH_KEY: &str = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
/// The production pool's working connections (`DATABASE_MAX_CONNECTIONS` default); a process
/// running jobs has one more per queue worker for its listener ([`server::jobs::pool_size`]).
pub const POOL: u32 = 10;

fn env(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| {
        panic!("{name} is not set: run the benchmarks with `make bench`, or set DATABASE_URL and TEST_DATABASE_URL")
    })
}

/// A database created for one benchmark (`<DATABASE_URL's name>_<suffix>`), dropped by [`BenchDb::drop`].
pub struct BenchDb {
    pub name: String,
    pub url: String,
}

async fn admin_exec(sql: &str) {
    let admin = Database::connect(env("TEST_DATABASE_URL")).await.expect("connect to the admin database");
    admin.execute_unprepared(sql).await.unwrap_or_else(|e| panic!("{sql}: {e}"));
    admin.close().await.ok();
}

impl BenchDb {
    /// Drops any leftover of the same name, creates it empty and migrates it.
    pub async fn fresh(suffix: &str) -> BenchDb {
        let url = env("DATABASE_URL");
        let (base, own) = url.rsplit_once('/').expect("DATABASE_URL ends with /database");
        let own = own.split('?').next().unwrap_or(own);
        let name = format!("{own}_{suffix}");
        admin_exec(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)")).await;
        admin_exec(&format!("CREATE DATABASE \"{name}\"")).await;
        let bench = BenchDb { url: format!("{base}/{name}"), name };
        let conn = db::connect(&bench.url, 2, Duration::from_secs(10)).await.expect("connect");
        db::migrate(&conn).await.expect("migrate");
        conn.close().await.ok();
        bench
    }

    pub async fn drop(self) {
        admin_exec(&format!("DROP DATABASE IF EXISTS \"{}\" WITH (FORCE)", self.name)).await;
    }
}

/// The app's configuration as a deployment would give it, pointed at `database_url`, plus `vars`.
pub fn config(database_url: &str, vars: &[(String, String)]) -> Config {
    let url = database_url.to_owned();
    let vars = vars.to_vec();
    Config::from_lookup(move |k| match vars.iter().find(|(name, _)| name == k) {
        Some((_, v)) => Some(v.clone()),
        None => match k {
            "DATABASE_URL" => Some(url.clone()),
            "APP_ENV" => Some("test".into()),
            "ENCRYPTION_KEY" => Some(BENCH_KEY.into()),
            _ => None,
        },
    })
    .expect("benchmark configuration")
}

/// Application state over a new pool of the production size (with the listeners' connections, as
/// `server` has: the benchmarks run the workers).
pub async fn state(database_url: &str, vars: &[(String, String)]) -> AppState {
    let db = db::connect(database_url, server::jobs::pool_size(POOL), Duration::from_secs(10)).await.expect("connect");
    let options = leptos::config::LeptosOptions::builder().output_name("prokip-sync").site_root("target/site").build();
    AppState::new(config(database_url, vars), db, options).expect("app state")
}

/// The real app served on a random loopback port (its own `PUBLIC_URL`, so mocks deliver webhooks to it).
pub struct App {
    pub base: String,
    pub state: AppState,
    pub vars: Vec<(String, String)>,
}

impl App {
    pub async fn serve(database_url: &str, vars: &[(&str, &str)]) -> App {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let mut vars: Vec<(String, String)> = vars.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        vars.push(("PUBLIC_URL".into(), base.clone()));
        let state = state(database_url, &vars).await;
        let router = server::startup::router(state.clone());
        tokio::spawn(async move {
            axum::serve(listener, router.into_make_service_with_connect_info::<SocketAddr>()).await.unwrap();
        });
        App { base, state, vars }
    }

    /// Runs the background workers (webhook processing, stock pushes, cron ticks) in this process.
    pub fn start_jobs(&self) {
        let monitor = server::jobs::monitor(self.state.clone());
        tokio::spawn(async move {
            let _ = monitor.run().await;
        });
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub fn db(&self) -> &DatabaseConnection {
        &self.state.db
    }

    pub async fn scalar(&self, sql: &str) -> i64 {
        scalar(self.db(), sql).await
    }

    pub async fn sql(&self, sql: &str) {
        self.db().execute_unprepared(sql).await.unwrap();
    }
}

/// The first column of the first row, as a number.
pub async fn scalar(db: &DatabaseConnection, sql: &str) -> i64 {
    let row = db.query_one_raw(Statement::from_string(db.get_database_backend(), sql)).await.unwrap();
    row.unwrap_or_else(|| panic!("no row: {sql}")).try_get_by_index::<i64>(0).unwrap()
}

/// Where the mock platforms are and how to sign in to them.
pub struct Platforms {
    pub woo_store_url: String,
    pub woo_key: String,
    pub woo_secret: String,
    /// Shop names as the merchant types them (`demo-store`), each approved on the mock's page.
    pub shops: Vec<String>,
}

fn location(r: &reqwest::Response) -> String {
    r.headers().get("location").and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned()
}

/// A merchant registers, signs in to Prokip (demo user), and connects the WooCommerce store and
/// every Shopify shop through the same forms and redirects a browser uses. Each store is indexed
/// as it connects. Returns the account id.
pub async fn connect_merchant(app: &App, p: &Platforms) -> i64 {
    use mocks::prokip as pk;
    let browser = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(600))
        .build()
        .unwrap();
    let form = [("username", "bench"), ("password", "correct horse"), ("business_name", "Bench Traders")];
    browser.post(app.url("/register")).form(&form).send().await.unwrap();
    let account_id = app.scalar("SELECT account_id FROM users WHERE username = 'bench'").await;
    // The stores sync from the start (review before the first sync is on by default).
    let r = browser.post(app.url("/settings/review")).form(&[("review_new_stores", "off")]).send().await.unwrap();
    assert!(location(&r).contains("notice="), "review setting: {}", location(&r));

    let form = [("username", pk::DEMO_USERNAME), ("password", pk::DEMO_PASSWORD)];
    let r = browser.post(app.url("/connections/prokip/login")).form(&form).send().await.unwrap();
    assert!(location(&r).contains("notice="), "Prokip connect: {}", location(&r));

    let form =
        [("store_url", p.woo_store_url.as_str()), ("consumer_key", &p.woo_key), ("consumer_secret", &p.woo_secret)];
    let r = browser.post(app.url("/connections/woocommerce")).form(&form).send().await.unwrap();
    assert!(location(&r).contains("notice="), "WooCommerce connect: {}", location(&r));

    for shop in &p.shops {
        let r = browser
            .post(app.url("/connections/shopify/start"))
            .form(&[("store_url", shop.as_str())])
            .send()
            .await
            .unwrap();
        let r = browser.get(format!("{}&decision=approve", location(&r))).send().await.unwrap();
        let r = browser.get(location(&r)).send().await.unwrap();
        assert!(location(&r).contains("shopify_success=true"), "Shopify connect {shop}: {}", location(&r));
    }
    // Connecting answers at once and queues the catalog match; here it is done before anything is
    // measured, and the queued copies are dropped so no late one runs beside a measurement.
    app::backend::sync::mapping::index_with_progress(&app.state, account_id, None).await.expect("catalog match");
    app.sql("DELETE FROM apalis.jobs WHERE job_type = 'index_catalog' AND status IN ('Pending', 'Queued')").await;
    account_id
}

/// Peak resident memory of this process so far (`VmHWM`), in MiB.
pub fn peak_rss_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or(f64::NAN, |kb| kb / 1024.0)
}

/// CPU time this process has used, all threads, user and system (`/proc/self/stat`, in the
/// kernel's clock ticks of 1/100 s).
pub fn cpu_secs() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // The fields after the command name (which may hold spaces) start at state: utime and stime
    // are the 14th and 15th of the line, the 12th and 13th after it.
    let after = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
    let ticks: Vec<f64> = after.split_whitespace().skip(11).take(2).filter_map(|t| t.parse().ok()).collect();
    if ticks.len() == 2 { (ticks[0] + ticks[1]) / 100.0 } else { f64::NAN }
}

/// The `q`-quantile (0–1) of sorted samples, nearest rank.
pub fn percentile(sorted: &[Duration], q: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = ((q * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    sorted[rank - 1]
}

pub fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

static LOG_FILTER: std::sync::OnceLock<reload::Handle<EnvFilter, Registry>> = std::sync::OnceLock::new();

/// Logs at `warn` unless `RUST_LOG` says otherwise, so figures are not buried in info lines.
pub fn init_logging() {
    let filter = EnvFilter::new(std::env::var("RUST_LOG").unwrap_or_else(|_| "warn".into()));
    let (filter, handle) = reload::Layer::new(filter);
    let fmt = tracing_subscriber::fmt::layer().with_writer(std::io::stderr);
    if tracing_subscriber::registry().with(filter).with(fmt).try_init().is_ok() {
        let _ = LOG_FILTER.set(handle);
    }
}

/// Silences logging, for the end of a run whose workers are about to lose their database.
pub fn quiet_logging() {
    if let Some(handle) = LOG_FILTER.get() {
        let _ = handle.modify(|f| *f = EnvFilter::new("off"));
    }
}
