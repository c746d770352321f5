//! The SDK against the real server, spawned on port 0 on SQLite and PostgreSQL; the SDK's
//! GraphQL documents against the checked-in schema; and the SDK's dependency rule.

use std::{
    sync::Arc,
    time::{Duration, SystemTime, UNIX_EPOCH},
};

use herlead_sdk::*;
use herlead_server::testing::TestServer;
use herlead_store::testing::{self, TestDb};

mod calls;
mod errors;

struct Server {
    address: String,
    handle: herlead_server::startup::ServerHandle,
    _server: TestServer,
    db: TestDb,
}

/// The real server on `db`, through the server's own test helper, with access tokens that
/// live `access_ttl` seconds.
async fn spawn(db: TestDb, access_ttl: u64) -> Server {
    let server = TestServer::spawn(&db.url, |a| a.access_token_ttl = access_ttl).await;
    Server {
        address: server.address.clone(),
        handle: server.handle.clone(),
        _server: server,
        db,
    }
}

fn client(server: &Server, store: Option<Arc<dyn TokenStore>>) -> Arc<HerLeadClient> {
    HerLeadClient::new(server.address.clone(), ClientOptions::default(), store).expect("client")
}

#[tokio::test]
async fn test_member_journey_through_the_sdk() {
    for db in testing::all().await {
        let label = format!("{:?}", db.backend());
        let server = spawn(db, 900).await;
        let store: Arc<dyn TokenStore> = MemoryTokenStore::new();
        let sdk = client(&server, Some(store.clone()));
        assert!(!sdk.is_signed_in());
        let err = sdk.me().await.expect_err("signed out");
        assert!(
            matches!(err, HerLeadError::Unauthenticated { .. }),
            "{label}: {err:?}"
        );

        let user = sdk
            .register(
                "ada@example.org".into(),
                "correct horse battery".into(),
                "Ada Lovelace".into(),
            )
            .await
            .expect("register");
        assert_eq!(user.role, Role::Member);
        let age = SystemTime::now()
            .duration_since(user.created_at)
            .unwrap_or_default();
        assert!(
            age < Duration::from_secs(60),
            "{label}: created {age:?} ago"
        );
        let playbook = sdk.playbook().await.expect("playbook");
        assert_eq!(playbook.steps.len(), 4);

        sdk.update_presence(
            Some("https://ada.example.org".into()),
            None,
            Some(vec![Audience::Women]),
        )
        .await
        .expect("presence");
        let profile = sdk
            .add_profile(ProfileInput {
                platform: Platform::Linkedin,
                handle: "ada".into(),
                url: "https://linkedin.com/in/ada".into(),
                display_name: Some("Ada Lovelace".into()),
                tagline: None,
                picture_url: None,
                website_link: Some("https://ada.example.org".into()),
            })
            .await
            .expect("profile");
        assert_eq!(profile.platform, Platform::Linkedin);
        let contact = sdk
            .add_contact(ContactInput {
                name: "Grace Hopper".into(),
                sector: Sector::Media,
                scope: Scope::City,
                industry: None,
                in_her_industry: true,
                on_meet_list: true,
                competitor: false,
                values: Some(ValuesAlignment::Aligned),
                tags: vec!["computing".into()],
                links: vec![],
                stage: None,
                cadence_days: None,
                emails: vec!["grace@example.org".into()],
                company: Some("Navy".into()),
                job_title: None,
                connected_on: Some("2024-05-01".into()),
            })
            .await
            .expect("contact");
        let ask = sdk
            .log_interaction(contact.id.clone(), InteractionKind::AskedHelp, None, None)
            .await
            .expect("ask");
        assert_eq!(
            ask.warnings.iter().map(|w| w.code).collect::<Vec<_>>(),
            [WarningCode::GiveFirst]
        );
        let give = sdk
            .log_interaction(
                contact.id.clone(),
                InteractionKind::SharedPost,
                None,
                Some("shared her talk".into()),
            )
            .await
            .expect("give");
        assert!(give.interaction.is_give && give.warnings.is_empty());
        let logged = sdk
            .interactions(Some(contact.id.clone()))
            .await
            .expect("interactions");
        assert_eq!(logged.len(), 2);
        assert_eq!(logged[0].note.as_deref(), Some("shared her talk"));

        let progress = sdk.my_progress().await.expect("progress");
        let website = progress.steps[0]
            .tasks
            .iter()
            .find(|t| t.task.key == "position.website")
            .expect("task");
        assert_eq!(website.status, TaskStatus::Done, "{label}");
        let score = sdk.social_capital().await.expect("score");
        assert!(score.total > 0.0 && score.reach.score > 0.0);
        assert!(!sdk.recommendations(5).await.expect("recs").is_empty());
        let page = sdk.contacts(None, Some(10), None).await.expect("contacts");
        // The ask came before the give, so this is not reciprocity yet.
        assert_eq!(
            (page.total_count, page.contacts[0].stage),
            (1, Stage::Engaged)
        );

        // Times go both ways as timestamps: an hour ago, to the second, comes back as it went.
        let an_hour_ago = SystemTime::now() - Duration::from_secs(3600);
        let an_hour_ago = UNIX_EPOCH
            + Duration::from_secs(
                an_hour_ago
                    .duration_since(UNIX_EPOCH)
                    .expect("after 1970")
                    .as_secs(),
            );
        let community = sdk
            .add_community(
                "Analytical Engines".into(),
                CommunityKind::Online,
                CommunityRole::Member,
                None,
            )
            .await
            .expect("community");
        let meeting = sdk
            .log_meeting(community.id.clone(), an_hour_ago, false, vec![])
            .await
            .expect("meeting");
        assert_eq!(meeting.occurred_at, an_hour_ago, "{label}");
        let communities = sdk.communities().await.expect("communities");
        assert_eq!(
            communities[0].meetings[0].occurred_at, an_hour_ago,
            "{label}"
        );
        // A time RFC 3339 cannot write (the year 10000) is refused as input, before sending.
        let year_10000 = UNIX_EPOCH + Duration::from_secs(253_402_300_800);
        let err = sdk
            .log_meeting(community.id.clone(), year_10000, false, vec![])
            .await
            .expect_err("no such date");
        assert!(
            matches!(err, HerLeadError::Validation { .. }),
            "{label}: {err:?}"
        );

        // Bad input comes back as a typed error naming the field.
        let err = sdk
            .update_presence(Some("javascript:alert(1)".into()), None, None)
            .await
            .expect_err("refused");
        assert!(
            matches!(err, HerLeadError::Validation { ref field, .. } if field == "website"),
            "{err:?}"
        );
        // Registering a taken email changes nothing and tells nothing: with another password
        // the sign-in that follows fails like any wrong password …
        let err = sdk
            .register(
                "ada@example.org".into(),
                "another password entirely".into(),
                "Again".into(),
            )
            .await
            .expect_err("not her password");
        assert!(
            matches!(err, HerLeadError::Unauthenticated { .. }),
            "{err:?}"
        );
        // … and with hers, she is simply signed in to her own account.
        let again = sdk
            .register(
                "ada@example.org".into(),
                "correct horse battery".into(),
                "Again".into(),
            )
            .await
            .expect("her own account");
        assert_eq!(again.display_name, "Ada Lovelace", "unchanged");

        // The same token store resumes the session in a new client.
        let resumed = client(&server, Some(store.clone()));
        assert_eq!(
            resumed
                .restore_session()
                .await
                .expect("restore")
                .map(|u| u.email),
            Some("ada@example.org".into())
        );
        resumed.logout().await.expect("logout");
        assert!(!resumed.is_signed_in());
        assert_eq!(resumed.restore_session().await.expect("restore"), None);
        server.handle.stop(true).await;
    }
}

