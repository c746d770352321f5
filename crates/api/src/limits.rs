//! Rate limits: per client address and per account for sign-in, registration and refresh
//! (brute force), and per signed-in user (or per address when anonymous) for every root field
//! of every operation, so batches and aliases count one by one.

use std::{
    net::IpAddr,
    num::NonZeroU32,
    sync::{
        Arc,
        atomic::{AtomicU64, Ordering},
    },
};

use async_graphql::{
    ServerResult, Value,
    extensions::{Extension, ExtensionContext, ExtensionFactory, NextResolve, ResolveInfo},
};
use governor::{
    DefaultKeyedRateLimiter, Quota, RateLimiter,
    clock::{Clock, DefaultClock},
};

use crate::{ApiError, Session};

/// The address a request came from, attached by the transport.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientAddr(pub IpAddr);

/// Requests per minute allowed for each key; 0 turns a limit off.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimitConfig {
    /// `register`, `login` and `refreshSession` calls per client address.
    pub auth_per_address: u32,
    /// `login` calls per account (email).
    pub login_per_account: u32,
    /// Root fields per signed-in user (anonymous callers: per address).
    pub fields_per_caller: u32,
}

impl Default for RateLimitConfig {
    fn default() -> Self {
        Self {
            auth_per_address: 30,
            login_per_account: 10,
            fields_per_caller: 600,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Caller {
    User(uuid::Uuid),
    Address(IpAddr),
}

/// The limiters of one server process.
pub struct RateLimits {
    auth: Option<DefaultKeyedRateLimiter<IpAddr>>,
    account: Option<DefaultKeyedRateLimiter<String>>,
    caller: Option<DefaultKeyedRateLimiter<Caller>>,
    checks: AtomicU64,
    clock: DefaultClock,
}

impl std::fmt::Debug for RateLimits {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RateLimits").finish_non_exhaustive()
    }
}

fn limiter<K: std::hash::Hash + Eq + Clone>(per_minute: u32) -> Option<DefaultKeyedRateLimiter<K>> {
    let n = NonZeroU32::new(per_minute)?;
    Some(RateLimiter::keyed(Quota::per_minute(n)))
}

impl RateLimits {
    /// Limiters with these quotas (a burst of a full minute's quota is allowed).
    pub fn new(config: RateLimitConfig) -> Arc<Self> {
        Arc::new(Self {
            auth: limiter(config.auth_per_address),
            account: limiter(config.login_per_account),
            caller: limiter(config.fields_per_caller),
            checks: AtomicU64::new(0),
            clock: DefaultClock::default(),
        })
    }

    fn check<K: std::hash::Hash + Eq + Clone>(
        &self,
        limiter: Option<&DefaultKeyedRateLimiter<K>>,
        key: &K,
    ) -> Result<(), ApiError> {
        let Some(limiter) = limiter else {
            return Ok(());
        };
        // Forget idle keys now and then so memory stays bounded.
        if self.checks.fetch_add(1, Ordering::Relaxed) % 10_000 == 9_999 {
            limiter.retain_recent();
        }
        limiter.check_key(key).map_err(|not_until| {
            let wait = not_until.wait_time_from(self.clock.now());
            ApiError::RateLimited {
                retry_after: wait.as_secs() + 1,
            }
        })
    }

    /// For `register`, `login`, `refreshSession`: per client address.
    pub fn check_auth(&self, addr: Option<ClientAddr>) -> Result<(), ApiError> {
        match addr {
            Some(ClientAddr(ip)) => self.check(self.auth.as_ref(), &ip),
            None => Ok(()),
        }
    }

    /// For `login`: per account.
    pub fn check_account(&self, email: &str) -> Result<(), ApiError> {
        self.check(self.account.as_ref(), &email.to_owned())
    }

    fn check_caller(
        &self,
        session: Option<&Session>,
        addr: Option<ClientAddr>,
    ) -> Result<(), ApiError> {
        let caller = match (session, addr) {
            (Some(Session::Authenticated(v)), _) => Caller::User(v.user_id.0),
            (_, Some(ClientAddr(ip))) => Caller::Address(ip),
            _ => return Ok(()),
        };
        self.check(self.caller.as_ref(), &caller)
    }
}

/// Counts every root field against the caller's limit.
pub(crate) struct PerCallerLimit;

impl ExtensionFactory for PerCallerLimit {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(PerCallerLimitExtension)
    }
}

struct PerCallerLimitExtension;

#[async_graphql::async_trait::async_trait]
impl Extension for PerCallerLimitExtension {
    async fn resolve(
        &self,
        ctx: &ExtensionContext<'_>,
        info: ResolveInfo<'_>,
        next: NextResolve<'_>,
    ) -> ServerResult<Option<Value>> {
        let is_root = info.path_node.parent.is_none();
        if is_root
            && !info.name.starts_with("__")
            && let Some(limits) = ctx.data_opt::<Arc<RateLimits>>()
            && let Err(err) = limits.check_caller(
                ctx.data_opt::<Session>(),
                ctx.data_opt::<ClientAddr>().copied(),
            )
        {
            let mut error = err
                .into_graphql()
                .into_server_error(async_graphql::Pos::default());
            error.path = vec![async_graphql::PathSegment::Field(
                info.alias.unwrap_or(info.name).to_owned(),
            )];
            return Err(error);
        }
        next.run(ctx, info).await
    }
}
