//! Placeholder: filled in by the woocommerce mock work.