#[tokio::test]
async fn test_expired_access_tokens_refresh_once_for_concurrent_calls() {
    let server = spawn(testing::sqlite().await, 1).await;
    let sdk = client(&server, None);
    sdk.register(
        "ada@example.org".into(),
        "correct horse battery".into(),
        "Ada".into(),
    )
    .await
    .expect("register");
    // Past the token's life and the server's 5-second clock-skew allowance.
    tokio::time::sleep(Duration::from_secs(7)).await;
    let calls = (0..5).map(|_| {
        let sdk = sdk.clone();
        tokio::spawn(async move { sdk.me().await })
    });
    for call in calls {
        let user = call.await.expect("task").expect("refreshed transparently");
        assert_eq!(user.email, "ada@example.org");
    }
    // Had two calls refreshed with the same token, reuse detection would have ended the
    // session; it is still alive.
    sdk.my_progress().await.expect("session still valid");
    server.handle.stop(true).await;
}

/// A token store two "processes" share, as a file or the Keychain would be: each process
/// has its own object (and the SDK its own refresh turn per process, simulated here by the
/// other process being this test), reading and writing the same tokens.
#[derive(Default)]
struct SharedStore(std::sync::Mutex<Option<StoredTokens>>);

impl TokenStore for SharedStore {
    fn load(&self) -> Option<StoredTokens> {
        self.0.lock().expect("lock").clone()
    }
    fn save(&self, tokens: StoredTokens) {
        *self.0.lock().expect("lock") = Some(tokens);
    }
    fn clear(&self) {
        *self.0.lock().expect("lock") = None;
    }
}

