//! `cargo xtask bench`: the load benchmark. Builds the release server, seeds a realistic
//! dataset, starts the server pinned to core 0 on SQLite and then on PostgreSQL, drives each
//! scenario with wrk pinned to core 1, checks every response body for GraphQL errors, and
//! prints every figure beside a plain actix-web baseline measured on the same process.

use std::{
    fmt::Write as _,
    io::{BufRead, BufReader},
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
};

use anyhow::{Context, Result, bail};
use chrono::Utc;
use herlead_core::{
    Role, UserId,
    cohort::{Cohort, SharingLevel},
    input::{
        CohortName, ContactName, DisplayName, Email, Handle, HttpUrl, Industry, InviteCode,
        Password, Signature, StallDays, Tagline,
    },
    network::{Contact, Interaction, InteractionKind, Scope, Sector, ValuesAlignment},
    presence::{Platform, Presence, Profile},
};
use herlead_store::{NewUser, Store, testing};
use serde_json::{Value, json};
use uuid::Uuid;

pub(crate) const PASSWORD: &str = "correct horse battery staple";
const SECONDS: u32 = 10;
const CONNECTIONS: u32 = 64;

/// Which databases and scenarios run.
pub struct Filter {
    /// `sqlite` or `postgres`; both when `None`.
    pub only: Option<String>,
    /// Parts of the scenario names to run, comma-separated; all when `None`.
    pub scenario: Option<String>,
    /// Measure cost by network size (`growth.rs`) instead of the load scenarios.
    pub growth: bool,
    /// Measure imports (`imports.rs`) instead of the load scenarios.
    pub imports: bool,
}

/// How big the dataset is.
pub struct Size {
    pub members: usize,
    pub contacts: usize,
    pub interactions: usize,
    pub cohort: usize,
}

struct Scenario {
    name: &'static str,
    path: String,
    /// Request bodies, sent round-robin by POST; none means GET.
    bodies: Vec<Value>,
    token: Token,
    connections: u32,
}

#[derive(Clone, Copy)]
enum Token {
    None,
    Member,
    Coach,
}

struct Measure {
    rps: f64,
    p50_ms: f64,
    p99_ms: f64,
    errors: u64,
}

fn contact(i: usize) -> Contact {
    let sectors = [
        Sector::Public,
        Sector::Private,
        Sector::Academia,
        Sector::Nonprofit,
        Sector::Media,
    ];
    let scopes = [Scope::City, Scope::Country, Scope::Global];
    Contact {
        id: Uuid::now_v7(),
        name: ContactName::parse("name", &format!("Contact {i}")).expect("a valid name"),
        sector: Some(sectors[i % 5]),
        scope: Some(scopes[i % 3]),
        industry: Industry::parse_optional("industry", Some("software")).expect("valid"),
        in_her_industry: i.is_multiple_of(2),
        on_meet_list: i < 15,
        competitor: i == 3,
        values: if i.is_multiple_of(4) {
            ValuesAlignment::Unknown
        } else {
            ValuesAlignment::Aligned
        },
        tags: vec!["leadership".into()],
        links: vec![],
        stage_override: None,
        cadence_days: None,
        emails: vec![],
        company: None,
        job_title: None,
        connected_on: None,
        created_at: Utc::now(),
    }
}

