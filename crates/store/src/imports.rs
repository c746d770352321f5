//! Importing her network from a contact file, in three steps: the uploaded file is kept as
//! a **preview** (nothing of her network changes), she **confirms** it (one transaction, the
//! rules run once for the whole batch) or discards it, and a confirmed batch can be **undone**
//! as a whole.
//!
//! The plan (which rows are new, which match a contact she has and what they change) is
//! `herlead_import::plan`, computed for the preview and computed again inside the confirming
//! transaction on her contacts as they are then, so a contact she added or edited in between
//! is matched, not duplicated. Confirming deletes the file; what undoing needs is kept on the
//! batch: the contacts it created carry its id (`contacts.import_id`), and for each contact it
//! updated, the fields it changed with their values before and after.

use std::collections::HashMap;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use herlead_core::{
    UserId,
    input::{Company, Email, HttpUrl, JobTitle},
    network::{Contact, Stage},
};
use herlead_import::{Format, Limits, Parsed, Planned, PlannedRow};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
    sea_query::Expr,
};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::{
    Store, StoreError,
    convert::{contact_model, json_text, to_contact},
    derived,
    entity::{contact, import_batch, interaction, meeting_attendee},
};

/// How long a preview waits for her to confirm it.
pub const PREVIEW_TTL: Duration = Duration::hours(24);

/// The most previews she can have waiting at once; a new upload discards the oldest.
pub const PREVIEWS_MAX: u64 = 5;

/// Where a batch is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, strum::IntoStaticStr, strum::EnumString)]
#[strum(serialize_all = "SCREAMING_SNAKE_CASE")]
pub enum ImportStatus {
    /// Uploaded; nothing of her network has changed.
    Preview,
    /// Written into her network.
    Confirmed,
    /// Confirmed, then undone.
    Undone,
}

impl ImportStatus {
    /// The stable name.
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

/// One contact file she uploaded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportBatch {
    /// Its id.
    pub id: Uuid,
    /// The format it was read as.
    pub format: Format,
    /// The file's name as uploaded, if it had one.
    pub file_name: Option<String>,
    /// Where it is.
    pub status: ImportStatus,
    /// How the file's text was decoded (`UTF8`, `UTF8_BOM`, `UTF16`, `WINDOWS1252`).
    pub encoding: String,
    /// Rows (or cards) read.
    pub parsed_rows: u32,
    /// Rows (or cards) that could not be read.
    pub rejected_rows: u32,
    /// Contacts confirming created.
    pub created: u32,
    /// Contacts of hers confirming updated.
    pub updated: u32,
    /// Contacts of hers the file named and confirming left as they were.
    pub unchanged: u32,
    /// When it was uploaded.
    pub created_at: DateTime<Utc>,
    /// When it was confirmed.
    pub confirmed_at: Option<DateTime<Utc>>,
    /// When it was undone.
    pub undone_at: Option<DateTime<Utc>>,
}

impl ImportBatch {
    /// When a preview stops being confirmable.
    pub fn expires_at(&self) -> Option<DateTime<Utc>> {
        (self.status == ImportStatus::Preview).then(|| self.created_at + PREVIEW_TTL)
    }
}

/// A batch with what confirming it would do now.
#[derive(Debug, Clone)]
pub struct ImportPreview {
    /// The batch.
    pub batch: ImportBatch,
    /// What the file held.
    pub parsed: Parsed,
    /// What each contact of the file would do, in file order.
    pub planned: Vec<PlannedRow>,
}

/// The details an import changes on a contact, as stored for undoing it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Details {
    emails: Vec<String>,
    links: Vec<String>,
    tags: Vec<String>,
    company: Option<String>,
    job_title: Option<String>,
    connected_on: Option<NaiveDate>,
}

impl Details {
    fn of(c: &Contact) -> Details {
        Details {
            emails: c.emails.iter().map(|e| e.as_str().to_owned()).collect(),
            links: c.links.iter().map(|l| l.as_str().to_owned()).collect(),
            tags: c.tags.clone(),
            company: c.company.as_deref().map(str::to_owned),
            job_title: c.job_title.as_deref().map(str::to_owned),
            connected_on: c.connected_on,
        }
    }

