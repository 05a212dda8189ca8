//! What a form post reports is shown once, by the page it redirects to, from the session: the
//! address names the message by an id and no text in an address is ever rendered.

mod common;

use common::{TestApp, location};

#[tokio::test]
async fn a_notice_is_shown_once_and_never_read_from_the_address() {
    let app = TestApp::spawn().await;
    let browser = app.new_browser();
    app.register(&browser, "amina", "correct horse", "Amina Traders").await;

    // A link crafted to look like one of our messages shows nothing.
    let crafted = "/settings?notice=Your+Prokip+password+expired.+Re-enter+it+at+evil.example";
    let html = app.follow(&browser, crafted).await;
    assert!(!html.contains("evil.example") && !html.contains(r#"data-testid="notice""#), "{html}");
    let html = app.follow(&browser, "/products?error=Call+us+at+555-0100").await;
    assert!(!html.contains("555-0100"), "{html}");

    // A real post: its message is on the page it lands on, once.
    let r = browser.post(app.url("/settings/customer")).form(&[("customer_mode", "email")]).send().await.unwrap();
    let to = location(&r);
    assert!(to.starts_with("/settings?notice=") && !to.contains("Online"), "no text in the address: {to}");
    let said = "Online sales now go to the Prokip customer with the order&#x27;s email";
    let html = app.follow(&browser, &to).await;
    assert!(html.contains(said) || html.contains(&said.replace("&#x27;", "'")), "{html}");
    let again = app.follow(&browser, &to).await;
    assert!(!again.contains("Online sales now go"), "a reload shows it again: {again}");

    // Another session cannot read someone's message by its id.
    let r = browser.post(app.url("/settings/customer")).form(&[("customer_mode", "walk_in")]).send().await.unwrap();
    let other = app.new_browser();
    app.register(&other, "bahati", "correct horse", "Bahati Shop").await;
    let html = app.follow(&other, &location(&r)).await;
    assert!(!html.contains("Online sales now go"), "{html}");
}

#[tokio::test]
async fn a_refused_registration_shows_its_error_beside_the_field_with_what_was_typed() {
    let app = TestApp::spawn().await;
    let browser = app.new_browser();
    let form = [("business_name", "Amina Traders"), ("username", "amina"), ("password", "short")];
    let r = browser.post(app.url("/register")).form(&form).send().await.unwrap();
    let to = location(&r);
    assert!(to.starts_with("/register?error=") && to.contains("field=password"), "{to}");
    assert!(!to.contains("Amina") && !to.contains("amina"), "nothing typed travels in the address: {to}");
    let html = app.follow(&browser, &to).await;
    assert!(html.contains(r#"value="Amina Traders""#) && html.contains(r#"value="amina""#), "{html}");
    assert!(html.contains(r#"aria-invalid="true""#), "the password field is marked: {html}");
}
