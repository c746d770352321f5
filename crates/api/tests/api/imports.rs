//! Her network in: a contact file is previewed (nothing written), confirmed in one
//! transaction, imported again without duplicates, undone as a whole; bad files are refused
//! with a reason and change nothing; what she exports imports back into an empty account.
//! The files are the ones in `examples/imports/`, written to match what LinkedIn, Apple
//! Contacts, Android and Google Contacts export.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use herlead_api::ApiConfig;

use crate::*;

pub(crate) const LINKEDIN: &[u8] = include_bytes!("../../../../examples/imports/Connections.csv");
const VCARD: &[u8] = include_bytes!("../../../../examples/imports/contacts.vcf");
const GOOGLE: &[u8] = include_bytes!("../../../../examples/imports/google-contacts.csv");

pub(crate) const PREVIEW: &str = "mutation($file: Upload!, $f: ImportFormat) { previewImport(file: $file, format: $f) { \
    batch { id status format fileName encoding parsedRows rejectedRows expiresAt } \
    newContacts updates unchanged rejectedRows \
    rejected { line code reason } \
    rows(first: 500) { line kind contactId matchedBy changes name emails links company jobTitle connectedOn tags \
      suggestedSector { sector field matched rule } warnings { field code value } } } }";
const CONFIRM: &str = "mutation($id: ID!) { confirmImport(importId: $id) { id status created updated unchanged confirmedAt expiresAt } }";
const UNDO: &str =
    "mutation($id: ID!) { undoImport(importId: $id) { id status created updated undoneAt } }";
const CONTACTS: &str = "{ contacts(first: 100) { totalCount edges { node { id name sector scope emails links company jobTitle connectedOn tags } } } }";

async fn preview(h: &Harness, token: &str, name: &str, file: &[u8], format: &str) -> Value {
    let res = h
        .upload(PREVIEW, json!({"f": format}), name, file, token)
        .await;
    assert!(res["errors"].is_null(), "{}: {res}", h.label());
    res["data"]["previewImport"].clone()
}

async fn confirm(h: &Harness, token: &str, preview: &Value) -> Value {
    h.ok(CONFIRM, json!({"id": preview["batch"]["id"]}), token)
        .await["confirmImport"]
        .clone()
}

/// Her contacts by name.
async fn contacts(h: &Harness, token: &str) -> BTreeMap<String, Value> {
    let data = h.ok(CONTACTS, json!({}), token).await;
    data["contacts"]["edges"]
        .as_array()
        .expect("edges")
        .iter()
        .map(|e| {
            (
                e["node"]["name"].as_str().expect("name").to_owned(),
                e["node"].clone(),
            )
        })
        .collect()
}

fn row<'a>(preview: &'a Value, name: &str) -> &'a Value {
    preview["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .find(|r| r["name"] == name)
        .unwrap_or_else(|| panic!("no row for {name}: {preview}"))
}

