//! Erasure: `deleteAccount` removes every row that is hers, on both databases. Completeness
//! is checked against the database's own catalog: every column of every table is searched
//! for her id, her email and the ids of everything she created, so a new table that keeps
//! any of them after she is gone fails this test without anyone listing it here.

use serde_json::{Value, json};

use crate::{
    coach::{cohort, join},
    *,
};

const DELETE: &str = "mutation($p: String!) { deleteAccount(password: $p) }";
const DASHBOARD: &str = "query($id: ID!) { cohort(id: $id) { members(first: 50) { edges { node { id displayName } } } aggregates { members } } }";

/// Every `table.column` the database lists, migrations' bookkeeping aside.
async fn columns(h: &Harness) -> Vec<(String, String)> {
    let sql = match h.db.backend() {
        herlead_store::Backend::Sqlite => {
            "SELECT group_concat(m.name || '.' || p.name, ',') FROM sqlite_master m \
             JOIN pragma_table_info(m.name) p WHERE m.type = 'table' \
             AND m.name NOT LIKE 'sqlite_%' AND m.name <> 'seaql_migrations'"
        }
        herlead_store::Backend::Postgres => {
            "SELECT string_agg(table_name || '.' || column_name, ',') FROM information_schema.columns \
             WHERE table_schema = current_schema() AND table_name <> 'seaql_migrations'"
        }
    };
    let list =
        h.db.store
            .query_text(sql)
            .await
            .expect("catalog")
            .expect("a row");
    list.split(',')
        .map(|c| {
            let (t, c) = c.split_once('.').expect("table.column");
            (t.to_owned(), c.to_owned())
        })
        .collect()
}

/// The tables in which some column holds one of `needles` (ids or her email), as text or,
/// on SQLite, as the 16 bytes of a UUID.
async fn tables_holding(h: &Harness, needles: &[String]) -> std::collections::BTreeSet<String> {
    let mut found = std::collections::BTreeSet::new();
    for (table, column) in columns(h).await {
        let mut conditions = Vec::new();
        for needle in needles {
            conditions.push(format!("CAST(\"{column}\" AS TEXT) LIKE '%{needle}%'"));
            if h.db.backend() == herlead_store::Backend::Sqlite
                && let Ok(id) = needle.parse::<uuid::Uuid>()
            {
                let hex: String = id.as_bytes().iter().map(|b| format!("{b:02X}")).collect();
                conditions.push(format!("hex(\"{column}\") LIKE '%{hex}%'"));
            }
        }
        let sql = format!(
            "SELECT COUNT(*) FROM \"{table}\" WHERE {}",
            conditions.join(" OR ")
        );
        let n: i64 =
            h.db.store
                .query_text(&sql)
                .await
                .expect("scan")
                .expect("count")
                .parse()
                .expect("a number");
        if n > 0 {
            found.insert(table);
        }
    }
    found
}

fn id(data: &Value, field: &str) -> String {
    data[field]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("{field}: {data}"))
        .to_owned()
}

