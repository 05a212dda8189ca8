//! What a form post reports is shown once, by the page it redirects to, from the session: the
//! address names the message by an id and no text in an address is ever rendered.

mod common;

use app::model::{IN_PLACE_HEADER, InPlaceAnswer};
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

/// A form of a hydrated page posts the same fields with the page it is on; the route does the same
/// thing and answers with the message itself instead of a redirect (or where to go, when the
/// answer is for another page).
#[tokio::test]
async fn a_hydrated_form_gets_its_answer_in_place_and_the_change_is_the_same() {
    let app = TestApp::spawn().await;
    let browser = app.new_browser();
    app.register(&browser, "amina", "correct horse", "Amina Traders").await;
    let post = |form: &'static [(&'static str, &'static str)], here: &'static str| {
        browser.post(app.url("/settings/customer")).header(IN_PLACE_HEADER, here).form(form).send()
    };
    let email_mode = "SELECT count(*) FROM account_settings WHERE customer_mode = 'email'";

    let r = post(&[("customer_mode", "email")], "/settings").await.unwrap();
    assert_eq!(r.status(), 200);
    let answer: InPlaceAnswer = r.json().await.unwrap();
    let flash = answer.flash.expect("the message itself");
    assert!(flash.notice.unwrap().contains("customer with the order's email"));
    assert_eq!(answer.location, None);
    assert_eq!(app.scalar(email_mode).await, 1, "the setting is saved as by a plain post");

    // Refused: the error comes back, and nothing changed.
    let answer: InPlaceAnswer = post(&[("customer_mode", "nobody")], "/settings").await.unwrap().json().await.unwrap();
    let flash = answer.flash.expect("the error itself");
    assert!(flash.notice.is_none() && flash.error.as_ref().is_some_and(|e| !e.is_empty()), "{flash:?}");
    assert_eq!(app.scalar(email_mode).await, 1);

    // Sent from another page: where to go, with the message kept there for this session.
    let answer: InPlaceAnswer =
        post(&[("customer_mode", "walk_in")], "/connections").await.unwrap().json().await.unwrap();
    let to = answer.location.expect("the page to open");
    assert!(answer.flash.is_none() && to.starts_with("/settings?notice="), "{to}");
    assert!(app.follow(&browser, &to).await.contains("Online sales now go to the walk-in customer"));

    // Signed out: the sign-in page, and nothing changed.
    let stranger = app.new_browser();
    let r = stranger
        .post(app.url("/settings/customer"))
        .header(IN_PLACE_HEADER, "/settings")
        .form(&[("customer_mode", "email")])
        .send()
        .await
        .unwrap();
    let answer: InPlaceAnswer = r.json().await.unwrap();
    assert_eq!(answer.location.as_deref(), Some("/login"));
    assert_eq!(app.scalar(email_mode).await, 0);
}
