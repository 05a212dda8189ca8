//! Prokip writes and their look-ups: create sells (per-sell outcome, never trusting HTTP 200),
//! read and list sells, delete a sell (restores stock) and return sell lines.

use super::{
    ProkipClient, ProkipError, Resend,
    types::{NewSell, ReturnLine, SellOutcome, Transaction, format_date},
    wire::{DeleteAnswer, Page, parse_sell_results},
};
use chrono::NaiveDate;
use reqwest::Method;
use serde_json::json;

/// Page size when listing sells.
const SELL_PAGE: u32 = 100;

impl ProkipClient {
    /// Creates several sells in one request; Prokip commits each on its own, so each gets its own outcome.
    pub async fn create_sells(&self, sells: &[NewSell]) -> Result<Vec<SellOutcome>, ProkipError> {
        let body = json!({ "sells": sells });
        let bytes = self.call(Method::POST, "/sell", &[], Some(&body), Resend::IfUnprocessed).await?;
        let outcomes = parse_sell_results(&bytes)?;
        if outcomes.len() != sells.len() {
            return Err(ProkipError::Decode(format!(
                "POST /sell: {} results for {} sells",
                outcomes.len(),
                sells.len()
            )));
        }
        Ok(outcomes)
    }

    /// Creates one sell. `Rejected` carries Prokip's reason (unknown variation, not enough stock, …).
    /// The created transaction has no lines: read them with [`Self::get_sell`] for later returns.
    pub async fn create_sell(&self, sell: &NewSell) -> Result<SellOutcome, ProkipError> {
        let mut outcomes = self.create_sells(std::slice::from_ref(sell)).await?;
        outcomes.pop().ok_or_else(|| ProkipError::Decode("POST /sell: empty answer".into()))
    }

    /// A sell with its lines (`sell_lines[].id` are what returns take), or `None` if unknown.
    pub async fn get_sell(&self, id: i64) -> Result<Option<Transaction>, ProkipError> {
        let page: Page<Transaction> = self.get_json(&format!("/sell/{id}"), &[]).await?;
        Ok(page.data.into_iter().find(|t| t.id == id))
    }

    /// Sells of a location (`None`: of every location) dated within the days given (inclusive), all pages. Prokip cannot filter by
    /// invoice number: look for it in the result.
    pub async fn list_sells(
        &self,
        location_id: Option<i64>,
        start_date: NaiveDate,
        end_date: NaiveDate,
    ) -> Result<Vec<Transaction>, ProkipError> {
        let mut query = vec![("start_date", format_date(start_date)), ("end_date", format_date(end_date))];
        if let Some(l) = location_id {
            query.push(("location_id", l.to_string()));
        }
        self.get_all("/sell", &query, SELL_PAGE).await
    }

    /// Deletes a sell; a final sell's stock goes back. Prokip refuses when the sell has a return.
    pub async fn delete_sell(&self, id: i64) -> Result<String, ProkipError> {
        let bytes = self.call(Method::DELETE, &format!("/sell/{id}"), &[], None, Resend::Always).await?;
        let answer: DeleteAnswer = super::decode("DELETE /sell", &bytes)?;
        if answer.success { Ok(answer.msg) } else { Err(ProkipError::Rejected(answer.msg)) }
    }

    /// Returns sell lines (stock goes back). Each line's `quantity` is its total returned quantity
    /// after this call, so sending the same return twice changes nothing.
    pub async fn sell_return(&self, transaction_id: i64, lines: &[ReturnLine]) -> Result<Transaction, ProkipError> {
        let body = json!({ "transaction_id": transaction_id, "products": lines });
        let bytes = self.call(Method::POST, "/sell-return", &[], Some(&body), Resend::Always).await?;
        match serde_json::from_slice::<serde_json::Value>(&bytes).ok().as_ref().and_then(super::wire::error_message) {
            Some(message) => Err(ProkipError::Rejected(message)),
            None => super::decode("POST /sell-return", &bytes),
        }
    }
}
