//! The bottom layer: the types that pages, server functions and the backend exchange, and the
//! domain's closed sets. Compiles for both targets and does no I/O; it imports nothing of this crate.

mod activity;
mod platform;

pub use activity::{ActivityKind, ActivityStatus};
pub use platform::Platform;
