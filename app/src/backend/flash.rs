//! Flash messages: what a form post reports ("Safety buffer set to 5", or an error beside a field
//! with what was typed) is kept in the session under a random id and shown once, by the page the
//! post redirects to. The address carries only the id (`?notice=<id>` or `?error=<id>`), so no text
//! from an address is ever rendered (a crafted `?notice=Your password expired…` shows nothing) and
//! a reload shows nothing again.
//!
//! Routes answer with [`redirect`], which leaves the message on the response; [`attach`], a
//! middleware inside the session layer, moves it into the session and writes the id into the
//! `Location`. Pages read it back with [`take`] (the `take_flash` server function). A hydrated
//! page's form posts the same way and gets the message back in the answer, to show beside the form
//! without leaving the page (see `components::post_form`).
//!
//! A message's [`FlashView::secret`] (a new API token) is sealed with the keyring while it waits
//! in the session, like every secret at rest; an in-place answer carries it without storing it.

use crate::{
    backend::{crypto::Keyring, secret::Secret, state::AppState},
    model::{FlashView, IN_PLACE_HEADER, InPlaceAnswer},
};
use axum::{
    extract::{Request, State},
    http::{HeaderValue, StatusCode, header},
    middleware::Next,
    response::{IntoResponse, Response},
};
use rand::{Rng, distr::Alphanumeric};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use tower_sessions::Session;

const KEY: &str = "flash";
/// Messages kept at once (several tabs posting before either page loads); the oldest go first.
const KEPT: usize = 8;

/// A message waiting on its way out of a form route.
#[derive(Debug, Clone)]
struct Pending {
    page: String,
    flash: FlashView,
    /// `?field=` beside the id, for scripts that check which field was refused.
    field: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct Stored {
    /// (id, message), oldest first.
    messages: Vec<(String, FlashView)>,
}

/// A 303 back to `page` that shows `flash` once there.
pub fn redirect(page: &str, flash: FlashView) -> Response {
    let field = flash.field.clone();
    let mut response = (StatusCode::SEE_OTHER, [(header::LOCATION, page.to_owned())]).into_response();
    response.extensions_mut().insert(Pending { page: page.to_owned(), flash, field });
    response
}

/// What a secret is sealed for (authenticated with it, so it opens nowhere else).
const SEALED_FOR: &str = "flash:secret";

/// Keeps `flash` in the session (its secret sealed); its id.
pub async fn store(
    session: &Session,
    mut flash: FlashView,
    keyring: &Keyring,
) -> Result<String, tower_sessions::session::Error> {
    use base64::{Engine, engine::general_purpose::STANDARD};
    flash.secret = flash.secret.map(|s| STANDARD.encode(keyring.seal(&Secret::new(s), SEALED_FOR)));
    let id: String = rand::rng().sample_iter(&Alphanumeric).take(16).map(char::from).collect();
    let mut stored: Stored = session.get(KEY).await?.unwrap_or_default();
    stored.messages.push((id.clone(), flash));
    let over = stored.messages.len().saturating_sub(KEPT);
    stored.messages.drain(..over);
    session.insert(KEY, stored).await?;
    Ok(id)
}

/// The message with this id, removed from the session: shown once. A secret that no longer
/// opens (its key retired meanwhile) is left out.
pub async fn take(
    session: &Session,
    id: &str,
    keyring: &Keyring,
) -> Result<Option<FlashView>, tower_sessions::session::Error> {
    use base64::{Engine, engine::general_purpose::STANDARD};
    let Some(mut stored) = session.get::<Stored>(KEY).await? else { return Ok(None) };
    let Some(at) = stored.messages.iter().position(|(i, _)| i == id) else { return Ok(None) };
    let (_, mut flash) = stored.messages.remove(at);
    session.insert(KEY, stored).await?;
    flash.secret = flash.secret.and_then(|sealed| {
        let bytes = STANDARD.decode(sealed).ok()?;
        keyring.open(&bytes, SEALED_FOR).ok().map(|s| s.expose().to_owned())
    });
    Ok(Some(flash))
}

/// The query naming a stored message: `notice=<id>` or `error=<id>` (with `field=` for errors).
fn query(id: &str, pending: &Pending) -> String {
    let kind = if pending.flash.error.is_some() { "error" } else { "notice" };
    let mut pairs = vec![(kind, id)];
    pairs.extend(pending.field.as_deref().map(|f| ("field", f)));
    serde_urlencoded::to_string(pairs).unwrap_or_default()
}

/// Moves a route's message into the session and names it in the `Location`. Without a session
/// (never inside the session layer) the page is reached without its message.
///
/// A post from a hydrated page ([`IN_PLACE_HEADER`]) is handled the same way; only its answer
/// changes, to an [`InPlaceAnswer`]: the message itself when it is for the page the form is on,
/// else where to go (with the message kept for that page, as for a redirect).
pub async fn attach(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let keyring = &state.keyring;
    let session = request.extensions().get::<Session>().cloned();
    let here = request.headers().get(IN_PLACE_HEADER).and_then(|v| v.to_str().ok()).map(str::to_owned);
    let mut response = next.run(request).await;
    let pending = response.extensions_mut().remove::<Pending>();
    match (here, pending) {
        (Some(here), Some(pending)) if path_of(&pending.page) == here => {
            answer(InPlaceAnswer { flash: Some(pending.flash), location: None })
        }
        (Some(_), Some(pending)) => {
            let location = match &session {
                Some(session) => kept_at(session, &pending, keyring).await,
                None => pending.page,
            };
            answer(InPlaceAnswer { flash: None, location: Some(location) })
        }
        (Some(_), None) if response.status().is_redirection() => {
            let location = response.headers().get(header::LOCATION).and_then(|v| v.to_str().ok()).map(str::to_owned);
            answer(InPlaceAnswer { flash: None, location })
        }
        (None, Some(pending)) => {
            if let Some(session) = session
                && let Ok(v) = HeaderValue::from_str(&kept_at(&session, &pending, keyring).await)
            {
                response.headers_mut().insert(header::LOCATION, v);
            }
            response
        }
        // Not a form's answer (JSON, an error page): as it is.
        (_, None) => response,
    }
}

/// The page's address with the id of `pending`'s message, kept in the session; the bare page
/// when it cannot be kept.
async fn kept_at(session: &Session, pending: &Pending, keyring: &Keyring) -> String {
    match store(session, pending.flash.clone(), keyring).await {
        Ok(id) => {
            let separator = if pending.page.contains('?') { '&' } else { '?' };
            format!("{}{separator}{}", pending.page, query(&id, pending))
        }
        Err(e) => {
            tracing::warn!(error = %e, "flash message not kept");
            pending.page.clone()
        }
    }
}

fn path_of(page: &str) -> &str {
    page.split(['?', '#']).next().unwrap_or(page)
}

fn answer(body: InPlaceAnswer) -> Response {
    (StatusCode::OK, [(header::CACHE_CONTROL, "no-store")], axum::Json(body)).into_response()
}

/// Longest value kept (longer ones are refused by the form anyway).
const KEPT_CHARS: usize = 256;

/// The kept values of a form (what was typed), for [`FlashView::kept`].
pub fn kept(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs.iter().map(|(k, v)| ((*k).to_owned(), v.chars().take(KEPT_CHARS).collect())).collect()
}
