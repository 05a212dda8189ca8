//! Store badges that stay current while a page is open. The server renders each badge from the
//! page's own data; in the browser the account's store health is asked for again every few
//! seconds, and a badge shows the newest answer for its store.

use crate::{api::load_store_health, model::StoreHealthView};
use leptos::prelude::*;
use std::time::Duration;

/// How often the browser asks again.
const ASK_EVERY: Duration = Duration::from_secs(5);

#[derive(Clone, Copy)]
struct LiveHealth(LocalResource<Option<Vec<StoreHealthView>>>);

/// Keeps this page's [`HealthBadge`]s current. A local resource: the server never loads it, so
/// the hydrated page starts from exactly what the server rendered.
pub fn follow_store_health() {
    let asked = RwSignal::new(0u32);
    let health = LocalResource::new(move || {
        asked.track();
        async move { load_store_health().await.ok() }
    });
    // After each answer, ask again later; the effect ends with the page.
    Effect::new(move |_| {
        if health.get().is_some() {
            set_timeout(
                move || {
                    asked.try_update(|n| *n += 1);
                },
                ASK_EVERY,
            );
        }
    });
    provide_context(LiveHealth(health));
}

/// Store `id`'s badge: `label` in the tone `class` as rendered, then as the latest answer says.
#[component]
pub fn HealthBadge(
    id: i64,
    #[prop(into)] label: String,
    #[prop(into)] class: String,
    #[prop(default = "store-status")] testid: &'static str,
) -> impl IntoView {
    let live = use_context::<LiveHealth>();
    // The resource is read only once the page runs in the browser: the server (where a local
    // resource never loads, holding up the page around it) and hydration use what was rendered.
    let mounted = RwSignal::new(false);
    Effect::new(move |_| mounted.set(true));
    let latest = move || {
        if !mounted.get() {
            return None;
        }
        let list = live.and_then(|l| l.0.get()).flatten()?;
        list.into_iter().find(|s| s.id == id).map(|s| (s.health, s.badge))
    };
    let (first_label, first_class) = (label, class);
    view! {
        <span class=move || latest().map_or_else(|| first_class.clone(), |(_, c)| c) data-testid=testid>
            {move || latest().map_or_else(|| first_label.clone(), |(l, _)| l)}
        </span>
    }
}