    /// Puts `field` of `self` on `c`. Values were valid when stored; one that no longer
    /// parses is left as it is on the contact.
    fn restore(&self, field: &str, c: &mut Contact) {
        match field {
            "emails" => {
                c.emails = self
                    .emails
                    .iter()
                    .filter_map(|e| Email::parse("emails", e).ok())
                    .collect();
            }
            "links" => {
                c.links = self
                    .links
                    .iter()
                    .filter_map(|l| HttpUrl::parse("links", l).ok())
                    .collect();
            }
            "tags" => c.tags = self.tags.clone(),
            "company" => {
                c.company = self
                    .company
                    .as_deref()
                    .and_then(|t| Company::parse("company", t).ok());
            }
            "jobTitle" => {
                c.job_title = self
                    .job_title
                    .as_deref()
                    .and_then(|t| JobTitle::parse("jobTitle", t).ok());
            }
            "connectedOn" => c.connected_on = self.connected_on,
            _ => {}
        }
    }

    fn same(&self, field: &str, other: &Details) -> bool {
        match field {
            "emails" => self.emails == other.emails,
            "links" => self.links == other.links,
            "tags" => self.tags == other.tags,
            "company" => self.company == other.company,
            "jobTitle" => self.job_title == other.job_title,
            "connectedOn" => self.connected_on == other.connected_on,
            _ => true,
        }
    }
}

/// What undoing restores on one updated contact.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Restore {
    id: Uuid,
    changed: Vec<String>,
    before: Details,
    after: Details,
}

fn count(n: usize) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}

fn to_batch(m: import_batch::Model) -> Result<ImportBatch, StoreError> {
    let corrupt = |what: &str| StoreError::Corrupt(format!("import {} has a bad {what}", m.id));
    let unsigned = |n: i32| u32::try_from(n).unwrap_or(0);
    Ok(ImportBatch {
        id: m.id,
        format: Format::parse(&m.format).ok_or_else(|| corrupt("format"))?,
        file_name: m.file_name.clone(),
        status: m.status.parse().map_err(|_| corrupt("status"))?,
        encoding: m.encoding.clone(),
        parsed_rows: unsigned(m.parsed_rows),
        rejected_rows: unsigned(m.rejected_rows),
        created: unsigned(m.created),
        updated: unsigned(m.updated),
        unchanged: unsigned(m.unchanged),
        created_at: m.created_at,
        confirmed_at: m.confirmed_at,
        undone_at: m.undone_at,
    })
}

