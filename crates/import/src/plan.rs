//! What importing rows into her network would do: which rows are new contacts, which match a
//! contact she has (by profile URL, e-mail, or name and company, normalized the way the
//! presence checks normalize) and what they would change, and which change nothing. Pure:
//! the store runs it again inside the confirming transaction, on her contacts as they are then.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use herlead_core::{
    input::{Company, Email, HttpUrl, JobTitle, TAGS_MAX, url_key},
    network::Contact,
    presence::text_key,
};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::ImportedContact;

/// How a row was recognized as a contact she already has.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum MatchKey {
    /// The same profile or page, once normalized.
    ProfileUrl,
    /// The same e-mail address.
    Email,
    /// The same name at the same company.
    NameAndCompany,
}

impl MatchKey {
    /// The key's wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            MatchKey::ProfileUrl => "PROFILE_URL",
            MatchKey::Email => "EMAIL",
            MatchKey::NameAndCompany => "NAME_AND_COMPANY",
        }
    }
}

/// What one row would do.
#[derive(Debug, Clone, PartialEq)]
pub enum Planned {
    /// A new contact (unclassified unless the file is a HerLead export that classifies it).
    New(Box<Contact>),
    /// A contact she has, with what the row adds or changes.
    Update {
        /// Her contact as it is.
        before: Box<Contact>,
        /// As it would be.
        after: Box<Contact>,
        /// How the row matched it.
        by: MatchKey,
        /// The fields that change (`emails`, `links`, `tags`, `company`, `jobTitle`,
        /// `connectedOn`).
        changed: Vec<&'static str>,
    },
    /// A contact she has that the row would not change.
    Unchanged {
        /// Her contact.
        contact: Uuid,
        /// How the row matched it.
        by: MatchKey,
    },
}

/// One row's plan, with the line it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct PlannedRow {
    /// The line the row starts on.
    pub line: u64,
    /// What it would do.
    pub planned: Planned,
}

/// Plans `rows` against `existing` (her contacts). Two rows of the file that match each
/// other become one contact. New contacts get ids from `new_id` and `now` as their creation
/// time.
pub fn plan(
    rows: &[ImportedContact],
    existing: &[Contact],
    now: DateTime<Utc>,
    mut new_id: impl FnMut() -> Uuid,
) -> Vec<PlannedRow> {
    let mut index = Index::default();
    // Contacts as they will be after the rows so far: hers, then the new ones.
    let mut current: Vec<Contact> = existing.to_vec();
    for (i, c) in current.iter().enumerate() {
        index.add(c, i);
    }
    let mut planned: Vec<(u64, usize, Option<MatchKey>)> = Vec::with_capacity(rows.len());
    let originals = current.len();
    for row in rows {
        match index.find(row) {
            Some((at, by)) => {
                merge(&mut current[at], row);
                index.add(&current[at], at);
                planned.push((row.line, at, Some(by)));
            }
            None => {
                let contact = new_contact(row, new_id(), now);
                let at = current.len();
                index.add(&contact, at);
                current.push(contact);
                planned.push((row.line, at, None));
            }
        }
    }
    // Each contact's plan is reported once, on the first row that named it.
    let mut reported = HashSet::new();
    planned
        .into_iter()
        .filter(|(_, at, _)| reported.insert(*at))
        .map(|(line, at, by)| {
            let after = current[at].clone();
            let planned = if at >= originals {
                Planned::New(Box::new(after))
            } else {
                let before = existing[at].clone();
                let by = by.unwrap_or(MatchKey::NameAndCompany);
                let changed = changed_fields(&before, &after);
                if changed.is_empty() {
                    Planned::Unchanged {
                        contact: before.id,
                        by,
                    }
                } else {
                    Planned::Update {
                        before: Box::new(before),
                        after: Box::new(after),
                        by,
                        changed,
                    }
                }
            };
            PlannedRow { line, planned }
        })
        .collect()
}

/// The fields of `after` that differ from `before`, in their GraphQL spelling.
pub fn changed_fields(before: &Contact, after: &Contact) -> Vec<&'static str> {
    let mut out = Vec::new();
    if before.emails != after.emails {
        out.push("emails");
    }
    if before.links != after.links {
        out.push("links");
    }
    if before.tags != after.tags {
        out.push("tags");
    }
    if before.company != after.company {
        out.push("company");
    }
    if before.job_title != after.job_title {
        out.push("jobTitle");
    }
    if before.connected_on != after.connected_on {
        out.push("connectedOn");
    }
    out
}

fn new_contact(row: &ImportedContact, id: Uuid, now: DateTime<Utc>) -> Contact {
    let mut c = Contact::named(id, row.name.clone(), now);
    // Her own classification comes back with her export; other files have none, and a
    // contact she already has keeps hers (so `merge` leaves both alone).
    c.sector = row.sector;
    c.scope = row.scope;
    merge(&mut c, row);
    c
}

