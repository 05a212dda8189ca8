//! Background jobs (apalis, Postgres storage on the shared pool). Queue names are fixed here, so
//! renaming a type never silently moves its jobs to another queue.

pub mod housekeeping;

pub const HOUSEKEEPING_QUEUE: &str = "housekeeping";
