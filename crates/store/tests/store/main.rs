//! Store behaviour against real databases: SQLite always, PostgreSQL when
//! `HERLEAD_TEST_POSTGRES_URL` is set.

use chrono::{Duration, Utc};
use herlead_core::{
    Role, TaskStatus, UserId,
    input::{DisplayName, Email, Note},
};
use herlead_store::{
    Backend, NewRefreshToken, NewUser, RotateOutcome, Store, StoreError, TaskStatusChange, testing,
};

fn new_user(email: &str) -> NewUser {
    NewUser {
        id: UserId::new(),
        email: Email::parse("email", email).expect("email"),
        display_name: DisplayName::parse("displayName", "Ada Lovelace").expect("name"),
        password_hash: "$argon2id$stub-not-checked-by-the-store".into(),
        role: Role::Member,
        now: Utc::now(),
    }
}

fn token(hash: &str) -> NewRefreshToken {
    let now = Utc::now();
    NewRefreshToken {
        family: uuid::Uuid::now_v7(),
        token_hash: hash.into(),
        now,
        expires_at: now + Duration::days(30),
    }
}

async fn member(store: &Store, email: &str, hash: &str) -> UserId {
    store
        .create_user(new_user(email), Some(token(hash)))
        .await
        .expect("create user")
        .id
}

#[tokio::test]
async fn test_migrations_are_idempotent_and_sqlite_is_configured() {
    for db in testing::all().await {
        db.store.migrate().await.expect("second migrate is a no-op");
        if db.backend() == Backend::Sqlite {
            let mode = db
                .store
                .query_text("PRAGMA journal_mode")
                .await
                .expect("pragma");
            assert_eq!(mode.as_deref(), Some("wal"));
            let fk = db
                .store
                .query_text("PRAGMA foreign_keys")
                .await
                .expect("pragma");
            assert_eq!(fk.as_deref(), Some("1"));
        }
        db.store.ping().await.expect("ping");
    }
}

#[tokio::test]
async fn test_duplicate_email_is_a_conflict_and_writes_nothing() {
    for db in testing::all().await {
        let store = &db.store;
        let first = store
            .create_user(new_user("ada@example.org"), Some(token("h1")))
            .await
            .expect("first");
        assert_eq!(first.email.as_str(), "ada@example.org");
        let err = store
            .create_user(new_user("ADA@example.org"), Some(token("h2")))
            .await
            .expect_err("duplicate");
        assert!(
            matches!(err, StoreError::Conflict { what: "email" }),
            "{:?}: {err:?}",
            db.backend()
        );
        assert_eq!(store.count_users().await.expect("count"), 1);
        // The failed registration's session was rolled back with it: h2 is unknown.
        let outcome = store
            .rotate_session("h2", token("h3"))
            .await
            .expect("rotate");
        assert_eq!(outcome, RotateOutcome::Unknown);
    }
}

#[tokio::test]
async fn test_credentials_and_lookup_by_id() {
    for db in testing::all().await {
        let id = member(&db.store, "grace@example.org", "h1").await;
        let email = Email::parse("email", "Grace@Example.org").expect("email");
        let creds = db
            .store
            .credentials_by_email(&email)
            .await
            .expect("query")
            .expect("found");
        assert_eq!(creds.user.id, id);
        assert!(creds.password_hash.starts_with("$argon2id$"));
        let user = db
            .store
            .user_by_id(id)
            .await
            .expect("query")
            .expect("found");
        assert_eq!(user.display_name.as_str(), "Ada Lovelace");
        assert_eq!(user.role, Role::Member);
        assert!(
            db.store
                .user_by_id(UserId::new())
                .await
                .expect("query")
                .is_none()
        );
    }
}

/// The family's newest token `newest` no longer works, and she has no live session left.
async fn assert_family_ended(store: &Store, id: UserId, newest: &str) {
    assert_eq!(
        store
            .rotate_session(newest, token("after-the-end"))
            .await
            .expect("rotate"),
        RotateOutcome::Revoked
    );
    assert_eq!(
        store
            .live_session_count(id, Utc::now())
            .await
            .expect("count"),
        0
    );
}

