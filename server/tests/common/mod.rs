//! `TestApp`: the real router on a random port, over a fresh database cloned from a migrated
//! template, with a cookie-keeping HTTP client that does not follow redirects.

#![allow(dead_code)]

pub mod smtp;
pub mod world;

use sea_orm::{ConnectionTrait, Database, DatabaseConnection, Statement};
use server::{config::Config, db};
use std::{net::SocketAddr, time::Duration};
use tokio::sync::OnceCell;

/// Admin URL of a PostgreSQL where tests may create databases.
fn admin_url() -> String {
    std::env::var("TEST_DATABASE_URL")
        .or_else(|_| std::env::var("DATABASE_URL"))
        .expect("set TEST_DATABASE_URL (make test does) to a PostgreSQL URL where tests may create databases")
}

fn url_for(db_name: &str) -> String {
    let admin = admin_url();
    let base = admin.rsplit_once('/').map(|(b, _)| b).unwrap_or(&admin);
    format!("{base}/{db_name}")
}

static TEMPLATE: OnceCell<String> = OnceCell::const_new();

/// One migrated template per test process.
async fn template() -> &'static str {
    TEMPLATE
        .get_or_init(|| async {
            let name = format!("tpl_{}", uuid::Uuid::new_v4().simple());
            exec_admin(&format!("CREATE DATABASE {name}")).await;
            let conn = db::connect(&url_for(&name), 2, Duration::from_secs(10)).await.expect("connect template");
            db::migrate(&conn).await.expect("migrate template");
            conn.close().await.expect("close template");
            name
        })
        .await
}

async fn exec_admin(sql: &str) {
    let admin = Database::connect(admin_url()).await.expect("connect admin");
    admin.execute_unprepared(sql).await.unwrap_or_else(|e| panic!("{sql}: {e}"));
    admin.close().await.ok();
}

/// A fresh database for one test; dropped when the value is.
pub struct TestDb {
    pub name: String,
    pub url: String,
}

impl TestDb {
    pub async fn new() -> Self {
        let template = template().await;
        let name = format!("t_{}", uuid::Uuid::new_v4().simple());
        exec_admin(&format!("CREATE DATABASE {name} TEMPLATE {template}")).await;
        TestDb { url: url_for(&name), name }
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let sql = format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name);
        // Drop runs inside the test's runtime, so the drop runs on a thread of its own, and that
        // thread is not waited for: while this runtime is blocked, a pool connection it was
        // opening stalls in authentication, and DROP DATABASE waits for that backend until
        // Postgres' authentication_timeout (60 s). A drop cut short by the end of the test
        // process leaves a `t_…` database that the next `make test` removes.
        std::thread::spawn(move || {
            tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(exec_admin(&sql))
        });
    }
}

pub struct TestApp {
    pub base: String,
    pub state: app::backend::state::AppState,
    pub vars: Vec<(String, String)>,
    pub db: DatabaseConnection,
    /// The test's own connections for [`TestApp::scalar`] and [`TestApp::sql`]: a check that
    /// watches the app under load must not wait in the app's pool behind the work it watches.
    probe: DatabaseConnection,
    pub client: reqwest::Client,
    /// The background workers started by [`TestApp::start_jobs`], stopped when the app is dropped
    /// (a test process running several apps must not keep the workers of a dropped database).
    jobs: std::sync::Mutex<Vec<tokio::task::AbortHandle>>,
    _database: TestDb,
}

impl Drop for TestApp {
    fn drop(&mut self) {
        for job in self.jobs.lock().unwrap().drain(..) {
            job.abort();
        }
    }
}

pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        // A request the app never answers fails its test instead of hanging the run.
        .timeout(Duration::from_secs(60))
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

pub fn test_config(database_url: &str) -> Config {
    test_config_with(database_url, &[])
}

/// A test configuration with extra variables, e.g. `[("MOCK_MODE", "true")]`.
pub fn test_config_with(database_url: &str, extra: &[(&str, &str)]) -> Config {
    let url = database_url.to_owned();
    let extra: Vec<(String, String)> = extra.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    Config::from_lookup(move |k| match k {
        "DATABASE_URL" => Some(url.clone()),
        "APP_ENV" => Some("test".into()),
        // A fixed test key: tests never touch the developer's data directory.
        "ENCRYPTION_KEY" => Some("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=".into()),
        _ => extra.iter().find(|(name, _)| name == k).map(|(_, v)| v.clone()),
    })
    .expect("test config")
}

pub fn leptos_options() -> leptos::config::LeptosOptions {
    leptos::config::LeptosOptions::builder().output_name("prokip-sync").site_root("target/site").build()
}

/// The application router over `db`.
pub fn router(config: Config, db: DatabaseConnection) -> axum::Router {
    let state = app::backend::state::AppState::new(config, db, leptos_options()).expect("app state");
    server::startup::router(state)
}

/// Serves `router` on a random loopback port and returns its base URL.
pub async fn spawn(router: axum::Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        axum::serve(listener, router.into_make_service_with_connect_info::<SocketAddr>()).await.unwrap();
    });
    format!("http://{addr}")
}

impl TestApp {
    pub async fn spawn() -> Self {
        Self::spawn_with(&[]).await
    }

