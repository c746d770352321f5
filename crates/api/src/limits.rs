//! Rate limits: per client address and per account for sign-in, registration and refresh
//! (brute force), and per signed-in user (or per address when anonymous) for every root field
//! of every operation, so batches and aliases count one by one.
//!
//! The counters live in the process ([`governor`]) on the embedded SQLite default, and in
//! the database on PostgreSQL ([`RateLimits::shared`]), so that N replicas allow the quota
//! once, not N times.

use std::{
    collections::HashMap,
    net::IpAddr,
    num::NonZeroU32,
    sync::{
        Arc,
        atomic::{AtomicU64, Ordering},
    },
};

use async_graphql::parser::types::{
    DocumentOperations, ExecutableDocument, Selection, SelectionSet,
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

/// One of the three quotas; keys of different quotas never meet.
#[derive(Debug, Clone, Copy)]
enum QuotaKind {
    Auth,
    Account,
    Caller,
}

impl QuotaKind {
    fn per_minute(self, config: &RateLimitConfig) -> u32 {
        match self {
            QuotaKind::Auth => config.auth_per_address,
            QuotaKind::Account => config.login_per_account,
            QuotaKind::Caller => config.fields_per_caller,
        }
    }

    fn prefix(self) -> &'static str {
        match self {
            QuotaKind::Auth => "auth",
            QuotaKind::Account => "account",
            QuotaKind::Caller => "caller",
        }
    }
}

/// Where the counters live.
enum Counters {
    /// In this process: one keyed limiter per quota (`None`: that limit is off).
    Memory(Box<[Option<DefaultKeyedRateLimiter<String>>; 3]>),
    /// In the database, shared by every process using it.
    Database(herlead_store::Store),
}

/// The limiters of one server process, or its handle on the database's shared counters.
pub struct RateLimits {
    counters: Counters,
    checks: AtomicU64,
    clock: DefaultClock,
    config: RateLimitConfig,
}

impl std::fmt::Debug for RateLimits {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RateLimits").finish_non_exhaustive()
    }
}

fn limiter(per_minute: u32) -> Option<DefaultKeyedRateLimiter<String>> {
    let n = NonZeroU32::new(per_minute)?;
    Some(RateLimiter::keyed(Quota::per_minute(n)))
}

impl RateLimits {
    fn with(config: RateLimitConfig, counters: Counters) -> Arc<Self> {
        Arc::new(Self {
            counters,
            checks: AtomicU64::new(0),
            clock: DefaultClock::default(),
            config,
        })
    }

    /// In-process limiters with these quotas (a burst of a full minute's quota is allowed).
    pub fn new(config: RateLimitConfig) -> Arc<Self> {
        let memory = [QuotaKind::Auth, QuotaKind::Account, QuotaKind::Caller]
            .map(|kind| limiter(kind.per_minute(&config)));
        Self::with(config, Counters::Memory(Box::new(memory)))
    }

    /// Limiters whose counters live in `store`'s database, shared by every process using it:
    /// the same quotas and the same algorithm (GCRA) as [`RateLimits::new`].
    pub fn shared(config: RateLimitConfig, store: herlead_store::Store) -> Arc<Self> {
        Self::with(config, Counters::Database(store))
    }

    /// Takes `n` cells of `key`'s quota of `kind`, all or none (nothing when `n` is 0 or the
    /// limit is off). A whole minute's quota at once is the burst; more is never allowed.
    async fn take(&self, kind: QuotaKind, key: &str, n: u32) -> Result<(), ApiError> {
        let per_minute = kind.per_minute(&self.config);
        let (Some(n), Some(per_minute)) = (NonZeroU32::new(n), NonZeroU32::new(per_minute)) else {
            return Ok(());
        };
        if n > per_minute {
            return Err(ApiError::RateLimited { retry_after: 60 });
        }
        let key = format!("{}:{key}", kind.prefix());
        match &self.counters {
            Counters::Memory(limiters) => {
                let Some(limiter) = &limiters[kind as usize] else {
                    return Ok(());
                };
                // Forget idle keys now and then so memory stays bounded.
                if self.checks.fetch_add(1, Ordering::Relaxed) % 10_000 == 9_999 {
                    limiter.retain_recent();
                }
                match limiter.check_key_n(&key, n) {
                    Ok(Ok(())) => Ok(()),
                    Ok(Err(not_until)) => Err(ApiError::RateLimited {
                        retry_after: not_until.wait_time_from(self.clock.now()).as_secs() + 1,
                    }),
                    Err(_) => Err(ApiError::RateLimited { retry_after: 60 }),
                }
            }
            Counters::Database(store) => {
                let interval_ms = (60_000 / i64::from(per_minute.get())).max(1);
                let now_ms = chrono::Utc::now().timestamp_millis();
                let wait = store
                    .take_rate(
                        &key,
                        interval_ms * i64::from(n.get()),
                        interval_ms * i64::from(per_minute.get()),
                        now_ms,
                    )
                    .await
                    .map_err(ApiError::from)?;
                match wait {
                    None => Ok(()),
                    Some(wait_ms) => Err(ApiError::RateLimited {
                        retry_after: u64::try_from(wait_ms / 1000).unwrap_or(0) + 1,
                    }),
                }
            }
        }
    }