/// Adds what the row brings: e-mails, links and tags she lacks; company, job title and the
/// day she connected as the file has them (a value the file lacks is kept).
fn merge(c: &mut Contact, row: &ImportedContact) {
    let emails: HashSet<String> = c.emails.iter().map(|e| e.as_str().to_owned()).collect();
    for e in &row.emails {
        if !emails.contains(e.as_str()) {
            c.emails.push(Email::clone(e));
        }
    }
    let links: HashSet<String> = c.links.iter().filter_map(|l| url_key(l.as_str())).collect();
    for l in &row.links {
        if url_key(l.as_str()).is_none_or(|k| !links.contains(&k)) {
            c.links.push(HttpUrl::clone(l));
        }
    }
    let tags: HashSet<String> = c.tags.iter().map(|t| t.to_lowercase()).collect();
    for t in &row.tags {
        if c.tags.len() < TAGS_MAX && !tags.contains(&t.to_lowercase()) {
            c.tags.push(t.clone());
        }
    }
    if let Some(company) = row
        .company
        .as_deref()
        .and_then(|t| Company::parse("company", t).ok())
    {
        c.company = Some(company);
    }
    if let Some(title) = row
        .position
        .as_deref()
        .and_then(|t| JobTitle::parse("jobTitle", t).ok())
    {
        c.job_title = Some(title);
    }
    if row.connected_on.is_some() {
        c.connected_on = row.connected_on;
    }
}

/// Where to find a contact by each key.
#[derive(Debug, Default)]
struct Index {
    urls: HashMap<String, usize>,
    emails: HashMap<String, usize>,
    names: HashMap<String, usize>,
}

fn name_key(name: &str, company: Option<&str>) -> Option<String> {
    let company = text_key(company?);
    (!company.is_empty()).then(|| format!("{}\u{1f}{company}", text_key(name)))
}

impl Index {
    fn add(&mut self, c: &Contact, at: usize) {
        for l in &c.links {
            if let Some(k) = url_key(l.as_str()) {
                self.urls.entry(k).or_insert(at);
            }
        }
        for e in &c.emails {
            self.emails.entry(e.as_str().to_lowercase()).or_insert(at);
        }
        if let Some(k) = name_key(&c.name, c.company.as_deref()) {
            self.names.entry(k).or_insert(at);
        }
    }

    fn find(&self, row: &ImportedContact) -> Option<(usize, MatchKey)> {
        let by_url = row
            .links
            .iter()
            .find_map(|l| url_key(l.as_str()).and_then(|k| self.urls.get(&k)))
            .map(|at| (*at, MatchKey::ProfileUrl));
        let by_email = || {
            row.emails
                .iter()
                .find_map(|e| self.emails.get(&e.as_str().to_lowercase()))
                .map(|at| (*at, MatchKey::Email))
        };
        let by_name = || {
            name_key(&row.name, row.company.as_deref())
                .and_then(|k| self.names.get(&k))
                .map(|at| (*at, MatchKey::NameAndCompany))
        };
        by_url.or_else(by_email).or_else(by_name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Format, Limits, parse};

    const FILE: &str = "First Name,Last Name,URL,Email Address,Company,Position,Connected On\n\
        Ana,García,https://www.linkedin.com/in/anagarcia,,Universidad de Chile,Profesora,15 Mar 2024\n\
        Bea,Ruiz,,bea@example.org,Diario Sur,Editora,01 Feb 2023\n\
        Ana,García,https://linkedin.com/in/anagarcia/,,Universidad de Chile,Decana,15 Mar 2024\n";

    fn rows(text: &str) -> Vec<ImportedContact> {
        parse(text.as_bytes(), Format::LinkedIn, &Limits::default())
            .expect("parses")
            .rows
    }

    fn ids() -> impl FnMut() -> Uuid {
        let mut n = 0u128;
        move || {
            n += 1;
            Uuid::from_u128(n)
        }
    }

    #[test]
    fn test_rows_of_the_file_that_match_each_other_become_one_contact() {
        let planned = plan(&rows(FILE), &[], DateTime::UNIX_EPOCH, ids());
        assert_eq!(planned.len(), 2, "{planned:?}");
        let Planned::New(ana) = &planned[0].planned else {
            panic!("new: {planned:?}")
        };
        // The later row's job title wins; the two URLs are one profile.
        assert_eq!(ana.job_title.as_deref(), Some("Decana"));
        assert_eq!(ana.links.len(), 1);
        assert_eq!((ana.sector, ana.scope), (None, None));
        assert_eq!(
            ana.connected_on,
            chrono::NaiveDate::from_ymd_opt(2024, 3, 15)
        );
    }

    #[test]
    fn test_importing_the_same_file_again_changes_nothing() {
        let first: Vec<Contact> = plan(&rows(FILE), &[], DateTime::UNIX_EPOCH, ids())
            .into_iter()
            .map(|p| match p.planned {
                Planned::New(c) => *c,
                other => panic!("{other:?}"),
            })
            .collect();
        let again = plan(&rows(FILE), &first, DateTime::UNIX_EPOCH, ids());
        assert!(
            again
                .iter()
                .all(|p| matches!(p.planned, Planned::Unchanged { .. })),
            "{again:?}"
        );
        // A changed company updates, matched by e-mail.
        let changed = FILE.replace("Diario Sur", "Radio Norte");
        let third = plan(&rows(&changed), &first, DateTime::UNIX_EPOCH, ids());
        let updates: Vec<_> = third
            .iter()
            .filter_map(|p| match &p.planned {
                Planned::Update { by, changed, .. } => Some((*by, changed.clone())),
                _ => None,
            })
            .collect();
        assert_eq!(updates, [(MatchKey::Email, vec!["company"])]);
    }

    #[test]
    fn test_name_alone_does_not_match_but_name_and_company_does() {
        let text =
            "First Name,Last Name,Company\nAna,Pérez,\nAna,Pérez,\nLuz,Soto,ACME\nluz,SOTO,Acme\n";
        let planned = plan(&rows(text), &[], DateTime::UNIX_EPOCH, ids());
        let new = planned
            .iter()
            .filter(|p| matches!(p.planned, Planned::New(_)))
            .count();
        assert_eq!(new, 3, "two Anas without a company, one Luz: {planned:?}");
    }
}
