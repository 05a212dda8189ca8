//! The SKU page's chart: Prokip's and each store's quantity over the last two weeks as step lines
//! in an inline SVG (no script) with both axes labelled, named for screen readers, with the same
//! changes in a visually hidden table.

use crate::model::QtyChartView;
use leptos::prelude::*;

const W: i64 = 600;
const H: i64 = 200;
/// Room for the y labels on the left and the dates below.
const LEFT: i64 = 40;
const BOTTOM: i64 = 24;
const TOP: i64 = 8;

fn px(x: u32) -> i64 {
    LEFT + i64::from(x) * (W - LEFT - 8) / 1000
}

fn py(q: i64, max: i64) -> i64 {
    TOP + (max - q.clamp(0, max)) * (H - TOP - BOTTOM) / max
}

/// "M x y H x V y …": each quantity held until the next point.
fn step_path(points: &[(u32, i64)], max: i64) -> String {
    let mut d = String::new();
    for (i, (x, q)) in points.iter().enumerate() {
        if i == 0 {
            d += &format!("M{} {}", px(*x), py(*q, max));
        } else {
            d += &format!(" H{} V{}", px(*x), py(*q, max));
        }
    }
    d
}

#[component]
pub fn QtyChart(chart: QtyChartView) -> impl IntoView {
    let max = chart.max.max(1);
    let base = H - BOTTOM;
    let y_ticks = [0, max / 2, max]
        .into_iter()
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .map(|q| {
            let y = py(q, max);
            view! {
                <line class="grid" x1=LEFT y1=y x2=W - 8 y2=y />
                <text class="tick" x=LEFT - 4 y=y + 4 text-anchor="end">{q}</text>
            }
        })
        .collect_view();
    let n = chart.days.len().saturating_sub(1).max(1) as u32;
    let x_ticks = chart
        .days
        .iter()
        .enumerate()
        .filter(|(i, _)| i % 2 == 0)
        .map(|(i, day)| {
            let x = px(i as u32 * 1000 / n);
            view! {
                <line class="axis" x1=x y1=base x2=x y2=base + 4 />
                <text class="tick" x=x y=H - 6 text-anchor="middle">{day.clone()}</text>
            }
        })
        .collect_view();
    let lines = chart
        .series
        .iter()
        .enumerate()
        .filter(|(_, s)| !s.points.is_empty())
        .map(|(i, s)| {
            let class = format!("qty-line line-{}", i.min(5));
            let title = format!("{}: {}", s.label, s.points.last().map_or(0, |p| p.1));
            view! { <path class=class d=step_path(&s.points, max)><title>{title}</title></path> }
        })
        .collect_view();
    let keys = chart
        .series
        .iter()
        .enumerate()
        .map(|(i, s)| view! { <li class=format!("key line-{}", i.min(5))>{s.label.clone()}</li> })
        .collect_view();
    let first = chart.days.first().cloned().unwrap_or_default();
    let last = chart.days.last().cloned().unwrap_or_default();
    let label = format!("Quantities from {first} to {last}: Prokip and each store");
    let rows = chart
        .series
        .iter()
        .map(|s| {
            let steps: Vec<String> = s.points.iter().map(|(_, q)| q.to_string()).collect();
            view! { <tr><th scope="row">{s.label.clone()}</th><td>{steps.join(" → ")}</td></tr> }
        })
        .collect_view();
    view! {
        <figure class="qty-chart" data-testid="sku-chart">
            <svg role="img" aria-labelledby="qty-chart-title" viewBox=format!("0 0 {W} {H}")>
                <title id="qty-chart-title">{label}</title>
                {y_ticks}
                <line class="axis" x1=LEFT y1=TOP x2=LEFT y2=base />
                <line class="axis" x1=LEFT y1=base x2=W - 8 y2=base />
                {x_ticks}
                {lines}
            </svg>
            <figcaption>
                "Quantity over the last 14 days (UTC dates):"
                <ul class="chart-keys">{keys}</ul>
            </figcaption>
            <div class="visually-hidden"><table>
                <caption>"Quantities over the last 14 days, oldest first"</caption>
                <tbody>{rows}</tbody>
            </table></div>
        </figure>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_step_line_holds_each_quantity_until_the_next_point() {
        assert_eq!(step_path(&[(0, 10), (500, 5), (1000, 5)], 10), "M40 8 H316 V92 H592 V92");
    }
}
