//! SIGKILL in the middle of a write load: every acknowledged write survives, and the
//! database is intact.

use serde_json::{Value, json};

use super::*;

/// Starts the `herlead` binary on `db_url`; returns it and its address.
fn start(dir: &std::path::Path, db_url: &str) -> (std::process::Child, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_herlead"))
        .current_dir(dir)
        .env("HERLEAD_BIND", "127.0.0.1:0")
        .env("HERLEAD_DATABASE_URL", db_url)
        .env("HERLEAD_WORKERS", "2")
        .env("HERLEAD_RATE_FIELDS_PER_CALLER", "0")
        .env("NO_COLOR", "1")
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn herlead");
    let stderr = child.stderr.take().expect("stderr");
    let mut lines = BufReader::new(stderr).lines();
    let address = loop {
        let line = lines.next().expect("server exited early").expect("line");
        if let Some(rest) = line.split("GraphiQL at ").nth(1) {
            break rest.trim().trim_end_matches("/graphiql").to_owned();
        }
    };
    // Keep draining the log so the server never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines {});
    (child, address)
}

async fn gql(
    client: &reqwest::Client,
    address: &str,
    token: Option<&str>,
    body: Value,
) -> Option<Value> {
    let mut req = client.post(format!("{address}/graphql")).json(&body);
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    let res = req.send().await.ok()?;
    let value: Value = res.json().await.ok()?;
    value["errors"].is_null().then(|| value["data"].clone())
}

async fn run(db: TestDb) {
    install_crypto();
    let dir = tempfile::tempdir().expect("tempdir");
    let client = reqwest::Client::new();
    let (mut child, address) = start(dir.path(), &db.url);
    gql(&client, &address, None, json!({
        "query": "mutation { register(input: {email: \"ada@example.org\", password: \"correct horse battery\", displayName: \"Ada\"}) }"
    }))
    .await
    .expect("register");
    let data = gql(&client, &address, None, json!({
        "query": "mutation { login(input: {email: \"ada@example.org\", password: \"correct horse battery\"}) { accessToken } }"
    }))
    .await
    .expect("login");
    let token = data["login"]["accessToken"]
        .as_str()
        .expect("token")
        .to_owned();

    // Four writers add contacts as fast as they can; each records what was acknowledged.
    let acknowledged = std::sync::Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
    let mut writers = Vec::new();
    for w in 0..4 {
        let (client, address, token, acknowledged) = (
            client.clone(),
            address.clone(),
            token.clone(),
            acknowledged.clone(),
        );
        writers.push(tokio::spawn(async move {
            for n in 0..10_000 {
                let body = json!({"query": "mutation($n: String!) { addContact(input: {name: $n, sector: MEDIA, scope: CITY}) { id } }",
                                  "variables": {"n": format!("w{w}-{n}")}});
                match gql(&client, &address, Some(&token), body).await {
                    Some(data) => acknowledged.lock().expect("lock").push(data["addContact"]["id"].as_str().expect("id").to_owned()),
                    None => break, // the server is gone
                }
            }
        }));
    }
    // Kill the server without warning once some writes are in.
    while acknowledged.lock().expect("lock").len() < 40 {
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    child.kill().expect("SIGKILL");
    child.wait().expect("reap");
    for w in writers {
        w.await.expect("writer");
    }
    let acknowledged = acknowledged.lock().expect("lock").clone();
    assert!(acknowledged.len() >= 40);

    // Restart on the same database: everything acknowledged is there.
    let (mut child, address) = start(dir.path(), &db.url);
    let mut stored = std::collections::HashSet::new();
    let mut after: Option<String> = None;
    loop {
        let data = gql(&client, &address, Some(&token), json!({
            "query": "query($a: String) { contacts(first: 100, after: $a) { pageInfo { hasNextPage endCursor } edges { node { id } } } }",
            "variables": {"a": after}
        }))
        .await
        .expect("contacts after restart");
        for e in data["contacts"]["edges"].as_array().expect("edges") {
            stored.insert(e["node"]["id"].as_str().expect("id").to_owned());
        }
        if data["contacts"]["pageInfo"]["hasNextPage"] != true {
            break;
        }
        after = data["contacts"]["pageInfo"]["endCursor"]
            .as_str()
            .map(str::to_owned);
    }
    let lost: Vec<&String> = acknowledged
        .iter()
        .filter(|id| !stored.contains(*id))
        .collect();
    assert!(
        lost.is_empty(),
        "{:?}: acknowledged but lost: {lost:?}",
        db.backend()
    );
    child.kill().expect("stop");
    child.wait().expect("reap");

    if db.backend() == herlead_store::Backend::Sqlite {
        let check = db
            .store
            .query_text("PRAGMA integrity_check")
            .await
            .expect("integrity check");
        assert_eq!(check.as_deref(), Some("ok"));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn test_acknowledged_writes_survive_sigkill() {
    for db in testing::all().await {
        run(db).await;
    }
}
