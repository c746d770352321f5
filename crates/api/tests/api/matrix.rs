//! The authorization matrix: every query, mutation and subscription that reads or changes
//! someone's data, run by every kind of actor, against SQLite and PostgreSQL, at both sharing
//! levels. Ids of things an actor may not see answer NOT_FOUND, exactly like ids that do not
//! exist. The table is also rendered to `docs/authorization.md`; the test fails when that file
//! is stale (`HERLEAD_UPDATE_MATRIX=1` rewrites it).

use std::collections::HashMap;

use async_graphql::{Request, Variables};
use futures_util::StreamExt;
use herlead_core::Role;
use serde_json::{Value, json};

use crate::{
    coach::{self, join},
    *,
};

/// Who is asking.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Actor {
    Anonymous,
    Herself,
    OtherMember,
    CohortCoach,
    CoCoach,
    OtherCoach,
    Admin,
}

const ACTORS: [Actor; 7] = [
    Actor::Anonymous,
    Actor::Herself,
    Actor::OtherMember,
    Actor::CohortCoach,
    Actor::CoCoach,
    Actor::OtherCoach,
    Actor::Admin,
];

impl Actor {
    fn title(self) -> &'static str {
        match self {
            Actor::Anonymous => "anonymous",
            Actor::Herself => "the member herself",
            Actor::OtherMember => "another member",
            Actor::CohortCoach => "coach of her cohort",
            Actor::CoCoach => "co-coach",
            Actor::OtherCoach => "coach of another cohort",
            Actor::Admin => "admin",
        }
    }
}

/// What should happen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    /// Succeeds (and may show her data).
    Ok,
    /// Succeeds, but about the actor's own account: none of her data appears.
    Own,
    /// Succeeds; her contacts appear only at PROGRESS_AND_CONTACTS.
    Shared,
    /// Not run for this actor (it would change the world the other rows rely on).
    Skip,
    Unauthenticated,
    Forbidden,
    NotFound,
    Validation,
    Conflict,
}

impl Outcome {
    fn cell(self) -> &'static str {
        match self {
            Ok => "ok",
            Own => "own data only",
            Shared => "ok; contacts if shared",
            Skip => "(not run)",
            Unauthenticated => "UNAUTHENTICATED",
            Forbidden => "FORBIDDEN",
            NotFound => "NOT_FOUND",
            Validation => "VALIDATION",
            Conflict => "CONFLICT",
        }
    }

    fn code(self) -> Option<&'static str> {
        match self {
            Unauthenticated => Some("UNAUTHENTICATED"),
            Forbidden => Some("FORBIDDEN"),
            NotFound => Some("NOT_FOUND"),
            Validation => Some("VALIDATION"),
            Conflict => Some("CONFLICT"),
            _ => None,
        }
    }
}

use Outcome::*;

/// One row: an operation and the outcome for each actor, in [`ACTORS`] order.
struct Row {
    name: &'static str,
    kind: &'static str,
    query: &'static str,
    outcomes: [Outcome; 7],
}

/// Outcomes for an operation on her own things: hers to do, NOT_FOUND for anyone else.
const HERS: [Outcome; 7] = [
    Unauthenticated,
    Ok,
    NotFound,
    NotFound,
    NotFound,
    NotFound,
    NotFound,
];
/// Like [`HERS`], but destructive: not run for her here (deletes are tested on their own).
const HERS_DESTRUCTIVE: [Outcome; 7] = [
    Unauthenticated,
    Skip,
    NotFound,
    NotFound,
    NotFound,
    NotFound,
    NotFound,
];
/// Reads about the caller's own account.
const OWN: [Outcome; 7] = [Unauthenticated, Ok, Own, Own, Own, Own, Own];
/// Operations of her cohort's coaches.
const COACHES: [Outcome; 7] = [
    Unauthenticated,
    NotFound,
    NotFound,
    Ok,
    Ok,
    NotFound,
    NotFound,
];

