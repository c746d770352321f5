//! Unclassified contacts (as imports bring them): the rules ignore them, a recommendation and
//! a filter find them, a suggestion explains a sector, and one call classifies many.

use herlead_core::{
    UserId,
    input::{Company, ContactName, JobTitle},
    network::Contact,
};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::*;

fn unclassified(name: &str, company: Option<&str>, title: Option<&str>) -> Contact {
    Contact {
        company: company.map(|c| Company::parse("company", c).expect("company")),
        job_title: title.map(|t| JobTitle::parse("jobTitle", t).expect("title")),
        ..Contact::named(
            Uuid::now_v7(),
            ContactName::parse("name", name).expect("name"),
            herlead_store::now(),
        )
    }
}

const LIST: &str = "query($c: Boolean) { contacts(filter: {classified: $c}) { totalCount edges { node { id sector scope company jobTitle suggestedSector { sector field matched rule } } } } }";
const CLASSIFY: &str =
    "mutation($i: [ContactClassificationInput!]!) { classifyContacts(input: $i) }";
const GUIDANCE: &str =
    "{ recommendations(first: 50) { code message } socialCapital { reach { score } } }";

#[tokio::test]
async fn test_unclassified_contacts_are_suggested_a_sector_and_classified_in_bulk() {
    for h in harnesses().await {
        let member = h.register("ana@example.org", "correct horse battery").await;
        let user = UserId(member.id.parse().expect("uuid"));
        let rows = [
            unclassified(
                "Ana García",
                Some("Universidad de Chile"),
                Some("Profesora"),
            ),
            unclassified("Bea Ruiz", Some("Diario Sur"), Some("Editora")),
            unclassified("Carla Soto", None, None),
        ];
        for c in rows.clone() {
            h.db.store.add_contact(user, c).await.expect("contact");
        }
        let before = h.ok(GUIDANCE, json!({}), &member.access).await;
        let codes: Vec<&str> = before["recommendations"]
            .as_array()
            .expect("list")
            .iter()
            .filter_map(|r| r["code"].as_str())
            .collect();
        assert!(
            codes.contains(&"CLASSIFY_CONTACTS"),
            "{}: {before}",
            h.label()
        );
        let message = before["recommendations"]
            .as_array()
            .expect("list")
            .iter()
            .find(|r| r["code"] == "CLASSIFY_CONTACTS")
            .expect("classify")["message"]
            .clone();
        assert!(message.as_str().expect("text").contains('3'), "{message}");
        assert_eq!(
            before["socialCapital"]["reach"]["score"],
            0.0,
            "{}",
            h.label()
        );

        let list = h.ok(LIST, json!({"c": false}), &member.access).await;
        assert_eq!(list["contacts"]["totalCount"], 3, "{}: {list}", h.label());
        let nodes = list["contacts"]["edges"].as_array().expect("edges").clone();
        let suggestion = |name_company: &str| {
            nodes
                .iter()
                .find(|e| e["node"]["company"] == name_company)
                .expect("row")["node"]["suggestedSector"]
                .clone()
        };
        assert_eq!(
            suggestion("Universidad de Chile"),
            // A strong job title decides before the company.
            json!({"sector": "ACADEMIA", "field": "jobTitle", "matched": "Profesora", "rule": "PROFESSOR"}),
            "{}",
            h.label()
        );
        assert_eq!(
            suggestion("Diario Sur"),
            json!({"sector": "MEDIA", "field": "company", "matched": "Diario", "rule": suggestion("Diario Sur")["rule"]})
        );
        assert!(
            nodes.iter().any(|e| e["node"]["suggestedSector"].is_null()),
            "no company, no suggestion"
        );

        // Someone else's id: nothing changes.
        let other = h.register("eve@example.org", "correct horse battery").await;
        let everyone: Vec<_> = nodes
            .iter()
            .map(|e| json!({"contactId": e["node"]["id"], "sector": "ACADEMIA", "scope": "CITY"}))
            .collect();
        let res = h
            .exec(CLASSIFY, json!({"i": everyone}), Some(&other.access))
            .await;
        let (code, field, _) = only_error(&res);
        assert_eq!(
            (code.as_str(), field.as_deref()),
            ("NOT_FOUND", Some("contactId"))
        );
        let mut mixed = everyone.clone();
        mixed.push(
            json!({"contactId": Uuid::now_v7().to_string(), "sector": "MEDIA", "scope": "CITY"}),
        );
        let res = h
            .exec(CLASSIFY, json!({"i": mixed}), Some(&member.access))
            .await;
        assert_eq!(only_error(&res).0, "NOT_FOUND", "{}: {res}", h.label());
        let still = h.ok(LIST, json!({"c": false}), &member.access).await;
        assert_eq!(
            still["contacts"]["totalCount"], 3,
            "nothing changed: {still}"
        );
        let res = h
            .exec(CLASSIFY, json!({"i": []}), Some(&member.access))
            .await;
        assert_eq!(only_error(&res).0, "VALIDATION");

        // All three at once: the rules count them now.
        let data = h.ok(CLASSIFY, json!({"i": everyone}), &member.access).await;
        assert_eq!(data["classifyContacts"], 3, "{}", h.label());
        let left = h.ok(LIST, json!({"c": false}), &member.access).await;
        assert_eq!(left["contacts"]["totalCount"], 0);
        let done = h.ok(LIST, json!({"c": true}), &member.access).await;
        assert_eq!(done["contacts"]["totalCount"], 3);
        assert!(
            done["contacts"]["edges"]
                .as_array()
                .expect("edges")
                .iter()
                .all(
                    |e| e["node"]["sector"] == "ACADEMIA" && e["node"]["suggestedSector"].is_null()
                )
        );
        let after = h.ok(GUIDANCE, json!({}), &member.access).await;
        assert!(
            !after["recommendations"]
                .as_array()
                .expect("list")
                .iter()
                .any(|r| r["code"] == "CLASSIFY_CONTACTS"),
            "{after}"
        );
        // An id named twice takes its last classification.
        let first = nodes[0]["node"]["id"].clone();
        let twice = json!([
            {"contactId": first, "sector": "MEDIA", "scope": "CITY"},
            {"contactId": first, "sector": "PUBLIC", "scope": "GLOBAL"},
        ]);
        let data = h.ok(CLASSIFY, json!({"i": twice}), &member.access).await;
        assert_eq!(data["classifyContacts"], 1, "{}", h.label());
        let one = h
            .ok(
                "query($id: ID!) { contact(id: $id) { sector scope } }",
                json!({"id": first}),
                &member.access,
            )
            .await;
        assert_eq!(
            one["contact"],
            json!({"sector": "PUBLIC", "scope": "GLOBAL"})
        );
        // Academia is covered now: the rules count the classified contacts.
        let academia = |v: &Value| {
            v["recommendations"]
                .as_array()
                .expect("list")
                .iter()
                .any(|r| r["message"] == "Add an influencer from academia.")
        };
        assert!(academia(&before), "{}: {before}", h.label());
        assert!(!academia(&after), "{}: {after}", h.label());
    }
}
