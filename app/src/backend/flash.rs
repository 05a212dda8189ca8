//! Flash messages: what a form post reports ("Safety buffer set to 5", or an error beside a field
//! with what was typed) is kept in the session under a random id and shown once, by the page the
//! post redirects to. The address carries only the id (`?notice=<id>` or `?error=<id>`), so no text
//! from an address is ever rendered (a crafted `?notice=Your password expired…` shows nothing) and
//! a reload shows nothing again.
//!
//! Routes answer with [`redirect`], which leaves the message on the response; [`attach`], a
//! middleware inside the session layer, moves it into the session and writes the id into the
//! `Location`. Pages read it back with [`take`] (the `take_flash` server function).

use crate::model::FlashView;
use axum::{
    extract::Request,
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

/// Keeps `flash` in the session; its id.
pub async fn store(session: &Session, flash: FlashView) -> Result<String, tower_sessions::session::Error> {
    let id: String = rand::rng().sample_iter(&Alphanumeric).take(16).map(char::from).collect();
    let mut stored: Stored = session.get(KEY).await?.unwrap_or_default();
    stored.messages.push((id.clone(), flash));
    let over = stored.messages.len().saturating_sub(KEPT);
    stored.messages.drain(..over);
    session.insert(KEY, stored).await?;
    Ok(id)
}

/// The message with this id, removed from the session: shown once.
pub async fn take(session: &Session, id: &str) -> Result<Option<FlashView>, tower_sessions::session::Error> {
    let Some(mut stored) = session.get::<Stored>(KEY).await? else { return Ok(None) };
    let Some(at) = stored.messages.iter().position(|(i, _)| i == id) else { return Ok(None) };
    let (_, flash) = stored.messages.remove(at);
    session.insert(KEY, stored).await?;
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
pub async fn attach(request: Request, next: Next) -> Response {
    let session = request.extensions().get::<Session>().cloned();
    let mut response = next.run(request).await;
    let Some(pending) = response.extensions_mut().remove::<Pending>() else { return response };
    let Some(session) = session else { return response };
    match store(&session, pending.flash.clone()).await {
        Ok(id) => {
            let separator = if pending.page.contains('?') { '&' } else { '?' };
            let to = format!("{}{separator}{}", pending.page, query(&id, &pending));
            if let Ok(v) = HeaderValue::from_str(&to) {
                response.headers_mut().insert(header::LOCATION, v);
            }
        }
        Err(e) => tracing::warn!(error = %e, "flash message not kept"),
    }
    response
}

/// Longest value kept (longer ones are refused by the form anyway).
const KEPT_CHARS: usize = 256;

/// The kept values of a form (what was typed), for [`FlashView::kept`].
pub fn kept(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs.iter().map(|(k, v)| ((*k).to_owned(), v.chars().take(KEPT_CHARS).collect())).collect()
}
