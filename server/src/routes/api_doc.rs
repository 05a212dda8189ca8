//! The OpenAPI 3.1 document of the JSON API (`GET /api/openapi.json`) and its reference page
//! (`GET /api/reference`), both generated: the JSON routes are registered through
//! `utoipa_axum::OpenApiRouter`, so a route and its description cannot part, and every server
//! function the app registers is added from Leptos' own registry.
//!
//! The schemas below describe the JSON the routes write with `serde_json::json!`; the integration
//! test `tests/openapi.rs` compares them with what the routes answer.

use axum::{
    http::header,
    response::{Html, IntoResponse, Response},
};
use std::{fmt::Write, sync::Arc};
use utoipa::{
    Modify, OpenApi, ToSchema,
    openapi::{
        self, ContentBuilder, HttpMethod, ObjectBuilder, Ref, ResponseBuilder, Type,
        path::{Operation, OperationBuilder},
        request_body::RequestBodyBuilder,
        security::{ApiKey, ApiKeyValue, Http, HttpAuthScheme, SecurityRequirement, SecurityScheme},
    },
};

/// A success: what was done.
#[derive(ToSchema)]
pub struct Message {
    /// What was done, in words for a person.
    pub message: String,
    pub success: bool,
}

/// A failure: `error` names it, `details` says what to do (a string, or an object naming the
/// refused field).
#[derive(ToSchema)]
pub struct ErrorBody {
    pub error: String,
    #[schema(value_type = Object)]
    pub details: serde_json::Value,
}

#[derive(ToSchema)]
pub struct Credentials {
    pub username: String,
    pub password: String,
    /// Registration only: the business the account is for.
    #[schema(rename = "businessName")]
    pub business_name: Option<String>,
}

#[derive(ToSchema)]
pub struct SignedInUser {
    pub id: i64,
    pub username: String,
}

#[derive(ToSchema)]
pub struct SignInAnswer {
    pub message: String,
    pub user: SignedInUser,
    pub success: bool,
}

/// A Prokip token as the Connector hands it out (a leading `Bearer ` is dropped), and the
/// location to sell at (the business's first when left out).
#[derive(ToSchema)]
pub struct ProkipToken {
    pub token: String,
    #[schema(rename = "locationId", value_type = Option<i64>)]
    pub location_id: Option<i64>,
}

#[derive(ToSchema)]
pub struct ShopifyInstall {
    /// `my-shop` or `my-shop.myshopify.com`.
    #[schema(rename = "storeUrl")]
    pub store_url: String,
}

#[derive(ToSchema)]
pub struct ShopifyAuthUrl {
    /// Where to send the merchant to approve the app.
    #[schema(rename = "authUrl")]
    pub auth_url: String,
    pub success: bool,
}

#[derive(ToSchema)]
pub struct WooKeys {
    #[schema(rename = "storeUrl")]
    pub store_url: String,
    #[schema(rename = "consumerKey")]
    pub consumer_key: String,
    #[schema(rename = "consumerSecret")]
    pub consumer_secret: String,
}

#[derive(ToSchema)]
pub struct PulledOrders {
    pub message: String,
    /// Orders new to us, now being imported.
    pub count: u64,
    pub success: bool,
}

/// A store a full push leaves out, and why (`review`, `paused`).
#[derive(ToSchema)]
pub struct SkippedStore {
    pub id: i64,
    pub store_url: String,
    pub reason: String,
}

#[derive(ToSchema)]
pub struct SyncStarted {
    pub message: String,
    pub skipped: Vec<SkippedStore>,
    pub success: bool,
}

/// One store's sync state, its open problems counted by what they are about.
#[derive(ToSchema)]
#[schema(rename_all = "camelCase")]
pub struct StoreStatus {
    pub id: i64,
    /// `shopify` or `woocommerce`.
    pub platform: String,
    pub store_url: String,
    /// When stock was last written to the store (RFC 3339).
    pub last_sync: Option<String>,
    pub sync_enabled: bool,
    pub product_count: i64,
    pub order_count: i64,
    /// `active`, `needs_attention`, `uninstalled`, …
    pub status: String,
    /// Stock items waiting to be written.
    pub pending: i64,
    /// Failed stock entries and failed orders.
    pub failed: i64,
    pub failed_orders: i64,
    /// Orders waiting for the merchant (e.g. an unmapped SKU).
    pub held_orders: i64,
    pub failed_stock_items: i64,
}

#[derive(ToSchema)]
pub struct Health {
    /// `ok`.
    pub status: String,
}

#[derive(ToSchema)]
pub struct Ready {
    /// `ready` or `unavailable`.
    pub status: String,
    /// `up`, `down` or `timeout`.
    pub database: String,
}

struct Security;