/// Her contacts, all of them (a plan matches against every one).
async fn her_contacts(
    db: &impl sea_orm::ConnectionTrait,
    user: UserId,
) -> Result<Vec<Contact>, StoreError> {
    contact::Entity::find()
        .filter(contact::Column::UserId.eq(user.0))
        .order_by_asc(contact::Column::CreatedAt)
        .order_by_asc(contact::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(|m| to_contact(m).map(|(c, _)| c))
        .collect()
}

fn refused(message: impl Into<String>) -> StoreError {
    StoreError::Refused {
        field: "importId",
        message: message.into(),
    }
}

fn not_found() -> StoreError {
    StoreError::NotFound {
        what: "import",
        field: "importId",
    }
}

/// Reads a stored preview's file again (it was read without error when uploaded).
fn reparse(model: &import_batch::Model, limits: &Limits) -> Result<Parsed, StoreError> {
    let format = Format::parse(&model.format)
        .ok_or_else(|| StoreError::Corrupt(format!("import {} has a bad format", model.id)))?;
    let content = model.content.as_deref().unwrap_or_default();
    herlead_import::parse(content, format, limits)
        .map_err(|e| StoreError::Corrupt(format!("import {} no longer reads: {e}", model.id)))
}

impl Store {
    /// Keeps an uploaded file as a preview and answers what confirming it would do. The
    /// file must have been read (`parsed`) from `content` with the same format. Her expired
    /// previews go, and the oldest beyond [`PREVIEWS_MAX`].
    pub async fn stage_import(
        &self,
        user: UserId,
        file_name: Option<String>,
        content: Vec<u8>,
        parsed: Parsed,
    ) -> Result<ImportPreview, StoreError> {
        let now = crate::now();
        let id = Uuid::now_v7();
        let model = import_batch::ActiveModel {
            id: Set(id),
            user_id: Set(user.0),
            format: Set(parsed.format.as_str().to_owned()),
            file_name: Set(file_name),
            status: Set(ImportStatus::Preview.as_str().to_owned()),
            content: Set(Some(content)),
            encoding: Set(parsed.encoding.as_str().to_owned()),
            parsed_rows: Set(count(parsed.rows.len())),
            rejected_rows: Set(count(parsed.rejected.len())),
            created: Set(0),
            updated: Set(0),
            unchanged: Set(0),
            restore: Set(None),
            created_at: Set(crate::db_time(now)),
            confirmed_at: Set(None),
            undone_at: Set(None),
        };
        let stored = self
            .transaction(async |txn, _| {
                import_batch::Entity::delete_many()
                    .filter(import_batch::Column::UserId.eq(user.0))
                    .filter(import_batch::Column::Status.eq(ImportStatus::Preview.as_str()))
                    .filter(import_batch::Column::CreatedAt.lt(now - PREVIEW_TTL))
                    .exec(txn)
                    .await?;
                let waiting: Vec<Uuid> = import_batch::Entity::find()
                    .select_only()
                    .column(import_batch::Column::Id)
                    .filter(import_batch::Column::UserId.eq(user.0))
                    .filter(import_batch::Column::Status.eq(ImportStatus::Preview.as_str()))
                    .order_by_desc(import_batch::Column::CreatedAt)
                    .order_by_desc(import_batch::Column::Id)
                    .into_tuple()
                    .all(txn)
                    .await?;
                // The newest stay, with room for this one.
                let keep = usize::try_from(PREVIEWS_MAX - 1).unwrap_or(usize::MAX);
                if waiting.len() > keep {
                    import_batch::Entity::delete_many()
                        .filter(import_batch::Column::Id.is_in(waiting[keep..].to_vec()))
                        .exec(txn)
                        .await?;
                }
                Ok(import_batch::Entity::insert(model)
                    .exec_with_returning(txn)
                    .await?)
            })
            .await?;
        let existing = her_contacts(&self.db, user).await?;
        let planned = herlead_import::plan(&parsed.rows, &existing, now, Uuid::now_v7);
        Ok(ImportPreview {
            batch: to_batch(stored)?,
            parsed,
            planned,
        })
    }

    /// One of her batches.
    pub async fn import_batch(
        &self,
        user: UserId,
        id: Uuid,
    ) -> Result<Option<ImportBatch>, StoreError> {
        import_batch::Entity::find_by_id(id)
            .filter(import_batch::Column::UserId.eq(user.0))
            .one(&self.db)
            .await?
            .map(to_batch)
            .transpose()
    }

    /// Her batches, newest first.
    pub async fn import_batches(
        &self,
        user: UserId,
        limit: u64,
    ) -> Result<Vec<ImportBatch>, StoreError> {
        import_batch::Entity::find()
            .filter(import_batch::Column::UserId.eq(user.0))
            .order_by_desc(import_batch::Column::CreatedAt)
            .order_by_desc(import_batch::Column::Id)
            .limit(limit)
            .all(&self.db)
            .await?
            .into_iter()
            .map(to_batch)
            .collect()
    }

    /// What confirming one of her previews would do now. A batch that is not a preview (or
    /// has expired) is refused; one that is not hers is not found.
    pub async fn import_preview(
        &self,
        user: UserId,
        id: Uuid,
        limits: &Limits,
    ) -> Result<ImportPreview, StoreError> {
        let now = crate::now();
        let model = her_batch(&self.db, user, id).await?;
        let batch = to_batch(model.clone())?;
        check_pending(&batch, now)?;
        let parsed = reparse(&model, limits)?;
        let existing = her_contacts(&self.db, user).await?;
        let planned = herlead_import::plan(&parsed.rows, &existing, now, Uuid::now_v7);
        Ok(ImportPreview {
            batch,
            parsed,
            planned,
        })
    }

    /// Discards one of her previews. Answers whether there was one.
    pub async fn discard_import(&self, user: UserId, id: Uuid) -> Result<bool, StoreError> {
        let gone = import_batch::Entity::delete_many()
            .filter(import_batch::Column::Id.eq(id))
            .filter(import_batch::Column::UserId.eq(user.0))
            .filter(import_batch::Column::Status.eq(ImportStatus::Preview.as_str()))
            .exec(&self.db)
            .await?;
        Ok(gone.rows_affected == 1)
    }

    /// Writes one of her previews into her network, in one transaction: plans the file
    /// again on her contacts as they are, creates the new contacts (unclassified, carrying
    /// the batch's id), updates the ones that match, runs the rules once, and deletes the
    /// file. Refused when the batch is not a preview or has expired.
    pub async fn confirm_import(
        &self,
        user: UserId,
        id: Uuid,
        limits: &Limits,
    ) -> Result<ImportBatch, StoreError> {
        let now = crate::now();
        self.write_for(user, now, async |txn, _| {
            let model = her_batch(txn, user, id).await?;
            check_pending(&to_batch(model.clone())?, now)?;
            let parsed = reparse(&model, limits)?;
            let existing = her_contacts(txn, user).await?;
            let planned = herlead_import::plan(&parsed.rows, &existing, now, Uuid::now_v7);
            let (mut created, mut unchanged) = (Vec::new(), 0usize);
            let mut restore = Vec::new();
            for row in planned {
                match row.planned {
                    Planned::New(c) => created.push(*c),
                    Planned::Unchanged { .. } => unchanged += 1,
                    Planned::Update {
                        before,
                        after,
                        changed,
                        ..
                    } => {
                        update_details(txn, user, &after, now).await?;
                        restore.push(Restore {
                            id: after.id,
                            changed: changed.iter().map(|f| (*f).to_owned()).collect(),
                            before: Details::of(&before),
                            after: Details::of(&after),
                        });
                    }
                }
            }
            for chunk in created.chunks(200) {
                contact::Entity::insert_many(chunk.iter().map(|c| {
                    let mut m = contact_model(user, c, Stage::Identified, now);
                    m.import_id = Set(Some(id));
                    m
                }))
                .exec_without_returning(txn)
                .await?;
            }
            let confirmed = import_batch::ActiveModel {
                id: Set(id),
                status: Set(ImportStatus::Confirmed.as_str().to_owned()),
                content: Set(None),
                created: Set(count(created.len())),
                updated: Set(count(restore.len())),
                unchanged: Set(count(unchanged)),
                restore: Set(Some(json_text(&restore))),
                confirmed_at: Set(Some(crate::db_time(now))),
                ..Default::default()
            };
            let stored = import_batch::Entity::update(confirmed).exec(txn).await?;
            // One evaluation of the rules for the whole batch.
            derived::rebuild(txn, user).await?;
            to_batch(stored)
        })
        .await
    }

    /// Undoes one of her confirmed batches: deletes the contacts it created and puts back
    /// what it changed on the others (a field she has edited since is left as she made it).
    /// Refused while any contact it created has a give, an ask or a meeting recorded with
    /// it: undoing would delete those too.
    pub async fn undo_import(&self, user: UserId, id: Uuid) -> Result<ImportBatch, StoreError> {
        let now = crate::now();
        self.write_for(user, now, async |txn, _| {
            let model = her_batch(txn, user, id).await?;
            let batch = to_batch(model.clone())?;
            if batch.status != ImportStatus::Confirmed {
                return Err(refused(match batch.status {
                    ImportStatus::Preview => "this import was never confirmed; discard it instead",
                    _ => "this import has already been undone",
                }));
            }
            let created: Vec<Uuid> = contact::Entity::find()
                .select_only()
                .column(contact::Column::Id)
                .filter(contact::Column::UserId.eq(user.0))
                .filter(contact::Column::ImportId.eq(id))
                .into_tuple()
                .all(txn)
                .await?;
            // The contacts of the batch she has recorded something with.
            let mut used: std::collections::HashSet<Uuid> = std::collections::HashSet::new();
            for chunk in created.chunks(500) {
                let with_interactions: Vec<Uuid> = interaction::Entity::find()
                    .select_only()
                    .column(interaction::Column::ContactId)
                    .filter(interaction::Column::ContactId.is_in(chunk.to_vec()))
                    .distinct()
                    .into_tuple()
                    .all(txn)
                    .await?;
                let at_meetings: Vec<Uuid> = meeting_attendee::Entity::find()
                    .select_only()
                    .column(meeting_attendee::Column::ContactId)
                    .filter(meeting_attendee::Column::ContactId.is_in(chunk.to_vec()))
                    .distinct()
                    .into_tuple()
                    .all(txn)
                    .await?;
                used.extend(with_interactions);
                used.extend(at_meetings);
            }
            if !used.is_empty() {
                let n = used.len();
                let whom = if n == 1 {
                    "1 contact"
                } else {
                    &format!("{n} contacts")
                };
                return Err(refused(format!(
                    "{whom} this import created already have gives, asks or meetings recorded \
                     with them, which undoing it would delete; delete those contacts yourself \
                     first, or keep the import"
                )));
            }
            for chunk in created.chunks(500) {
                contact::Entity::delete_many()
                    .filter(contact::Column::UserId.eq(user.0))
                    .filter(contact::Column::Id.is_in(chunk.to_vec()))
                    .exec(txn)
                    .await?;
            }
            let restores: Vec<Restore> = match model.restore.as_deref() {
                Some(text) => serde_json::from_str(text)
                    .map_err(|e| StoreError::Corrupt(format!("import {id}: {e}")))?,
                None => Vec::new(),
            };
            let mut theirs: HashMap<Uuid, Contact> = HashMap::new();
            for chunk in restores.chunks(500) {
                let ids: Vec<Uuid> = chunk.iter().map(|r| r.id).collect();
                for m in contact::Entity::find()
                    .filter(contact::Column::UserId.eq(user.0))
                    .filter(contact::Column::Id.is_in(ids))
                    .all(txn)
                    .await?
                {
                    let (c, _) = to_contact(m)?;
                    theirs.insert(c.id, c);
                }
            }
            for r in &restores {
                // A contact she has deleted since stays deleted.
                let Some(mut c) = theirs.remove(&r.id) else {
                    continue;
                };
                let now_details = Details::of(&c);
                let mut touched = false;
                for field in &r.changed {
                    if now_details.same(field, &r.after) {
                        r.before.restore(field, &mut c);
                        touched = true;
                    }
                }
                if touched {
                    update_details(txn, user, &c, now).await?;
                }
            }
            let undone = import_batch::ActiveModel {
                id: Set(id),
                status: Set(ImportStatus::Undone.as_str().to_owned()),
                restore: Set(None),
                undone_at: Set(Some(crate::db_time(now))),
                ..Default::default()
            };
            let stored = import_batch::Entity::update(undone).exec(txn).await?;
            derived::rebuild(txn, user).await?;
            to_batch(stored)
        })
        .await
    }
}

/// One of her batches; `NOT_FOUND` for anybody else's, as for one that does not exist.
async fn her_batch(
    db: &impl sea_orm::ConnectionTrait,
    user: UserId,
    id: Uuid,
) -> Result<import_batch::Model, StoreError> {
    import_batch::Entity::find_by_id(id)
        .filter(import_batch::Column::UserId.eq(user.0))
        .one(db)
        .await?
        .ok_or_else(not_found)
}

fn check_pending(batch: &ImportBatch, now: DateTime<Utc>) -> Result<(), StoreError> {
    match batch.status {
        ImportStatus::Preview if batch.expires_at().is_some_and(|at| at <= now) => {
            Err(refused("this preview has expired; upload the file again"))
        }
        ImportStatus::Preview => Ok(()),
        ImportStatus::Confirmed => Err(refused("this import has already been confirmed")),
        ImportStatus::Undone => Err(refused(
            "this import has been undone; upload the file again",
        )),
    }
}

/// Writes the details an import changes (and only those) on one of her contacts.
async fn update_details(
    txn: &impl sea_orm::ConnectionTrait,
    user: UserId,
    c: &Contact,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    contact::Entity::update_many()
        .col_expr(
            contact::Column::Emails,
            Expr::value(json_text(
                &c.emails.iter().map(Email::as_str).collect::<Vec<_>>(),
            )),
        )
        .col_expr(
            contact::Column::Links,
            Expr::value(json_text(
                &c.links.iter().map(HttpUrl::as_str).collect::<Vec<_>>(),
            )),
        )
        .col_expr(contact::Column::Tags, Expr::value(json_text(&c.tags)))
        .col_expr(
            contact::Column::Company,
            Expr::value(c.company.as_deref().map(str::to_owned)),
        )
        .col_expr(
            contact::Column::JobTitle,
            Expr::value(c.job_title.as_deref().map(str::to_owned)),
        )
        .col_expr(contact::Column::ConnectedOn, Expr::value(c.connected_on))
        .col_expr(contact::Column::UpdatedAt, Expr::value(now))
        .filter(contact::Column::Id.eq(c.id))
        .filter(contact::Column::UserId.eq(user.0))
        .exec(txn)
        .await?;
    Ok(())
}
