//! Executes the schema directly against real databases (SQLite always, PostgreSQL when
//! `HERLEAD_TEST_POSTGRES_URL` is set). One binary, a module per area.

mod account;
mod classify;
mod coach;
mod erasure;
mod export;
mod imports;
mod journey;
mod matrix;
mod settings;
mod social;

use std::sync::Arc;

use async_graphql::{Request, Variables};
use herlead_api::{ApiConfig, AuthConfig, Authenticator, HerLeadSchema, build_schema};
use herlead_store::testing::{self, TestDb};
use serde_json::{Value, json};

pub(crate) const SECRET: [u8; 32] = [42; 32];

pub(crate) struct Harness {
    pub(crate) schema: HerLeadSchema,
    pub(crate) auth: Arc<Authenticator>,
    pub(crate) db: TestDb,
}

pub(crate) async fn harnesses_with(config: ApiConfig) -> Vec<Harness> {
    let mut out = Vec::new();
    for db in testing::all().await {
        let auth =
            Arc::new(Authenticator::new(AuthConfig::with_secret(SECRET.to_vec())).expect("auth"));
        let schema = build_schema(db.store.clone(), auth.clone(), &config);
        out.push(Harness { schema, auth, db });
    }
    out
}

pub(crate) async fn harnesses() -> Vec<Harness> {
    harnesses_with(ApiConfig::default()).await
}

pub(crate) struct Account {
    pub(crate) access: String,
    pub(crate) refresh: String,
    pub(crate) id: String,
}

impl Harness {
    pub(crate) fn label(&self) -> String {
        format!("{:?}", self.db.backend())
    }

    pub(crate) async fn exec(&self, query: &str, variables: Value, token: Option<&str>) -> Value {
        let mut request = Request::new(query).variables(Variables::from_json(variables));
        let header = token.map(|t| format!("Bearer {t}"));
        request = request.data(self.auth.session(header.as_deref()));
        let response = self.schema.execute(request).await;
        serde_json::to_value(&response).expect("response serializes")
    }

    /// Registers an account and signs in to it.
    /// Runs `query` with a file in its `$file` variable, as a multipart request carries it.
    pub(crate) async fn upload(
        &self,
        query: &str,
        mut variables: Value,
        file_name: &str,
        bytes: &[u8],
        token: &str,
    ) -> Value {
        variables["file"] = Value::Null;
        let mut request = Request::new(query).variables(Variables::from_json(variables));
        request.set_upload(
            "variables.file",
            async_graphql::UploadValue {
                filename: file_name.to_owned(),
                content_type: None,
                content: bytes::Bytes::copy_from_slice(bytes),
            },
        );
        request = request.data(self.auth.session(Some(&format!("Bearer {token}"))));
        serde_json::to_value(self.schema.execute(request).await).expect("response serializes")
    }

    pub(crate) async fn register(&self, email: &str, password: &str) -> Account {
        let res = self
            .exec(
                REGISTER,
                json!({ "i": { "email": email, "password": password, "displayName": "Ada Lovelace" } }),
                None,
            )
            .await;
        assert_eq!(res["data"]["register"], true, "{}: {res}", self.label());
        let res = self
            .exec(
                "mutation($i: LoginInput!) { login(input: $i) { accessToken refreshToken expiresIn user { id email role } } }",
                json!({ "i": { "email": email, "password": password } }),
                None,
            )
            .await;
        let payload = &res["data"]["login"];
        assert!(
            payload.is_object(),
            "{}: register failed: {res}",
            self.label()
        );
        Account {
            access: payload["accessToken"].as_str().expect("access").to_owned(),
            refresh: payload["refreshToken"]
                .as_str()
                .expect("refresh")
                .to_owned(),
            id: payload["user"]["id"].as_str().expect("id").to_owned(),
        }
    }

    /// Runs an operation that must succeed; returns its `data`.
    pub(crate) async fn ok(&self, query: &str, variables: Value, token: &str) -> Value {
        let res = self.exec(query, variables, Some(token)).await;
        assert!(res["errors"].is_null(), "{}: {query}: {res}", self.label());
        res["data"].clone()
    }

    /// Every task's status, by key.
    pub(crate) async fn statuses(&self, token: &str) -> std::collections::HashMap<String, String> {
        let data = self.ok(PROGRESS, json!({}), token).await;
        data["myProgress"]["steps"]
            .as_array()
            .expect("steps")
            .iter()
            .flat_map(|s| s["tasks"].as_array().expect("tasks").iter())
            .map(|t| {
                (
                    t["task"]["key"].as_str().expect("key").to_owned(),
                    t["status"].as_str().expect("status").to_owned(),
                )
            })
            .collect()
    }

    /// Registers a user and gives her `role` directly in the database (as `herlead admin` does).
    pub(crate) async fn with_role(&self, email: &str, role: herlead_core::Role) -> Account {
        let account = self.register(email, "correct horse battery").await;
        let id = account.id.parse().expect("uuid");
        assert!(self.db.store.set_role(id, role).await.expect("role"));
        account
    }

    pub(crate) async fn user_count(&self) -> u64 {
        self.db.store.count_users().await.expect("count")
    }
}

/// The single error of a response, as (code, field, message).
pub(crate) fn only_error(res: &Value) -> (String, Option<String>, String) {
    let errors = res["errors"]
        .as_array()
        .unwrap_or_else(|| panic!("no errors in {res}"));
    assert_eq!(errors.len(), 1, "{res}");
    let e = &errors[0];
    (
        e["extensions"]["code"]
            .as_str()
            .unwrap_or_else(|| panic!("no code in {res}"))
            .to_owned(),
        e["extensions"]["field"].as_str().map(str::to_owned),
        e["message"].as_str().expect("message").to_owned(),
    )
}

pub(crate) const REGISTER: &str = "mutation($i: RegisterInput!) { register(input: $i) }";
pub(crate) const LOGIN: &str =
    "mutation($i: LoginInput!) { login(input: $i) { accessToken refreshToken user { email } } }";
pub(crate) const REFRESH: &str = "mutation($t: String!) { refreshSession(refreshToken: $t) { accessToken refreshToken user { email } } }";
pub(crate) const SET_STATUS: &str = "mutation($i: SetTaskStatusInput!) { setTaskStatus(input: $i) { status note updatedAt completedAt task { key step } } }";
pub(crate) const PROGRESS: &str = "{ myProgress { percent currentStep steps { step done total percent tasks { status task { key } } } } }";