fn rows() -> Vec<Row> {
    vec![
        Row {
            name: "playbook",
            kind: "query",
            query: "{ playbook { version } }",
            outcomes: [Ok; 7],
        },
        Row {
            name: "channels",
            kind: "query",
            query: "{ channels { key } }",
            outcomes: [Ok; 7],
        },
        Row {
            name: "me",
            kind: "query",
            query: "{ me { id email } }",
            outcomes: OWN,
        },
        Row {
            name: "myProgress",
            kind: "query",
            query: "{ myProgress { percent steps { tasks { note } } } }",
            outcomes: OWN,
        },
        Row {
            name: "progressHistory",
            kind: "query",
            query: "{ progressHistory { totalCount edges { node { taskKey note } } } }",
            outcomes: OWN,
        },
        Row {
            name: "exportMyData",
            kind: "query",
            query: "{ exportMyData }",
            outcomes: OWN,
        },
        Row {
            name: "calendarFeed",
            kind: "query",
            query: "{ calendarFeed { createdAt } }",
            outcomes: OWN,
        },
        Row {
            name: "presence",
            kind: "query",
            query: "{ presence { website emailSignature profiles { handle } } }",
            outcomes: OWN,
        },
        Row {
            name: "contacts",
            kind: "query",
            query: "{ contacts { edges { node { name } } } }",
            outcomes: OWN,
        },
        Row {
            name: "contact",
            kind: "query",
            query: "query($contact: ID!) { contact(id: $contact) { name } }",
            outcomes: HERS,
        },
        Row {
            name: "interactions",
            kind: "query",
            query: "{ interactions { note } }",
            outcomes: OWN,
        },
        Row {
            name: "interactions(contactId)",
            kind: "query",
            query: "query($contact: ID!) { interactions(contactId: $contact) { note } }",
            outcomes: HERS,
        },
        Row {
            name: "communities",
            kind: "query",
            query: "{ communities { name meetings { notes } } }",
            outcomes: OWN,
        },
        Row {
            name: "recommendations",
            kind: "query",
            query: "{ recommendations { message } }",
            outcomes: OWN,
        },
        Row {
            name: "socialCapital",
            kind: "query",
            query: "{ socialCapital { total } }",
            outcomes: OWN,
        },
        Row {
            name: "dueToReconnect",
            kind: "query",
            query: "{ dueToReconnect { contact { name } } }",
            outcomes: OWN,
        },
        Row {
            name: "myCohorts",
            kind: "query",
            query: "{ myCohorts { id } }",
            outcomes: OWN,
        },
        Row {
            name: "myNudges",
            kind: "query",
            query: "{ myNudges { message } }",
            outcomes: OWN,
        },
        Row {
            name: "coachedCohorts",
            kind: "query",
            query: "{ coachedCohorts { name } }",
            outcomes: [Unauthenticated, Own, Own, Ok, Ok, Own, Own],
        },
        Row {
            name: "cohort (dashboard)",
            kind: "query",
            query: "query($cohort: ID!) { cohort(id: $cohort) { members { edges { node { displayName contacts { name } progress { steps { tasks { note } } } } } } } }",
            outcomes: [
                Unauthenticated,
                NotFound,
                NotFound,
                Shared,
                Shared,
                NotFound,
                NotFound,
            ],
        },
        Row {
            name: "setTaskStatus",
            kind: "mutation",
            query: "mutation { setTaskStatus(input: {taskKey: \"position.tell_your_story\", status: IN_PROGRESS}) { status } }",
            outcomes: [Unauthenticated, Ok, Own, Own, Own, Own, Own],
        },
        Row {
            name: "updatePresence",
            kind: "mutation",
            query: "mutation { updatePresence(input: {audiences: [WOMEN]}) { audiences } }",
            outcomes: [Unauthenticated, Ok, Own, Own, Own, Own, Own],
        },
        Row {
            name: "updateProfile",
            kind: "mutation",
            query: "mutation($profile: ID!) { updateProfile(id: $profile, input: {tagline: \"Changed\"}) { id } }",
            outcomes: HERS,
        },
        Row {
            name: "deleteProfile",
            kind: "mutation",
            query: "mutation($profile: ID!) { deleteProfile(id: $profile) }",
            outcomes: HERS_DESTRUCTIVE,
        },
        Row {
            name: "updateContact",
            kind: "mutation",
            query: "mutation($contact: ID!) { updateContact(id: $contact, input: {onMeetList: true}) { id } }",
            outcomes: HERS,
        },
        Row {
            name: "deleteContact",
            kind: "mutation",
            query: "mutation($contact: ID!) { deleteContact(id: $contact) { id } }",
            outcomes: HERS_DESTRUCTIVE,
        },
        Row {
            name: "logInteraction",
            kind: "mutation",
            query: "mutation($contact: ID!) { logInteraction(input: {contactId: $contact, kind: SHARED_POST}) { warnings { code } } }",
            outcomes: HERS,
        },
        Row {
            name: "deleteInteraction",
            kind: "mutation",
            query: "mutation($interaction: ID!) { deleteInteraction(id: $interaction) }",
            outcomes: HERS_DESTRUCTIVE,
        },
        Row {
            name: "updateCommunity",
            kind: "mutation",
            query: "mutation($community: ID!) { updateCommunity(id: $community, input: {role: ORGANIZER}) { id } }",
            outcomes: HERS,
        },
        Row {
            name: "deleteCommunity",
            kind: "mutation",
            query: "mutation($community: ID!) { deleteCommunity(id: $community) }",
            outcomes: HERS_DESTRUCTIVE,
        },
        Row {
            name: "logMeeting",
            kind: "mutation",
            query: "mutation($community: ID!) { logMeeting(input: {communityId: $community, occurredAt: \"2026-03-01T18:00:00Z\", inPerson: true}) { id } }",
            outcomes: HERS,
        },
        Row {
            name: "deleteMeeting",
            kind: "mutation",
            query: "mutation($meeting: ID!) { deleteMeeting(id: $meeting) }",
            outcomes: HERS_DESTRUCTIVE,
        },
        Row {
            name: "markNudgeRead",
            kind: "mutation",
            query: "mutation($nudge: ID!) { markNudgeRead(id: $nudge) { id } }",
            outcomes: HERS,
        },
        Row {
            name: "setSharing",
            kind: "mutation",
            query: "mutation($cohort: ID!) { setSharing(cohortId: $cohort, sharing: PROGRESS) }",
            outcomes: [
                Unauthenticated,
                Skip,
                NotFound,
                NotFound,
                NotFound,
                NotFound,
                NotFound,
            ],
        },
        Row {
            name: "leaveCohort",
            kind: "mutation",
            query: "mutation($cohort: ID!) { leaveCohort(cohortId: $cohort) }",
            outcomes: HERS_DESTRUCTIVE,
        },
        Row {
            name: "joinCohort",
            kind: "mutation",
            query: "mutation($code: String!) { joinCohort(code: $code) { id } }",
            outcomes: [
                Unauthenticated,
                Conflict,
                Skip,
                Validation,
                Validation,
                Skip,
                Skip,
            ],
        },
        Row {
            name: "createCohort",
            kind: "mutation",
            query: "mutation { createCohort(input: {name: \"New\"}) { id } }",
            outcomes: [Unauthenticated, Forbidden, Forbidden, Ok, Ok, Ok, Forbidden],
        },
        Row {
            name: "updateCohort",
            kind: "mutation",
            query: "mutation($cohort: ID!) { updateCohort(id: $cohort, input: {stallDays: 10}) { id } }",
            outcomes: COACHES,
        },
        Row {
            name: "rotateInviteCode",
            kind: "mutation",
            query: "mutation($cohort: ID!) { rotateInviteCode(cohortId: $cohort) { id } }",
            outcomes: [
                Unauthenticated,
                NotFound,
                NotFound,
                Skip,
                Skip,
                NotFound,
                NotFound,
            ],
        },
        Row {
            name: "addCoCoach",
            kind: "mutation",
            query: "mutation($cohort: ID!) { addCoCoach(cohortId: $cohort, email: \"other.coach@example.org\") { id } }",
            outcomes: [
                Unauthenticated,
                NotFound,
                NotFound,
                Skip,
                Skip,
                NotFound,
                NotFound,
            ],
        },
        Row {
            name: "removeMember",
            kind: "mutation",
            query: "mutation($cohort: ID!, $member: ID!) { removeMember(cohortId: $cohort, userId: $member) }",
            outcomes: [
                Unauthenticated,
                NotFound,
                NotFound,
                Skip,
                Skip,
                NotFound,
                NotFound,
            ],
        },
        Row {
            name: "sendNudge",
            kind: "mutation",
            query: "mutation($cohort: ID!, $member: ID!) { sendNudge(input: {cohortId: $cohort, memberId: $member, message: \"Hi\"}) { id } }",
            outcomes: COACHES,
        },
        Row {
            name: "grantCoach",
            kind: "mutation",
            query: "mutation($other: ID!) { grantCoach(userId: $other) { id } }",
            outcomes: [
                Unauthenticated,
                Forbidden,
                Forbidden,
                Forbidden,
                Forbidden,
                Forbidden,
                Skip,
            ],
        },
        Row {
            name: "revokeCoach",
            kind: "mutation",
            query: "mutation($other: ID!) { revokeCoach(userId: $other) { id } }",
            outcomes: [
                Unauthenticated,
                Forbidden,
                Forbidden,
                Forbidden,
                Forbidden,
                Forbidden,
                Skip,
            ],
        },
        Row {
            name: "cohortActivity",
            kind: "subscription",
            query: "subscription($cohort: ID!) { cohortActivity(cohortId: $cohort) { taskKey } }",
            outcomes: [
                Unauthenticated,
                NotFound,
                NotFound,
                Skip,
                Skip,
                NotFound,
                NotFound,
            ],
        },
        Row {
            name: "myNudges",
            kind: "subscription",
            query: "subscription { myNudges { message } }",
            outcomes: [Unauthenticated, Skip, Skip, Skip, Skip, Skip, Skip],
        },
    ]
}

