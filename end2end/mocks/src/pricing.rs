//! Order money as the stores work it out at checkout: an order discount spread over the lines in
//! proportion, tax on each discounted line and on shipping, with prices that include tax or not.
//! Both store mocks render their order JSON (webhooks and reads alike) from the same figures.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// What a checkout adds to an order's lines. The default adds nothing.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Pricing {
    /// Whether catalog prices, shipping and the discount include tax (Shopify `taxes_included`,
    /// WooCommerce `prices_include_tax`).
    #[serde(default = "included")]
    pub taxes_included: bool,
    /// e.g. `0.16` for 16 % VAT.
    #[serde(default)]
    pub tax_rate: Decimal,
    /// Shipping as the shop prices it.
    #[serde(default)]
    pub shipping: Decimal,
    /// An order-level discount (a coupon) as the shop prices it.
    #[serde(default)]
    pub discount: Decimal,
}

fn included() -> bool {
    true
}

impl Default for Pricing {
    fn default() -> Self {
        Pricing { taxes_included: true, tax_rate: Decimal::ZERO, shipping: Decimal::ZERO, discount: Decimal::ZERO }
    }
}

/// One line's share of the discount and the tax on what is left of it.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct LineMoney {
    /// Price × quantity, as the shop prices it.
    pub gross: Decimal,
    pub discount: Decimal,
    pub tax: Decimal,
}

impl LineMoney {
    /// The discounted line without its tax.
    pub fn net_excl_tax(&self, p: &Pricing) -> Decimal {
        let base = self.gross - self.discount;
        if p.taxes_included { base - self.tax } else { base }
    }
}

impl Pricing {
    /// The tax contained in (`taxes_included`) or charged on `amount`, to the cent.
    pub fn tax_of(&self, amount: Decimal) -> Decimal {
        let tax =
            if self.taxes_included { amount - amount / (Decimal::ONE + self.tax_rate) } else { amount * self.tax_rate };
        tax.round_dp(2)
    }

    /// Each line's money, from its price × quantity; the last line takes the discount's rounding.
    pub fn lines(&self, gross: &[Decimal]) -> Vec<LineMoney> {
        let sum: Decimal = gross.iter().sum();
        let discount = self.discount.min(sum).max(Decimal::ZERO);
        let mut left = discount;
        gross
            .iter()
            .enumerate()
            .map(|(i, &g)| {
                let share = if i + 1 == gross.len() || sum.is_zero() { left } else { (discount * g / sum).round_dp(2) };
                left -= share;
                LineMoney { gross: g, discount: share, tax: self.tax_of(g - share) }
            })
            .collect()
    }

    pub fn shipping_tax(&self) -> Decimal {
        self.tax_of(self.shipping)
    }

    /// What the shopper pays.
    pub fn total(&self, lines: &[LineMoney]) -> Decimal {
        let goods: Decimal = lines.iter().map(|l| l.gross - l.discount).sum();
        let tax: Decimal = lines.iter().map(|l| l.tax).sum::<Decimal>() + self.shipping_tax();
        goods + self.shipping + if self.taxes_included { Decimal::ZERO } else { tax }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    #[test]
    fn tax_is_contained_in_or_added_to_the_discounted_lines() {
        let incl = Pricing { taxes_included: true, tax_rate: d("0.16"), shipping: d("11.60"), discount: d("10") };
        let lines = incl.lines(&[d("116.00"), d("58.00")]);
        assert_eq!((lines[0].discount, lines[1].discount), (d("6.67"), d("3.33")));
        assert_eq!(lines[0].tax, d("15.08"));
        assert_eq!(incl.shipping_tax(), d("1.60"));
        assert_eq!(incl.total(&lines), d("175.60"));
        let excl = Pricing { taxes_included: false, ..incl };
        let lines = excl.lines(&[d("100.00")]);
        assert_eq!(lines[0].tax, d("14.40"));
        assert_eq!(excl.total(&lines), d("90") + d("14.40") + d("11.60") + d("1.86"));
    }
}