#[tokio::test]
async fn test_refresh_rotation_and_reuse_revokes_the_family() {
    for db in testing::all().await {
        let store = &db.store;
        let id = member(store, "ada@example.org", "t1").await;
        let now = Utc::now();
        assert_eq!(store.live_session_count(id, now).await.expect("count"), 1);

        let RotateOutcome::Rotated(user, _) = store
            .rotate_session("t1", token("t2"))
            .await
            .expect("rotate")
        else {
            panic!("first use rotates");
        };
        assert_eq!(user.id, id);
        assert_eq!(
            store
                .live_session_count(id, Utc::now())
                .await
                .expect("count"),
            1
        );

        // t1 again at once, while t2 is unused: a sibling client of the same sign-in lost
        // the race. Nothing granted, nothing ended.
        assert_eq!(
            store
                .rotate_session("t1", token("t1-sibling"))
                .await
                .expect("rotate"),
            RotateOutcome::Raced
        );
        assert!(matches!(
            store
                .rotate_session("t2", token("t3"))
                .await
                .expect("rotate"),
            RotateOutcome::Rotated(..)
        ));
        // t1 once t2 has been used: someone kept a copy. The whole family dies, t3 included.
        assert_eq!(
            store
                .rotate_session("t1", token("t4"))
                .await
                .expect("rotate"),
            RotateOutcome::Reused
        );
        assert_family_ended(store, id, "t3").await;
    }
}

#[tokio::test]
async fn test_a_used_token_presented_after_the_race_grace_is_a_reuse() {
    for db in testing::all().await {
        let store = &db.store;
        let id = member(store, "ada@example.org", "t1").await;
        assert!(matches!(
            store
                .rotate_session("t1", token("t2"))
                .await
                .expect("rotate"),
            RotateOutcome::Rotated(..)
        ));
        // Past the grace, even with t2 unused, presenting t1 is a copy being replayed.
        let mut late = token("t3");
        late.now = Utc::now() + herlead_store::REFRESH_RACE_GRACE + Duration::seconds(1);
        assert_eq!(
            store.rotate_session("t1", late).await.expect("rotate"),
            RotateOutcome::Reused
        );
        assert_family_ended(store, id, "t2").await;
    }
}

#[tokio::test]
async fn test_expired_and_ended_sessions() {
    for db in testing::all().await {
        let store = &db.store;
        let id = member(store, "ada@example.org", "t1").await;
        let past = Utc::now() - Duration::days(60);
        store
            .create_session(
                id,
                NewRefreshToken {
                    family: uuid::Uuid::now_v7(),
                    token_hash: "old".into(),
                    now: past,
                    expires_at: past + Duration::days(30),
                },
            )
            .await
            .expect("insert");
        assert_eq!(
            store
                .rotate_session("old", token("x"))
                .await
                .expect("rotate"),
            RotateOutcome::Expired
        );

        assert!(store.end_session("t1", Utc::now()).await.expect("end"));
        assert!(
            !store
                .end_session("t1", Utc::now())
                .await
                .expect("end twice")
        );
        assert!(
            !store
                .end_session("nope", Utc::now())
                .await
                .expect("unknown")
        );
        assert_eq!(
            store
                .rotate_session("t1", token("y"))
                .await
                .expect("rotate"),
            RotateOutcome::Revoked
        );
    }
}

