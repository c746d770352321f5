//! The social capital model's unhappy paths: bad input, other people's ids, deletes, paging.

use serde_json::{Value, json};

use crate::*;

const ADD_CONTACT: &str = "mutation($i: ContactInput!) { addContact(input: $i) { id } }";

async fn add_contact(h: &Harness, token: &str, name: &str, extra: Value) -> String {
    let mut input = json!({"name": name, "sector": "MEDIA", "scope": "CITY"});
    for (k, v) in extra.as_object().expect("object") {
        input[k] = v.clone();
    }
    h.ok(ADD_CONTACT, json!({ "i": input }), token).await["addContact"]["id"]
        .as_str()
        .expect("id")
        .to_owned()
}

async fn counts(h: &Harness, token: &str) -> (usize, usize, usize, usize) {
    let data = h
        .ok(
            "{ presence { profiles { id } } contacts(first: 100) { totalCount } interactions { id } communities { meetings { id } } }",
            json!({}),
            token,
        )
        .await;
    let meetings = data["communities"]
        .as_array()
        .expect("list")
        .iter()
        .map(|c| c["meetings"].as_array().expect("list").len())
        .sum();
    (
        data["presence"]["profiles"].as_array().expect("list").len(),
        usize::try_from(data["contacts"]["totalCount"].as_i64().expect("count")).expect("count"),
        data["interactions"].as_array().expect("list").len(),
        meetings,
    )
}

#[tokio::test]
async fn test_bad_input_gets_a_code_and_a_field_and_changes_nothing() {
    for h in harnesses().await {
        let token = h
            .register("ada@example.org", "correct horse battery")
            .await
            .access;
        let contact = add_contact(&h, &token, "Grace", json!({})).await;
        let before = counts(&h, &token).await;
        let profile = |over: Value| {
            let mut input = json!({"platform": "LINKEDIN", "handle": "ada", "url": "https://linkedin.com/in/ada"});
            for (k, v) in over.as_object().expect("object") {
                input[k] = v.clone();
            }
            json!({ "i": input })
        };
        let cases: Vec<(&str, Value, &str, &str)> = vec![
            (
                "mutation($i: PresenceInput!) { updatePresence(input: $i) { website } }",
                json!({"i": {"website": "javascript:alert(1)"}}),
                "VALIDATION",
                "website",
            ),
            (
                "mutation($i: PresenceInput!) { updatePresence(input: $i) { website } }",
                json!({"i": {"emailSignature": "x".repeat(5001)}}),
                "VALIDATION",
                "emailSignature",
            ),
            (
                "mutation($i: ProfileInput!) { addProfile(input: $i) { id } }",
                profile(json!({"url": "not a url"})),
                "VALIDATION",
                "url",
            ),
            (
                "mutation($i: ProfileInput!) { addProfile(input: $i) { id } }",
                profile(json!({"handle": "a b"})),
                "VALIDATION",
                "handle",
            ),
            (
                "mutation($i: ProfileInput!) { addProfile(input: $i) { id } }",
                profile(json!({"tagline": "t".repeat(201)})),
                "VALIDATION",
                "tagline",
            ),
            (
                "mutation($i: ProfileInput!) { addProfile(input: $i) { id } }",
                profile(json!({"pictureUrl": "ftp://x.org/a.jpg"})),
                "VALIDATION",
                "pictureUrl",
            ),
            (
                ADD_CONTACT,
                json!({"i": {"name": "n".repeat(121), "sector": "MEDIA", "scope": "CITY"}}),
                "VALIDATION",
                "name",
            ),
            (
                ADD_CONTACT,
                json!({"i": {"name": "Ada", "sector": "MEDIA", "scope": "CITY", "links": ["nope"]}}),
                "VALIDATION",
                "links",
            ),
            (
                ADD_CONTACT,
                json!({"i": {"name": "Ada", "sector": "MEDIA", "scope": "CITY", "cadenceDays": 0}}),
                "VALIDATION",
                "cadenceDays",
            ),
            (
                ADD_CONTACT,
                json!({"i": {"name": "Ada", "sector": "MEDIA", "scope": "CITY", "tags": ["t".repeat(41)]}}),
                "VALIDATION",
                "tags",
            ),
            (
                "mutation($i: LogInteractionInput!) { logInteraction(input: $i) { warnings { code } } }",
                json!({"i": {"contactId": contact, "kind": "SHARED_POST", "note": "n".repeat(2001)}}),
                "VALIDATION",
                "note",
            ),
            (
                "mutation($i: LogInteractionInput!) { logInteraction(input: $i) { warnings { code } } }",
                json!({"i": {"contactId": contact, "kind": "SHARED_POST", "occurredAt": "2999-01-01T00:00:00Z"}}),
                "VALIDATION",
                "occurredAt",
            ),
            (
                "mutation($i: LogInteractionInput!) { logInteraction(input: $i) { warnings { code } } }",
                json!({"i": {"contactId": "not-an-id", "kind": "SHARED_POST"}}),
                "VALIDATION",
                "contactId",
            ),
            (
                "mutation($i: CommunityInput!) { addCommunity(input: $i) { id } }",
                json!({"i": {"name": "C", "kind": "ONLINE", "link": "http://localhost"}}),
                "VALIDATION",
                "link",
            ),
            (
                "query { contacts(first: 101) { totalCount } }",
                json!({}),
                "VALIDATION",
                "first",
            ),
            (
                "query { contacts(first: 2, last: 2) { totalCount } }",
                json!({}),
                "VALIDATION",
                "first",
            ),
            (
                "query { contacts(after: \"garbage\") { totalCount } }",
                json!({}),
                "VALIDATION",
                "after",
            ),
        ];
        for (query, vars, code, field) in cases {
            let res = h.exec(query, vars, Some(&token)).await;
            let (got_code, got_field, _) = only_error(&res);
            assert_eq!(
                (got_code.as_str(), got_field.as_deref()),
                (code, Some(field)),
                "{}: {query}: {res}",
                h.label()
            );
        }
        // Unknown enum values are refused by the schema itself.
        for (query, vars) in [
            (
                ADD_CONTACT,
                json!({"i": {"name": "Ada", "sector": "ROYALTY", "scope": "CITY"}}),
            ),
            (
                "mutation($i: LogInteractionInput!) { logInteraction(input: $i) { warnings { code } } }",
                json!({"i": {"contactId": contact, "kind": "GOSSIPED"}}),
            ),
        ] {
            let res = h.exec(query, vars, Some(&token)).await;
            assert_eq!(only_error(&res).0, "VALIDATION", "{res}");
        }
        assert_eq!(counts(&h, &token).await, before, "{}", h.label());
    }
}

