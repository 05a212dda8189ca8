//! The running or last full stock sync ("Syncing: 120 / 530"), shown on the Products and
//! Connections pages. Rendered on the server, so it reads right without JavaScript; reload to update.

use crate::api::load_sync_run;
use leptos::prelude::*;

#[component]
pub fn SyncProgress() -> impl IntoView {
    let run = Resource::new(|| (), |()| load_sync_run());
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                run.await.ok().flatten().map(|r| {
                    let class = if r.running { "sync-progress running" } else { "sync-progress" };
                    view! {
                        <p class=class role="status" data-testid="sync-progress">
                            {r.line()}
                            {r.running.then(|| view! { <progress max=r.total value=r.done></progress> })}
                        </p>
                    }
                })
            })}
        </Suspense>
    }
}
