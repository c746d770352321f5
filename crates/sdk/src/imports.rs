//! Her network in and her data out: contact files imported through a preview she confirms
//! (or discards, or later undoes), imported contacts classified in bulk, and her data exported.

use std::time::SystemTime;

use serde::{Deserialize, Serialize, de::IgnoredAny};

use crate::{
    HerLeadError,
    client::{HerLeadClient, Upload},
    operations::{self as op, IdVars},
    types::{Scope, Sector, SectorSuggestion, rfc3339},
};

/// The kinds of contact file an import reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, uniffi::Enum)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ImportFormat {
    /// LinkedIn's `Connections.csv` (Settings → Data privacy → Get a copy of your data).
    Linkedin,
    /// vCard 2.1, 3.0 or 4.0 (`.vcf`), as Apple Contacts, Google Contacts and Android write it.
    Vcard,
    /// Google Contacts' CSV export.
    GoogleCsv,
}

impl ImportFormat {
    /// The file name sent with the upload, which the batch shows as `file_name`.
    fn file_name(self) -> &'static str {
        match self {
            Self::Linkedin => "Connections.csv",
            Self::Vcard => "contacts.vcf",
            Self::GoogleCsv => "contacts.csv",
        }
    }
}

/// Where an import is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, uniffi::Enum)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ImportState {
    /// Uploaded: nothing of her network has changed yet.
    Preview,
    /// Written into her network.
    Confirmed,
    /// Confirmed, then undone.
    Undone,
}

/// What a row of the file does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, uniffi::Enum)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ImportRowKind {
    /// A new contact.
    New,
    /// A contact she has, which the row adds to or changes.
    Update,
    /// A contact she has, which the row leaves as it is.
    Unchanged,
}

/// How a row was recognized as a contact she already has.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, uniffi::Enum)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ImportMatch {
    /// The same profile or page, once normalized.
    ProfileUrl,
    /// The same e-mail address.
    Email,
    /// The same name at the same company.
    NameAndCompany,
}

/// What `export_my_data` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, uniffi::Enum)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ExportFormat {
    /// Everything she recorded, as one versioned JSON document (`docs/export-format.md`).
    Json,
    /// Her contacts as vCard 4.0 (RFC 6350).
    Vcard,
    /// Her contacts as CSV (UTF-8, one row per contact).
    Csv,
}

/// One uploaded contact file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, uniffi::Record)]
#[serde(rename_all = "camelCase")]
pub struct ImportBatch {
    /// Stable id: pass it to `confirm_import`, `undo_import` or `discard_import`.
    pub id: String,
    /// The format it was read as.
    pub format: ImportFormat,
    /// The file's name as uploaded.
    pub file_name: Option<String>,
    /// Where it is.
    pub status: ImportState,
    /// How the file's text was decoded: `UTF8`, `UTF8_BOM`, `UTF16` or `WINDOWS1252`.
    pub encoding: String,
    /// Rows (or cards) read.
    pub parsed_rows: i32,
    /// Rows (or cards) that could not be read.
    pub rejected_rows: i32,
    /// Contacts confirming created (0 before).
    pub created: i32,
    /// Contacts of hers confirming updated (0 before).
    pub updated: i32,
    /// Contacts of hers the file named and confirming left as they were (0 before).
    pub unchanged: i32,
    /// When it was uploaded.
    #[serde(with = "rfc3339")]
    pub created_at: SystemTime,
    /// When it was confirmed.
    #[serde(default, with = "rfc3339::option")]
    pub confirmed_at: Option<SystemTime>,
    /// When it was undone.
    #[serde(default, with = "rfc3339::option")]
    pub undone_at: Option<SystemTime>,
    /// Until when a preview can be confirmed; `None` once it is not a preview.
    #[serde(default, with = "rfc3339::option")]
    pub expires_at: Option<SystemTime>,
}

/// A value dropped from (or shortened in) a row.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, uniffi::Record)]
#[serde(rename_all = "camelCase")]
pub struct ImportWarning {
    /// Which value: `email`, `link`, `company`, `position`, `connectedOn`, `tag`, `phone`.
    pub field: String,
    /// A stable code such as `BAD_EMAIL`, `BAD_URL` or `TRUNCATED`.
    pub code: String,
    /// The value as found in the file (at most 200 characters of it).
    pub value: String,
}

