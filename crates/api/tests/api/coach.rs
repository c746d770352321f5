//! Coaches and cohorts: roles, invites, membership and sharing, the dashboard and its query
//! count, nudges, and live activity.

use std::time::Duration;

use async_graphql::{Request, Variables};
use futures_util::StreamExt;
use herlead_core::{
    Role, UserId,
    cohort::SharingLevel,
    input::{DisplayName, Email},
};
use herlead_store::NewUser;
use serde_json::{Value, json};

use crate::*;

const CREATE: &str = "mutation { createCohort(input: {name: \"Spring cohort\", stallDays: 14}) { id inviteCode inviteExpiresAt } }";

pub(crate) async fn cohort(h: &Harness, coach: &str) -> (String, String) {
    let data = h.ok(CREATE, json!({}), coach).await;
    (
        data["createCohort"]["id"].as_str().expect("id").to_owned(),
        data["createCohort"]["inviteCode"]
            .as_str()
            .expect("code")
            .to_owned(),
    )
}

pub(crate) async fn join(h: &Harness, token: &str, code: &str, sharing: &str) {
    h.ok(
        "mutation($c: String!, $s: SharingLevel!) { joinCohort(code: $c, sharing: $s) { id sharing } }",
        json!({"c": code, "s": sharing}),
        token,
    )
    .await;
}

const DASHBOARD: &str = "query($id: ID!) { cohort(id: $id) { name members(first: 50) { edges { node { id displayName sharing stalled topRecommendation progress { percent currentStep } score { total reach { score factors { name } } } contacts { name sector stage } } } pageInfo { hasNextPage } } aggregates { members stalled scoreAverage perStep { step members } taskCompletion { taskKey done counted rate } sectorCoverage { sector members } scoreDistribution { from to members } } } }";

#[tokio::test]
async fn test_roles_are_granted_by_admins_only() {
    for h in harnesses().await {
        let admin = h.with_role("admin@example.org", Role::Admin).await;
        let member = h.register("ada@example.org", "correct horse battery").await;
        let grant = "mutation($id: ID!) { grantCoach(userId: $id) { id role } }";
        let res = h
            .exec(grant, json!({"id": member.id}), Some(&member.access))
            .await;
        assert_eq!(only_error(&res).0, "FORBIDDEN", "{}: {res}", h.label());
        // A member cannot create cohorts …
        let res = h.exec(CREATE, json!({}), Some(&member.access)).await;
        assert_eq!(only_error(&res).0, "FORBIDDEN");
        // … until an admin makes her a coach; the role is read fresh, no new token needed.
        let data = h.ok(grant, json!({"id": member.id}), &admin.access).await;
        assert_eq!(data["grantCoach"]["role"], "COACH");
        let (id, _) = cohort(&h, &member.access).await;
        let res = h
            .ok(
                "mutation($id: ID!) { revokeCoach(userId: $id) { role } }",
                json!({"id": member.id}),
                &admin.access,
            )
            .await;
        assert_eq!(res["revokeCoach"]["role"], "MEMBER");
        let res = h
            .exec(DASHBOARD, json!({"id": id}), Some(&member.access))
            .await;
        assert_eq!(
            only_error(&res).0,
            "NOT_FOUND",
            "a revoked coach loses her cohorts at once"
        );
        let unknown = h
            .exec(
                grant,
                json!({"id": "01890000-0000-7000-8000-000000000000"}),
                Some(&admin.access),
            )
            .await;
        assert_eq!(only_error(&unknown).0, "NOT_FOUND");
    }
}

