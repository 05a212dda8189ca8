//! The Prokip sell of a paid order: every line mapped through the SKU map, `sending` committed
//! before `POST /sell`, the sell's lines kept for returns; and finding a sell again by its invoice
//! number when a run stopped between `POST /sell` and our commit.

use super::model::StoreOrder;
use super::{ImportError, OrderCtx, lease::Lease};
use crate::backend::sync::sources::Sources;
use crate::backend::{
    db::{
        account_settings::{self, CustomerMode},
        prokip_configs,
        sales_log::{self, Row, SoldLine},
        sku_map,
    },
    metrics,
    platforms::prokip::{
        DiscountType, NewSell, ProkipClient, SellOutcome, SellPayment, SellProduct, SellStatus, Transaction,
    },
};
use crate::model::{ActivityStatus, OrderState};
use chrono::{Duration, Utc};
use rust_decimal::Decimal;
use std::collections::BTreeMap;

/// The longest a `POST /sell` may take, its retries and a token refresh included. The order's
/// lease covers it (and a few seconds more) before it is sent, so however it ends, no other
/// worker sends the order meanwhile.
const SELL_BOUND: std::time::Duration = std::time::Duration::from_secs(15);

/// Where sells go and whom they are for.
struct Target {
    client: ProkipClient,
    location_id: i64,
    contact_id: i64,
}

/// The account's Prokip client and sell target; `Err(reason)` when the merchant must act first.
async fn target(ctx: &OrderCtx<'_>) -> Result<Result<Target, String>, ImportError> {
    let cfg = prokip_configs::for_account(&ctx.state.db, ctx.conn.account_id).await?;
    let Some(cfg) = cfg else { return Ok(Err("Prokip is not connected: connect it on the Connections page.".into())) };
    let (Some(account_location), Some(contact_id)) = (cfg.location_id, cfg.walk_in_contact_id) else {
        return Ok(Err("Choose the Prokip location (with its walk-in customer) on the Connections page.".into()));
    };
    let location_id = Sources::of(ctx.conn, account_location).sell_at;
    let client = crate::backend::stores::prokip::client_for(ctx.state, ctx.conn.account_id)
        .await
        .map_err(|e| ImportError::Transient(e.to_string()))?;
    Ok(Ok(Target { client, location_id, contact_id }))
}

/// Holds the order with a reason the merchant can act on (logged once per new reason).
async fn hold(ctx: &OrderCtx<'_>, row: &Row, o: &StoreOrder, why: &str) -> Result<(), ImportError> {
    let repeated = row.state == OrderState::NeedsAttention && row.error.as_deref() == Some(why);
    sales_log::set_state(&ctx.state.db, row.id, OrderState::NeedsAttention, Some(why)).await?;
    if !repeated {
        ctx.problem(&o.order_id, &o.name, ActivityStatus::NeedsAttention, why).await?;
    }
    Ok(())
}

/// Sells the order once; the row as `sent`, or `None` when it is held or Prokip refused it.
pub(super) async fn sell(
    ctx: &OrderCtx<'_>,
    lease: &Lease,
    row: &Row,
    o: &StoreOrder,
) -> Result<Option<Row>, ImportError> {
    let db = &ctx.state.db;
    if row.state == OrderState::Sending
        && let Some(sent) = recover(ctx, row, Some(o)).await?
    {
        return Ok(Some(sent));
    }
    let map = sku_map::lookup(db, ctx.conn.id, &o.skus()).await?;
    let mut products = Vec::with_capacity(o.lines.len());
    let mut unmapped = Vec::new();
    for l in &o.lines {
        let ids =
            l.sku.as_ref().and_then(|s| map.get(s)).and_then(|m| Some((m.prokip_product_id?, m.prokip_variation_id?)));
        match ids {
            Some((product_id, variation_id)) => products.push(SellProduct {
                product_id,
                variation_id,
                quantity: Decimal::from(l.quantity),
                unit_price: l.unit_price_incl_tax,
                note: None,
            }),
            None => unmapped.push(l.sku.clone().unwrap_or_else(|| format!("(line {} has no SKU)", l.line_id))),
        }
    }
    if !unmapped.is_empty() {
        unmapped.sort();
        unmapped.dedup();
        let why = format!(
            "Not in the SKU map, so nothing was sent to Prokip: {}. Map or fix these SKUs; the order is retried by itself.",
            unmapped.join(", ")
        );
        hold(ctx, row, o, &why).await?;
        return Ok(None);
    }
    let t = match target(ctx).await? {
        Ok(t) => t,
        Err(why) => {
            hold(ctx, row, o, &why).await?;
            return Ok(None);
        }
    };
    let settings = account_settings::get(db, ctx.conn.account_id).await?;
    let contact_id = match (settings.customer_mode, o.email.as_deref()) {
        (CustomerMode::Email, Some(email)) => customer_for(&t.client, email).await?,
        _ => t.contact_id,
    };
    let subject = ctx.subject(&o.name);
    let new = NewSell {
        location_id: t.location_id,
        contact_id,
        transaction_date: Utc::now().naive_utc(),
        invoice_no: row.invoice_no.clone(),
        source: Some(ctx.conn.platform.as_str().to_owned()),
        status: SellStatus::Final,
        discount_type: DiscountType::Fixed,
        discount_amount: o.discount,
        shipping_charges: o.shipping,
        sale_note: Some(subject.clone()),
        staff_note: Some(format!("order_id={}", o.order_id)),
        products,
        payments: vec![SellPayment { amount: o.total(), method: settings.payment_method, note: Some(subject) }],
    };
    sales_log::set_state(db, row.id, OrderState::Sending, None).await?;
    let outcome = lease.covering(SELL_BOUND, t.client.create_sell(&new)).await;
    ctx.keep_tokens(&t.client).await;
    // An error leaves the row `sending`: the next run looks the invoice up before sending again.
    match outcome?? {
        SellOutcome::Rejected { message } => {
            // Logged first: whoever sees the order failed finds its reason and Retry.
            ctx.problem(&o.order_id, &o.name, ActivityStatus::Failed, &format!("Prokip refused the sale: {message}"))
                .await?;
            sales_log::set_state(db, row.id, OrderState::Failed, Some(&message)).await?;
            Ok(None)
        }
        SellOutcome::Created(tx) => adopt(ctx, &t.client, row, tx.id, Some(o)).await.map(Some),
    }
}

