//! Forms that change something. Without JavaScript a [`PostForm`] is a plain form: it posts to its
//! route, which redirects back with a notice or an error. Once the page is hydrated the same post
//! is sent in the background (with [`IN_PLACE_HEADER`]): the form shows that it is working, an
//! error appears beside it (its field marked and focused), a notice where the page shows notices
//! (the form may be gone once the page's data have loaded again: a connected Prokip replaces its
//! sign-in form), all without leaving the page. The route and what it does are the same either way.

use crate::model::FlashView;
use leptos::prelude::*;

/// The answers of a page's forms and the count of changes they made, shared by the page.
#[derive(Clone, Copy)]
pub struct InPlace {
    /// The latest answer, with the key of the form that got it.
    answer: RwSignal<Option<(String, FlashView)>>,
    /// How many in-place posts changed something: pages' data depend on it and load again.
    version: RwSignal<u64>,
}

/// Called once by the app, above every page.
pub fn provide_in_place() {
    provide_context(InPlace { answer: RwSignal::new(None), version: RwSignal::new(0) });
}

/// Read (tracked) by each page's data resource, so that a change made in place loads it again.
pub fn data_version() -> u64 {
    use_context::<InPlace>().map_or(0, |c| c.version.get())
}

/// The latest answer without its error (shown beside its form): `Some` once a form of this page
/// has answered, when the message the page was opened with steps aside.
pub fn answer_in_place() -> Option<FlashView> {
    use_context::<InPlace>()?.answer.with(|a| {
        a.as_ref().map(|(_, f)| FlashView { notice: f.notice.clone(), secret: f.secret.clone(), ..Default::default() })
    })
}

/// Forgets the answers when another page is opened. Called by the signed-in frame.
pub fn forget_answers_on_navigation() {
    let Some(c) = use_context::<InPlace>() else { return };
    let location = leptos_router::hooks::use_location();
    Effect::new(move |_| {
        location.pathname.track();
        c.answer.set(None);
    });
}

/// A form that posts to `action` and shows its answer beside its fields.
#[component]
pub fn PostForm(
    #[prop(into)] action: String,
    #[prop(optional, into)] class: Option<String>,
    /// Tells apart several forms posting to the same address on one page (one per SKU).
    #[prop(optional, into)]
    key: Option<String>,
    children: Children,
) -> impl IntoView {
    let key = key.map_or_else(|| action.clone(), |k| format!("{action}#{k}"));
    let message_id = format!("answer-{}", key.replace(|c: char| !c.is_ascii_alphanumeric(), "-"));
    let pending = RwSignal::new(false);
    let in_place = use_context::<InPlace>();
    let navigate = leptos_router::hooks::use_navigate();
    let sending = Sending { key: key.clone(), message_id: message_id.clone(), pending, in_place };
    let on_submit = move |ev: leptos::ev::SubmitEvent| send(ev, sending.clone(), navigate.clone());
    let error =
        move || in_place?.answer.with(|a| a.as_ref().filter(|(k, _)| *k == key).and_then(|(_, f)| f.error.clone()));
    view! {
        <form method="post" action=action class=class on:submit=on_submit aria-busy=move || pending.get().then_some("true")>
            <fieldset class="in-place" disabled=move || pending.get()>{children()}</fieldset>
            {move || pending.get().then(|| view! { <p class="pending" role="status">"Working…"</p> })}
            {move || {
                error()
                    .map(|e| view! { <p class="form-error" role="alert" data-testid="form-error" id=message_id.clone()>{e}</p> })
            }}
        </form>
    }
}

/// What a submit needs to report back (read in the browser only).
#[derive(Clone)]
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
struct Sending {
    key: String,
    message_id: String,
    pending: RwSignal<bool>,
    in_place: Option<InPlace>,
}

/// On the server (and before hydration) the browser posts the form itself.
#[cfg(not(feature = "hydrate"))]
fn send<N>(_ev: leptos::ev::SubmitEvent, _sending: Sending, _navigate: N) {}

