//! Security round 2, through the real server: what a request can cost before it is refused,
//! sockets under the same rules as HTTP (limits, expiry, revocation), strings that no
//! database should see, cursors, and where the client's address comes from.

use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;

use super::live::{Socket, coach_and_member, connect, receive, send};
use super::*;

/// A ~1.2 KB document whose fragments spread the next one twice, `depth` deep: 2^depth
/// selections once expanded.
fn fan_out(depth: usize) -> String {
    let fragments: String = (0..depth)
        .map(|i| format!("fragment F{i} on Query {{ ...F{} ...F{} }} ", i + 1, i + 1))
        .collect();
    format!("{{ ...F0 }} {fragments}fragment F{depth} on Query {{ __typename }}")
}

/// Waits for the server to close the socket; the close code, skipping other messages.
async fn closed_with(socket: &mut Socket) -> Option<u16> {
    loop {
        let message = tokio::time::timeout(Duration::from_secs(20), socket.next())
            .await
            .expect("the server closes the socket within the test's bound");
        match message {
            Some(Ok(Message::Close(frame))) => return frame.map(|f| u16::from(f.code)),
            Some(Ok(_)) => {}
            Some(Err(_)) | None => return None,
        }
    }
}

/// Sends one operation on a socket and returns its first answer.
async fn operation(socket: &mut Socket, id: &str, query: &str, variables: Value) -> Value {
    send(
        socket,
        json!({"id": id, "type": "subscribe", "payload": {"query": query, "variables": variables}}),
    )
    .await;
    loop {
        let message = receive(socket).await.expect("an answer");
        if message["id"] == id && message["type"] == "next" {
            return message["payload"].clone();
        }
        if message["type"] == "complete" || message["type"] == "pong" {
            continue;
        }
        panic!("unexpected {message}");
    }
}

async fn acked(address: &str, token: Option<&str>) -> Socket {
    let mut socket = connect(address, token).await;
    assert_eq!(
        receive(&mut socket).await.expect("ack")["type"],
        "connection_ack"
    );
    socket
}

async fn login(app: &TestApp, email: &str) -> (String, String) {
    let (_, body) = app
        .post(
            json!({"query": "mutation($i: LoginInput!) { login(input: $i) { accessToken refreshToken } }",
                   "variables": {"i": {"email": email, "password": "correct horse battery"}}}),
            None,
        )
        .await;
    let p = &body["data"]["login"];
    (
        p["accessToken"]
            .as_str()
            .unwrap_or_else(|| panic!("{body}"))
            .to_owned(),
        p["refreshToken"].as_str().expect("refresh").to_owned(),
    )
}

fn code(payload: &Value) -> &str {
    payload["errors"][0]["extensions"]["code"]
        .as_str()
        .unwrap_or_else(|| panic!("no error code in {payload}"))
}

