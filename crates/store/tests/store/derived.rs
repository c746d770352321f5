//! Derived state kept write by write equals a from-scratch evaluation, after every write of a
//! random sequence, on SQLite and PostgreSQL.

use std::collections::HashSet;

use chrono::{DateTime, Duration, Utc};
use herlead_core::{
    Playbook, TaskStatus, UserId,
    cohort::{contact_sectors, summarize, summarize_with},
    community::{Community, CommunityKind, CommunityRole, Meeting},
    derived::Totals,
    input::{CadenceDays, CommunityName, ContactName, HttpUrl},
    network::{Contact, Interaction, InteractionKind, Scope, Sector, Stage, ValuesAlignment},
    presence::Presence,
    progress::TaskRecord,
    recommend::{Focus, recommend, recommend_with},
    reconnect::due_to_reconnect,
    rules::{Snapshot, evaluate, plan_sync},
    score::{social_capital, social_capital_inputs},
};
use herlead_store::{ContactFilter, PageRequest, Store, TaskStatusChange, testing};
use uuid::Uuid;

use super::member;

/// A small deterministic generator, so a failure names the seed that reproduces it.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }
    fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.next()).unwrap_or(0) % n.max(1)
    }
    fn coin(&mut self) -> bool {
        self.next().is_multiple_of(2)
    }
}

fn days_ago(now: DateTime<Utc>, n: usize) -> DateTime<Utc> {
    herlead_store::now().min(now) - Duration::days(i64::try_from(n).unwrap_or(0))
}

fn random_contact(rng: &mut Rng, id: Uuid, now: DateTime<Utc>) -> Contact {
    Contact {
        id,
        name: ContactName::parse("name", &format!("Contact {}", rng.next())).expect("name"),
        // Now and then unclassified, as an imported contact is.
        sector: Sector::ALL.get(rng.below(6)).copied(),
        scope: Some([Scope::City, Scope::Country, Scope::Global][rng.below(3)]),
        industry: None,
        in_her_industry: rng.coin(),
        on_meet_list: rng.coin(),
        competitor: rng.below(4) == 0,
        values: if rng.coin() {
            ValuesAlignment::Aligned
        } else {
            ValuesAlignment::Unknown
        },
        tags: vec![],
        links: vec![],
        stage_override: (rng.below(6) == 0).then(|| Stage::ALL[rng.below(Stage::ALL.len())]),
        cadence_days: (rng.below(4) == 0)
            .then(|| CadenceDays::parse("cadenceDays", 7 + rng.below(60) as i32).expect("days")),
        emails: vec![],
        company: None,
        job_title: None,
        connected_on: None,
        created_at: days_ago(now, 100 + rng.below(200)),
    }
}

/// Everything the derived state must agree with, computed from her whole history.
pub(crate) async fn check(store: &Store, user: UserId, step: &str) {
    let snapshot = store.snapshot(user).await.expect("snapshot");
    let now = herlead_store::now();
    let kept = store.rule_data(user).await.expect("rule data").totals;
    assert_eq!(kept, Totals::of(&snapshot), "totals after {step}");
    let page = store
        .contacts_page(
            user,
            &ContactFilter::default(),
            PageRequest {
                first: Some(10_000),
                ..PageRequest::default()
            },
        )
        .await
        .expect("page");
    let stages = snapshot.stages();
    for (c, stage) in &page.items {
        assert_eq!(
            Some(stage),
            stages.get(&c.id),
            "stage of {} after {step}",
            c.id
        );
    }
    let records = store.task_records(user).await.expect("records");
    let pending = plan_sync(Playbook::standard(), &evaluate(&snapshot, now), &records);
    assert!(
        pending.is_empty(),
        "statuses behind the rules after {step}: {pending:?}"
    );
    let indexed: Vec<_> = store
        .due_to_reconnect(user, now, 10_000)
        .await
        .expect("due")
        .into_iter()
        .map(|(_, _, r)| r)
        .collect();
    assert_eq!(
        indexed,
        due_to_reconnect(&snapshot, now),
        "due after {step}"
    );
    let skipped: HashSet<String> = records
        .iter()
        .filter(|r| r.status == TaskStatus::Skipped)
        .map(|r| r.task_key.clone())
        .collect();
    let kept = store.rule_data(user).await.expect("rule data");
    let focus = store.focus(user, now).await.expect("focus");
    assert_eq!(focus, Focus::of(&snapshot, now), "focus after {step}");
    assert_eq!(
        recommend_with(&kept.inputs(), &focus, now, &skipped),
        recommend(&snapshot, now, &skipped),
        "recommendations after {step}"
    );
    assert_eq!(
        social_capital_inputs(&kept.inputs(), now),
        social_capital(&snapshot, now),
        "score after {step}"
    );
    check_digest(store, user, &snapshot, &records, now, step).await;
}

