//! Sign in. The form posts to `/login`, which redirects back here with an error or on to the
//! dashboard, so it works with and without JavaScript.

use super::FormOutcome;
use crate::components::{demo::DemoBadge, form::TextField};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn LoginPage() -> impl IntoView {
    let outcome = FormOutcome::read();
    view! {
        <Title text="Sign in" />
        <main class="auth-page" id="main">
            <section class="auth-card">
                <DemoBadge />
                <h1>"Sign in to Prokip Sync"</h1>
                <p class="lead">"Keep your Prokip stock and your online stores' sales in step."</p>
                {outcome.general().map(|e| view! { <p class="form-error" role="alert" data-testid="form-error">{e}</p> })}
                <form method="post" action="/login" novalidate=false>
                    <TextField name="username" label="Username" value=outcome.username.clone().unwrap_or_default() autocomplete="username" />
                    <TextField name="password" label="Password" kind="password" autocomplete="current-password" />
                    <button type="submit" class="primary">"Sign in"</button>
                </form>
                <p class="switch">"New here? " <a href="/register">"Create an account"</a></p>
            </section>
        </main>
    }
}