#[tokio::test]
async fn test_task_status_history_is_appended_in_the_same_transaction() {
    for db in testing::all().await {
        let store = &db.store;
        let id = member(store, "ada@example.org", "t1").await;
        let change = |status, note: Option<&str>| TaskStatusChange {
            user: id,
            task_key: "position.tell_your_story".into(),
            status,
            note: note.map(|n| {
                Note::parse_optional("note", Some(n))
                    .expect("note")
                    .expect("some")
            }),
            now: Utc::now(),
        };

        let done = store
            .set_task_status(change(TaskStatus::Done, Some("herlead.example")))
            .await
            .expect("set");
        assert!(done.completed_at.is_some());
        // Repeating the same change is a no-op that keeps the completion time.
        let again = store
            .set_task_status(change(TaskStatus::Done, Some("herlead.example")))
            .await
            .expect("repeat");
        assert_eq!(again.completed_at, done.completed_at);
        // Editing only the note keeps completion and records an event.
        let edited = store
            .set_task_status(change(TaskStatus::Done, None))
            .await
            .expect("edit note");
        assert_eq!(edited.completed_at, done.completed_at);
        let reopened = store
            .set_task_status(change(TaskStatus::InProgress, None))
            .await
            .expect("reopen");
        assert_eq!(reopened.completed_at, None);

        let events = store.progress_events(id).await.expect("events");
        let transitions: Vec<_> = events.iter().map(|e| (e.from, e.to)).collect();
        assert_eq!(
            transitions,
            vec![
                (TaskStatus::NotStarted, TaskStatus::Done),
                (TaskStatus::Done, TaskStatus::Done),
                (TaskStatus::Done, TaskStatus::InProgress),
            ],
            "{:?}",
            db.backend()
        );
        assert_eq!(
            events[0].note.as_ref().map(Note::as_str),
            Some("herlead.example")
        );

        let records = store.task_records(id).await.expect("records");
        assert_eq!(records.len(), 1);
        assert_eq!(records[0].status, TaskStatus::InProgress);
        assert_eq!(records[0].note, None);
    }
}

#[tokio::test]
async fn test_foreign_keys_are_enforced() {
    for db in testing::all().await {
        let err = db
            .store
            .set_task_status(TaskStatusChange {
                user: UserId::new(),
                task_key: "position.tell_your_story".into(),
                status: TaskStatus::Done,
                note: None,
                now: Utc::now(),
            })
            .await
            .expect_err("no such user");
        assert!(matches!(err, StoreError::Database(_)), "{err:?}");
        assert!(
            db.store
                .progress_events(UserId::new())
                .await
                .expect("q")
                .is_empty()
        );
    }
}

#[tokio::test]
async fn test_unsupported_url_is_refused() {
    let err = Store::connect("mysql://localhost/db")
        .await
        .expect_err("refused");
    assert!(matches!(err, StoreError::UnsupportedUrl));
}

