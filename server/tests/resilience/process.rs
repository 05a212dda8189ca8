//! Child `server` processes for the crash, outage and scale-out scenarios: started from the repo
//! root (so the Leptos configuration resolves) on a port of their own, with the environment a
//! deployment would give them, killed with SIGKILL on demand and on drop. Their stdout/stderr is
//! captured and handed to [`crate::logs::child_output`] for the secrets check.

use std::{
    process::Stdio,
    sync::{Arc, Mutex},
    time::Duration,
};
use tokio::{
    io::AsyncReadExt,
    process::{Child, Command},
};

/// The same key `test_config_with` gives in-process apps, so children read what they stored.
pub const ENCRYPTION_KEY: &str = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";

/// How one child is started: its subcommand, database, mocks and extra variables.
#[derive(Clone)]
pub struct Spec {
    /// `serve` (web + jobs), `web` (HTTP only) or `worker` (jobs only; no port is waited for).
    pub command: &'static str,
    pub database_url: String,
    pub prokip_api: String,
    pub shopify_template: String,
    /// Extra variables, e.g. `PROKIP_POLL_SECONDS`.
    pub vars: Vec<(String, String)>,
}

pub struct ChildServer {
    spec: Spec,
    pub port: u16,
    child: Option<Child>,
    output: Arc<Mutex<Vec<u8>>>,
}

/// A free loopback port (bound, read, released).
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

impl ChildServer {
    /// Starts a child on a free port and waits until it answers `/healthz`.
    pub async fn start(spec: Spec) -> ChildServer {
        let mut server = ChildServer { spec, port: free_port(), child: None, output: Arc::default() };
        server.launch().await;
        server
    }

    pub fn base(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base())
    }

    async fn launch(&mut self) {
        let root = concat!(env!("CARGO_MANIFEST_DIR"), "/..");
        let base = self.base();
        let addr = format!("127.0.0.1:{}", self.port);
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_server"));
        cmd.arg(self.spec.command)
            .current_dir(root)
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("DATABASE_URL", &self.spec.database_url)
            .env("APP_ENV", "test")
            .env("ENCRYPTION_KEY", ENCRYPTION_KEY)
            .env("PORT", self.port.to_string())
            .env("PUBLIC_URL", &base)
            .env("LEPTOS_SITE_ADDR", &addr)
            .env("LEPTOS_OUTPUT_NAME", "prokip-sync")
            .env("LEPTOS_SITE_ROOT", "target/site")
            .env("MOCK_MODE", "true")
            .env("PROKIP_API", &self.spec.prokip_api)
            .env("SHOPIFY_SHOP_URL_TEMPLATE", &self.spec.shopify_template)
            .env("NO_COLOR", "1")
            .envs(self.spec.vars.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true);
        let mut child = cmd.spawn().expect("start the server binary");
        if let Some(out) = child.stdout.take() {
            self.capture(out);
        }
        if let Some(err) = child.stderr.take() {
            self.capture(err);
        }
        self.child = Some(child);
        if self.spec.command != "worker" {
            self.wait_healthy().await;
        }
    }

    /// Copies a pipe of the child into its captured output until the pipe closes.
    fn capture(&self, mut pipe: impl tokio::io::AsyncRead + Unpin + Send + 'static) {
        let output = self.output.clone();
        tokio::spawn(async move {
            let mut buf = [0u8; 8192];
            while let Ok(n) = pipe.read(&mut buf).await {
                if n == 0 {
                    break;
                }
                output.lock().unwrap().extend_from_slice(&buf[..n]);
            }
        });
    }

    async fn wait_healthy(&mut self) {
        let client = reqwest::Client::builder().timeout(Duration::from_secs(1)).build().unwrap();
        for _ in 0..300 {
            if let Ok(r) = client.get(self.url("/healthz")).send().await
                && r.status().is_success()
            {
                return;
            }
            if let Some(status) = self.child.as_mut().and_then(|c| c.try_wait().ok().flatten()) {
                panic!("the server exited ({status}) while starting: {}", self.tail());
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("the server did not answer /healthz within 30 s: {}", self.tail());
    }

    /// The end of this child's output (for a failure message).
    pub fn tail(&self) -> String {
        let out = self.output.lock().unwrap();
        let text = String::from_utf8_lossy(&out);
        let start = text.len().saturating_sub(2000);
        text.get(start..).unwrap_or_default().to_owned()
    }

    /// `kill -9`: no shutdown, no flush, connections cut.
    pub async fn kill9(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill().await;
        }
    }

    /// Starts the binary again on the same port (after [`kill9`](Self::kill9)).
    pub async fn restart(&mut self) {
        self.kill9().await;
        self.launch().await;
    }

    /// Lines of this child's output containing `needle` (e.g. a log message).
    pub fn count_in_output(&self, needle: &str) -> usize {
        String::from_utf8_lossy(&self.output.lock().unwrap()).lines().filter(|l| l.contains(needle)).count()
    }
}

impl Drop for ChildServer {
    fn drop(&mut self) {
        if let Some(child) = self.child.as_mut() {
            let _ = child.start_kill();
        }
        crate::logs::child_output(&self.output.lock().unwrap());
    }
}