/// Strings only her private data contains; nobody else's answer may include them.
const SECRETS: [&str; 5] = [
    "Secret Source",
    "secret note",
    "ada-secret-handle",
    "Secret Circle",
    "ada.secret.example",
];

fn render() -> String {
    let mut out = String::from(
        "# Authorization matrix\n\nGenerated from `crates/api/tests/api/matrix.rs`, which runs every row against SQLite and\nPostgreSQL at both sharing levels; `HERLEAD_UPDATE_MATRIX=1 cargo test -p herlead-api --test api matrix`\nrewrites this file. The subject is one member; \"coach of her cohort\" and \"co-coach\" coach her\ncohort, \"coach of another cohort\" coaches a cohort she is not in. Ids of anything an actor may\nnot see answer `NOT_FOUND`, exactly as ids that do not exist, so existence never leaks.\n\"own data only\": the operation works on the caller's own account and none of the subject's\ndata appears in it. Coaches see task statuses, progress, scores, last activity and — only when\nshe chose `PROGRESS_AND_CONTACTS` — her contacts' names, sectors and stages; notes and\ninteraction texts are never shown to anyone but her. \"(not run)\": a destructive or one-way\ncase covered by its own test.\n\n| operation | kind |",
    );
    for a in ACTORS {
        out.push_str(&format!(" {} |", a.title()));
    }
    out.push_str("\n|---|---|");
    for _ in ACTORS {
        out.push_str("---|");
    }
    out.push('\n');
    for row in rows() {
        out.push_str(&format!("| `{}` | {} |", row.name, row.kind));
        for o in row.outcomes {
            out.push_str(&format!(" {} |", o.cell()));
        }
        out.push('\n');
    }
    out
}

