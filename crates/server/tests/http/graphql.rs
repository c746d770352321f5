//! GraphQL over HTTP: health, the member journey, GET and POST rules, request errors and
//! batches.

use serde_json::json;

use super::*;

#[tokio::test]
async fn test_health_readiness_graphiql_and_root_redirect() {
    for app in spawn_all().await {
        let get = |path: &str| app.client.get(format!("{}{path}", app.address)).send();
        let health = get("/healthz").await.expect("healthz");
        assert_eq!(health.status(), 200);
        let ready = get("/readyz").await.expect("readyz");
        assert_eq!(ready.status(), 200, "{}", app.label());
        let root = get("/").await.expect("root");
        assert_eq!(root.status(), 302);
        assert_eq!(root.headers()["location"], "/graphiql");
        let graphiql = get("/graphiql").await.expect("graphiql");
        assert_eq!(graphiql.status(), 200);
        assert!(graphiql.text().await.expect("html").contains("/graphql"));
        app.stop().await;
    }
}

#[tokio::test]
async fn test_member_journey_over_http() {
    for app in spawn_all().await {
        let (access, _) = app.register("ada@example.org").await;
        let (_, res) = app
            .post(
                json!({"query": "mutation { setTaskStatus(input: {taskKey: \"position.tell_your_story\", status: DONE}) { status } }"}),
                Some(&access),
            )
            .await;
        assert_eq!(
            res["data"]["setTaskStatus"]["status"],
            "DONE",
            "{}: {res}",
            app.label()
        );

        // Queries work over GET too, with the same bearer token.
        let res = app
            .client
            .get(format!("{}/graphql", app.address))
            .query(&[(
                "query",
                "{ me { email } myProgress { percent steps { done } } }",
            )])
            .bearer_auth(&access)
            .send()
            .await
            .expect("get");
        assert_eq!(res.status(), 200);
        let body: Value = res.json().await.expect("json");
        assert_eq!(body["data"]["me"]["email"], "ada@example.org");
        assert_eq!(body["data"]["myProgress"]["steps"][0]["done"], 1);

        // Named operations and variables over GET, spelled as the specification spells them.
        let res = app
            .client
            .get(format!("{}/graphql", app.address))
            .query(&[
                ("query", "query A { me { email } } query B($a: Audience) { channels(audience: $a) { key } }"),
                ("operationName", "B"),
                ("variables", r#"{"a": "CREATIVE"}"#),
            ])
            .send()
            .await
            .expect("get");
        let body: Value = res.json().await.expect("json");
        assert_eq!(
            body["data"]["channels"].as_array().map(Vec::len),
            Some(2),
            "{body}"
        );
        let res = app
            .client
            .get(format!(
                "{}/graphql?query=%7B%20me%20%7B%20email%20%7D%20%7D&variables=%7Bnope",
                app.address
            ))
            .send()
            .await
            .expect("get");
        assert_eq!(res.status(), 400);
        app.stop().await;
    }
}

#[tokio::test]
async fn test_mutation_over_get_is_refused_and_runs_nothing() {
    let app = spawn_app(testing::sqlite().await).await;
    let query = "mutation { register(input: {email: \"eve@example.org\", password: \"correct horse\", displayName: \"Eve\"}) { accessToken } }";
    let res = app
        .client
        .get(format!("{}/graphql", app.address))
        .query(&[("query", query)])
        .send()
        .await
        .expect("get");
    assert_eq!(res.status(), 405);
    assert_eq!(res.headers()["allow"], "POST");
    let body: Value = res.json().await.expect("json");
    assert_eq!(body["errors"][0]["extensions"]["code"], "VALIDATION");
    assert_eq!(app.db.store.count_users().await.expect("count"), 0);

    // Selecting the mutation of a multi-operation document by name is refused as well.
    let doc = format!(
        "query Q {{ playbook {{ version }} }} {query_named}",
        query_named = query.replacen("mutation", "mutation M", 1)
    );
    let res = app
        .client
        .get(format!("{}/graphql", app.address))
        .query(&[("query", doc.as_str()), ("operationName", "M")])
        .send()
        .await
        .expect("get");
    assert_eq!(res.status(), 405);
    assert_eq!(app.db.store.count_users().await.expect("count"), 0);
    app.stop().await;
}

#[tokio::test]
async fn test_request_errors_before_execution() {
    let app = spawn_app(testing::sqlite().await).await;
    let url = format!("{}/graphql", app.address);

    // Over the body limit (64 KiB in tests): refused before parsing.
    let big =
        json!({"query": "{ playbook { version } }", "variables": {"pad": "x".repeat(70 * 1024)}});
    let res = app.client.post(&url).json(&big).send().await.expect("post");
    assert_eq!(res.status(), 413);

    // Not JSON: a text/plain POST (a CSRF vector) never executes.
    let res = app
        .client
        .post(&url)
        .header("content-type", "text/plain")
        .body(r#"{"query":"mutation { register(input: {email: \"x@example.org\", password: \"long enough\", displayName: \"X\"}) { accessToken } }"}"#)
        .send()
        .await
        .expect("post");
    assert_eq!(res.status(), 415);
    assert_eq!(app.db.store.count_users().await.expect("count"), 0);

    // Unparseable JSON.
    let res = app
        .client
        .post(&url)
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .expect("post");
    assert_eq!(res.status(), 400);
    let body: Value = res.json().await.expect("json");
    assert_eq!(body["errors"][0]["extensions"]["code"], "VALIDATION");

    // Other methods.
    let res = app.client.delete(&url).send().await.expect("delete");
    assert_eq!(res.status(), 405);

    // Over the depth limit (8 in tests).
    let (_, body) = app
        .post(json!({"query": "{ __schema { types { fields { type { ofType { ofType { ofType { ofType { name } } } } } } } } }"}), None)
        .await;
    assert_eq!(
        body["errors"][0]["extensions"]["code"], "VALIDATION",
        "{body}"
    );
    app.stop().await;
}

#[tokio::test]
async fn test_batches_and_bad_authorization_headers() {
    let app = spawn_app(testing::sqlite().await).await;
    let (access, _) = app.register("ada@example.org").await;
    let (status, body) = app
        .post(
            json!([{"query": "{ me { email } }"}, {"query": "{ playbook { version } }"}]),
            Some(&access),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(body[0]["data"]["me"]["email"], "ada@example.org", "{body}");
    assert!(body[1]["data"]["playbook"]["version"].is_string());

    for header in ["Basic abc", "Bearer", "Bearer a.b.c"] {
        let res = app
            .client
            .post(format!("{}/graphql", app.address))
            .header("authorization", header)
            .json(&json!({"query": "{ me { email } }"}))
            .send()
            .await
            .expect("post");
        let body: Value = res.json().await.expect("json");
        assert_eq!(
            body["errors"][0]["extensions"]["code"], "UNAUTHENTICATED",
            "{header}: {body}"
        );
    }
    app.stop().await;
}