#[tokio::test]
async fn test_invites_membership_sharing_and_the_dashboard() {
    for h in harnesses().await {
        let coach = h.with_role("coach@example.org", Role::Coach).await;
        let (id, code) = cohort(&h, &coach.access).await;
        assert_eq!(code.len(), 10);
        let ada = h.register("ada@example.org", "correct horse battery").await;
        let grace = h
            .register("grace@example.org", "correct horse battery")
            .await;
        join(&h, &ada.access, &code.to_lowercase(), "PROGRESS").await;
        join(&h, &grace.access, &code, "PROGRESS_AND_CONTACTS").await;
        let again = h
            .exec(
                "mutation($c: String!) { joinCohort(code: $c) { id } }",
                json!({"c": code}),
                Some(&ada.access),
            )
            .await;
        assert_eq!(only_error(&again).0, "CONFLICT");
        for token in [&ada.access, &grace.access] {
            h.ok("mutation { addContact(input: {name: \"Maria Ressa\", sector: MEDIA, scope: GLOBAL}) { id } }", json!({}), token).await;
            h.ok("mutation { updatePresence(input: {website: \"https://example.org\"}) { website } }", json!({}), token).await;
        }
        h.ok(
            "mutation { setTaskStatus(input: {taskKey: \"position.tell_your_story\", status: DONE, note: \"private note\"}) { status } }",
            json!({}),
            &grace.access,
        )
        .await;

        let data = h.ok(DASHBOARD, json!({"id": id}), &coach.access).await;
        let members = data["cohort"]["members"]["edges"]
            .as_array()
            .expect("edges");
        assert_eq!(members.len(), 2, "{}: {data}", h.label());
        let by_id = |uid: &str| {
            members
                .iter()
                .find(|e| e["node"]["id"] == uid)
                .expect("member")["node"]
                .clone()
        };
        let a = by_id(&ada.id);
        let g = by_id(&grace.id);
        assert!(a["contacts"].is_null(), "PROGRESS hides contacts: {a}");
        assert_eq!(
            g["contacts"],
            json!([{"name": "Maria Ressa", "sector": "MEDIA", "stage": "IDENTIFIED"}])
        );
        assert!(
            !serde_json::to_string(&data)
                .expect("json")
                .contains("private note")
        );
        // Least progress first; other orders on request.
        assert_eq!(members[0]["node"]["id"], ada.id.as_str());
        let by_progress = h
            .ok("query($id: ID!) { cohort(id: $id) { members(sort: PROGRESS) { edges { node { id } } } } }", json!({"id": id}), &coach.access)
            .await;
        assert_eq!(
            by_progress["cohort"]["members"]["edges"][0]["node"]["id"],
            grace.id.as_str()
        );
        let page = h
            .ok("query($id: ID!) { cohort(id: $id) { members(first: 1, after: \"0\") { edges { node { id } } pageInfo { hasNextPage hasPreviousPage } } } }", json!({"id": id}), &coach.access)
            .await;
        assert_eq!(
            page["cohort"]["members"]["edges"][0]["node"]["id"],
            grace.id.as_str()
        );
        assert_eq!(
            page["cohort"]["members"]["pageInfo"]["hasPreviousPage"],
            true
        );
        let agg = &data["cohort"]["aggregates"];
        assert_eq!(agg["members"], 2);
        assert_eq!(agg["perStep"][0], json!({"step": "POSITION", "members": 2}));
        let website = agg["taskCompletion"]
            .as_array()
            .expect("list")
            .iter()
            .find(|t| t["taskKey"] == "position.website")
            .expect("task");
        assert_eq!(website["rate"], 1.0);
        let media = agg["sectorCoverage"]
            .as_array()
            .expect("list")
            .iter()
            .find(|s| s["sector"] == "MEDIA")
            .expect("media");
        // Grace shares her contacts, so her sectors count; Ada shares only her progress, and
        // one such member is too few for her sectors to count (k-anonymity).
        assert_eq!(media["members"], 1);
        let reach = |node: &Value| node["score"]["reach"]["factors"].as_array().map(Vec::len);
        assert_eq!(
            reach(&a),
            Some(0),
            "PROGRESS withholds what her network is made of: {a}"
        );
        assert!(reach(&g) > Some(0), "{g}");

        // She changes her mind; the coach sees less at once.
        h.ok(
            "mutation($id: ID!) { setSharing(cohortId: $id, sharing: PROGRESS) }",
            json!({"id": id}),
            &grace.access,
        )
        .await;
        let data = h.ok(DASHBOARD, json!({"id": id}), &coach.access).await;
        assert!(
            data["cohort"]["members"]["edges"]
                .as_array()
                .expect("edges")
                .iter()
                .all(|e| e["node"]["contacts"].is_null())
        );

        // Leaving and removal.
        h.ok(
            "mutation($id: ID!) { leaveCohort(cohortId: $id) }",
            json!({"id": id}),
            &ada.access,
        )
        .await;
        let res = h
            .exec(
                "mutation($id: ID!) { leaveCohort(cohortId: $id) }",
                json!({"id": id}),
                Some(&ada.access),
            )
            .await;
        assert_eq!(only_error(&res).0, "NOT_FOUND");
        h.ok(
            "mutation($c: ID!, $u: ID!) { removeMember(cohortId: $c, userId: $u) }",
            json!({"c": id, "u": grace.id}),
            &coach.access,
        )
        .await;
        let data = h.ok(DASHBOARD, json!({"id": id}), &coach.access).await;
        assert_eq!(data["cohort"]["aggregates"]["members"], 0);

        // Rotating the code retires the old one.
        let rotated = h
            .ok("mutation($id: ID!) { rotateInviteCode(cohortId: $id, validDays: 1) { inviteCode } }", json!({"id": id}), &coach.access)
            .await;
        let new_code = rotated["rotateInviteCode"]["inviteCode"]
            .as_str()
            .expect("code")
            .to_owned();
        assert_ne!(new_code, code);
        let old = h
            .exec(
                "mutation($c: String!) { joinCohort(code: $c) { id } }",
                json!({"c": code}),
                Some(&ada.access),
            )
            .await;
        let (c, f, _) = only_error(&old);
        assert_eq!((c.as_str(), f.as_deref()), ("NOT_FOUND", Some("code")));
        let bad_days = h.exec("mutation($id: ID!) { rotateInviteCode(cohortId: $id, validDays: 0) { inviteCode } }", json!({"id": id}), Some(&coach.access)).await;
        assert_eq!(only_error(&bad_days).1.as_deref(), Some("validDays"));
    }
}

