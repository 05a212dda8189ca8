//! Builds the application router and runs it beside the job monitor until shutdown.

use crate::{
    middleware::{SameSite, api_token, cache_policy, refuse_cross_site, require_login},
    routes::{api_doc, auth, connections, health, metrics, orders, prokip, settings, shopify, sync, woocommerce},
};
use app::{
    App,
    backend::{
        auth::{Backend, SESSION_IDLE},
        session_store::PgSessionStore,
        state::AppState,
    },
    shell,
};
use axum::{
    Router,
    extract::ConnectInfo,
    http::{HeaderName, Request},
    middleware::{from_fn, from_fn_with_state},
    routing::{get, post},
};
use axum_login::AuthManagerLayerBuilder;
use leptos::config::LeptosOptions;
use leptos_axum::{AxumRouteListing, LeptosRoutes, generate_route_list};
use std::{
    net::SocketAddr,
    sync::{Arc, OnceLock},
};
use tower_http::{
    compression::CompressionLayer,
    request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer},
    services::ServeDir,
    trace::TraceLayer,
};
use tower_sessions::{Expiry, SessionManagerLayer, cookie::SameSite as CookieSameSite, cookie::time};
use utoipa_axum::{router::OpenApiRouter, routes};

const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// The dashboard's page routes, listed once per process.
///
/// Listing them renders the app with resource loading switched off by a flag that is global to
/// the process, and a page resource first polled while that flag is set never loads. A router
/// built beside a running one (as in the integration tests) would leave that page's response
/// hanging; listed once, before anything is served, the flag is never set while a page renders.
fn page_routes() -> Vec<AxumRouteListing> {
    static ROUTES: OnceLock<Vec<AxumRouteListing>> = OnceLock::new();
    ROUTES.get_or_init(|| generate_route_list(App)).clone()
}

/// `/metrics` alone, for its own listener (`METRICS_ADDR`) or the main router: no session or
/// sign-in (a scraper has neither; the optional bearer token is its authentication).
fn metrics_routes() -> Router<AppState> {
    Router::new().route("/metrics", get(metrics::metrics))
}

/// The JSON routes (the seed's API and the health checks), each with its OpenAPI description.
fn json_api() -> OpenApiRouter<AppState> {
    OpenApiRouter::default()
        .routes(routes!(auth::register_json))
        .routes(routes!(auth::login_json))
        .routes(routes!(auth::logout_json))
        .routes(routes!(prokip::connect_json))
        .routes(routes!(shopify::initiate))
        .routes(routes!(woocommerce::connect_keys))
        .routes(routes!(connections::delete_json))
        .routes(routes!(orders::pull_orders))
        .routes(routes!(sync::sync_now))
        .routes(routes!(sync::pause))
        .routes(routes!(sync::resume))
        .routes(routes!(sync::status))
        .routes(routes!(health::healthz))
        .routes(routes!(health::readyz))
}

