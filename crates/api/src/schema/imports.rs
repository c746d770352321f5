//! Her network in: she uploads a contact file (LinkedIn `Connections.csv`, vCard, Google
//! Contacts CSV) with the GraphQL multipart request spec, looks at the preview (rows read,
//! rows rejected with their line and reason, contacts that match ones she has with what they
//! would change, new contacts), then confirms it, discards it, or later undoes it.

use std::collections::HashMap;

use async_graphql::{
    Context, Enum, ID, InputValueError, InputValueResult, Object, Scalar, ScalarType, SimpleObject,
    Value,
};
use chrono::{DateTime, NaiveDate, Utc};
use herlead_core::network::{Scope, Sector};
use herlead_import::{Format, ImportedContact, MatchKey, Planned, PlannedRow};
use herlead_store::{ImportBatch, ImportPreview};

use crate::{ApiError, error::Result};

use super::{
    common::{gid, invalid, parse_id, store, viewer},
    network::{SectorSuggestion, suggest_sector},
};

/// The most rows or rejections one page of a preview shows.
const ROWS_PAGE_MAX: i32 = 500;
/// The most batches `imports` lists.
const BATCHES_MAX: i32 = 100;
/// The longest file name kept, in characters.
const FILE_NAME_MAX: usize = 255;

/// A file sent with the request, per the GraphQL multipart request spec: the variable is
/// `null` in `operations` and the `map` part points it at a file part.
///
/// (async-graphql's own `Upload` scalar panics on a variable that names no file, so this one
/// answers a validation error instead.)
pub struct FileUpload(Option<usize>);

const FILE_PREFIX: &str = "#__graphql_file__:";

#[Scalar(
    name = "Upload",
    specified_by_url = "https://github.com/jaydenseric/graphql-multipart-request-spec"
)]
impl ScalarType for FileUpload {
    fn parse(value: Value) -> InputValueResult<Self> {
        match &value {
            Value::String(s) => Ok(FileUpload(
                s.strip_prefix(FILE_PREFIX).and_then(|n| n.parse().ok()),
            )),
            _ => Err(InputValueError::expected_type(value)),
        }
    }

    fn is_valid(value: &Value) -> bool {
        matches!(value, Value::String(_))
    }

    fn to_value(&self) -> Value {
        Value::Null
    }
}

impl FileUpload {
    /// The file's name and bytes.
    fn take(&self, ctx: &Context<'_>) -> Result<(Option<String>, Vec<u8>)> {
        let file = self
            .0
            .and_then(|n| ctx.query_env.uploads.get(n))
            .ok_or_else(|| {
                invalid(
                    "file",
                    "no file came with the request: send it as multipart/form-data \
                     (the GraphQL multipart request spec), with the map pointing at this variable",
                )
            })?;
        let name = file
            .filename
            .rsplit(['/', '\\'])
            .next()
            .map(str::trim)
            .filter(|n| !n.is_empty())
            .map(|n| n.chars().take(FILE_NAME_MAX).collect::<String>());
        Ok((name, file.content.to_vec()))
    }
}

/// The kinds of contact file an import reads.
#[derive(Enum, Clone, Copy, PartialEq, Eq, Debug)]
pub enum ImportFormat {
    /// LinkedIn's `Connections.csv` (Settings → Data privacy → Get a copy of your data).
    Linkedin,
    /// vCard 2.1, 3.0 or 4.0 (`.vcf`), as Apple Contacts, Google Contacts and Android write it.
    Vcard,
    /// Google Contacts' CSV export.
    GoogleCsv,
}

impl From<ImportFormat> for Format {
    fn from(f: ImportFormat) -> Format {
        match f {
            ImportFormat::Linkedin => Format::LinkedIn,
            ImportFormat::Vcard => Format::VCard,
            ImportFormat::GoogleCsv => Format::GoogleCsv,
        }
    }
}

impl From<Format> for ImportFormat {
    fn from(f: Format) -> ImportFormat {
        match f {
            Format::LinkedIn => ImportFormat::Linkedin,
            Format::VCard => ImportFormat::Vcard,
            Format::GoogleCsv => ImportFormat::GoogleCsv,
        }
    }
}

