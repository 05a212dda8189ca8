//! Placeholders for pages that are planned but not built, and the 404 page.

use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn NotYet(title: &'static str, what: &'static str) -> impl IntoView {
    view! {
        <Title text=title />
        <h1>{title}</h1>
        <div class="notice" role="status">
            <p><strong>"This page is not built yet."</strong></p>
            <p>{what}</p>
        </div>
    }
}

#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(res) = use_context::<leptos_axum::ResponseOptions>() {
        res.set_status(axum::http::StatusCode::NOT_FOUND);
    }
    view! {
        <Title text="Not found" />
        <main class="auth-page" id="main">
            <section class="auth-card">
                <h1>"Page not found"</h1>
                <p><a href="/">"Back to the overview"</a></p>
            </section>
        </main>
    }
}
