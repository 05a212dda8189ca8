//! Typed clients for the platforms we sync: Prokip (the stock master), Shopify and WooCommerce.
//! Each platform's quirks are handled inside its own module; callers get typed results.

pub mod http;
pub mod prokip;
pub mod shopify;
pub mod woocommerce;
