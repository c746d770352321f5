//! Accounts, sessions, the playbook and task progress.

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use herlead_api::ApiConfig;
use serde_json::{Value, json};

use crate::*;

#[tokio::test]
async fn test_playbook_is_public_and_complete() {
    let h = &harnesses().await[0];
    let res = h
        .exec(
            "{ playbook { version steps { key number title summary tasks { key step title guidance completion target targetMax } } } }",
            json!({}),
            None,
        )
        .await;
    assert!(res["errors"].is_null(), "{res}");
    let steps = res["data"]["playbook"]["steps"].as_array().expect("steps");
    let keys: Vec<_> = steps
        .iter()
        .map(|s| s["key"].as_str().expect("key"))
        .collect();
    assert_eq!(
        keys,
        ["POSITION", "BRING_TOGETHER", "DIALOGUE", "ACT_COLLECTIVELY"]
    );
    let tasks: Vec<&Value> = steps
        .iter()
        .flat_map(|s| s["tasks"].as_array().expect("tasks"))
        .collect();
    assert_eq!(tasks.len(), 17);
    let meet_list = tasks
        .iter()
        .find(|t| t["key"] == "bring.meet_list")
        .expect("meet list");
    assert_eq!(meet_list["target"], 15);
    assert_eq!(meet_list["targetMax"], 20);
    assert_eq!(meet_list["step"], "BRING_TOGETHER");
    assert_eq!(meet_list["completion"], "AUTOMATIC");
    assert!(
        !res["data"]["playbook"]["version"]
            .as_str()
            .expect("version")
            .is_empty()
    );
}

#[tokio::test]
async fn test_channels_filter_by_audience() {
    let h = &harnesses().await[0];
    let all = h.exec("{ channels { key } }", json!({}), None).await;
    assert_eq!(all["data"]["channels"].as_array().expect("list").len(), 13);
    let women = h
        .exec(
            "{ channels(audience: WOMEN) { name homepage audience } }",
            json!({}),
            None,
        )
        .await;
    let names: Vec<_> = women["data"]["channels"]
        .as_array()
        .expect("list")
        .iter()
        .map(|c| c["name"].as_str().expect("name"))
        .collect();
    assert_eq!(names, ["Lean In", "Levo"]);
}

#[tokio::test]
async fn test_register_me_and_initial_progress() {
    for h in harnesses().await {
        let account = h
            .register("  Ada@Example.org ", "correct horse battery")
            .await;
        let me = h
            .exec(
                "{ me { id email displayName role createdAt } }",
                json!({}),
                Some(&account.access),
            )
            .await;
        assert!(me["errors"].is_null(), "{}: {me}", h.label());
        assert_eq!(me["data"]["me"]["email"], "ada@example.org");
        assert_eq!(me["data"]["me"]["role"], "MEMBER");
        assert_eq!(me["data"]["me"]["id"], account.id.as_str());

        let progress = h.exec(PROGRESS, json!({}), Some(&account.access)).await;
        let p = &progress["data"]["myProgress"];
        assert_eq!(p["percent"], 0);
        assert_eq!(p["currentStep"], "POSITION");
        assert_eq!(p["steps"][0]["total"], 5);
        assert_eq!(p["steps"][0]["tasks"][0]["status"], "NOT_STARTED");
    }
}

#[tokio::test]
async fn test_register_refuses_bad_input_and_writes_nothing() {
    for h in harnesses().await {
        let cases = [
            (
                json!({"email": "not-an-email", "password": "long enough", "displayName": "Ada"}),
                "email",
            ),
            (
                json!({"email": "ada@localhost", "password": "long enough", "displayName": "Ada"}),
                "email",
            ),
            (
                json!({"email": "ada@example.org", "password": "short", "displayName": "Ada"}),
                "password",
            ),
            (
                json!({"email": "ada@example.org", "password": "p".repeat(129), "displayName": "Ada"}),
                "password",
            ),
            // Names that would show as someone else's: a right-to-left override, and a
            // zero-width space inside.
            (
                json!({"email": "ada@example.org", "password": "long enough", "displayName": "Ada\u{202E}ecalevoL"}),
                "displayName",
            ),
            (
                json!({"email": "ada@example.org", "password": "long enough", "displayName": "A\u{200B}da"}),
                "displayName",
            ),
            (
                json!({"email": "ada@example.org", "password": "long enough", "displayName": "  "}),
                "displayName",
            ),
            (
                json!({"email": "ada@example.org", "password": "long enough", "displayName": "a".repeat(81)}),
                "displayName",
            ),
        ];
        for (input, field) in cases {
            let res = h.exec(REGISTER, json!({ "i": input }), None).await;
            let (code, got_field, _) = only_error(&res);
            assert_eq!(code, "VALIDATION", "{}: {res}", h.label());
            assert_eq!(got_field.as_deref(), Some(field), "{res}");
            assert!(res["data"].is_null(), "{res}");
        }
        assert_eq!(h.user_count().await, 0, "{}", h.label());
    }
}

