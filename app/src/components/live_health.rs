//! Store badges that stay current while a page is open. The server renders each badge from the
//! page's own data; in the browser the account's store health is asked for again every few
//! seconds, and a badge shows the newest answer for its store.

use crate::{api::load_store_health, model::StoreHealthView};
use leptos::prelude::*;
use std::time::Duration;

/// How often the browser asks again.
const ASK_EVERY: Duration = Duration::from_secs(5);

#[derive(Clone, Copy)]
struct LiveHealth {
    health: LocalResource<Option<Vec<StoreHealthView>>>,
    /// How many answers have arrived: a badge trusts only answers newer than itself.
    answers: RwSignal<u32>,
}

/// Keeps this page's [`HealthBadge`]s current. A local resource: the server never loads it, so
/// the hydrated page starts from exactly what the server rendered.
pub fn follow_store_health() {
    let asked = RwSignal::new(0u32);
    let answers = RwSignal::new(0u32);
    // Asked again on the timer, and at once after a form on the page changed something.
    let health = LocalResource::new(move || {
        asked.track();
        super::post_form::data_version();
        async move { load_store_health().await.ok() }
    });
    // After each answer, ask again later; the effect ends with the page.
    Effect::new(move |_| {
        if health.get().is_some() {
            answers.update(|n| *n += 1);
            set_timeout(
                move || {
                    asked.try_update(|n| *n += 1);
                },
                ASK_EVERY,
            );
        }
    });
    provide_context(LiveHealth { health, answers });
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
    // Only an answer newer than this badge counts: a page rendered again after a form's change
    // shows its own fresh value, not an answer from before the change. On the server and during
    // hydration no answer has arrived, so the local resource (which never loads on the server,
    // holding up the page around it) is not read there.
    let rendered_after = live.map_or(0, |l| l.answers.get_untracked());
    let latest = move || {
        let live = live.filter(|l| l.answers.get() > rendered_after)?;
        let list = live.health.get().flatten()?;
        list.into_iter().find(|s| s.id == id).map(|s| (s.health, s.badge))
    };
    let (first_label, first_class) = (label, class);
    view! {
        <span class=move || latest().map_or_else(|| first_class.clone(), |(_, c)| c) data-testid=testid>
            {move || latest().map_or_else(|| first_label.clone(), |(l, _)| l)}
        </span>
    }
}