#[tokio::test]
async fn test_other_peoples_ids_are_not_found_and_untouched() {
    for h in harnesses().await {
        let ada = h
            .register("ada@example.org", "correct horse battery")
            .await
            .access;
        let eve = h
            .register("eve@example.org", "correct horse battery")
            .await
            .access;
        let contact = add_contact(&h, &ada, "Grace", json!({})).await;
        let community = h
            .ok("mutation { addCommunity(input: {name: \"Ada's circle\", kind: IN_PERSON}) { id } }", json!({}), &ada)
            .await["addCommunity"]["id"]
            .as_str()
            .expect("id")
            .to_owned();
        let profile = h
            .ok("mutation { addProfile(input: {platform: X, handle: \"ada\", url: \"x.com/ada\"}) { id } }", json!({}), &ada)
            .await["addProfile"]["id"]
            .as_str()
            .expect("id")
            .to_owned();
        let ada_before = counts(&h, &ada).await;
        let eve_contact = add_contact(&h, &eve, "Eve's friend", json!({})).await;

        let attempts: Vec<(String, Value, &str)> = vec![
            ("query($id: ID!) { contact(id: $id) { name } }".into(), json!({"id": contact}), "id"),
            ("mutation($id: ID!) { updateContact(id: $id, input: {name: \"Stolen\"}) { id } }".into(), json!({"id": contact}), "id"),
            ("mutation($id: ID!) { deleteContact(id: $id) { id } }".into(), json!({"id": contact}), "id"),
            ("query($id: ID!) { interactions(contactId: $id) { id } }".into(), json!({"id": contact}), "contactId"),
            ("mutation($id: ID!) { logInteraction(input: {contactId: $id, kind: ASKED_HELP}) { warnings { code } } }".into(), json!({"id": contact}), "contactId"),
            ("mutation($id: ID!) { updateProfile(id: $id, input: {handle: \"eve\"}) { id } }".into(), json!({"id": profile}), "id"),
            ("mutation($id: ID!) { deleteProfile(id: $id) }".into(), json!({"id": profile}), "id"),
            ("mutation($id: ID!) { updateCommunity(id: $id, input: {name: \"Mine now\"}) { id } }".into(), json!({"id": community}), "id"),
            ("mutation($id: ID!) { deleteCommunity(id: $id) }".into(), json!({"id": community}), "id"),
            ("mutation($id: ID!) { logMeeting(input: {communityId: $id, occurredAt: \"2026-01-01T00:00:00Z\", inPerson: true}) { id } }".into(), json!({"id": community}), "communityId"),
        ];
        for (query, vars, field) in attempts {
            let res = h.exec(&query, vars, Some(&eve)).await;
            let (code, got_field, _) = only_error(&res);
            assert_eq!(
                (code.as_str(), got_field.as_deref()),
                ("NOT_FOUND", Some(field)),
                "{}: {query}: {res}",
                h.label()
            );
        }
        // Her own community with an attendee who is not her contact: nothing is written.
        let eve_community = h
            .ok("mutation { addCommunity(input: {name: \"Eve's circle\", kind: IN_PERSON}) { id } }", json!({}), &eve)
            .await["addCommunity"]["id"]
            .as_str()
            .expect("id")
            .to_owned();
        let res = h
            .exec(
                "mutation($c: ID!, $a: [ID!]!) { logMeeting(input: {communityId: $c, occurredAt: \"2026-01-01T00:00:00Z\", inPerson: true, attendeeIds: $a}) { id } }",
                json!({"c": eve_community, "a": [eve_contact, contact]}),
                Some(&eve),
            )
            .await;
        let (code, field, _) = only_error(&res);
        assert_eq!(
            (code.as_str(), field.as_deref()),
            ("NOT_FOUND", Some("attendeeIds")),
            "{res}"
        );
        assert_eq!(counts(&h, &eve).await.3, 0, "no meeting was written");
        assert_eq!(counts(&h, &ada).await, ada_before, "{}", h.label());
        let name = h
            .ok(
                "query($id: ID!) { contact(id: $id) { name } }",
                json!({"id": contact}),
                &ada,
            )
            .await;
        assert_eq!(name["contact"]["name"], "Grace");
    }
}