/// Where an import is.
#[derive(Enum, Clone, Copy, PartialEq, Eq, Debug)]
#[graphql(remote = "herlead_store::ImportStatus")]
pub enum ImportState {
    /// Uploaded: nothing of her network has changed yet.
    Preview,
    /// Written into her network.
    Confirmed,
    /// Confirmed, then undone.
    Undone,
}

/// What a row of the file does.
#[derive(Enum, Clone, Copy, PartialEq, Eq, Debug)]
pub enum ImportRowKind {
    /// A new contact.
    New,
    /// A contact she has, which the row adds to or changes.
    Update,
    /// A contact she has, which the row leaves as it is.
    Unchanged,
}

/// How a row was recognized as a contact she already has.
#[derive(Enum, Clone, Copy, PartialEq, Eq, Debug)]
#[graphql(remote = "MatchKey")]
pub enum ImportMatch {
    /// The same profile or page, once normalized.
    ProfileUrl,
    /// The same e-mail address.
    Email,
    /// The same name at the same company.
    NameAndCompany,
}

/// One contact file she uploaded.
pub struct ImportBatchView(ImportBatch);

#[Object(name = "ImportBatch")]
impl ImportBatchView {
    async fn id(&self) -> ID {
        gid(self.0.id)
    }
    /// The format it was read as.
    async fn format(&self) -> ImportFormat {
        self.0.format.into()
    }
    /// The file's name as uploaded.
    async fn file_name(&self) -> Option<&str> {
        self.0.file_name.as_deref()
    }
    /// Where it is.
    async fn status(&self) -> ImportState {
        self.0.status.into()
    }
    /// How the file's text was decoded: `UTF8`, `UTF8_BOM`, `UTF16` or `WINDOWS1252`.
    async fn encoding(&self) -> &str {
        &self.0.encoding
    }
    /// Rows (or cards) read.
    async fn parsed_rows(&self) -> i64 {
        self.0.parsed_rows.into()
    }
    /// Rows (or cards) that could not be read.
    async fn rejected_rows(&self) -> i64 {
        self.0.rejected_rows.into()
    }
    /// Contacts confirming created (0 before).
    async fn created(&self) -> i64 {
        self.0.created.into()
    }
    /// Contacts of hers confirming updated (0 before).
    async fn updated(&self) -> i64 {
        self.0.updated.into()
    }
    /// Contacts of hers the file named and confirming left as they were (0 before).
    async fn unchanged(&self) -> i64 {
        self.0.unchanged.into()
    }
    /// When it was uploaded.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    /// When it was confirmed.
    async fn confirmed_at(&self) -> Option<DateTime<Utc>> {
        self.0.confirmed_at
    }
    /// When it was undone.
    async fn undone_at(&self) -> Option<DateTime<Utc>> {
        self.0.undone_at
    }
    /// Until when a preview can be confirmed; null once it is not a preview.
    async fn expires_at(&self) -> Option<DateTime<Utc>> {
        self.0.expires_at()
    }
}

/// A value dropped from (or shortened in) a row.
#[derive(SimpleObject)]
pub struct ImportWarning {
    /// Which value: `email`, `link`, `company`, `position`, `connectedOn`, `tag`, `phone`,
    /// `sector`, `scope`.
    field: &'static str,
    /// A stable code: `BAD_EMAIL`, `BAD_URL`, `UNKNOWN_SERVICE`, `TRUNCATED`, `BAD_TEXT`,
    /// `BAD_DATE`, `TAG_TOO_LONG`, `BAD_TAG`, `TOO_MANY_TAGS`, `BAD_PHONE`, `BAD_SECTOR`,
    /// `BAD_SCOPE`.
    code: &'static str,
    /// The value as found in the file (at most 200 characters of it).
    value: String,
}

/// A row or card of the file that will not be imported.
#[derive(SimpleObject)]
pub struct ImportRejection {
    /// The line of the file it starts on (1-based).
    line: i64,
    /// A stable code: `NO_NAME`, `BAD_NAME`, `FIELD_TOO_LONG`, `UNBALANCED_QUOTES`, `BAD_CSV`.
    code: &'static str,
    /// What is wrong.
    reason: String,
}

