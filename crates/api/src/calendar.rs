//! Her calendar feed: an RFC 5545 document of her upcoming meetings and of the contacts she
//! is due to reconnect with, served at `/calendar/{secret}.ics`. The secret is the credential
//! (calendar apps send no headers); only its SHA-256 is stored, and the feed is found by it.

use chrono::{DateTime, Utc};
use herlead_store::Store;
use icalendar::{Calendar, Component, Event, EventLike};

use crate::{ApiError, auth::hash_refresh_token};

/// The longest secret accepted in a feed address; ours are 43 characters.
const MAX_SECRET_LEN: usize = 64;

/// The most keep-in-touch entries a feed lists.
const MAX_RECONNECTS: u64 = 100;

/// A new feed secret and the hash to store for it.
pub(crate) fn new_secret() -> Result<(String, String), ApiError> {
    let secret = crate::auth::random_token()?;
    let hash = hash_refresh_token(&secret);
    Ok((secret, hash))
}

/// The path her feed is served at, for a secret.
pub(crate) fn feed_path(secret: &str) -> String {
    format!("/calendar/{secret}.ics")
}

/// The feed for a presented secret, or `None` when no feed has it (a rotated or disabled
/// one, or a guess).
pub async fn calendar_ics(
    store: &Store,
    secret: &str,
    now: DateTime<Utc>,
) -> Result<Option<String>, ApiError> {
    if secret.is_empty() || secret.len() > MAX_SECRET_LEN {
        return Ok(None);
    }
    let Some(user) = store.calendar_owner(&hash_refresh_token(secret)).await? else {
        return Ok(None);
    };
    let snapshot = store.snapshot(user).await?;
    let reconnect = store.due_to_reconnect(user, now, MAX_RECONNECTS).await?;
    let mut calendar = Calendar::new();
    calendar.name("HerLead");
    for meeting in snapshot.meetings.iter().filter(|m| m.occurred_at >= now) {
        let community = snapshot
            .communities
            .iter()
            .find(|c| c.id == meeting.community_id)
            .map_or("a community", |c| c.name.as_str());
        let mut event = Event::new();
        event
            .uid(&format!("meeting-{}@herlead", meeting.id))
            .timestamp(now)
            .summary(&format!("Meeting: {community}"))
            .starts(meeting.occurred_at);
        if let Some(notes) = &meeting.notes {
            event.description(notes.as_str());
        }
        calendar.push(event.done());
    }
    for (contact, _, due) in &reconnect {
        // Already due: on today's date, until she logs a touch and it leaves the feed.
        calendar.push(
            Event::new()
                .uid(&format!("reconnect-{}@herlead", contact.id))
                .timestamp(now)
                .summary(&format!("Reconnect with {}", contact.name.as_str()))
                .description(&format!(
                    "Due since {} (every {} days).",
                    due.due_at.date_naive(),
                    due.cadence_days
                ))
                // A one-day event: DTEND of a date is exclusive (RFC 5545 §3.6.1).
                .starts(now.date_naive())
                .ends(now.date_naive() + chrono::Days::new(1))
                .done(),
        );
    }
    Ok(Some(refold(&calendar.done().to_string())))
}

/// The longest line of the feed, in octets, line break excluded (RFC 5545 §3.1).
const FOLD_AT: usize = 75;

/// Folds every content line at [`FOLD_AT`] octets, the leading space of a continuation line
/// included, never inside a character. `icalendar` folds continuation lines one octet too
/// long (75 octets after the space), so its output is unfolded and folded again here.
fn refold(ics: &str) -> String {
    let unfolded = ics.replace("\r\n ", "").replace("\r\n\t", "");
    let mut out = String::with_capacity(unfolded.len() + unfolded.len() / 64 * 3);
    for line in unfolded.split("\r\n").filter(|l| !l.is_empty()) {
        let mut width = 0;
        for ch in line.chars() {
            if width + ch.len_utf8() > FOLD_AT {
                out.push_str("\r\n ");
                width = 1;
            }
            out.push(ch);
            width += ch.len_utf8();
        }
        out.push_str("\r\n");
    }
    out
}
