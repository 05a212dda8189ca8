//! The key that seals secrets at rest. Production requires `ENCRYPTION_KEY`; development, test
//! and demo generate one once into `DATA_DIR/encryption.key` (with a warning) and reuse it.

use super::{ConfigError, err};
use crate::backend::{crypto::Keyring, secret::Secret};
use std::path::PathBuf;

#[derive(Debug, Clone)]
pub struct Encryption {
    pub key: Option<Secret>,
    pub previous: Vec<Secret>,
    pub data_dir: PathBuf,
}

impl Encryption {
    pub(super) fn from_lookup(get: &impl Fn(&str) -> Option<String>, production: bool) -> Result<Self, ConfigError> {
        let key = get("ENCRYPTION_KEY").map(Secret::new);
        let previous: Vec<Secret> = get("ENCRYPTION_KEYS_PREVIOUS")
            .map(|v| v.split(',').map(str::trim).filter(|k| !k.is_empty()).map(Secret::new).collect())
            .unwrap_or_default();
        let check = |var: &'static str, k: &Secret| {
            Keyring::from_base64(k.expose(), &[]).map(|_| ()).map_err(|e| err(var, e.to_string()))
        };
        match &key {
            Some(k) => check("ENCRYPTION_KEY", k)?,
            None if production => {
                return Err(err(
                    "ENCRYPTION_KEY",
                    "is required in production: 32 random bytes in base64 (`openssl rand -base64 32`)",
                ));
            }
            None => {}
        }
        for k in &previous {
            check("ENCRYPTION_KEYS_PREVIOUS", k)?;
        }
        let data_dir = PathBuf::from(get("DATA_DIR").unwrap_or_else(|| ".data".into()));
        Ok(Encryption { key, previous, data_dir })
    }

    /// The keyring; outside production, a missing key is generated once and kept in the data directory.
    pub fn keyring(&self) -> Result<Keyring, ConfigError> {
        let previous: Vec<&str> = self.previous.iter().map(Secret::expose).collect();
        let current = match &self.key {
            Some(k) => k.clone(),
            None => self.local_key()?,
        };
        Keyring::from_base64(current.expose(), &previous).map_err(|e| err("ENCRYPTION_KEY", e.to_string()))
    }

    fn local_key(&self) -> Result<Secret, ConfigError> {
        let path = self.data_dir.join("encryption.key");
        if let Ok(k) = std::fs::read_to_string(&path) {
            return Ok(Secret::new(k.trim()));
        }
        let io = |e: std::io::Error| err("DATA_DIR", format!("cannot write {}: {e}", path.display()));
        std::fs::create_dir_all(&self.data_dir).map_err(io)?;
        let key = Keyring::generate_base64();
        write_private(&path, &key).map_err(io)?;
        tracing::warn!(path = %path.display(), "ENCRYPTION_KEY is not set: generated a development key; set ENCRYPTION_KEY in production");
        Ok(Secret::new(key))
    }
}

#[cfg(unix)]
fn write_private(path: &std::path::Path, contents: &str) -> std::io::Result<()> {
    use std::{io::Write, os::unix::fs::OpenOptionsExt};
    let mut f = std::fs::OpenOptions::new().write(true).create_new(true).mode(0o600).open(path)?;
    f.write_all(contents.as_bytes())
}

#[cfg(not(unix))]
fn write_private(path: &std::path::Path, contents: &str) -> std::io::Result<()> {
    std::fs::write(path, contents)
}