/// What one contact of the file would do. Two rows of the file that are the same person are
/// one contact, shown on the first row that names it.
#[derive(SimpleObject)]
pub struct ImportRow {
    /// The line of the file the row starts on (1-based).
    line: i64,
    /// New, an update of a contact she has, or a contact she has left as it is.
    kind: ImportRowKind,
    /// Her contact it matched (not for new contacts).
    contact_id: Option<ID>,
    /// How it matched.
    matched_by: Option<ImportMatch>,
    /// The fields an update changes: `emails`, `links`, `tags`, `company`, `jobTitle`,
    /// `connectedOn`.
    changes: Vec<&'static str>,
    /// The name (of her contact, when it matched one).
    name: String,
    /// The e-mail addresses the contact will have.
    emails: Vec<String>,
    /// The links the contact will have.
    links: Vec<String>,
    /// Where they work.
    company: Option<String>,
    /// Their job title.
    job_title: Option<String>,
    /// The day she connected with them.
    connected_on: Option<NaiveDate>,
    /// Tags (labels and groups in the file).
    tags: Vec<String>,
    /// The sector the contact will have: hers for one she has, the file's for a new one
    /// from a HerLead export (`X-HERLEAD-SECTOR`, `HerLead Sector`), else null.
    sector: Option<Sector>,
    /// The scope the contact will have, like `sector`.
    scope: Option<Scope>,
    /// The sector their company or job title suggests, for an unclassified contact.
    suggested_sector: Option<SectorSuggestion>,
    /// What was dropped from the row.
    warnings: Vec<ImportWarning>,
}

fn kind_of(p: &Planned) -> ImportRowKind {
    match p {
        Planned::New(_) => ImportRowKind::New,
        Planned::Update { .. } => ImportRowKind::Update,
        Planned::Unchanged { .. } => ImportRowKind::Unchanged,
    }
}

fn row_view(row: &PlannedRow, read: Option<&ImportedContact>) -> ImportRow {
    let warnings = read
        .map(|r| {
            r.warnings
                .iter()
                .map(|w| ImportWarning {
                    field: w.field,
                    code: w.code,
                    value: w.value.clone(),
                })
                .collect()
        })
        .unwrap_or_default();
    let kind = kind_of(&row.planned);
    let (contact, matched_by, changes) = match &row.planned {
        Planned::New(c) => (Some(c.as_ref()), None, Vec::new()),
        Planned::Update {
            after, by, changed, ..
        } => (Some(after.as_ref()), Some(*by), changed.clone()),
        Planned::Unchanged { by, .. } => (None, Some(*by), Vec::new()),
    };
    let contact_id = match &row.planned {
        Planned::New(_) => None,
        Planned::Update { before, .. } => Some(gid(before.id)),
        Planned::Unchanged { contact, .. } => Some(gid(*contact)),
    };
    let (sector, scope) = contact.map_or((None, None), |c| (c.sector, c.scope));
    let (name, emails, links, company, job_title, connected_on, tags, sector_set) = match contact {
        Some(c) => (
            c.name.as_str().to_owned(),
            c.emails.iter().map(|e| e.as_str().to_owned()).collect(),
            c.links.iter().map(|l| l.as_str().to_owned()).collect(),
            c.company.as_deref().map(str::to_owned),
            c.job_title.as_deref().map(str::to_owned),
            c.connected_on,
            c.tags.clone(),
            c.sector.is_some(),
        ),
        None => match read {
            Some(r) => (
                r.name.as_str().to_owned(),
                r.emails.iter().map(|e| e.as_str().to_owned()).collect(),
                r.links.iter().map(|l| l.as_str().to_owned()).collect(),
                r.company.clone(),
                r.position.clone(),
                r.connected_on,
                r.tags.clone(),
                false,
            ),
            None => Default::default(),
        },
    };
    let suggested_sector = if sector_set || kind == ImportRowKind::Unchanged {
        None
    } else {
        suggest_sector(company.as_deref(), job_title.as_deref())
    };
    ImportRow {
        line: i64::try_from(row.line).unwrap_or(i64::MAX),
        kind,
        contact_id,
        matched_by: matched_by.map(MatchKey::into),
        changes,
        name,
        emails,
        links,
        company,
        job_title,
        connected_on,
        tags,
        sector,
        scope,
        suggested_sector,
        warnings,
    }
}