    /// For `register`, `login`, `refreshSession`: per client address.
    pub async fn check_auth(&self, addr: Option<ClientAddr>) -> Result<(), ApiError> {
        match addr {
            Some(ClientAddr(ip)) => self.take(QuotaKind::Auth, &ip.to_string(), 1).await,
            None => Ok(()),
        }
    }

    /// For `login`: per account.
    pub async fn check_account(&self, email: &str) -> Result<(), ApiError> {
        self.take(QuotaKind::Account, email, 1).await
    }

    /// Takes `n` root fields from the caller's quota (her account, or her address when
    /// anonymous), all or none.
    pub(crate) async fn check_caller(
        &self,
        session: Option<&Session>,
        addr: Option<ClientAddr>,
        n: u32,
    ) -> Result<(), ApiError> {
        let caller = match (session, addr) {
            (Some(Session::Authenticated(v)), _) => v.user_id.0.to_string(),
            (_, Some(ClientAddr(ip))) => ip.to_string(),
            _ => return Ok(()),
        };
        self.take(QuotaKind::Caller, &caller, n).await
    }
}

/// Caps on open subscriptions: per signed-in user in this process, and per socket.
#[derive(Debug)]
pub struct SubscriptionLimits {
    per_user: usize,
    per_socket: usize,
    users: std::sync::Mutex<HashMap<uuid::Uuid, usize>>,
}

/// A socket's count of open subscriptions; the transport attaches one to each connection.
#[derive(Debug, Default)]
pub struct SocketSubscriptions(AtomicU64);

impl SubscriptionLimits {
    /// At most `per_user` subscriptions open for one user, `per_socket` on one socket (0: no
    /// limit).
    pub fn new(per_user: usize, per_socket: usize) -> Arc<Self> {
        Arc::new(Self {
            per_user,
            per_socket,
            users: std::sync::Mutex::default(),
        })
    }

    /// Takes a slot for a subscription of `user` on `socket`, kept until the slot drops.
    pub(crate) fn take(
        self: &Arc<Self>,
        user: uuid::Uuid,
        socket: Option<Arc<SocketSubscriptions>>,
    ) -> Result<SubscriptionSlot, ApiError> {
        let over = |what: &str, limit: usize| {
            ApiError::Validation(herlead_core::ValidationError::new(
                "subscription",
                format!(
                    "at most {limit} subscriptions may be open at once {what}; complete one first"
                ),
            ))
        };
        if let Some(socket) = &socket {
            let open = socket.0.fetch_add(1, Ordering::AcqRel);
            if self.per_socket > 0 && open >= self.per_socket as u64 {
                socket.0.fetch_sub(1, Ordering::AcqRel);
                return Err(over("on one connection", self.per_socket));
            }
        }
        let mut users = self
            .users
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let open = users.entry(user).or_insert(0);
        if self.per_user > 0 && *open >= self.per_user {
            drop(users);
            if let Some(socket) = &socket {
                socket.0.fetch_sub(1, Ordering::AcqRel);
            }
            return Err(over("for one account", self.per_user));
        }
        *open += 1;
        Ok(SubscriptionSlot {
            limits: self.clone(),
            user,
            socket,
        })
    }
}

/// An open subscription's place in the caps; released on drop.
#[derive(Debug)]
pub(crate) struct SubscriptionSlot {
    limits: Arc<SubscriptionLimits>,
    user: uuid::Uuid,
    socket: Option<Arc<SocketSubscriptions>>,
}

