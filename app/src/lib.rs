//! The dashboard: the HTML shell, the router and its pages. Dependencies point one way, down:
//! `pages`/`components` → `api` (server functions) → `backend` (feature `ssr`), and all of them →
//! `model` (the data they exchange); `tests/layers.rs` checks it.

#![recursion_limit = "256"]

pub mod api;
#[cfg(feature = "ssr")]
pub mod backend;
mod components;
pub mod model;
mod pages;

use components::layout::Layout;
use leptos::prelude::*;
use leptos_meta::{HashedStylesheet, MetaTags, Title, provide_meta_context};
use leptos_router::{
    SsrMode,
    components::{ParentRoute, Route, Router, Routes},
    path,
};
use pages::{
    connections::ConnectionsPage,
    history::{ActivityPage, OrdersPage},
    login::LoginPage,
    not_yet::NotFound,
    order::OrderPage,
    overview::OverviewPage,
    preview::PreviewPage,
    products::ProductsPage,
    register::RegisterPage,
    settings::SettingsPage,
    sku::SkuPage,
};

pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
                <AutoReload options=options.clone() />
                <HashedStylesheet options=options.clone() id="leptos" />
                <HydrationScripts options />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    components::post_form::provide_in_place();
    // Marks the page once the client has taken over, so browser tests know when clicks are live.
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| {
        if let Some(body) = document().body() {
            let _ = body.set_attribute("data-hydrated", "true");
        }
    });
    view! {
        <Title formatter=|page: String| format!("{page} · Prokip Sync") />
        <Router>
            <Routes fallback=NotFound>
                <Route path=path!("/login") view=LoginPage ssr=SsrMode::Async />
                <Route path=path!("/register") view=RegisterPage ssr=SsrMode::Async />
                <ParentRoute path=path!("") view=Layout ssr=SsrMode::Async>
                    <Route path=path!("") view=OverviewPage ssr=SsrMode::Async />
                    <Route path=path!("connections") view=ConnectionsPage ssr=SsrMode::Async />
                    <Route path=path!("connections/:id/preview") view=PreviewPage ssr=SsrMode::Async />
                    <Route path=path!("products") view=ProductsPage ssr=SsrMode::Async />
                    <Route path=path!("products/:sku") view=SkuPage ssr=SsrMode::Async />
                    <Route path=path!("orders") view=OrdersPage ssr=SsrMode::Async />
                    <Route path=path!("orders/:id") view=OrderPage ssr=SsrMode::Async />
                    <Route path=path!("activity") view=ActivityPage ssr=SsrMode::Async />
                    <Route path=path!("settings") view=SettingsPage ssr=SsrMode::Async />
                </ParentRoute>
            </Routes>
        </Router>
    }
}