#[tokio::test]
async fn test_deleting_a_contact_removes_its_interactions_and_attendance() {
    for h in harnesses().await {
        let token = h
            .register("ada@example.org", "correct horse battery")
            .await
            .access;
        let grace = add_contact(&h, &token, "Grace", json!({"competitor": true})).await;
        let kept = add_contact(&h, &token, "Katherine", json!({})).await;
        for (id, kind) in [
            (&grace, "ENDORSED"),
            (&grace, "ASKED_HELP"),
            (&kept, "SHARED_POST"),
        ] {
            h.ok(
                "mutation($i: LogInteractionInput!) { logInteraction(input: $i) { interaction { id } } }",
                json!({"i": {"contactId": id, "kind": kind}}),
                &token,
            )
            .await;
        }
        let community = h
            .ok(
                "mutation { addCommunity(input: {name: \"Circle\", kind: IN_PERSON}) { id } }",
                json!({}),
                &token,
            )
            .await["addCommunity"]["id"]
            .as_str()
            .expect("id")
            .to_owned();
        h.ok(
            "mutation($c: ID!, $a: [ID!]!) { logMeeting(input: {communityId: $c, occurredAt: \"2026-06-01T18:00:00Z\", inPerson: true, attendeeIds: $a}) { id } }",
            json!({"c": community, "a": [grace, kept]}),
            &token,
        )
        .await;
        assert_eq!(
            h.statuses(&token).await["dialogue.endorse_competitor"],
            "DONE"
        );

        let deleted = h
            .ok("mutation($id: ID!) { deleteContact(id: $id) { id deletedInteractions removedFromMeetings } }", json!({"id": grace}), &token)
            .await;
        assert_eq!(
            deleted["deleteContact"]["deletedInteractions"], 2,
            "{deleted}"
        );
        assert_eq!(deleted["deleteContact"]["removedFromMeetings"], 1);
        assert_eq!(counts(&h, &token).await, (0, 1, 1, 1));
        let meeting = h
            .ok(
                "{ communities { meetings { attendeeIds } } }",
                json!({}),
                &token,
            )
            .await;
        assert_eq!(
            meeting["communities"][0]["meetings"][0]["attendeeIds"],
            json!([kept])
        );
        // The endorsement went with her, so the task reopens.
        assert_eq!(
            h.statuses(&token).await["dialogue.endorse_competitor"],
            "NOT_STARTED",
            "{}",
            h.label()
        );
        let again = h
            .exec(
                "mutation($id: ID!) { deleteContact(id: $id) { id } }",
                json!({"id": grace}),
                Some(&token),
            )
            .await;
        assert_eq!(only_error(&again).0, "NOT_FOUND");
    }
}

