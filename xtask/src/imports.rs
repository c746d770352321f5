//! `cargo xtask bench --imports`: what bringing in her network costs. Three members, each with
//! a profile and no contacts, upload a LinkedIn `Connections.csv` of 20, 500 and 5,000 rows
//! through the release server (a real multipart request, with curl): the preview, the
//! confirm, the server's peak RSS over both, then the same file again (everything matches,
//! nothing is created) and the bulk classification of what came in (500 a call). Then the
//! growth table's writes and reads run on each member, to show that a big import leaves
//! them at the small member's cost.

use std::{
    fmt::Write as _,
    path::{Path, PathBuf},
    process::Command,
    time::Instant,
};

use anyhow::{Context, Result, bail};
use herlead_core::input::Password;
use herlead_store::Store;
use serde_json::{Value, json};

use crate::bench::{PASSWORD, Server, Size, login, peak_rss_mib, seed_member, start};
use crate::growth::{Conn, measure, write_table};

const ROWS: [usize; 3] = [20, 500, 5000];

const PREVIEW: &str = "mutation($file: Upload!) { previewImport(file: $file, format: LINKEDIN) { batch { id parsedRows } newContacts updates unchanged rejectedRows } }";
const CONFIRM: &str =
    "mutation($id: ID!) { confirmImport(importId: $id) { created updated unchanged } }";
const CLASSIFY: &str =
    "mutation($i: [ContactClassificationInput!]!) { classifyContacts(input: $i) }";

/// A LinkedIn export of `rows` connections, shaped like the real one: the "Notes:" preamble,
/// the header, CRLF line ends, no e-mail for most, companies whose words suggest a sector.
fn connections(rows: usize) -> String {
    let companies = [
        "Universidad de los Andes",
        "Ministerio de Salud",
        "El Tiempo",
        "Fundación Mujeres en Red",
        "Acme S.A.S.",
        "Banco de Bogotá",
        "Women in Tech Foundation",
        "Radio Nacional",
    ];
    let positions = ["Directora", "Profesora titular", "Editor", "Head of Growth"];
    let months = ["Jan", "Mar", "Jun", "Sep", "Nov"];
    let mut out = String::from(
        "Notes:\r\n\"When exporting your connection data, you may notice that some of the email addresses are missing.\"\r\n\r\nFirst Name,Last Name,URL,Email Address,Company,Position,Connected On\r\n",
    );
    for i in 0..rows {
        let email = if i % 7 == 0 {
            format!("person{i}@example.org")
        } else {
            String::new()
        };
        let _ = write!(
            out,
            "Persona{i},Apellido{},https://www.linkedin.com/in/persona-{i},{email},{},{},{:02} {} {}\r\n",
            i % 97,
            companies[i % companies.len()],
            positions[i % positions.len()],
            1 + i % 28,
            months[i % months.len()],
            2015 + i % 10,
        );
    }
    out
}

