//! The "Demo mode" badge: in demo mode every platform is a local mock, and the merchant needs the
//! mock credentials to walk through the product.

use crate::api::load_app_info;
use leptos::prelude::*;

/// What to type where, in demo mode. Kept in step with the seeded mock platforms.
pub const DEMO_CREDENTIALS: [(&str, &str); 3] = [
    ("Prokip", "username demo, password demo-password"),
    ("Shopify", "shop demo-store (approve on the mock's authorize page)"),
    (
        "WooCommerce",
        "store http://127.0.0.1:4002/demo-store, key ck_demo0000000000000000000000000000000000000, secret cs_demo0000000000000000000000000000000000000 (or use Connect with WooCommerce)",
    ),
];

#[component]
pub fn DemoBadge() -> impl IntoView {
    let info = Resource::new(|| (), |_| load_app_info());
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let demo = info.await.map(|i| i.demo_mode).unwrap_or(false);
                demo.then(|| {
                    view! {
                        <details class="demo-badge" data-testid="demo-badge">
                            <summary>"Demo mode"</summary>
                            <div class="demo-panel">
                                <p>"Every platform here is a local mock. Use these credentials:"</p>
                                <dl>
                                    {DEMO_CREDENTIALS
                                        .into_iter()
                                        .map(|(p, c)| view! { <dt>{p}</dt><dd>{c}</dd> })
                                        .collect_view()}
                                </dl>
                            </div>
                        </details>
                    }
                })
            })}
        </Suspense>
    }
}