pub(crate) async fn seed_member(
    store: &Store,
    n: usize,
    hash: &str,
    size: &Size,
) -> Result<UserId> {
    let email = if n == 0 {
        "bench@herlead.example".to_owned()
    } else {
        format!("member{n}@herlead.example")
    };
    let user = store
        .create_user(
            NewUser {
                id: UserId::new(),
                email: Email::parse("email", &email)?,
                display_name: DisplayName::parse("displayName", &format!("Member {n}"))?,
                password_hash: hash.to_owned(),
                role: Role::Member,
                now: herlead_store::now(),
            },
            None,
        )
        .await?;
    let site = HttpUrl::parse("website", &format!("https://member{n}.example.org"))?;
    store
        .save_presence(
            user.id,
            Presence {
                website: Some(site.clone()),
                email_signature: Signature::parse_optional("signature", site.as_str())?,
                audiences: vec![herlead_core::Audience::Women],
            },
        )
        .await?;
    store
        .add_profile(
            user.id,
            Profile {
                id: Uuid::now_v7(),
                platform: Platform::Linkedin,
                handle: Handle::parse("handle", &format!("member{n}"))?,
                url: HttpUrl::parse("url", &format!("https://linkedin.com/in/member{n}"))?,
                display_name: Some(DisplayName::parse("displayName", &format!("Member {n}"))?),
                tagline: Some(Tagline::parse("tagline", "Building things that matter")?),
                picture_url: None,
                website_link: Some(site),
            },
        )
        .await?;
    let contacts: Vec<Contact> = (0..size.contacts).map(contact).collect();
    let kinds = [
        InteractionKind::Connected,
        InteractionKind::SharedPost,
        InteractionKind::SharedEvent,
        InteractionKind::AskedIntro,
    ];
    let interactions: Vec<Interaction> = (0..size.interactions)
        .map(|i| Interaction {
            id: Uuid::now_v7(),
            contact_id: contacts[i % contacts.len()].id,
            kind: kinds[i % kinds.len()],
            occurred_at: Utc::now()
                - chrono::Duration::days(i64::try_from(size.interactions - i).unwrap_or(0)),
            note: None,
        })
        .collect();
    store
        .import_network(user.id, contacts, interactions)
        .await?;
    Ok(user.id)
}

/// Seeds members, a coach, and a cohort of the first `size.cohort` members. Returns the
/// cohort id and one contact id of the bench member.
async fn seed(store: &Store, size: &Size) -> Result<(Uuid, Uuid)> {
    let hash = herlead_api::hash_password_blocking(&Password::parse("password", PASSWORD)?)?;
    let coach = store
        .create_user(
            NewUser {
                id: UserId::new(),
                email: Email::parse("email", "coach@herlead.example")?,
                display_name: DisplayName::parse("displayName", "Coach")?,
                password_hash: hash.clone(),
                role: Role::Coach,
                now: herlead_store::now(),
            },
            None,
        )
        .await?;
    let cohort = store
        .create_cohort(
            coach.id,
            Cohort {
                id: Uuid::now_v7(),
                name: CohortName::parse("name", "Benchmark cohort")?,
                description: None,
                starts_on: None,
                ends_on: None,
                stall_days: StallDays::parse("stallDays", 14)?,
                invite_code: InviteCode::parse("BENCHCXDE2").context("invite code")?,
                invite_expires_at: Utc::now() + chrono::Duration::days(1),
                created_at: Utc::now(),
            },
        )
        .await?;
    let mut bench = None;
    for n in 0..size.members {
        let user = seed_member(store, n, &hash, size).await?;
        if n < size.cohort {
            store
                .join_cohort(cohort.id, user, SharingLevel::Progress)
                .await?;
        }
        if n == 0 {
            bench = Some(user);
        }
        if n % 250 == 249 {
            eprintln!("  seeded {} members", n + 1);
        }
    }
    let bench = bench.context("at least one member")?;
    let contact = store
        .snapshot(bench)
        .await?
        .contacts
        .first()
        .map(|c| c.id)
        .context("a contact")?;
    Ok((cohort.id, contact))
}

pub(crate) struct Server {
    child: Child,
    pub(crate) address: String,
}