#[tokio::test]
async fn test_a_linkedin_file_is_previewed_confirmed_reimported_and_undone() {
    for h in harnesses().await {
        let ana = h.register("ana@example.org", "correct horse battery").await;
        let t = &ana.access;

        // The preview writes nothing and says what the file holds.
        let p = preview(&h, t, "Connections.csv", LINKEDIN, "LINKEDIN").await;
        assert_eq!(p["batch"]["status"], "PREVIEW", "{}: {p}", h.label());
        assert_eq!(p["batch"]["format"], "LINKEDIN");
        assert_eq!(p["batch"]["fileName"], "Connections.csv");
        assert_eq!(p["batch"]["encoding"], "UTF8");
        assert!(p["batch"]["expiresAt"].is_string());
        // Ten rows: one has no name, two are the same person (one profile, two spellings).
        assert_eq!(p["batch"]["parsedRows"], 9, "{p}");
        assert_eq!((&p["newContacts"], &p["updates"]), (&json!(8), &json!(0)));
        assert_eq!(
            p["rejected"],
            json!([{"line": 13, "code": "NO_NAME", "reason": p["rejected"][0]["reason"]}])
        );
        let mariana = row(&p, "Mariana Restrepo Gil");
        assert_eq!(mariana["kind"], "NEW");
        assert_eq!(mariana["line"], 5);
        assert_eq!(
            mariana["jobTitle"], "Decana de Ingeniería",
            "the later row wins"
        );
        assert_eq!(mariana["links"].as_array().expect("links").len(), 1);
        assert_eq!(mariana["connectedOn"], "2025-09-04");
        assert_eq!(
            (
                &mariana["suggestedSector"]["sector"],
                &mariana["suggestedSector"]["field"]
            ),
            (&json!("ACADEMIA"), &json!("company"))
        );
        let ministry = row(&p, "Claudia Herrera");
        assert_eq!(ministry["suggestedSector"]["sector"], "PUBLIC");
        assert_eq!(ministry["emails"], json!(["claudia.herrera@example.org"]));
        assert_eq!(
            row(&p, "Ngozi Adeyemi")["suggestedSector"]["sector"],
            "MEDIA"
        );
        assert_eq!(
            row(&p, "Paula Suárez")["suggestedSector"]["sector"],
            "NONPROFIT"
        );
        assert!(
            contacts(&h, t).await.is_empty(),
            "{}: a preview writes nothing",
            h.label()
        );

        // Confirming writes the batch: unclassified contacts the rules ask her to classify.
        let done = confirm(&h, t, &p).await;
        assert_eq!(
            (
                &done["status"],
                &done["created"],
                &done["updated"],
                &done["expiresAt"]
            ),
            (&json!("CONFIRMED"), &json!(8), &json!(0), &Value::Null),
            "{}: {done}",
            h.label()
        );
        let mine = contacts(&h, t).await;
        assert_eq!(mine.len(), 8);
        assert!(
            mine.values()
                .all(|c| c["sector"].is_null() && c["scope"].is_null())
        );
        assert_eq!(
            mine["Mariana Restrepo Gil"]["company"],
            "Universidad de Antioquia"
        );
        let recs = h
            .ok("{ recommendations(first: 50) { code } }", json!({}), t)
            .await;
        assert!(
            recs["recommendations"]
                .as_array()
                .expect("list")
                .iter()
                .any(|r| r["code"] == "CLASSIFY_CONTACTS"),
            "{recs}"
        );
        // Confirming twice is refused and changes nothing.
        let again = h
            .exec(CONFIRM, json!({"id": p["batch"]["id"]}), Some(t))
            .await;
        let (code, field, _) = only_error(&again);
        assert_eq!(
            (code.as_str(), field.as_deref()),
            ("CONFLICT", Some("importId"))
        );

        // The same file again: nothing new, nothing changed.
        let p2 = preview(&h, t, "Connections.csv", LINKEDIN, "LINKEDIN").await;
        assert_eq!(
            (&p2["newContacts"], &p2["updates"], &p2["unchanged"]),
            (&json!(0), &json!(0), &json!(8)),
            "{}: {p2}",
            h.label()
        );
        assert_eq!(row(&p2, "Sarah Collins")["matchedBy"], "PROFILE_URL");
        let done2 = confirm(&h, t, &p2).await;
        assert_eq!(
            (&done2["created"], &done2["unchanged"]),
            (&json!(0), &json!(8))
        );
        assert_eq!(contacts(&h, t).await.len(), 8);

        // Her phone's vCards: Claudia is matched by her LinkedIn profile and gains her
        // Twitter link and a tag; the two others are new.
        let v = preview(&h, t, "contacts.vcf", VCARD, "VCARD").await;
        assert_eq!(
            (&v["newContacts"], &v["updates"]),
            (&json!(2), &json!(1)),
            "{v}"
        );
        let claudia = row(&v, "Claudia Herrera");
        assert_eq!(claudia["kind"], "UPDATE");
        assert_eq!(claudia["matchedBy"], "PROFILE_URL");
        assert_eq!(claudia["contactId"], mine["Claudia Herrera"]["id"]);
        let changes: Vec<&str> = claudia["changes"]
            .as_array()
            .expect("changes")
            .iter()
            .filter_map(Value::as_str)
            .collect();
        assert!(
            changes.contains(&"links") && changes.contains(&"tags"),
            "{claudia}"
        );
        assert_eq!(
            row(&v, "Lucía Castañeda")["suggestedSector"]["sector"],
            "MEDIA"
        );
        let amina = row(&v, "Amina Yusuf");
        assert_eq!(
            amina["links"].as_array().expect("links").len(),
            2,
            "every profile is kept"
        );
        let vcard_batch = confirm(&h, t, &v).await;
        assert_eq!(
            (&vcard_batch["created"], &vcard_batch["updated"]),
            (&json!(2), &json!(1))
        );

        // Google's CSV: Paula matches by profile and gains her e-mail and labels.
        let g = preview(&h, t, "google-contacts.csv", GOOGLE, "GOOGLE_CSV").await;
        assert_eq!(
            (&g["newContacts"], &g["updates"]),
            (&json!(2), &json!(1)),
            "{g}"
        );
        let google_batch = confirm(&h, t, &g).await;
        let mine = contacts(&h, t).await;
        assert_eq!(mine.len(), 12);
        assert_eq!(mine["Paula Suárez"]["emails"], json!(["paula@example.org"]));
        assert_eq!(
            mine["Teresa Quintero"]["emails"],
            json!(["tquintero@example.gov.co", "teresa.q@example.com"])
        );

        // She edits Paula's company after the import; undoing the Google batch removes its
        // two new contacts and Paula's e-mail, and leaves what she edited.
        h.ok(
            "mutation($id: ID!) { updateContact(id: $id, input: {company: \"Fundación Lidera\"}) { id } }",
            json!({"id": mine["Paula Suárez"]["id"]}),
            t,
        )
        .await;
        let undone = h.ok(UNDO, json!({"id": google_batch["id"]}), t).await["undoImport"].clone();
        assert_eq!(undone["status"], "UNDONE", "{}: {undone}", h.label());
        let mine = contacts(&h, t).await;
        assert_eq!(mine.len(), 10);
        assert!(!mine.contains_key("Teresa Quintero"));
        assert_eq!(mine["Paula Suárez"]["emails"], json!([]));
        assert_eq!(mine["Paula Suárez"]["company"], "Fundación Lidera");
        let twice = h
            .exec(UNDO, json!({"id": google_batch["id"]}), Some(t))
            .await;
        assert_eq!(only_error(&twice).0, "CONFLICT");

        // A give to a contact the vCard batch created keeps the batch from being undone.
        h.ok(
            "mutation($c: ID!) { logInteraction(input: {contactId: $c, kind: SHARED_POST}) { interaction { id } } }",
            json!({"c": mine["Amina Yusuf"]["id"]}),
            t,
        )
        .await;
        let refused = h
            .exec(UNDO, json!({"id": vcard_batch["id"]}), Some(t))
            .await;
        let (code, field, message) = only_error(&refused);
        assert_eq!(
            (code.as_str(), field.as_deref()),
            ("CONFLICT", Some("importId")),
            "{refused}"
        );
        assert!(
            message.starts_with("1 contact this import created"),
            "{message}"
        );
        assert_eq!(
            contacts(&h, t).await.len(),
            10,
            "a refused undo changes nothing"
        );

        // The history of her imports, newest first.
        let list = h
            .ok(
                "{ imports { id status created updated fileName } }",
                json!({}),
                t,
            )
            .await;
        let statuses: Vec<&str> = list["imports"]
            .as_array()
            .expect("imports")
            .iter()
            .filter_map(|b| b["status"].as_str())
            .collect();
        assert_eq!(
            statuses,
            ["UNDONE", "CONFIRMED", "CONFIRMED", "CONFIRMED"],
            "{list}"
        );
    }
}

