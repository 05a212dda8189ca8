//! The running or last full stock sync ("Syncing: 120 / 530"), shown on the Products and
//! Connections pages. Rendered on the server, so it reads right without JavaScript; in the browser
//! it follows a running sync every second and stops asking once it has finished.

use crate::api::load_sync_run;
use leptos::prelude::*;
use std::time::Duration;

/// How often a running sync is asked about.
const FOLLOW_EVERY: Duration = Duration::from_secs(1);

#[component]
pub fn SyncProgress() -> impl IntoView {
    let asked = RwSignal::new(0u32);
    let run = Resource::new(move || (asked.get(), super::post_form::data_version()), |_| load_sync_run());
    // Effects run in the browser only: the server renders the state once.
    Effect::new(move |_| {
        if let Some(Ok(Some(r))) = run.get()
            && r.running
        {
            set_timeout(move || asked.update(|n| *n += 1), FOLLOW_EVERY);
        }
    });
    view! {
        <Transition fallback=|| ()>
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
        </Transition>
    }
}
