//! Live updates through the SDK, against the real server on SQLite and PostgreSQL: nudges and
//! cohort activity arrive as they happen, the streams outlive expiring access tokens and a
//! restarted server, and they end when the sign-in does.

use std::{future::Future, sync::Arc, time::Duration};

use herlead_sdk::*;
use herlead_server::testing::TestServer;
use herlead_store::testing::{self, TestDb};

const PASSWORD: &str = "correct horse battery";

/// How long a test waits for something that should come, before it fails (a safety net,
/// not a measurement).
const PATIENCE: Duration = Duration::from_secs(20);

struct Server {
    address: String,
    server: TestServer,
    db: TestDb,
}

/// The real server on `db`, with access tokens that live `access_ttl` seconds, on `port` (any
/// when 0).
async fn spawn(db: TestDb, access_ttl: u64, port: u16) -> Server {
    let server = TestServer::spawn(&db.url, |a| {
        a.access_token_ttl = access_ttl;
        a.bind = format!("127.0.0.1:{port}");
    })
    .await;
    Server {
        address: server.address.clone(),
        server,
        db,
    }
}

fn client(server: &Server) -> Arc<HerLeadClient> {
    HerLeadClient::new(server.address.clone(), ClientOptions::default(), None).expect("client")
}

/// A coach with a cohort, and a member of it: (coach, member, cohort id, member id).
async fn cohort(server: &Server) -> (Arc<HerLeadClient>, Arc<HerLeadClient>, String, String) {
    let coach = client(server);
    coach
        .register("coach@example.org".into(), PASSWORD.into(), "Coach".into())
        .await
        .expect("register the coach");
    herlead_server::admin::set_coach(&server.db.store, "coach@example.org", true)
        .await
        .expect("make her a coach");
    coach
        .login("coach@example.org".into(), PASSWORD.into())
        .await
        .expect("coach signs in");
    let cohort = coach
        .create_cohort(CohortInput {
            name: "Live".into(),
            description: None,
            starts_on: None,
            ends_on: None,
            stall_days: 14,
        })
        .await
        .expect("cohort");
    let member = client(server);
    let ada = member
        .register("ada@example.org".into(), PASSWORD.into(), "Ada".into())
        .await
        .expect("register the member");
    member
        .join_cohort(cohort.invite_code.clone(), SharingLevel::Progress)
        .await
        .expect("join");
    (coach, member, cohort.id, ada.id)
}

/// What `next` answers within the test's patience.
async fn within<T>(next: impl Future<Output = T>) -> T {
    tokio::time::timeout(PATIENCE, next)
        .await
        .expect("the stream answers within the test's patience")
}

/// The coach nudges the member until her stream has one of these nudges: the server starts
/// a subscription a moment after it is sent, so the first nudge may come before it. Nudges
/// of earlier rounds (other `round`s) that arrive late are passed over.
async fn nudge_arrives(
    stream: &NudgeStream,
    coach: &HerLeadClient,
    cohort: &str,
    member: &str,
    round: &str,
) -> Nudge {
    nudge_arrives_after(stream, coach, cohort, member, round)
        .await
        .0
}

/// `nudge_arrives`, also answering the messages of the nudges passed over.
async fn nudge_arrives_after(
    stream: &NudgeStream,
    coach: &HerLeadClient,
    cohort: &str,
    member: &str,
    round: &str,
) -> (Nudge, Vec<String>) {
    let mut passed = Vec::new();
    for attempt in 0..10 {
        coach
            .send_nudge(
                cohort.into(),
                member.into(),
                format!("{round} #{attempt}"),
                Some("bring.meet_list".into()),
            )
            .await
            .expect("nudge");
        let wait = tokio::time::sleep(Duration::from_secs(2));
        tokio::pin!(wait);
        loop {
            tokio::select! {
                () = &mut wait => break,
                next = stream.next() => {
                    let nudge = next.expect("no error").expect("the stream goes on");
                    if nudge.message.starts_with(round) {
                        return (nudge, passed);
                    }
                    passed.push(nudge.message);
                }
            }
        }
    }
    panic!("no nudge of {round} arrived");
}