#[tokio::test]
async fn test_registration_answers_the_same_for_a_taken_email_and_changes_nothing() {
    for h in harnesses().await {
        let fresh = h
            .exec(
                REGISTER,
                json!({"i": {"email": "new@example.org", "password": "correct horse battery", "displayName": "New"}}),
                None,
            )
            .await;
        h.register("ada@example.org", "correct horse battery").await;
        let taken = h
            .exec(
                REGISTER,
                json!({"i": {"email": "ADA@example.org", "password": "another password", "displayName": "Imposter"}}),
                None,
            )
            .await;
        // Nobody learns from registration whether an email has an account.
        assert_eq!(taken, fresh, "{}", h.label());
        assert_eq!(taken, json!({"data": {"register": true}}));
        assert_eq!(h.user_count().await, 2);
        // The existing account is untouched: her password still works, the intruder's not.
        let imposter = h
            .exec(
                LOGIN,
                json!({"i": {"email": "ada@example.org", "password": "another password"}}),
                None,
            )
            .await;
        assert_eq!(only_error(&imposter).0, "UNAUTHENTICATED", "{imposter}");
        let owner = h
            .exec(
                LOGIN,
                json!({"i": {"email": "ada@example.org", "password": "correct horse battery"}}),
                None,
            )
            .await;
        assert_eq!(
            owner["data"]["login"]["user"]["email"], "ada@example.org",
            "{owner}"
        );
    }
}

#[tokio::test]
async fn test_login_errors_do_not_reveal_which_part_was_wrong() {
    for h in harnesses().await {
        h.register("ada@example.org", "correct horse battery").await;
        let ok = h
            .exec(
                LOGIN,
                json!({"i": {"email": "ADA@example.org", "password": "correct horse battery"}}),
                None,
            )
            .await;
        assert_eq!(
            ok["data"]["login"]["user"]["email"], "ada@example.org",
            "{ok}"
        );

        let wrong_password = h
            .exec(
                LOGIN,
                json!({"i": {"email": "ada@example.org", "password": "wrong horse battery"}}),
                None,
            )
            .await;
        let unknown_email = h
            .exec(
                LOGIN,
                json!({"i": {"email": "grace@example.org", "password": "correct horse battery"}}),
                None,
            )
            .await;
        let a = only_error(&wrong_password);
        let b = only_error(&unknown_email);
        assert_eq!(a.0, "UNAUTHENTICATED");
        assert_eq!(a, b);

        let too_long = h
            .exec(
                LOGIN,
                json!({"i": {"email": "ada@example.org", "password": "p".repeat(129)}}),
                None,
            )
            .await;
        assert_eq!(only_error(&too_long).0, "VALIDATION");
        let malformed = h
            .exec(
                LOGIN,
                json!({"i": {"email": "ada", "password": "whatever123"}}),
                None,
            )
            .await;
        assert_eq!(only_error(&malformed).1.as_deref(), Some("email"));
    }
}

