//! Her calendar feed's settings. The feed itself is served by the server at the address
//! `enableCalendarFeed` gives (see `crate::calendar`).

use async_graphql::{Context, Object, SimpleObject};
use chrono::{DateTime, Utc};

use crate::{
    calendar::{feed_path, new_secret},
    error::Result,
};

use super::common::{store, viewer};

/// Whether her feed is on.
#[derive(SimpleObject)]
pub struct CalendarFeed {
    /// When its current address was made. The address itself is shown only once, by
    /// `enableCalendarFeed` or `rotateCalendarFeed`: only a hash of its secret is kept.
    created_at: DateTime<Utc>,
}

/// A new feed address.
#[derive(SimpleObject)]
pub struct CalendarFeedAddress {
    /// The path to append to the server's address (`/calendar/….ics`). Whoever has it can
    /// read the feed: keep it like a password.
    path: String,
}

/// Reads of her feed's settings.
#[derive(Debug, Default)]
pub struct CalendarQuery;

#[Object]
impl CalendarQuery {
    /// Her calendar feed, or null while it is off.
    async fn calendar_feed(&self, ctx: &Context<'_>) -> Result<Option<CalendarFeed>> {
        let v = viewer(ctx)?;
        Ok(store(ctx)
            .calendar_since(v.user_id)
            .await?
            .map(|created_at| CalendarFeed { created_at }))
    }
}

/// Writes of her feed's settings.
#[derive(Debug, Default)]
pub struct CalendarMutation;

impl CalendarMutation {
    async fn new_address(ctx: &Context<'_>) -> Result<CalendarFeedAddress> {
        let v = viewer(ctx)?;
        let (secret, hash) = new_secret()?;
        store(ctx)
            .set_calendar_secret(v.user_id, hash, herlead_store::now())
            .await?;
        Ok(CalendarFeedAddress {
            path: feed_path(&secret),
        })
    }
}

#[Object]
impl CalendarMutation {
    /// Turns on her calendar feed (her upcoming meetings and the contacts she is due to
    /// reconnect with) and gives its address. Called again, it gives a new address and the
    /// old one stops working, like `rotateCalendarFeed`.
    async fn enable_calendar_feed(&self, ctx: &Context<'_>) -> Result<CalendarFeedAddress> {
        Self::new_address(ctx).await
    }

    /// Gives her feed a new address; the old one stops working at once.
    async fn rotate_calendar_feed(&self, ctx: &Context<'_>) -> Result<CalendarFeedAddress> {
        Self::new_address(ctx).await
    }

    /// Turns her feed off: its address stops working. Returns whether it was on.
    async fn disable_calendar_feed(&self, ctx: &Context<'_>) -> Result<bool> {
        let v = viewer(ctx)?;
        Ok(store(ctx).disable_calendar(v.user_id).await?)
    }
}
