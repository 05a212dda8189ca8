//! Sign in. The form posts to `/login`, which redirects back here with an error or on to the
//! dashboard, so it works with and without JavaScript.

use super::flash;
use crate::components::{demo::DemoBadge, form::TextField};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn LoginPage() -> impl IntoView {
    let flash = flash();
    view! {
        <Title text="Sign in" />
        <main class="auth-page" id="main">
            <section class="auth-card">
                <DemoBadge />
                <h1>"Sign in to Prokip Sync"</h1>
                <p class="lead">"Keep your Prokip stock and your online stores' sales in step."</p>
                <Suspense fallback=|| ()>
                    {move || Suspend::new(async move {
                        let outcome = flash.await;
                        view! {
                            {outcome.error.clone().map(|e| view! { <p class="form-error" role="alert" data-testid="form-error">{e}</p> })}
                            <form method="post" action="/login" novalidate=false>
                                <TextField name="username" label="Username" value=outcome.kept("username") autocomplete="username" />
                                <TextField name="password" label="Password" kind="password" autocomplete="current-password" />
                                <button type="submit" class="primary">"Sign in"</button>
                            </form>
                        }
                    })}
                </Suspense>
                <p class="switch">"New here? " <a href="/register">"Create an account"</a></p>
            </section>
        </main>
    }
}