#[tokio::test]
async fn test_fragment_fan_out_and_duplication_are_refused_before_validation_while_health_answers()
{
    let app = spawn_app(testing::sqlite().await).await;
    let doc = fan_out(30);
    assert!(doc.len() < 1300, "{}", doc.len());
    let post = |query: String| {
        app.client
            .post(format!("{}/graphql", app.address))
            .json(&json!({ "query": query }))
            .timeout(Duration::from_secs(120))
            .send()
    };
    let health = app
        .client
        .get(format!("{}/healthz", app.address))
        .timeout(Duration::from_secs(120))
        .send();
    // Two at once kept both workers busy for good before; now both are refused at once.
    let (a, b, health) = tokio::join!(post(doc.clone()), post(doc.clone()), health);
    assert_eq!(health.expect("health answers").status(), 200);
    for res in [a, b] {
        let res = res.expect("answered");
        assert_eq!(res.status(), 400);
        let body: Value = res.json().await.expect("json");
        assert_eq!(code(&body), "VALIDATION", "{body}");
        let error = &body["errors"][0];
        assert_eq!(error["extensions"]["limit"], 2000, "{body}");
        assert!(
            error["message"]
                .as_str()
                .expect("message")
                .contains("selections"),
            "{body}"
        );
    }
    // Fragments that spread each other in a cycle are refused before anything follows them.
    let (status, body) = app
        .post(
            json!({"query": "{ ...A } fragment A on Query { ...B ...B } fragment B on Query { ...A ...A }"}),
            None,
        )
        .await;
    assert_eq!((status, code(&body)), (200, "VALIDATION"), "{body}");
    assert!(body["data"].is_null(), "{body}");

    // Duplication: 2,100 fields fit in the length limit but not in the selection limit …
    let (status, body) = app
        .post(
            json!({"query": format!("{{ {} }}", "__typename ".repeat(2100))}),
            None,
        )
        .await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(body["errors"][0]["extensions"]["cost"], 2100, "{body}");
    // … and 3,300 not even in the length limit (refused before parsing).
    let (status, body) = app
        .post(
            json!({"query": format!("{{ {} }}", "__typename ".repeat(3300))}),
            None,
        )
        .await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(body["errors"][0]["extensions"]["limit"], 32768, "{body}");

    // The same admission over a socket.
    let mut socket = acked(&app.address, None).await;
    let payload = operation(&mut socket, "1", &doc, json!({})).await;
    assert_eq!(code(&payload), "VALIDATION", "{payload}");
    assert_eq!(payload["errors"][0]["extensions"]["limit"], 2000);
    app.stop().await;
}

#[tokio::test]
async fn test_a_socket_closes_when_its_token_expires_unless_renewed_in_band() {
    let db = testing::sqlite().await;
    let url = db.url.clone();
    let app = spawn_with(db, &url, |a: &mut ConfigArgs| {
        a.access_token_ttl = 4;
    })
    .await;
    let (_, refresh) = app.register("ada@example.org").await;
    let (access, _) = login(&app, "ada@example.org").await;
    let mut plain = acked(&app.address, Some(&access)).await;
    let mut renewed = acked(&app.address, Some(&access)).await;
    let me = operation(&mut plain, "1", "{ me { email } }", json!({})).await;
    assert_eq!(me["data"]["me"]["email"], "ada@example.org", "{me}");

    tokio::time::sleep(Duration::from_millis(2500)).await;
    let (_, body) = app
        .post(
            json!({"query": "mutation($t: String!) { refreshSession(refreshToken: $t) { accessToken } }",
                   "variables": {"t": refresh}}),
            None,
        )
        .await;
    let fresh = body["data"]["refreshSession"]["accessToken"]
        .as_str()
        .unwrap_or_else(|| panic!("{body}"))
        .to_owned();
    send(
        &mut renewed,
        json!({"type": "ping", "payload": {"Authorization": format!("Bearer {fresh}")}}),
    )
    .await;
    assert_eq!(receive(&mut renewed).await.expect("pong")["type"], "pong");

    // The first token has expired: its socket is closed with 4401 …
    assert_eq!(closed_with(&mut plain).await, Some(4401));
    // … while the renewed one still answers, under the fresh token …
    let me = operation(&mut renewed, "2", "{ me { email } }", json!({})).await;
    assert_eq!(me["data"]["me"]["email"], "ada@example.org", "{me}");
    // … until that one expires too.
    assert_eq!(closed_with(&mut renewed).await, Some(4401));

    // A token of another account does not renew a socket.
    let (other, _) = app.register("grace@example.org").await;
    let (access, _) = login(&app, "ada@example.org").await;
    let mut socket = acked(&app.address, Some(&access)).await;
    send(
        &mut socket,
        json!({"type": "ping", "payload": {"Authorization": format!("Bearer {other}")}}),
    )
    .await;
    assert!(closed_with(&mut socket).await.is_some());
    app.stop().await;
}

