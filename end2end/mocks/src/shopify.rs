//! Placeholder: filled in by the shopify mock work.