#[tokio::test]
async fn test_previews_are_hers_and_can_be_discarded() {
    for h in harnesses().await {
        let ana = h.register("ana@example.org", "correct horse battery").await;
        let eve = h.register("eve@example.org", "correct horse battery").await;
        let p = preview(&h, &ana.access, "Connections.csv", LINKEDIN, "LINKEDIN").await;
        let id = p["batch"]["id"].clone();
        // Another member can neither read, confirm, discard nor undo it.
        for query in [
            "query($id: ID!) { importPreview(importId: $id) { newContacts } }",
            CONFIRM,
            UNDO,
            "mutation($id: ID!) { discardImport(importId: $id) }",
        ] {
            let res = h.exec(query, json!({"id": id}), Some(&eve.access)).await;
            let (code, field, _) = only_error(&res);
            assert_eq!(
                (code.as_str(), field.as_deref()),
                ("NOT_FOUND", Some("importId")),
                "{}: {query}: {res}",
                h.label()
            );
        }
        assert!(contacts(&h, &eve.access).await.is_empty());
        // Read again later, the preview is computed on her contacts as they are then.
        h.ok(
            "mutation { addContact(input: {name: \"Sarah Collins\", sector: ACADEMIA, scope: GLOBAL, links: [\"https://www.linkedin.com/in/sarahcollins/\"]}) { id } }",
            json!({}),
            &ana.access,
        )
        .await;
        let again = h
            .ok(
                "query($id: ID!) { importPreview(importId: $id) { newContacts updates rows(kind: UPDATE) { name matchedBy changes } } }",
                json!({"id": id}),
                &ana.access,
            )
            .await;
        assert_eq!(again["importPreview"]["newContacts"], 7, "{again}");
        assert_eq!(
            again["importPreview"]["rows"][0]["matchedBy"], "PROFILE_URL",
            "{again}"
        );
        let discarded = h
            .ok(
                "mutation($id: ID!) { discardImport(importId: $id) }",
                json!({"id": id}),
                &ana.access,
            )
            .await;
        assert_eq!(discarded["discardImport"], id);
        let res = h.exec(CONFIRM, json!({"id": id}), Some(&ana.access)).await;
        assert_eq!(only_error(&res).0, "NOT_FOUND");
        assert_eq!(contacts(&h, &ana.access).await.len(), 1);
    }
}