#[tokio::test]
async fn test_update_cohort_is_a_patch_null_clears_and_absence_keeps() {
    for h in harnesses().await {
        let coach = h.with_role("coach@example.org", Role::Coach).await;
        let created = h
            .ok(
                "mutation { createCohort(input: {name: \"Spring cohort\", description: \"Ten weeks\", startsOn: \"2026-03-01\", endsOn: \"2026-05-10\"}) { id } }",
                json!({}),
                &coach.access,
            )
            .await;
        let id = created["createCohort"]["id"]
            .as_str()
            .expect("id")
            .to_owned();
        const UPDATE: &str = "mutation($id: ID!, $input: CohortUpdateInput!) { updateCohort(id: $id, input: $input) { name description startsOn endsOn stallDays } }";

        // Absent fields stay.
        let kept = h
            .ok(
                UPDATE,
                json!({"id": id, "input": {"name": "Autumn cohort"}}),
                &coach.access,
            )
            .await;
        assert_eq!(
            kept["updateCohort"],
            json!({"name": "Autumn cohort", "description": "Ten weeks", "startsOn": "2026-03-01", "endsOn": "2026-05-10", "stallDays": 14}),
            "{}",
            h.label()
        );

        // Null clears the description (and a date); the rest stays.
        let cleared = h
            .ok(
                UPDATE,
                json!({"id": id, "input": {"description": null, "endsOn": null}}),
                &coach.access,
            )
            .await;
        assert_eq!(
            cleared["updateCohort"],
            json!({"name": "Autumn cohort", "description": null, "startsOn": "2026-03-01", "endsOn": null, "stallDays": 14}),
            "{}",
            h.label()
        );
        let stored =
            h.db.store
                .cohort(id.parse().expect("uuid"))
                .await
                .expect("q")
                .expect("cohort");
        assert_eq!(stored.description, None, "{}", h.label());
        assert_eq!(stored.ends_on, None, "{}", h.label());

        // Null on a required field keeps it, as before.
        let same = h
            .ok(
                UPDATE,
                json!({"id": id, "input": {"name": null, "stallDays": null}}),
                &coach.access,
            )
            .await;
        assert_eq!(same["updateCohort"]["name"], "Autumn cohort");
        assert_eq!(same["updateCohort"]["stallDays"], 14);
    }
}

#[tokio::test]
async fn test_expired_codes_bad_dates_and_co_coaches() {
    for h in harnesses().await {
        let coach = h.with_role("coach@example.org", Role::Coach).await;
        let other = h.with_role("co@example.org", Role::Coach).await;
        let member = h.register("ada@example.org", "correct horse battery").await;
        let (id, code) = cohort(&h, &coach.access).await;
        let cohort_id = id.parse().expect("uuid");
        let mut stored =
            h.db.store
                .cohort(cohort_id)
                .await
                .expect("q")
                .expect("cohort");
        stored.invite_expires_at = chrono::Utc::now() - chrono::Duration::hours(1);
        h.db.store.update_cohort(&stored).await.expect("update");
        let res = h
            .exec(
                "mutation($c: String!) { joinCohort(code: $c) { id } }",
                json!({"c": code}),
                Some(&member.access),
            )
            .await;
        let (c, f, m) = only_error(&res);
        assert_eq!(
            (c.as_str(), f.as_deref()),
            ("VALIDATION", Some("code")),
            "{m}"
        );
        assert!(m.contains("expired"));

        let bad = h
            .exec("mutation { createCohort(input: {name: \"X\", startsOn: \"2026-05-01\", endsOn: \"2026-04-01\"}) { id } }", json!({}), Some(&coach.access))
            .await;
        assert_eq!(only_error(&bad).1.as_deref(), Some("endsOn"));
        let bad = h
            .exec(
                "mutation { createCohort(input: {name: \"X\", stallDays: 0}) { id } }",
                json!({}),
                Some(&coach.access),
            )
            .await;
        assert_eq!(only_error(&bad).1.as_deref(), Some("stallDays"));

        // A co-coach must be a coach; once added she sees the dashboard.
        let res = h.exec("mutation($id: ID!) { addCoCoach(cohortId: $id, email: \"ada@example.org\") { id } }", json!({"id": id}), Some(&coach.access)).await;
        assert_eq!(only_error(&res).1.as_deref(), Some("email"));
        let before = h
            .exec(DASHBOARD, json!({"id": id}), Some(&other.access))
            .await;
        assert_eq!(only_error(&before).0, "NOT_FOUND");
        h.ok("mutation($id: ID!) { addCoCoach(cohortId: $id, email: \"CO@example.org\") { coaches { displayName owner } } }", json!({"id": id}), &coach.access).await;
        let after = h.ok(DASHBOARD, json!({"id": id}), &other.access).await;
        assert_eq!(after["cohort"]["name"], "Spring cohort");
        let dup = h.exec("mutation($id: ID!) { addCoCoach(cohortId: $id, email: \"co@example.org\") { id } }", json!({"id": id}), Some(&coach.access)).await;
        assert_eq!(only_error(&dup).0, "CONFLICT");
    }
}

