//! GraphQL-over-HTTP behaviour, limits, rate limits, production mode, CORS and headers.

use serde_json::{Value, json};

use super::*;

async fn app_with(configure: impl FnOnce(&mut ConfigArgs)) -> TestApp {
    let db = testing::sqlite().await;
    let url = db.url.clone();
    spawn_with(db, &url, configure).await
}

async fn raw(app: &TestApp, accept: Option<&str>, body: Value) -> reqwest::Response {
    let mut req = app
        .client
        .post(format!("{}/graphql", app.address))
        .json(&body);
    if let Some(accept) = accept {
        req = req.header("accept", accept);
    }
    req.send().await.expect("request")
}

#[tokio::test]
async fn test_accept_negotiation_and_status_codes() {
    let app = app_with(|_| {}).await;
    let bad = json!({"query": "{ playbook { "});
    let res = raw(&app, Some("application/graphql-response+json"), bad.clone()).await;
    assert_eq!(res.status(), 400);
    assert_eq!(
        res.headers()["content-type"],
        "application/graphql-response+json; charset=utf-8"
    );
    let body: Value = res.json().await.expect("json");
    assert!(body.get("data").is_none(), "{body}");
    assert_eq!(body["errors"][0]["extensions"]["code"], "VALIDATION");

    let res = raw(&app, Some("application/json"), bad.clone()).await;
    assert_eq!(res.status(), 200);
    assert_eq!(
        res.headers()["content-type"],
        "application/json; charset=utf-8"
    );
    let res = raw(&app, None, bad).await;
    assert_eq!(res.status(), 200);

    // A field error after execution started is still a 200 with data.
    let res = raw(
        &app,
        Some("application/graphql-response+json"),
        json!({"query": "{ playbook { version } me { id } }"}),
    )
    .await;
    assert_eq!(res.status(), 200);
    let res = raw(
        &app,
        Some("text/html"),
        json!({"query": "{ playbook { version } }"}),
    )
    .await;
    assert_eq!(res.status(), 406);
    for header in [
        "x-content-type-options",
        "x-frame-options",
        "content-security-policy",
        "referrer-policy",
    ] {
        assert!(res.headers().contains_key(header), "{header}");
    }
    app.stop().await;
}

#[tokio::test]
async fn test_batch_and_alias_caps() {
    let app = app_with(|a: &mut ConfigArgs| {
        a.max_batch = 3;
        a.max_aliases = 4;
    })
    .await;
    let op = json!({"query": "{ playbook { version } }"});
    let (status, body) = app.post(json!([op, op, op, op]), None).await;
    assert_eq!(status, 400, "{body}");
    let (status, _) = app.post(json!([op, op, op]), None).await;
    assert_eq!(status, 200);
    let (status, _) = app.post(json!([]), None).await;
    assert_eq!(status, 400);
    let aliases = "{ a: playbook { version } b: playbook { version } c: playbook { version } d: playbook { version } e: playbook { version } }";
    let (status, body) = app.post(json!({"query": aliases}), None).await;
    assert_eq!(status, 400, "{body}");
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .expect("message")
            .contains("aliases")
    );
    app.stop().await;
}

#[tokio::test]
async fn test_rate_limits_answer_with_retry_after() {
    let app = app_with(|a: &mut ConfigArgs| {
        a.rate_auth_per_address = 3;
        a.rate_login_per_account = 2;
        a.rate_fields_per_caller = 4;
    })
    .await;
    let login = |email: &str| {
        json!({"query": "mutation($i: LoginInput!) { login(input: $i) { accessToken } }",
                                     "variables": {"i": {"email": email, "password": "wrong password"}}})
    };
    // Per account: the third attempt on one account is refused …
    for _ in 0..2 {
        let (_, body) = app.post(login("target@example.org"), None).await;
        assert_eq!(
            body["errors"][0]["extensions"]["code"], "UNAUTHENTICATED",
            "{body}"
        );
    }
    let res = app
        .client
        .post(format!("{}/graphql", app.address))
        .json(&login("target@example.org"))
        .send()
        .await
        .expect("post");
    let retry = res
        .headers()
        .get("retry-after")
        .map(|v| v.to_str().expect("ascii").to_owned());
    let body: Value = res.json().await.expect("json");
    assert_eq!(
        body["errors"][0]["extensions"]["code"], "RATE_LIMITED",
        "{body}"
    );
    assert!(body["errors"][0]["extensions"]["retryAfter"].as_u64() >= Some(1));
    assert!(retry.is_some(), "Retry-After header");
    // … and per address, whatever the account.
    let (_, body) = app.post(login("other@example.org"), None).await;
    assert_eq!(
        body["errors"][0]["extensions"]["code"], "RATE_LIMITED",
        "{body}"
    );

    // Root fields count one by one, aliases included.
    let fields = "{ a: playbook { version } b: playbook { version } c: playbook { version } d: playbook { version } e: channels { key } }";
    let (_, body) = app.post(json!({"query": fields}), None).await;
    let limited = body["errors"].as_array().map_or(0, |e| {
        e.iter()
            .filter(|e| e["extensions"]["code"] == "RATE_LIMITED")
            .count()
    });
    assert!(limited >= 1, "{body}");
    app.stop().await;
}

#[tokio::test]
async fn test_production_mode_hides_graphiql_introspection_and_suggestions() {
    let app = app_with(|a: &mut ConfigArgs| {
        a.production = true;
    })
    .await;
    let res = app
        .client
        .get(format!("{}/graphiql", app.address))
        .send()
        .await
        .expect("get");
    assert_eq!(res.status(), 404);
    let (_, body) = app
        .post(
            json!({"query": "{ __schema { queryType { name } } }"}),
            None,
        )
        .await;
    assert!(body["data"]["__schema"].is_null(), "{body}");
    let (_, body) = app
        .post(json!({"query": "{ playbok { version } }"}), None)
        .await;
    let message = body["errors"][0]["message"].as_str().expect("message");
    assert!(!message.contains("Did you mean"), "{message}");
    app.stop().await;
}

#[tokio::test]
async fn test_cors_allows_only_configured_origins() {
    let app = app_with(|a: &mut ConfigArgs| {
        a.cors_origins = vec!["https://app.herlead.example".into()];
    })
    .await;
    let preflight = |origin: &'static str| {
        app.client
            .request(reqwest::Method::OPTIONS, format!("{}/graphql", app.address))
            .header("origin", origin)
            .header("access-control-request-method", "POST")
            .header(
                "access-control-request-headers",
                "content-type, authorization",
            )
            .send()
    };
    let ok = preflight("https://app.herlead.example")
        .await
        .expect("preflight");
    assert_eq!(
        ok.headers()["access-control-allow-origin"],
        "https://app.herlead.example"
    );
    let other = preflight("https://evil.example").await.expect("preflight");
    assert!(other.headers().get("access-control-allow-origin").is_none());
    app.stop().await;

    let bad = Command::new(env!("CARGO_BIN_EXE_herlead"))
        .env("HERLEAD_CORS_ORIGINS", "https://*.example.org")
        .output()
        .expect("run");
    assert!(String::from_utf8_lossy(&bad.stderr).contains("HERLEAD_CORS_ORIGINS"));
}