fn contact_for(name: String) -> herlead_core::network::Contact {
    use herlead_core::network::{Contact, Scope, Sector, ValuesAlignment};
    Contact {
        id: uuid::Uuid::now_v7(),
        name: herlead_core::input::ContactName::parse("name", &name).expect("name"),
        sector: Some(Sector::Media),
        scope: Some(Scope::City),
        industry: None,
        in_her_industry: true,
        on_meet_list: false,
        competitor: false,
        values: ValuesAlignment::Unknown,
        tags: vec![],
        links: vec![],
        stage_override: None,
        cadence_days: None,
        emails: vec![],
        company: None,
        job_title: None,
        connected_on: None,
        created_at: Utc::now(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn test_concurrent_writers_lose_nothing() {
    use herlead_core::network::{Interaction, InteractionKind};
    for db in testing::all().await {
        let store = db.store.clone();
        // Eight members writing at once, and one member writing from sixteen tasks at once.
        let mut members = Vec::new();
        for i in 0..8 {
            members.push(member(&store, &format!("m{i}@example.org"), &format!("t{i}")).await);
        }
        let busy = member(&store, "busy@example.org", "tb").await;
        let mut tasks = Vec::new();
        for (i, user) in members.iter().copied().enumerate() {
            let store = store.clone();
            tasks.push(tokio::spawn(async move {
                let mut acknowledged = Vec::new();
                for n in 0..10 {
                    let c = store
                        .add_contact(user, contact_for(format!("c{i}-{n}")))
                        .await
                        .expect("add contact");
                    acknowledged.push(c.id);
                }
                (user, acknowledged)
            }));
        }
        for t in 0..16 {
            let store = store.clone();
            tasks.push(tokio::spawn(async move {
                let c = store
                    .add_contact(busy, contact_for(format!("busy-{t}")))
                    .await
                    .expect("add contact");
                for k in 0..3 {
                    let kind = [
                        InteractionKind::SharedPost,
                        InteractionKind::Connected,
                        InteractionKind::AskedHelp,
                    ][k];
                    store
                        .log_interaction(
                            busy,
                            Interaction {
                                id: uuid::Uuid::now_v7(),
                                contact_id: c.id,
                                kind,
                                occurred_at: Utc::now(),
                                note: None,
                            },
                        )
                        .await
                        .expect("log interaction");
                }
                let status = if t % 2 == 0 {
                    TaskStatus::Done
                } else {
                    TaskStatus::InProgress
                };
                store
                    .set_task_status(TaskStatusChange {
                        user: busy,
                        task_key: "position.tell_your_story".into(),
                        status,
                        note: None,
                        now: Utc::now(),
                    })
                    .await
                    .expect("set status");
                (busy, vec![c.id])
            }));
        }
        let mut expected: std::collections::HashMap<UserId, Vec<uuid::Uuid>> =
            std::collections::HashMap::new();
        for task in tasks {
            let (user, ids) = task.await.expect("writer");
            expected.entry(user).or_default().extend(ids);
        }
        for (user, ids) in &expected {
            let snapshot = store.snapshot(*user).await.expect("snapshot");
            let mut stored: Vec<uuid::Uuid> = snapshot.contacts.iter().map(|c| c.id).collect();
            let mut wanted = ids.clone();
            stored.sort();
            wanted.sort();
            assert_eq!(
                stored,
                wanted,
                "{:?}: every acknowledged contact is there, and nothing else",
                db.backend()
            );
        }
        let busy_snapshot = store.snapshot(busy).await.expect("snapshot");
        assert_eq!(busy_snapshot.interactions.len(), 48);
        // Every status change left exactly one history event, and the last one is the state.
        let events: Vec<_> = store
            .progress_events(busy)
            .await
            .expect("events")
            .into_iter()
            .filter(|e| e.task_key == "position.tell_your_story")
            .collect();
        let record = store
            .task_records(busy)
            .await
            .expect("records")
            .into_iter()
            .find(|r| r.task_key == "position.tell_your_story")
            .expect("record");
        assert_eq!(events.last().map(|e| e.to), Some(record.status));
        for pair in events.windows(2) {
            assert_eq!(pair[0].to, pair[1].from, "the history is a chain: {pair:?}");
            assert_ne!(pair[1].from, pair[1].to);
        }
    }
}

/// Writes that queue up share one commit on SQLite (group commit): one that fails in the
/// middle of a group rolls back alone, and every write acknowledged is there afterwards.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn test_a_failed_write_in_a_group_changes_nothing_and_spares_the_others() {
    for db in testing::all().await {
        let store = db.store.clone();
        let busy = member(&store, "group@example.org", "tg").await;
        let mut tasks = Vec::new();
        for n in 0..48 {
            let store = store.clone();
            tasks.push(tokio::spawn(async move {
                match n % 3 {
                    // The same email over and over: one account, sixteen conflicts.
                    0 => store
                        .create_user(new_user("same@example.org"), Some(token(&format!("s{n}"))))
                        .await
                        .map(|_| "account"),
                    1 => store
                        .create_user(
                            new_user(&format!("u{n}@example.org")),
                            Some(token(&format!("u{n}"))),
                        )
                        .await
                        .map(|_| "account"),
                    _ => store
                        .add_contact(busy, contact_for(format!("g{n}")))
                        .await
                        .map(|_| "contact"),
                }
            }));
        }
        let mut ok = 0;
        let mut conflicts = 0;
        for t in tasks {
            match t.await.expect("task") {
                Ok(_) => ok += 1,
                Err(StoreError::Conflict { what: "email" }) => conflicts += 1,
                Err(e) => panic!("{:?}: {e:?}", db.backend()),
            }
        }
        assert_eq!((ok, conflicts), (33, 15), "{:?}", db.backend());
        // busy, same, sixteen u… accounts.
        assert_eq!(
            store.count_users().await.expect("count"),
            18,
            "{:?}",
            db.backend()
        );
        assert_eq!(
            store.snapshot(busy).await.expect("snapshot").contacts.len(),
            16
        );
        // The conflicts left no session behind: one per account.
        let sessions = store
            .query_text("SELECT CAST(COUNT(*) AS TEXT) FROM refresh_tokens")
            .await
            .expect("count");
        assert_eq!(sessions.as_deref(), Some("18"), "{:?}", db.backend());
    }
}

#[tokio::test]
async fn test_a_failed_migration_leaves_the_database_as_it_was() {
    for db in testing::all().await {
        let id = member(&db.store, "ada@example.org", "t1").await;
        let real = db
            .store
            .query_text("SELECT count(*) FROM seaql_migrations")
            .await
            .expect("query");
        let err = testing::migrate_with_a_failing_step(&db.store).await;
        assert!(err.to_string().contains("broken"), "{err}");
        // The table the broken step created was rolled back with it …
        let sql = match db.backend() {
            Backend::Sqlite => "SELECT count(*) FROM sqlite_master WHERE name = 'half_done'",
            Backend::Postgres => {
                "SELECT count(*) FROM information_schema.tables WHERE table_name = 'half_done'"
            }
        };
        assert_eq!(
            db.store.query_text(sql).await.expect("query").as_deref(),
            Some("0"),
            "{:?}",
            db.backend()
        );
        // … the step is not recorded as applied, and the data is untouched.
        let applied = db
            .store
            .query_text("SELECT count(*) FROM seaql_migrations")
            .await
            .expect("query");
        assert_eq!(applied, real, "the real migrations only");
        assert!(db.store.user_by_id(id).await.expect("query").is_some());
        db.store
            .migrate()
            .await
            .expect("the real migrations still apply cleanly");
    }
}

/// A stored value the code does not know is corruption to report, not something to read as a
/// default: a history whose source is neither MEMBER nor RULE used to read back as MEMBER.
#[tokio::test]
async fn test_unknown_stored_values_are_errors_not_defaults() {
    for db in testing::all().await {
        let store = &db.store;
        let id = member(store, "ada@example.org", "t1").await;
        store
            .set_task_status(TaskStatusChange {
                user: id,
                task_key: "position.tell_your_story".into(),
                status: TaskStatus::Done,
                note: None,
                now: Utc::now(),
            })
            .await
            .expect("set");
        assert_eq!(store.progress_events(id).await.expect("events").len(), 1);
        store
            .query_text("UPDATE progress_events SET source = 'BOGUS' RETURNING source")
            .await
            .expect("corrupt the source");
        let err = store
            .progress_events(id)
            .await
            .expect_err("an unknown source is refused");
        assert!(
            err.to_string().contains("unknown status source \"BOGUS\""),
            "{err} on {:?}",
            db.backend()
        );
        store
            .query_text("UPDATE progress_events SET source = 'RULE', to_status = 'HALF_DONE' RETURNING source")
            .await
            .expect("corrupt the status");
        let err = store
            .progress_events(id)
            .await
            .expect_err("an unknown status is refused");
        assert!(
            err.to_string()
                .contains("unknown task status \"HALF_DONE\""),
            "{err} on {:?}",
            db.backend()
        );
    }
}

/// A stored stall threshold that is no number of days is an error, not a threshold of 0 (it
/// read back as 0 before, which made every member of the cohort stalled at once).
#[tokio::test]
async fn test_a_stored_stall_threshold_out_of_range_is_an_error() {
    use herlead_core::input::{CohortName, InviteCode, StallDays};
    for db in testing::all().await {
        let store = &db.store;
        let coach = member(store, "coach@example.org", "tc").await;
        let cohort = store
            .create_cohort(
                coach,
                herlead_core::cohort::Cohort {
                    id: uuid::Uuid::now_v7(),
                    name: CohortName::parse("name", "Spring").expect("name"),
                    description: None,
                    starts_on: None,
                    ends_on: None,
                    stall_days: StallDays::parse("stallDays", 14).expect("days"),
                    invite_code: InviteCode::parse("SPRNGC2DE3").expect("code"),
                    invite_expires_at: Utc::now() + Duration::days(1),
                    created_at: Utc::now(),
                },
            )
            .await
            .expect("cohort");
        let read = store.cohort(cohort.id).await.expect("read").expect("there");
        assert_eq!(read.stall_days.get(), 14);
        store
            .query_text("UPDATE cohorts SET stall_days = -3 RETURNING name")
            .await
            .expect("corrupt the threshold");
        let err = store
            .cohort(cohort.id)
            .await
            .expect_err("a negative threshold is refused");
        assert!(
            matches!(err, StoreError::Corrupt(_)),
            "{err:?} on {:?}",
            db.backend()
        );
    }
}

mod derived;
mod imports;