#[tokio::test]
async fn test_sign_out_and_a_change_of_role_end_open_sockets_on_every_replica() {
    for db in testing::all().await {
        let postgres = db.backend() == herlead_store::Backend::Postgres;
        let url = db.url.clone();
        let a = spawn_on(db, &url).await;
        // On PostgreSQL the sockets sit on a second replica; SQLite is one process.
        let b = if postgres {
            Some(spawn_replica(&a, |_| {}).await)
        } else {
            None
        };
        let socket_address = b
            .as_ref()
            .map_or(a.address.clone(), |(addr, _, _)| addr.clone());

        let (first, first_refresh) = a.register("ada@example.org").await;
        let (second, _) = login(&a, "ada@example.org").await;
        let mut one = acked(&socket_address, Some(&first)).await;
        let mut two = acked(&socket_address, Some(&second)).await;
        send(&mut one, json!({"id": "n", "type": "subscribe", "payload": {"query": "subscription { myNudges { message } }"}})).await;
        tokio::time::sleep(Duration::from_millis(500)).await;

        let (_, body) = a
            .post(
                json!({"query": "mutation($t: String!) { logout(refreshToken: $t) }", "variables": {"t": first_refresh}}),
                None,
            )
            .await;
        assert_eq!(body["data"]["logout"], true, "{body}");
        assert_eq!(closed_with(&mut one).await, Some(4403), "{}", a.label());
        // Another sign-in of hers is not ended by that one …
        let me = operation(&mut two, "1", "{ me { email } }", json!({})).await;
        assert_eq!(me["data"]["me"]["email"], "ada@example.org", "{me}");
        // … but a change of role, by an administrator through the API, ends them all.
        let store = a.db.store.clone();
        let id = async |e: &str| {
            store
                .user_by_email(&herlead_core::input::Email::parse("e", e).expect("e"))
                .await
                .expect("q")
                .expect("u")
                .id
        };
        a.register("root@example.org").await;
        store
            .set_role(id("root@example.org").await, herlead_core::Role::Admin)
            .await
            .expect("role");
        let (root, _) = login(&a, "root@example.org").await;
        let (_, body) = a
            .post(
                json!({"query": "mutation($u: ID!) { grantCoach(userId: $u) { role } }",
                       "variables": {"u": id("ada@example.org").await.to_string()}}),
                Some(&root),
            )
            .await;
        assert_eq!(body["data"]["grantCoach"]["role"], "COACH", "{body}");
        assert_eq!(closed_with(&mut two).await, Some(4403), "{}", a.label());
        // An access token of an ended sign-in opens no socket.
        let mut again = connect(&socket_address, Some(&first)).await;
        let answer = receive(&mut again).await;
        assert!(
            answer
                .as_ref()
                .is_none_or(|m| m["type"] != "connection_ack"),
            "{answer:?}"
        );
        if let Some((_, handle, _)) = b {
            handle.stop(true).await;
        }
        a.stop().await;
    }
}

#[tokio::test]
async fn test_sockets_obey_the_same_limits_as_http() {
    let db = testing::sqlite().await;
    let url = db.url.clone();
    let app = spawn_with(db, &url, |a: &mut ConfigArgs| {
        a.rate_auth_per_address = 3;
        a.rate_fields_per_caller = 6;
        a.max_aliases = 4;
    })
    .await;
    let mut socket = acked(&app.address, None).await;
    let mut answers = Vec::new();
    for i in 0..5 {
        let payload = operation(
            &mut socket,
            &format!("r{i}"),
            "mutation($i: RegisterInput!) { register(input: $i) }",
            json!({"i": {"email": format!("u{i}@example.org"), "password": "correct horse battery", "displayName": "U"}}),
        )
        .await;
        answers.push(if payload["errors"].is_null() {
            "OK".to_owned()
        } else {
            code(&payload).to_owned()
        });
    }
    // The address's quota of sign-ins and registrations holds on a socket too.
    assert_eq!(
        answers,
        ["OK", "OK", "OK", "RATE_LIMITED", "RATE_LIMITED"],
        "{answers:?}"
    );
    // Aliases are capped as on HTTP, and a refused document takes nothing from the quota.
    let aliases = "{ a: __typename b: __typename c: __typename d: __typename e: __typename }";
    let payload = operation(&mut socket, "a", aliases, json!({})).await;
    assert_eq!(code(&payload), "VALIDATION", "{payload}");
    assert_eq!(payload["errors"][0]["extensions"]["limit"], 4);
    // Root fields per anonymous caller: 5 registrations + 1 = the quota of 6.
    let payload = operation(&mut socket, "p1", "{ playbook { version } }", json!({})).await;
    assert!(payload["errors"].is_null(), "{payload}");
    let payload = operation(&mut socket, "p2", "{ playbook { version } }", json!({})).await;
    assert_eq!(code(&payload), "RATE_LIMITED", "{payload}");
    app.stop().await;
}