/// A store that takes 100 ms to read.
#[derive(Default)]
struct SlowStore(SharedStore);

impl TokenStore for SlowStore {
    fn load(&self) -> Option<StoredTokens> {
        std::thread::sleep(Duration::from_millis(100));
        self.0.load()
    }
    fn save(&self, tokens: StoredTokens) {
        self.0.save(tokens);
    }
    fn clear(&self) {
        self.0.clear();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn test_two_clients_on_one_store_stay_signed_in_across_refreshes() {
    // The app's UI and its background job: two clients, one store, both past expiry at once.
    // The store is slow to read (a Keychain or a file is), so both clients are sure to read
    // the same saved tokens before either refresh is saved.
    let server = spawn(testing::sqlite().await, 1).await;
    let store: Arc<dyn TokenStore> = Arc::new(SlowStore::default());
    let ui = client(&server, Some(store.clone()));
    let job = client(&server, Some(store.clone()));
    ui.register(
        "ada@example.org".into(),
        "correct horse battery".into(),
        "Ada".into(),
    )
    .await
    .expect("register");
    for round in 0..3 {
        let before = store.load().expect("signed in");
        // Past the token's life and the server's 5-second clock-skew allowance.
        tokio::time::sleep(Duration::from_secs(7)).await;
        let calls = (0..2).map(|i| {
            let c = if i % 2 == 0 { ui.clone() } else { job.clone() };
            tokio::spawn(async move { c.me().await })
        });
        for call in calls {
            let user = call
                .await
                .expect("task")
                .unwrap_or_else(|e| panic!("round {round}: signed out: {e:?}"));
            assert_eq!(user.email, "ada@example.org");
        }
        let after = store.load().expect("still signed in");
        assert_ne!(after, before, "round {round}: the tokens were refreshed");
    }
    assert!(job.is_signed_in() && ui.is_signed_in());
    job.my_progress().await.expect("session still valid");
    server.handle.stop(true).await;
}

/// Refreshes `token` over plain HTTP, as another process of the app would; the whole answer.
async fn refresh_elsewhere(server: &Server, token: &str) -> serde_json::Value {
    reqwest::Client::new()
        .post(format!("{}/graphql", server.address))
        .json(&serde_json::json!({
            "query": "mutation($t: String!) { refreshSession(refreshToken: $t) { accessToken refreshToken } }",
            "variables": { "t": token },
        }))
        .send()
        .await
        .expect("refresh")
        .json()
        .await
        .expect("json")
}

#[tokio::test]
async fn test_a_client_that_loses_a_refresh_race_to_another_process_uses_its_tokens() {
    let server = spawn(testing::sqlite().await, 1).await;
    let shared = Arc::new(SharedStore::default());
    let app = client(&server, Some(shared.clone() as Arc<dyn TokenStore>));
    app.register(
        "ada@example.org".into(),
        "correct horse battery".into(),
        "Ada".into(),
    )
    .await
    .expect("register");
    tokio::time::sleep(Duration::from_secs(7)).await;
    // The other process (a widget, say) refreshes first with the saved tokens and writes
    // the new ones to the shared store a moment later.
    let saved = shared.load().expect("signed in");
    let answer = refresh_elsewhere(&server, &saved.refresh_token).await;
    let won = &answer["data"]["refreshSession"];
    let widget_tokens = StoredTokens {
        access_token: won["accessToken"].as_str().expect("access").to_owned(),
        refresh_token: won["refreshToken"].as_str().expect("refresh").to_owned(),
    };
    let late = {
        let shared = shared.clone();
        let tokens = widget_tokens.clone();
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(400)).await;
            shared.save(tokens);
        })
    };
    // This process's call finds its access token expired, refreshes with the same (now used)
    // refresh token, is told it lost the race, and waits for the widget's tokens.
    let me = app.me().await.expect("still signed in");
    assert_eq!(me.email, "ada@example.org");
    late.await.expect("saved");
    assert_eq!(shared.load(), Some(widget_tokens));
    app.my_progress().await.expect("the session lives on");

    // A race whose winner never saves: the stolen-copy case. The sign-in is ended, so a thief
    // holding the new tokens is signed out too.
    tokio::time::sleep(Duration::from_secs(7)).await;
    let saved = shared.load().expect("signed in");
    let thief = refresh_elsewhere(&server, &saved.refresh_token).await;
    let stolen = thief["data"]["refreshSession"]["refreshToken"]
        .as_str()
        .expect("the thief got tokens")
        .to_owned();
    let err = app.me().await.expect_err("signed out");
    assert!(
        matches!(err, HerLeadError::Unauthenticated { .. }),
        "{err:?}"
    );
    assert!(!app.is_signed_in());
    let thief_again = refresh_elsewhere(&server, &stolen).await;
    assert_eq!(
        thief_again["errors"][0]["extensions"]["code"], "UNAUTHENTICATED",
        "{thief_again}"
    );
    server.handle.stop(true).await;
}

