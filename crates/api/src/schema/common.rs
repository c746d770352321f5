//! Helpers every capability's resolvers share: ids, the store and the viewer from the
//! context, roles, pages, patches and validation errors.

use std::sync::Arc;

use async_graphql::{Context, ID, MaybeUndefined};
use chrono::{DateTime, Duration, Utc};
use herlead_core::{Role, UserId, ValidationError, cohort::Cohort};
use herlead_store::Store;
use uuid::Uuid;

use crate::{ApiError, Authenticator, Session, Viewer, error::Result};

/// Largest page of a connection.
pub const PAGE_MAX: i32 = 100;
pub(crate) const PAGE_DEFAULT: i32 = 20;

pub(crate) fn services<'a>(ctx: &Context<'a>) -> (&'a Store, &'a Arc<Authenticator>) {
    // Both are attached by `build_schema`; their absence is a programming error.
    (
        ctx.data_unchecked::<Store>(),
        ctx.data_unchecked::<Arc<Authenticator>>(),
    )
}

pub(crate) fn viewer(ctx: &Context<'_>) -> Result<Viewer> {
    ctx.data_opt::<Session>()
        .copied()
        .unwrap_or(Session::Anonymous)
        .viewer()
}

/// Brute-force protection for sign-in, registration, refresh and anything else that checks a
/// password: per client address.
pub(crate) async fn check_auth_rate(ctx: &Context<'_>) -> Result<()> {
    match ctx.data_opt::<Arc<crate::limits::RateLimits>>() {
        Some(limits) => {
            limits
                .check_auth(ctx.data_opt::<crate::limits::ClientAddr>().copied())
                .await
        }
        None => Ok(()),
    }
}

/// Password guesses against one account: per account, whatever the address.
pub(crate) async fn check_account_rate(ctx: &Context<'_>, email: &str) -> Result<()> {
    match ctx.data_opt::<Arc<crate::limits::RateLimits>>() {
        Some(limits) => limits.check_account(email).await,
        None => Ok(()),
    }
}

pub(crate) fn store<'a>(ctx: &Context<'a>) -> &'a Store {
    services(ctx).0
}

pub(crate) fn invalid(field: &'static str, message: &str) -> ApiError {
    ApiError::Validation(ValidationError::new(field, message))
}

pub(crate) fn parse_id(field: &'static str, id: &ID) -> Result<Uuid> {
    Uuid::parse_str(id.as_str()).map_err(|_| invalid(field, "this is not a valid id"))
}

pub(crate) fn gid(id: Uuid) -> ID {
    ID(id.to_string())
}

/// Applies a patch field: absent keeps `current`, null clears, a value is parsed.
pub(crate) fn patch<T, U>(
    current: Option<T>,
    update: MaybeUndefined<U>,
    parse: impl FnOnce(U) -> Result<Option<T>>,
) -> Result<Option<T>> {
    match update {
        MaybeUndefined::Undefined => Ok(current),
        MaybeUndefined::Null => Ok(None),
        MaybeUndefined::Value(v) => parse(v),
    }
}

/// When something happened: now if omitted; never more than a day ahead (clocks drift) nor
/// before 1900.
pub(crate) fn occurred(
    field: &'static str,
    raw: Option<DateTime<Utc>>,
    max_ahead: Duration,
) -> Result<DateTime<Utc>> {
    let now = Utc::now();
    let at = raw.unwrap_or(now);
    if at > now + max_ahead {
        return Err(invalid(field, "this date is too far in the future"));
    }
    if at.timestamp() < -2_208_988_800 {
        return Err(invalid(field, "this date is before 1900"));
    }
    Ok(at)
}

/// The complexity of a list field: its page size (capped, `default` when not given) times the
/// complexity of one item, so a query's cost reflects how much it can return.
/// The answer to a delete: the id when something of hers was deleted, NOT_FOUND otherwise.
pub(crate) fn deleted(id: ID, found: bool, what: &'static str) -> Result<ID> {
    if found {
        Ok(id)
    } else {
        Err(ApiError::not_found(what, "id"))
    }
}

pub(crate) fn page_cost(size: Option<i32>, default: i32, child_complexity: usize) -> usize {
    let n = size.unwrap_or(default).clamp(0, PAGE_MAX);
    usize::try_from(n).unwrap_or(0).max(1) * child_complexity + 1
}

pub(crate) fn page_size(field: &'static str, value: Option<i32>) -> Result<Option<u64>> {
    match value {
        None => Ok(None),
        Some(n) if (0..=PAGE_MAX).contains(&n) => Ok(Some(u64::try_from(n).unwrap_or(0))),
        Some(_) => Err(invalid(
            field,
            &format!("a page holds 0 to {PAGE_MAX} items"),
        )),
    }
}

/// The viewer's current role, read from the database so a revoked role takes effect at once.
pub(crate) async fn current_role(ctx: &Context<'_>) -> Result<(UserId, Role)> {
    let v = viewer(ctx)?;
    let user = store(ctx)
        .user_by_id(v.user_id)
        .await?
        .ok_or_else(|| ApiError::Unauthenticated("this account no longer exists"))?;
    Ok((user.id, user.role))
}

pub(crate) async fn require_role(ctx: &Context<'_>, roles: &[Role]) -> Result<UserId> {
    let (id, role) = current_role(ctx).await?;
    if roles.contains(&role) {
        Ok(id)
    } else {
        Err(ApiError::Forbidden)
    }
}

/// The cohort, if the viewer is one of its coaches (and still a coach); NOT_FOUND otherwise.
pub(crate) async fn coached(
    ctx: &Context<'_>,
    id: &ID,
    field: &'static str,
) -> Result<(UserId, Cohort)> {
    let cohort_id = parse_id(field, id)?;
    let (viewer, role) = current_role(ctx).await?;
    let s = store(ctx);
    let not_found = || ApiError::not_found("cohort", field);
    if role != Role::Coach || !s.is_coach(cohort_id, viewer).await? {
        return Err(not_found());
    }
    let cohort = s.cohort(cohort_id).await?.ok_or_else(not_found)?;
    Ok((viewer, cohort))
}