#[tokio::test]
async fn test_subscriptions_are_capped_per_socket_and_per_account() {
    let db = testing::sqlite().await;
    let url = db.url.clone();
    let app = spawn_with(db, &url, |a: &mut ConfigArgs| {
        a.max_subscriptions_per_socket = 2;
        a.max_subscriptions_per_user = 3;
    })
    .await;
    let (access, _) = app.register("ada@example.org").await;
    let nudges = |id: &str| json!({"id": id, "type": "subscribe", "payload": {"query": "subscription { myNudges { message } }"}});
    // Operations on a socket run concurrently, so which of them is refused is not fixed:
    // exactly one of each pair over the cap is, with the cap's own message.
    let refused_among = async |socket: &mut Socket, ids: &[&str], message: &str| -> String {
        for id in ids {
            send(socket, nudges(id)).await;
        }
        let refused = receive(socket).await.expect("refusal");
        let id = refused["id"].as_str().expect("id").to_owned();
        assert!(ids.contains(&id.as_str()), "{refused}");
        assert_eq!(code(&refused["payload"]), "VALIDATION", "{refused}");
        assert!(
            refused["payload"]["errors"][0]["message"]
                .as_str()
                .expect("message")
                .contains(message),
            "{refused}"
        );
        let complete = receive(socket).await.expect("complete");
        assert_eq!(
            (&complete["id"], &complete["type"]),
            (&json!(id), &json!("complete"))
        );
        id
    };
    let mut one = acked(&app.address, Some(&access)).await;
    let refused = refused_among(&mut one, &["1", "2", "3"], "one connection").await;
    let open_on_one = ["1", "2", "3"]
        .into_iter()
        .find(|id| *id != refused)
        .expect("an open one");
    let mut two = acked(&app.address, Some(&access)).await;
    refused_among(&mut two, &["a", "b"], "one account").await;
    // Completing one frees its place.
    send(&mut one, json!({"id": open_on_one, "type": "complete"})).await;
    let done = receive(&mut one).await.expect("complete");
    assert_eq!(
        (&done["id"], &done["type"]),
        (&json!(open_on_one), &json!("complete"))
    );
    tokio::time::sleep(Duration::from_millis(1000)).await;
    send(&mut two, nudges("c")).await;
    let answer = tokio::time::timeout(Duration::from_millis(1500), receive(&mut two)).await;
    assert!(
        answer.is_err(),
        "a live subscription answers nothing yet: {answer:?}"
    );
    drop((one, two));
    app.stop().await;
}