/// The coach dashboard's digest of her agrees with her full history: the same summary, the
/// same sectors and contacts, and a summary that really holds until `stable_until`.
async fn check_digest(
    store: &Store,
    user: UserId,
    snapshot: &Snapshot,
    records: &[TaskRecord],
    now: DateTime<Utc>,
    step: &str,
) {
    let shares = HashSet::from([user]);
    let digest = store
        .member_digests(&[user], &shares, now)
        .await
        .expect("digest")
        .remove(&user)
        .expect("her digest");
    let at = |t: DateTime<Utc>| summarize(user, snapshot, records, now, 30, t);
    let summary = summarize_with(
        user,
        &digest.data.inputs(),
        &digest.focus,
        records,
        now,
        30,
        now,
    );
    assert_eq!(summary, at(now), "dashboard summary after {step}");
    assert_eq!(
        digest.sectors,
        contact_sectors(snapshot),
        "sectors after {step}"
    );
    let stages = snapshot.stages();
    let mut contacts: Vec<_> = snapshot
        .contacts
        .iter()
        .map(|c| (c.id, c.name.as_str().to_owned(), c.sector, stages[&c.id]))
        .collect();
    contacts.sort_by_key(|c| c.0);
    let contacts: Vec<_> = contacts
        .into_iter()
        .map(|(_, n, s, st)| (n, s, st))
        .collect();
    assert_eq!(
        digest.contacts,
        Some(contacts),
        "shared contacts after {step}"
    );
    // Nothing the clock moves changes before `stable_until`.
    let until = digest.stable_until.unwrap_or(now + Duration::days(800));
    assert!(until > now, "stable until the past after {step}");
    for t in [until - Duration::nanoseconds(1), now + (until - now) / 2] {
        let later = at(t);
        assert_eq!(
            (later.score, later.top_recommendation),
            (summary.score.clone(), summary.top_recommendation),
            "summary at {t} (stable until {until}) after {step}"
        );
    }
}

async fn run(store: &Store, user: UserId, seed: u64, steps: usize) {
    let mut rng = Rng(seed);
    let now = herlead_store::now();
    let mut contacts: Vec<Uuid> = vec![];
    let mut interactions: Vec<Uuid> = vec![];
    let mut communities: Vec<Uuid> = vec![];
    let mut meetings: Vec<Uuid> = vec![];
    for step in 0..steps {
        let pick =
            |rng: &mut Rng, from: &[Uuid]| (!from.is_empty()).then(|| from[rng.below(from.len())]);
        let what = match rng.below(12) {
            0 | 1 => {
                let id = Uuid::now_v7();
                store
                    .add_contact(user, random_contact(&mut rng, id, now))
                    .await
                    .expect("add contact");
                contacts.push(id);
                "addContact"
            }
            2 => {
                let Some(id) = pick(&mut rng, &contacts) else {
                    continue;
                };
                let (old, _) = store.contact(user, id).await.expect("q").expect("hers");
                let new = Contact {
                    created_at: old.created_at,
                    ..random_contact(&mut rng, id, now)
                };
                store
                    .update_contact(user, new)
                    .await
                    .expect("update")
                    .expect("hers");
                "updateContact"
            }
            3 => {
                let Some(id) = pick(&mut rng, &contacts) else {
                    continue;
                };
                store
                    .delete_contact(user, id)
                    .await
                    .expect("delete")
                    .expect("hers");
                contacts.retain(|c| *c != id);
                "deleteContact"
            }
            4..=6 => {
                let Some(contact_id) = pick(&mut rng, &contacts) else {
                    continue;
                };
                let id = Uuid::now_v7();
                store
                    .log_interaction(
                        user,
                        Interaction {
                            id,
                            contact_id,
                            kind: InteractionKind::ALL[rng.below(InteractionKind::ALL.len())],
                            // Now and then logged ahead (the API allows a day).
                            occurred_at: if rng.below(8) == 0 {
                                now + Duration::hours(6)
                            } else {
                                days_ago(now, rng.below(200))
                            },
                            note: None,
                        },
                    )
                    .await
                    .expect("log interaction");
                interactions.push(id);
                "logInteraction"
            }
            7 => {
                let Some(id) = pick(&mut rng, &interactions) else {
                    continue;
                };
                // It may have gone with its contact.
                store
                    .delete_interaction(user, id)
                    .await
                    .expect("delete interaction");
                interactions.retain(|i| *i != id);
                "deleteInteraction"
            }
            8 => {
                let id = Uuid::now_v7();
                store
                    .add_community(
                        user,
                        Community {
                            id,
                            name: CommunityName::parse("name", "Circle").expect("name"),
                            kind: [
                                CommunityKind::InPerson,
                                CommunityKind::Online,
                                CommunityKind::Hybrid,
                            ][rng.below(3)],
                            role: CommunityRole::Member,
                            link: None,
                            created_at: now,
                        },
                    )
                    .await
                    .expect("add community");
                communities.push(id);
                "addCommunity"
            }
            9 => {
                let Some(community_id) = pick(&mut rng, &communities) else {
                    continue;
                };
                let mut attendees: Vec<Uuid> = (0..rng.below(4))
                    .filter_map(|_| pick(&mut rng, &contacts))
                    .collect();
                attendees.sort();
                attendees.dedup();
                let id = Uuid::now_v7();
                store
                    .log_meeting(
                        user,
                        Meeting {
                            id,
                            community_id,
                            // Now and then planned ahead: not a touch until it happens.
                            occurred_at: if rng.below(4) == 0 {
                                now + Duration::days(1 + rng.below(30) as i64)
                            } else {
                                days_ago(now, rng.below(200))
                            },
                            in_person: rng.coin(),
                            attendees,
                            notes: None,
                        },
                    )
                    .await
                    .expect("log meeting");
                meetings.push(id);
                "logMeeting"
            }
            10 => {
                if rng.coin() {
                    let Some(id) = pick(&mut rng, &meetings) else {
                        continue;
                    };
                    store
                        .delete_meeting(user, id)
                        .await
                        .expect("delete meeting");
                    meetings.retain(|m| *m != id);
                    "deleteMeeting"
                } else {
                    let Some(id) = pick(&mut rng, &communities) else {
                        continue;
                    };
                    store
                        .delete_community(user, id)
                        .await
                        .expect("delete community");
                    communities.retain(|c| *c != id);
                    "deleteCommunity"
                }
            }
            _ => {
                if rng.coin() {
                    let tasks: Vec<&str> = Playbook::standard()
                        .steps
                        .iter()
                        .flat_map(|s| s.tasks.iter().map(|t| t.key.as_str()))
                        .collect();
                    let key = tasks[rng.below(tasks.len())];
                    let status = [
                        TaskStatus::NotStarted,
                        TaskStatus::InProgress,
                        TaskStatus::Done,
                        TaskStatus::Skipped,
                    ][rng.below(4)];
                    store
                        .set_task_status(TaskStatusChange {
                            user,
                            task_key: key.to_owned(),
                            status,
                            note: None,
                            now: herlead_store::now(),
                        })
                        .await
                        .expect("set status");
                    "setTaskStatus"
                } else {
                    store
                        .save_presence(
                            user,
                            Presence {
                                website: rng.coin().then(|| {
                                    HttpUrl::parse("website", "https://ada.example.org")
                                        .expect("url")
                                }),
                                email_signature: None,
                                audiences: vec![],
                            },
                        )
                        .await
                        .expect("presence");
                    "savePresence"
                }
            }
        };
        check(store, user, &format!("step {step} ({what}) of seed {seed}")).await;
    }
}