/// The whole HTTP surface: dashboard pages, server functions, auth routes, health checks, and
/// `/metrics` unless it has a listener of its own.
pub fn router(state: AppState) -> Router {
    let config = state.config.clone();
    let db = state.db.clone();
    let leptos_options = state.leptos_options.clone();
    let routes = page_routes();

    let session_layer = SessionManagerLayer::new(PgSessionStore::new(db.clone()))
        .with_name("prokip_sync_session")
        .with_http_only(true)
        .with_same_site(CookieSameSite::Lax)
        .with_secure(config.secure_cookies())
        .with_expiry(Expiry::OnInactivity(time::Duration::seconds(SESSION_IDLE.as_secs() as i64)));
    let auth_layer = AuthManagerLayerBuilder::new(Backend::new(db), session_layer).build();
    let same_site = SameSite { public_origin: Arc::from(config.public_origin()) };
    let trusted_proxies = config.trusted_proxies.clone();

    // Platform deliveries carry no session: they skip the session and sign-in layers (their
    // signature is their authentication). A browser's cross-site POST is refused here as anywhere.
    let webhooks = Router::new()
        .route("/connections/webhook/shopify", post(shopify::webhook))
        .route("/connections/webhook/shopify/compliance", post(shopify::webhook))
        .route("/connections/webhook/woocommerce", post(woocommerce::webhook))
        .route("/connections/webhook/woocommerce/{id}", post(woocommerce::webhook))
        .layer(from_fn_with_state(same_site.clone(), refuse_cross_site));

    // The JSON API, registered with its OpenAPI description (`GET /api/openapi.json`).
    let (json_api, doc) = json_api().split_for_parts();
    let doc = api_doc::document(doc);
    let doc_json = Arc::new(serde_json::to_string(&doc).expect("the OpenAPI document serializes"));
    let reference = Arc::new(api_doc::reference(&doc));

    // The browser code, served with conditional GET (Last-Modified / If-Modified-Since → 304):
    // the fallback's file handler passes on the path only, so a reload downloaded it again. A release
    // build made with `--precompress` has `.br`/`.gz` beside each file, sent as they are; other files
    // are compressed on the fly below.
    let pkg = format!("{}/{}", leptos_options.site_root, leptos_options.site_pkg_dir);
    let pages = Router::new()
        .nest_service(
            &format!("/{}", leptos_options.site_pkg_dir),
            ServeDir::new(pkg).precompressed_br().precompressed_gzip(),
        )
        .leptos_routes_with_context(&state, routes, || {}, {
            let options = leptos_options.clone();
            move || shell(options.clone())
        })
        .route("/login", post(auth::login_form))
        .route("/register", post(auth::register_form))
        .route("/logout", post(auth::logout_form))
        .route("/connections/prokip/login", post(prokip::login))
        .route("/connections/prokip/token", post(prokip::token))
        .route("/connections/prokip/location", post(prokip::location))
        .route("/connections/prokip/refresh", post(prokip::refresh))
        .route("/connections/prokip/disconnect", post(prokip::disconnect))
        .route("/settings/payment-method", post(settings::payment_method))
        .route("/settings/customer", post(settings::customer))
        .route("/settings/review", post(settings::review))
        .route("/settings/stores/{id}/trigger", post(settings::trigger))
        .route("/settings/time-zone", post(settings::time_zone))
        .route("/settings/alerts", post(settings::alerts))
        .route("/settings/alerts/test", post(settings::test_alert))
        .route("/settings/api-tokens", post(settings::create_token))
        .route("/settings/api-tokens/{id}/revoke", post(settings::revoke_token))
        .route("/connections/shopify/start", post(shopify::start))
        .route("/connections/callback/shopify", get(shopify::callback))
        .route("/connections/woocommerce/grant", post(woocommerce::grant_start))
        .route("/connections/woocommerce/callback", post(woocommerce::grant_callback))
        .route("/connections/woocommerce/return", get(woocommerce::grant_return))
        .route("/connections/{id}/sync", post(connections::set_sync))
        .route("/connections/{id}/orders", post(connections::set_orders))
        .route("/connections/{id}/rules", post(connections::set_rules))
        .route("/connections/{id}/buffer", post(connections::set_rules))
        .route("/connections/{id}/sources", post(connections::set_sources))
        .route("/connections/{id}/store-location", post(connections::set_store_location))
        .route("/connections/{id}/feeds", post(connections::set_feeds))
        .route("/connections/{id}/disconnect", post(connections::disconnect))
        .route("/connections/{id}/start-sync", post(connections::start_syncing))
        .route("/orders/{id}/retry", post(orders::retry_order))
        .route("/activity/{id}/retry", post(orders::retry_activity))
        .route("/activity/retry-all", post(orders::retry_all))
        .route("/products/reindex", post(sync::reindex_form))
        .route("/products/link", post(sync::link_form))
        .route("/products/link-suggested", post(sync::link_suggested_form))
        .route("/products/unlink", post(sync::unlink_form))
        .route("/products/create/{id}", post(sync::create_form))
        .route("/products/sync", post(sync::sync_form))
        .merge(json_api)
        .route("/api/openapi.json", get(move || async move { api_doc::serve_json(doc_json) }))
        .route("/api/reference", get(move || async move { api_doc::serve_reference(reference) }))
        .fallback(leptos_axum::file_and_error_handler::<AppState, _>(shell))
        .layer(from_fn_with_state(state.clone(), app::backend::flash::attach))
        .layer(from_fn(require_login))
        .layer(from_fn_with_state(state.clone(), api_token))
        .layer(auth_layer)
        .layer(from_fn_with_state(same_site, refuse_cross_site))
        // Pages, server functions and assets, compressed when the browser asks (br, gzip).
        .layer(CompressionLayer::new())
        .layer(from_fn(cache_policy));

    let scrape = match config.metrics.addr {
        None => metrics_routes(),
        Some(_) => Router::new(),
    };
    webhooks
        .merge(pages)
        .merge(scrape)
        .layer(PropagateRequestIdLayer::new(REQUEST_ID))
        .layer(TraceLayer::new_for_http().make_span_with(move |req: &Request<_>| {
            let id = req.headers().get(REQUEST_ID).and_then(|v| v.to_str().ok()).unwrap_or("-");
            let peer = req.extensions().get::<ConnectInfo<SocketAddr>>().map(|c| c.0);
            let client = trusted_proxies.client_of(peer, req.headers());
            tracing::info_span!("request", method = %req.method(), path = %req.uri().path(), request_id = %id, %client)
        }))
        .layer(SetRequestIdLayer::new(REQUEST_ID, MakeRequestUuid))
        .with_state(state)
}

