//! A real SMTP server for tests: `tests/support/smtp_sink.py` (aiosmtpd) in a child process that
//! keeps every message it is given as JSON, parsed by Python's e-mail package.
//! `.ci/ensure-tools test` installs aiosmtpd into `.ci/venv`; `SMTP_SINK_PYTHON` names another
//! interpreter that has it.

use serde::Deserialize;
use std::{
    io::{BufRead, BufReader},
    path::PathBuf,
    process::{Child, Command, Stdio},
};

/// One message as the server received it.
#[derive(Debug, Clone, Deserialize)]
pub struct Mail {
    pub mail_from: String,
    pub rcpt_tos: Vec<String>,
    /// The user the client authenticated as.
    pub login: Option<String>,
    pub from: String,
    pub to: String,
    pub subject: String,
    pub content_type: String,
    pub message_id: String,
    pub body: String,
}

pub struct SmtpSink {
    pub port: u16,
    child: Child,
    dir: PathBuf,
}

fn python() -> PathBuf {
    if let Ok(p) = std::env::var("SMTP_SINK_PYTHON") {
        return p.into();
    }
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../.ci/venv/bin/python")
}

impl SmtpSink {
    /// Starts a server that requires `login` (user, password) when given.
    pub fn start(login: Option<(&str, &str)>) -> SmtpSink {
        let dir = std::env::temp_dir().join(format!("prokip-smtp-{}", uuid::Uuid::new_v4().simple()));
        let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/support/smtp_sink.py");
        let mut cmd = Command::new(python());
        cmd.arg(&script).arg(&dir).stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::inherit());
        if let Some((user, password)) = login {
            cmd.args([user, password]);
        }
        let mut child = cmd.spawn().unwrap_or_else(|e| {
            panic!("cannot start the test SMTP server with {} ({e}): run `.ci/ensure-tools test`", python().display())
        });
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let port = loop {
            match lines.next() {
                Some(Ok(line)) if line.starts_with("READY ") => break line[6..].trim().parse().unwrap(),
                Some(Ok(_)) => continue,
                _ => panic!("the test SMTP server did not start: is aiosmtpd installed (`.ci/ensure-tools test`)?"),
            }
        };
        SmtpSink { port, child, dir }
    }

    /// `smtp://[user:password@]127.0.0.1:<port>` for `SMTP_URL`.
    pub fn url(&self, login: Option<(&str, &str)>) -> String {
        match login {
            Some((u, p)) => format!("smtp://{u}:{p}@127.0.0.1:{}", self.port),
            None => format!("smtp://127.0.0.1:{}", self.port),
        }
    }

    /// Every message received so far, in order.
    pub fn mails(&self) -> Vec<Mail> {
        let Ok(entries) = std::fs::read_dir(&self.dir) else { return vec![] };
        let mut paths: Vec<PathBuf> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "json"))
            .collect();
        paths.sort();
        paths.iter().map(|p| serde_json::from_slice(&std::fs::read(p).unwrap()).unwrap()).collect()
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        // Closing its standard input stops it; kill in case it does not.
        drop(self.child.stdin.take());
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