#[tokio::test]
async fn test_a_member_receives_nudges_live_until_she_signs_out() {
    for db in testing::all().await {
        let label = format!("{:?}", db.backend());
        let server = spawn(db, 900, 0).await;
        let (coach, member, cohort, member_id) = cohort(&server).await;

        let signed_out = client(&server);
        let err = signed_out.nudge_stream().await.expect_err("not signed in");
        assert!(
            matches!(err, HerLeadError::Unauthenticated { .. }),
            "{label}: {err:?}"
        );

        let nudges = member.clone().nudge_stream().await.expect("stream");
        let nudge = nudge_arrives(&nudges, &coach, &cohort, &member_id, "first").await;
        assert_eq!(
            (
                nudge.member_id.as_str(),
                nudge.cohort_id.as_str(),
                nudge.task_key.as_deref()
            ),
            (member_id.as_str(), cohort.as_str(), Some("bring.meet_list")),
            "{label}"
        );
        assert!(nudge.read_at.is_none());
        // Once the stream is live, every nudge arrives, once and in order.
        for n in 0..3 {
            coach
                .send_nudge(
                    cohort.clone(),
                    member_id.clone(),
                    format!("then #{n}"),
                    None,
                )
                .await
                .expect("nudge");
        }
        let mut messages = Vec::new();
        while messages.len() < 3 {
            let nudge = within(nudges.next())
                .await
                .expect("no error")
                .expect("open");
            if nudge.message.starts_with("then") {
                messages.push(nudge.message);
            }
        }
        assert_eq!(messages, ["then #0", "then #1", "then #2"], "{label}");
        assert_eq!(nudges.connections(), 1, "{label}");

        // A second stream of hers, cancelled by the app: it ends at once.
        let other = member.clone().nudge_stream().await.expect("stream");
        other.cancel();
        assert_eq!(within(other.next()).await.expect("no error"), None);

        // Signing out ends the stream cleanly.
        member.logout().await.expect("logout");
        assert_eq!(
            within(nudges.next()).await.expect("no error"),
            None,
            "{label}"
        );
        assert_eq!(
            within(nudges.next()).await.expect("no error"),
            None,
            "{label}"
        );
        server.server.stop().await;
    }
}

#[tokio::test]
async fn test_a_stream_ends_when_she_signs_out_everywhere() {
    for db in testing::all().await {
        let label = format!("{:?}", db.backend());
        let server = spawn(db, 900, 0).await;
        let (coach, member, cohort, member_id) = cohort(&server).await;
        let nudges = member.clone().nudge_stream().await.expect("stream");
        nudge_arrives(&nudges, &coach, &cohort, &member_id, "before").await;
        member
            .sign_out_everywhere()
            .await
            .expect("sign out everywhere");
        assert_eq!(
            within(nudges.next()).await.expect("no error"),
            None,
            "{label}"
        );
        assert!(!member.is_signed_in());
        server.server.stop().await;
    }
}

#[tokio::test]
async fn test_a_coach_sees_her_members_progress_live_and_a_member_cannot() {
    for db in testing::all().await {
        let label = format!("{:?}", db.backend());
        let server = spawn(db, 900, 0).await;
        let (coach, member, cohort, member_id) = cohort(&server).await;
        let activity = coach
            .clone()
            .cohort_activity_stream(cohort.clone())
            .await
            .expect("stream");
        // She changes a self-reported task back and forth until the coach's stream has
        // caught a change (the subscription starts a moment after it is sent).
        let key = "position.tell_your_story";
        let mut seen = None;
        for (attempt, status) in [TaskStatus::Done, TaskStatus::InProgress]
            .into_iter()
            .cycle()
            .take(10)
            .enumerate()
        {
            member
                .set_task_status(key.into(), status, None)
                .await
                .unwrap_or_else(|e| panic!("{label}: status #{attempt}: {e}"));
            if let Ok(next) = tokio::time::timeout(Duration::from_secs(2), activity.next()).await {
                seen = next.expect("no error");
                break;
            }
        }
        let event = seen.unwrap_or_else(|| panic!("{label}: no activity arrived"));
        assert_eq!(
            (
                event.member_id.as_str(),
                event.display_name.as_str(),
                event.task_key.as_str()
            ),
            (member_id.as_str(), "Ada", key),
            "{label}"
        );
        assert_ne!(event.from_status, event.to_status);
        assert_eq!(event.source, "MEMBER");

        // A member may not follow a cohort's activity: the stream's first answer says so
        // (as the server does, without telling whether the cohort exists), then it ends.
        let refused = member
            .clone()
            .cohort_activity_stream(cohort.clone())
            .await
            .expect("the socket opens");
        let err = within(refused.next()).await.expect_err("refused");
        assert!(
            matches!(err, HerLeadError::NotFound { .. }),
            "{label}: {err:?}"
        );
        assert_eq!(within(refused.next()).await.expect("no error"), None);
        server.server.stop().await;
    }
}