#[cfg(feature = "hydrate")]
fn send<N>(ev: leptos::ev::SubmitEvent, sending: Sending, navigate: N)
where
    N: Fn(&str, leptos_router::NavigateOptions) + 'static,
{
    use wasm_bindgen::JsCast;
    let Some(in_place) = sending.in_place else { return };
    let Some(form) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlFormElement>().ok()) else { return };
    // Anything the browser cannot do here leaves the post to the browser, as without JavaScript.
    let Ok(data) = web_sys::FormData::new_with_form(&form) else { return };
    let Ok(body) = web_sys::UrlSearchParams::new_with_str_sequence_sequence(&data) else { return };
    let Ok(here) = window().location().pathname() else { return };
    ev.prevent_default();
    let action = form.action();
    sending.pending.set(true);
    in_place.answer.set(None);
    leptos::task::spawn_local(async move {
        let answer = in_place::post(&action, &body, &here).await;
        sending.pending.set(false);
        match answer {
            Ok(crate::model::InPlaceAnswer { flash: Some(flash), .. }) => {
                if let Some(field) = flash.error.as_ref().and(flash.field.as_deref()) {
                    in_place::mark(&form, field, &sending.message_id);
                } else {
                    in_place.version.update(|v| *v += 1);
                }
                in_place.answer.set(Some((sending.key, flash)));
            }
            Ok(crate::model::InPlaceAnswer { location: Some(to), .. }) => {
                if to.starts_with('/') && !to.starts_with("//") {
                    navigate(&to, Default::default());
                } else {
                    let _ = window().location().set_href(&to);
                }
            }
            Ok(_) => in_place.version.update(|v| *v += 1),
            Err(error) => {
                in_place.answer.set(Some((sending.key, FlashView { error: Some(error), ..Default::default() })))
            }
        }
    });
}

#[cfg(feature = "hydrate")]
mod in_place {
    use crate::model::{IN_PLACE_HEADER, InPlaceAnswer};
    use leptos::prelude::window;
    use wasm_bindgen::{JsCast, JsValue};
    use wasm_bindgen_futures::JsFuture;

    const UNSENT: &str = "Not sent: the dashboard could not be reached. Check your connection and try again.";

    /// Posts the form's fields as the browser would, naming the page it is on.
    pub async fn post(action: &str, body: &web_sys::UrlSearchParams, here: &str) -> Result<InPlaceAnswer, String> {
        let unsent = |_: JsValue| UNSENT.to_owned();
        let headers = web_sys::Headers::new().map_err(unsent)?;
        headers.set(IN_PLACE_HEADER, here).map_err(unsent)?;
        let init = web_sys::RequestInit::new();
        init.set_method("POST");
        init.set_body(body);
        init.set_headers(&headers);
        let response: web_sys::Response =
            JsFuture::from(window().fetch_with_str_and_init(action, &init)).await.map_err(unsent)?.unchecked_into();
        let text =
            JsFuture::from(response.text().map_err(unsent)?).await.map_err(unsent)?.as_string().unwrap_or_default();
        if response.ok()
            && let Ok(answer) = serde_json::from_str::<InPlaceAnswer>(&text)
        {
            return Ok(answer);
        }
        Err(refused(response.status(), &text))
    }

    /// A route's own refusal (`{"error", "details"}`, e.g. a post from another site), said plainly.
    fn refused(status: u16, body: &str) -> String {
        let details = serde_json::from_str::<serde_json::Value>(body)
            .ok()
            .and_then(|v| v.get("details").and_then(|d| d.as_str()).map(str::to_owned));
        details.unwrap_or_else(|| format!("Not saved: the dashboard answered {status}. Reload the page and try again."))
    }

    /// Marks the refused field and moves the focus to it, so its error is read with it.
    pub fn mark(form: &web_sys::HtmlFormElement, field: &str, message_id: &str) {
        let Some(input) = form.elements().named_item(field).and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
        else {
            return;
        };
        let _ = input.set_attribute("aria-invalid", "true");
        let _ = input.set_attribute("aria-describedby", message_id);
        let _ = input.focus();
    }
}
