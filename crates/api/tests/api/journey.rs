//! One member walks the whole playbook using only data — profiles, contacts, interactions,
//! communities, meetings — and every task completes at the moment the data meets its rule.

use serde_json::{Value, json};

use crate::*;

const ADD_PROFILE: &str = "mutation($i: ProfileInput!) { addProfile(input: $i) { id } }";
const PRESENCE: &str =
    "mutation($i: PresenceInput!) { updatePresence(input: $i) { website findings { code } } }";
const ADD_CONTACT: &str = "mutation($i: ContactInput!) { addContact(input: $i) { id stage } }";
const UPDATE_CONTACT: &str = "mutation($id: ID!, $i: ContactUpdateInput!) { updateContact(id: $id, input: $i) { id values stage } }";
const LOG: &str = "mutation($i: LogInteractionInput!) { logInteraction(input: $i) { interaction { id } warnings { code } } }";
const ADD_COMMUNITY: &str = "mutation($i: CommunityInput!) { addCommunity(input: $i) { id } }";
const MEETING: &str = "mutation($i: LogMeetingInput!) { logMeeting(input: $i) { id } }";
const SCORE: &str = "{ socialCapital { total presence { score } reach { score } reciprocity { score } collectiveAction { score } } }";
const RECS: &str = "{ recommendations(first: 100) { code taskKey entity { kind id } } }";

fn profile(platform: &str, url: &str) -> Value {
    json!({"i": {"platform": platform, "handle": "@ada", "url": url, "displayName": "Ada Lovelace",
        "tagline": "I build tools for women leaders.", "pictureUrl": "https://cdn.example.org/ada.jpg",
        "websiteLink": "https://ada.example.org"}})
}

struct Walk<'a> {
    h: &'a Harness,
    token: String,
}

impl Walk<'_> {
    async fn status(&self, key: &str) -> String {
        self.h
            .statuses(&self.token)
            .await
            .remove(key)
            .unwrap_or_else(|| panic!("{key}"))
    }

    async fn expect(&self, key: &str, status: &str) {
        assert_eq!(self.status(key).await, status, "{}: {key}", self.h.label());
    }

    async fn ok(&self, query: &str, vars: Value) -> Value {
        self.h.ok(query, vars, &self.token).await
    }

    async fn score(&self) -> Value {
        self.ok(SCORE, json!({})).await["socialCapital"].clone()
    }

    async fn rec_codes(&self) -> Vec<String> {
        self.ok(RECS, json!({})).await["recommendations"]
            .as_array()
            .expect("list")
            .iter()
            .map(|r| r["code"].as_str().expect("code").to_owned())
            .collect()
    }

    async fn contact(&self, name: &str, sector: &str, scope: &str, meet: bool) -> String {
        let data = self
            .ok(
                ADD_CONTACT,
                json!({"i": {"name": name, "sector": sector, "scope": scope,
                "inHerIndustry": true, "onMeetList": meet, "industry": "software"}}),
            )
            .await;
        assert_eq!(data["addContact"]["stage"], "IDENTIFIED");
        data["addContact"]["id"].as_str().expect("id").to_owned()
    }

    async fn log(&self, contact: &str, kind: &str, at: Option<&str>) -> Vec<String> {
        let mut input = json!({"contactId": contact, "kind": kind});
        if let Some(at) = at {
            input["occurredAt"] = json!(at);
        }
        self.ok(LOG, json!({ "i": input })).await["logInteraction"]["warnings"]
            .as_array()
            .expect("warnings")
            .iter()
            .map(|w| w["code"].as_str().expect("code").to_owned())
            .collect()
    }
}