/// What one contact of the file would do.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, uniffi::Record)]
#[serde(rename_all = "camelCase")]
pub struct ImportRow {
    /// The line of the file the row starts on (1-based).
    pub line: i32,
    /// New, an update of a contact she has, or one she has left as it is.
    pub kind: ImportRowKind,
    /// Her contact it matched (not for new contacts).
    pub contact_id: Option<String>,
    /// How it matched.
    pub matched_by: Option<ImportMatch>,
    /// The fields an update changes: `emails`, `links`, `tags`, `company`, `jobTitle`,
    /// `connectedOn`.
    pub changes: Vec<String>,
    /// The name (of her contact, when it matched one).
    pub name: String,
    /// The e-mail addresses the contact will have.
    pub emails: Vec<String>,
    /// The links the contact will have.
    pub links: Vec<String>,
    /// Where they work.
    pub company: Option<String>,
    /// Their job title.
    pub job_title: Option<String>,
    /// The day she connected with them, as `YYYY-MM-DD`.
    pub connected_on: Option<String>,
    /// Tags (labels and groups in the file).
    pub tags: Vec<String>,
    /// The sector their company or job title suggests.
    pub suggested_sector: Option<SectorSuggestion>,
    /// What was dropped from the row.
    pub warnings: Vec<ImportWarning>,
}

/// A row or card of the file that will not be imported.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, uniffi::Record)]
#[serde(rename_all = "camelCase")]
pub struct ImportRejection {
    /// The line of the file it starts on (1-based).
    pub line: i32,
    /// A stable code: `NO_NAME`, `BAD_NAME`, `FIELD_TOO_LONG`, `UNBALANCED_QUOTES`, `BAD_CSV`.
    pub code: String,
    /// What is wrong.
    pub reason: String,
}

/// What importing a file would do; nothing of her network has changed yet.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, uniffi::Record)]
#[serde(rename_all = "camelCase")]
pub struct ImportPreview {
    /// The batch; confirm it with `confirm_import(batch.id)`.
    pub batch: ImportBatch,
    /// Contacts confirming would create.
    pub new_contacts: i32,
    /// Contacts of hers confirming would update.
    pub updates: i32,
    /// Contacts of hers the file names and confirming would leave as they are.
    pub unchanged: i32,
    /// Rows (or cards) that will not be imported.
    pub rejected_rows: i32,
    /// One page of the file's contacts, in file order.
    pub rows: Vec<ImportRow>,
    /// One page of the rows that will not be imported, in file order.
    pub rejected: Vec<ImportRejection>,
}

/// A sector and scope for one of her contacts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, uniffi::Record)]
#[serde(rename_all = "camelCase")]
pub struct ContactClassification {
    /// One of her contacts.
    pub contact_id: String,
    /// Where they have influence.
    pub sector: Sector,
    /// How far it reaches.
    pub scope: Scope,
}

// The documents, built at compile time from the fields they share; each is listed in
// `operations::ALL`, so the schema check covers them like every other document.
macro_rules! batch_fields {
    () => {
        "id format fileName status encoding parsedRows rejectedRows created updated unchanged createdAt confirmedAt undoneAt expiresAt"
    };
}
macro_rules! preview_fields {
    () => {
        concat!(
            "batch { ",
            batch_fields!(),
            " } newContacts updates unchanged rejectedRows rows(kind: $kind, offset: $offset, first: $first) { line kind contactId matchedBy changes name emails links company jobTitle connectedOn tags suggestedSector { sector field matched rule } warnings { field code value } } rejected(offset: $offset, first: $first) { line code reason }"
        )
    };
}

pub(crate) const PREVIEW_IMPORT: &str = concat!(
    "mutation PreviewImport($file: Upload!, $format: ImportFormat, $kind: ImportRowKind, $offset: Int!, $first: Int!) { previewImport(file: $file, format: $format) { ",
    preview_fields!(),
    " } }"
);
pub(crate) const IMPORT_PREVIEW: &str = concat!(
    "query ImportPreview($id: ID!, $kind: ImportRowKind, $offset: Int!, $first: Int!) { importPreview(importId: $id) { ",
    preview_fields!(),
    " } }"
);
pub(crate) const CONFIRM_IMPORT: &str = concat!(
    "mutation ConfirmImport($id: ID!) { confirmImport(importId: $id) { ",
    batch_fields!(),
    " } }"
);
pub(crate) const UNDO_IMPORT: &str = concat!(
    "mutation UndoImport($id: ID!) { undoImport(importId: $id) { ",
    batch_fields!(),
    " } }"
);
pub(crate) const DISCARD_IMPORT: &str =
    "mutation DiscardImport($id: ID!) { discardImport(importId: $id) }";
pub(crate) const IMPORTS: &str = concat!(
    "query Imports($first: Int!) { imports(first: $first) { ",
    batch_fields!(),
    " } }"
);
pub(crate) const CLASSIFY_CONTACTS: &str =
    "mutation ClassifyContacts($i: [ContactClassificationInput!]!) { classifyContacts(input: $i) }";
pub(crate) const EXPORT_MY_DATA: &str =
    "query ExportMyData($format: ExportFormat!) { exportMyData(format: $format) }";

/// How many preview rows and rejections the first answer carries.
const FIRST_PAGE: i32 = 100;

#[derive(Serialize)]
struct PreviewImportVars {
    /// Null in the JSON; the multipart map puts the file here.
    file: Option<()>,
    format: Option<ImportFormat>,
    kind: Option<ImportRowKind>,
    offset: i32,
    first: i32,
}

