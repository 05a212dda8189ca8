//! The 404 page.

use leptos::prelude::*;
use leptos_meta::Title;

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
