//! Widgets shared by several pages.

pub mod demo;
pub mod form;
pub mod layout;
pub mod live_health;
pub mod pager;
pub mod post_form;
pub mod sync_progress;
