//! Contact files over HTTP: the GraphQL multipart request spec as web and mobile clients send
//! it, with the Authorization header it needs and the upload limit it keeps.

use reqwest::multipart::{Form, Part};
use serde_json::{Value, json};

use crate::{TestApp, spawn_all, spawn_with};
use herlead_store::testing;

const PREVIEW: &str = "mutation($file: Upload!) { previewImport(file: $file) { batch { id format fileName status } newContacts rejectedRows rejected { line code } } }";

fn connections() -> Vec<u8> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../examples/imports/Connections.csv"
    );
    std::fs::read(path).expect("example file")
}

fn form(file: Vec<u8>, file_name: &str) -> Form {
    let operations = json!({ "query": PREVIEW, "variables": { "file": null } });
    Form::new()
        .text("operations", operations.to_string())
        .text("map", r#"{"0":["variables.file"]}"#)
        .part("0", Part::bytes(file).file_name(file_name.to_owned()))
}

impl TestApp {
    async fn upload(&self, form: Form, token: Option<&str>) -> (u16, Value) {
        let mut req = self
            .client
            .post(format!("{}/graphql", self.address))
            .multipart(form);
        if let Some(token) = token {
            req = req.bearer_auth(token);
        }
        let res = req.send().await.expect("request");
        let status = res.status().as_u16();
        (status, res.json().await.unwrap_or(Value::Null))
    }

    async fn contact_count(&self, token: &str) -> i64 {
        let (_, body) = self
            .post(
                json!({ "query": "{ contacts { totalCount } }" }),
                Some(token),
            )
            .await;
        body["data"]["contacts"]["totalCount"]
            .as_i64()
            .unwrap_or_else(|| panic!("{body}"))
    }
}

#[tokio::test]
async fn test_a_linkedin_file_uploads_as_a_multipart_request_and_previews() {
    for app in spawn_all().await {
        let label = app.label();
        let (token, _) = app.register("carmen@example.org").await;
        let (status, body) = app
            .upload(form(connections(), "Connections.csv"), Some(&token))
            .await;
        assert_eq!(status, 200, "{label}: {body}");
        let preview = &body["data"]["previewImport"];
        assert_eq!(preview["batch"]["format"], "LINKEDIN", "{label}: {body}");
        assert_eq!(preview["batch"]["fileName"], "Connections.csv");
        assert_eq!(preview["batch"]["status"], "PREVIEW");
        assert_eq!(
            preview["rejected"],
            json!([{ "line": 13, "code": "NO_NAME" }])
        );
        assert!(
            preview["newContacts"].as_i64() >= Some(8),
            "{label}: {body}"
        );
        assert_eq!(
            app.contact_count(&token).await,
            0,
            "{label}: a preview writes nothing"
        );

        let id = preview["batch"]["id"].clone();
        let (_, body) = app
            .post(
                json!({ "query": "mutation($id: ID!) { confirmImport(importId: $id) { created } }", "variables": { "id": id } }),
                Some(&token),
            )
            .await;
        let created = body["data"]["confirmImport"]["created"].as_i64();
        assert_eq!(created, preview["newContacts"].as_i64(), "{label}: {body}");
        assert_eq!(Some(app.contact_count(&token).await), created);
        app.stop().await;
    }
}

#[tokio::test]
async fn test_an_upload_without_the_authorization_header_never_runs() {
    // A multipart form is one of the bodies a browser sends cross-site without a preflight;
    // requiring the header (which no plain form can set) keeps uploads out of CSRF's reach,
    // as the JSON-only rule does for every other request.
    for app in spawn_all().await {
        let label = app.label();
        let (status, body) = app
            .upload(form(connections(), "Connections.csv"), None)
            .await;
        assert_eq!(status, 400, "{label}: {body}");
        assert!(
            body["errors"][0]["message"]
                .as_str()
                .is_some_and(|m| m.contains("Authorization")),
            "{label}: {body}"
        );
        // With the header but a token that is no token: the operation runs and is refused.
        let (status, body) = app
            .upload(form(connections(), "Connections.csv"), Some("not-a-token"))
            .await;
        assert_eq!(status, 200, "{label}: {body}");
        assert_eq!(
            body["errors"][0]["extensions"]["code"], "UNAUTHENTICATED",
            "{label}: {body}"
        );
        app.stop().await;
    }
}

#[tokio::test]
async fn test_a_file_over_the_upload_limit_is_refused_with_413_and_the_field() {
    for db in testing::all().await {
        let url = db.url.clone();
        let app = spawn_with(db, &url, |args| args.upload_limit = 4 * 1024).await;
        let label = app.label();
        let (token, _) = app.register("carmen@example.org").await;

        // Within the limit: read.
        let (status, body) = app
            .upload(form(connections(), "Connections.csv"), Some(&token))
            .await;
        assert_eq!(status, 200, "{label}: {body}");
        assert!(
            body["data"]["previewImport"]["batch"]["id"].is_string(),
            "{body}"
        );

        // Over it: 413, naming the file and why, and nothing staged.
        let mut big = connections();
        while big.len() <= 5 * 1024 {
            big.extend_from_slice(
                "Ana,Pérez,,,Universidad de Chile,Profesora,15 Mar 2024\r\n".as_bytes(),
            );
        }
        let (status, body) = app.upload(form(big, "Connections.csv"), Some(&token)).await;
        assert_eq!(status, 413, "{label}: {body}");
        let error = &body["errors"][0];
        assert_eq!(error["extensions"]["code"], "VALIDATION", "{label}: {body}");
        assert_eq!(error["extensions"]["field"], "file");
        assert_eq!(error["extensions"]["reason"], "TOO_LARGE");
        assert!(
            error["message"]
                .as_str()
                .is_some_and(|m| m.contains("4096")),
            "{label}: {body}"
        );
        let (_, body) = app
            .post(json!({ "query": "{ imports { id } }" }), Some(&token))
            .await;
        assert_eq!(
            body["data"]["imports"].as_array().map(Vec::len),
            Some(1),
            "{label}: only the first upload was staged: {body}"
        );

        // A JSON body is still bound by the (smaller) body limit, not the upload limit.
        let big = json!({ "query": "{ playbook { version } }", "variables": { "pad": "x".repeat(70 * 1024) } });
        let (status, _) = app.post(big, Some(&token)).await;
        assert_eq!(status, 413, "{label}");
        app.stop().await;
    }
}

#[tokio::test]
async fn test_a_multipart_body_that_breaks_the_spec_is_a_clear_400() {
    for app in spawn_all().await {
        let label = app.label();
        let (token, _) = app.register("carmen@example.org").await;
        // A map that names a file part the body does not have.
        let operations = json!({ "query": PREVIEW, "variables": { "file": null } });
        let broken = Form::new()
            .text("operations", operations.to_string())
            .text("map", r#"{"7":["variables.file"]}"#);
        let (status, body) = app.upload(broken, Some(&token)).await;
        assert_eq!(status, 400, "{label}: {body}");
        assert_eq!(body["errors"][0]["extensions"]["code"], "VALIDATION");
        assert!(
            body["errors"][0]["message"]
                .as_str()
                .is_some_and(|m| m.contains("Missing files")),
            "{label}: {body}"
        );
        // Two files where one is allowed: refused before anything runs.
        let operations = json!({ "query": PREVIEW, "variables": { "file": null, "other": null } });
        let two = Form::new()
            .text("operations", operations.to_string())
            .text("map", r#"{"0":["variables.file"],"1":["variables.other"]}"#)
            .part("0", Part::bytes(connections()).file_name("a.csv"))
            .part("1", Part::bytes(connections()).file_name("b.csv"));
        let (status, body) = app.upload(two, Some(&token)).await;
        assert_eq!(status, 400, "{label}: {body}");
        assert!(
            body["errors"][0]["message"]
                .as_str()
                .is_some_and(|m| m.contains("one file")),
            "{label}: {body}"
        );
        // A part the map does not name is not a file of the request, and is ignored.
        let extra = form(connections(), "a.csv").part("9", Part::bytes(vec![0; 16]));
        let (status, body) = app.upload(extra, Some(&token)).await;
        assert_eq!(status, 200, "{label}: {body}");
        assert_eq!(body["data"]["previewImport"]["batch"]["fileName"], "a.csv");
        let (_, body) = app
            .post(json!({ "query": "{ imports { fileName } }" }), Some(&token))
            .await;
        assert_eq!(
            body["data"]["imports"],
            json!([{ "fileName": "a.csv" }]),
            "{label}: only the well-formed upload was staged"
        );
        app.stop().await;
    }
}
