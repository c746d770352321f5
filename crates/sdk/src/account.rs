//! Her account: password, name, sign-out everywhere, deletion; her calendar feed; and the
//! history of her progress.

use std::time::SystemTime;

use serde::{Deserialize, Serialize};

use crate::{
    HerLeadError,
    client::HerLeadClient,
    operations::{NoVars, PageInfo, Root},
    types::{TaskStatus, User, rfc3339},
};

pub(crate) const CHANGE_PASSWORD: &str = "mutation ChangePassword($current: String!, $new: String!) { changePassword(currentPassword: $current, newPassword: $new) }";
pub(crate) const SIGN_OUT_EVERYWHERE: &str = "mutation SignOutEverywhere { signOutEverywhere }";
pub(crate) const UPDATE_DISPLAY_NAME: &str = "mutation UpdateDisplayName($name: String!) { updateDisplayName(displayName: $name) { id email displayName role createdAt } }";
pub(crate) const DELETE_ACCOUNT: &str =
    "mutation DeleteAccount($password: String!) { deleteAccount(password: $password) }";
pub(crate) const CALENDAR_FEED: &str = "query CalendarFeed { calendarFeed { createdAt } }";
pub(crate) const ENABLE_CALENDAR_FEED: &str =
    "mutation EnableCalendarFeed { enableCalendarFeed { path } }";
pub(crate) const ROTATE_CALENDAR_FEED: &str =
    "mutation RotateCalendarFeed { rotateCalendarFeed { path } }";
pub(crate) const DISABLE_CALENDAR_FEED: &str =
    "mutation DisableCalendarFeed { disableCalendarFeed }";
pub(crate) const PROGRESS_HISTORY: &str = "query ProgressHistory($first: Int, $after: String) { progressHistory(first: $first, after: $after) { totalCount pageInfo { hasNextPage endCursor } nodes { taskKey from to note occurredAt source } } }";

/// Who changed a task's status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, uniffi::Enum)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ChangeSource {
    /// She did, with `set_task_status`.
    Member,
    /// A rule did, from what she recorded.
    Rule,
}

/// One change of one of her tasks' status.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, uniffi::Record)]
#[serde(rename_all = "camelCase")]
pub struct ProgressEvent {
    /// The task.
    pub task_key: String,
    /// The status before.
    pub from: TaskStatus,
    /// The status after.
    pub to: TaskStatus,
    /// Her note, when she wrote one.
    pub note: Option<String>,
    /// When it changed.
    #[serde(with = "rfc3339")]
    pub occurred_at: SystemTime,
    /// Who changed it.
    pub source: ChangeSource,
}

/// A page of her progress history, newest first.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ProgressHistoryPage {
    /// The changes.
    pub events: Vec<ProgressEvent>,
    /// Pass as `after` for older changes.
    pub end_cursor: Option<String>,
    /// Older changes exist.
    pub has_next_page: bool,
    /// All her changes.
    pub total_count: i64,
}

/// Her calendar feed, while it is on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, uniffi::Record)]
#[serde(rename_all = "camelCase")]
pub struct CalendarFeed {
    /// When its current address was made.
    #[serde(with = "rfc3339")]
    pub created_at: SystemTime,
}

#[derive(Serialize)]
struct PasswordVars {
    current: String,
    new: String,
}

#[derive(Serialize)]
struct NameVars {
    name: String,
}

#[derive(Serialize)]
struct DeleteVars {
    password: String,
}

#[derive(Serialize)]
struct HistoryVars {
    first: Option<i32>,
    after: Option<String>,
}

#[derive(Deserialize)]
struct FeedAddress {
    path: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct History {
    total_count: i64,
    page_info: PageInfo,
    nodes: Vec<ProgressEvent>,
}

#[uniffi::export(async_runtime = "tokio")]
impl HerLeadClient {
    /// Changes her password after checking the current one. Her other sign-ins end (with
    /// their open sockets); this client stays signed in.
    pub async fn change_password(
        &self,
        current_password: String,
        new_password: String,
    ) -> Result<(), HerLeadError> {
        let vars = PasswordVars {
            current: current_password,
            new: new_password,
        };
        let _: Root<bool> = self.execute(CHANGE_PASSWORD, &vars, true).await?;
        Ok(())
    }

    /// Ends every sign-in of hers on every device, this one included, and forgets the
    /// tokens. (Access tokens already issued elsewhere stop at their expiry, within minutes.)
    pub async fn sign_out_everywhere(&self) -> Result<(), HerLeadError> {
        let _: Root<bool> = self.execute(SIGN_OUT_EVERYWHERE, &NoVars {}, true).await?;
        self.forget_tokens().await;
        Ok(())
    }

    /// Changes the name shown to her and to her cohorts' coaches.
    pub async fn update_display_name(&self, display_name: String) -> Result<User, HerLeadError> {
        let vars = NameVars { name: display_name };
        let Root(user) = self.execute(UPDATE_DISPLAY_NAME, &vars, true).await?;
        Ok(user)
    }

    /// Deletes her account and everything she recorded, after she re-enters her password,
    /// and forgets the tokens. A coach whose cohorts still have members or other coaches gets
    /// `Conflict`: she hands them over or closes them first.
    pub async fn delete_account(&self, password: String) -> Result<(), HerLeadError> {
        let _: Root<bool> = self
            .execute(DELETE_ACCOUNT, &DeleteVars { password }, true)
            .await?;
        self.forget_tokens().await;
        Ok(())
    }

    /// Her calendar feed (the contacts due for a touch, for any calendar app), or `None`
    /// while it is off.
    pub async fn calendar_feed(&self) -> Result<Option<CalendarFeed>, HerLeadError> {
        let Root(feed) = self.execute(CALENDAR_FEED, &NoVars {}, true).await?;
        Ok(feed)
    }

    /// Turns her calendar feed on and answers its full address (on this client's server).
    /// Whoever has the address can read the feed: treat it like a password. Called again, it
    /// makes a new address and the old one stops working.
    pub async fn enable_calendar_feed(&self) -> Result<String, HerLeadError> {
        let Root(feed): Root<FeedAddress> =
            self.execute(ENABLE_CALENDAR_FEED, &NoVars {}, true).await?;
        Ok(self.address_of(&feed.path))
    }

    /// Gives her calendar feed a new address (answered in full); the old one stops working.
    pub async fn rotate_calendar_feed(&self) -> Result<String, HerLeadError> {
        let Root(feed): Root<FeedAddress> =
            self.execute(ROTATE_CALENDAR_FEED, &NoVars {}, true).await?;
        Ok(self.address_of(&feed.path))
    }

    /// Turns her calendar feed off; its address stops working.
    pub async fn disable_calendar_feed(&self) -> Result<(), HerLeadError> {
        let _: Root<bool> = self
            .execute(DISABLE_CALENDAR_FEED, &NoVars {}, true)
            .await?;
        Ok(())
    }

    /// Her progress history, newest first: `first` up to 100 (20 when `None`); pass a page's
    /// `end_cursor` as `after` for older changes.
    #[uniffi::method(default(first = None, after = None))]
    pub async fn progress_history(
        &self,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<ProgressHistoryPage, HerLeadError> {
        let Root(history): Root<History> = self
            .execute(PROGRESS_HISTORY, &HistoryVars { first, after }, true)
            .await?;
        Ok(ProgressHistoryPage {
            events: history.nodes,
            end_cursor: history.page_info.end_cursor,
            has_next_page: history.page_info.has_next_page,
            total_count: history.total_count,
        })
    }
}