impl Server {
    /// The server's process id.
    pub(crate) fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Resets the process's peak RSS, so that the next reading is the peak since now.
    pub(crate) fn reset_peak_rss(&self) {
        let _ = std::fs::write(format!("/proc/{}/clear_refs", self.child.id()), "5");
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub(crate) fn start(binary: &Path, url: &str) -> Result<Server> {
    let mut child = Command::new("taskset")
        .args(["-c", "0"])
        .arg(binary)
        .env("HERLEAD_BIND", "127.0.0.1:0")
        .env("HERLEAD_DATABASE_URL", url)
        .env(
            "HERLEAD_JWT_SECRET",
            "benchmark-secret-benchmark-secret-benchmark",
        )
        .env("HERLEAD_WORKERS", "1")
        .env("HERLEAD_BENCH_BASELINE", "true")
        .env("HERLEAD_RATE_AUTH_PER_ADDRESS", "0")
        .env("HERLEAD_RATE_LOGIN_PER_ACCOUNT", "0")
        .env("HERLEAD_RATE_FIELDS_PER_CALLER", "0")
        .env("HERLEAD_ACCESS_TOKEN_TTL", "86400")
        .env("HERLEAD_REFRESH_TOKEN_TTL", "86400")
        .env("RUST_LOG", "warn,herlead=info")
        .env("NO_COLOR", "1")
        .stderr(Stdio::piped())
        .spawn()
        .context("starting the release server (is util-linux's taskset installed?)")?;
    let stderr = child.stderr.take().context("stderr")?;
    let mut lines = BufReader::new(stderr).lines();
    let address = loop {
        let line = lines.next().context("the server exited")??;
        if let Some(rest) = line.split("GraphiQL at ").nth(1) {
            break rest.trim().trim_end_matches("/graphiql").to_owned();
        }
    };
    // HERLEAD_BENCH_SERVER_LOG=1 echoes the server's log (with HERLEAD_SLOW_QUERY_MS, say).
    let echo = std::env::var_os("HERLEAD_BENCH_SERVER_LOG").is_some();
    std::thread::spawn(move || {
        for line in lines.map_while(Result::ok) {
            if echo {
                eprintln!("server: {line}");
            }
        }
    });
    Ok(Server { child, address })
}

fn graphql(address: &str, token: Option<&str>, body: &Value) -> Result<Value> {
    let mut cmd = Command::new("curl");
    cmd.args([
        "-s",
        "-X",
        "POST",
        &format!("{address}/graphql"),
        "-H",
        "Content-Type: application/json",
        "-d",
    ])
    .arg(body.to_string());
    if let Some(t) = token {
        cmd.args(["-H", &format!("Authorization: Bearer {t}")]);
    }
    let out = cmd.output().context("curl")?;
    let value: Value = serde_json::from_slice(&out.stdout).context("a JSON answer")?;
    if !value["errors"].is_null() {
        bail!("{body}: {value}");
    }
    Ok(value["data"].clone())
}

pub(crate) fn login(address: &str, email: &str) -> Result<String> {
    let data = graphql(
        address,
        None,
        &json!({"query": "mutation($i: LoginInput!) { login(input: $i) { accessToken } }", "variables": {"i": {"email": email, "password": PASSWORD}}}),
    )?;
    data["login"]["accessToken"]
        .as_str()
        .map(str::to_owned)
        .context("a token")
}

/// A document whose fragments spread the next one twice, `depth` deep.
fn fan_out(depth: usize) -> String {
    let fragments: String = (0..depth)
        .map(|i| format!("fragment F{i} on Query {{ ...F{} ...F{} }} ", i + 1, i + 1))
        .collect();
    format!("{{ ...F0 }} {fragments}fragment F{depth} on Query {{ __typename }}")
}

fn lua(bodies: &[Value], token: Option<&str>) -> String {
    let mut script = if bodies.is_empty() {
        String::from("wrk.method = \"GET\"\n")
    } else {
        String::from(
            "wrk.method = \"POST\"\nwrk.headers[\"Content-Type\"] = \"application/json\"\n",
        )
    };
    if let Some(t) = token {
        let _ = writeln!(script, "wrk.headers[\"Authorization\"] = \"Bearer {t}\"");
    }
    script.push_str("local bodies = {\n");
    for b in bodies {
        let _ = writeln!(script, "  [==[{b}]==],");
    }
    script.push_str(
        r#"}
local n = 0
errors = 0
request = function()
  n = n + 1
  if #bodies == 0 then return wrk.format() end
  return wrk.format(nil, nil, nil, bodies[(n % #bodies) + 1])
end
response = function(status, headers, body)
  if status ~= 200 or string.find(body, '"errors"', 1, true) then errors = errors + 1 end
end
local threads = {}
function setup(thread) table.insert(threads, thread) end
function done(summary, latency, requests)
  local e = summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
  for _, t in ipairs(threads) do e = e + t:get("errors") end
  io.write(string.format("BENCH %f %f %f %d\n", summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000, latency:percentile(99) / 1000, e))
end
"#,
    );
    script
}

fn run_wrk(address: &str, path: &str, script: &Path, connections: u32) -> Result<Measure> {
    let out = Command::new("taskset")
        .args([
            "-c",
            "1",
            "wrk",
            "-t1",
            &format!("-c{connections}"),
            &format!("-d{SECONDS}s"),
            "-s",
        ])
        .arg(script)
        .arg(format!("{address}{path}"))
        .output()
        .context("wrk (apt-get install wrk)")?;
    let text = String::from_utf8_lossy(&out.stdout);
    let line = text
        .lines()
        .find(|l| l.starts_with("BENCH "))
        .with_context(|| format!("wrk output: {text}"))?;
    let f: Vec<&str> = line.split_whitespace().collect();
    Ok(Measure {
        rps: f[1].parse()?,
        p50_ms: f[2].parse()?,
        p99_ms: f[3].parse()?,
        errors: f[4].parse()?,
    })
}

pub(crate) fn peak_rss_mib(pid: u32) -> f64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .map(str::to_owned)
        })
        .and_then(|l| {
            l.split_whitespace()
                .nth(1)
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

async fn backend(
    label: &str,
    url: &str,
    store: &Store,
    binary: &Path,
    size: &Size,
    chosen: Option<&str>,
    out: &mut String,
) -> Result<()> {
    eprintln!("{label}: seeding {} members …", size.members);
    let (cohort, contact) = seed(store, size).await?;
    let server = start(binary, url)?;
    let member = login(&server.address, "bench@herlead.example")?;
    let coach = login(&server.address, "coach@herlead.example")?;
    let q = |query: &str| json!({"query": query});
    let scenarios = vec![
        Scenario {
            name: "baseline (plain actix-web JSON)",
            path: "/bench/baseline".into(),
            bodies: vec![q("{ __typename }")],
            token: Token::None,
            connections: CONNECTIONS,
        },
        Scenario {
            name: "{ __typename }",
            path: "/graphql".into(),
            bodies: vec![q("{ __typename }")],
            token: Token::None,
            connections: CONNECTIONS,
        },
        Scenario {
            name: "refused: fragment fan-out, 30 deep (1.2 KB, 2^30 selections expanded)",
            path: "/graphql".into(),
            bodies: vec![q(&fan_out(30))],
            token: Token::None,
            connections: CONNECTIONS,
        },
        Scenario {
            name: "refused: 2,100 duplicated fields (23 KB, over the selection limit)",
            path: "/graphql".into(),
            bodies: vec![q(&format!("{{ {} }}", "__typename ".repeat(2100)))],
            token: Token::None,
            connections: CONNECTIONS,
        },
        Scenario {
            name: "refused: 3,300 duplicated fields (33 KB, over the length limit)",
            path: "/graphql".into(),
            bodies: vec![q(&format!("{{ {} }}", "__typename ".repeat(3300)))],
            token: Token::None,
            connections: CONNECTIONS,
        },
        Scenario {
            name: "refused: 16,000 one-letter fields (32 KB, over the token limit)",
            path: "/graphql".into(),
            bodies: vec![q(&format!("{{ {} }}", "a ".repeat(16_000)))],
            token: Token::None,
            connections: CONNECTIONS,
        },
        Scenario {
            name: "admitted: 1,900 duplicated fields (21 KB, the most a document may select)",
            path: "/graphql".into(),
            bodies: vec![q(&format!("{{ {} }}", "__typename ".repeat(1900)))],
            token: Token::None,
            connections: CONNECTIONS,
        },
        Scenario {
            name: "myProgress",
            path: "/graphql".into(),
            bodies: vec![q(
                "{ myProgress { percent currentStep steps { step done total percent tasks { status task { key } } } } }",
            )],
            token: Token::Member,
            connections: CONNECTIONS,
        },
        Scenario {
            name: "contacts(first: 20)",
            path: "/graphql".into(),
            bodies: vec![q(
                "{ contacts(first: 20) { totalCount edges { node { id name sector scope stage } } } }",
            )],
            token: Token::Member,
            connections: CONNECTIONS,
        },
        Scenario {
            name: "socialCapital",
            path: "/graphql".into(),
            bodies: vec![q(
                "{ socialCapital { total presence { score } reach { score } reciprocity { score } collectiveAction { score } } }",
            )],
            token: Token::Member,
            connections: CONNECTIONS,
        },
        Scenario {
            name: "setTaskStatus (write)",
            path: "/graphql".into(),
            bodies: vec![
                q(
                    "mutation { setTaskStatus(input: {taskKey: \"position.tell_your_story\", status: DONE}) { status } }",
                ),
                q(
                    "mutation { setTaskStatus(input: {taskKey: \"position.tell_your_story\", status: IN_PROGRESS}) { status } }",
                ),
            ],
            token: Token::Member,
            connections: CONNECTIONS,
        },
        Scenario {
            name: "logInteraction (write)",
            path: "/graphql".into(),
            bodies: vec![
                json!({"query": "mutation($c: ID!) { logInteraction(input: {contactId: $c, kind: SHARED_POST}) { interaction { id } } }", "variables": {"c": contact}}),
            ],
            token: Token::Member,
            connections: CONNECTIONS,
        },
        Scenario {
            name: "login",
            path: "/graphql".into(),
            bodies: vec![
                json!({"query": "mutation($i: LoginInput!) { login(input: $i) { accessToken } }", "variables": {"i": {"email": "bench@herlead.example", "password": PASSWORD}}}),
            ],
            token: Token::None,
            connections: CONNECTIONS,
        },
        Scenario {
            name: "coach dashboard (1,000 members: 50 + aggregates)",
            path: "/graphql".into(),
            bodies: vec![
                json!({"query": "query($id: ID!) { cohort(id: $id) { members(first: 50) { edges { node { id displayName stalled topRecommendation progress { percent } score { total } } } } aggregates { members stalled scoreAverage perStep { step members } taskCompletion { taskKey rate } sectorCoverage { sector members } } } }", "variables": {"id": cohort}}),
            ],
            token: Token::Coach,
            connections: CONNECTIONS,
        },
        Scenario {
            name: "dashboard aggregates, computed without the cache (1 connection)",
            path: format!("/bench/aggregates/computed/{cohort}"),
            bodies: vec![],
            token: Token::None,
            connections: 1,
        },
        Scenario {
            name: "dashboard aggregates, one member changed since the last request (1 connection)",
            path: format!("/bench/aggregates/recomputed/{cohort}"),
            bodies: vec![],
            token: Token::None,
            connections: 1,
        },
        Scenario {
            name: "the same aggregates by hand-written SQL (1 connection)",
            path: format!("/bench/aggregates/sql/{cohort}"),
            bodies: vec![],
            token: Token::None,
            connections: 1,
        },
    ];
    let dir = tempfile::tempdir()?;
    let mut baseline = 0.0;
    let mut latencies = Vec::new();
    let mut rates: Vec<(&str, f64)> = Vec::new();
    let mut overall_rss: f64 = 0.0;
    let _ = writeln!(
        out,
        "\n### {label}\n\n| scenario | requests/s | × baseline | p50 ms | p99 ms | errors | peak RSS MiB |\n|---|---:|---:|---:|---:|---:|---:|"
    );
    for (i, s) in scenarios.iter().enumerate() {
        if i > 0 && chosen.is_some_and(|c| !c.split(',').any(|part| s.name.contains(part))) {
            continue;
        }
        let token = match s.token {
            Token::None => None,
            Token::Member => Some(member.as_str()),
            Token::Coach => Some(coach.as_str()),
        };
        let script = dir.path().join(format!("s{i}.lua"));
        std::fs::write(&script, lua(&s.bodies, token))?;
        eprintln!("{label}: {} …", s.name);
        // Reset the process's peak RSS so each scenario reports its own.
        let _ = std::fs::write(format!("/proc/{}/clear_refs", server.child.id()), "5");
        let m = run_wrk(&server.address, &s.path, &script, s.connections)?;
        let rss = peak_rss_mib(server.child.id());
        overall_rss = overall_rss.max(rss);
        if i == 0 {
            baseline = m.rps;
        }
        latencies.push((s.name, m.p50_ms));
        rates.push((s.name, m.rps));
        let _ = writeln!(
            out,
            "| {} | {:.0} | {:.2} | {:.2} | {:.2} | {} | {:.1} |",
            s.name,
            m.rps,
            if baseline > 0.0 {
                m.rps / baseline
            } else {
                0.0
            },
            m.p50_ms,
            m.p99_ms,
            m.errors,
            rss
        );
    }
    let p50 = |prefix: &str| {
        latencies
            .iter()
            .find(|(name, _)| name.starts_with(prefix))
            .map(|(_, ms)| *ms)
    };
    if let (Some(computed), Some(recomputed), Some(sql)) = (
        p50("dashboard aggregates, computed"),
        p50("dashboard aggregates, one member"),
        p50("the same aggregates"),
    ) && sql > 0.0
    {
        let _ = writeln!(
            out,
            "\nDashboard aggregates vs hand-written SQL (p50, one connection): from scratch {computed:.2} ms = {:.2}×; one member changed {recomputed:.2} ms = {:.2}×; SQL {sql:.2} ms.",
            computed / sql,
            recomputed / sql,
        );
    }
    // The server is pinned to one core that the load keeps busy, so one request's CPU is
    // the inverse of the rate.
    let rps = |prefix: &str| {
        rates
            .iter()
            .find(|(n, _)| n.starts_with(prefix))
            .map(|(_, r)| *r)
    };
    if let Some(typename) = rps("{ __typename }") {
        let mut line =
            String::from("\nCPU per request (one saturated core, 1 / requests per second):");
        for (name, r) in rates
            .iter()
            .filter(|(n, _)| n.starts_with("refused") || n.starts_with("admitted"))
        {
            let _ = write!(
                line,
                " {name}: {:.0} µs = {:.2}× `{{ __typename }}`;",
                1e6 / r,
                typename / r
            );
        }
        let _ = writeln!(out, "{line}");
    }
    let _ = writeln!(
        out,
        "\nServer peak RSS over all scenarios: {overall_rss:.1} MiB (one worker)."
    );
    Ok(())
}

/// Runs the whole benchmark and prints the tables (markdown).
pub fn run(root: &Path, target: &Path, size: Size, filter: &Filter) -> Result<()> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let status = Command::new(&cargo)
        .current_dir(root)
        .args([
            "build",
            "--release",
            "--quiet",
            "-p",
            "herlead-server",
            "--features",
            "bench",
        ])
        .status()?;
    if !status.success() {
        bail!("release build failed");
    }
    let binary: PathBuf = target.join("release/herlead");
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    let mut out = format!(
        "Dataset: {} members with a profile, {} contacts and {} interactions each; a {}-member cohort.\nEach scenario: wrk, 1 thread, {CONNECTIONS} connections, {SECONDS} s, pinned to core 1; server: one worker pinned to core 0.\n",
        size.members, size.contacts, size.interactions, size.cohort
    );
    runtime.block_on(async {
        let wants = |name: &str| filter.only.as_deref().is_none_or(|o| o == name);
        let chosen = filter.scenario.as_deref();
        if wants("sqlite") {
            let db = testing::sqlite().await;
            if filter.imports {
                crate::imports::backend("SQLite", &db.url, &db.store, &binary, &mut out).await?;
            } else if filter.growth {
                crate::growth::backend("SQLite", &db.url, &db.store, &binary, &mut out).await?;
            } else {
                backend(
                    "SQLite", &db.url, &db.store, &binary, &size, chosen, &mut out,
                )
                .await?;
            }
        }
        if !wants("postgres") {
            return Ok(());
        }
        match testing::postgres().await {
            Some(db) if filter.imports => {
                crate::imports::backend("PostgreSQL", &db.url, &db.store, &binary, &mut out).await
            }
            Some(db) if filter.growth => {
                crate::growth::backend("PostgreSQL", &db.url, &db.store, &binary, &mut out).await
            }
            Some(db) => {
                backend(
                    "PostgreSQL",
                    &db.url,
                    &db.store,
                    &binary,
                    &size,
                    chosen,
                    &mut out,
                )
                .await
            }
            None => {
                out.push_str(
                    "\n(PostgreSQL skipped: set HERLEAD_TEST_POSTGRES_URL to an admin URL.)\n",
                );
                Ok(())
            }
        }
    })?;
    std::io::Write::write_all(&mut std::io::stdout(), out.as_bytes())?;
    Ok(())
}
