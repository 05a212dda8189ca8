//! The bottom layer: the types that pages, server functions and the backend exchange, and the
//! domain's closed sets. Compiles for both targets and does no I/O; it imports nothing of this crate.

mod account;
mod activity;
mod api_token;
mod connection;
mod connections;
mod error;
mod flash;
mod history;
mod order_state;
mod overview;
mod platform;
mod preview;
mod products;
mod settings;
mod sku;
mod sync_run;

pub use account::{AppInfo, CurrentUser};
pub use activity::{ActivityKind, ActivityStatus};
pub use api_token::{ApiTokenView, TOKEN_LIFETIMES, TokenScope, TokenState};
pub use connection::ConnectionStatus;
pub use connections::{
    ConnectionsView, LocationOption, ProkipView, SourceChoice, StoreLocationChoice, StoreView, WebhookTopicView,
    store_health,
};
pub use error::AppError;
pub use flash::{FlashView, IN_PLACE_HEADER, InPlaceAnswer};
pub use history::{
    ACTIVITY_PER_PAGE, ActivitiesView, ActivityView, ORDERS_PER_PAGE, OrderLineView, OrderPageView, OrderTotals,
    OrderView, OrdersView, StoreChoice, TimelineEntry,
};
pub use order_state::OrderState;
pub use overview::{ChartDay, OVERVIEW_DAYS, Overview, StoreHealthView};
pub use platform::Platform;
pub use preview::{PREVIEW_CHANGES, PREVIEW_PER_PAGE, PREVIEW_SORTS, PreviewRow, PreviewTotals, PreviewView};
pub use products::{
    LINK_CHOICES, LinkSuggestion, PRODUCT_SORTS, PRODUCTS_PER_PAGE, ProductRow, ProductsView, STATUSES, StoreCell,
    StoreColumn,
};
pub use settings::{AlertSentView, AlertsView, SettingsView, StoreTrigger};
pub use sku::{ChartSeries, HISTORY_PER_PAGE, HistoryEntryView, HolderView, QtyChartView, SkuStoreView, SkuView};
pub use sync_run::{PushReason, RunKind, SyncRunView};
