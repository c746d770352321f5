//! Subscriptions over WebSocket (`graphql-transport-ws`), across replicas, and the CSV
//! export.

use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use herlead_core::Role;
use serde_json::{Value, json};
use tokio_tungstenite::{
    MaybeTlsStream, WebSocketStream,
    tungstenite::{Message, client::IntoClientRequest, http::HeaderValue},
};

use super::*;

pub(crate) type Socket = WebSocketStream<MaybeTlsStream<tokio::net::TcpStream>>;

/// Opens `/graphql/ws` with the graphql-transport-ws protocol and sends `connection_init`.
pub(crate) async fn connect(address: &str, token: Option<&str>) -> Socket {
    let url = format!("{}/graphql/ws", address.replace("http://", "ws://"));
    let mut request = url.into_client_request().expect("request");
    request.headers_mut().insert(
        "Sec-WebSocket-Protocol",
        HeaderValue::from_static("graphql-transport-ws"),
    );
    let (mut socket, response) = tokio_tungstenite::connect_async(request)
        .await
        .expect("websocket");
    assert_eq!(
        response.headers()["sec-websocket-protocol"],
        "graphql-transport-ws"
    );
    let payload = token.map_or(
        json!({}),
        |t| json!({"Authorization": format!("Bearer {t}")}),
    );
    send(
        &mut socket,
        json!({"type": "connection_init", "payload": payload}),
    )
    .await;
    socket
}

pub(crate) async fn send(socket: &mut Socket, message: Value) {
    socket
        .send(Message::Text(message.to_string().into()))
        .await
        .expect("send");
}

/// The next JSON message, skipping pings; `None` when the server closed the socket.
pub(crate) async fn receive(socket: &mut Socket) -> Option<Value> {
    loop {
        let message = tokio::time::timeout(Duration::from_secs(15), socket.next())
            .await
            .expect("the server answers within the test's bound")?;
        match message.ok()? {
            Message::Text(text) => {
                let value: Value = serde_json::from_str(&text).expect("json");
                if value["type"] != "ping" {
                    return Some(value);
                }
            }
            Message::Close(_) => return None,
            _ => {}
        }
    }
}

pub(crate) async fn coach_and_member(app: &TestApp) -> (String, String, String, String) {
    let (coach, _) = app.register("coach@example.org").await;
    let coach_id = app
        .db
        .store
        .user_by_email(&herlead_core::input::Email::parse("e", "coach@example.org").expect("e"))
        .await
        .expect("q")
        .expect("u")
        .id;
    app.db
        .store
        .set_role(coach_id, Role::Coach)
        .await
        .expect("role");
    let (_, body) = app.post(json!({"query": "mutation { createCohort(input: {name: \"Live\"}) { id inviteCode } }"}), Some(&coach)).await;
    let cohort = body["data"]["createCohort"]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("{body}"))
        .to_owned();
    let code = body["data"]["createCohort"]["inviteCode"]
        .as_str()
        .expect("code")
        .to_owned();
    let (member, _) = app.register("ada@example.org").await;
    let (_, body) = app
        .post(json!({"query": "mutation($c: String!) { joinCohort(code: $c) { id } }", "variables": {"c": code}}), Some(&member))
        .await;
    assert!(body["errors"].is_null(), "{body}");
    let (_, me) = app
        .post(json!({"query": "{ me { id } }"}), Some(&member))
        .await;
    (
        coach,
        cohort,
        member,
        me["data"]["me"]["id"].as_str().expect("id").to_owned(),
    )
}

#[tokio::test]
async fn test_nudges_arrive_over_graphql_transport_ws() {
    for app in spawn_all().await {
        let (coach, cohort, member, member_id) = coach_and_member(&app).await;
        let mut socket = connect(&app.address, Some(&member)).await;
        assert_eq!(
            receive(&mut socket).await.expect("ack")["type"],
            "connection_ack"
        );
        send(&mut socket, json!({"id": "1", "type": "subscribe", "payload": {"query": "subscription { myNudges { message taskKey } }"}})).await;
        tokio::time::sleep(Duration::from_millis(1000)).await;
        let (_, body) = app
            .post(
                json!({"query": "mutation($i: NudgeInput!) { sendNudge(input: $i) { id } }",
                       "variables": {"i": {"cohortId": cohort, "memberId": member_id, "message": "You are doing great", "taskKey": "bring.meet_list"}}}),
                Some(&coach),
            )
            .await;
        assert!(body["errors"].is_null(), "{body}");
        let next = receive(&mut socket).await.expect("next");
        assert_eq!(next["type"], "next", "{}: {next}", app.label());
        assert_eq!(next["id"], "1");
        assert_eq!(
            next["payload"]["data"]["myNudges"],
            json!({"message": "You are doing great", "taskKey": "bring.meet_list"})
        );
        app.stop().await;
    }
}

