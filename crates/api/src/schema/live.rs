//! Subscriptions: live cohort activity for coaches, and nudges for members. Every event is
//! checked against the subscriber's rights when it arrives, so leaving a cohort or losing the
//! coach role stops the flow at once.

use async_graphql::{Context, ID, SimpleObject, Subscription};
use chrono::{DateTime, Utc};
use futures_util::{Stream, stream};
use herlead_core::{Role, TaskStatus, UserId};
use herlead_store::{Event, Store};
use tokio::sync::broadcast::{Receiver, error::RecvError};
use uuid::Uuid;

use super::{
    common::{coached, store, viewer},
    nudges::NudgeView,
};
use std::sync::Arc;

use crate::{
    error::Result,
    limits::{SocketSubscriptions, SubscriptionLimits, SubscriptionSlot},
    metrics::{Metrics, OpenSubscription},
};

/// Takes the subscription's place in the caps (per user, per socket) and in the metrics.
fn open(ctx: &Context<'_>, user: UserId) -> Result<(OpenSubscription, Option<SubscriptionSlot>)> {
    let slot = match ctx.data_opt::<Arc<SubscriptionLimits>>() {
        Some(limits) => {
            Some(limits.take(user.0, ctx.data_opt::<Arc<SocketSubscriptions>>().cloned())?)
        }
        None => None,
    };
    Ok((
        OpenSubscription::new(ctx.data_opt::<Arc<Metrics>>().cloned()),
        slot,
    ))
}

/// A change in a member's progress, as her coaches see it (never her notes).
#[derive(SimpleObject, Clone)]
pub struct ActivityEvent {
    /// The member.
    member_id: ID,
    /// Her name.
    display_name: String,
    /// The task.
    task_key: String,
    /// Status before.
    from: TaskStatus,
    /// Status after.
    to: TaskStatus,
    /// When.
    at: DateTime<Utc>,
    /// Whether she set it (`MEMBER`) or her data did (`RULE`).
    source: String,
}

/// Waits for the next event, skipping over a lag (a slow subscriber misses events rather
/// than stalling everyone); `None` when the channel closes.
async fn next(rx: &mut Receiver<Event>) -> Option<Event> {
    loop {
        match rx.recv().await {
            Ok(event) => return Some(event),
            Err(RecvError::Lagged(missed)) => {
                tracing::warn!(missed, "a subscriber fell behind; events were skipped");
            }
            Err(RecvError::Closed) => return None,
        }
    }
}

async fn activity(
    store: &Store,
    cohort: Uuid,
    coach: UserId,
    event: Event,
) -> Option<ActivityEvent> {
    let Event::Progress {
        user,
        task_key,
        from,
        to,
        at,
        source,
        cohort: task_cohort,
    } = event
    else {
        return None;
    };
    // Another cohort's own task is none of this cohort's coaches' business, even when the
    // member belongs to both.
    if task_cohort.is_some_and(|c| c != cohort) {
        return None;
    }
    let member = UserId(user);
    // Rights are re-checked for every event; the member's first, which turns away most
    // events (other cohorts' members) with one statement.
    store.membership(cohort, member).await.ok()??;
    let still_coach = store.user_by_id(coach).await.ok()??.role == Role::Coach
        && store.is_coach(cohort, coach).await.ok()?;
    if !still_coach {
        return None;
    }
    let who = store.user_by_id(member).await.ok()??;
    Some(ActivityEvent {
        member_id: ID(user.to_string()),
        display_name: who.display_name.as_str().to_owned(),
        task_key,
        from,
        to,
        at,
        source: source.as_str().to_owned(),
    })
}

/// Live updates.
#[derive(Debug, Default)]
pub struct Subscription;

#[Subscription]
impl Subscription {
    /// COACH: task status changes of the members of a cohort she coaches, as they happen.
    async fn cohort_activity(
        &self,
        ctx: &Context<'_>,
        cohort_id: ID,
    ) -> Result<impl Stream<Item = ActivityEvent> + use<>> {
        let (coach, cohort) = coached(ctx, &cohort_id, "cohortId").await?;
        let open = open(ctx, coach)?;
        let store = store(ctx).clone();
        let rx = store.subscribe().await?;
        Ok(stream::unfold(
            (rx, store, open),
            move |(mut rx, store, open)| async move {
                loop {
                    let event = next(&mut rx).await?;
                    if let Some(item) = activity(&store, cohort.id, coach, event).await {
                        return Some((item, (rx, store, open)));
                    }
                }
            },
        ))
    }

    /// Her nudges, as coaches send them.
    async fn my_nudges(&self, ctx: &Context<'_>) -> Result<impl Stream<Item = NudgeView> + use<>> {
        let me = viewer(ctx)?.user_id;
        let open = open(ctx, me)?;
        let store = store(ctx).clone();
        let rx = store.subscribe().await?;
        Ok(stream::unfold(
            (rx, store, open),
            move |(mut rx, store, open)| async move {
                loop {
                    if let Event::Nudge { member, nudge } = next(&mut rx).await?
                        && member == me.0
                        && let Ok(Some(n)) = store.nudge(me, nudge).await
                    {
                        return Some((NudgeView::from(n), (rx, store, open)));
                    }
                }
            },
        ))
    }
}
