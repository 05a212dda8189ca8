//! Secrets at rest: AES-256-GCM with a random nonce per value. Every ciphertext starts with the
//! id of the key that sealed it, so the key can be rotated: set the new `ENCRYPTION_KEY`, keep the
//! old one in `ENCRYPTION_KEYS_PREVIOUS` until everything has been re-sealed.
//!
//! Layout: `version (1) | key id (4) | nonce (12) | ciphertext + tag`.

use super::secret::Secret;
use aes_gcm::{
    Aes256Gcm, Key, KeyInit, Nonce,
    aead::{Aead, Payload},
};
use base64::{Engine, engine::general_purpose::STANDARD};
use sha2::{Digest, Sha256};

const VERSION: u8 = 1;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum CryptoError {
    #[error("the encryption key must be 32 bytes in standard base64 (e.g. `openssl rand -base64 32`)")]
    BadKey,
    #[error("this value was sealed with a key that is not configured (key id {0:08x})")]
    UnknownKey(u32),
    #[error("the sealed value is damaged or was tampered with")]
    Corrupt,
}

struct SealingKey {
    id: u32,
    cipher: Aes256Gcm,
    /// Keyed material for signing (see [`Keyring::signing_key`]), never the key itself.
    signing: [u8; 32],
}

impl SealingKey {
    fn from_bytes(bytes: &[u8]) -> Result<Self, CryptoError> {
        if bytes.len() != 32 {
            return Err(CryptoError::BadKey);
        }
        let digest = Sha256::digest(bytes);
        let id = u32::from_be_bytes([digest[0], digest[1], digest[2], digest[3]]);
        let signing = Sha256::new().chain_update(b"prokip-sync signing v1").chain_update(bytes).finalize().into();
        Ok(SealingKey { id, cipher: Aes256Gcm::new(Key::<Aes256Gcm>::from_slice(bytes)), signing })
    }
}

/// The current key (seals and opens) and previous keys (open only).
pub struct Keyring {
    current: SealingKey,
    previous: Vec<SealingKey>,
}

impl std::fmt::Debug for Keyring {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Keyring(current {:08x}, {} previous)", self.current.id, self.previous.len())
    }
}

impl Keyring {
    /// From base64 keys: the current one and any previous ones.
    pub fn from_base64(current: &str, previous: &[&str]) -> Result<Self, CryptoError> {
        let decode = |k: &str| STANDARD.decode(k.trim()).map_err(|_| CryptoError::BadKey);
        Ok(Keyring {
            current: SealingKey::from_bytes(&decode(current)?)?,
            previous: previous.iter().map(|k| SealingKey::from_bytes(&decode(k)?)).collect::<Result<_, _>>()?,
        })
    }

    /// A fresh random key in the `ENCRYPTION_KEY` format.
    pub fn generate_base64() -> String {
        STANDARD.encode(rand::random::<[u8; 32]>())
    }

    /// Seals `plain`; `context` (e.g. "connection:42:credentials") is authenticated, so a value
    /// copied into another row does not open there.
    pub fn seal(&self, plain: &Secret, context: &str) -> Vec<u8> {
        let nonce_bytes: [u8; 12] = rand::random();
        let sealed = self
            .current
            .cipher
            .encrypt(
                Nonce::from_slice(&nonce_bytes),
                Payload { msg: plain.expose().as_bytes(), aad: context.as_bytes() },
            )
            .expect("AES-GCM encryption of an in-memory buffer does not fail");
        let mut out = Vec::with_capacity(1 + 4 + 12 + sealed.len());
        out.push(VERSION);
        out.extend_from_slice(&self.current.id.to_be_bytes());
        out.extend_from_slice(&nonce_bytes);
        out.extend_from_slice(&sealed);
        out
    }

    pub fn open(&self, sealed: &[u8], context: &str) -> Result<Secret, CryptoError> {
        if sealed.len() < 1 + 4 + 12 + 16 || sealed[0] != VERSION {
            return Err(CryptoError::Corrupt);
        }
        let id = u32::from_be_bytes([sealed[1], sealed[2], sealed[3], sealed[4]]);
        let key = std::iter::once(&self.current)
            .chain(&self.previous)
            .find(|k| k.id == id)
            .ok_or(CryptoError::UnknownKey(id))?;
        let plain = key
            .cipher
            .decrypt(Nonce::from_slice(&sealed[5..17]), Payload { msg: &sealed[17..], aad: context.as_bytes() })
            .map_err(|_| CryptoError::Corrupt)?;
        String::from_utf8(plain).map(Secret::new).map_err(|_| CryptoError::Corrupt)
    }

    /// A key for signing short-lived tokens (e.g. OAuth state), derived from the current key.
    pub fn signing_key(&self) -> &[u8; 32] {
        &self.current.signing
    }

    /// Whether `sealed` was sealed with an older key and should be re-sealed.
    pub fn needs_reseal(&self, sealed: &[u8]) -> bool {
        sealed.len() >= 5 && u32::from_be_bytes([sealed[1], sealed[2], sealed[3], sealed[4]]) != self.current.id
    }

    /// `sealed` sealed again with the current key when an older one sealed it; `None` when the
    /// current key already did.
    pub fn reseal(&self, sealed: &[u8], context: &str) -> Result<Option<Vec<u8>>, CryptoError> {
        if !self.needs_reseal(sealed) {
            return Ok(None);
        }
        let plain = self.open(sealed, context)?;
        Ok(Some(self.seal(&plain, context)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ring() -> Keyring {
        Keyring::from_base64(&Keyring::generate_base64(), &[]).unwrap()
    }

    #[test]
    fn sealed_value_opens_and_does_not_contain_the_plain_text() {
        let k = ring();
        let sealed = k.seal(&Secret::new("shpat_0123456789"), "connection:1:credentials");
        assert!(!sealed.windows(10).any(|w| w == b"shpat_0123"));
        assert_eq!(k.open(&sealed, "connection:1:credentials").unwrap().expose(), "shpat_0123456789");
    }

    #[test]
    fn another_context_or_a_flipped_bit_does_not_open() {
        let k = ring();
        let mut sealed = k.seal(&Secret::new("token"), "connection:1:credentials");
        assert_eq!(k.open(&sealed, "connection:2:credentials"), Err(CryptoError::Corrupt));
        let last = sealed.len() - 1;
        sealed[last] ^= 1;
        assert_eq!(k.open(&sealed, "connection:1:credentials"), Err(CryptoError::Corrupt));
    }

    #[test]
    fn rotation_opens_old_values_and_flags_them_for_resealing() {
        let old = Keyring::generate_base64();
        let new = Keyring::generate_base64();
        let before = Keyring::from_base64(&old, &[]).unwrap();
        let sealed = before.seal(&Secret::new("token"), "ctx");
        let after = Keyring::from_base64(&new, &[&old]).unwrap();
        assert_eq!(after.open(&sealed, "ctx").unwrap().expose(), "token");
        assert!(after.needs_reseal(&sealed));
        let without_old = Keyring::from_base64(&new, &[]).unwrap();
        assert!(matches!(without_old.open(&sealed, "ctx"), Err(CryptoError::UnknownKey(_))));
    }

    #[test]
    fn short_or_non_base64_keys_are_refused() {
        assert_eq!(Keyring::from_base64("c2hvcnQ=", &[]).unwrap_err(), CryptoError::BadKey);
        assert_eq!(Keyring::from_base64("not base64!", &[]).unwrap_err(), CryptoError::BadKey);
    }
}
