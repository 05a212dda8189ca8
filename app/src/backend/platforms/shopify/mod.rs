//! Placeholder: filled in by the shopify client work.