#[derive(Serialize)]
struct ImportPreviewVars {
    id: String,
    kind: Option<ImportRowKind>,
    offset: i32,
    first: i32,
}

#[derive(Serialize)]
struct ImportsVars {
    first: i32,
}

#[derive(Serialize)]
struct ExportVars {
    format: ExportFormat,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct PreviewImported {
    preview_import: ImportPreview,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct PreviewRead {
    import_preview: ImportPreview,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Confirmed {
    confirm_import: ImportBatch,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Undone {
    undo_import: ImportBatch,
}

#[derive(Deserialize)]
struct Batches {
    imports: Vec<ImportBatch>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Classified {
    classify_contacts: i32,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Exported {
    export_my_data: String,
}

#[uniffi::export(async_runtime = "tokio")]
impl HerLeadClient {
    /// Uploads a contact file (LinkedIn's `Connections.csv`, a `.vcf`, Google Contacts' CSV)
    /// and answers what importing it would do, with the first 100 rows and rejections.
    /// Nothing of her network changes until `confirm_import`. Without `format` the server
    /// recognizes the file; a file it cannot read is `Validation` on `file` (too large, empty,
    /// binary, no header it knows).
    pub async fn import_contacts(
        &self,
        contents: Vec<u8>,
        format: Option<ImportFormat>,
    ) -> Result<ImportPreview, HerLeadError> {
        let vars = PreviewImportVars {
            file: None,
            format,
            kind: None,
            offset: 0,
            first: FIRST_PAGE,
        };
        let upload = Upload {
            variable: "file",
            file_name: format.map_or("contacts", ImportFormat::file_name),
            contents: &contents,
        };
        let data: PreviewImported = self.execute_upload(PREVIEW_IMPORT, &vars, upload).await?;
        Ok(data.preview_import)
    }

    /// A page of one of her previews: `first` (at most 500) rows from `offset`, only those of
    /// `kind` when given, and the rejections from the same offset.
    pub async fn import_preview(
        &self,
        import_id: String,
        kind: Option<ImportRowKind>,
        offset: i32,
        first: i32,
    ) -> Result<ImportPreview, HerLeadError> {
        let vars = ImportPreviewVars {
            id: import_id,
            kind,
            offset,
            first,
        };
        let data: PreviewRead = self.execute(IMPORT_PREVIEW, &vars, true).await?;
        Ok(data.import_preview)
    }

    /// Writes a preview into her network in one transaction. New contacts have no sector or
    /// scope yet: classify them with `classify_contacts`. `Conflict` when the batch is no
    /// longer a preview or has expired.
    pub async fn confirm_import(&self, import_id: String) -> Result<ImportBatch, HerLeadError> {
        let vars = IdVars { id: import_id };
        let data: Confirmed = self.execute(CONFIRM_IMPORT, &vars, true).await?;
        Ok(data.confirm_import)
    }

    /// Undoes a confirmed import as a whole. `Conflict` once a contact it created has gives,
    /// asks or meetings logged.
    pub async fn undo_import(&self, import_id: String) -> Result<ImportBatch, HerLeadError> {
        let vars = IdVars { id: import_id };
        let data: Undone = self.execute(UNDO_IMPORT, &vars, true).await?;
        Ok(data.undo_import)
    }

    /// Forgets a preview she will not confirm.
    pub async fn discard_import(&self, import_id: String) -> Result<(), HerLeadError> {
        let vars = IdVars { id: import_id };
        let _: IgnoredAny = self.execute(DISCARD_IMPORT, &vars, true).await?;
        Ok(())
    }

    /// Her imports, newest first (`first` up to 100).
    pub async fn imports(&self, first: i32) -> Result<Vec<ImportBatch>, HerLeadError> {
        let vars = ImportsVars { first };
        let data: Batches = self.execute(IMPORTS, &vars, true).await?;
        Ok(data.imports)
    }

    /// Sets the sector and scope of up to 500 of her contacts at once, in one transaction
    /// (every id must be hers or nothing changes); answers how many changed.
    pub async fn classify_contacts(
        &self,
        classifications: Vec<ContactClassification>,
    ) -> Result<i32, HerLeadError> {
        let vars = op::InputVars { i: classifications };
        let data: Classified = self.execute(CLASSIFY_CONTACTS, &vars, true).await?;
        Ok(data.classify_contacts)
    }

    /// Everything she recorded (`Json`), or her contacts as vCard 4.0 or CSV, as the text of
    /// one file to save. A `Vcard` or `Csv` export imports back with `import_contacts`.
    pub async fn export_my_data(&self, format: ExportFormat) -> Result<String, HerLeadError> {
        let vars = ExportVars { format };
        let data: Exported = self.execute(EXPORT_MY_DATA, &vars, true).await?;
        Ok(data.export_my_data)
    }
}
