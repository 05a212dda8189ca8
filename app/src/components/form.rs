//! A labelled form field whose error, when there is one, is tied to the input for screen readers.

use leptos::prelude::*;

#[component]
pub fn TextField(
    name: &'static str,
    /// Element id, when the same field name appears in several forms on one page.
    #[prop(optional)]
    id: Option<&'static str>,
    label: &'static str,
    #[prop(default = "text")] kind: &'static str,
    #[prop(optional, into)] value: Option<String>,
    #[prop(optional, into)] error: Option<String>,
    #[prop(optional)] hint: Option<&'static str>,
    #[prop(default = "off")] autocomplete: &'static str,
    /// Checked by the browser before sending (the server checks again).
    #[prop(optional)]
    minlength: Option<u32>,
    #[prop(optional)] maxlength: Option<u32>,
) -> impl IntoView {
    // An empty error or value is none: pages pass what the query string had, often nothing.
    let error = error.filter(|e| !e.is_empty());
    let value = value.filter(|v| !v.is_empty());
    let id = id.unwrap_or(name);
    let error_id = format!("{id}-error");
    let hint_id = format!("{id}-hint");
    let described = match (error.is_some(), hint.is_some()) {
        (true, _) => Some(error_id.clone()),
        (false, true) => Some(hint_id.clone()),
        _ => None,
    };
    let has_error = error.is_some();
    view! {
        <div class="field" class:has-error=has_error>
            <label for=id>{label}</label>
            <input
                id=id
                name=name
                type=kind
                value=value
                autocomplete=autocomplete
                required=true
                minlength=minlength
                maxlength=maxlength
                aria-invalid=has_error.then_some("true")
                aria-describedby=described
            />
            {hint.map(|h| view! { <p class="hint" id=hint_id.clone()>{h}</p> })}
            {error.map(|e| view! { <p class="field-error" id=error_id.clone() role="alert">{e}</p> })}
        </div>
    }
}