#[test]
fn test_progress_is_computed_on_the_device_with_the_servers_rules() {
    let progress = progress_from_statuses(vec![
        TaskStatusEntry {
            task_key: "position.website".into(),
            status: TaskStatus::Done,
        },
        TaskStatusEntry {
            task_key: "position.email_signature".into(),
            status: TaskStatus::Skipped,
        },
    ]);
    assert_eq!(progress.steps[0].done, 1);
    assert_eq!(progress.steps[0].total, 4);
    assert_eq!(progress.current_step, Some(PlaybookStep::Position));
}

#[test]
fn test_every_operation_is_valid_against_the_schema() {
    let sdl = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../schema/schema.graphql"
    ))
    .expect("schema");
    let schema = apollo_compiler::Schema::parse_and_validate(sdl, "schema.graphql")
        .expect("the schema is valid");
    for (name, document) in operations::ALL {
        if let Err(errors) = apollo_compiler::ExecutableDocument::parse_and_validate(
            &schema,
            *document,
            format!("{name}.graphql"),
        ) {
            panic!(
                "{name} does not match schema/schema.graphql:\n{}",
                errors.errors
            );
        }
    }
}

/// Operations an app does not need: an operator's tools call them, not a member's or a
/// coach's app.
const SERVER_ONLY: &[(&str, &str)] = &[
    (
        "grantCoach",
        "ADMIN: an operator makes a coach (the admin's own tooling)",
    ),
    (
        "revokeCoach",
        "ADMIN: an operator takes a coach's role back",
    ),
];

