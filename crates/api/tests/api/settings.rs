//! Her history and her account's settings: progress history pages, password change, signing
//! out everywhere, display name.

use serde_json::json;

use crate::*;

const HISTORY: &str = "query($first: Int, $after: String) { progressHistory(first: $first, after: $after) { totalCount pageInfo { hasNextPage hasPreviousPage endCursor } edges { cursor node { taskKey from to note source occurredAt } } } }";
const PASSWORD: &str =
    "mutation($c: String!, $n: String!) { changePassword(currentPassword: $c, newPassword: $n) }";

#[tokio::test]
async fn test_progress_history_pages_her_own_events_newest_first() {
    for h in harnesses().await {
        let ada = h.register("ada@example.org", "correct horse battery").await;
        let grace = h
            .register("grace@example.org", "correct horse battery")
            .await;
        // A rule completes position.website …
        h.ok(
            "mutation { updatePresence(input: {website: \"https://ada.example.org\"}) { website } }",
            json!({}),
            &ada.access,
        )
        .await;
        // … and she moves her story along herself, twice.
        for (status, note) in [("IN_PROGRESS", "drafting"), ("DONE", "published")] {
            h.ok(
                SET_STATUS,
                json!({"i": {"taskKey": "position.tell_your_story", "status": status, "note": note}}),
                &ada.access,
            )
            .await;
        }
        let data = h.ok(HISTORY, json!({"first": 2}), &ada.access).await;
        let page = &data["progressHistory"];
        assert_eq!(page["totalCount"], 3, "{}: {page}", h.label());
        assert_eq!(page["pageInfo"]["hasNextPage"], true, "{page}");
        assert_eq!(page["pageInfo"]["hasPreviousPage"], false, "{page}");
        let nodes: Vec<_> = page["edges"]
            .as_array()
            .expect("edges")
            .iter()
            .map(|e| e["node"].clone())
            .collect();
        assert_eq!(nodes.len(), 2);
        assert_eq!(
            (
                &nodes[0]["to"],
                &nodes[0]["from"],
                &nodes[0]["note"],
                &nodes[0]["source"]
            ),
            (
                &json!("DONE"),
                &json!("IN_PROGRESS"),
                &json!("published"),
                &json!("MEMBER")
            )
        );
        assert_eq!(
            (&nodes[1]["to"], &nodes[1]["note"]),
            (&json!("IN_PROGRESS"), &json!("drafting"))
        );
        assert!(nodes[0]["occurredAt"].as_str() >= nodes[1]["occurredAt"].as_str());
        let after = page["pageInfo"]["endCursor"].clone();
        let data = h
            .ok(HISTORY, json!({"first": 2, "after": after}), &ada.access)
            .await;
        let page = &data["progressHistory"];
        assert_eq!(page["pageInfo"]["hasNextPage"], false, "{page}");
        assert_eq!(page["pageInfo"]["hasPreviousPage"], true, "{page}");
        let rest = page["edges"].as_array().expect("edges");
        assert_eq!(rest.len(), 1, "{page}");
        assert_eq!(
            (
                &rest[0]["node"]["taskKey"],
                &rest[0]["node"]["from"],
                &rest[0]["node"]["to"],
                &rest[0]["node"]["source"]
            ),
            (
                &json!("position.website"),
                &json!("NOT_STARTED"),
                &json!("DONE"),
                &json!("RULE")
            )
        );

        // Another member sees none of it; a stranger cannot ask.
        let data = h.ok(HISTORY, json!({}), &grace.access).await;
        assert_eq!(data["progressHistory"]["totalCount"], 0);
        assert_eq!(data["progressHistory"]["edges"], json!([]));
        let res = h.exec(HISTORY, json!({}), None).await;
        assert_eq!(only_error(&res).0, "UNAUTHENTICATED");
        // Bounds and cursors.
        let res = h
            .exec(HISTORY, json!({"first": 101}), Some(&ada.access))
            .await;
        let (code, field, _) = only_error(&res);
        assert_eq!(
            (code.as_str(), field.as_deref()),
            ("VALIDATION", Some("first"))
        );
        let res = h
            .exec(HISTORY, json!({"after": "not-a-cursor"}), Some(&ada.access))
            .await;
        let (code, field, _) = only_error(&res);
        assert_eq!(
            (code.as_str(), field.as_deref()),
            ("VALIDATION", Some("after"))
        );
    }
}

