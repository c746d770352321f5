//! `cargo xtask bench --growth`: what one write or read costs as her network grows. Three
//! members with 20, 500 and 5,000 contacts (five times as many interactions) on the same
//! release server; each operation runs 30 times in a row on one keep-alive connection, and
//! the table gives the median latency at each size and the ratio of the largest to the
//! smallest. The contacts it adds are deleted again; the 30 interactions and 30 meetings it
//! logs barely change the sizes.

use std::{
    fmt::Write as _,
    io::{BufRead, BufReader, Read, Write},
    net::TcpStream,
    path::Path,
    time::Instant,
};

use anyhow::{Context, Result, bail};
use herlead_core::input::Password;
use herlead_store::Store;
use serde_json::{Value, json};

use crate::bench::{PASSWORD, Size, login, seed_member, start};

/// Contacts of the three members; each has five times as many interactions.
const SIZES: [usize; 3] = [20, 500, 5000];
const RUNS: usize = 30;

/// One keep-alive HTTP/1.1 connection to the server's GraphQL endpoint.
pub(crate) struct Conn {
    reader: BufReader<TcpStream>,
    token: String,
}

impl Conn {
    pub(crate) fn open(address: &str, token: &str) -> Result<Conn> {
        let host = address.trim_start_matches("http://");
        let stream = TcpStream::connect(host).with_context(|| format!("connect to {host}"))?;
        stream.set_nodelay(true)?;
        Ok(Conn {
            reader: BufReader::new(stream),
            token: token.to_owned(),
        })
    }

    /// Posts a GraphQL request and returns its `data`; an error in the answer is an error.
    pub(crate) fn post(&mut self, query: &str, variables: Value) -> Result<Value> {
        let body = json!({ "query": query, "variables": variables }).to_string();
        let head = format!(
            "POST /graphql HTTP/1.1\r\nHost: bench\r\nContent-Type: application/json\r\nAuthorization: Bearer {}\r\nContent-Length: {}\r\n\r\n",
            self.token,
            body.len()
        );
        let stream = self.reader.get_mut();
        stream.write_all(head.as_bytes())?;
        stream.write_all(body.as_bytes())?;
        let mut length = None;
        let mut line = String::new();
        loop {
            line.clear();
            if self.reader.read_line(&mut line)? == 0 {
                bail!("the server closed the connection");
            }
            let trimmed = line.trim_end();
            if trimmed.is_empty() {
                break;
            }
            if let Some((name, value)) = trimmed.split_once(':')
                && name.eq_ignore_ascii_case("content-length")
            {
                length = Some(value.trim().parse::<usize>()?);
            }
        }
        let mut answer = vec![0; length.context("a Content-Length")?];
        self.reader.read_exact(&mut answer)?;
        let value: Value = serde_json::from_slice(&answer)?;
        if !value["errors"].is_null() {
            bail!("{query}: {value}");
        }
        Ok(value["data"].clone())
    }
}

/// The median of `RUNS` calls of `f` (given the run's number), in milliseconds.
fn median(mut f: impl FnMut(usize) -> Result<()>) -> Result<f64> {
    let mut times = Vec::with_capacity(RUNS);
    for run in 0..RUNS {
        let started = Instant::now();
        f(run)?;
        times.push(started.elapsed().as_secs_f64() * 1000.0);
    }
    times.sort_by(f64::total_cmp);
    Ok(times[RUNS / 2])
}

const ADD_CONTACT: &str = "mutation($i: ContactInput!) { addContact(input: $i) { id } }";
const UPDATE_CONTACT: &str = "mutation($id: ID!, $i: ContactUpdateInput!) { updateContact(id: $id, input: $i) { id stage } }";
const DELETE_CONTACT: &str = "mutation($id: ID!) { deleteContact(id: $id) { id } }";
const LOG_INTERACTION: &str = "mutation($i: LogInteractionInput!) { logInteraction(input: $i) { interaction { id } warnings { code } } }";
const LOG_MEETING: &str = "mutation($i: LogMeetingInput!) { logMeeting(input: $i) { id } }";
const SET_TASK_STATUS: &str =
    "mutation($i: SetTaskStatusInput!) { setTaskStatus(input: $i) { status } }";
const ADD_COMMUNITY: &str = "mutation($i: CommunityInput!) { addCommunity(input: $i) { id } }";