#[test]
fn test_every_operation_in_the_schema_has_an_sdk_call_or_is_listed_as_server_only() {
    use apollo_compiler::{ast::OperationType, executable::Selection};
    use std::collections::BTreeSet;

    let sdl = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../schema/schema.graphql"
    ))
    .expect("schema");
    let schema = apollo_compiler::Schema::parse_and_validate(sdl, "schema.graphql")
        .expect("the schema is valid");
    let kinds = [
        (OperationType::Query, "query"),
        (OperationType::Mutation, "mutation"),
        (OperationType::Subscription, "subscription"),
    ];
    let mut in_schema = BTreeSet::new();
    for (kind, label) in kinds {
        let Some(root) = schema.root_operation(kind) else {
            continue;
        };
        let object = schema.get_object(root).expect("root type");
        for name in object.fields.keys() {
            in_schema.insert((label, name.to_string()));
        }
    }
    let mut sent = BTreeSet::new();
    for (name, document) in operations::ALL {
        let document = apollo_compiler::ExecutableDocument::parse_and_validate(
            &schema,
            *document,
            format!("{name}.graphql"),
        )
        .expect("valid (checked by the test above)");
        for operation in document.operations.iter() {
            let label = kinds
                .iter()
                .find(|(kind, _)| *kind == operation.operation_type)
                .map(|(_, label)| *label)
                .expect("a kind");
            for selection in &operation.selection_set.selections {
                if let Selection::Field(field) = selection {
                    sent.insert((label, field.name.to_string()));
                }
            }
        }
    }
    let server_only: BTreeSet<_> = SERVER_ONLY
        .iter()
        .map(|(name, _)| ("mutation", (*name).to_owned()))
        .collect();
    let missing: Vec<_> = in_schema
        .iter()
        .filter(|op| !sent.contains(*op) && !server_only.contains(*op))
        .collect();
    assert!(
        missing.is_empty(),
        "operations in schema/schema.graphql with no SDK call: {missing:?}; add a call, or \
         list them in SERVER_ONLY with the reason"
    );
    let stale: Vec<_> = server_only.difference(&in_schema).collect();
    assert!(
        stale.is_empty(),
        "SERVER_ONLY names operations the schema no longer has: {stale:?}"
    );
    let both: Vec<_> = server_only.intersection(&sent).collect();
    assert!(
        both.is_empty(),
        "SERVER_ONLY operations the SDK does call: {both:?}"
    );
}

