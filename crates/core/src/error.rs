//! Errors raised by the pure rules of the playbook.

use std::fmt;

/// A rejected input: which field, and why, in words fit for the person who typed it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidationError {
    /// The input field at fault, in the client's spelling (`email`, `taskKey`, …).
    pub field: &'static str,
    /// What is wrong and, where it helps, what would be accepted.
    pub message: String,
}

impl ValidationError {
    /// A validation error for `field` with a human-readable `message`.
    pub fn new(field: &'static str, message: impl Into<String>) -> Self {
        Self {
            field,
            message: message.into(),
        }
    }
}

impl fmt::Display for ValidationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.message)
    }
}

impl std::error::Error for ValidationError {}
