//! The coach dashboard as CSV, for spreadsheets. Transport-free: the server serves it over
//! HTTP with the caller's bearer token.

use chrono::Utc;
use herlead_core::{Role, cohort::SharingLevel};
use herlead_store::Store;
use uuid::Uuid;

use crate::{ApiError, Authenticator, dashboard};

/// Cells a spreadsheet would run as a formula start with one of these; such cells get a
/// leading apostrophe (OWASP's CSV injection advice).
const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// Neutralizes a cell a spreadsheet could read as a formula.
pub fn spreadsheet_safe(cell: &str) -> String {
    if cell.starts_with(FORMULA_STARTS) {
        format!("'{cell}")
    } else {
        cell.to_owned()
    }
}

/// The dashboard of cohort `cohort_id` as UTF-8 CSV (with a byte-order mark so spreadsheet
/// programs pick the encoding), for the coach holding `authorization`. Anyone else gets
/// UNAUTHENTICATED (no or bad token) or NOT_FOUND (not her cohort).
pub async fn dashboard_csv(
    store: &Store,
    auth: &Authenticator,
    authorization: Option<&str>,
    cohort_id: &str,
) -> Result<String, ApiError> {
    let viewer = auth.session(authorization).viewer()?;
    let not_found = || ApiError::not_found("cohort", "id");
    let id = Uuid::parse_str(cohort_id).map_err(|_| not_found())?;
    let role = store
        .user_by_id(viewer.user_id)
        .await?
        .ok_or(ApiError::Unauthenticated("this account no longer exists"))?
        .role;
    if role != Role::Coach || !store.is_coach(id, viewer.user_id).await? {
        return Err(not_found());
    }
    let cohort = store.cohort(id).await?.ok_or_else(not_found)?;
    let dash = dashboard::load(store, &cohort, Utc::now()).await?;
    let mut out = csv::Writer::from_writer(Vec::new());
    let header = [
        "member_id",
        "display_name",
        "sharing",
        "current_step",
        "progress_percent",
        "score",
        "presence",
        "reach",
        "reciprocity",
        "collective_action",
        "last_activity",
        "stalled",
        "top_recommendation",
        "shared_contacts",
    ];
    out.write_record(header).map_err(ApiError::internal)?;
    for row in &dash.rows {
        let s = &row.summary;
        let step = s
            .progress
            .current_step
            .map_or_else(|| "FINISHED".to_owned(), |st| format!("{st:?}"));
        let contacts = row
            .shared_contacts
            .as_ref()
            .map(|list| {
                list.iter()
                    .map(|c| c.name.clone())
                    .collect::<Vec<_>>()
                    .join("; ")
            })
            .unwrap_or_default();
        let record = [
            row.member.user.id.to_string(),
            row.member.user.display_name.as_str().to_owned(),
            match row.member.sharing {
                SharingLevel::Progress => "PROGRESS".into(),
                SharingLevel::ProgressAndContacts => "PROGRESS_AND_CONTACTS".into(),
            },
            step,
            s.progress.percent.to_string(),
            format!("{:.1}", s.score.total),
            format!("{:.1}", s.score.presence.score),
            format!("{:.1}", s.score.reach.score),
            format!("{:.1}", s.score.reciprocity.score),
            format!("{:.1}", s.score.collective_action.score),
            s.last_activity.to_rfc3339(),
            s.stalled.to_string(),
            s.top_recommendation
                .map(|c| format!("{c:?}"))
                .unwrap_or_default(),
            contacts,
        ];
        out.write_record(record.iter().map(|c| spreadsheet_safe(c)))
            .map_err(ApiError::internal)?;
    }
    let bytes = out
        .into_inner()
        .map_err(|e| ApiError::Internal(e.to_string().into()))?;
    let text = String::from_utf8(bytes).map_err(ApiError::internal)?;
    Ok(format!("\u{feff}{text}"))
}

#[cfg(test)]
mod tests {
    use super::spreadsheet_safe;

    #[test]
    fn test_formula_cells_are_neutralized() {
        for cell in ["=HYPERLINK(\"x\")", "+1", "-2+3", "@SUM(A1)", "\tx", "\rx"] {
            assert!(spreadsheet_safe(cell).starts_with('\''), "{cell:?}");
        }
        assert_eq!(spreadsheet_safe("Ada Lovelace"), "Ada Lovelace");
        assert_eq!(spreadsheet_safe("O'Brien"), "O'Brien");
    }
}