#[tokio::test]
async fn test_nudges_to_one_member_or_every_stalled_member() {
    for h in harnesses().await {
        let coach = h.with_role("coach@example.org", Role::Coach).await;
        let (id, code) = cohort(&h, &coach.access).await;
        let ada = h.register("ada@example.org", "correct horse battery").await;
        let eve = h.register("eve@example.org", "correct horse battery").await;
        join(&h, &ada.access, &code, "PROGRESS").await;
        let send =
            "mutation($i: NudgeInput!) { sendNudge(input: $i) { id memberId message taskKey } }";
        let sent = h
            .ok(send, json!({"i": {"cohortId": id, "memberId": ada.id, "message": "Time to add your website!", "taskKey": "position.website"}}), &coach.access)
            .await;
        let nudge_id = sent["sendNudge"][0]["id"].as_str().expect("id").to_owned();
        let mine = h
            .ok(
                "{ myNudges(unreadOnly: true) { id message taskKey readAt } }",
                json!({}),
                &ada.access,
            )
            .await;
        assert_eq!(mine["myNudges"][0]["message"], "Time to add your website!");
        // Nobody else can read or mark it.
        let theirs = h.ok("{ myNudges { id } }", json!({}), &eve.access).await;
        assert_eq!(theirs["myNudges"], json!([]));
        let steal = h
            .exec(
                "mutation($id: ID!) { markNudgeRead(id: $id) { id } }",
                json!({"id": nudge_id}),
                Some(&eve.access),
            )
            .await;
        assert_eq!(only_error(&steal).0, "NOT_FOUND");
        let read = h
            .ok(
                "mutation($id: ID!) { markNudgeRead(id: $id) { readAt } }",
                json!({"id": nudge_id}),
                &ada.access,
            )
            .await;
        assert!(read["markNudgeRead"]["readAt"].is_string());
        assert_eq!(
            h.ok(
                "{ myNudges(unreadOnly: true) { id } }",
                json!({}),
                &ada.access
            )
            .await["myNudges"],
            json!([])
        );

        // Nudging someone outside the cohort, or with no target, is refused.
        let res = h
            .exec(
                send,
                json!({"i": {"cohortId": id, "memberId": eve.id, "message": "hi"}}),
                Some(&coach.access),
            )
            .await;
        assert_eq!(only_error(&res).1.as_deref(), Some("memberId"));
        let res = h
            .exec(
                send,
                json!({"i": {"cohortId": id, "message": "hi"}}),
                Some(&coach.access),
            )
            .await;
        assert_eq!(only_error(&res).0, "VALIDATION");
        let res = h.exec(send, json!({"i": {"cohortId": id, "memberId": ada.id, "message": "hi", "taskKey": "nope"}}), Some(&coach.access)).await;
        assert_eq!(only_error(&res).1.as_deref(), Some("taskKey"));

        // Nobody is stalled yet (she just joined), so a stalled-only nudge reaches no one.
        let none = h
            .ok(
                send,
                json!({"i": {"cohortId": id, "stalledOnly": true, "message": "We miss you"}}),
                &coach.access,
            )
            .await;
        assert_eq!(none["sendNudge"], json!([]));
        let mut c =
            h.db.store
                .cohort(id.parse().expect("uuid"))
                .await
                .expect("q")
                .expect("c");
        c.stall_days = herlead_core::input::StallDays::parse("stallDays", 1).expect("days");
        h.db.store.update_cohort(&c).await.expect("update");
        let tomorrow = chrono::Utc::now() + chrono::Duration::days(3);
        let dash = herlead_api::dashboard::load(&h.db.store, &c, tomorrow)
            .await
            .expect("dashboard");
        assert!(
            dash.rows.iter().all(|r| r.summary.stalled),
            "quiet for 3 days with a 1-day threshold"
        );
    }
}

/// Seeds `n` members straight into the store (no password hashing) with a little data each.
async fn seed_members(h: &Harness, cohort: uuid::Uuid, n: usize, tag: &str) {
    for i in 0..n {
        let user =
            h.db.store
                .create_user(
                    NewUser {
                        id: UserId::new(),
                        email: Email::parse("email", &format!("m{i}.{tag}@example.org"))
                            .expect("email"),
                        display_name: DisplayName::parse("displayName", &format!("Member {i}"))
                            .expect("name"),
                        password_hash: "$argon2id$unused".into(),
                        role: Role::Member,
                        now: herlead_store::now(),
                    },
                    None,
                )
                .await
                .expect("user");
        let level = if i % 2 == 0 {
            SharingLevel::Progress
        } else {
            SharingLevel::ProgressAndContacts
        };
        h.db.store
            .join_cohort(cohort, user.id, level)
            .await
            .expect("join");
        if i % 3 == 0 {
            h.db.store
                .add_contact(
                    user.id,
                    herlead_core::network::Contact {
                        id: uuid::Uuid::now_v7(),
                        name: herlead_core::input::ContactName::parse(
                            "name",
                            &format!("Contact of {i}"),
                        )
                        .expect("name"),
                        sector: Some(herlead_core::network::Sector::Media),
                        scope: Some(herlead_core::network::Scope::City),
                        industry: None,
                        in_her_industry: true,
                        on_meet_list: true,
                        competitor: false,
                        values: herlead_core::network::ValuesAlignment::Unknown,
                        tags: vec![],
                        links: vec![],
                        stage_override: None,
                        cadence_days: None,
                        emails: vec![],
                        company: None,
                        job_title: None,
                        connected_on: None,
                        created_at: herlead_store::now(),
                    },
                )
                .await
                .expect("contact");
        }
    }
}

/// A coach's cohort with `n` seeded members and Ada, who joined sharing `sharing`. Returns the
/// coach, the cohort's GraphQL id and uuid, and Ada.
async fn cohort_with_ada(
    h: &Harness,
    n: usize,
    tag: &str,
    sharing: &str,
) -> (Account, String, uuid::Uuid, Account) {
    let coach = h.with_role("coach@example.org", Role::Coach).await;
    let (id, code) = cohort(h, &coach.access).await;
    let cohort_id: uuid::Uuid = id.parse().expect("uuid");
    seed_members(h, cohort_id, n, tag).await;
    let ada = h.register("ada@example.org", "correct horse battery").await;
    join(h, &ada.access, &code, sharing).await;
    (coach, id, cohort_id, ada)
}