/// The operations measured, in table order, each with its median per size.
pub(crate) fn measure(address: &str, token: &str) -> Result<Vec<(&'static str, f64)>> {
    let mut c = Conn::open(address, token)?;
    let first: Vec<String> = c.post(
        "{ contacts(first: 40) { edges { node { id } } } }",
        json!({}),
    )?["contacts"]["edges"]
        .as_array()
        .context("contacts")?
        .iter()
        .filter_map(|e| e["node"]["id"].as_str().map(str::to_owned))
        .collect();
    let community = c.post(
        ADD_COMMUNITY,
        json!({"i": {"name": "Growth circle", "kind": "IN_PERSON"}}),
    )?["addCommunity"]["id"]
        .as_str()
        .context("community")?
        .to_owned();
    let mut added: Vec<String> = Vec::new();
    let mut out = Vec::new();
    out.push((
        "addContact",
        median(|run| {
            let data = c.post(
                ADD_CONTACT,
                json!({"i": {"name": format!("Growth {run}"), "sector": "MEDIA", "scope": "CITY", "onMeetList": run % 2 == 0}}),
            )?;
            added.push(data["addContact"]["id"].as_str().context("id")?.to_owned());
            Ok(())
        })?,
    ));
    out.push((
        "updateContact",
        median(|run| {
            c.post(
                UPDATE_CONTACT,
                json!({"id": added[run], "i": {"values": "ALIGNED", "inHerIndustry": true}}),
            )
            .map(drop)
        })?,
    ));
    out.push((
        "logInteraction",
        median(|run| {
            c.post(
                LOG_INTERACTION,
                json!({"i": {"contactId": first[run % first.len()], "kind": if run % 2 == 0 { "SHARED_POST" } else { "ASKED_HELP" }}}),
            )
            .map(drop)
        })?,
    ));
    out.push((
        "logMeeting",
        median(|run| {
            c.post(
                LOG_MEETING,
                json!({"i": {"communityId": community, "occurredAt": "2026-01-15T18:00:00Z", "inPerson": true, "attendeeIds": [first[run % first.len()]]}}),
            )
            .map(drop)
        })?,
    ));
    out.push((
        "setTaskStatus",
        median(|run| {
            let status = if run % 2 == 0 {
                "IN_PROGRESS"
            } else {
                "NOT_STARTED"
            };
            c.post(
                SET_TASK_STATUS,
                json!({"i": {"taskKey": "position.tell_your_story", "status": status}}),
            )
            .map(drop)
        })?,
    ));
    out.push((
        "deleteContact",
        median(|run| c.post(DELETE_CONTACT, json!({"id": added[run]})).map(drop))?,
    ));
    let reads: [(&'static str, &str); 6] = [
        (
            "myProgress",
            "{ myProgress { percent currentStep steps { step done total } } }",
        ),
        (
            "presence",
            "{ presence { website audiences profiles { id } findings { code } } }",
        ),
        (
            "contacts (a page of 20)",
            "{ contacts(first: 20) { totalCount edges { node { id name stage } } } }",
        ),
        (
            "recommendations",
            "{ recommendations(first: 10) { code taskKey } }",
        ),
        ("socialCapital", "{ socialCapital { total } }"),
        (
            "dueToReconnect",
            "{ dueToReconnect(first: 20) { contact { id } overdueDays } }",
        ),
    ];
    for (name, query) in reads {
        out.push((name, median(|_| c.post(query, json!({})).map(drop))?));
    }
    Ok(out)
}

/// Appends a table of `columns` (one per size, each the measured operations in order) with
/// the ratio of the last size to the first.
pub(crate) fn write_table(
    out: &mut String,
    heading: &str,
    sizes: &[String; 3],
    columns: &[Vec<(&'static str, f64)>],
) {
    let _ = writeln!(
        out,
        "\n### {heading}\n\n| operation | {} | {} | {} | last ÷ first |\n|---|---:|---:|---:|---:|",
        sizes[0], sizes[1], sizes[2]
    );
    for (row, (name, small)) in columns[0].iter().enumerate() {
        let middle = columns[1][row].1;
        let large = columns[2][row].1;
        let _ = writeln!(
            out,
            "| {name} | {small:.2} | {middle:.2} | {large:.2} | {:.2} |",
            large / small
        );
    }
}

/// Seeds the three members on `store`, measures them through the release server on `url`,
/// and appends the table to `out`.
pub async fn backend(
    label: &str,
    url: &str,
    store: &Store,
    binary: &Path,
    out: &mut String,
) -> Result<()> {
    let hash = herlead_api::hash_password_blocking(&Password::parse("password", PASSWORD)?)?;
    let mut emails = Vec::new();
    for (i, contacts) in SIZES.iter().enumerate() {
        eprintln!("{label}: seeding a member with {contacts} contacts …");
        let n = 9000 + i;
        seed_member(
            store,
            n,
            &hash,
            &Size {
                members: 1,
                contacts: *contacts,
                interactions: contacts * 5,
                cohort: 0,
            },
        )
        .await?;
        emails.push(format!("member{n}@herlead.example"));
    }
    let server = start(binary, url)?;
    let mut columns = Vec::new();
    for email in &emails {
        let token = login(&server.address, email)?;
        eprintln!("{label}: measuring {email} …");
        columns.push(measure(&server.address, &token)?);
    }
    let heading = format!("{label}: cost by network size (median of {RUNS}, one connection, ms)");
    let sizes = SIZES.map(|n| format!("{n} contacts"));
    write_table(out, &heading, &sizes, &columns);
    Ok(())
}
