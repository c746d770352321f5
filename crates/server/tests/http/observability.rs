//! Metrics, request ids.

use serde_json::json;

use super::*;

#[tokio::test]
async fn test_metrics_count_operations_errors_and_pool() {
    let db = testing::sqlite().await;
    let url = db.url.clone();
    let app = spawn_with(db, &url, |_| {}).await;
    app.post(
        json!({"query": "query Me { me { id } }", "operationName": "Me"}),
        None,
    )
    .await;
    app.post(
        json!({"query": "query Me { me { id } }", "operationName": "Me"}),
        None,
    )
    .await;
    app.post(json!({"query": "query Weird_Name_2 { playbook { version } }", "operationName": "Weird_Name_2"}), None).await;
    let text = app
        .client
        .get(format!("{}/metrics", app.address))
        .send()
        .await
        .expect("metrics")
        .text()
        .await
        .expect("text");
    assert!(
        text.contains("herlead_graphql_requests_total{operation=\"Me\"} 2"),
        "{text}"
    );
    assert!(
        text.contains("herlead_graphql_requests_total{operation=\"Weird_Name_2\"} 1"),
        "{text}"
    );
    assert!(
        text.contains("herlead_graphql_errors_total{code=\"UNAUTHENTICATED\"} 2"),
        "{text}"
    );
    assert!(
        text.contains("herlead_graphql_request_duration_seconds_bucket{operation=\"Me\""),
        "{text}"
    );
    assert!(
        text.contains("herlead_db_pool_connections{state=\"idle\"}"),
        "{text}"
    );
    assert!(text.contains("herlead_subscriptions_active 0"), "{text}");
    app.stop().await;

    let db = testing::sqlite().await;
    let url = db.url.clone();
    let off = spawn_with(db, &url, |a: &mut ConfigArgs| {
        a.metrics = false;
    })
    .await;
    let res = off
        .client
        .get(format!("{}/metrics", off.address))
        .send()
        .await
        .expect("metrics");
    assert_eq!(res.status(), 404);
    off.stop().await;
}

#[tokio::test]
async fn test_benchmark_endpoints_exist_only_when_switched_on() {
    let db = testing::sqlite().await;
    let url = db.url.clone();
    let off = spawn_with(db, &url, |_| {}).await;
    let cohort = uuid::Uuid::now_v7();
    for (method, path) in [
        ("POST", "/bench/baseline".to_owned()),
        ("GET", format!("/bench/aggregates/sql/{cohort}")),
    ] {
        let res = off
            .client
            .request(
                method.parse().expect("method"),
                format!("{}{path}", off.address),
            )
            .send()
            .await
            .expect("request");
        assert_eq!(res.status(), 404, "{method} {path}");
    }
    off.stop().await;

    let db = testing::sqlite().await;
    let url = db.url.clone();
    let on = spawn_with(db, &url, |a: &mut ConfigArgs| {
        a.bench_baseline = true;
    })
    .await;
    let (_, _) = on.register("ada@example.org").await;
    let ada = on
        .db
        .store
        .user_by_email(
            &herlead_core::input::Email::parse("email", "ada@example.org").expect("email"),
        )
        .await
        .expect("query")
        .expect("ada");
    let cohort = on
        .db
        .store
        .create_cohort(
            ada.id,
            herlead_core::cohort::Cohort {
                id: uuid::Uuid::now_v7(),
                name: herlead_core::input::CohortName::parse("name", "Bench").expect("name"),
                description: None,
                starts_on: None,
                ends_on: None,
                stall_days: herlead_core::input::StallDays::parse("stallDays", 14).expect("days"),
                invite_code: herlead_core::input::InviteCode::parse("BENCHTEST2").expect("code"),
                invite_expires_at: chrono::Utc::now() + chrono::Duration::days(1),
                created_at: chrono::Utc::now(),
            },
        )
        .await
        .expect("cohort");
    on.db
        .store
        .join_cohort(
            cohort.id,
            ada.id,
            herlead_core::cohort::SharingLevel::Progress,
        )
        .await
        .expect("join");
    for how in ["sql", "computed", "recomputed", "recomputed"] {
        let res = on
            .client
            .get(format!(
                "{}/bench/aggregates/{how}/{}",
                on.address, cohort.id
            ))
            .send()
            .await
            .expect("request");
        assert_eq!(res.status(), 200, "{how}");
        let body: Value = res.json().await.expect("json");
        assert_eq!(body["members"], 1, "{how}: {body}");
        assert_eq!(body["stalled"], 0, "{how}: {body}");
    }
    for path in [
        format!("/bench/aggregates/sql/{}", uuid::Uuid::now_v7()),
        format!("/bench/aggregates/computed/{}", uuid::Uuid::now_v7()),
        format!("/bench/aggregates/guess/{}", cohort.id),
        "/bench/aggregates/sql/not-a-uuid".to_owned(),
    ] {
        let res = on
            .client
            .get(format!("{}{path}", on.address))
            .send()
            .await
            .expect("request");
        assert_eq!(res.status(), 404, "{path}");
    }
    on.stop().await;
}

#[tokio::test]
async fn test_request_ids_are_echoed_or_minted() {
    let app = spawn_app(testing::sqlite().await).await;
    let url = format!("{}/healthz", app.address);
    let minted = app.client.get(&url).send().await.expect("get");
    let id = minted.headers()["x-request-id"]
        .to_str()
        .expect("ascii")
        .to_owned();
    assert_eq!(id.len(), 36, "a fresh UUID: {id}");
    let kept = app
        .client
        .get(&url)
        .header("x-request-id", "abc-123")
        .send()
        .await
        .expect("get");
    assert_eq!(kept.headers()["x-request-id"], "abc-123");
    let replaced = app
        .client
        .get(&url)
        .header("x-request-id", "bad id\\n")
        .send()
        .await
        .expect("get");
    assert_ne!(replaced.headers()["x-request-id"], "bad id\\n");
    app.stop().await;
}