#[tokio::test]
async fn test_contacts_connection_pages_filters_and_searches() {
    for h in harnesses().await {
        let token = h
            .register("ada@example.org", "correct horse battery")
            .await
            .access;
        let mut ids = Vec::new();
        for (name, sector, meet) in [
            ("Ana Pérez", "MEDIA", true),
            ("Bea 100% Real", "PUBLIC", false),
            ("Carla", "MEDIA", true),
            ("Dana_Underscore", "ACADEMIA", false),
            ("ÉLODIE", "NONPROFIT", true),
        ] {
            ids.push(
                add_contact(
                    &h,
                    &token,
                    name,
                    json!({"sector": sector, "onMeetList": meet}),
                )
                .await,
            );
        }
        let page = |args: &str| {
            format!(
                "{{ contacts({args}) {{ totalCount pageInfo {{ hasNextPage hasPreviousPage startCursor endCursor }} edges {{ cursor node {{ id name }} }} }} }}"
            )
        };
        let names = |data: &Value| -> Vec<String> {
            data["contacts"]["edges"]
                .as_array()
                .expect("edges")
                .iter()
                .map(|e| e["node"]["name"].as_str().expect("name").to_owned())
                .collect()
        };
        let first = h.ok(&page("first: 2"), json!({}), &token).await;
        assert_eq!(
            names(&first),
            ["Ana Pérez", "Bea 100% Real"],
            "{}",
            h.label()
        );
        assert_eq!(first["contacts"]["totalCount"], 5);
        assert_eq!(first["contacts"]["pageInfo"]["hasNextPage"], true);
        assert_eq!(first["contacts"]["pageInfo"]["hasPreviousPage"], false);
        let cursor = first["contacts"]["pageInfo"]["endCursor"]
            .as_str()
            .expect("cursor")
            .to_owned();
        let second = h
            .ok(
                &page(&format!("first: 2, after: \"{cursor}\"")),
                json!({}),
                &token,
            )
            .await;
        assert_eq!(names(&second), ["Carla", "Dana_Underscore"]);
        assert_eq!(second["contacts"]["pageInfo"]["hasPreviousPage"], true);
        let last = h.ok(&page("last: 2"), json!({}), &token).await;
        assert_eq!(names(&last), ["Dana_Underscore", "ÉLODIE"]);
        assert_eq!(last["contacts"]["pageInfo"]["hasPreviousPage"], true);
        assert_eq!(last["contacts"]["pageInfo"]["hasNextPage"], false);

        let media = h
            .ok(
                &page("filter: {sector: MEDIA, onMeetList: true}"),
                json!({}),
                &token,
            )
            .await;
        assert_eq!(names(&media), ["Ana Pérez", "Carla"]);
        assert_eq!(media["contacts"]["totalCount"], 2);
        // Search ignores case and treats % and _ as plain characters.
        for (search, expected) in [
            ("élodie", vec!["ÉLODIE"]),
            ("100%", vec!["Bea 100% Real"]),
            ("a_u", vec!["Dana_Underscore"]),
            ("%", vec!["Bea 100% Real"]),
        ] {
            let res = h
                .ok(
                    &page(&format!("filter: {{search: \"{search}\"}}")),
                    json!({}),
                    &token,
                )
                .await;
            assert_eq!(names(&res), expected, "{search}");
        }
        h.ok(
            "mutation($id: ID!) { logInteraction(input: {contactId: $id, kind: SHARED_POST}) { interaction { id } } }",
            json!({"id": ids[2]}),
            &token,
        )
        .await;
        let engaged = h
            .ok(&page("filter: {stage: ENGAGED}"), json!({}), &token)
            .await;
        assert_eq!(names(&engaged), ["Carla"]);
    }
}

