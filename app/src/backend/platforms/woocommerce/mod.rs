//! Placeholder: filled in by the woocommerce client work.