#[tokio::test]
async fn test_nul_and_invalid_utf8_never_reach_a_database() {
    for app in spawn_all().await {
        let (coach, cohort, member, member_id) = coach_and_member(&app).await;
        let nul = "a\u{0}b";
        let cases: Vec<(&str, Value, &str)> = vec![
            (
                "mutation($i: RegisterInput!) { register(input: $i) }",
                json!({"i": {"email": "n@example.org", "password": "correct horse battery", "displayName": nul}}),
                "",
            ),
            (
                "mutation($i: RegisterInput!) { register(input: $i) }",
                json!({"i": {"email": format!("{nul}@example.org"), "password": "correct horse battery", "displayName": "N"}}),
                "",
            ),
            (
                "mutation($i: LoginInput!) { login(input: $i) { accessToken } }",
                json!({"i": {"email": "ada@example.org", "password": nul}}),
                "",
            ),
            (
                "mutation($t: String!) { refreshSession(refreshToken: $t) { accessToken } }",
                json!({"t": nul}),
                "",
            ),
            (
                "mutation($c: String!) { joinCohort(code: $c) { id } }",
                json!({"c": "ABCD\u{0}EFGH"}),
                "member",
            ),
            (
                "mutation { joinCohort(code: \"ABCD\\u0000EFGH\") { id } }",
                json!({}),
                "member",
            ),
            (
                "mutation($i: ContactInput!) { addContact(input: $i) { id } }",
                json!({"i": {"name": nul, "sector": "MEDIA", "scope": "CITY"}}),
                "member",
            ),
            (
                "mutation($i: PresenceInput!) { updatePresence(input: $i) { website } }",
                json!({"i": {"website": format!("https://{nul}.example.org")}}),
                "member",
            ),
            (
                "mutation($i: PresenceInput!) { updatePresence(input: $i) { website } }",
                json!({"i": {"emailSignature": nul}}),
                "member",
            ),
            (
                "mutation($i: CommunityInput!) { addCommunity(input: $i) { id } }",
                json!({"i": {"name": nul, "kind": "IN_PERSON"}}),
                "member",
            ),
            (
                "mutation($i: SetTaskStatusInput!) { setTaskStatus(input: $i) { status } }",
                json!({"i": {"taskKey": "position.tell_your_story", "status": "DONE", "note": nul}}),
                "member",
            ),
            (
                "mutation($i: SetTaskStatusInput!) { setTaskStatus(input: $i) { status } }",
                json!({"i": {"taskKey": nul, "status": "DONE"}}),
                "member",
            ),
            (
                "query($q: String) { contacts(filter: {search: $q}) { totalCount } }",
                json!({"q": nul}),
                "member",
            ),
            (
                "query($a: String) { contacts(after: $a) { totalCount } }",
                json!({"a": nul}),
                "member",
            ),
            (
                "mutation($i: CohortInput!) { createCohort(input: $i) { id } }",
                json!({"i": {"name": nul}}),
                "coach",
            ),
            (
                "mutation($c: ID!, $e: String!) { addCoCoach(cohortId: $c, email: $e) { id } }",
                json!({"c": cohort, "e": nul}),
                "coach",
            ),
            (
                "mutation($i: NudgeInput!) { sendNudge(input: $i) { id } }",
                json!({"i": {"cohortId": cohort, "memberId": member_id, "message": nul}}),
                "coach",
            ),
            (
                "mutation($c: ID!, $i: CohortTaskInput!) { addCohortTask(cohortId: $c, input: $i) { id } }",
                json!({"c": cohort, "i": {"title": nul, "step": "POSITION"}}),
                "coach",
            ),
            (
                "query($c: ID!) { cohort(id: $c) { name } }",
                json!({"c": nul}),
                "coach",
            ),
        ];
        for (query, variables, who) in cases {
            let token = match who {
                "member" => Some(member.as_str()),
                "coach" => Some(coach.as_str()),
                _ => None,
            };
            let (_, body) = app
                .post(json!({"query": query, "variables": variables}), token)
                .await;
            assert_eq!(
                code(&body),
                "VALIDATION",
                "{}: {query}: {body}",
                app.label()
            );
            assert!(
                body["data"].is_null()
                    || body["data"]
                        .as_object()
                        .is_some_and(|d| d.values().all(Value::is_null)),
                "{body}"
            );
        }
        // Nothing was written.
        let (_, body) = app
            .post(
                json!({"query": "{ contacts { totalCount } communities { id } }"}),
                Some(&member),
            )
            .await;
        assert_eq!(body["data"]["contacts"]["totalCount"], 0, "{body}");
        assert_eq!(body["data"]["communities"], json!([]), "{body}");

        // A body that is not UTF-8 is refused before anything reads it as text.
        let res = app
            .client
            .post(format!("{}/graphql", app.address))
            .header("content-type", "application/json")
            .body(
                b"{\"query\": \"{ playbook { version } }\", \"variables\": {\"x\": \"\xff\xfe\"}}"
                    .to_vec(),
            )
            .send()
            .await
            .expect("post");
        assert_eq!(res.status(), 400);
        let body: Value = res.json().await.expect("json");
        assert_eq!(code(&body), "VALIDATION", "{body}");
        // The same over a socket: a NUL in a variable, and a frame that is not UTF-8.
        let mut socket = acked(&app.address, Some(&member)).await;
        let payload = operation(
            &mut socket,
            "1",
            "mutation($c: String!) { joinCohort(code: $c) { id } }",
            json!({"c": nul}),
        )
        .await;
        assert_eq!(code(&payload), "VALIDATION", "{payload}");
        socket
            .send(Message::Binary(
                b"{\"type\":\"ping\",\"payload\":\"\xff\"}".to_vec().into(),
            ))
            .await
            .expect("send");
        assert!(closed_with(&mut socket).await.is_some());
        let (status, _) = app
            .post(json!({"query": "{ playbook { version } }"}), None)
            .await;
        assert_eq!(status, 200, "the server carries on");
        app.stop().await;
    }
}