type BadFile = (
    &'static str,
    &'static [u8],
    Option<&'static str>,
    &'static str,
    &'static str,
);

#[tokio::test]
async fn test_bad_files_are_refused_with_a_reason_and_change_nothing() {
    let config = ApiConfig {
        imports: herlead_import::Limits {
            max_rows: 5,
            ..herlead_import::Limits::default()
        },
        ..ApiConfig::default()
    };
    for h in harnesses_with(config).await {
        let ana = h.register("ana@example.org", "correct horse battery").await;
        let t = &ana.access;
        // (file name, bytes, format, the field at fault, the reason)
        let cases: [BadFile; 8] = [
            (
                "sheet.xlsx",
                b"PK\x03\x04\x14\x00\x00\x00\x08\x00binary",
                Some("LINKEDIN"),
                "file",
                "BINARY",
            ),
            ("empty.csv", b"", Some("LINKEDIN"), "file", "EMPTY"),
            (
                "other.csv",
                b"Name,Phone\nAna,123\n",
                Some("LINKEDIN"),
                "file",
                "MISSING_HEADER",
            ),
            (
                "notes.vcf",
                b"just some notes\n",
                Some("VCARD"),
                "file",
                "NO_CARDS",
            ),
            (
                "Connections.csv",
                LINKEDIN,
                Some("LINKEDIN"),
                "file",
                "TOO_MANY_ROWS",
            ),
            ("mystery.txt", b"hello\nworld\n", None, "format", ""),
            // Without a format, a file nobody could read says why instead of asking for one.
            (
                "sheet.xlsx",
                b"PK\x03\x04\x14\x00\x00\x00\x08\x00binary",
                None,
                "file",
                "BINARY",
            ),
            ("empty.csv", b"", None, "file", "EMPTY"),
        ];
        for (name, bytes, format, want_field, want_reason) in cases {
            let res = h
                .upload(PREVIEW, json!({"f": format}), name, bytes, t)
                .await;
            let (code, field, message) = only_error(&res);
            assert_eq!(
                (code.as_str(), field.as_deref()),
                ("VALIDATION", Some(want_field)),
                "{}: {name}: {res}",
                h.label()
            );
            assert!(!message.is_empty());
            if !want_reason.is_empty() {
                assert_eq!(
                    res["errors"][0]["extensions"]["reason"], want_reason,
                    "{res}"
                );
            }
        }
        // Without a format, the file is recognized.
        let res = h.upload(PREVIEW, json!({}), "contacts.vcf", VCARD, t).await;
        assert_eq!(
            res["data"]["previewImport"]["batch"]["format"], "VCARD",
            "{res}"
        );
        // A request that names a file but carries none (a JSON body cannot) is a validation
        // error, whatever the variable says.
        for value in [
            json!("#__graphql_file__:0"),
            json!("#__graphql_file__:x"),
            json!("Connections.csv"),
        ] {
            let res = h
                .exec(
                    "mutation($file: Upload!) { previewImport(file: $file) { newContacts } }",
                    json!({"file": value}),
                    Some(t),
                )
                .await;
            let (code, field, _) = only_error(&res);
            assert_eq!(
                (code.as_str(), field.as_deref()),
                ("VALIDATION", Some("file")),
                "{res}"
            );
        }
        let list = h.ok("{ imports { id } }", json!({}), t).await;
        assert_eq!(
            list["imports"],
            json!([{"id": res["data"]["previewImport"]["batch"]["id"]}])
        );
        assert!(contacts(&h, t).await.is_empty());
        // Signed out, nothing is read.
        let res = h.exec("{ imports { id } }", json!({}), None).await;
        assert_eq!(only_error(&res).0, "UNAUTHENTICATED");
    }
}