#[tokio::test]
async fn test_refresh_rotates_and_reuse_revokes_the_family() {
    for h in harnesses().await {
        let account = h.register("ada@example.org", "correct horse battery").await;
        let first = h.exec(REFRESH, json!({"t": account.refresh}), None).await;
        let rotated = first["data"]["refreshSession"]["refreshToken"]
            .as_str()
            .expect("rotated")
            .to_owned();
        assert_ne!(rotated, account.refresh);
        let new_access = first["data"]["refreshSession"]["accessToken"]
            .as_str()
            .expect("access")
            .to_owned();
        let me = h
            .exec("{ me { email } }", json!({}), Some(&new_access))
            .await;
        assert_eq!(me["data"]["me"]["email"], "ada@example.org");

        // The old token again at once, while its replacement is unused: another client of
        // this sign-in lost the race. CONFLICT, no tokens, and the session lives on.
        let raced = h.exec(REFRESH, json!({"t": account.refresh}), None).await;
        let (code, field, message) = only_error(&raced);
        assert_eq!(
            (code.as_str(), field.as_deref()),
            ("CONFLICT", Some("refreshToken")),
            "{}: {raced}",
            h.label()
        );
        assert!(message.contains("another client"), "{message}");
        assert!(raced["data"].is_null(), "{raced}");
        let next = h.exec(REFRESH, json!({"t": rotated}), None).await;
        let newest = next["data"]["refreshSession"]["refreshToken"]
            .as_str()
            .unwrap_or_else(|| panic!("{}: the race ended nothing: {next}", h.label()))
            .to_owned();

        // The old token once its replacement was used: a copy. It fails, and so does the
        // family's newest token.
        let reuse = h.exec(REFRESH, json!({"t": account.refresh}), None).await;
        let (code, _, message) = only_error(&reuse);
        assert_eq!(code, "UNAUTHENTICATED");
        assert!(message.contains("already used"), "{message}");
        let after = h.exec(REFRESH, json!({"t": newest}), None).await;
        assert_eq!(only_error(&after).0, "UNAUTHENTICATED", "{}", h.label());

        let garbage = h.exec(REFRESH, json!({"t": "x".repeat(300)}), None).await;
        assert_eq!(only_error(&garbage).1.as_deref(), Some("refreshToken"));
        let unknown = h
            .exec(REFRESH, json!({"t": "definitely-not-issued"}), None)
            .await;
        assert_eq!(only_error(&unknown).0, "UNAUTHENTICATED");
    }
}

#[tokio::test]
async fn test_logout_ends_the_session() {
    for h in harnesses().await {
        let account = h.register("ada@example.org", "correct horse battery").await;
        let logout = "mutation($t: String!) { logout(refreshToken: $t) }";
        let res = h.exec(logout, json!({"t": account.refresh}), None).await;
        assert_eq!(res["data"]["logout"], true, "{res}");
        let again = h.exec(logout, json!({"t": account.refresh}), None).await;
        assert_eq!(again["data"]["logout"], false);
        let refresh = h.exec(REFRESH, json!({"t": account.refresh}), None).await;
        assert_eq!(only_error(&refresh).0, "UNAUTHENTICATED");
    }
}

#[tokio::test]
async fn test_set_task_status_moves_progress_and_records_history() {
    for h in harnesses().await {
        let account = h.register("ada@example.org", "correct horse battery").await;
        let token = Some(account.access.as_str());
        let res = h
            .exec(SET_STATUS, json!({"i": {"taskKey": "position.tell_your_story", "status": "DONE", "note": " ada.example.org/about "}}), token)
            .await;
        let tp = &res["data"]["setTaskStatus"];
        assert_eq!(tp["status"], "DONE", "{}: {res}", h.label());
        assert_eq!(tp["note"], "ada.example.org/about");
        assert_eq!(tp["task"]["step"], "POSITION");
        assert!(tp["completedAt"].is_string());

        // AUTOMATIC tasks can be skipped, and handed back to their rule, but not marked done.
        let skip = h
            .exec(
                SET_STATUS,
                json!({"i": {"taskKey": "position.consistent_profiles", "status": "SKIPPED"}}),
                token,
            )
            .await;
        assert_eq!(skip["data"]["setTaskStatus"]["status"], "SKIPPED", "{skip}");
        assert!(skip["data"]["setTaskStatus"]["completedAt"].is_null());
        let forced = h
            .exec(
                SET_STATUS,
                json!({"i": {"taskKey": "position.website", "status": "DONE"}}),
                token,
            )
            .await;
        let (code, field, _) = only_error(&forced);
        assert_eq!(
            (code.as_str(), field.as_deref()),
            ("VALIDATION", Some("status"))
        );

        let progress = h.exec(PROGRESS, json!({}), token).await;
        let p = &progress["data"]["myProgress"];
        assert_eq!(p["steps"][0]["done"], 1);
        assert_eq!(p["steps"][0]["total"], 4);
        assert_eq!(p["steps"][0]["percent"], 25);
        assert_eq!(p["percent"], 6); // 1 of 16 counted tasks
        assert_eq!(p["currentStep"], "POSITION");

        let user_id = account.id.parse().expect("uuid");
        let events = h.db.store.progress_events(user_id).await.expect("events");
        assert_eq!(events.len(), 2);

        let unskip = h
            .exec(
                SET_STATUS,
                json!({"i": {"taskKey": "position.consistent_profiles", "status": "NOT_STARTED"}}),
                token,
            )
            .await;
        assert_eq!(
            unskip["data"]["setTaskStatus"]["status"], "NOT_STARTED",
            "{unskip}"
        );
    }
}