#[tokio::test]
async fn test_dashboard_statement_count_does_not_grow_with_the_cohort() {
    for h in harnesses().await {
        let coach = h.with_role("coach@example.org", Role::Coach).await;
        let mut counts = Vec::new();
        for (n, tag) in [(10, "small"), (1000, "large")] {
            let (id, _) = cohort(&h, &coach.access).await;
            seed_members(&h, id.parse().expect("uuid"), n, tag).await;
            let before = h.db.store.statement_count();
            let data = h.ok(DASHBOARD, json!({"id": id}), &coach.access).await;
            counts.push(h.db.store.statement_count() - before);
            assert_eq!(data["cohort"]["aggregates"]["members"], n, "{}", h.label());
            let page = data["cohort"]["members"]["edges"]
                .as_array()
                .expect("edges")
                .len();
            assert_eq!(page, n.min(50));
            assert_eq!(data["cohort"]["members"]["pageInfo"]["hasNextPage"], n > 50);
        }
        assert_eq!(
            counts[0],
            counts[1],
            "{}: statements for 10 vs 1,000 members: {counts:?}",
            h.label()
        );
        assert!(counts[0] > 0);
    }
}

#[tokio::test]
async fn test_a_dashboard_is_reused_until_a_member_writes_or_the_cohort_changes() {
    for h in harnesses().await {
        let (coach, id, _, ada) = cohort_with_ada(&h, 30, "cache", "PROGRESS_AND_CONTACTS").await;
        let media = |data: &serde_json::Value| {
            data["cohort"]["aggregates"]["sectorCoverage"]
                .as_array()
                .expect("coverage")
                .iter()
                .find(|s| s["sector"] == "MEDIA")
                .expect("media")["members"]
                .clone()
        };
        let count = |h: &Harness| h.db.store.statement_count();

        let before = count(&h);
        let first = h.ok(DASHBOARD, json!({"id": id}), &coach.access).await;
        let computed = count(&h) - before;
        let before = count(&h);
        let second = h.ok(DASHBOARD, json!({"id": id}), &coach.access).await;
        let reused = count(&h) - before;
        assert_eq!(first, second, "{}", h.label());
        assert!(
            reused < computed,
            "{}: a second read reuses the dashboard ({reused} vs {computed} statements)",
            h.label()
        );
        // Ten of the thirty seeded members have a media contact; Ada has none yet.
        assert_eq!(media(&first), 10, "{}", h.label());

        // Her write shows at once, and so do her contacts.
        h.ok("mutation { addContact(input: {name: \"Maria Ressa\", sector: MEDIA, scope: GLOBAL}) { id } }", json!({}), &ada.access).await;
        let after = h.ok(DASHBOARD, json!({"id": id}), &coach.access).await;
        assert_eq!(media(&after), 11, "{}", h.label());
        let row = after["cohort"]["members"]["edges"]
            .as_array()
            .expect("edges")
            .iter()
            .find(|e| e["node"]["id"] == ada.id.as_str())
            .expect("ada")["node"]
            .clone();
        assert_eq!(row["contacts"][0]["name"], "Maria Ressa");

        // So does a change of the cohort's stall threshold.
        let mut c =
            h.db.store
                .cohort(id.parse().expect("uuid"))
                .await
                .expect("q")
                .expect("c");
        let fingerprint = h.db.store.cohort_fingerprint(c.id).await.expect("fp");
        c.stall_days = herlead_core::input::StallDays::parse("stallDays", 1).expect("days");
        h.db.store.update_cohort(&c).await.expect("update");
        assert_ne!(
            h.db.store.cohort_fingerprint(c.id).await.expect("fp"),
            fingerprint
        );
        // … and her leaving.
        h.ok(
            "mutation($id: ID!) { leaveCohort(cohortId: $id) }",
            json!({"id": id}),
            &ada.access,
        )
        .await;
        let gone = h.ok(DASHBOARD, json!({"id": id}), &coach.access).await;
        assert_eq!(gone["cohort"]["aggregates"]["members"], 30, "{}", h.label());
        assert_eq!(media(&gone), 10);
        assert_eq!(
            h.db.store
                .cohort_fingerprint(uuid::Uuid::now_v7())
                .await
                .expect("fp"),
            None,
            "no fingerprint for a cohort that does not exist"
        );
    }
}

/// One row as compared between dashboards: the summary and the contacts shown.
type RowView = (
    herlead_core::cohort::MemberSummary,
    Option<Vec<herlead_api::dashboard::SharedContact>>,
);

/// Rows and aggregates of a dashboard, for comparison.
fn dashboard_view(
    d: &herlead_api::dashboard::Dashboard,
) -> (Vec<RowView>, herlead_core::cohort::Aggregates) {
    (
        d.rows
            .iter()
            .map(|r| (r.summary.clone(), r.shared_contacts.clone()))
            .collect(),
        d.aggregates.clone(),
    )
}