#[tokio::test]
async fn test_deleting_her_account_leaves_nothing_of_hers_in_any_table() {
    for h in harnesses().await {
        let coach = h
            .with_role("coach@example.org", herlead_core::Role::Coach)
            .await;
        let (cohort_id, code) = cohort(&h, &coach.access).await;
        let ada = h.register("ada@example.org", "correct horse battery").await;
        let grace = h
            .register("grace@example.org", "correct horse battery")
            .await;
        join(&h, &ada.access, &code, "PROGRESS_AND_CONTACTS").await;
        join(&h, &grace.access, &code, "PROGRESS").await;
        let t = &ada.access;
        let mut ids = vec![ada.id.clone()];
        h.ok("mutation { updatePresence(input: {website: \"https://ada.example.org\", emailSignature: \"Ada — https://x.com/ada\", audiences: [WOMEN]}) { website } }", json!({}), t).await;
        let data = h.ok("mutation { addProfile(input: {platform: X, handle: \"ada\", url: \"https://x.com/ada\"}) { id } }", json!({}), t).await;
        ids.push(id(&data, "addProfile"));
        let data = h.ok("mutation { addContact(input: {name: \"Grace Hopper\", sector: MEDIA, scope: CITY, onMeetList: true}) { id } }", json!({}), t).await;
        let contact = id(&data, "addContact");
        ids.push(contact.clone());
        let data = h.ok("mutation($c: ID!) { logInteraction(input: {contactId: $c, kind: SHARED_POST, note: \"shared her talk\"}) { interaction { id } } }", json!({"c": contact}), t).await;
        ids.push(
            data["logInteraction"]["interaction"]["id"]
                .as_str()
                .expect("interaction")
                .to_owned(),
        );
        let data = h.ok("mutation { addCommunity(input: {name: \"Women in Policy\", kind: HYBRID, role: ORGANIZER}) { id } }", json!({}), t).await;
        let community = id(&data, "addCommunity");
        ids.push(community.clone());
        let data = h.ok("mutation($c: ID!, $a: ID!) { logMeeting(input: {communityId: $c, occurredAt: \"2026-11-01T10:00:00Z\", inPerson: true, attendeeIds: [$a], notes: \"met\"}) { id } }", json!({"c": community, "a": contact}), t).await;
        ids.push(id(&data, "logMeeting"));
        h.ok(SET_STATUS, json!({"i": {"taskKey": "position.tell_your_story", "status": "DONE", "note": "my story"}}), t).await;
        let data = h.ok("mutation($c: ID!) { addCohortTask(cohortId: $c, input: {title: \"Post your tagline\", step: POSITION}) { id } }", json!({"c": cohort_id}), &coach.access).await;
        let task = id(&data, "addCohortTask");
        h.ok(
            "mutation($t: ID!) { setCohortTaskStatus(taskId: $t, status: DONE) { status } }",
            json!({"t": task}),
            t,
        )
        .await;
        let data = h
            .ok(
                "mutation($i: NudgeInput!) { sendNudge(input: $i) { id } }",
                json!({"i": {"cohortId": cohort_id, "memberId": ada.id, "message": "Keep going!"}}),
                &coach.access,
            )
            .await;
        ids.push(
            data["sendNudge"][0]["id"]
                .as_str()
                .expect("nudge")
                .to_owned(),
        );
        h.ok("mutation { enableCalendarFeed { path } }", json!({}), t)
            .await;
        // A confirmed import (its contacts carry its id) and one left as a preview.
        for confirm in [true, false] {
            let res = h
                .upload(
                    imports::PREVIEW,
                    json!({"f": "LINKEDIN"}),
                    "Connections.csv",
                    imports::LINKEDIN,
                    t,
                )
                .await;
            let batch = res["data"]["previewImport"]["batch"]["id"]
                .as_str()
                .unwrap_or_else(|| panic!("{res}"))
                .to_owned();
            if confirm {
                h.ok(
                    "mutation($id: ID!) { confirmImport(importId: $id) { id } }",
                    json!({"id": batch}),
                    t,
                )
                .await;
            }
            ids.push(batch);
        }
        // The coach's dashboard lists her (and is now cached).
        let data = h
            .ok(DASHBOARD, json!({"id": cohort_id}), &coach.access)
            .await;
        assert_eq!(
            data["cohort"]["aggregates"]["members"],
            2,
            "{}: {data}",
            h.label()
        );

        let mut needles = ids.clone();
        needles.push("ada@example.org".to_owned());
        // Her data is in every table but the coach's own and the counters'; a new table
        // must be added to one side or the other.
        let before = tables_holding(&h, &needles).await;
        let all: std::collections::BTreeSet<String> =
            columns(&h).await.into_iter().map(|(t, _)| t).collect();
        let not_hers = ["cohorts", "cohort_coaches", "cohort_tasks", "rate_limits"];
        let expected: std::collections::BTreeSet<String> = all
            .iter()
            .filter(|t| !not_hers.contains(&t.as_str()))
            .cloned()
            .collect();
        assert_eq!(
            before
                .intersection(&expected)
                .cloned()
                .collect::<std::collections::BTreeSet<_>>(),
            expected,
            "{}: a table holds none of her test data: give her a row there",
            h.label()
        );

        // A wrong password deletes nothing.
        let res = h
            .exec(DELETE, json!({"p": "not my password"}), Some(t))
            .await;
        let (code, field, _) = only_error(&res);
        assert_eq!(
            (code.as_str(), field.as_deref()),
            ("VALIDATION", Some("password"))
        );
        assert_eq!(tables_holding(&h, &needles).await, before);

        let data = h.ok(DELETE, json!({"p": "correct horse battery"}), t).await;
        assert_eq!(data["deleteAccount"], true);
        let left = tables_holding(&h, &needles).await;
        assert!(
            left.is_empty(),
            "{}: her data is left in {left:?}",
            h.label()
        );

        // Her sessions are over and her account is gone.
        let res = h.exec(REFRESH, json!({"t": ada.refresh}), None).await;
        assert_eq!(only_error(&res).0, "UNAUTHENTICATED");
        let res = h.exec("{ me { id } }", json!({}), Some(t)).await;
        assert_eq!(only_error(&res).0, "UNAUTHENTICATED");
        // The cohort's dashboard drops her at once, cache or not.
        let data = h
            .ok(DASHBOARD, json!({"id": cohort_id}), &coach.access)
            .await;
        assert_eq!(
            data["cohort"]["aggregates"]["members"],
            1,
            "{}: {data}",
            h.label()
        );
        let members = data["cohort"]["members"]["edges"]
            .as_array()
            .expect("edges");
        assert_eq!(members.len(), 1);
        assert_eq!(members[0]["node"]["id"], grace.id.as_str());
        // Others keep what is theirs.
        let res = h.exec(REFRESH, json!({"t": grace.refresh}), None).await;
        assert!(res["errors"].is_null(), "{res}");
        // The email is free again.
        let again = h.register("ada@example.org", "another horse battery").await;
        assert_ne!(again.id, ada.id);
    }
}

