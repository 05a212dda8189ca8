//! The sync engine: catalog mapping (SKU ↔ variation), stock push (Prokip → stores) and order
//! import (stores → Prokip sells).

pub mod orders;