/// What confirming an uploaded file would do, computed on her contacts as they are now.
pub struct ImportPreviewView(ImportPreview);

fn window(offset: i32, first: i32) -> Result<(usize, usize)> {
    if offset < 0 {
        return Err(invalid("offset", "the offset cannot be negative"));
    }
    if !(0..=ROWS_PAGE_MAX).contains(&first) {
        return Err(invalid(
            "first",
            &format!("a page holds 0 to {ROWS_PAGE_MAX} rows"),
        ));
    }
    Ok((
        usize::try_from(offset).unwrap_or(0),
        usize::try_from(first).unwrap_or(0),
    ))
}

#[Object(name = "ImportPreview")]
impl ImportPreviewView {
    /// The batch; confirm it with `confirmImport(importId: batch.id)`.
    async fn batch(&self) -> ImportBatchView {
        ImportBatchView(self.0.batch.clone())
    }
    /// Contacts confirming would create.
    async fn new_contacts(&self) -> i64 {
        self.count(ImportRowKind::New)
    }
    /// Contacts of hers confirming would update.
    async fn updates(&self) -> i64 {
        self.count(ImportRowKind::Update)
    }
    /// Contacts of hers the file names and confirming would leave as they are.
    async fn unchanged(&self) -> i64 {
        self.count(ImportRowKind::Unchanged)
    }
    /// Rows (or cards) that will not be imported.
    async fn rejected_rows(&self) -> i64 {
        i64::try_from(self.0.parsed.rejected.len()).unwrap_or(i64::MAX)
    }
    /// The contacts of the file in file order, `first` (at most 500) from `offset`; only
    /// those of `kind` when given.
    #[graphql(complexity = "usize::try_from(first).unwrap_or(0).clamp(1, 500) + child_complexity")]
    async fn rows(
        &self,
        kind: Option<ImportRowKind>,
        #[graphql(default = 0)] offset: i32,
        #[graphql(default = 100)] first: i32,
    ) -> Result<Vec<ImportRow>> {
        let (offset, first) = window(offset, first)?;
        let read: HashMap<u64, &ImportedContact> =
            self.0.parsed.rows.iter().map(|r| (r.line, r)).collect();
        Ok(self
            .0
            .planned
            .iter()
            .filter(|p| kind.is_none_or(|k| kind_of(&p.planned) == k))
            .skip(offset)
            .take(first)
            .map(|p| row_view(p, read.get(&p.line).copied()))
            .collect())
    }
    /// The rows that will not be imported, in file order, `first` (at most 500) from `offset`.
    #[graphql(complexity = "usize::try_from(first).unwrap_or(0).clamp(1, 500) + child_complexity")]
    async fn rejected(
        &self,
        #[graphql(default = 0)] offset: i32,
        #[graphql(default = 100)] first: i32,
    ) -> Result<Vec<ImportRejection>> {
        let (offset, first) = window(offset, first)?;
        Ok(self
            .0
            .parsed
            .rejected
            .iter()
            .skip(offset)
            .take(first)
            .map(|r| ImportRejection {
                line: i64::try_from(r.line).unwrap_or(i64::MAX),
                code: r.code,
                reason: r.reason.clone(),
            })
            .collect())
    }
}

impl ImportPreviewView {
    fn count(&self, kind: ImportRowKind) -> i64 {
        let n = self
            .0
            .planned
            .iter()
            .filter(|p| kind_of(&p.planned) == kind)
            .count();
        i64::try_from(n).unwrap_or(i64::MAX)
    }
}

fn import_limits<'a>(ctx: &Context<'a>) -> herlead_import::Limits {
    ctx.data_opt::<herlead_import::Limits>()
        .copied()
        .unwrap_or_default()
}

fn file_error(err: herlead_import::ImportError) -> ApiError {
    ApiError::File {
        reason: err.code(),
        message: err.to_string(),
    }
}

/// Import queries.
#[derive(Debug, Default)]
pub struct ImportsQuery;