#[tokio::test]
async fn test_a_coach_whose_cohort_has_others_in_it_cannot_delete_her_account() {
    for h in harnesses().await {
        let coach = h
            .with_role("coach@example.org", herlead_core::Role::Coach)
            .await;
        let (_, code) = cohort(&h, &coach.access).await;
        let ada = h.register("ada@example.org", "correct horse battery").await;
        join(&h, &ada.access, &code, "PROGRESS").await;
        let res = h
            .exec(
                DELETE,
                json!({"p": "correct horse battery"}),
                Some(&coach.access),
            )
            .await;
        let (code, field, _) = only_error(&res);
        assert_eq!(
            (code.as_str(), field.as_deref()),
            ("CONFLICT", Some("cohorts")),
            "{}",
            h.label()
        );
        let data = h.ok("{ me { email } }", json!({}), &coach.access).await;
        assert_eq!(data["me"]["email"], "coach@example.org");

        // A coach alone in her cohort takes it with her.
        let solo = h
            .with_role("solo@example.org", herlead_core::Role::Coach)
            .await;
        let (solo_cohort, _) = cohort(&h, &solo.access).await;
        let data = h
            .ok(DELETE, json!({"p": "correct horse battery"}), &solo.access)
            .await;
        assert_eq!(data["deleteAccount"], true);
        let left = tables_holding(&h, &[solo.id.clone(), solo_cohort]).await;
        assert!(left.is_empty(), "{}: {left:?}", h.label());
        let res = h.exec(DELETE, json!({"p": "x"}), None).await;
        assert_eq!(only_error(&res).0, "UNAUTHENTICATED");
    }
}