#[tokio::test]
async fn test_derived_state_kept_by_writes_equals_a_from_scratch_evaluation() {
    for db in testing::all().await {
        let mut users = Vec::new();
        for seed in 1..=3u64 {
            let user = member(
                &db.store,
                &format!("seed{seed}@example.org"),
                &format!("h{seed}"),
            )
            .await;
            run(&db.store, user, seed, 60).await;
            users.push(user);
        }
        // Read together, each member's digest is her own (the windows partition by member).
        let now = herlead_store::now();
        let shares: HashSet<UserId> = users.iter().copied().collect();
        let together = db
            .store
            .member_digests(&users, &shares, now)
            .await
            .expect("digests");
        for user in &users {
            let alone = db
                .store
                .member_digests(&[*user], &shares, now)
                .await
                .expect("digest")
                .remove(user)
                .expect("her digest");
            let both = &together[user];
            assert_eq!(both.focus, alone.focus);
            assert_eq!(both.data.totals, alone.data.totals);
            assert_eq!(both.data.meetings, alone.data.meetings);
            assert_eq!(both.sectors, alone.sectors);
            assert_eq!(both.contacts, alone.contacts);
            assert_eq!(both.stable_until, alone.stable_until);
        }
    }
}

/// Accounts from before the derived state existed have none; their first write computes it
/// from scratch, and reads before that compute it on the fly.
#[tokio::test]
async fn test_an_account_without_derived_state_gets_it_on_its_next_write() {
    for db in testing::all().await {
        let user = member(&db.store, "old@example.org", "h-old").await;
        run(&db.store, user, 42, 20).await;
        // The only account of this database.
        for sql in [
            "UPDATE users SET network_totals = NULL RETURNING 'x'",
            "UPDATE contacts SET facts = NULL, due_at = NULL, last_touch_at = NULL RETURNING 'x'",
        ] {
            db.store.query_text(sql).await.expect("forget");
        }
        let left = db
            .store
            .query_text("SELECT CAST(COUNT(*) AS TEXT) FROM users WHERE network_totals IS NOT NULL")
            .await
            .expect("count");
        assert_eq!(left.as_deref(), Some("0"));
        // Reads still agree (computed on the fly) …
        check(&db.store, user, "forgetting the derived state").await;
        // … and the next writes keep it again.
        run(&db.store, user, 43, 10).await;
    }
}