/// The Prokip customer with the order's email, created the first time (Prokip requires a
/// mobile number, which online orders do not always have).
async fn customer_for(client: &ProkipClient, email: &str) -> Result<i64, ImportError> {
    if let Some(c) = client.customer_by_email(email).await? {
        return Ok(c.id);
    }
    let name = email.split('@').next().filter(|n| !n.is_empty()).unwrap_or(email);
    Ok(client.create_customer(name, "not given", Some(email)).await?.id)
}

/// After a run stopped in `sending`: the sell with our invoice number, adopted as `sent`, or
/// `None` if Prokip has none (sending again is then safe).
pub(super) async fn recover(ctx: &OrderCtx<'_>, row: &Row, o: Option<&StoreOrder>) -> Result<Option<Row>, ImportError> {
    let Ok(t) = target(ctx).await? else { return Ok(None) };
    let today = Utc::now().date_naive();
    let from = row.created_at.date_naive().min(today) - Duration::days(1);
    // Every location: the store's sell location may have been changed since the sell was sent.
    let sells = t.client.list_sells(None, from, today + Duration::days(1)).await;
    ctx.keep_tokens(&t.client).await;
    let found = sells?.into_iter().find(|s| s.invoice_no.as_deref() == Some(row.invoice_no.as_str()));
    match found {
        Some(tx) => {
            tracing::info!(invoice = %row.invoice_no, sell = tx.id, "adopted a sell sent before an interruption");
            adopt(ctx, &t.client, row, tx.id, o).await.map(Some)
        }
        None => Ok(None),
    }
}

/// Records the sell as ours: its id and, per order line, its sell line (matched by variation, in
/// line order).
async fn adopt(
    ctx: &OrderCtx<'_>,
    client: &ProkipClient,
    row: &Row,
    sell_id: i64,
    o: Option<&StoreOrder>,
) -> Result<Row, ImportError> {
    let db = &ctx.state.db;
    let tx = client
        .get_sell(sell_id)
        .await?
        .ok_or_else(|| ImportError::Transient(format!("Prokip sell {sell_id} not found")))?;
    let sold = match o {
        Some(o) => sold_lines(ctx, o, &tx).await?,
        None => BTreeMap::new(),
    };
    sales_log::mark_sent(db, row.id, sell_id, &sold).await?;
    metrics::order_sold(ctx.conn.platform, (Utc::now() - row.created_at).to_std().unwrap_or_default());
    let name = row.order_name.clone().unwrap_or_else(|| row.order_id.clone());
    ctx.done(&row.order_id, &name, &format!("Sent to Prokip as invoice {} (sell {sell_id}).", row.invoice_no)).await?;
    ctx.push_stock(sold.values().map(|l| l.sku.clone()).collect()).await;
    let row = sales_log::find(db, ctx.conn.id, &row.order_id).await?;
    row.ok_or_else(|| ImportError::Transient("sales log row vanished".into()))
}

async fn sold_lines(
    ctx: &OrderCtx<'_>,
    o: &StoreOrder,
    tx: &Transaction,
) -> Result<BTreeMap<String, SoldLine>, ImportError> {
    let map = sku_map::lookup(&ctx.state.db, ctx.conn.id, &o.skus()).await?;
    let mut used = vec![false; tx.sell_lines.len()];
    let mut sold = BTreeMap::new();
    for l in &o.lines {
        let Some(sku) = &l.sku else { continue };
        let Some(variation) = map.get(sku).and_then(|m| m.prokip_variation_id) else { continue };
        let hit = tx.sell_lines.iter().enumerate().position(|(i, s)| !used[i] && s.variation_id == variation);
        if let Some(i) = hit {
            used[i] = true;
            let line = SoldLine {
                sku: sku.clone(),
                sell_line_id: tx.sell_lines[i].id,
                quantity: l.quantity,
                unit_price: l.unit_price_incl_tax,
            };
            sold.insert(l.line_id.clone(), line);
        }
    }
    Ok(sold)
}