#[tokio::test]
async fn test_an_export_imports_back_into_an_empty_account() {
    for h in harnesses().await {
        let ana = h.register("ana@example.org", "correct horse battery").await;
        for input in [
            json!({"name": "Grace Hopper", "sector": "PUBLIC", "scope": "COUNTRY",
                   "emails": ["grace@example.org", "ghopper@example.com"],
                   "links": ["https://www.linkedin.com/in/gracehopper", "https://grace.example.org/"],
                   "company": "US Navy", "jobTitle": "Rear Admiral", "connectedOn": "2024-03-15",
                   "tags": ["cobol", "navy"]}),
            json!({"name": "Ada Lovelace", "sector": "ACADEMIA", "scope": "GLOBAL",
                   "company": "=HYPERLINK(\"https://evil.example\")", "tags": ["poetry"]}),
            json!({"name": "María José Núñez", "sector": "MEDIA", "scope": "CITY",
                   "emails": ["mjn@example.co"]}),
        ] {
            h.ok(
                "mutation($i: ContactInput!) { addContact(input: $i) { id } }",
                json!({"i": input}),
                &ana.access,
            )
            .await;
        }
        let theirs = contacts(&h, &ana.access).await;
        let details = |c: &Value| {
            json!({
                "emails": c["emails"], "links": c["links"], "company": c["company"],
                "jobTitle": c["jobTitle"], "connectedOn": c["connectedOn"], "tags": c["tags"],
                "sector": c["sector"], "scope": c["scope"],
            })
        };
        for (format, import_as) in [("VCARD", "VCARD"), ("CSV", "GOOGLE_CSV")] {
            let file = h
                .ok(
                    "query($f: ExportFormat!) { exportMyData(format: $f) }",
                    json!({"f": format}),
                    &ana.access,
                )
                .await["exportMyData"]
                .as_str()
                .expect("text")
                .to_owned();
            let fresh = h
                .register(&format!("{format}@example.org"), "correct horse battery")
                .await;
            let p = preview(&h, &fresh.access, "export", file.as_bytes(), import_as).await;
            assert_eq!(p["rejectedRows"], 0, "{}: {format}: {p}", h.label());
            confirm(&h, &fresh.access, &p).await;
            let back = contacts(&h, &fresh.access).await;
            assert_eq!(
                back.keys().collect::<Vec<_>>(),
                theirs.keys().collect::<Vec<_>>(),
                "{format}"
            );
            for (name, c) in &theirs {
                assert_eq!(
                    details(&back[name]),
                    details(c),
                    "{}: {format}: {name}",
                    h.label()
                );
            }
        }
    }
}
