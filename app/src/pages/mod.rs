//! One module per page.

pub mod connections;
pub mod history;
pub mod login;
pub mod not_yet;
pub mod overview;
pub mod overview_chart;
pub mod products;
pub mod register;
pub mod settings;
pub mod sku;
pub mod sku_chart;

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// The outcome of a form post, carried back in the query string so pages work without JavaScript:
/// `?error=…&field=…&username=…&business_name=…` or `?notice=…`.
pub(crate) struct FormOutcome {
    pub error: Option<String>,
    pub field: Option<String>,
    pub username: Option<String>,
    pub business_name: Option<String>,
    pub notice: Option<String>,
}

impl FormOutcome {
    pub fn read() -> Self {
        let q = use_query_map().get_untracked();
        FormOutcome {
            error: q.get("error"),
            field: q.get("field"),
            username: q.get("username"),
            business_name: q.get("business_name"),
            notice: q.get("notice"),
        }
    }

    /// The error when it belongs to `field`.
    pub fn for_field(&self, field: &str) -> Option<String> {
        (self.field.as_deref() == Some(field)).then(|| self.error.clone()).flatten()
    }

    /// The error when it belongs to the form as a whole.
    pub fn general(&self) -> Option<String> {
        self.field.is_none().then(|| self.error.clone()).flatten()
    }
}