#[tokio::test]
async fn test_duplicate_profile_is_a_conflict_and_findings_name_the_profiles() {
    for h in harnesses().await {
        let token = h
            .register("ada@example.org", "correct horse battery")
            .await
            .access;
        let add = "mutation($i: ProfileInput!) { addProfile(input: $i) { id } }";
        let a = h
            .ok(add, json!({"i": {"platform": "LINKEDIN", "handle": "ada", "url": "linkedin.com/in/ada", "displayName": "Ada Lovelace", "websiteLink": "ada.example.org"}}), &token)
            .await["addProfile"]["id"]
            .clone();
        let b = h
            .ok(add, json!({"i": {"platform": "X", "handle": "@ada", "url": "x.com/ada", "displayName": "Ada L.", "websiteLink": "ada.example.org"}}), &token)
            .await["addProfile"]["id"]
            .clone();
        let c = h
            .ok(add, json!({"i": {"platform": "INSTAGRAM", "handle": "ada", "url": "instagram.com/ada", "displayName": "ada  lovelace", "websiteLink": "https://www.ada.example.org/"}}), &token)
            .await["addProfile"]["id"]
            .clone();
        let dup = h
            .exec(
                add,
                json!({"i": {"platform": "X", "handle": "ada", "url": "x.com/ada"}}),
                Some(&token),
            )
            .await;
        let (code, field, _) = only_error(&dup);
        assert_eq!(
            (code.as_str(), field.as_deref()),
            ("CONFLICT", Some("handle")),
            "{dup}"
        );

        let presence = h
            .ok(
                "{ presence { findings { code profileIds fix } } }",
                json!({}),
                &token,
            )
            .await;
        let findings = presence["presence"]["findings"].as_array().expect("list");
        let name = findings
            .iter()
            .find(|f| f["code"] == "NAME_MISMATCH")
            .expect("name finding");
        assert_eq!(name["profileIds"], json!([b]), "{presence}");
        assert!(name["fix"].as_str().expect("fix").contains("Ada Lovelace"));
        let unlinked = findings
            .iter()
            .find(|f| f["code"] == "SIGNATURE_MISSING_PROFILE")
            .expect("signature finding");
        assert_eq!(unlinked["profileIds"], json!([a, b, c]));
        assert!(
            !findings
                .iter()
                .any(|f| f["code"] == "WEBSITE_LINK_MISMATCH"),
            "{presence}"
        );
    }
}

#[tokio::test]
async fn test_due_to_reconnect_orders_by_overdue_and_resets_on_interaction() {
    for h in harnesses().await {
        let token = h
            .register("ada@example.org", "correct horse battery")
            .await
            .access;
        let log = "mutation($id: ID!, $at: DateTime) { logInteraction(input: {contactId: $id, kind: CONNECTED, occurredAt: $at}) { interaction { id } } }";
        let ago = |days: i64| (chrono::Utc::now() - chrono::Duration::days(days)).to_rfc3339();
        let weekly = add_contact(&h, &token, "Weekly", json!({"cadenceDays": 7})).await;
        let monthly = add_contact(&h, &token, "Monthly", json!({"cadenceDays": 30})).await;
        let fresh = add_contact(&h, &token, "Fresh", json!({"cadenceDays": 30})).await;
        h.ok(log, json!({"id": weekly, "at": ago(10)}), &token)
            .await;
        h.ok(log, json!({"id": monthly, "at": ago(40)}), &token)
            .await;
        h.ok(log, json!({"id": fresh, "at": ago(40)}), &token).await;
        h.ok(log, json!({"id": fresh, "at": ago(1)}), &token).await;

        let query = "{ dueToReconnect { contact { name } cadenceDays overdueDays } }";
        let due = h.ok(query, json!({}), &token).await;
        let list = due["dueToReconnect"].as_array().expect("list");
        let names: Vec<&str> = list
            .iter()
            .map(|r| r["contact"]["name"].as_str().expect("name"))
            .collect();
        assert_eq!(names, ["Monthly", "Weekly"], "{}: {due}", h.label());
        assert!(list[0]["overdueDays"].as_i64() >= Some(9));
        assert_eq!(list[1]["cadenceDays"], 7);

        h.ok(log, json!({"id": monthly, "at": null}), &token).await;
        let due = h.ok(query, json!({}), &token).await;
        let names: Vec<&str> = due["dueToReconnect"]
            .as_array()
            .expect("list")
            .iter()
            .map(|r| r["contact"]["name"].as_str().expect("name"))
            .collect();
        assert_eq!(names, ["Weekly"]);
        let recs = h
            .ok(
                "{ recommendations(first: 100) { code entity { id } } }",
                json!({}),
                &token,
            )
            .await;
        assert!(
            recs["recommendations"]
                .as_array()
                .expect("list")
                .iter()
                .any(|r| r["code"] == "RECONNECT" && r["entity"]["id"] == weekly.as_str()),
            "{recs}"
        );
    }
}
