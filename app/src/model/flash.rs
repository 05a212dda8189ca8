//! A form post's outcome as the page it redirects to shows it, once.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FlashView {
    /// What succeeded ("Safety buffer set to 5: …").
    pub notice: Option<String>,
    /// What went wrong, beside `field` when it belongs to one.
    pub error: Option<String>,
    pub field: Option<String>,
    /// What the form had when it was refused (never a password), to fill it in again.
    pub kept: BTreeMap<String, String>,
    /// A value shown this once and never again (a new API token). Sealed while it waits in the
    /// session for the page a redirect leads to.
    pub secret: Option<String>,
}

impl FlashView {
    /// The error when it belongs to `field`.
    pub fn for_field(&self, field: &str) -> Option<String> {
        (self.field.as_deref() == Some(field)).then(|| self.error.clone()).flatten()
    }

    /// The error when it belongs to the form as a whole.
    pub fn general(&self) -> Option<String> {
        self.field.is_none().then(|| self.error.clone()).flatten()
    }

    /// A value the form had.
    pub fn kept(&self, name: &str) -> String {
        self.kept.get(name).cloned().unwrap_or_default()
    }
}

/// The header a hydrated form sends with its post, naming the page it is on (`/connections`).
/// The post is handled as without JavaScript; only its answer changes, to an [`InPlaceAnswer`].
pub const IN_PLACE_HEADER: &str = "x-in-place";

/// What a form post sent from a hydrated page gets instead of a redirect.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct InPlaceAnswer {
    /// The outcome, to show beside the form, when the post leads back to the page it was sent
    /// from.
    pub flash: Option<FlashView>,
    /// Where to go instead: another page of the dashboard (its message kept in the session, as
    /// for a redirect), the sign-in page, or another site (the store's consent screen).
    pub location: Option<String>,
}