#[tokio::test]
async fn test_websocket_refuses_bad_tokens_and_anonymous_subscriptions() {
    let app = spawn_app(testing::sqlite().await).await;
    let mut socket = connect(&app.address, Some("not-a-token")).await;
    // A refused token ends the connection instead of acknowledging it.
    let answer = receive(&mut socket).await;
    assert!(
        answer
            .as_ref()
            .is_none_or(|m| m["type"] != "connection_ack"),
        "{answer:?}"
    );

    let mut socket = connect(&app.address, None).await;
    assert_eq!(
        receive(&mut socket).await.expect("ack")["type"],
        "connection_ack"
    );
    send(&mut socket, json!({"id": "1", "type": "subscribe", "payload": {"query": "subscription { myNudges { message } }"}})).await;
    // Resolver errors travel as a `next` payload with errors, as async-graphql sends them.
    let error = receive(&mut socket).await.expect("error");
    assert_eq!(
        error["payload"]["errors"][0]["extensions"]["code"], "UNAUTHENTICATED",
        "{error}"
    );
    app.stop().await;
}

#[tokio::test]
async fn test_activity_reaches_a_coach_connected_to_another_replica() {
    // Replicas share one PostgreSQL database; SQLite is one process by design.
    let Some(db) = testing::postgres().await else {
        return;
    };
    let url = db.url.clone();
    let a = spawn_on(db, &url).await;
    let (b_address, b_handle, _b_dir) = spawn_replica(&a, |_| {}).await;

    let (coach, cohort, member, member_id) = coach_and_member(&a).await;
    // The coach watches through replica B …
    let mut socket = connect(&b_address, Some(&coach)).await;
    assert_eq!(
        receive(&mut socket).await.expect("ack")["type"],
        "connection_ack"
    );
    send(
        &mut socket,
        json!({"id": "a", "type": "subscribe", "payload": {
            "query": "subscription($id: ID!) { cohortActivity(cohortId: $id) { memberId taskKey to source } }",
            "variables": {"id": cohort}}}),
    )
    .await;
    tokio::time::sleep(Duration::from_millis(1000)).await;
    // … while the member works through replica A.
    let (_, body) = a
        .post(json!({"query": "mutation { setTaskStatus(input: {taskKey: \"position.tell_your_story\", status: DONE}) { status } }"}), Some(&member))
        .await;
    assert!(body["errors"].is_null(), "{body}");
    let next = receive(&mut socket).await.expect("next");
    assert_eq!(
        next["payload"]["data"]["cohortActivity"],
        json!({"memberId": member_id, "taskKey": "position.tell_your_story", "to": "DONE", "source": "MEMBER"}),
        "{next}"
    );
    drop(socket);
    b_handle.stop(true).await;
    a.stop().await;
}

#[tokio::test]
async fn test_dashboard_csv_export_is_authenticated_and_spreadsheet_safe() {
    for app in spawn_all().await {
        let (coach, cohort, _, _) = coach_and_member(&app).await;
        // A member whose name a spreadsheet would run as a formula.
        let (_, code) = app
            .post(json!({"query": "query($id: ID!) { cohort(id: $id) { inviteCode } }", "variables": {"id": cohort}}), Some(&coach))
            .await;
        let code = code["data"]["cohort"]["inviteCode"]
            .as_str()
            .expect("code")
            .to_owned();
        app.post(
            json!({"query": "mutation($i: RegisterInput!) { register(input: $i) }",
                   "variables": {"i": {"email": "mallory@example.org", "password": "correct horse battery", "displayName": "=HYPERLINK(\"http://evil\")"}}}),
            None,
        )
        .await;
        let (_, body) = app
            .post(
                json!({"query": "mutation($i: LoginInput!) { login(input: $i) { accessToken } }",
                       "variables": {"i": {"email": "mallory@example.org", "password": "correct horse battery"}}}),
                None,
            )
            .await;
        let mallory = body["data"]["login"]["accessToken"]
            .as_str()
            .expect("token")
            .to_owned();
        app.post(json!({"query": "mutation($c: String!) { joinCohort(code: $c) { id } }", "variables": {"c": code}}), Some(&mallory)).await;

        let url = format!("{}/cohorts/{cohort}/dashboard.csv", app.address);
        let res = app
            .client
            .get(&url)
            .bearer_auth(&coach)
            .send()
            .await
            .expect("csv");
        assert_eq!(res.status(), 200, "{}", app.label());
        assert_eq!(res.headers()["content-type"], "text/csv; charset=utf-8");
        let text = res.text().await.expect("body");
        assert!(text.starts_with('\u{feff}'));
        let mut lines = text.trim_start_matches('\u{feff}').lines();
        assert!(
            lines
                .next()
                .expect("header")
                .starts_with("member_id,display_name,sharing")
        );
        let rows: Vec<&str> = lines.collect();
        assert_eq!(rows.len(), 2, "{text}");
        assert!(
            text.contains("\"'=HYPERLINK(\"\"http://evil\"\")\""),
            "{text}"
        );

        let anonymous = app.client.get(&url).send().await.expect("csv");
        assert_eq!(anonymous.status(), 401);
        let stranger = app
            .client
            .get(&url)
            .bearer_auth(&mallory)
            .send()
            .await
            .expect("csv");
        assert_eq!(stranger.status(), 404);
        let garbage = app
            .client
            .get(format!("{}/cohorts/nope/dashboard.csv", app.address))
            .bearer_auth(&coach)
            .send()
            .await
            .expect("csv");
        assert_eq!(garbage.status(), 404);
        app.stop().await;
    }
}
