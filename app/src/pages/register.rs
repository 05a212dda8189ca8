//! Create an account: a business and its owner.

use super::flash;
use crate::{
    components::{demo::DemoBadge, form::TextField},
    model::FlashView,
};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn RegisterPage() -> impl IntoView {
    let flash = flash();
    view! {
        <Title text="Create an account" />
        <main class="auth-page" id="main">
            <section class="auth-card">
                <DemoBadge />
                <h1>"Create your account"</h1>
                <p class="lead">"One account per business. You can connect Prokip and your stores next."</p>
                <Suspense fallback=|| ()>
                    {move || Suspend::new(async move { view! { <RegisterForm outcome=flash.await /> } })}
                </Suspense>
                <p class="switch">"Already have an account? " <a href="/login">"Sign in"</a></p>
            </section>
        </main>
    }
}

/// The form, with the error of a refused attempt beside its field and what was typed.
#[component]
fn RegisterForm(outcome: FlashView) -> impl IntoView {
    view! {
                {outcome.general().map(|e| view! { <p class="form-error" role="alert" data-testid="form-error">{e}</p> })}
                <form method="post" action="/register">
                    <TextField
                        name="business_name"
                        label="Business name"
                        autocomplete="organization"
                        value=outcome.kept("business_name")
                        maxlength=200
                        error=outcome.for_field("business_name").unwrap_or_default()
                    />
                    <TextField
                        name="username"
                        label="Username"
                        value=outcome.kept("username")
                        autocomplete="username"
                        minlength=3
                        maxlength=64
                        hint="3 to 64 letters, digits or . _ @ -"
                        error=outcome.for_field("username").unwrap_or_default()
                    />
                    <TextField
                        name="password"
                        label="Password"
                        kind="password"
                        autocomplete="new-password"
                        minlength=8
                        hint="At least 8 characters."
                        error=outcome.for_field("password").unwrap_or_default()
                    />
                    <BrowserTimeZone />
                    <button type="submit" class="primary">"Create account"</button>
                </form>
    }
}

/// The browser's IANA time zone as a hidden field, filled in once the page is hydrated (without
/// JavaScript it stays empty and the account starts in UTC).
#[component]
fn BrowserTimeZone() -> impl IntoView {
    let field = NodeRef::<leptos::html::Input>::new();
    Effect::new(move |_| {
        #[cfg(feature = "hydrate")]
        if let Some(input) = field.get() {
            input.set_value(&browser_time_zone());
        }
    });
    view! { <input type="hidden" name="time_zone" value="" node_ref=field /> }
}

#[cfg(feature = "hydrate")]
fn browser_time_zone() -> String {
    let format = js_sys::Intl::DateTimeFormat::new(&js_sys::Array::new(), &js_sys::Object::new());
    js_sys::Reflect::get(&format.resolved_options(), &"timeZone".into())
        .ok()
        .and_then(|z| z.as_string())
        .unwrap_or_default()
}