impl Modify for Security {
    fn modify(&self, doc: &mut openapi::OpenApi) {
        let components = doc.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
                "prokip_sync_session",
                "The dashboard's session cookie, from POST /auth/login.",
            ))),
        );
        components.add_security_scheme("token", SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)));
    }
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Prokip Sync",
        description = "The JSON API of Prokip Sync: connect Prokip and stores, start, pause and resume stock sync, pull orders, read each store's sync state and the data behind every dashboard page. Authenticate with the session cookie of POST /auth/login, or with an API token (Settings → API tokens) as `Authorization: Bearer <token>`. Every error answers `{\"error\", \"details\"}`."
    ),
    components(schemas(ErrorBody, Message)),
    modifiers(&Security),
    tags(
        (name = "auth", description = "Sign-in with a session cookie."),
        (name = "connections", description = "Prokip and the stores."),
        (name = "sync", description = "Stock sync and order pulls."),
        (name = "pages", description = "The data behind each dashboard page (Leptos server functions; they only read)."),
        (name = "health", description = "For load balancers and monitors; no authentication."),
    )
)]
pub struct ApiDoc;

/// What the page behind each server function is, for its description.
fn server_fn_summary(path: &str) -> String {
    let name = path.rsplit('/').next().unwrap_or(path);
    format!("The data of the dashboard's `{name}` view")
}

/// One operation per registered server function: form-encoded arguments, a JSON answer.
fn server_fn_operation(path: &str) -> Operation {
    let json = |schema: openapi::RefOr<openapi::Schema>| ContentBuilder::new().schema(Some(schema)).build();
    let error = || json(Ref::from_schema_name("ErrorBody").into());
    let any_object = ObjectBuilder::new().schema_type(Type::Object).build();
    let form = ObjectBuilder::new()
        .schema_type(Type::Object)
        .description(Some("The function's arguments as form fields (as the page sends them)."))
        .additional_properties(Some(ObjectBuilder::new().schema_type(Type::String)))
        .build();
    OperationBuilder::new()
        .tag("pages")
        .summary(Some(server_fn_summary(path)))
        .operation_id(Some(format!("page_{}", path.rsplit('/').next().unwrap_or(path).replace('-', "_"))))
        .request_body(Some(
            RequestBodyBuilder::new()
                .content("application/x-www-form-urlencoded", ContentBuilder::new().schema(Some(form)).build())
                .build(),
        ))
        .response(
            "200",
            ResponseBuilder::new().description("The view's data").content("application/json", json(any_object.into())),
        )
        .response(
            "400",
            ResponseBuilder::new().description("Arguments that do not parse").content("application/json", error()),
        )
        .response("401", ResponseBuilder::new().description("Not signed in").content("application/json", error()))
        .response(
            "500",
            ResponseBuilder::new()
                .description("Our failure; logged with the request id")
                .content("application/json", error()),
        )
        .security(SecurityRequirement::new("session", Vec::<String>::new()))
        .security(SecurityRequirement::new("token", Vec::<String>::new()))
        .build()
}

/// The whole document: the routes' own descriptions and every registered server function.
pub fn document(routes: openapi::OpenApi) -> openapi::OpenApi {
    let mut doc = ApiDoc::openapi().merge_from(routes);
    let mut functions: Vec<(&str, String)> =
        leptos::server_fn::axum::server_fn_paths().map(|(path, method)| (path, method.as_str().to_owned())).collect();
    functions.sort();
    for (path, method) in functions {
        let method = if method == "GET" { HttpMethod::Get } else { HttpMethod::Post };
        doc.paths.add_path_operation(path, vec![method], server_fn_operation(path));
    }
    doc
}