    /// A server started with extra configuration variables. `PUBLIC_URL` defaults to the
    /// server's own address, so platform mocks can deliver webhooks to it.
    pub async fn spawn_with(vars: &[(&str, &str)]) -> Self {
        let database = TestDb::new().await;
        let db = db::connect(&database.url, server::jobs::pool_size(10), Duration::from_secs(10))
            .await
            .expect("connect test db");
        let probe = db::connect(&database.url, 2, Duration::from_secs(60)).await.expect("connect test db");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let mut vars: Vec<(String, String)> = vars.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        if !vars.iter().any(|(k, _)| k == "PUBLIC_URL") {
            vars.push(("PUBLIC_URL".into(), base.clone()));
        }
        let borrowed: Vec<(&str, &str)> = vars.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let state = app::backend::state::AppState::new(
            test_config_with(&database.url, &borrowed),
            db.clone(),
            leptos_options(),
        )
        .expect("app state");
        let app = server::startup::router(state.clone());
        tokio::spawn(async move {
            axum::serve(listener, app.into_make_service_with_connect_info::<SocketAddr>()).await.unwrap();
        });
        TestApp { base, state, vars, db, probe, client: client(), jobs: Default::default(), _database: database }
    }

    /// Runs the background workers (webhook processing, stock pushes, cron ticks) in this test.
    pub fn start_jobs(&self) {
        let monitor = server::jobs::monitor(self.state.clone());
        let handle = tokio::spawn(async move {
            let _ = monitor.run().await;
        });
        self.jobs.lock().unwrap().push(handle.abort_handle());
    }

    /// A configuration variable this app was started with.
    pub fn config_value(&self, name: &str) -> String {
        self.vars.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone()).unwrap_or_default()
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Another browser: its own cookie jar against the same server.
    pub fn new_browser(&self) -> reqwest::Client {
        client()
    }

    pub async fn register(
        &self,
        c: &reqwest::Client,
        username: &str,
        password: &str,
        business: &str,
    ) -> reqwest::Response {
        c.post(self.url("/register"))
            .form(&[("username", username), ("password", password), ("business_name", business)])
            .send()
            .await
            .unwrap()
    }

    pub async fn login(&self, c: &reqwest::Client, username: &str, password: &str) -> reqwest::Response {
        c.post(self.url("/login")).form(&[("username", username), ("password", password)]).send().await.unwrap()
    }

    /// The overview numbers as the signed-in user of `c` sees them (via the server function).
    pub async fn overview(&self, c: &reqwest::Client) -> reqwest::Response {
        c.post(self.url("/api/overview"))
            .header("content-type", "application/x-www-form-urlencoded")
            .send()
            .await
            .unwrap()
    }

    /// The page a form post redirected to, as `browser` sees it (with the message the post left
    /// there, which only that browser's session can show).
    pub async fn follow(&self, browser: &reqwest::Client, location: &str) -> String {
        shown(&browser.get(self.url(location)).send().await.unwrap().text().await.unwrap())
    }

    /// The first column of the first row, as a number.
    pub async fn scalar(&self, sql: &str) -> i64 {
        let row =
            self.probe.query_one_raw(Statement::from_string(self.probe.get_database_backend(), sql)).await.unwrap();
        row.unwrap_or_else(|| panic!("no row: {sql}")).try_get_by_index::<i64>(0).unwrap()
    }

    pub async fn sql(&self, sql: &str) {
        self.probe.execute_raw(Statement::from_string(self.probe.get_database_backend(), sql)).await.unwrap();
    }

    /// Registers "amina" on `browser` and writes a Shopify shop row for her account straight to
    /// the table (no platform behind it), for tests that seed the rest with SQL: (account, shop) ids.
    pub async fn merchant_with_shop_row(&self, browser: &reqwest::Client) -> (i64, i64) {
        self.register(browser, "amina", "correct horse", "Amina shop").await;
        let account = self.scalar("SELECT account_id FROM users WHERE username = 'amina'").await;
        self.sql(&format!(
            "INSERT INTO connections (account_id, platform, store_url) VALUES ({account}, 'shopify', 'amina.myshopify.com')"
        ))
        .await;
        let store = self.scalar("SELECT id FROM connections WHERE store_url = 'amina.myshopify.com'").await;
        (account, store)
    }
}

/// Starts the server binary with `vars` (and an unreachable database) and expects it to refuse to
/// start; what it printed on stderr.
pub fn startup_refusal(vars: &[(&str, &str)]) -> String {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_server"))
        .current_dir(std::env::temp_dir())
        .env("DATABASE_URL", "postgres://nobody@127.0.0.1:1/none")
        .envs(vars.iter().copied())
        .output()
        .unwrap();
    assert!(!out.status.success(), "the server started with {vars:?}");
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// A page's HTML as a reader sees it: without the empty comments (`<!>`) Leptos leaves beside
/// text and between views as hydration markers.
pub fn shown(html: &str) -> String {
    html.replace("<!>", "")
}

pub fn location(r: &reqwest::Response) -> String {
    r.headers().get("location").map(|v| v.to_str().unwrap().to_owned()).unwrap_or_default()
}

pub fn session_cookie(r: &reqwest::Response) -> Option<String> {
    r.headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with("prokip_sync_session="))
        .map(str::to_owned)
}