#[tokio::test]
async fn test_set_task_status_refuses_bad_input_and_changes_nothing() {
    for h in harnesses().await {
        let account = h.register("ada@example.org", "correct horse battery").await;
        let token = Some(account.access.as_str());
        let unknown_key = h
            .exec(
                SET_STATUS,
                json!({"i": {"taskKey": "position.fame", "status": "DONE"}}),
                token,
            )
            .await;
        let (code, field, _) = only_error(&unknown_key);
        assert_eq!(
            (code.as_str(), field.as_deref()),
            ("VALIDATION", Some("taskKey"))
        );

        let unknown_status_var = h
            .exec(
                SET_STATUS,
                json!({"i": {"taskKey": "position.website", "status": "FINISHED"}}),
                token,
            )
            .await;
        assert_eq!(
            only_error(&unknown_status_var).0,
            "VALIDATION",
            "{unknown_status_var}"
        );
        let unknown_status_literal = h
            .exec(
                r#"mutation { setTaskStatus(input: {taskKey: "position.website", status: FINISHED}) { status } }"#,
                json!({}),
                token,
            )
            .await;
        assert_eq!(only_error(&unknown_status_literal).0, "VALIDATION");

        let long_note = h
            .exec(
                SET_STATUS,
                json!({"i": {"taskKey": "position.tell_your_story", "status": "DONE", "note": "n".repeat(2001)}}),
                token,
            )
            .await;
        assert_eq!(only_error(&long_note).1.as_deref(), Some("note"));

        let anonymous = h
            .exec(
                SET_STATUS,
                json!({"i": {"taskKey": "position.website", "status": "DONE"}}),
                None,
            )
            .await;
        assert_eq!(only_error(&anonymous).0, "UNAUTHENTICATED");

        let user_id = account.id.parse().expect("uuid");
        assert!(
            h.db.store
                .task_records(user_id)
                .await
                .expect("records")
                .is_empty()
        );
        assert!(
            h.db.store
                .progress_events(user_id)
                .await
                .expect("events")
                .is_empty()
        );
    }
}

/// Signs arbitrary header and claims with the test secret (or leaves the signature off).
fn craft(header: Value, claims: Value, sign: bool) -> String {
    use jsonwebtoken::{Algorithm, EncodingKey, Header, encode};
    if sign {
        let mut h = Header::new(Algorithm::HS256);
        h.typ = header["typ"].as_str().map(str::to_owned);
        encode(&h, &claims, &EncodingKey::from_secret(&SECRET)).expect("encode")
    } else {
        let part = |v: &Value| URL_SAFE_NO_PAD.encode(serde_json::to_vec(v).expect("json"));
        format!("{}.{}.", part(&header), part(&claims))
    }
}