#[test]
fn test_only_the_sdk_enables_cores_uniffi_feature() {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = std::process::Command::new(cargo)
        .args([
            "tree",
            "-p",
            "herlead-server",
            "-e",
            "features",
            "-i",
            "herlead-core",
            "--prefix",
            "none",
            "--offline",
        ])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("cargo tree");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let tree = String::from_utf8_lossy(&out.stdout);
    assert!(tree.contains("herlead-core"), "{tree}");
    assert!(
        !tree.contains(r#"herlead-core feature "uniffi""#),
        "the server must not build core with uniffi:\n{tree}"
    );
}

#[test]
fn test_the_sdk_depends_on_core_only() {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = std::process::Command::new(cargo)
        .args([
            "tree",
            "-p",
            "herlead-sdk",
            "-e",
            "normal",
            "--prefix",
            "none",
            "--offline",
        ])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("cargo tree");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let tree = String::from_utf8_lossy(&out.stdout);
    assert!(tree.contains("herlead-core"), "{tree}");
    for forbidden in [
        "herlead-store",
        "herlead-api",
        "herlead-server",
        "sea-orm",
        "actix-web",
    ] {
        assert!(
            !tree.lines().any(|l| l.starts_with(forbidden)),
            "herlead-sdk must not depend on {forbidden}"
        );
    }
}

fn example(name: &str) -> Vec<u8> {
    let path = format!(
        "{}/../../examples/imports/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

#[tokio::test]
async fn test_her_network_comes_in_from_files_and_goes_out_again_through_the_sdk() {
    for db in testing::all().await {
        let label = format!("{:?}", db.backend());
        let server = spawn(db, 900).await;
        let sdk = client(&server, None);
        sdk.register(
            "carmen@example.org".into(),
            "correct horse battery".into(),
            "Carmen".into(),
        )
        .await
        .expect("register");

        // LinkedIn: recognized without a format, nothing written before confirming.
        let preview = sdk
            .import_contacts(example("Connections.csv"), None)
            .await
            .expect("preview");
        assert_eq!(preview.batch.format, ImportFormat::Linkedin, "{label}");
        assert_eq!(preview.batch.status, ImportState::Preview);
        assert_eq!(preview.batch.file_name.as_deref(), Some("contacts"));
        assert!(preview.batch.expires_at.is_some());
        assert_eq!(preview.rejected_rows, 1, "{label}: {:?}", preview.rejected);
        assert_eq!(preview.rejected[0].line, 13);
        assert_eq!(preview.rejected[0].code, "NO_NAME");
        assert!(preview.new_contacts >= 8, "{label}: {preview:?}");
        assert_eq!(
            usize::try_from(preview.new_contacts).expect("a count"),
            preview.rows.len()
        );
        assert_eq!(
            sdk.contacts(None, Some(100), None)
                .await
                .expect("page")
                .total_count,
            0
        );
        let news = sdk
            .import_preview(preview.batch.id.clone(), Some(ImportRowKind::New), 2, 3)
            .await
            .expect("page of rows");
        assert_eq!(news.rows, preview.rows[2..5].to_vec(), "{label}");

        let batch = sdk
            .confirm_import(preview.batch.id.clone())
            .await
            .expect("confirm");
        assert_eq!(batch.status, ImportState::Confirmed);
        assert_eq!(batch.created, preview.new_contacts);
        let page = sdk.contacts(None, Some(100), None).await.expect("page");
        assert_eq!(page.total_count, i64::from(preview.new_contacts), "{label}");
        assert!(page.contacts.iter().all(|c| c.sector.is_none()));
        let suggested: Vec<_> = page
            .contacts
            .iter()
            .filter_map(|c| {
                c.suggested_sector.as_ref().map(|s| ContactClassification {
                    contact_id: c.id.clone(),
                    sector: s.sector,
                    scope: Scope::Country,
                })
            })
            .collect();
        assert!(!suggested.is_empty(), "{label}: no suggestion");
        let classified = sdk
            .classify_contacts(suggested.clone())
            .await
            .expect("classify");
        assert_eq!(
            usize::try_from(classified).expect("a count"),
            suggested.len()
        );

        // The same file again creates nothing; a vCard adds its cards.
        let again = sdk
            .import_contacts(example("Connections.csv"), Some(ImportFormat::Linkedin))
            .await
            .expect("again");
        assert_eq!(again.new_contacts, 0, "{label}");
        assert_eq!(again.batch.file_name.as_deref(), Some("Connections.csv"));
        sdk.discard_import(again.batch.id.clone())
            .await
            .expect("discard");
        let cards = sdk
            .import_contacts(example("contacts.vcf"), Some(ImportFormat::Vcard))
            .await
            .expect("vcard");
        // Claudia is on LinkedIn too: her card adds a link and a tag to the contact she has.
        assert_eq!(
            (cards.new_contacts, cards.updates),
            (2, 1),
            "{label}: {cards:?}"
        );
        assert_eq!(cards.rows[0].name, "Claudia Herrera");
        assert_eq!(cards.rows[0].matched_by, Some(ImportMatch::ProfileUrl));
        assert_eq!(cards.rows[0].changes, ["links", "tags"]);
        sdk.confirm_import(cards.batch.id.clone())
            .await
            .expect("confirm vcard");
        let batches = sdk.imports(10).await.expect("imports");
        assert_eq!(
            batches.iter().map(|b| b.status).collect::<Vec<_>>(),
            [ImportState::Confirmed, ImportState::Confirmed],
            "{label}: the discarded preview is gone"
        );

        // Out again: the vCard export imports into an empty account as the same people.
        let vcard = sdk
            .export_my_data(ExportFormat::Vcard)
            .await
            .expect("export");
        assert!(vcard.starts_with("BEGIN:VCARD"), "{label}");
        let json = sdk.export_my_data(ExportFormat::Json).await.expect("json");
        let json: serde_json::Value = serde_json::from_str(&json).expect("JSON");
        assert_eq!(
            json["contacts"].as_array().map(Vec::len),
            Some(page.contacts.len() + 2)
        );
        let undone = sdk.undo_import(cards.batch.id).await.expect("undo");
        assert_eq!(undone.status, ImportState::Undone);

        let other = client(&server, None);
        other
            .register(
                "ines@example.org".into(),
                "correct horse battery".into(),
                "Inés".into(),
            )
            .await
            .expect("register");
        let back = other
            .import_contacts(vcard.into_bytes(), Some(ImportFormat::Vcard))
            .await
            .expect("import the export");
        assert_eq!(
            usize::try_from(back.new_contacts).expect("a count"),
            page.contacts.len() + 2,
            "{label}"
        );
        // Her preview is not anybody else's.
        let err = sdk
            .import_preview(back.batch.id.clone(), None, 0, 10)
            .await
            .expect_err("not hers");
        assert!(
            matches!(err, HerLeadError::NotFound { .. }),
            "{label}: {err:?}"
        );
        let err = other
            .import_contacts(b"\0\x01\x02binary".to_vec(), None)
            .await
            .expect_err("binary");
        assert!(
            matches!(&err, HerLeadError::Validation { field, .. } if field == "file"),
            "{label}: {err:?}"
        );
    }
}