#[tokio::test]
async fn test_an_incremental_dashboard_equals_one_computed_from_scratch() {
    use herlead_api::dashboard::{MemberCache, compute, load};
    for h in harnesses().await {
        let (_, id, cohort_id, ada) = cohort_with_ada(&h, 20, "inc", "PROGRESS_AND_CONTACTS").await;
        let c = h.db.store.cohort(cohort_id).await.expect("q").expect("c");
        let now = chrono::Utc::now();
        let mut cache = MemberCache::default();

        let first = compute(&h.db.store, &c, now, &mut cache)
            .await
            .expect("first");
        assert_eq!(cache.len(), 21, "{}", h.label());
        assert_eq!(
            dashboard_view(&first),
            dashboard_view(&load(&h.db.store, &c, now).await.expect("fresh"))
        );
        // Nobody changed: only the member list is read, in one statement.
        let before = h.db.store.statement_count();
        let again = compute(&h.db.store, &c, now, &mut cache)
            .await
            .expect("again");
        assert_eq!(h.db.store.statement_count() - before, 1, "{}", h.label());
        assert_eq!(dashboard_view(&again), dashboard_view(&first));

        // Ada works: her row and the aggregates follow, exactly as from scratch.
        let contact = h
            .ok("mutation { addContact(input: {name: \"Maria Ressa\", sector: MEDIA, scope: GLOBAL, onMeetList: true}) { id } }", json!({}), &ada.access)
            .await["addContact"]["id"]
            .as_str()
            .expect("id")
            .to_owned();
        h.ok(
            "mutation($c: ID!) { logInteraction(input: {contactId: $c, kind: SHARED_POST}) { interaction { id } } }",
            json!({"c": contact}),
            &ada.access,
        )
        .await;
        // An in-person meeting last week makes her community a real-world one for a year.
        let community = h
            .ok("mutation { addCommunity(input: {name: \"Women in Policy\", kind: IN_PERSON, role: ORGANIZER}) { id } }", json!({}), &ada.access)
            .await["addCommunity"]["id"]
            .as_str()
            .expect("id")
            .to_owned();
        let last_week = (chrono::Utc::now() - chrono::Duration::days(7)).to_rfc3339();
        h.ok(
            "mutation($c: ID!, $at: DateTime!) { logMeeting(input: {communityId: $c, occurredAt: $at, inPerson: true}) { id } }",
            json!({"c": community, "at": last_week}),
            &ada.access,
        )
        .await;
        let now = chrono::Utc::now();
        let after = compute(&h.db.store, &c, now, &mut cache)
            .await
            .expect("after");
        assert_ne!(dashboard_view(&after), dashboard_view(&first));
        assert_eq!(
            dashboard_view(&after),
            dashboard_view(&load(&h.db.store, &c, now).await.expect("fresh")),
            "{}",
            h.label()
        );
        // Over a year later, with no writes at all: the clock moved her keep-in-touch cadence,
        // her meeting out of the real-world window (her score drops) and everyone's stall
        // flag; the reused summaries still agree with a fresh computation.
        let later = now + chrono::Duration::days(400);
        let months = compute(&h.db.store, &c, later, &mut cache)
            .await
            .expect("later");
        assert!(months.rows.iter().all(|r| r.summary.stalled));
        let score_of = |d: &herlead_api::dashboard::Dashboard| {
            d.rows
                .iter()
                .find(|r| r.member.user.id.0.to_string() == ada.id)
                .expect("ada")
                .summary
                .score
                .collective_action
                .score
        };
        assert!(score_of(&months) < score_of(&after), "{}", h.label());
        assert_eq!(
            dashboard_view(&months),
            dashboard_view(&load(&h.db.store, &c, later).await.expect("fresh")),
            "{}",
            h.label()
        );
        // Leaving drops her summary.
        h.ok(
            "mutation($id: ID!) { leaveCohort(cohortId: $id) }",
            json!({"id": id}),
            &ada.access,
        )
        .await;
        compute(&h.db.store, &c, later, &mut cache)
            .await
            .expect("left");
        assert_eq!(cache.len(), 20);
    }
}

#[tokio::test]
async fn test_the_benchmark_yardstick_sql_agrees_with_the_dashboard() {
    for h in harnesses().await {
        let (_, _, cohort_id, ada) = cohort_with_ada(&h, 12, "sql", "PROGRESS").await;
        h.ok(
            "mutation { setTaskStatus(input: {taskKey: \"position.tell_your_story\", status: SKIPPED}) { status } }",
            json!({}),
            &ada.access,
        )
        .await;
        h.ok(
            "mutation { updatePresence(input: {website: \"https://ada.example.org\"}) { website } }",
            json!({}),
            &ada.access,
        )
        .await;
        let c = h.db.store.cohort(cohort_id).await.expect("q").expect("c");
        for days in [0, 30] {
            let at = chrono::Utc::now() + chrono::Duration::days(days);
            let dash = herlead_api::dashboard::load(&h.db.store, &c, at)
                .await
                .expect("dashboard");
            let sql =
                h.db.store
                    .hand_written_aggregates(cohort_id, at)
                    .await
                    .expect("sql")
                    .expect("cohort");
            let agg = &dash.aggregates;
            assert_eq!(sql.members, agg.members, "{}", h.label());
            assert_eq!(sql.stalled, agg.stalled, "{}: {days} days on", h.label());
            assert_eq!(agg.stalled, if days == 0 { 0 } else { 13 });
            for t in &agg.task_completion {
                let (done, skipped) = sql
                    .tasks
                    .iter()
                    .find(|(k, _, _)| *k == t.task_key)
                    .map_or((0, 0), |(_, d, s)| (*d, *s));
                assert_eq!(t.done, done, "{}: {}", h.label(), t.task_key);
                assert_eq!(t.counted, sql.members - skipped, "{}", t.task_key);
            }
            assert!(
                sql.tasks
                    .iter()
                    .any(|(k, _, s)| k == "position.tell_your_story" && *s == 1)
            );
            for s in &agg.sector_coverage {
                let members = sql
                    .sectors
                    .iter()
                    .find(|(name, _)| name == s.sector.as_str())
                    .map_or(0, |(_, n)| *n);
                assert_eq!(s.members, members, "{}: {:?}", h.label(), s.sector);
            }
        }
        assert_eq!(
            h.db.store
                .hand_written_aggregates(uuid::Uuid::now_v7(), chrono::Utc::now())
                .await
                .expect("sql"),
            None
        );
    }
}