impl Drop for SubscriptionSlot {
    fn drop(&mut self) {
        if let Some(socket) = &self.socket {
            socket.0.fetch_sub(1, Ordering::AcqRel);
        }
        let mut users = self
            .limits
            .users
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(open) = users.get_mut(&self.user) {
            *open -= 1;
            if *open == 0 {
                users.remove(&self.user);
            }
        }
    }
}

/// Root fields of the operation named `name` (or of the only operation), introspection
/// fields aside, through inline fragments and fragment spreads.
pub(crate) fn root_fields(doc: &ExecutableDocument, name: Option<&str>) -> u32 {
    // Each fragment is counted once (memoized), so fragments spreading each other twice over
    // cost linear work, and a fragment met again while it is being counted (a cycle, which
    // validation refuses after this) counts nothing.
    fn count<'a>(
        doc: &'a ExecutableDocument,
        set: &'a SelectionSet,
        memo: &mut HashMap<&'a str, Option<u32>>,
    ) -> u32 {
        set.items
            .iter()
            .map(|item| match &item.node {
                Selection::Field(f) => u32::from(!f.node.name.node.starts_with("__")),
                Selection::InlineFragment(f) => count(doc, &f.node.selection_set.node, memo),
                Selection::FragmentSpread(s) => {
                    let name = s.node.fragment_name.node.as_str();
                    if let Some(known) = memo.get(name) {
                        return known.unwrap_or(0);
                    }
                    let Some(fragment) = doc.fragments.get(&s.node.fragment_name.node) else {
                        return 0;
                    };
                    memo.insert(name, None);
                    let n = count(doc, &fragment.node.selection_set.node, memo);
                    memo.insert(name, Some(n));
                    n
                }
            })
            .fold(0, u32::saturating_add)
    }
    let operation = match (&doc.operations, name) {
        (DocumentOperations::Single(op), _) => Some(op),
        (DocumentOperations::Multiple(ops), Some(name)) => ops.get(name),
        (DocumentOperations::Multiple(_), None) => None,
    };
    operation.map_or(0, |op| {
        count(doc, &op.node.selection_set.node, &mut HashMap::new())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_root_fields_count_aliases_fragments_and_the_selected_operation_only() {
        let doc = async_graphql::parser::parse_query(
            "query A { a: playbook { version } b: playbook { version } __typename ...F ... on Query { channels { key } } }
             query B { me { id } }
             fragment F on Query { myProgress { percent } socialCapital { total } }",
        )
        .expect("parses");
        assert_eq!(root_fields(&doc, Some("A")), 5);
        assert_eq!(root_fields(&doc, Some("B")), 1);
        assert_eq!(root_fields(&doc, Some("C")), 0);
        assert_eq!(
            root_fields(&doc, None),
            0,
            "ambiguous: validation refuses it"
        );
        let cyclic =
            async_graphql::parser::parse_query("{ ...F } fragment F on Query { me { id } ...F }")
                .expect("parses");
        assert_eq!(root_fields(&cyclic, None), 1, "a cycle counts once");
        let fragments: String = (0..40)
            .map(|i| format!("fragment F{i} on Query {{ ...F{} ...F{} }}\n", i + 1, i + 1))
            .collect();
        let diamond = async_graphql::parser::parse_query(format!(
            "{{ ...F0 }} {fragments} fragment F40 on Query {{ me {{ id }} }}"
        ))
        .expect("parses");
        assert_eq!(
            root_fields(&diamond, None),
            u32::MAX,
            "2^40 root fields saturate, counted in linear time"
        );
    }

    #[tokio::test]
    async fn test_a_caller_takes_root_fields_all_or_none() {
        let limits = RateLimits::new(RateLimitConfig {
            auth_per_address: 0,
            login_per_account: 0,
            fields_per_caller: 5,
        });
        let addr = Some(ClientAddr(IpAddr::from([127, 0, 0, 1])));
        assert!(limits.check_caller(None, addr, 3).await.is_ok());
        assert!(matches!(
            limits.check_caller(None, addr, 3).await,
            Err(ApiError::RateLimited { retry_after }) if retry_after >= 1
        ));
        assert!(
            limits.check_caller(None, addr, 2).await.is_ok(),
            "nothing was taken by the refusal"
        );
        assert!(matches!(
            limits
                .check_caller(None, Some(ClientAddr(IpAddr::from([10, 0, 0, 1]))), 6)
                .await,
            Err(ApiError::RateLimited { retry_after: 60 })
        ));
        assert!(
            limits.check_caller(None, None, 100).await.is_ok(),
            "no caller known: no limit"
        );
    }
}