/// Posts `file` with the multipart request spec; answers `data`, its time in ms, and the
/// server's peak RSS over the request.
fn upload(server: &Server, token: &str, file: &Path) -> Result<(Value, f64, f64)> {
    let operations = json!({ "query": PREVIEW, "variables": { "file": null } }).to_string();
    server.reset_peak_rss();
    let started = Instant::now();
    let out = Command::new("curl")
        .args(["-s", "-X", "POST", &format!("{}/graphql", server.address)])
        .args(["-H", &format!("Authorization: Bearer {token}")])
        .args(["--form-string", &format!("operations={operations}")])
        .args(["--form-string", r#"map={"0":["variables.file"]}"#])
        .args([
            "-F",
            &format!("0=@{};filename=Connections.csv", file.display()),
        ])
        .output()
        .context("curl")?;
    let ms = started.elapsed().as_secs_f64() * 1000.0;
    let rss = peak_rss_mib(server.pid());
    let value: Value = serde_json::from_slice(&out.stdout).context("a JSON answer")?;
    if !value["errors"].is_null() {
        bail!("previewImport: {value}");
    }
    Ok((value["data"]["previewImport"].clone(), ms, rss))
}

struct Row {
    rows: usize,
    preview_ms: f64,
    confirm_ms: f64,
    peak_rss: f64,
    again_preview_ms: f64,
    again_unchanged: i64,
    classify_ms: f64,
}

/// Imports `rows` connections for `email`, then again, then classifies them.
fn import_one(server: &Server, email: &str, rows: usize, dir: &Path) -> Result<Row> {
    let token = login(&server.address, email)?;
    let file: PathBuf = dir.join(format!("connections-{rows}.csv"));
    std::fs::write(&file, connections(rows))?;
    let (preview, preview_ms, preview_rss) = upload(server, &token, &file)?;
    if preview["newContacts"].as_u64() != Some(rows as u64) {
        bail!("{rows} rows: expected {rows} new contacts, got {preview}");
    }
    let id = preview["batch"]["id"].clone();
    let mut c = Conn::open(&server.address, &token)?;
    server.reset_peak_rss();
    let started = Instant::now();
    let confirmed = c.post(CONFIRM, json!({ "id": id }))?;
    let confirm_ms = started.elapsed().as_secs_f64() * 1000.0;
    let peak_rss = preview_rss.max(peak_rss_mib(server.pid()));
    if confirmed["confirmImport"]["created"].as_u64() != Some(rows as u64) {
        bail!("{rows} rows: confirm answered {confirmed}");
    }
    let (again, again_preview_ms, _) = upload(server, &token, &file)?;
    let again_unchanged = again["unchanged"].as_i64().unwrap_or(-1);
    if again["newContacts"].as_i64() != Some(0) || again_unchanged != rows as i64 {
        bail!("{rows} rows: the same file again previewed as {again}");
    }
    // Classify everything that came in, 500 a call, as she would from the suggestions.
    let mut ids = Vec::with_capacity(rows);
    let mut after: Option<String> = None;
    loop {
        let page = c.post(
            "query($after: String) { contacts(first: 100, after: $after) { pageInfo { hasNextPage endCursor } edges { node { id suggestedSector { sector } } } } }",
            json!({ "after": after }),
        )?;
        let page = &page["contacts"];
        for edge in page["edges"].as_array().context("edges")? {
            let sector = edge["node"]["suggestedSector"]["sector"]
                .as_str()
                .unwrap_or("PRIVATE");
            ids.push(
                json!({ "contactId": edge["node"]["id"], "sector": sector, "scope": "COUNTRY" }),
            );
        }
        if page["pageInfo"]["hasNextPage"] != json!(true) {
            break;
        }
        after = page["pageInfo"]["endCursor"].as_str().map(str::to_owned);
    }
    let started = Instant::now();
    for chunk in ids.chunks(500) {
        c.post(CLASSIFY, json!({ "i": chunk }))?;
    }
    let classify_ms = started.elapsed().as_secs_f64() * 1000.0;
    Ok(Row {
        rows,
        preview_ms,
        confirm_ms,
        peak_rss,
        again_preview_ms,
        again_unchanged,
        classify_ms,
    })
}

/// Seeds the three members on `store`, imports through the release server on `url`, and
/// appends the tables to `out`.
pub async fn backend(
    label: &str,
    url: &str,
    store: &Store,
    binary: &Path,
    out: &mut String,
) -> Result<()> {
    let hash = herlead_api::hash_password_blocking(&Password::parse("password", PASSWORD)?)?;
    let mut emails = Vec::new();
    for i in 0..ROWS.len() {
        let n = 9100 + i;
        let empty = Size {
            members: 1,
            contacts: 0,
            interactions: 0,
            cohort: 0,
        };
        seed_member(store, n, &hash, &empty).await?;
        emails.push(format!("member{n}@herlead.example"));
    }
    let server = start(binary, url)?;
    let idle = peak_rss_mib(server.pid());
    let dir = tempfile::tempdir()?;
    let mut rows = Vec::new();
    for (email, n) in emails.iter().zip(ROWS) {
        eprintln!("{label}: importing {n} LinkedIn connections …");
        rows.push(import_one(&server, email, n, dir.path())?);
    }
    let _ = writeln!(
        out,
        "\n### {label}: importing a LinkedIn Connections.csv (one request each, ms; server idle at {idle:.1} MiB)\n\n| rows | preview | confirm | peak RSS MiB | same file again: preview | unchanged | classify all (500 a call) |\n|---:|---:|---:|---:|---:|---:|---:|"
    );
    for r in &rows {
        let _ = writeln!(
            out,
            "| {} | {:.0} | {:.0} | {:.1} | {:.0} | {} | {:.0} |",
            r.rows,
            r.preview_ms,
            r.confirm_ms,
            r.peak_rss,
            r.again_preview_ms,
            r.again_unchanged,
            r.classify_ms
        );
    }
    let mut columns = Vec::new();
    for email in &emails {
        let token = login(&server.address, email)?;
        eprintln!("{label}: measuring {email} after its import …");
        columns.push(measure(&server.address, &token)?);
    }
    let heading = format!(
        "{label}: her writes and reads after the import (median of 30, one connection, ms)"
    );
    write_table(
        out,
        &heading,
        &ROWS.map(|n| format!("{n} imported")),
        &columns,
    );
    Ok(())
}