/// `GET /api/openapi.json`.
pub fn serve_json(doc: Arc<String>) -> Response {
    ([(header::CONTENT_TYPE, "application/json")], doc.as_str().to_owned()).into_response()
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// The reference page: every operation with its summary, body and answers, from the document.
pub fn reference(doc: &openapi::OpenApi) -> String {
    let mut out = String::new();
    let title = escape(&doc.info.title);
    let _ = write!(
        out,
        r#"<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>{title} — API reference</title><style>{CSS}</style></head><body><main><h1>{title} — API reference</h1><p>{}</p><p>The document itself: <a href="/api/openapi.json">/api/openapi.json</a> (OpenAPI {}).</p>"#,
        escape(doc.info.description.as_deref().unwrap_or("")),
        escape(
            &serde_json::to_value(&doc.openapi).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default()
        ),
    );
    let value = serde_json::to_value(doc).unwrap_or_default();
    let paths = value["paths"].as_object().cloned().unwrap_or_default();
    for (path, item) in &paths {
        for (method, op) in item.as_object().into_iter().flatten() {
            if !matches!(method.as_str(), "get" | "post" | "put" | "delete" | "patch") {
                continue;
            }
            let anchor = format!("{method}-{path}").replace(|c: char| !c.is_ascii_alphanumeric(), "-");
            let _ = write!(
                out,
                r#"<section class="op" id="{anchor}"><h2><span class="method">{}</span> <code>{}</code></h2>"#,
                method.to_uppercase(),
                escape(path)
            );
            if let Some(s) = op["summary"].as_str() {
                let _ = write!(out, "<p>{}</p>", escape(s));
            }
            if let Some(d) = op["description"].as_str() {
                let _ = write!(out, "<p>{}</p>", escape(d));
            }
            let security: Vec<String> = op["security"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|s| s.as_object()?.keys().next().cloned())
                .collect();
            let auth = if security.is_empty() { "none".to_owned() } else { security.join(" or ") };
            let _ = write!(out, "<p class=\"auth\">Authentication: {}</p>", escape(&auth));
            if let Some(content) = op["requestBody"]["content"].as_object() {
                for (kind, c) in content {
                    let _ = write!(out, "<h3>Body ({})</h3>{}", escape(kind), schema_html(&c["schema"], &value));
                }
            }
            out.push_str("<h3>Answers</h3><dl>");
            for (code, r) in op["responses"].as_object().into_iter().flatten() {
                let schema = r["content"]["application/json"]["schema"].clone();
                let body = if schema.is_null() { String::new() } else { schema_html(&schema, &value) };
                let _ = write!(
                    out,
                    "<dt>{}</dt><dd>{}{body}</dd>",
                    escape(code),
                    escape(r["description"].as_str().unwrap_or(""))
                );
            }
            out.push_str("</dl></section>");
        }
    }
    out.push_str("</main></body></html>");
    out
}

/// A schema as a list of its fields (one level of references resolved).
fn schema_html(schema: &serde_json::Value, doc: &serde_json::Value) -> String {
    let resolved = match schema["$ref"].as_str() {
        Some(r) => doc.pointer(r.trim_start_matches('#')).cloned().unwrap_or_default(),
        None => schema.clone(),
    };
    let name = schema["$ref"].as_str().and_then(|r| r.rsplit('/').next()).unwrap_or("");
    if resolved["type"] == "array" {
        return format!("<p>A list of:</p>{}", schema_html(&resolved["items"], doc));
    }
    let Some(props) = resolved["properties"].as_object() else {
        let kind = resolved["type"].as_str().unwrap_or("object");
        return format!(
            "<p><code>{}</code>{}</p>",
            escape(kind),
            if name.is_empty() { String::new() } else { format!(" ({})", escape(name)) }
        );
    };
    let required: Vec<&str> =
        resolved["required"].as_array().into_iter().flatten().filter_map(|v| v.as_str()).collect();
    let mut out = String::from("<ul class=\"fields\">");
    for (field, s) in props {
        let kind = match (&s["type"], s["$ref"].as_str()) {
            (serde_json::Value::Array(types), _) => {
                types.iter().filter_map(|t| t.as_str()).collect::<Vec<_>>().join(" or ")
            }
            (t, None) => t.as_str().unwrap_or("object").to_owned(),
            (_, Some(r)) => r.rsplit('/').next().unwrap_or("object").to_owned(),
        };
        let optional = if required.contains(&field.as_str()) { "" } else { ", optional" };
        let _ = write!(out, "<li><code>{}</code> <em>{}{optional}</em>", escape(field), escape(&kind));
        if let Some(d) = s["description"].as_str() {
            let _ = write!(out, " — {}", escape(d));
        }
        out.push_str("</li>");
    }
    out.push_str("</ul>");
    out
}

/// `GET /api/reference`.
pub fn serve_reference(page: Arc<String>) -> Response {
    Html(page.as_str().to_owned()).into_response()
}

const CSS: &str = "body{font:16px/1.5 system-ui,sans-serif;margin:0;background:#f7f7f8;color:#1d2939}main{max-width:60rem;margin:0 auto;padding:1.5rem}h1{font-size:1.6rem}section.op{background:#fff;border:1px solid #e4e7ec;border-radius:10px;padding:1rem 1.25rem;margin:1rem 0}h2{font-size:1.1rem;margin:0 0 .5rem;overflow-wrap:anywhere}h3{font-size:.95rem;margin:.75rem 0 .25rem}.method{display:inline-block;min-width:4.5rem;font-weight:700;color:#175cd3}.auth{color:#475467;font-size:.9rem}dt{font-weight:700}dd{margin:0 0 .5rem 1rem}code{font-family:ui-monospace,monospace;font-size:.9em}ul.fields{margin:.25rem 0;padding-left:1.25rem}";