#[tokio::test]
async fn test_cursors_are_bounded_and_never_overflow() {
    for app in spawn_all().await {
        let (coach, cohort, _, _) = coach_and_member(&app).await;
        let members = |after: &str| {
            json!({"query": "query($c: ID!, $a: String) { cohort(id: $c) { members(first: 10, after: $a) { edges { cursor } } } }",
                   "variables": {"c": cohort, "a": after}})
        };
        for bad in ["18446744073709551615", "4294967296", "-1", "x"] {
            let (_, body) = app.post(members(bad), Some(&coach)).await;
            assert_eq!(code(&body), "VALIDATION", "{}: {bad}: {body}", app.label());
            assert_eq!(body["errors"][0]["extensions"]["field"], "after", "{body}");
        }
        let (_, body) = app.post(members("0"), Some(&coach)).await;
        assert!(body["errors"].is_null(), "{body}");
        app.stop().await;
    }
}

#[tokio::test]
async fn test_client_address_comes_from_trusted_proxies_only() {
    let login = json!({"query": "mutation($i: LoginInput!) { login(input: $i) { accessToken } }",
                       "variables": {"i": {"email": "nobody@example.org", "password": "wrong password"}}});
    let attempt = |app: &TestApp, forwarded: &str| {
        app.client
            .post(format!("{}/graphql", app.address))
            .header("x-forwarded-for", forwarded.to_owned())
            .json(&login)
            .send()
    };
    let outcome = |body: Value| code(&body).to_owned();
    for trusted in [true, false] {
        let db = testing::sqlite().await;
        let url = db.url.clone();
        let app = spawn_with(db, &url, |a: &mut ConfigArgs| {
            a.rate_auth_per_address = 2;
            if trusted {
                a.trusted_proxies = vec!["127.0.0.1".into(), "10.0.0.0/8".into()];
            }
        })
        .await;
        let mut seen = Vec::new();
        for forwarded in [
            "198.51.100.7",
            "198.51.100.7",
            "198.51.100.7",
            "203.0.113.9, 10.1.2.3",
        ] {
            let res = attempt(&app, forwarded).await.expect("post");
            seen.push(outcome(res.json().await.expect("json")));
        }
        if trusted {
            // Behind the proxy, each client has its own quota; the nearest untrusted hop is
            // the client, even behind a second, internal proxy.
            assert_eq!(
                seen,
                [
                    "UNAUTHENTICATED",
                    "UNAUTHENTICATED",
                    "RATE_LIMITED",
                    "UNAUTHENTICATED"
                ]
            );
        } else {
            // From an untrusted peer the header is ignored: one quota for the peer.
            assert_eq!(
                seen,
                [
                    "UNAUTHENTICATED",
                    "UNAUTHENTICATED",
                    "RATE_LIMITED",
                    "RATE_LIMITED"
                ]
            );
        }
        app.stop().await;
    }
}