#[tokio::test]
async fn test_cohort_activity_and_nudge_subscriptions() {
    for h in harnesses().await {
        let coach = h.with_role("coach@example.org", Role::Coach).await;
        let (id, code) = cohort(&h, &coach.access).await;
        let ada = h.register("ada@example.org", "correct horse battery").await;
        let outsider = h.register("eve@example.org", "correct horse battery").await;
        join(&h, &ada.access, &code, "PROGRESS").await;

        let session = |token: &str| h.auth.session(Some(&format!("Bearer {token}")));
        // Streams subscribe when first polled: poll them on their own tasks from the start.
        let activity = h.schema.execute_stream(
            Request::new("subscription($id: ID!) { cohortActivity(cohortId: $id) { memberId displayName taskKey from to source } }")
                .variables(Variables::from_json(json!({"id": id})))
                .data(session(&coach.access)),
        );
        let nudges = h.schema.execute_stream(
            Request::new("subscription { myNudges { message } }").data(session(&ada.access)),
        );
        let activity = tokio::spawn(async move { activity.take(1).collect::<Vec<_>>().await });
        let nudges = tokio::spawn(async move { nudges.take(1).collect::<Vec<_>>().await });
        // Let both subscriptions register before anything happens.
        tokio::time::sleep(Duration::from_millis(1000)).await;

        // An outsider's progress never reaches the coach; Ada's does, rule-driven or not.
        h.ok("mutation { updatePresence(input: {website: \"https://eve.example.org\"}) { website } }", json!({}), &outsider.access).await;
        h.ok("mutation { updatePresence(input: {website: \"https://ada.example.org\"}) { website } }", json!({}), &ada.access).await;
        let event = tokio::time::timeout(Duration::from_secs(10), activity)
            .await
            .expect("an activity event arrives")
            .expect("task");
        let value: Value = serde_json::to_value(&event[0]).expect("json");
        assert_eq!(
            value["data"]["cohortActivity"],
            json!({"memberId": ada.id, "displayName": "Ada Lovelace", "taskKey": "position.website", "from": "NOT_STARTED", "to": "DONE", "source": "RULE"}),
            "{}",
            h.label()
        );

        h.ok(
            "mutation($i: NudgeInput!) { sendNudge(input: $i) { id } }",
            json!({"i": {"cohortId": id, "memberId": ada.id, "message": "Lovely website!"}}),
            &coach.access,
        )
        .await;
        let nudge = tokio::time::timeout(Duration::from_secs(10), nudges)
            .await
            .expect("a nudge arrives")
            .expect("task");
        let value: Value = serde_json::to_value(&nudge[0]).expect("json");
        assert_eq!(value["data"]["myNudges"]["message"], "Lovely website!");

        // Subscribing to someone else's cohort fails up front.
        let mut denied = h.schema.execute_stream(
            Request::new("subscription($id: ID!) { cohortActivity(cohortId: $id) { taskKey } }")
                .variables(Variables::from_json(json!({"id": id})))
                .data(session(&outsider.access)),
        );
        let first = denied.next().await.expect("an error response");
        let value: Value = serde_json::to_value(&first).expect("json");
        assert_eq!(
            value["errors"][0]["extensions"]["code"], "NOT_FOUND",
            "{value}"
        );
    }
}

#[tokio::test]
async fn test_cohort_tasks_appear_for_members_and_report_completion() {
    for h in harnesses().await {
        let coach = h.with_role("coach@example.org", Role::Coach).await;
        let (id, code) = cohort(&h, &coach.access).await;
        let ada = h.register("ada@example.org", "correct horse battery").await;
        let grace = h
            .register("grace@example.org", "correct horse battery")
            .await;
        let eve = h.register("eve@example.org", "correct horse battery").await;
        join(&h, &ada.access, &code, "PROGRESS").await;
        join(&h, &grace.access, &code, "PROGRESS").await;
        let add = "mutation($c: ID!, $i: CohortTaskInput!) { addCohortTask(cohortId: $c, input: $i) { id key step dueOn } }";
        let task = h
            .ok(add, json!({"c": id, "i": {"title": "Post your tagline in the group", "step": "POSITION", "dueOn": "2026-12-15"}}), &coach.access)
            .await["addCohortTask"]
            .clone();
        let task_id = task["id"].as_str().expect("id").to_owned();
        assert_eq!(task["key"], format!("cohort.{task_id}"));
        let res = h
            .exec(
                add,
                json!({"c": id, "i": {"title": "", "step": "POSITION"}}),
                Some(&coach.access),
            )
            .await;
        assert_eq!(only_error(&res).1.as_deref(), Some("title"));
        let res = h
            .exec(
                add,
                json!({"c": id, "i": {"title": "Sneaky", "step": "POSITION"}}),
                Some(&ada.access),
            )
            .await;
        assert_eq!(only_error(&res).0, "NOT_FOUND");

        let mine = h
            .ok(
                "{ myCohortTasks { status task { id title step dueOn } } }",
                json!({}),
                &ada.access,
            )
            .await;
        assert_eq!(
            mine["myCohortTasks"][0]["status"],
            "NOT_STARTED",
            "{}: {mine}",
            h.label()
        );
        assert_eq!(
            mine["myCohortTasks"][0]["task"]["title"],
            "Post your tagline in the group"
        );
        assert_eq!(
            h.ok("{ myCohortTasks { status } }", json!({}), &eve.access)
                .await["myCohortTasks"],
            json!([])
        );

        let set = "mutation($t: ID!, $s: TaskStatus!) { setCohortTaskStatus(taskId: $t, status: $s) { status completedAt } }";
        let done = h
            .ok(set, json!({"t": task_id, "s": "DONE"}), &ada.access)
            .await;
        assert!(done["setCohortTaskStatus"]["completedAt"].is_string());
        h.ok(set, json!({"t": task_id, "s": "SKIPPED"}), &grace.access)
            .await;
        let res = h
            .exec(set, json!({"t": task_id, "s": "DONE"}), Some(&eve.access))
            .await;
        assert_eq!(
            only_error(&res).0,
            "NOT_FOUND",
            "a task of a cohort she is not in"
        );

        let tasks = h.ok("query($id: ID!) { cohort(id: $id) { tasks { task { title } done counted rate } } }", json!({"id": id}), &coach.access).await;
        assert_eq!(tasks["cohort"]["tasks"][0]["done"], 1);
        assert_eq!(tasks["cohort"]["tasks"][0]["counted"], 1);
        assert_eq!(tasks["cohort"]["tasks"][0]["rate"], 1.0);
    }
}

