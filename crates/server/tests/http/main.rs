//! The real server on port 0, over HTTP, against real databases.

use std::{
    io::{BufRead, BufReader},
    process::{Command, Stdio},
    sync::Once,
};

use herlead_server::{config::ConfigArgs, testing::TestServer};
use herlead_store::testing::{self, TestDb};
use serde_json::{Value, json};

/// A running server and a client for it.
pub(crate) struct TestApp {
    address: String,
    client: reqwest::Client,
    server: TestServer,
    db: TestDb,
}

fn install_crypto() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        rustls::crypto::ring::default_provider()
            .install_default()
            .ok();
    });
}

/// What these tests change from the shared test settings: a small body limit and a shallow
/// depth limit, so the tests of both stay short; then what the test itself changes.
fn settings(configure: impl FnOnce(&mut ConfigArgs)) -> impl FnOnce(&mut ConfigArgs) {
    move |args: &mut ConfigArgs| {
        args.body_limit = 64 * 1024;
        args.max_depth = 8;
        configure(args);
    }
}

/// Starts the application on a fresh database, the one way every HTTP test does.
async fn spawn_app(db: TestDb) -> TestApp {
    let url = db.url.clone();
    spawn_on(db, &url).await
}

/// Starts the application on `url`; a second one on the same URL is another replica.
async fn spawn_on(db: TestDb, url: &str) -> TestApp {
    spawn_with(db, url, |_| {}).await
}

/// Starts the application with settings changed in code.
async fn spawn_with(db: TestDb, url: &str, configure: impl FnOnce(&mut ConfigArgs)) -> TestApp {
    install_crypto();
    let server = TestServer::spawn(url, settings(configure)).await;
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    TestApp {
        address: server.address.clone(),
        client,
        server,
        db,
    }
}

/// A second replica of `a` on the same database, with changed settings: its address and a
/// handle that stops it (the server lives as long as the returned value is kept).
async fn spawn_replica(
    a: &TestApp,
    configure: impl FnOnce(&mut ConfigArgs),
) -> (String, actix_web::dev::ServerHandle, TestServer) {
    let b = TestServer::spawn(&a.db.url, settings(configure)).await;
    (b.address.clone(), b.handle.clone(), b)
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
        self.server.stop().await;
    }
}

/// The binary itself, as the README runs it: SQLite default in the working directory, a
/// generated secret, and a clean exit on SIGTERM.
mod binary;
mod calendar;
mod crash;
mod graphql;
mod hardening;
mod live;
mod observability;
mod security;
mod uploads;
