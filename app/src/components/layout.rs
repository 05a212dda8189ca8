//! The signed-in frame: header with the account and sign-out, navigation, and the page outlet.

use crate::{api::load_current_user, components::demo::DemoBadge};
use leptos::prelude::*;
use leptos_router::components::{A, Outlet};

const NAV: [(&str, &str); 6] = [
    ("/", "Overview"),
    ("/connections", "Connections"),
    ("/products", "Products"),
    ("/orders", "Orders"),
    ("/activity", "Activity"),
    ("/settings", "Settings"),
];

#[component]
pub fn Layout() -> impl IntoView {
    let user = Resource::new(|| (), |_| load_current_user());
    crate::components::post_form::forget_answers_on_navigation();
    view! {
        <a class="skip-link" href="#main">"Skip to content"</a>
        <header class="topbar">
            <a class="brand" href="/">"Prokip Sync"</a>
            <DemoBadge />
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    user.await
                        .ok()
                        .flatten()
                        .map(|u| {
                            view! {
                                <div class="account">
                                    <span class="account-name" data-testid="account-name">{u.account_name}</span>
                                    <span class="username">{u.username}</span>
                                    <form method="post" action="/logout">
                                        <button type="submit" class="link-button">"Sign out"</button>
                                    </form>
                                </div>
                            }
                        })
                })}
            </Suspense>
        </header>
        <div class="frame">
            <nav class="sidenav" aria-label="Main">
                <ul>
                    {NAV
                        .into_iter()
                        .map(|(href, label)| view! { <li><A href=href exact=true>{label}</A></li> })
                        .collect_view()}
                </ul>
            </nav>
            <main id="main" tabindex="-1">
                <Outlet />
            </main>
        </div>
    }
}