#[Object]
impl ImportsQuery {
    /// Her uploaded contact files, newest first (at most 100).
    async fn imports(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 20)] first: i32,
    ) -> Result<Vec<ImportBatchView>> {
        let v = viewer(ctx)?;
        if !(0..=BATCHES_MAX).contains(&first) {
            return Err(invalid(
                "first",
                &format!("list 0 to {BATCHES_MAX} imports"),
            ));
        }
        let limit = u64::try_from(first).unwrap_or(0);
        Ok(store(ctx)
            .import_batches(v.user_id, limit)
            .await?
            .into_iter()
            .map(ImportBatchView)
            .collect())
    }

    /// What confirming one of her previews would do now (her contacts may have changed
    /// since she uploaded it). CONFLICT when the batch is no longer a preview.
    async fn import_preview(&self, ctx: &Context<'_>, import_id: ID) -> Result<ImportPreviewView> {
        let v = viewer(ctx)?;
        let id = parse_id("importId", &import_id)?;
        let preview = store(ctx)
            .import_preview(v.user_id, id, &import_limits(ctx))
            .await?;
        Ok(ImportPreviewView(preview))
    }
}

/// Import mutations.
#[derive(Debug, Default)]
pub struct ImportsMutation;

#[Object]
impl ImportsMutation {
    /// Reads a contact file (sent as a multipart upload) and answers what importing it would
    /// do. Nothing of her network changes until `confirmImport`. Without `format`, the
    /// format is recognized from the file's first lines. A file that cannot be read at all
    /// (too large, too many rows, empty, binary, no header, no cards) is a VALIDATION error
    /// on `file` whose `extensions.reason` says which; a row that cannot be read is listed in
    /// `rejected` with its line.
    async fn preview_import(
        &self,
        ctx: &Context<'_>,
        file: FileUpload,
        format: Option<ImportFormat>,
    ) -> Result<ImportPreviewView> {
        let v = viewer(ctx)?;
        let (name, bytes) = file.take(ctx)?;
        let limits = import_limits(ctx);
        let format = match format {
            Some(f) => Format::from(f),
            None => Format::detect(&bytes).ok_or_else(|| {
                // An empty, binary or oversized file says so rather than asking for a format.
                if let Err(e) = herlead_import::check(&bytes, &limits) {
                    return file_error(e);
                }
                invalid(
                    "format",
                    "this file is not recognizable as a LinkedIn, vCard or Google Contacts \
                     export; name its format",
                )
            })?,
        };
        let parsed = herlead_import::parse(&bytes, format, &limits).map_err(file_error)?;
        let preview = store(ctx)
            .stage_import(v.user_id, name, bytes, parsed)
            .await?;
        Ok(ImportPreviewView(preview))
    }

    /// Writes one of her previews into her network, in one transaction: new contacts are
    /// created without a sector or scope (classify them with `classifyContacts`; their
    /// `suggestedSector` helps), contacts she has gain what the file adds. Importing the same
    /// file again creates nothing. CONFLICT when the batch is not a preview or has expired.
    async fn confirm_import(&self, ctx: &Context<'_>, import_id: ID) -> Result<ImportBatchView> {
        let v = viewer(ctx)?;
        let id = parse_id("importId", &import_id)?;
        let batch = store(ctx)
            .confirm_import(v.user_id, id, &import_limits(ctx))
            .await?;
        Ok(ImportBatchView(batch))
    }

    /// Undoes a confirmed import: deletes the contacts it created and puts back what it
    /// changed on the others (a field she has edited since stays as she made it). CONFLICT
    /// while a contact it created has a give, an ask or a meeting recorded with it.
    async fn undo_import(&self, ctx: &Context<'_>, import_id: ID) -> Result<ImportBatchView> {
        let v = viewer(ctx)?;
        let id = parse_id("importId", &import_id)?;
        Ok(ImportBatchView(
            store(ctx).undo_import(v.user_id, id).await?,
        ))
    }

    /// Discards one of her previews and its file. Answers the id; NOT_FOUND when she has no
    /// such preview.
    async fn discard_import(&self, ctx: &Context<'_>, import_id: ID) -> Result<ID> {
        let v = viewer(ctx)?;
        let id = parse_id("importId", &import_id)?;
        if store(ctx).discard_import(v.user_id, id).await? {
            Ok(import_id)
        } else {
            Err(ApiError::not_found("import", "importId"))
        }
    }
}
