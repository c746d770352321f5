//! Import batches in the store: a preview writes nothing of her network, confirming writes
//! the batch at once with its rules run once (the derived state equals a from-scratch
//! evaluation), and undoing puts her network back as it was.

use herlead_core::UserId;
use herlead_import::{Format, Limits, parse};
use herlead_store::{ContactFilter, ImportStatus, PageRequest, Store, StoreError, testing};

use crate::{derived::check, member};

const FILE: &str = "First Name,Last Name,URL,Email Address,Company,Position,Connected On\n\
    Ana,García,https://www.linkedin.com/in/anagarcia,,Universidad de Chile,Profesora,15 Mar 2024\n\
    Bea,Ruiz,,bea@example.org,Diario Sur,Editora,01 Feb 2023\n\
    ,,https://www.linkedin.com/in/nobody,,,,01 Feb 2020\n";

async fn names(store: &Store, user: UserId) -> Vec<String> {
    let page = store
        .contacts_page(
            user,
            &ContactFilter::default(),
            PageRequest {
                first: Some(100),
                ..PageRequest::default()
            },
        )
        .await
        .expect("page");
    let mut names: Vec<String> = page
        .items
        .iter()
        .map(|(c, _)| c.name.as_str().to_owned())
        .collect();
    names.sort();
    names
}

async fn company(store: &Store, user: UserId) -> Option<String> {
    store
        .contacts_page(user, &ContactFilter::default(), PageRequest::default())
        .await
        .expect("page")
        .items
        .into_iter()
        .find(|(c, _)| c.name.as_str() == "Bea Ruiz")
        .and_then(|(c, _)| c.company.map(|t| t.as_str().to_owned()))
}

async fn stage(store: &Store, user: UserId, text: &str) -> uuid::Uuid {
    let parsed = parse(text.as_bytes(), Format::LinkedIn, &Limits::default()).expect("parses");
    store
        .stage_import(
            user,
            Some("Connections.csv".into()),
            text.as_bytes().to_vec(),
            parsed,
        )
        .await
        .expect("stage")
        .batch
        .id
}

#[tokio::test]
async fn test_a_batch_is_staged_confirmed_and_undone_in_one_transaction_each() {
    for db in testing::all().await {
        let s = &db.store;
        let ana = member(s, "ana@example.org", "h1").await;
        let limits = Limits::default();
        let id = stage(s, ana, FILE).await;
        let preview = s.import_preview(ana, id, &limits).await.expect("preview");
        assert_eq!(preview.batch.status, ImportStatus::Preview);
        assert_eq!(
            (
                preview.batch.parsed_rows,
                preview.batch.rejected_rows,
                preview.planned.len()
            ),
            (2, 1, 2)
        );
        assert!(names(s, ana).await.is_empty(), "{:?}", db.backend());

        let batch = s.confirm_import(ana, id, &limits).await.expect("confirm");
        assert_eq!(
            (batch.status, batch.created, batch.updated),
            (ImportStatus::Confirmed, 2, 0)
        );
        assert_eq!(names(s, ana).await, ["Ana García", "Bea Ruiz"]);
        // The rules ran once for the batch: what is kept equals a from-scratch evaluation.
        check(s, ana, "confirming a batch").await;
        assert_eq!(s.rule_data(ana).await.expect("kept").totals.unclassified, 2);
        match s.confirm_import(ana, id, &limits).await {
            Err(StoreError::Refused { field, .. }) => assert_eq!(field, "importId"),
            other => panic!("confirming twice: {other:?}"),
        }

        // A changed file updates; undoing it puts the company back.
        let changed = stage(s, ana, &FILE.replace("Diario Sur", "Radio Norte")).await;
        let second = s
            .confirm_import(ana, changed, &limits)
            .await
            .expect("confirm");
        assert_eq!(
            (second.created, second.updated, second.unchanged),
            (0, 1, 1)
        );
        assert_eq!(company(s, ana).await.as_deref(), Some("Radio Norte"));
        s.undo_import(ana, second.id).await.expect("undo");
        assert_eq!(company(s, ana).await.as_deref(), Some("Diario Sur"));

        // Undoing the first removes what it created.
        let undone = s.undo_import(ana, id).await.expect("undo");
        assert_eq!(undone.status, ImportStatus::Undone);
        assert!(names(s, ana).await.is_empty());
        check(s, ana, "undoing a batch").await;

        // Another member's batch is not found.
        let eve = member(s, "eve@example.org", "h2").await;
        assert!(matches!(
            s.confirm_import(eve, changed, &limits).await,
            Err(StoreError::NotFound { .. })
        ));
        assert!(s.import_batches(eve, 10).await.expect("list").is_empty());
        assert_eq!(s.import_batches(ana, 10).await.expect("list").len(), 2);
    }
}

#[tokio::test]
async fn test_only_the_newest_previews_are_kept() {
    for db in testing::all().await {
        let s = &db.store;
        let ana = member(s, "ana@example.org", "h1").await;
        let mut ids = Vec::new();
        for _ in 0..herlead_store::PREVIEWS_MAX + 2 {
            ids.push(stage(s, ana, FILE).await);
        }
        let kept: Vec<uuid::Uuid> = s
            .import_batches(ana, 50)
            .await
            .expect("list")
            .into_iter()
            .map(|b| b.id)
            .collect();
        let newest: Vec<uuid::Uuid> = ids.iter().rev().take(5).copied().collect();
        assert_eq!(kept, newest, "{:?}", db.backend());
    }
}
