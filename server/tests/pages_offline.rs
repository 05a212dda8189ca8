//! Pages render from what the database holds: no dashboard page calls Prokip, so a slow or failing
//! Prokip never makes one slow. The business's locations and payment methods are read at connect,
//! on "Refresh from Prokip" and hourly by the poll job, and the page says when.

mod common;

use common::{
    location,
    world::{Options, World},
};
use mocks::faults::{FaultKind, FaultRule};

fn prokip_calls(w: &World) -> u64 {
    w.prokip.faults().counts().values().sum()
}

fn prokip_fails(w: &World) {
    let kind = FaultKind::Status { status: 503, retry_after: None };
    w.prokip.faults().add(FaultRule { path_prefix: String::new(), method: None, kind, rate: 1.0, times: None });
}

async fn quiet_world() -> World {
    World::with(Options { jobs: false, ..Default::default() }).await
}

#[tokio::test]
async fn no_page_calls_prokip_and_what_they_show_was_read_at_connect() {
    let w = quiet_world().await;
    let listed = w.prokip.faults().count("GET /connector/api/business-location");
    assert_eq!(listed, 1, "connecting lists the locations once, for the choice and for the pages");
    prokip_fails(&w);
    let before = prokip_calls(&w);
    for page in ["/", "/connections", "/products", "/products/AS0001", "/orders", "/activity", "/settings"] {
        let r = w.browser.get(w.app.url(page)).send().await.unwrap();
        assert_eq!(r.status(), 200, "{page}");
    }
    assert_eq!(prokip_calls(&w), before, "rendering the pages called Prokip: {:?}", w.prokip.faults().counts());

    let connections = w.app.follow(&w.browser, "/connections").await;
    assert!(connections.contains("Main Shop"), "the location name, from the database");
    assert!(connections.contains("Locations and payment methods read from Prokip"), "and when it was read");
    let settings = w.app.follow(&w.browser, "/settings").await;
    assert!(settings.contains("M-Pesa") && settings.contains("Bank Transfer"), "payment methods, from the database");
}

#[tokio::test]
async fn refresh_reads_prokip_again_and_a_failed_read_keeps_what_was_read_before() {
    let w = quiet_world().await;
    // What was kept is out of date: only cash.
    w.app
        .sql(&format!(
            r#"UPDATE prokip_configs SET directory = '{{"locations": [[{}, "Main Shop"]], "payment_methods": [["cash", "Cash"]]}}'
               WHERE account_id = {}"#,
            w.prokip_location, w.account_id
        ))
        .await;
    assert!(!w.app.follow(&w.browser, "/settings").await.contains("M-Pesa"));

    prokip_fails(&w);
    let r = w.browser.post(w.app.url("/connections/prokip/refresh")).send().await.unwrap();
    let page = w.app.follow(&w.browser, &location(&r)).await;
    assert!(page.contains("Prokip could not be reached"), "the refresh says why it failed: {page}");
    assert!(page.contains("The last read from Prokip failed"), "and the page keeps saying it");
    assert!(page.contains("Main Shop"), "what was read before stays");

    w.prokip.faults().clear();
    let before = prokip_calls(&w);
    let r = w.browser.post(w.app.url("/connections/prokip/refresh")).send().await.unwrap();
    let page = w.app.follow(&w.browser, &location(&r)).await;
    assert!(page.contains("Read from Prokip just now: 1 active location and 8 payment methods."), "{page}");
    assert!(!page.contains("The last read from Prokip failed"));
    assert!(prokip_calls(&w) > before);
    assert!(w.app.follow(&w.browser, "/settings").await.contains("M-Pesa"), "the methods read are offered");
}

#[tokio::test]
async fn the_poll_job_reads_the_business_again_once_an_hour() {
    let w = quiet_world().await;
    let refresh = || app::backend::connect::prokip::refresh_directory_when_old(&w.app.state, w.account_id);
    assert!(!refresh().await.unwrap(), "read at connect: not again within the hour");
    w.app.sql("UPDATE prokip_configs SET directory_read_at = now() - interval '61 minutes'").await;
    let before = prokip_calls(&w);
    assert!(refresh().await.unwrap(), "read again after an hour");
    assert!(prokip_calls(&w) > before);
    assert!(!refresh().await.unwrap());

    // A failure is recorded for the page, not raised into the poll.
    w.app.sql("UPDATE prokip_configs SET directory_read_at = now() - interval '2 hours'").await;
    prokip_fails(&w);
    assert!(!refresh().await.unwrap());
    let problem = "SELECT count(*) FROM prokip_configs WHERE directory_problem LIKE 'Prokip could not be reached%'";
    assert_eq!(w.app.scalar(problem).await, 1);
}

#[tokio::test]
async fn a_payment_method_added_in_prokip_since_the_last_read_can_be_chosen() {
    let w = quiet_world().await;
    w.app
        .sql(r#"UPDATE prokip_configs SET directory = '{"locations": [], "payment_methods": [["cash", "Cash"]]}'"#)
        .await;
    let r = w
        .browser
        .post(w.app.url("/settings/payment-method"))
        .form(&[("payment_method", "custom_pay_1")])
        .send()
        .await
        .unwrap();
    let page = w.app.follow(&w.browser, &location(&r)).await;
    assert!(page.contains("Online sales are now paid with \"M-Pesa\" in Prokip."), "{page}");
    let r = w
        .browser
        .post(w.app.url("/settings/payment-method"))
        .form(&[("payment_method", "gold_bars")])
        .send()
        .await
        .unwrap();
    assert!(location(&r).contains("error="), "an unknown method is still refused");
}
