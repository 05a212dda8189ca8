//! Previous / next links under a paged list, as every paged page shows them.

use leptos::prelude::*;

/// How the two links read: pages of a list, or pages of a history (newest first).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// "← Previous" / "Next →"
    List,
    /// "← Newer" / "Older →"
    History,
}

/// Links to page `page − 1` and `page + 1` of `pages` (each only where there is one), their
/// addresses made by `href`.
#[component]
pub fn Pager(
    page: u64,
    pages: u64,
    href: impl Fn(u64) -> String,
    #[prop(default = Direction::List)] direction: Direction,
    #[prop(default = "Pages")] label: &'static str,
) -> impl IntoView {
    let (back, forward) = match direction {
        Direction::List => ("← Previous", "Next →"),
        Direction::History => ("← Newer", "Older →"),
    };
    let prev = (page > 1).then(|| href(page - 1));
    let next = (page < pages).then(|| href(page + 1));
    view! {
        <nav class="pager" aria-label=label>
            {prev.map(|href| view! { <a href=href rel="prev">{back}</a> })}
            {next.map(|href| view! { <a href=href rel="next">{forward}</a> })}
        </nav>
    }
}
