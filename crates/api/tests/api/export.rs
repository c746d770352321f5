//! Her data out: the JSON document holds what she recorded, as she reads it through the API;
//! the vCard and CSV exports parse back (with `herlead-import`) to the same contacts.

use serde_json::{Value, json};

use crate::{
    coach::{cohort, join},
    *,
};

const EXPORT: &str = "query($f: ExportFormat!) { exportMyData(format: $f) }";

async fn export(h: &Harness, token: &str, format: &str) -> String {
    h.ok(EXPORT, json!({"f": format}), token).await["exportMyData"]
        .as_str()
        .expect("a string")
        .to_owned()
}

#[tokio::test]
async fn test_the_json_export_holds_everything_she_recorded() {
    for h in harnesses().await {
        let coach = h
            .with_role("coach@example.org", herlead_core::Role::Coach)
            .await;
        let (cohort_id, code) = cohort(&h, &coach.access).await;
        let ada = h.register("ada@example.org", "correct horse battery").await;
        let grace = h
            .register("grace@example.org", "correct horse battery")
            .await;
        join(&h, &ada.access, &code, "PROGRESS_AND_CONTACTS").await;
        let t = &ada.access;
        h.ok("mutation { updatePresence(input: {website: \"https://ada.example.org\", emailSignature: \"Ada\", audiences: [WOMEN]}) { website } }", json!({}), t).await;
        h.ok("mutation { addProfile(input: {platform: X, handle: \"ada\", url: \"https://x.com/ada\", tagline: \"Poet of science\"}) { id } }", json!({}), t).await;
        let contact = h.ok("mutation { addContact(input: {name: \"Grace Hopper\", sector: MEDIA, scope: CITY, onMeetList: true, tags: [\"navy\"], links: [\"https://grace.example.org\"]}) { id } }", json!({}), t).await["addContact"]["id"].clone();
        h.ok("mutation($c: ID!) { logInteraction(input: {contactId: $c, kind: SHARED_POST, note: \"shared her talk\"}) { interaction { id } } }", json!({"c": contact}), t).await;
        let community = h.ok("mutation { addCommunity(input: {name: \"Women in Policy\", kind: HYBRID, role: ORGANIZER}) { id } }", json!({}), t).await["addCommunity"]["id"].clone();
        h.ok("mutation($c: ID!, $a: ID!) { logMeeting(input: {communityId: $c, occurredAt: \"2026-11-01T10:00:00Z\", inPerson: true, attendeeIds: [$a], notes: \"met\"}) { id } }", json!({"c": community, "a": contact}), t).await;
        h.ok(SET_STATUS, json!({"i": {"taskKey": "position.tell_your_story", "status": "DONE", "note": "my story"}}), t).await;
        h.ok(
            "mutation($i: NudgeInput!) { sendNudge(input: $i) { id } }",
            json!({"i": {"cohortId": cohort_id, "memberId": ada.id, "message": "Keep going!"}}),
            &coach.access,
        )
        .await;

        let doc: Value = serde_json::from_str(&export(&h, t, "JSON").await).expect("JSON");
        assert_eq!(doc["version"], 1, "{}: {doc}", h.label());
        assert!(doc["exportedAt"].is_string());
        assert_eq!(doc["account"]["email"], "ada@example.org");
        assert_eq!(doc["account"]["displayName"], "Ada Lovelace");
        assert_eq!(doc["account"]["id"], ada.id.as_str());
        assert_eq!(doc["presence"]["website"], "https://ada.example.org/");
        assert_eq!(doc["presence"]["audiences"], json!(["WOMEN"]));
        assert_eq!(doc["profiles"][0]["tagline"], "Poet of science");
        let c = &doc["contacts"][0];
        assert_eq!(
            (
                &c["id"],
                &c["name"],
                &c["sector"],
                &c["scope"],
                &c["onMeetList"],
                &c["tags"]
            ),
            (
                &contact,
                &json!("Grace Hopper"),
                &json!("MEDIA"),
                &json!("CITY"),
                &json!(true),
                &json!(["navy"])
            )
        );
        assert_eq!(doc["interactions"][0]["note"], "shared her talk");
        assert_eq!(doc["interactions"][0]["contactId"], contact);
        assert_eq!(doc["communities"][0]["name"], "Women in Policy");
        assert_eq!(doc["meetings"][0]["attendeeIds"], json!([contact]));
        assert_eq!(doc["meetings"][0]["notes"], "met");
        let story = doc["tasks"]
            .as_array()
            .expect("tasks")
            .iter()
            .find(|r| r["taskKey"] == "position.tell_your_story")
            .expect("her story");
        assert_eq!(
            (&story["status"], &story["note"]),
            (&json!("DONE"), &json!("my story"))
        );
        assert!(doc["progressHistory"].as_array().expect("history").len() >= 2);
        assert_eq!(doc["cohorts"][0]["id"], cohort_id.as_str());
        assert_eq!(doc["cohorts"][0]["sharing"], "PROGRESS_AND_CONTACTS");
        assert_eq!(doc["nudges"][0]["message"], "Keep going!");

        // What the API shows her equals what the document says.
        let read = h.ok("{ contacts { edges { node { id name links tags } } } presence { website profiles { url } } }", json!({}), t).await;
        let node = &read["contacts"]["edges"][0]["node"];
        assert_eq!(node["links"], c["links"]);
        assert_eq!(read["presence"]["website"], doc["presence"]["website"]);
        assert_eq!(
            read["presence"]["profiles"][0]["url"],
            doc["profiles"][0]["url"]
        );

        // Nothing of hers in another member's export; strangers get nothing.
        let other: Value =
            serde_json::from_str(&export(&h, &grace.access, "JSON").await).expect("JSON");
        assert_eq!(other["contacts"], json!([]));
        assert_eq!(other["nudges"], json!([]));
        let res = h.exec(EXPORT, json!({"f": "JSON"}), None).await;
        assert_eq!(only_error(&res).0, "UNAUTHENTICATED");
    }
}