#[tokio::test]
async fn test_rate_limits_hold_across_replicas_on_postgresql() {
    let Some(db) = testing::postgres().await else {
        return;
    };
    let url = db.url.clone();
    let extra = |a: &mut ConfigArgs| a.rate_auth_per_address = 3;
    let a = spawn_with(db, &url, extra).await;
    let (b_address, b_handle, _b_dir) = spawn_replica(&a, extra).await;
    let login = json!({"query": "mutation($i: LoginInput!) { login(input: $i) { accessToken } }",
                       "variables": {"i": {"email": "nobody@example.org", "password": "wrong password"}}});
    let mut seen = Vec::new();
    for address in [&a.address, &b_address, &a.address, &b_address] {
        let res = a
            .client
            .post(format!("{address}/graphql"))
            .json(&login)
            .send()
            .await
            .expect("post");
        let body: Value = res.json().await.expect("json");
        seen.push(code(&body).to_owned());
    }
    // Three attempts in all, wherever they land: two replicas do not double the quota.
    assert_eq!(
        seen,
        [
            "UNAUTHENTICATED",
            "UNAUTHENTICATED",
            "UNAUTHENTICATED",
            "RATE_LIMITED"
        ]
    );
    b_handle.stop(true).await;
    a.stop().await;
}

#[tokio::test]
async fn test_metrics_are_private_in_production_or_on_their_own_address() {
    let db = testing::sqlite().await;
    let url = db.url.clone();
    let app = spawn_with(db, &url, |a: &mut ConfigArgs| {
        a.production = true;
    })
    .await;
    let res = app
        .client
        .get(format!("{}/metrics", app.address))
        .send()
        .await
        .expect("get");
    assert_eq!(res.status(), 404, "not public in production mode");
    app.stop().await;

    let db = testing::sqlite().await;
    let port = {
        let probe = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        probe.local_addr().expect("addr").port()
    };
    let metrics_bind = format!("127.0.0.1:{port}");
    let server = TestServer::spawn(&db.url, |a| {
        a.production = true;
        a.metrics_bind = Some(metrics_bind.clone());
    })
    .await;
    let address = server.address.clone();
    let client = reqwest::Client::new();
    let main = client
        .get(format!("{address}/metrics"))
        .send()
        .await
        .expect("get");
    assert_eq!(main.status(), 404);
    let own = client
        .get(format!("http://{metrics_bind}/metrics"))
        .send()
        .await
        .expect("get");
    assert_eq!(own.status(), 200);
    assert!(own.text().await.expect("text").contains("herlead_"));
    server.stop().await;
}

#[tokio::test]
async fn test_a_password_change_ends_her_other_sockets_and_signing_out_everywhere_ends_all() {
    for db in testing::all().await {
        let url = db.url.clone();
        let a = spawn_on(db, &url).await;
        let (first, _) = a.register("ada@example.org").await;
        let (second, _) = login(&a, "ada@example.org").await;
        let mut one = acked(&a.address, Some(&first)).await;
        let mut two = acked(&a.address, Some(&second)).await;
        send(&mut two, json!({"id": "n", "type": "subscribe", "payload": {"query": "subscription { myNudges { message } }"}})).await;
        tokio::time::sleep(Duration::from_millis(300)).await;

        // She changes her password from the first sign-in: the second one's socket closes.
        let (_, body) = a
            .post(
                json!({"query": "mutation { changePassword(currentPassword: \"correct horse battery\", newPassword: \"a new horse battery\") }"}),
                Some(&first),
            )
            .await;
        assert_eq!(body["data"]["changePassword"], true, "{body}");
        assert_eq!(closed_with(&mut two).await, Some(4403), "{}", a.label());
        // The sign-in she changed it from stays open …
        let me = operation(&mut one, "1", "{ me { email } }", json!({})).await;
        assert_eq!(me["data"]["me"]["email"], "ada@example.org", "{me}");
        // … until she signs out everywhere.
        send(&mut one, json!({"id": "n", "type": "subscribe", "payload": {"query": "subscription { myNudges { message } }"}})).await;
        let (_, body) = a
            .post(
                json!({"query": "mutation { signOutEverywhere }"}),
                Some(&first),
            )
            .await;
        assert_eq!(body["data"]["signOutEverywhere"], true, "{body}");
        assert_eq!(closed_with(&mut one).await, Some(4403), "{}", a.label());
        a.stop().await;
    }
}
