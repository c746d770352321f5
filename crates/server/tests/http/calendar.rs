//! Her calendar feed over HTTP: valid RFC 5545 (read back by a parser), her upcoming
//! meetings and due reconnects, and an address that stops working when rotated or disabled.

use chrono::{Duration, Utc};
use serde_json::{Value, json};

use super::*;

async fn ok(app: &TestApp, query: &str, variables: Value, token: &str) -> Value {
    let (_, body) = app
        .post(json!({"query": query, "variables": variables}), Some(token))
        .await;
    assert!(body["errors"].is_null(), "{query}: {body}");
    body["data"].clone()
}

async fn get(app: &TestApp, path: &str) -> (u16, String, String) {
    let res = app
        .client
        .get(format!("{}{path}", app.address))
        .send()
        .await
        .expect("GET");
    let status = res.status().as_u16();
    let kind = res
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap_or("").to_owned())
        .unwrap_or_default();
    (status, kind, res.text().await.expect("body"))
}

const ENABLE: &str = "mutation { enableCalendarFeed { path } }";

#[tokio::test]
async fn test_her_calendar_feed_is_valid_ics_behind_a_rotatable_secret() {
    for app in spawn_all().await {
        let (t, _) = app.register("ada@example.org").await;
        let (other, _) = app.register("grace@example.org").await;
        let soon = (Utc::now() + Duration::days(3)).to_rfc3339();
        let past = (Utc::now() - Duration::days(40)).to_rfc3339();
        let community = ok(&app, "mutation { addCommunity(input: {name: \"Women in Policy; Lisbon, PT\", kind: IN_PERSON}) { id } }", json!({}), &t).await["addCommunity"]["id"].clone();
        let notes = "Bring the report, the slides; and a long, long agenda that goes on past seventy-five octets so that the line must fold ✓\nSecond line";
        ok(&app, "mutation($c: ID!, $at: DateTime!, $n: String) { logMeeting(input: {communityId: $c, occurredAt: $at, inPerson: true, notes: $n}) { id } }", json!({"c": community, "at": soon, "n": notes}), &t).await;
        ok(&app, "mutation($c: ID!, $at: DateTime!) { logMeeting(input: {communityId: $c, occurredAt: $at, inPerson: true}) { id } }", json!({"c": community, "at": past}), &t).await;
        let contact = ok(&app, "mutation { addContact(input: {name: \"Grace Hopper\", sector: MEDIA, scope: CITY, onMeetList: true}) { id } }", json!({}), &t).await["addContact"]["id"].clone();
        ok(&app, "mutation($c: ID!, $at: DateTime) { logInteraction(input: {contactId: $c, kind: SHARED_POST, occurredAt: $at}) { interaction { id } } }", json!({"c": contact, "at": past}), &t).await;

        let data = ok(&app, "{ calendarFeed { createdAt } }", json!({}), &t).await;
        assert!(data["calendarFeed"].is_null(), "{data}");
        let path = ok(&app, ENABLE, json!({}), &t).await["enableCalendarFeed"]["path"]
            .as_str()
            .expect("path")
            .to_owned();
        assert!(
            path.starts_with("/calendar/") && path.ends_with(".ics"),
            "{path}"
        );
        let data = ok(&app, "{ calendarFeed { createdAt } }", json!({}), &t).await;
        assert!(data["calendarFeed"]["createdAt"].is_string(), "{data}");

        let (status, kind, ics) = get(&app, &path).await;
        assert_eq!(status, 200, "{}: {ics}", app.label());
        assert!(kind.starts_with("text/calendar"), "{kind}");
        // RFC 5545 §3.1: CRLF line ends, lines of at most 75 octets.
        assert!(ics.ends_with("\r\n"));
        for line in ics.split("\r\n") {
            assert!(!line.contains('\n'), "bare LF in {line:?}");
            assert!(line.len() <= 75, "{} octets: {line:?}", line.len());
        }
        let unfolded = icalendar::parser::unfold(&ics);
        let calendar = icalendar::parser::read_calendar(&unfolded).expect("the feed parses");
        let events: Vec<_> = calendar
            .components
            .iter()
            .filter(|c| c.name == "VEVENT")
            .collect();
        let prop = |e: &icalendar::parser::Component<'_>, name: &str| {
            e.properties
                .iter()
                .find(|p| p.name == name)
                .map(|p| p.val.as_str().to_owned())
        };
        // One upcoming meeting (the past one is not listed) and one reconnect.
        assert_eq!(events.len(), 2, "{ics}");
        for e in &events {
            assert!(
                prop(e, "UID").is_some() && prop(e, "DTSTAMP").is_some(),
                "{ics}"
            );
            assert!(prop(e, "DTSTART").is_some(), "{ics}");
        }
        let meeting = events
            .iter()
            .find(|e| prop(e, "UID").is_some_and(|u| u.starts_with("meeting-")))
            .expect("the meeting");
        assert_eq!(
            prop(meeting, "SUMMARY").as_deref(),
            Some("Meeting: Women in Policy; Lisbon, PT"),
            "{ics}"
        );
        assert_eq!(
            prop(meeting, "DESCRIPTION").as_deref(),
            Some(notes),
            "{ics}"
        );
        // Escaped on the wire (RFC 5545 §3.3.11).
        assert!(
            unfolded.contains("Women in Policy\\; Lisbon\\, PT"),
            "{ics}"
        );
        assert!(unfolded.contains("✓\\nSecond line"), "{ics}");
        let reconnect = events
            .iter()
            .find(|e| prop(e, "UID").is_some_and(|u| u.starts_with("reconnect-")))
            .expect("the reconnect");
        assert_eq!(
            prop(reconnect, "SUMMARY").as_deref(),
            Some("Reconnect with Grace Hopper")
        );
        let (start, end) = (
            prop(reconnect, "DTSTART").expect("start"),
            prop(reconnect, "DTEND").expect("end"),
        );
        assert!(start.len() == 8 && end > start, "a one-day event: {ics}");
        // Another member's feed does not show hers.
        let theirs = ok(&app, ENABLE, json!({}), &other).await["enableCalendarFeed"]["path"]
            .as_str()
            .expect("path")
            .to_owned();
        let (_, _, ics_other) = get(&app, &theirs).await;
        assert!(!ics_other.contains("Grace Hopper") && !ics_other.contains("Women in Policy"));

        // Rotating: the old address stops working, the new one works.
        let rotated = ok(
            &app,
            "mutation { rotateCalendarFeed { path } }",
            json!({}),
            &t,
        )
        .await["rotateCalendarFeed"]["path"]
            .as_str()
            .expect("path")
            .to_owned();
        assert_ne!(rotated, path);
        assert_eq!(get(&app, &path).await.0, 404);
        assert_eq!(get(&app, &rotated).await.0, 200);
        // Disabling: no address works.
        let data = ok(&app, "mutation { disableCalendarFeed }", json!({}), &t).await;
        assert_eq!(data["disableCalendarFeed"], true);
        assert_eq!(get(&app, &rotated).await.0, 404);
        let data = ok(&app, "{ calendarFeed { createdAt } }", json!({}), &t).await;
        assert!(data["calendarFeed"].is_null());
        assert_eq!(get(&app, "/calendar/not-a-secret.ics").await.0, 404);
        let (_, body) = app.post(json!({"query": ENABLE}), None).await;
        assert_eq!(body["errors"][0]["extensions"]["code"], "UNAUTHENTICATED");
        app.stop().await;
    }
}
