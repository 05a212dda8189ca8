//! A store's preview (`/connections/{id}/preview`): what the next full sync would change, per SKU
//! what the store shows now and what it would be set to, with totals per kind of change. Filter,
//! sort and page travel in the query string (`?show=&sort=&page=`), so it works without
//! JavaScript; "Start syncing" is a plain form.

use super::{Banners, products::encode};
use crate::components::pager::Pager;
use crate::components::post_form::PostForm;
use crate::{
    api::load_preview,
    model::{PREVIEW_CHANGES, PREVIEW_SORTS, PreviewRow, PreviewView},
};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

#[component]
pub fn PreviewPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let data = Resource::new(
        move || {
            let q = query.get();
            let id = params.get().get("id").and_then(|id| id.parse().ok()).unwrap_or(0);
            let page = q.get("page").and_then(|p| p.parse().ok()).unwrap_or(1);
            (id, q.get("show").unwrap_or_default(), q.get("sort").unwrap_or_default(), page)
        },
        |(id, show, sort, page)| load_preview(id, show, sort, page),
    );
    view! {
        <p><a href="/connections">"← Connections"</a></p>
        <Banners />
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(v) => view! { <Preview v /> }.into_any(),
                    Err(e) => view! {
                        <Title text="Preview" />
                        <h1>"Preview"</h1>
                        <p class="form-error" role="alert" data-testid="preview-error">{e.to_string()}</p>
                    }.into_any(),
                }
            })}
        </Suspense>
    }
}

fn link(v: &PreviewView, show: &str, sort: &str, page: u64) -> String {
    format!("/connections/{}/preview?show={}&sort={}&page={page}", v.connection_id, encode(show), encode(sort))
}

fn change_label(change: &str) -> &'static str {
    PREVIEW_CHANGES.iter().find(|(k, _)| *k == change).map_or("", |(_, label)| label)
}

#[component]
fn Preview(v: PreviewView) -> impl IntoView {
    let t = &v.totals;
    let counts = [
        ("raised", t.raised),
        ("lowered", t.lowered),
        ("zeroed", t.zeroed),
        ("unchanged", t.unchanged),
        ("unmatched", t.unmatched),
    ];
    let (page, pages, paging) = (v.page, v.pages, v.clone());
    let heading = if v.in_review { "Review before the first sync" } else { "What the next full sync would change" };
    let state = match (v.in_review, v.sync_enabled) {
        (true, _) => "Stock updates are off for this store until you start syncing. Orders are imported already.",
        (false, true) => "Stock updates are on: every sync sets these quantities.",
        (false, false) => "Stock updates are paused for this store.",
    };
    view! {
        <Title text=format!("Preview · {}", v.store_url) />
        <h1>{heading}</h1>
        <p class="direction">
            {format!("{} {} · safety buffer {}", v.platform, v.store_url, v.safety_buffer)}
            {v.rules.clone().map(|r| format!(" · rules: {r}"))}
            ". We would set each SKU to Prokip's whole units, less what unpaid orders hold and the safety buffer, never below 0, then the store's rules. "
            <span data-testid="preview-state">{state}</span>
        </p>
        {v.problem.clone().map(|p| view! { <p class="form-error" role="alert" data-testid="preview-problem">{p}</p> })}
        <dl class="facts" data-testid="preview-totals">
            {counts.into_iter().map(|(k, n)| view! {
                <dt>{change_label(k)}</dt>
                <dd data-testid=format!("total-{k}")><a href=link(&v, k, &v.sort, 1)>{n}</a></dd>
            }).collect_view()}
        </dl>
        {(!v.sync_enabled).then(|| view! {
            <PostForm action=format!("/connections/{}/start-sync", v.connection_id)>
                <button type="submit" class="primary" data-testid="start-syncing">"Start syncing"</button>
            </PostForm>
        })}
        <form method="get" action=format!("/connections/{}/preview", v.connection_id) class="inline-form" role="search">
            <label for="show">"Show"</label>
            <select id="show" name="show">
                {PREVIEW_CHANGES.iter().map(|(k, label)| view! { <option value=*k selected=v.show == *k>{*label}</option> }).collect_view()}
            </select>
            <label for="sort">"Sort by"</label>
            <select id="sort" name="sort">
                {PREVIEW_SORTS.iter().map(|(k, label)| view! { <option value=*k selected=v.sort == *k>{*label}</option> }).collect_view()}
            </select>
            <button type="submit">"Apply"</button>
        </form>
        <p data-testid="preview-count">{format!("{} SKUs · page {} of {}", v.matching, v.page, v.pages)}</p>
        <div class="table-wrap">
            <table data-testid="preview-rows">
                <thead>
                    <tr>
                        <th scope="col">"SKU"</th>
                        <th scope="col">"Store shows"</th>
                        <th scope="col">"We would set"</th>
                        <th scope="col">"Change"</th>
                    </tr>
                </thead>
                <tbody>{v.rows.iter().cloned().map(|r| view! { <Row r /> }).collect_view()}</tbody>
            </table>
        </div>
        <Pager page pages href=move |n| link(&paging, &paging.show, &paging.sort, n) />
    }
}

#[component]
fn Row(r: PreviewRow) -> impl IntoView {
    let dash = || "—".to_owned();
    let sets = match r.sets {
        Some(n) => n.to_string(),
        None => "left as it is".to_owned(),
    };
    view! {
        <tr data-testid=format!("preview-{}", r.sku)>
            <td><a href=format!("/products/{}", encode(&r.sku))>{r.sku.clone()}</a></td>
            <td data-testid="shows">{r.shows.map_or_else(dash, |n| n.to_string())}</td>
            <td data-testid="sets">{sets}</td>
            <td data-testid="change">{change_label(&r.change)}</td>
        </tr>
    }
}