#[tokio::test]
async fn test_changing_her_password_ends_her_other_sessions_and_keeps_this_one() {
    for h in harnesses().await {
        let ada = h.register("ada@example.org", "correct horse battery").await;
        let login = |password: &'static str| {
            h.exec(
                LOGIN,
                json!({"i": {"email": "ada@example.org", "password": password}}),
                None,
            )
        };
        let other = login("correct horse battery").await;
        let other_refresh = other["data"]["login"]["refreshToken"]
            .as_str()
            .expect("refresh")
            .to_owned();

        // A wrong current password changes nothing.
        let res = h
            .exec(
                PASSWORD,
                json!({"c": "not my password", "n": "a new horse battery"}),
                Some(&ada.access),
            )
            .await;
        let (code, field, _) = only_error(&res);
        assert_eq!(
            (code.as_str(), field.as_deref()),
            ("VALIDATION", Some("currentPassword")),
            "{}",
            h.label()
        );
        // Nor does a new password that is too short.
        let res = h
            .exec(
                PASSWORD,
                json!({"c": "correct horse battery", "n": "short"}),
                Some(&ada.access),
            )
            .await;
        let (code, field, _) = only_error(&res);
        assert_eq!(
            (code.as_str(), field.as_deref()),
            ("VALIDATION", Some("newPassword"))
        );
        assert!(login("correct horse battery").await["errors"].is_null());
        let res = h.exec(PASSWORD, json!({"c": "x", "n": "y"}), None).await;
        assert_eq!(only_error(&res).0, "UNAUTHENTICATED");

        let data = h
            .ok(
                PASSWORD,
                json!({"c": "correct horse battery", "n": "a new horse battery"}),
                &ada.access,
            )
            .await;
        assert_eq!(data["changePassword"], true);
        // The other sign-ins are over …
        let res = h.exec(REFRESH, json!({"t": other_refresh}), None).await;
        assert_eq!(
            only_error(&res).0,
            "UNAUTHENTICATED",
            "{}: {res}",
            h.label()
        );
        // … this one goes on.
        let res = h.exec(REFRESH, json!({"t": ada.refresh}), None).await;
        assert!(res["errors"].is_null(), "{}: {res}", h.label());
        // Only the new password signs in.
        assert_eq!(
            only_error(&login("correct horse battery").await).0,
            "UNAUTHENTICATED"
        );
        assert!(login("a new horse battery").await["errors"].is_null());
    }
}

#[tokio::test]
async fn test_signing_out_everywhere_ends_every_session_of_hers_only() {
    for h in harnesses().await {
        let ada = h.register("ada@example.org", "correct horse battery").await;
        let other = h
            .exec(
                LOGIN,
                json!({"i": {"email": "ada@example.org", "password": "correct horse battery"}}),
                None,
            )
            .await;
        let other_refresh = other["data"]["login"]["refreshToken"]
            .as_str()
            .expect("refresh")
            .to_owned();
        let grace = h
            .register("grace@example.org", "correct horse battery")
            .await;

        let data = h
            .ok("mutation { signOutEverywhere }", json!({}), &ada.access)
            .await;
        assert_eq!(data["signOutEverywhere"], true);
        for token in [&ada.refresh, &other_refresh] {
            let res = h.exec(REFRESH, json!({"t": token}), None).await;
            assert_eq!(
                only_error(&res).0,
                "UNAUTHENTICATED",
                "{}: {res}",
                h.label()
            );
        }
        // Someone else's session is untouched.
        let res = h.exec(REFRESH, json!({"t": grace.refresh}), None).await;
        assert!(res["errors"].is_null(), "{}: {res}", h.label());
        let res = h
            .exec("mutation { signOutEverywhere }", json!({}), None)
            .await;
        assert_eq!(only_error(&res).0, "UNAUTHENTICATED");
    }
}

#[tokio::test]
async fn test_she_changes_her_display_name_within_its_rules() {
    for h in harnesses().await {
        let ada = h.register("ada@example.org", "correct horse battery").await;
        const UPDATE: &str =
            "mutation($n: String!) { updateDisplayName(displayName: $n) { displayName } }";
        let res = h.exec(UPDATE, json!({"n": "   "}), Some(&ada.access)).await;
        let (code, field, _) = only_error(&res);
        assert_eq!(
            (code.as_str(), field.as_deref()),
            ("VALIDATION", Some("displayName"))
        );
        let data = h
            .ok(UPDATE, json!({"n": "  Ada King  "}), &ada.access)
            .await;
        assert_eq!(data["updateDisplayName"]["displayName"], "Ada King");
        let data = h.ok("{ me { displayName } }", json!({}), &ada.access).await;
        assert_eq!(data["me"]["displayName"], "Ada King", "{}", h.label());
        let res = h.exec(UPDATE, json!({"n": "Eve"}), None).await;
        assert_eq!(only_error(&res).0, "UNAUTHENTICATED");
    }
}