#[test]
fn test_the_documented_matrix_is_up_to_date() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/authorization.md");
    let fresh = render();
    if std::env::var_os("HERLEAD_UPDATE_MATRIX").is_some() {
        std::fs::write(path, &fresh).expect("write matrix");
    }
    let committed = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        committed == fresh,
        "docs/authorization.md is stale: run HERLEAD_UPDATE_MATRIX=1 cargo test -p herlead-api --test api matrix"
    );
}

async fn id_of(h: &Harness, token: &str, query: &str, path: &[&str]) -> String {
    let mut value = h.ok(query, json!({}), token).await;
    for p in path {
        value = value[*p].clone();
    }
    value
        .as_str()
        .unwrap_or_else(|| panic!("{query}: {value}"))
        .to_owned()
}

#[tokio::test]
async fn test_authorization_matrix() {
    for sharing in ["PROGRESS", "PROGRESS_AND_CONTACTS"] {
        for h in harnesses().await {
            let ada = h.register("ada@example.org", "correct horse battery").await;
            let eve = h.register("eve@example.org", "correct horse battery").await;
            let coach = h.with_role("coach@example.org", Role::Coach).await;
            let co = h.with_role("co.coach@example.org", Role::Coach).await;
            let other_coach = h.with_role("other.coach@example.org", Role::Coach).await;
            let admin = h.with_role("admin@example.org", Role::Admin).await;
            let (cohort, code) = coach::cohort(&h, &coach.access).await;
            coach::cohort(&h, &other_coach.access).await;
            h.ok("mutation($id: ID!) { addCoCoach(cohortId: $id, email: \"co.coach@example.org\") { id } }", json!({"id": cohort}), &coach.access).await;
            join(&h, &ada.access, &code, sharing).await;

            // Her private world.
            let t = &ada.access;
            h.ok("mutation { updatePresence(input: {website: \"https://ada.secret.example\", emailSignature: \"ada.secret.example\"}) { website } }", json!({}), t).await;
            let profile = id_of(&h, t, "mutation { addProfile(input: {platform: X, handle: \"ada-secret-handle\", url: \"https://x.com/ada-secret-handle\"}) { id } }", &["addProfile", "id"]).await;
            let contact = id_of(&h, t, "mutation { addContact(input: {name: \"Secret Source\", sector: MEDIA, scope: CITY}) { id } }", &["addContact", "id"]).await;
            let interaction = id_of(&h, t, &format!("mutation {{ logInteraction(input: {{contactId: \"{contact}\", kind: SHARED_POST, note: \"secret note\"}}) {{ interaction {{ id }} }} }}"), &["logInteraction", "interaction", "id"]).await;
            let community = id_of(
                &h,
                t,
                "mutation { addCommunity(input: {name: \"Secret Circle\", kind: ONLINE}) { id } }",
                &["addCommunity", "id"],
            )
            .await;
            let meeting = id_of(&h, t, &format!("mutation {{ logMeeting(input: {{communityId: \"{community}\", occurredAt: \"2026-02-01T18:00:00Z\", inPerson: true, notes: \"secret note\"}}) {{ id }} }}"), &["logMeeting", "id"]).await;
            h.ok("mutation { setTaskStatus(input: {taskKey: \"position.tell_your_story\", status: DONE, note: \"secret note\"}) { status } }", json!({}), t).await;
            h.ok(
                "mutation($c: ID!, $m: ID!) { sendNudge(input: {cohortId: $c, memberId: $m, message: \"Keep going\"}) { id } }",
                json!({"c": cohort, "m": ada.id}),
                &coach.access,
            )
            .await;
            let nudge = {
                let data = h.ok("{ myNudges { id } }", json!({}), t).await;
                data["myNudges"][0]["id"]
                    .as_str()
                    .expect("nudge")
                    .to_owned()
            };
            let vars = json!({
                "contact": contact, "profile": profile, "interaction": interaction, "community": community,
                "meeting": meeting, "nudge": nudge, "cohort": cohort, "member": ada.id, "other": eve.id, "code": code,
            });
            let tokens: HashMap<Actor, Option<String>> = HashMap::from([
                (Actor::Anonymous, None),
                (Actor::Herself, Some(ada.access.clone())),
                (Actor::OtherMember, Some(eve.access.clone())),
                (Actor::CohortCoach, Some(coach.access.clone())),
                (Actor::CoCoach, Some(co.access.clone())),
                (Actor::OtherCoach, Some(other_coach.access.clone())),
                (Actor::Admin, Some(admin.access.clone())),
            ]);

            for row in rows() {
                // Only pass the variables the document declares.
                let declared: serde_json::Map<String, Value> = vars
                    .as_object()
                    .expect("object")
                    .iter()
                    .filter(|(k, _)| row.query.contains(&format!("${k}:")))
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect();
                for (actor, outcome) in ACTORS.iter().zip(row.outcomes) {
                    if outcome == Skip {
                        continue;
                    }
                    let token = tokens[actor].as_deref();
                    let res = if row.kind == "subscription" {
                        let mut request = Request::new(row.query)
                            .variables(Variables::from_json(Value::Object(declared.clone())));
                        request = request.data(
                            h.auth
                                .session(token.map(|t| format!("Bearer {t}")).as_deref()),
                        );
                        let first = h
                            .schema
                            .execute_stream(request)
                            .next()
                            .await
                            .expect("first response");
                        serde_json::to_value(&first).expect("json")
                    } else {
                        h.exec(row.query, Value::Object(declared.clone()), token)
                            .await
                    };
                    let context = format!(
                        "{} [{sharing}] {} as {}: {res}",
                        h.label(),
                        row.name,
                        actor.title()
                    );
                    match outcome.code() {
                        Some(code) => {
                            assert_eq!(res["errors"][0]["extensions"]["code"], code, "{context}");
                            assert!(
                                SECRETS.iter().all(|s| !res.to_string().contains(s)),
                                "{context}"
                            );
                        }
                        None => {
                            assert!(res["errors"].is_null(), "{context}");
                            let text = res.to_string();
                            match outcome {
                                Own => {
                                    assert!(SECRETS.iter().all(|s| !text.contains(s)), "{context}")
                                }
                                Shared => {
                                    assert!(!text.contains("secret note"), "{context}");
                                    assert_eq!(
                                        text.contains("Secret Source"),
                                        sharing == "PROGRESS_AND_CONTACTS",
                                        "{context}"
                                    );
                                }
                                _ => {}
                            }
                        }
                    }
                }
            }
        }
    }
}