#[tokio::test]
async fn test_vcard_and_csv_exports_read_back_as_the_same_contacts() {
    for h in harnesses().await {
        let ada = h.register("ada@example.org", "correct horse battery").await;
        let t = &ada.access;
        h.ok("mutation { addContact(input: {name: \"Grace Hopper\", sector: MEDIA, scope: CITY, links: [\"https://grace.example.org\", \"https://www.linkedin.com/in/grace\"]}) { id } }", json!({}), t).await;
        h.ok("mutation { addContact(input: {name: \"María José Pérez, PhD\", sector: ACADEMIA, scope: GLOBAL, tags: [\"ciencia\"]}) { id } }", json!({}), t).await;
        let names_links = |rows: &[herlead_import::ImportedContact]| {
            let mut v: Vec<(String, Vec<String>)> = rows
                .iter()
                .map(|r| {
                    (
                        r.name.as_str().to_owned(),
                        r.links.iter().map(|l| l.as_str().to_owned()).collect(),
                    )
                })
                .collect();
            v.sort();
            v
        };
        let expected = vec![
            (
                "Grace Hopper".to_owned(),
                vec![
                    "https://grace.example.org/".to_owned(),
                    "https://www.linkedin.com/in/grace".to_owned(),
                ],
            ),
            ("María José Pérez, PhD".to_owned(), vec![]),
        ];
        let vcf = export(&h, t, "VCARD").await;
        assert!(vcf.starts_with("BEGIN:VCARD\r\nVERSION:4.0\r\n"), "{vcf}");
        let parsed = herlead_import::parse(
            vcf.as_bytes(),
            herlead_import::Format::VCard,
            &herlead_import::Limits::default(),
        )
        .expect("vCard parses");
        assert!(parsed.rejected.is_empty(), "{:?}", parsed.rejected);
        assert_eq!(names_links(&parsed.rows), expected, "{}: {vcf}", h.label());
        let csv = export(&h, t, "CSV").await;
        let parsed = herlead_import::parse(
            csv.as_bytes(),
            herlead_import::Format::GoogleCsv,
            &herlead_import::Limits::default(),
        )
        .expect("CSV parses");
        assert_eq!(names_links(&parsed.rows), expected, "{}: {csv}", h.label());
        assert!(parsed.rows.iter().any(|r| r.tags == ["ciencia"]));
    }
}
