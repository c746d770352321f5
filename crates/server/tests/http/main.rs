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
pub(crate) struct TestApp {
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

fn test_config_with(
    db: &TestDb,
    data_dir: &std::path::Path,
    body_limit: usize,
    extra: &[&str],
) -> Config {
    use clap::Parser;
    #[derive(Parser)]
    struct Wrapper {
        #[command(flatten)]
        args: ConfigArgs,
    }
    let limit = body_limit.to_string();
    let base = [
        "herlead",
        "--bind",
        "127.0.0.1:0",
        "--database-url",
        &db.url,
        "--data-dir",
        data_dir.to_str().expect("utf-8 path"),
        "--body-limit",
        &limit,
        "--max-depth",
        "8",
        "--workers",
        "2",
        "--jwt-secret",
        "replicas-share-this-test-secret-of-32-bytes",
    ];
    let args = Wrapper::parse_from(base.into_iter().chain(extra.iter().copied())).args;
    Config::from_args(args).expect("valid test config")
}

/// Starts the application on a fresh database, the one way every HTTP test does.
async fn spawn_app(db: TestDb) -> TestApp {
    let url = db.url.clone();
    spawn_on(db, &url).await
}

/// Starts the application on `url`; a second one on the same URL is another replica.
async fn spawn_on(db: TestDb, url: &str) -> TestApp {
    spawn_with(db, url, &[]).await
}

/// Starts the application with extra command-line settings.
async fn spawn_with(db: TestDb, url: &str, extra: &[&str]) -> TestApp {
    install_crypto();
    if std::env::var_os("TEST_LOG").is_some() {
        herlead_server::telemetry::init(herlead_server::config::LogFormat::Pretty);
    }
    let data_dir = tempfile::tempdir().expect("tempdir");
    let mut config = test_config_with(&db, data_dir.path(), 64 * 1024, extra);
    config.database_url = url.to_owned();
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

/// A second replica of `a` on the same database, with extra settings: its address and a
/// handle that stops it (the data directory lives as long as the handle is kept).
async fn spawn_replica(
    a: &TestApp,
    extra: &[&str],
) -> (String, actix_web::dev::ServerHandle, tempfile::TempDir) {
    let data_dir = tempfile::tempdir().expect("tempdir");
    let config = test_config_with(&a.db, data_dir.path(), 64 * 1024, extra);
    let b = Application::build(&config).await.expect("second replica");
    let address = format!("http://127.0.0.1:{}", b.port());
    let handle = b.handle();
    tokio::spawn(b.run_until_stopped());
    (address, handle, data_dir)
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

    /// Registers an account and signs in to it; returns (access, refresh).
    async fn register(&self, email: &str) -> (String, String) {
        let (status, body) = self
            .post(
                json!({
                    "query": "mutation($i: RegisterInput!) { register(input: $i) }",
                    "variables": { "i": { "email": email, "password": "correct horse battery", "displayName": "Ada" } }
                }),
                None,
            )
            .await;
        assert_eq!(
            (status, &body["data"]["register"]),
            (200, &json!(true)),
            "{body}"
        );
        let (status, body) = self
            .post(
                json!({
                    "query": "mutation($i: LoginInput!) { login(input: $i) { accessToken refreshToken } }",
                    "variables": { "i": { "email": email, "password": "correct horse battery" } }
                }),
                None,
            )
            .await;
        assert_eq!(status, 200, "{body}");
        let p = &body["data"]["login"];
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

mod live {
    //! Subscriptions over WebSocket (`graphql-transport-ws`), across replicas, and the CSV
    //! export.

    use std::time::Duration;

    use futures_util::{SinkExt, StreamExt};
    use herlead_core::Role;
    use serde_json::{Value, json};
    use tokio_tungstenite::{
        MaybeTlsStream, WebSocketStream,
        tungstenite::{Message, client::IntoClientRequest, http::HeaderValue},
    };

    use super::*;

    pub(crate) type Socket = WebSocketStream<MaybeTlsStream<tokio::net::TcpStream>>;

    /// Opens `/graphql/ws` with the graphql-transport-ws protocol and sends `connection_init`.
    pub(crate) async fn connect(address: &str, token: Option<&str>) -> Socket {
        let url = format!("{}/graphql/ws", address.replace("http://", "ws://"));
        let mut request = url.into_client_request().expect("request");
        request.headers_mut().insert(
            "Sec-WebSocket-Protocol",
            HeaderValue::from_static("graphql-transport-ws"),
        );
        let (mut socket, response) = tokio_tungstenite::connect_async(request)
            .await
            .expect("websocket");
        assert_eq!(
            response.headers()["sec-websocket-protocol"],
            "graphql-transport-ws"
        );
        let payload = token.map_or(
            json!({}),
            |t| json!({"Authorization": format!("Bearer {t}")}),
        );
        send(
            &mut socket,
            json!({"type": "connection_init", "payload": payload}),
        )
        .await;
        socket
    }

    pub(crate) async fn send(socket: &mut Socket, message: Value) {
        socket
            .send(Message::Text(message.to_string().into()))
            .await
            .expect("send");
    }

    /// The next JSON message, skipping pings; `None` when the server closed the socket.
    pub(crate) async fn receive(socket: &mut Socket) -> Option<Value> {
        loop {
            let message = tokio::time::timeout(Duration::from_secs(15), socket.next())
                .await
                .expect("the server answers within the test's bound")?;
            match message.ok()? {
                Message::Text(text) => {
                    let value: Value = serde_json::from_str(&text).expect("json");
                    if value["type"] != "ping" {
                        return Some(value);
                    }
                }
                Message::Close(_) => return None,
                _ => {}
            }
        }
    }

    pub(crate) async fn coach_and_member(app: &TestApp) -> (String, String, String, String) {
        let (coach, _) = app.register("coach@example.org").await;
        let coach_id = app
            .db
            .store
            .user_by_email(&herlead_core::input::Email::parse("e", "coach@example.org").expect("e"))
            .await
            .expect("q")
            .expect("u")
            .id;
        app.db
            .store
            .set_role(coach_id, Role::Coach)
            .await
            .expect("role");
        let (_, body) = app.post(json!({"query": "mutation { createCohort(input: {name: \"Live\"}) { id inviteCode } }"}), Some(&coach)).await;
        let cohort = body["data"]["createCohort"]["id"]
            .as_str()
            .unwrap_or_else(|| panic!("{body}"))
            .to_owned();
        let code = body["data"]["createCohort"]["inviteCode"]
            .as_str()
            .expect("code")
            .to_owned();
        let (member, _) = app.register("ada@example.org").await;
        let (_, body) = app
            .post(json!({"query": "mutation($c: String!) { joinCohort(code: $c) { id } }", "variables": {"c": code}}), Some(&member))
            .await;
        assert!(body["errors"].is_null(), "{body}");
        let (_, me) = app
            .post(json!({"query": "{ me { id } }"}), Some(&member))
            .await;
        (
            coach,
            cohort,
            member,
            me["data"]["me"]["id"].as_str().expect("id").to_owned(),
        )
    }

    #[tokio::test]
    async fn test_nudges_arrive_over_graphql_transport_ws() {
        for app in spawn_all().await {
            let (coach, cohort, member, member_id) = coach_and_member(&app).await;
            let mut socket = connect(&app.address, Some(&member)).await;
            assert_eq!(
                receive(&mut socket).await.expect("ack")["type"],
                "connection_ack"
            );
            send(&mut socket, json!({"id": "1", "type": "subscribe", "payload": {"query": "subscription { myNudges { message taskKey } }"}})).await;
            tokio::time::sleep(Duration::from_millis(1000)).await;
            let (_, body) = app
                .post(
                    json!({"query": "mutation($i: NudgeInput!) { sendNudge(input: $i) { id } }",
                           "variables": {"i": {"cohortId": cohort, "memberId": member_id, "message": "You are doing great", "taskKey": "bring.meet_list"}}}),
                    Some(&coach),
                )
                .await;
            assert!(body["errors"].is_null(), "{body}");
            let next = receive(&mut socket).await.expect("next");
            assert_eq!(next["type"], "next", "{}: {next}", app.label());
            assert_eq!(next["id"], "1");
            assert_eq!(
                next["payload"]["data"]["myNudges"],
                json!({"message": "You are doing great", "taskKey": "bring.meet_list"})
            );
            app.stop().await;
        }
    }

    #[tokio::test]
    async fn test_websocket_refuses_bad_tokens_and_anonymous_subscriptions() {
        let app = spawn_app(testing::sqlite().await).await;
        let mut socket = connect(&app.address, Some("not-a-token")).await;
        // A refused token ends the connection instead of acknowledging it.
        let answer = receive(&mut socket).await;
        assert!(
            answer
                .as_ref()
                .is_none_or(|m| m["type"] != "connection_ack"),
            "{answer:?}"
        );

        let mut socket = connect(&app.address, None).await;
        assert_eq!(
            receive(&mut socket).await.expect("ack")["type"],
            "connection_ack"
        );
        send(&mut socket, json!({"id": "1", "type": "subscribe", "payload": {"query": "subscription { myNudges { message } }"}})).await;
        // Resolver errors travel as a `next` payload with errors, as async-graphql sends them.
        let error = receive(&mut socket).await.expect("error");
        assert_eq!(
            error["payload"]["errors"][0]["extensions"]["code"], "UNAUTHENTICATED",
            "{error}"
        );
        app.stop().await;
    }

    #[tokio::test]
    async fn test_activity_reaches_a_coach_connected_to_another_replica() {
        // Replicas share one PostgreSQL database; SQLite is one process by design.
        let Some(db) = testing::postgres().await else {
            return;
        };
        let url = db.url.clone();
        let a = spawn_on(db, &url).await;
        let (b_address, b_handle, _b_dir) = spawn_replica(&a, &[]).await;

        let (coach, cohort, member, member_id) = coach_and_member(&a).await;
        // The coach watches through replica B …
        let mut socket = connect(&b_address, Some(&coach)).await;
        assert_eq!(
            receive(&mut socket).await.expect("ack")["type"],
            "connection_ack"
        );
        send(
            &mut socket,
            json!({"id": "a", "type": "subscribe", "payload": {
                "query": "subscription($id: ID!) { cohortActivity(cohortId: $id) { memberId taskKey to source } }",
                "variables": {"id": cohort}}}),
        )
        .await;
        tokio::time::sleep(Duration::from_millis(1000)).await;
        // … while the member works through replica A.
        let (_, body) = a
            .post(json!({"query": "mutation { setTaskStatus(input: {taskKey: \"position.tell_your_story\", status: DONE}) { status } }"}), Some(&member))
            .await;
        assert!(body["errors"].is_null(), "{body}");
        let next = receive(&mut socket).await.expect("next");
        assert_eq!(
            next["payload"]["data"]["cohortActivity"],
            json!({"memberId": member_id, "taskKey": "position.tell_your_story", "to": "DONE", "source": "MEMBER"}),
            "{next}"
        );
        drop(socket);
        b_handle.stop(true).await;
        a.stop().await;
    }

    #[tokio::test]
    async fn test_dashboard_csv_export_is_authenticated_and_spreadsheet_safe() {
        for app in spawn_all().await {
            let (coach, cohort, _, _) = coach_and_member(&app).await;
            // A member whose name a spreadsheet would run as a formula.
            let (_, code) = app
                .post(json!({"query": "query($id: ID!) { cohort(id: $id) { inviteCode } }", "variables": {"id": cohort}}), Some(&coach))
                .await;
            let code = code["data"]["cohort"]["inviteCode"]
                .as_str()
                .expect("code")
                .to_owned();
            app.post(
                json!({"query": "mutation($i: RegisterInput!) { register(input: $i) }",
                       "variables": {"i": {"email": "mallory@example.org", "password": "correct horse battery", "displayName": "=HYPERLINK(\"http://evil\")"}}}),
                None,
            )
            .await;
            let (_, body) = app
                .post(
                    json!({"query": "mutation($i: LoginInput!) { login(input: $i) { accessToken } }",
                           "variables": {"i": {"email": "mallory@example.org", "password": "correct horse battery"}}}),
                    None,
                )
                .await;
            let mallory = body["data"]["login"]["accessToken"]
                .as_str()
                .expect("token")
                .to_owned();
            app.post(json!({"query": "mutation($c: String!) { joinCohort(code: $c) { id } }", "variables": {"c": code}}), Some(&mallory)).await;

            let url = format!("{}/cohorts/{cohort}/dashboard.csv", app.address);
            let res = app
                .client
                .get(&url)
                .bearer_auth(&coach)
                .send()
                .await
                .expect("csv");
            assert_eq!(res.status(), 200, "{}", app.label());
            assert_eq!(res.headers()["content-type"], "text/csv; charset=utf-8");
            let text = res.text().await.expect("body");
            assert!(text.starts_with('\u{feff}'));
            let mut lines = text.trim_start_matches('\u{feff}').lines();
            assert!(
                lines
                    .next()
                    .expect("header")
                    .starts_with("member_id,display_name,sharing")
            );
            let rows: Vec<&str> = lines.collect();
            assert_eq!(rows.len(), 2, "{text}");
            assert!(
                text.contains("\"'=HYPERLINK(\"\"http://evil\"\")\""),
                "{text}"
            );

            let anonymous = app.client.get(&url).send().await.expect("csv");
            assert_eq!(anonymous.status(), 401);
            let stranger = app
                .client
                .get(&url)
                .bearer_auth(&mallory)
                .send()
                .await
                .expect("csv");
            assert_eq!(stranger.status(), 404);
            let garbage = app
                .client
                .get(format!("{}/cohorts/nope/dashboard.csv", app.address))
                .bearer_auth(&coach)
                .send()
                .await
                .expect("csv");
            assert_eq!(garbage.status(), 404);
            app.stop().await;
        }
    }
}

#[test]
fn test_admin_commands_bootstrap_roles() {
    let dir = tempfile::tempdir().expect("tempdir");
    let url = format!("sqlite://{}", dir.path().join("admin.db").display());
    let run = |args: &[&str], stdin: &str| {
        use std::io::Write;
        let mut child = Command::new(env!("CARGO_BIN_EXE_herlead"))
            .args(args)
            .args(["--database-url", &url])
            .env("NO_COLOR", "1")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn");
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(stdin.as_bytes())
            .expect("write");
        let out = child.wait_with_output().expect("wait");
        (
            out.status.success(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let (ok, err) = run(
        &["admin", "create-admin", "--email", "root@example.org"],
        "short\n",
    );
    assert!(!ok && err.contains("password"), "{err}");
    let (ok, err) = run(
        &["admin", "create-admin", "--email", "root@example.org"],
        "correct horse battery\n",
    );
    assert!(ok, "{err}");
    let (ok, err) = run(
        &["admin", "grant-coach", "--email", "nobody@example.org"],
        "",
    );
    assert!(!ok && err.contains("no account"), "{err}");
    let (ok, err) = run(&["admin", "grant-coach", "--email", "root@example.org"], "");
    assert!(!ok && err.contains("administrator"), "{err}");

    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let store = herlead_store::Store::connect(&format!("{url}?mode=rwc"))
            .await
            .expect("store");
        let email = |e: &str| herlead_core::input::Email::parse("email", e).expect("email");
        let root = store
            .user_by_email(&email("root@example.org"))
            .await
            .expect("q")
            .expect("admin");
        assert_eq!(root.role, herlead_core::Role::Admin);
        store
            .create_user(
                herlead_store::NewUser {
                    id: herlead_core::UserId::new(),
                    email: email("coach@example.org"),
                    display_name: herlead_core::input::DisplayName::parse("n", "Coach")
                        .expect("name"),
                    password_hash: "$argon2id$unused".into(),
                    role: herlead_core::Role::Member,
                    now: herlead_store::now(),
                },
                None,
            )
            .await
            .expect("member");
    });
    let (ok, err) = run(
        &["admin", "grant-coach", "--email", "coach@example.org"],
        "",
    );
    assert!(ok && err.contains("COACH"), "{err}");
    let (ok, err) = run(
        &["admin", "revoke-coach", "--email", "coach@example.org"],
        "",
    );
    assert!(ok && err.contains("MEMBER"), "{err}");
}

mod hardening {
    //! GraphQL-over-HTTP behaviour, limits, rate limits, production mode, CORS and headers.

    use serde_json::{Value, json};

    use super::*;

    async fn app_with(extra: &[&str]) -> TestApp {
        let db = testing::sqlite().await;
        let url = db.url.clone();
        spawn_with(db, &url, extra).await
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
        let app = app_with(&[]).await;
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
        let app = app_with(&["--max-batch", "3", "--max-aliases", "4"]).await;
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
        let app = app_with(&[
            "--rate-auth-per-address",
            "3",
            "--rate-login-per-account",
            "2",
            "--rate-fields-per-caller",
            "4",
        ])
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
        let app = app_with(&["--production", "true"]).await;
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
        let app = app_with(&["--cors-origins", "https://app.herlead.example"]).await;
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
}

mod crash {
    //! SIGKILL in the middle of a write load: every acknowledged write survives, and the
    //! database is intact.

    use serde_json::{Value, json};

    use super::*;

    /// Starts the `herlead` binary on `db_url`; returns it and its address.
    fn start(dir: &std::path::Path, db_url: &str) -> (std::process::Child, String) {
        let mut child = Command::new(env!("CARGO_BIN_EXE_herlead"))
            .current_dir(dir)
            .env("HERLEAD_BIND", "127.0.0.1:0")
            .env("HERLEAD_DATABASE_URL", db_url)
            .env("HERLEAD_WORKERS", "2")
            .env("HERLEAD_RATE_FIELDS_PER_CALLER", "0")
            .env("NO_COLOR", "1")
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn herlead");
        let stderr = child.stderr.take().expect("stderr");
        let mut lines = BufReader::new(stderr).lines();
        let address = loop {
            let line = lines.next().expect("server exited early").expect("line");
            if let Some(rest) = line.split("GraphiQL at ").nth(1) {
                break rest.trim().trim_end_matches("/graphiql").to_owned();
            }
        };
        // Keep draining the log so the server never blocks on a full pipe.
        std::thread::spawn(move || for _ in lines {});
        (child, address)
    }

    async fn gql(
        client: &reqwest::Client,
        address: &str,
        token: Option<&str>,
        body: Value,
    ) -> Option<Value> {
        let mut req = client.post(format!("{address}/graphql")).json(&body);
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        let res = req.send().await.ok()?;
        let value: Value = res.json().await.ok()?;
        value["errors"].is_null().then(|| value["data"].clone())
    }

    async fn run(db: TestDb) {
        install_crypto();
        let dir = tempfile::tempdir().expect("tempdir");
        let client = reqwest::Client::new();
        let (mut child, address) = start(dir.path(), &db.url);
        gql(&client, &address, None, json!({
            "query": "mutation { register(input: {email: \"ada@example.org\", password: \"correct horse battery\", displayName: \"Ada\"}) }"
        }))
        .await
        .expect("register");
        let data = gql(&client, &address, None, json!({
            "query": "mutation { login(input: {email: \"ada@example.org\", password: \"correct horse battery\"}) { accessToken } }"
        }))
        .await
        .expect("login");
        let token = data["login"]["accessToken"]
            .as_str()
            .expect("token")
            .to_owned();

        // Four writers add contacts as fast as they can; each records what was acknowledged.
        let acknowledged = std::sync::Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
        let mut writers = Vec::new();
        for w in 0..4 {
            let (client, address, token, acknowledged) = (
                client.clone(),
                address.clone(),
                token.clone(),
                acknowledged.clone(),
            );
            writers.push(tokio::spawn(async move {
                for n in 0..10_000 {
                    let body = json!({"query": "mutation($n: String!) { addContact(input: {name: $n, sector: MEDIA, scope: CITY}) { id } }",
                                      "variables": {"n": format!("w{w}-{n}")}});
                    match gql(&client, &address, Some(&token), body).await {
                        Some(data) => acknowledged.lock().expect("lock").push(data["addContact"]["id"].as_str().expect("id").to_owned()),
                        None => break, // the server is gone
                    }
                }
            }));
        }
        // Kill the server without warning once some writes are in.
        while acknowledged.lock().expect("lock").len() < 40 {
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
        child.kill().expect("SIGKILL");
        child.wait().expect("reap");
        for w in writers {
            w.await.expect("writer");
        }
        let acknowledged = acknowledged.lock().expect("lock").clone();
        assert!(acknowledged.len() >= 40);

        // Restart on the same database: everything acknowledged is there.
        let (mut child, address) = start(dir.path(), &db.url);
        let mut stored = std::collections::HashSet::new();
        let mut after: Option<String> = None;
        loop {
            let data = gql(&client, &address, Some(&token), json!({
                "query": "query($a: String) { contacts(first: 100, after: $a) { pageInfo { hasNextPage endCursor } edges { node { id } } } }",
                "variables": {"a": after}
            }))
            .await
            .expect("contacts after restart");
            for e in data["contacts"]["edges"].as_array().expect("edges") {
                stored.insert(e["node"]["id"].as_str().expect("id").to_owned());
            }
            if data["contacts"]["pageInfo"]["hasNextPage"] != true {
                break;
            }
            after = data["contacts"]["pageInfo"]["endCursor"]
                .as_str()
                .map(str::to_owned);
        }
        let lost: Vec<&String> = acknowledged
            .iter()
            .filter(|id| !stored.contains(*id))
            .collect();
        assert!(
            lost.is_empty(),
            "{:?}: acknowledged but lost: {lost:?}",
            db.backend()
        );
        child.kill().expect("stop");
        child.wait().expect("reap");

        if db.backend() == herlead_store::Backend::Sqlite {
            let check = db
                .store
                .query_text("PRAGMA integrity_check")
                .await
                .expect("integrity check");
            assert_eq!(check.as_deref(), Some("ok"));
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn test_acknowledged_writes_survive_sigkill() {
        for db in testing::all().await {
            run(db).await;
        }
    }
}

mod observability {
    //! Metrics, request ids.

    use serde_json::json;

    use super::*;

    #[tokio::test]
    async fn test_metrics_count_operations_errors_and_pool() {
        let db = testing::sqlite().await;
        let url = db.url.clone();
        let app = spawn_with(db, &url, &[]).await;
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
        let off = spawn_with(db, &url, &["--metrics", "false"]).await;
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
        let off = spawn_with(db, &url, &[]).await;
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
        let on = spawn_with(db, &url, &["--bench-baseline", "true"]).await;
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
                    name: "Bench".into(),
                    description: None,
                    starts_on: None,
                    ends_on: None,
                    stall_days: 14,
                    invite_code: "BENCHTEST2".into(),
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
}

mod security;
