//! One module per page.

pub mod connections;
pub mod history;
pub mod login;
pub mod not_yet;
pub mod order;
pub mod overview;
pub mod overview_chart;
pub mod preview;
pub mod products;
pub mod register;
pub mod settings;
pub mod sku;
pub mod sku_chart;

use crate::{api::take_flash, components::post_form::answer_in_place, model::FlashView};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// The message a form post left for this page, read once from the session by the id in the
/// address (`?notice=<id>` or `?error=<id>`; no text of the address is ever shown). Empty when
/// there is none, or it was shown already.
pub(crate) fn flash() -> Resource<FlashView> {
    let query = use_query_map();
    Resource::new(
        move || {
            let q = query.get();
            q.get("notice").or_else(|| q.get("error"))
        },
        |id| async move {
            match id {
                Some(id) => take_flash(id).await.ok().flatten().unwrap_or_default(),
                None => FlashView::default(),
            }
        },
    )
}

/// The notice or error a form post left for this page, shown once; once a form of the page has
/// answered in place, its notice instead (its error is beside the form).
#[component]
pub(crate) fn Banners() -> impl IntoView {
    let flash = flash();
    view! {
        <Suspense fallback=|| ()>
            {move || {
                let in_place = answer_in_place();
                Suspend::new(async move {
                    let f = match in_place {
                        Some(answer) => answer,
                        None => flash.await,
                    };
                    (
                        f.notice.map(|n| view! { <p class="notice-ok" role="status" data-testid="notice">{n}</p> }),
                        f.secret.map(|s| view! { <ShownOnce value=s /> }),
                        f.error.map(|e| view! { <p class="form-error" role="alert" data-testid="form-error">{e}</p> }),
                    )
                })
            }}
        </Suspense>
    }
}

/// A value this page shows once (a new API token), selectable in one click to copy.
#[component]
fn ShownOnce(value: String) -> impl IntoView {
    view! {
        <div class="shown-once">
            <label for="shown-once">"Your new token (shown only now)"</label>
            <input id="shown-once" type="text" readonly value=value data-testid="new-token" onfocus="this.select()" />
        </div>
    }
}
