//! Sign-in and registration input, validated once at the edge.

use crate::backend::time::Zone;
use serde::Deserialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Username,
    Password,
    BusinessName,
}

impl Field {
    pub fn as_str(self) -> &'static str {
        match self {
            Field::Username => "username",
            Field::Password => "password",
            Field::BusinessName => "business_name",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct ValidationError {
    pub field: Field,
    pub message: String,
}

fn invalid(field: Field, message: &str) -> ValidationError {
    ValidationError { field, message: message.to_owned() }
}

/// Registration form and the seed's `POST /auth/register` body. The seed sent only username and
/// password; without a business name the account is named after the user.
#[derive(Clone, Deserialize)]
pub struct RegisterForm {
    #[serde(default)]
    pub username: String,
    #[serde(default)]
    pub password: String,
    #[serde(default, alias = "businessName")]
    pub business_name: Option<String>,
    /// The browser's IANA zone, filled in by the page's script (absent without JavaScript).
    #[serde(default)]
    pub time_zone: Option<String>,
}

#[derive(Clone, Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    pub username: String,
    #[serde(default)]
    pub password: String,
}

pub struct ValidRegistration {
    pub username: String,
    pub password: String,
    pub business_name: String,
    /// The zone the dashboard shows times in: the browser's when it named a known one, else UTC.
    pub time_zone: &'static str,
}

pub const MIN_PASSWORD: usize = 8;
const MAX_PASSWORD: usize = 1024;

impl RegisterForm {
    pub fn validate(self) -> Result<ValidRegistration, ValidationError> {
        let username = self.username.trim().to_owned();
        let len = username.chars().count();
        if !(3..=64).contains(&len) {
            return Err(invalid(Field::Username, "Username must be 3 to 64 characters long."));
        }
        if !username.chars().all(|c| c.is_ascii_alphanumeric() || "._@-".contains(c)) {
            return Err(invalid(Field::Username, "Username may contain only letters, digits and . _ @ -"));
        }
        let pw = self.password.chars().count();
        if pw < MIN_PASSWORD {
            return Err(invalid(Field::Password, "Password must be at least 8 characters long."));
        }
        if pw > MAX_PASSWORD {
            return Err(invalid(Field::Password, "Password must be at most 1024 characters long."));
        }
        let business_name = self.business_name.map(|b| b.trim().to_owned()).unwrap_or_default();
        let business_name = if business_name.is_empty() { username.clone() } else { business_name };
        if business_name.chars().count() > 200 {
            return Err(invalid(Field::BusinessName, "Business name must be at most 200 characters long."));
        }
        if business_name.chars().any(char::is_control) {
            return Err(invalid(Field::BusinessName, "Business name may not contain control characters."));
        }
        let time_zone = self.time_zone.as_deref().and_then(Zone::parse).unwrap_or_default().name();
        Ok(ValidRegistration { username, password: self.password, business_name, time_zone })
    }
}

impl std::fmt::Debug for RegisterForm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RegisterForm").field("username", &self.username).field("password", &"[redacted]").finish()
    }
}

impl std::fmt::Debug for LoginForm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LoginForm").field("username", &self.username).field("password", &"[redacted]").finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(u: &str, p: &str, b: Option<&str>) -> RegisterForm {
        RegisterForm { username: u.into(), password: p.into(), business_name: b.map(Into::into), time_zone: None }
    }

    #[test]
    fn control_characters_in_the_business_name_are_refused_on_its_field() {
        for name in ["Amina\u{0}Traders", "Amina\nTraders", "\u{7}"] {
            let e = form("amina", "correct horse", Some(name)).validate().err().expect("refused");
            assert_eq!(e.field, Field::BusinessName, "{name:?}");
        }
    }

    #[test]
    fn short_password_is_refused_on_the_password_field() {
        let err = form("amina", "1234567", Some("Shop")).validate().err().unwrap();
        assert_eq!(err.field, Field::Password);
    }

    #[test]
    fn eight_characters_is_enough() {
        assert!(form("amina", "12345678", Some("Shop")).validate().is_ok());
    }

    #[test]
    fn username_with_spaces_is_refused() {
        assert_eq!(form("a b c", "password1", None).validate().err().unwrap().field, Field::Username);
    }

    #[test]
    fn missing_business_name_defaults_to_username() {
        assert_eq!(form(" amina ", "password1", Some("  ")).validate().unwrap().business_name, "amina");
    }
}
