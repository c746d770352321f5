//! Checks and shapes for what the app sends: dates as `YYYY-MM-DD`, and the patches of the
//! update calls, where a field left out keeps its value and a field sent as `null` is emptied.

use serde::Serialize;
use serde_json::{Map, Value};

use crate::HerLeadError;

/// Calendar days, which the schema types `NaiveDate` and the SDK passes as `YYYY-MM-DD` text.
pub(crate) mod date {
    use crate::HerLeadError;

    /// Refuses a day that is not `YYYY-MM-DD` before anything is sent, naming the field.
    pub(crate) fn check(field: &str, day: Option<&str>) -> Result<(), HerLeadError> {
        match day {
            Some(text) if chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d").is_err() => {
                Err(HerLeadError::validation(
                    field,
                    format!("{text:?} is not a day written YYYY-MM-DD"),
                ))
            }
            _ => Ok(()),
        }
    }
}

/// An update input under construction: the fields to set and the fields to empty.
#[derive(Debug, Default)]
pub(crate) struct Patch {
    fields: Map<String, Value>,
}

impl Patch {
    /// Sets `field` when `value` is given; leaves it out (unchanged) otherwise.
    pub(crate) fn set<T: Serialize>(&mut self, field: &str, value: &Option<T>) {
        if let Some(value) = value {
            // Strings, numbers, booleans, enums and lists of them always serialize.
            if let Ok(value) = serde_json::to_value(value) {
                self.fields.insert(field.to_owned(), value);
            }
        }
    }

    /// [`Patch::set`] for a day, checked first.
    pub(crate) fn set_date(
        &mut self,
        field: &str,
        day: &Option<String>,
    ) -> Result<(), HerLeadError> {
        date::check(field, day.as_deref())?;
        self.set(field, day);
        Ok(())
    }

    /// Empties `field`; refused when the same patch also sets it.
    pub(crate) fn clear(&mut self, field: &str) -> Result<(), HerLeadError> {
        match self.fields.insert(field.to_owned(), Value::Null) {
            Some(Value::Null) | None => Ok(()),
            Some(_) => Err(HerLeadError::Validation {
                field: field.to_owned(),
                reason: "the patch both sets and clears this field".into(),
                request_id: None,
            }),
        }
    }

    pub(crate) fn into_value(self) -> Value {
        Value::Object(self.fields)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_a_patch_sends_what_is_set_and_nulls_what_is_cleared() {
        let mut patch = Patch::default();
        patch.set("name", &Some("Ana"));
        patch.set::<String>("company", &None);
        patch.clear("industry").expect("not set");
        assert_eq!(
            patch.into_value(),
            serde_json::json!({"name": "Ana", "industry": null})
        );
    }

    #[test]
    fn test_a_field_both_set_and_cleared_is_refused() {
        let mut patch = Patch::default();
        patch.set("company", &Some("Acme"));
        let err = patch.clear("company").expect_err("set and cleared");
        assert!(matches!(err, HerLeadError::Validation { field, .. } if field == "company"));
    }

    #[test]
    fn test_days_must_be_written_yyyy_mm_dd() {
        assert!(date::check("dueOn", Some("2026-12-24")).is_ok());
        assert!(date::check("dueOn", None).is_ok());
        for bad in ["24/12/2026", "2026-13-01", "", "2026-12-24T10:00:00Z"] {
            let err = date::check("dueOn", Some(bad)).expect_err(bad);
            assert!(matches!(err, HerLeadError::Validation { field, .. } if field == "dueOn"));
        }
    }
}
