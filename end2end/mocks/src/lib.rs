//! Stateful fakes of Prokip (:4000), Shopify (:4001) and WooCommerce (:4002) that behave as the
//! platforms' documentation says the real services do. Used by integration tests (in process),
//! end-to-end tests and demo mode (the `mocks` binary), and benchmarks.

pub mod catalog;
pub mod faults;
pub mod pricing;
pub mod prokip;
pub mod shopify;
pub mod woocommerce;

use std::net::SocketAddr;

/// Serves `router` on `addr` (port 0 = any free port) and returns the bound address.
pub async fn serve(router: axum::Router, addr: SocketAddr) -> std::io::Result<SocketAddr> {
    let listener = tokio::net::TcpListener::bind(addr).await?;
    let bound = listener.local_addr()?;
    tokio::spawn(async move {
        if let Err(e) = axum::serve(listener, router).await {
            tracing::error!(error = %e, "mock server stopped");
        }
    });
    Ok(bound)
}
