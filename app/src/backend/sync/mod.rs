//! The sync engine: catalog mapping (SKU ↔ variation), stock push (Prokip → stores) and order
//! import (stores → Prokip sells).

pub mod allocation;
pub mod create;
mod error;
pub mod history;
pub mod links;
pub mod mapping;
pub mod order_page;
pub mod orders;
pub mod preview;
pub mod products;
pub mod reconcile;
pub mod sku;
mod sku_history;
pub mod sources;
pub mod stock;
pub mod triggers;
pub mod webhook_health;

pub use error::SyncError;