/// Leptos' settings from the environment (cargo-leptos sets them; the defaults fit the workspace
/// root). Asset names carry their content hash when the site build wrote its hash file beside this
/// binary, unless `LEPTOS_HASH_FILES` says otherwise: the same binary then runs under cargo-leptos,
/// `make run` and the browser tests.
pub fn leptos_options() -> anyhow::Result<LeptosOptions> {
    let mut options = leptos::config::get_configuration(None)?.leptos_options;
    if std::env::var_os("LEPTOS_HASH_FILES").is_none() {
        let exe = std::env::current_exe()?;
        options.hash_files = exe.parent().is_some_and(|dir| dir.join(options.hash_file.as_ref()).is_file());
    }
    Ok(options)
}

/// What one process runs: the web server (dashboard and webhooks), the job monitor, or both.
/// Every part keeps its state in PostgreSQL, so any number of each can run side by side.
#[derive(Debug, Clone, Copy)]
pub struct Roles {
    pub web: bool,
    pub jobs: bool,
}

/// Serves HTTP and runs the job monitor until Ctrl-C / SIGTERM.
pub async fn serve(state: AppState) -> anyhow::Result<()> {
    run(state, Roles { web: true, jobs: true }).await
}

/// Runs the parts in `roles` until Ctrl-C / SIGTERM.
pub async fn run(state: AppState, roles: Roles) -> anyhow::Result<()> {
    let config = state.config.clone();
    let jobs_state = state.clone();
    let metrics_state = state.clone();
    let addr = SocketAddr::new(config.bind_addr, config.port);
    let app = router(state);
    let listener = if roles.web {
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .map_err(|e| anyhow::anyhow!("cannot listen on {addr}: {e} (is another server running? set PORT)"))?;
        tracing::info!("dashboard at {}", config.public_url);
        Some(listener)
    } else {
        None
    };

    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let web = {
        let mut stop = stop_rx.clone();
        async move {
            let Some(listener) = listener else { return Ok(()) };
            axum::serve(listener, app.into_make_service_with_connect_info::<SocketAddr>())
                .with_graceful_shutdown(async move {
                    let _ = stop.changed().await;
                })
                .await
                .map_err(anyhow::Error::from)
        }
    };
    let jobs = {
        let mut stop = stop_rx.clone();
        async move {
            if !roles.jobs {
                return Ok(());
            }
            crate::jobs::monitor(jobs_state)
                .shutdown_timeout(std::time::Duration::from_secs(10))
                .run_with_signal(async move {
                    let _ = stop.changed().await;
                    Ok(())
                })
                .await
                .map_err(|e| anyhow::anyhow!("job monitor: {e}"))
        }
    };
    let scrape = {
        let mut stop = stop_rx.clone();
        async move {
            let Some(addr) = config.metrics.addr else { return Ok(()) };
            let listener = tokio::net::TcpListener::bind(addr)
                .await
                .map_err(|e| anyhow::anyhow!("cannot listen on METRICS_ADDR {addr}: {e}"))?;
            tracing::info!(%addr, "metrics served");
            axum::serve(listener, metrics_routes().with_state(metrics_state))
                .with_graceful_shutdown(async move {
                    let _ = stop.changed().await;
                })
                .await
                .map_err(anyhow::Error::from)
        }
    };
    tokio::spawn(app::backend::metrics::upkeep());
    tokio::spawn(async move {
        shutdown_signal().await;
        tracing::info!("shutting down");
        let _ = stop_tx.send(true);
    });
    tokio::try_join!(web, jobs, scrape)?;
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
}
