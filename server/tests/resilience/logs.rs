//! Everything the suite's servers log, kept so the end of the suite can prove that none of the
//! secrets used (passwords, tokens, keys, webhook secrets) appears in it.
//!
//! In-process servers log through the tracing subscriber installed here; scenarios that run the
//! `server` binary as child processes hand their captured output to [`child_output`]. Scenarios
//! register every secret they use with [`secret`].

use std::sync::{Mutex, OnceLock};

static CAPTURED: Mutex<Vec<u8>> = Mutex::new(Vec::new());
static SECRETS: Mutex<Vec<String>> = Mutex::new(Vec::new());
static INSTALLED: OnceLock<()> = OnceLock::new();

struct Capture;

impl std::io::Write for Capture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        CAPTURED.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Captures this process's logs at debug level (more than production logs) from here on.
pub fn install() {
    INSTALLED.get_or_init(|| {
        let filter = tracing_subscriber::EnvFilter::new(
            "debug,hyper=info,h2=info,sqlx=info,sea_orm=info,tower=info,reqwest=info",
        );
        let _ = tracing_subscriber::fmt().with_env_filter(filter).with_ansi(false).with_writer(|| Capture).try_init();
    });
}

/// A secret a scenario used (never expected in any log).
pub fn secret(value: impl Into<String>) {
    let value = value.into();
    if value.len() >= 6 {
        SECRETS.lock().unwrap().push(value);
    }
}

/// The captured stdout/stderr of a child `server` process.
pub fn child_output(bytes: &[u8]) {
    CAPTURED.lock().unwrap().extend_from_slice(bytes);
}

/// The final check: how many secrets were used, and how many appear in the logs (must be 0).
pub fn secrets_row() -> crate::table::Row {
    let logs = String::from_utf8_lossy(&CAPTURED.lock().unwrap()).into_owned();
    let secrets = SECRETS.lock().unwrap().clone();
    let leaked: Vec<&String> = secrets.iter().filter(|s| logs.contains(s.as_str())).collect();
    let detail = if leaked.is_empty() {
        format!("{} KiB of logs scanned", logs.len() / 1024)
    } else {
        format!(
            "leaked (first chars): {}",
            leaked.iter().map(|s| format!("{}…", &s[..4])).collect::<Vec<_>>().join(", ")
        )
    };
    crate::table::Row::new(
        "security",
        "secrets absent from captured logs",
        secrets.len() as u64,
        (secrets.len() - leaked.len()) as u64,
        leaked.len() as u64,
        detail,
    )
}