#[tokio::test]
async fn test_bad_access_tokens_are_unauthenticated() {
    let h = &harnesses().await[0];
    let account = h.register("ada@example.org", "correct horse battery").await;
    let now = chrono::Utc::now().timestamp();
    let claims = |over: Value| {
        let mut c = json!({"iss": "herlead", "aud": "herlead-api", "sub": account.id, "exp": now + 600,
            "iat": now, "jti": "j", "sid": uuid_like(), "role": "ADMIN"});
        for (k, v) in over.as_object().expect("object") {
            if v.is_null() {
                c.as_object_mut().expect("object").remove(k);
            } else {
                c[k] = v.clone();
            }
        }
        c
    };
    let at = json!({"alg": "HS256", "typ": "at+jwt"});
    // Sanity check: the crafting itself yields a token the server accepts.
    let good = craft(at.clone(), claims(json!({})), true);
    let ok = h.exec("{ me { role } }", json!({}), Some(&good)).await;
    assert!(ok["errors"].is_null(), "{ok}");

    let mut tampered = good.clone();
    tampered.pop();
    tampered.push(if good.ends_with('A') { 'B' } else { 'A' });
    let (head, rest) = good.split_once('.').expect("dot");
    let payload_swapped = format!(
        "{head}.{}.{}",
        URL_SAFE_NO_PAD
            .encode(serde_json::to_vec(&claims(json!({"sub": uuid_like()}))).expect("json")),
        rest.split_once('.').expect("dot").1
    );
    let cases: Vec<(&str, String)> = vec![
        (
            "expired",
            craft(
                at.clone(),
                claims(json!({"exp": now - 3600, "iat": now - 4000})),
                true,
            ),
        ),
        ("tampered signature", tampered),
        ("tampered payload", payload_swapped),
        (
            "alg none",
            craft(
                json!({"alg": "none", "typ": "at+jwt"}),
                claims(json!({})),
                false,
            ),
        ),
        (
            "alg None",
            craft(
                json!({"alg": "None", "typ": "at+jwt"}),
                claims(json!({})),
                false,
            ),
        ),
        (
            "wrong audience",
            craft(at.clone(), claims(json!({"aud": "someone-else"})), true),
        ),
        (
            "wrong issuer",
            craft(at.clone(), claims(json!({"iss": "evil"})), true),
        ),
        (
            "missing exp",
            craft(at.clone(), claims(json!({"exp": null})), true),
        ),
        (
            "missing sub",
            craft(at.clone(), claims(json!({"sub": null})), true),
        ),
        (
            "no typ",
            craft(json!({"alg": "HS256"}), claims(json!({})), true),
        ),
        ("refresh token as access token", account.refresh.clone()),
        (
            "HS512 with the server's secret",
            signed_with(
                jsonwebtoken::Algorithm::HS512,
                &SECRET,
                |_| {},
                &claims(json!({})),
            ),
        ),
        (
            "jku pointing at a foreign key",
            signed_with(
                jsonwebtoken::Algorithm::HS256,
                b"attacker-secret-attacker-secret!",
                |h| h.jku = Some("https://evil.example/jwks.json".into()),
                &claims(json!({})),
            ),
        ),
        (
            "kid header injection",
            signed_with(
                jsonwebtoken::Algorithm::HS256,
                b"",
                |h| h.kid = Some("../../../../dev/null".into()),
                &claims(json!({})),
            ),
        ),
        (
            "x5u pointing at a foreign certificate",
            signed_with(
                jsonwebtoken::Algorithm::HS256,
                b"attacker-secret-attacker-secret!",
                |h| h.x5u = Some("https://evil.example/cert.pem".into()),
                &claims(json!({})),
            ),
        ),
        ("algorithm confusion: RS256 header on an HMAC signature", {
            let (_, rest) = good.split_once('.').expect("dot");
            format!(
                "{}.{rest}",
                URL_SAFE_NO_PAD.encode(br#"{"alg":"RS256","typ":"at+jwt"}"#)
            )
        }),
        ("garbage", "not-a-token".into()),
        (
            "not valid before an hour from now",
            craft(at.clone(), claims(json!({"nbf": now + 3600})), true),
        ),
        (
            "issued years in the future",
            craft(
                at.clone(),
                claims(json!({"iat": now + 3 * 365 * 24 * 3600, "exp": now + 4 * 365 * 24 * 3600})),
                true,
            ),
        ),
        (
            "no sign-in (sid)",
            craft(at.clone(), claims(json!({"sid": null})), true),
        ),
    ];
    for (name, token) in cases {
        let res = h.exec("{ me { id } }", json!({}), Some(&token)).await;
        let (code, _, message) = only_error(&res);
        assert_eq!(code, "UNAUTHENTICATED", "{name}: {res}");
        if name == "expired" {
            assert!(message.contains("expired"), "{message}");
        }
    }
    let anonymous = h.exec("{ myProgress { percent } }", json!({}), None).await;
    assert_eq!(only_error(&anonymous).0, "UNAUTHENTICATED");
}

/// Signs claims with any algorithm, key and header tweak, as an attacker would.
fn signed_with(
    alg: jsonwebtoken::Algorithm,
    key: &[u8],
    tweak: impl FnOnce(&mut jsonwebtoken::Header),
    claims: &Value,
) -> String {
    let mut header = jsonwebtoken::Header::new(alg);
    header.typ = Some("at+jwt".into());
    tweak(&mut header);
    jsonwebtoken::encode(
        &header,
        claims,
        &jsonwebtoken::EncodingKey::from_secret(key),
    )
    .expect("encode")
}

fn uuid_like() -> String {
    "01890000-0000-7000-8000-000000000000".into()
}

#[tokio::test]
async fn test_depth_limit_and_introspection_switch() {
    let h = &harnesses_with(ApiConfig {
        max_depth: 6,
        ..ApiConfig::default()
    })
    .await[0];
    let deep =
        "{ __schema { types { fields { type { ofType { ofType { ofType { name } } } } } } } }";
    let res = h.exec(deep, json!({}), None).await;
    let (code, _, message) = only_error(&res);
    assert_eq!(code, "VALIDATION");
    assert!(
        message.to_lowercase().contains("nested too deep"),
        "{message}"
    );
    // A query within the limit still runs.
    let ok = h
        .exec("{ playbook { steps { tasks { key } } } }", json!({}), None)
        .await;
    assert!(ok["errors"].is_null(), "{ok}");

    let closed = &harnesses_with(ApiConfig {
        introspection: false,
        ..ApiConfig::default()
    })
    .await[0];
    // With introspection off, async-graphql answers the meta fields with null.
    let res = closed
        .exec("{ __schema { queryType { name } } }", json!({}), None)
        .await;
    assert!(res["data"]["__schema"].is_null(), "{res}");
    let open = h
        .exec("{ __schema { queryType { name } } }", json!({}), None)
        .await;
    assert_eq!(
        open["data"]["__schema"]["queryType"]["name"], "Query",
        "{open}"
    );
}

#[tokio::test]
async fn test_complexity_limit() {
    let h = &harnesses_with(ApiConfig {
        admission: herlead_api::admission::AdmissionConfig {
            max_complexity: 5,
            ..Default::default()
        },
        ..ApiConfig::default()
    })
    .await[0];
    let res = h
        .exec(
            "{ playbook { version steps { key number title summary } } }",
            json!({}),
            None,
        )
        .await;
    let (code, _, message) = only_error(&res);
    assert_eq!(code, "VALIDATION");
    assert!(message.to_lowercase().contains("complex"), "{message}");
    // The error gives the cost and the limit, so a client can tell how far over it is.
    let extensions = &res["errors"][0]["extensions"];
    assert_eq!(extensions["limit"], 5, "{res}");
    assert_eq!(extensions["cost"], 7, "{res}");
    assert!(
        message.contains("costs 7") && message.contains("at most 5"),
        "{message}"
    );
    let ok = h.exec("{ playbook { version } }", json!({}), None).await;
    assert!(ok["errors"].is_null(), "{ok}");

    // List fields cost once per item of their page.
    let paged = &harnesses_with(ApiConfig {
        admission: herlead_api::admission::AdmissionConfig {
            max_complexity: 100,
            ..Default::default()
        },
        ..ApiConfig::default()
    })
    .await[0];
    let account = paged
        .register("ada@example.org", "correct horse battery")
        .await;
    let small = paged
        .exec(
            "{ contacts(first: 5) { edges { node { id name sector } } } }",
            json!({}),
            Some(&account.access),
        )
        .await;
    assert!(small["errors"].is_null(), "{small}");
    let big = paged
        .exec(
            "{ contacts(first: 100) { edges { node { id name sector } } } }",
            json!({}),
            Some(&account.access),
        )
        .await;
    assert_eq!(only_error(&big).0, "VALIDATION", "{big}");
}

#[tokio::test]
async fn test_syntax_errors_carry_a_code() {
    let h = &harnesses().await[0];
    let res = h.exec("{ playbook { ", json!({}), None).await;
    assert_eq!(only_error(&res).0, "VALIDATION");
    let res = h.exec("{ nonsense }", json!({}), None).await;
    assert_eq!(only_error(&res).0, "VALIDATION");
}

#[tokio::test]
async fn test_schema_artifact_is_up_to_date() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../schema/schema.graphql");
    let committed = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        committed == herlead_api::sdl(),
        "schema/schema.graphql is stale: run `cargo xtask schema` and commit the result"
    );
}
