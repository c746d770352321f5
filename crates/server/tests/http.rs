//! The real server on port 0, over HTTP, against real databases.

use std::{
    io::{BufRead, BufReader},
    process::{Command, Stdio},
    sync::Once,
};

use herlead_server::{Application, Config, config::ConfigArgs};
use herlead_store::testing::{self, TestDb};
use serde_json::{Value, json};

/// A running server and a client for it.
struct TestApp {
    address: String,
    client: reqwest::Client,
    handle: actix_web::dev::ServerHandle,
    db: TestDb,
    _data_dir: tempfile::TempDir,
}

fn install_crypto() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        rustls::crypto::ring::default_provider()
            .install_default()
            .ok();
    });
}

fn test_config(db: &TestDb, data_dir: &std::path::Path, body_limit: usize) -> Config {
    use clap::Parser;
    #[derive(Parser)]
    struct Wrapper {
        #[command(flatten)]
        args: ConfigArgs,
    }
    let args = Wrapper::parse_from([
        "herlead",
        "--bind",
        "127.0.0.1:0",
        "--database-url",
        &db.url,
        "--data-dir",
        data_dir.to_str().expect("utf-8 path"),
        "--body-limit",
        &body_limit.to_string(),
        "--max-depth",
        "8",
        "--workers",
        "2",
    ])
    .args;
    Config::from_args(args).expect("valid test config")
}

/// Starts the application on a fresh database, the one way every HTTP test does.
async fn spawn_app(db: TestDb) -> TestApp {
    install_crypto();
    if std::env::var_os("TEST_LOG").is_some() {
        herlead_server::telemetry::init(herlead_server::config::LogFormat::Pretty);
    }
    let data_dir = tempfile::tempdir().expect("tempdir");
    let config = test_config(&db, data_dir.path(), 64 * 1024);
    let app = Application::build(&config)
        .await
        .expect("application builds");
    let address = format!("http://127.0.0.1:{}", app.port());
    let handle = app.handle();
    tokio::spawn(app.run_until_stopped());
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    TestApp {
        address,
        client,
        handle,
        db,
        _data_dir: data_dir,
    }
}

async fn spawn_all() -> Vec<TestApp> {
    let mut apps = Vec::new();
    for db in testing::all().await {
        apps.push(spawn_app(db).await);
    }
    apps
}

impl TestApp {
    fn label(&self) -> String {
        format!("{:?}", self.db.backend())
    }

    async fn post(&self, body: Value, token: Option<&str>) -> (u16, Value) {
        let mut req = self
            .client
            .post(format!("{}/graphql", self.address))
            .json(&body);
        if let Some(token) = token {
            req = req.bearer_auth(token);
        }
        let res = req.send().await.expect("request");
        let status = res.status().as_u16();
        (status, res.json().await.unwrap_or(Value::Null))
    }

    async fn register(&self, email: &str) -> (String, String) {
        let (status, body) = self
            .post(
                json!({
                    "query": "mutation($i: RegisterInput!) { register(input: $i) { accessToken refreshToken } }",
                    "variables": { "i": { "email": email, "password": "correct horse battery", "displayName": "Ada" } }
                }),
                None,
            )
            .await;
        assert_eq!(status, 200, "{body}");
        let p = &body["data"]["register"];
        (
            p["accessToken"]
                .as_str()
                .unwrap_or_else(|| panic!("{body}"))
                .to_owned(),
            p["refreshToken"].as_str().expect("refresh").to_owned(),
        )
    }

    async fn stop(self) {
        self.handle.stop(true).await;
    }
}

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

/// The binary itself, as the README runs it: SQLite default in the working directory, a
/// generated secret, and a clean exit on SIGTERM.
#[test]
fn test_binary_runs_on_the_sqlite_default_and_stops_on_sigterm() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut child = Command::new(env!("CARGO_BIN_EXE_herlead"))
        .current_dir(dir.path())
        .env("HERLEAD_BIND", "127.0.0.1:0")
        .env("HERLEAD_WORKERS", "1")
        .env_remove("HERLEAD_DATABASE_URL")
        .env_remove("HERLEAD_JWT_SECRET")
        .env("NO_COLOR", "1")
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn herlead");
    let stderr = child.stderr.take().expect("stderr");
    let mut lines = BufReader::new(stderr).lines();
    let address = loop {
        let line = lines
            .next()
            .expect("server exited before announcing its address")
            .expect("read line");
        if let Some(rest) = line.split("GraphiQL at ").nth(1) {
            break rest.trim().trim_end_matches("/graphiql").to_owned();
        }
    };
    assert!(dir.path().join("herlead.db").exists());
    assert!(dir.path().join("herlead-jwt-secret").exists());

    install_crypto();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let status = runtime.block_on(async {
        reqwest::get(format!("{address}/readyz"))
            .await
            .expect("readyz")
            .status()
    });
    assert_eq!(status, 200);

    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("kill");
    assert!(killed.success());
    // Drain the log so the server never blocks on a full pipe, then collect the exit status.
    for _ in lines.by_ref() {}
    let exit = child.wait().expect("wait");
    assert!(exit.success(), "herlead exited with {exit}");
}

#[test]
fn test_binary_fails_fast_on_bad_config_naming_the_setting() {
    let output = Command::new(env!("CARGO_BIN_EXE_herlead"))
        .env("HERLEAD_BIND", "not-an-address")
        .output()
        .expect("run herlead");
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("HERLEAD_BIND"), "{stderr}");
}

#[test]
fn test_migrate_subcommand_creates_and_migrates_the_database() {
    let dir = tempfile::tempdir().expect("tempdir");
    let url = format!("sqlite://{}", dir.path().join("m.db").display());
    for _ in 0..2 {
        let output = Command::new(env!("CARGO_BIN_EXE_herlead"))
            .args(["migrate", "--database-url", &url])
            .env("NO_COLOR", "1")
            .output()
            .expect("run herlead");
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    assert!(dir.path().join("m.db").exists());
}

#[test]
fn test_export_schema_matches_the_checked_in_file() {
    let output = Command::new(env!("CARGO_BIN_EXE_herlead"))
        .arg("export-schema")
        .output()
        .expect("run herlead");
    assert!(output.status.success());
    let committed = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../schema/schema.graphql"
    ))
    .expect("schema file");
    assert_eq!(String::from_utf8_lossy(&output.stdout), committed);
}