#[tokio::test]
async fn test_a_member_completes_the_playbook_from_data_alone() {
    for h in harnesses().await {
        let account = h.register("ada@example.org", "correct horse battery").await;
        let w = Walk {
            h: &h,
            token: account.access.clone(),
        };
        assert!(
            w.h.statuses(&w.token)
                .await
                .values()
                .all(|s| s == "NOT_STARTED")
        );
        assert_eq!(w.score().await["total"], 0.0);
        assert!(w.rec_codes().await.contains(&"ADD_WEBSITE".to_owned()));

        // Step 1 — position.
        w.ok(PRESENCE, json!({"i": {"website": "ada.example.org"}}))
            .await;
        w.expect("position.website", "DONE").await;
        assert!(!w.rec_codes().await.contains(&"ADD_WEBSITE".to_owned()));
        let after_website = w.score().await["presence"]["score"]
            .as_f64()
            .expect("score");
        assert!(after_website > 0.0);

        w.ok(
            ADD_PROFILE,
            profile("LINKEDIN", "https://www.linkedin.com/in/ada"),
        )
        .await;
        w.expect("position.consistent_profiles", "IN_PROGRESS")
            .await;
        w.ok(ADD_PROFILE, profile("X", "https://x.com/ada")).await;
        w.expect("position.consistent_profiles", "DONE").await;
        w.expect("position.email_signature", "NOT_STARTED").await;

        let signature = r#"Ada Lovelace · <a href="https://ada.example.org">site</a> · <a href="https://linkedin.com/in/ada/">LinkedIn</a> · x.com/ada"#;
        w.ok(
            PRESENCE,
            json!({"i": {"emailSignature": signature, "audiences": ["WOMEN"]}}),
        )
        .await;
        w.expect("position.email_signature", "DONE").await;
        w.expect("position.audience_channels", "NOT_STARTED").await;
        assert!(w.rec_codes().await.contains(&"JOIN_CHANNEL".to_owned()));

        // A new profile the signature does not link reopens the signature task …
        w.ok(ADD_PROFILE, profile("LEAN_IN", "https://leanin.org/ada"))
            .await;
        w.expect("position.audience_channels", "DONE").await;
        w.expect("position.email_signature", "IN_PROGRESS").await;
        assert!(
            w.rec_codes()
                .await
                .contains(&"LINK_PROFILE_IN_SIGNATURE".to_owned())
        );
        // … until the signature links it too.
        w.ok(
            PRESENCE,
            json!({"i": {"emailSignature": format!("{signature} · leanin.org/ada")}}),
        )
        .await;
        w.expect("position.email_signature", "DONE").await;
        let progress = w.ok(PROGRESS, json!({})).await;
        assert_eq!(progress["myProgress"]["currentStep"], "POSITION");
        w.ok(
            SET_STATUS,
            json!({"i": {"taskKey": "position.tell_your_story", "status": "DONE"}}),
        )
        .await;
        let progress = w.ok(PROGRESS, json!({})).await;
        assert_eq!(progress["myProgress"]["currentStep"], "BRING_TOGETHER");
        assert_eq!(progress["myProgress"]["steps"][0]["percent"], 100);
        let step1 = w.score().await;
        assert_eq!(step1["presence"]["score"], 25.0, "{step1}");

        // Step 2 — bring together: five per scope, every sector, media last.
        let sectors = ["PUBLIC", "PRIVATE", "ACADEMIA", "NONPROFIT"];
        let mut ids = Vec::new();
        for (i, scope) in ["CITY", "COUNTRY", "GLOBAL"].iter().enumerate() {
            for n in 0..5 {
                let last_of_all = i == 2 && n == 4;
                let sector = if last_of_all {
                    "MEDIA"
                } else {
                    sectors[(i * 5 + n) % 4]
                };
                if last_of_all {
                    w.expect("bring.cross_sector", "IN_PROGRESS").await;
                    assert!(w.rec_codes().await.contains(&"ADD_SECTOR".to_owned()));
                }
                if n == 4 {
                    w.expect(
                        &format!("bring.top5_{}", ["city", "country", "global"][i]),
                        "IN_PROGRESS",
                    )
                    .await;
                }
                ids.push(
                    w.contact(&format!("Leader {i}-{n}"), sector, scope, true)
                        .await,
                );
            }
            w.expect(
                &format!("bring.top5_{}", ["city", "country", "global"][i]),
                "DONE",
            )
            .await;
        }
        w.expect("bring.cross_sector", "DONE").await;
        w.expect("bring.meet_list", "DONE").await;
        w.expect("bring.connect", "NOT_STARTED").await;
        for (n, id) in ids.iter().enumerate() {
            if n == 14 {
                w.expect("bring.connect", "IN_PROGRESS").await;
            }
            assert!(w.log(id, "CONNECTED", None).await.is_empty());
        }
        w.expect("bring.connect", "DONE").await;
        let step2 = w.score().await;
        assert!(step2["reach"]["score"].as_f64() > Some(15.0), "{step2}");
        assert!(step2["total"].as_f64() > step1["total"].as_f64());
        // A sixteenth name on the list is fine; a twenty-first is too many.
        let extra: Vec<String> = more_meet_list(&w, 6).await;
        w.expect("bring.meet_list", "IN_PROGRESS").await;
        assert!(w.rec_codes().await.contains(&"TRIM_MEET_LIST".to_owned()));
        for id in &extra {
            w.ok(
                UPDATE_CONTACT,
                json!({"id": id, "i": {"onMeetList": false}}),
            )
            .await;
        }
        w.expect("bring.meet_list", "DONE").await;

        // Step 3 — dialogue.
        for id in &ids {
            w.ok(
                UPDATE_CONTACT,
                json!({"id": id, "i": {"values": "ALIGNED"}}),
            )
            .await;
        }
        w.expect("dialogue.values_check", "DONE").await;
        // An ask before any give is recorded, with a warning, and blocks give-first …
        let warnings = w
            .log(&ids[0], "ASKED_INTRO", Some("2026-01-10T10:00:00Z"))
            .await;
        assert_eq!(warnings, ["GIVE_FIRST"]);
        w.expect("dialogue.give_first", "NOT_STARTED").await;
        assert!(
            w.rec_codes()
                .await
                .contains(&"GIVE_BEFORE_ASKING".to_owned())
        );
        // … until she logs the give that really came first.
        assert!(
            w.log(&ids[0], "SHARED_POST", Some("2026-01-05T10:00:00Z"))
                .await
                .is_empty()
        );
        w.expect("dialogue.give_first", "DONE").await;
        let stage = w
            .ok(
                "query($id: ID!) { contact(id: $id) { stage } }",
                json!({"id": ids[0]}),
            )
            .await;
        assert_eq!(stage["contact"]["stage"], "RECIPROCATING");
        for (n, id) in ids.iter().enumerate().skip(1) {
            if n == 14 {
                w.expect("dialogue.amplify", "IN_PROGRESS").await;
            }
            w.log(
                id,
                ["SHARED_EVENT", "SHARED_ARTICLE", "ADVOCATED_CAUSE"][n % 3],
                None,
            )
            .await;
        }
        w.expect("dialogue.amplify", "DONE").await;
        w.expect("dialogue.endorse_competitor", "NOT_STARTED").await;
        w.ok(
            UPDATE_CONTACT,
            json!({"id": ids[3], "i": {"competitor": true}}),
        )
        .await;
        w.log(&ids[3], "ENDORSED", None).await;
        w.expect("dialogue.endorse_competitor", "DONE").await;
        let step3 = w.score().await;
        assert_eq!(step3["reciprocity"]["score"], 25.0, "{step3}");

        // Step 4 — act collectively.
        let online = w
            .ok(ADD_COMMUNITY, json!({"i": {"name": "Women in Software (online)", "kind": "ONLINE", "role": "ORGANIZER"}}))
            .await["addCommunity"]["id"]
            .as_str()
            .expect("id")
            .to_owned();
        // A meeting from long ago does not count.
        w.ok(MEETING, json!({"i": {"communityId": online, "occurredAt": "2020-01-01T18:00:00Z", "inPerson": true}})).await;
        w.expect("act.in_person", "NOT_STARTED").await;
        let recent = (chrono::Utc::now() - chrono::Duration::days(3)).to_rfc3339();
        w.ok(MEETING, json!({"i": {"communityId": online, "occurredAt": recent, "inPerson": true, "attendeeIds": [ids[1], ids[2]]}})).await;
        w.expect("act.in_person", "DONE").await;
        w.expect("act.five_communities", "IN_PROGRESS").await;
        let stage = w
            .ok(
                "query($id: ID!) { contact(id: $id) { stage } }",
                json!({"id": ids[1]}),
            )
            .await;
        assert_eq!(stage["contact"]["stage"], "MET");
        for n in 0..4 {
            let id = w
                .ok(
                    ADD_COMMUNITY,
                    json!({"i": {"name": format!("Circle {n}"), "kind": "IN_PERSON"}}),
                )
                .await["addCommunity"]["id"]
                .as_str()
                .expect("id")
                .to_owned();
            w.ok(
                MEETING,
                json!({"i": {"communityId": id, "occurredAt": recent, "inPerson": true}}),
            )
            .await;
        }
        w.expect("act.five_communities", "DONE").await;

        let progress = w.ok(PROGRESS, json!({})).await;
        assert_eq!(progress["myProgress"]["percent"], 100, "{progress}");
        assert!(progress["myProgress"]["currentStep"].is_null());
        let end = w.score().await;
        // 15 (five real-world communities) + 5 (organizer) + 5 × 1/3 (one in-person meeting of an online community of the three aimed for).
        let collective = end["collectiveAction"]["score"].as_f64().expect("score");
        assert!((collective - (20.0 + 5.0 / 3.0)).abs() < 1e-9, "{end}");
        assert!(end["total"].as_f64() > step3["total"].as_f64());
        // Nothing left to recommend but keeping in touch.
        assert!(
            w.rec_codes().await.iter().all(|c| c == "RECONNECT"),
            "{:?}",
            w.rec_codes().await
        );

        // The history records each completion as the rule's doing.
        let user = account.id.parse().expect("uuid");
        let events = h.db.store.progress_events(user).await.expect("events");
        let rule_done = events
            .iter()
            .filter(|e| {
                e.to == herlead_core::TaskStatus::Done
                    && e.source == herlead_store::EventSource::Rule
            })
            .count();
        assert!(rule_done >= 16, "{rule_done}");
    }
}

/// Adds `n` more meet-list contacts and returns their ids.
async fn more_meet_list(w: &Walk<'_>, n: usize) -> Vec<String> {
    let mut ids = Vec::new();
    for i in 0..n {
        ids.push(
            w.contact(&format!("Extra {i}"), "PRIVATE", "CITY", true)
                .await,
        );
    }
    ids
}