#[tokio::test]
async fn test_a_stream_renews_its_access_token_on_the_socket_and_keeps_delivering() {
    for db in testing::all().await {
        let label = format!("{:?}", db.backend());
        // Three-second access tokens: the stream renews its token several times below.
        let server = spawn(db, 3, 0).await;
        let (coach, member, cohort, member_id) = cohort(&server).await;
        let nudges = member.clone().nudge_stream().await.expect("stream");
        nudge_arrives(&nudges, &coach, &cohort, &member_id, "fresh").await;
        // The token the socket signed in with, and the two after it, expire meanwhile; the
        // server would close a socket whose token expired (4401).
        tokio::time::sleep(Duration::from_secs(8)).await;
        coach
            .send_nudge(cohort.clone(), member_id.clone(), "later".into(), None)
            .await
            .expect("nudge");
        loop {
            let nudge = within(nudges.next())
                .await
                .expect("no error")
                .expect("open");
            if nudge.message == "later" {
                break;
            }
        }
        // Renewed on the socket, not by reconnecting.
        assert_eq!(nudges.connections(), 1, "{label}");
        server.server.stop().await;
    }
}

#[tokio::test]
async fn test_a_stream_reconnects_after_the_server_restarts_and_misses_nothing() {
    for db in testing::all().await {
        let label = format!("{:?}", db.backend());
        let first = spawn(db, 900, 0).await;
        let (coach, member, cohort, member_id) = cohort(&first).await;
        let nudges = member.clone().nudge_stream().await.expect("stream");
        nudge_arrives(&nudges, &coach, &cohort, &member_id, "before").await;

        // The server goes away (a deploy), dropping every socket, and comes back on the same
        // address and database.
        let port: u16 = first
            .address
            .rsplit(':')
            .next()
            .and_then(|p| p.parse().ok())
            .expect("port");
        first.server.handle.stop(false).await;
        let Server {
            server: gone, db, ..
        } = first;
        drop(gone);
        let second = spawn(db, 900, port).await;
        assert_eq!(second.address, format!("http://127.0.0.1:{port}"));

        // Sent at once, before the stream is likely back: it comes with the catch-up on the
        // new socket if not live, and only once either way.
        coach
            .send_nudge(cohort.clone(), member_id.clone(), "while away".into(), None)
            .await
            .expect("nudge through the new server");
        loop {
            let nudge = within(nudges.next())
                .await
                .expect("no error")
                .expect("open");
            if nudge.message == "while away" {
                break;
            }
        }
        let (after, passed) =
            nudge_arrives_after(&nudges, &coach, &cohort, &member_id, "after").await;
        assert!(after.message.starts_with("after"));
        // "while away" came once (live or caught up, not both).
        assert!(
            !passed.iter().any(|m| m == "while away"),
            "{label}: {passed:?}"
        );
        assert!(
            nudges.connections() >= 2,
            "{label}: {}",
            nudges.connections()
        );
        nudges.cancel();
        assert_eq!(within(nudges.next()).await.expect("no error"), None);
        second.server.stop().await;
    }
}
