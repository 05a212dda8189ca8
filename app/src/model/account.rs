//! Who is signed in and what every page may show about this installation.

use serde::{Deserialize, Serialize};

/// The signed-in user as the UI shows them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CurrentUser {
    pub id: i64,
    pub username: String,
    pub account_name: String,
}

/// Facts about this installation that every page may show.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppInfo {
    /// Demo mode: the platforms are local mocks; the UI shows a badge and the demo credentials.
    pub demo_mode: bool,
}