#[tokio::test]
async fn test_cohort_activity_never_carries_another_cohorts_own_tasks() {
    for h in harnesses().await {
        let x_coach = h.with_role("x@example.org", Role::Coach).await;
        let y_coach = h.with_role("y@example.org", Role::Coach).await;
        let (x, x_code) = cohort(&h, &x_coach.access).await;
        let (y, y_code) = cohort(&h, &y_coach.access).await;
        let ada = h.register("ada@example.org", "correct horse battery").await;
        join(&h, &ada.access, &x_code, "PROGRESS").await;
        join(&h, &ada.access, &y_code, "PROGRESS").await;
        let task = h
            .ok(
                "mutation($c: ID!) { addCohortTask(cohortId: $c, input: {title: \"Y only\", step: POSITION}) { id } }",
                json!({"c": y}),
                &y_coach.access,
            )
            .await["addCohortTask"]["id"]
            .as_str()
            .expect("id")
            .to_owned();
        let session = |token: &str| h.auth.session(Some(&format!("Bearer {token}")));
        let watch = |cohort: &str, token: &str| {
            let stream = h.schema.execute_stream(
                Request::new(
                    "subscription($id: ID!) { cohortActivity(cohortId: $id) { taskKey to } }",
                )
                .variables(Variables::from_json(json!({"id": cohort})))
                .data(session(token)),
            );
            tokio::spawn(async move { stream.take(1).collect::<Vec<_>>().await })
        };
        let x_feed = watch(&x, &x_coach.access);
        let y_feed = watch(&y, &y_coach.access);
        tokio::time::sleep(Duration::from_millis(1000)).await;

        // Ada works on Y's own task first, then on a playbook task both coaches may see.
        h.ok(
            "mutation($t: ID!) { setCohortTaskStatus(taskId: $t, status: DONE) { status } }",
            json!({"t": task}),
            &ada.access,
        )
        .await;
        h.ok(
            "mutation { setTaskStatus(input: {taskKey: \"position.tell_your_story\", status: DONE}) { status } }",
            json!({}),
            &ada.access,
        )
        .await;
        let first = |feed: Vec<async_graphql::Response>| {
            serde_json::to_value(&feed[0]).expect("json")["data"]["cohortActivity"].clone()
        };
        let x_event = first(
            tokio::time::timeout(Duration::from_secs(10), x_feed)
                .await
                .expect("an event for X")
                .expect("task"),
        );
        let y_event = first(
            tokio::time::timeout(Duration::from_secs(10), y_feed)
                .await
                .expect("an event for Y")
                .expect("task"),
        );
        // X's coach never hears of Y's task: her first event is the playbook's.
        assert_eq!(
            x_event,
            json!({"taskKey": "position.tell_your_story", "to": "DONE"}),
            "{}",
            h.label()
        );
        assert_eq!(
            y_event,
            json!({"taskKey": format!("cohort.{task}"), "to": "DONE"}),
            "{}",
            h.label()
        );
    }
}

#[tokio::test]
async fn test_sectors_of_progress_only_members_count_in_groups_of_five_or_more() {
    for h in harnesses().await {
        let coach = h.with_role("coach@example.org", Role::Coach).await;
        let (id, code) = cohort(&h, &coach.access).await;
        let coverage = |data: &Value| {
            data["cohort"]["aggregates"]["sectorCoverage"]
                .as_array()
                .expect("list")
                .iter()
                .find(|s| s["sector"] == "MEDIA")
                .expect("media")["members"]
                .clone()
        };
        for i in 0..herlead_core::cohort::MIN_GROUP_FOR_SECTORS {
            let member = h
                .register(&format!("m{i}@example.org"), "correct horse battery")
                .await;
            join(&h, &member.access, &code, "PROGRESS").await;
            h.ok(
                "mutation { addContact(input: {name: \"Maria Ressa\", sector: MEDIA, scope: GLOBAL}) { id } }",
                json!({}),
                &member.access,
            )
            .await;
            let data = h.ok(DASHBOARD, json!({"id": id}), &coach.access).await;
            let expected = if i + 1 < herlead_core::cohort::MIN_GROUP_FOR_SECTORS {
                0
            } else {
                i + 1
            };
            // One, two … four members sharing only progress: nothing to read off the
            // aggregate; from five on, the count covers a group.
            assert_eq!(
                coverage(&data),
                expected,
                "{}: {} members",
                h.label(),
                i + 1
            );
        }
    }
}
