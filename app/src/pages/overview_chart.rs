//! The overview chart: orders sent to Prokip per channel per day as an inline SVG bar chart (no
//! script) with its scale and dates beside it, each bar titled with its number, named for screen
//! readers, with the same numbers in a visually hidden table.

use crate::model::ChartDay;
use leptos::prelude::*;

const HEIGHT: u64 = 120;
const GROUP: u64 = 28;
const BAR: u64 = 11;

#[component]
pub fn OrdersChart(days: Vec<ChartDay>) -> impl IntoView {
    let max = days.iter().map(|d| d.shopify.max(d.woocommerce)).max().unwrap_or(0).max(1);
    let total: u64 = days.iter().map(|d| d.shopify + d.woocommerce).sum();
    let label = format!("Orders per channel, last {} days: {total} in all", days.len());
    let width = GROUP * days.len() as u64;
    let bar = move |i: usize, day: &str, n: u64, offset: u64, class: &'static str, channel: &str| {
        let h = n * HEIGHT / max;
        let title = format!("{day}: {n} {channel}");
        view! { <rect class=class x=i as u64 * GROUP + offset y=HEIGHT - h width=BAR height=h><title>{title}</title></rect> }
    };
    let bars = days
        .iter()
        .enumerate()
        .map(|(i, d)| {
            view! {
                {bar(i, &d.day, d.shopify, 2, "bar-shopify", "Shopify")}
                {bar(i, &d.day, d.woocommerce, 2 + BAR + 1, "bar-woo", "WooCommerce")}
            }
        })
        .collect_view();
    let first = days.first().map(|d| d.day.clone()).unwrap_or_default();
    let last = days.last().map(|d| d.day.clone()).unwrap_or_default();
    let rows = days
        .iter()
        .map(|d| view! { <tr><th scope="row">{d.day.clone()}</th><td>{d.shopify}</td><td>{d.woocommerce}</td></tr> })
        .collect_view();
    view! {
        <figure class="orders-chart" data-testid="orders-chart">
            <div class="chart-scale" aria-hidden="true"><span>{max}</span><span>"0"</span></div>
            <svg role="img" aria-labelledby="orders-chart-title" viewBox=format!("0 0 {width} {HEIGHT}") preserveAspectRatio="none">
                <title id="orders-chart-title">{label}</title>
                {bars}
            </svg>
            <div class="chart-dates" aria-hidden="true"><span>{first}</span><span>{last}</span></div>
            <figcaption>
                "Orders sent to Prokip per day, last 14 days: "
                <span class="key-shopify">"Shopify"</span> " and " <span class="key-woo">"WooCommerce"</span>
            </figcaption>
            <div class="visually-hidden"><table>
                <caption>"Orders per channel per day"</caption>
                <thead><tr><th scope="col">"Day"</th><th scope="col">"Shopify"</th><th scope="col">"WooCommerce"</th></tr></thead>
                <tbody>{rows}</tbody>
            </table></div>
        </figure>
    }
}
