//! Rate limits: per client address and per account for sign-in, registration and refresh
//! (brute force), and per signed-in user (or per address when anonymous) for every root field
//! of every operation, so batches and aliases count one by one.

use std::{
    collections::HashMap,
    net::IpAddr,
    num::NonZeroU32,
    sync::{
        Arc,
        atomic::{AtomicU64, Ordering},
    },
};

use async_graphql::{
    ServerResult, Variables,
    extensions::{
        Extension, ExtensionContext, ExtensionFactory, NextParseQuery, NextPrepareRequest,
    },
    parser::types::{DocumentOperations, ExecutableDocument, Selection, SelectionSet},
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

    /// Takes `n` cells of `key`'s quota, all or none (nothing when `n` is 0 or the limit is
    /// off).
    fn check<K: std::hash::Hash + Eq + Clone>(
        &self,
        limiter: Option<&DefaultKeyedRateLimiter<K>>,
        key: &K,
        n: u32,
    ) -> Result<(), ApiError> {
        let (Some(limiter), Some(n)) = (limiter, NonZeroU32::new(n)) else {
            return Ok(());
        };
        // Forget idle keys now and then so memory stays bounded.
        if self.checks.fetch_add(1, Ordering::Relaxed) % 10_000 == 9_999 {
            limiter.retain_recent();
        }
        match limiter.check_key_n(key, n) {
            Ok(Ok(())) => Ok(()),
            Ok(Err(not_until)) => Err(ApiError::RateLimited {
                retry_after: not_until.wait_time_from(self.clock.now()).as_secs() + 1,
            }),
            // More than a whole minute's quota at once: never allowed.
            Err(_) => Err(ApiError::RateLimited { retry_after: 60 }),
        }
    }

    /// For `register`, `login`, `refreshSession`: per client address.
    pub fn check_auth(&self, addr: Option<ClientAddr>) -> Result<(), ApiError> {
        match addr {
            Some(ClientAddr(ip)) => self.check(self.auth.as_ref(), &ip, 1),
            None => Ok(()),
        }
    }

    /// For `login`: per account.
    pub fn check_account(&self, email: &str) -> Result<(), ApiError> {
        self.check(self.account.as_ref(), &email.to_owned(), 1)
    }

    /// Takes `n` root fields from the caller's quota, all or none.
    fn check_caller(
        &self,
        session: Option<&Session>,
        addr: Option<ClientAddr>,
        n: u32,
    ) -> Result<(), ApiError> {
        let caller = match (session, addr) {
            (Some(Session::Authenticated(v)), _) => Caller::User(v.user_id.0),
            (_, Some(ClientAddr(ip))) => Caller::Address(ip),
            _ => return Ok(()),
        };
        self.check(self.caller.as_ref(), &caller, n)
    }
}

/// Counts the root fields of the operation a request runs against the caller's limit, once
/// per request, before validation and execution: an operation over the limit runs none of
/// its fields (so a mutation never half-runs), and fields below the root cost nothing here.
pub(crate) struct PerCallerLimit;

impl ExtensionFactory for PerCallerLimit {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(PerCallerLimitExtension::default())
    }
}

#[derive(Default)]
struct PerCallerLimitExtension {
    operation_name: std::sync::Mutex<Option<String>>,
}

/// Root fields of the operation named `name` (or of the only operation), introspection
/// fields aside, through inline fragments and fragment spreads.
fn root_fields(doc: &ExecutableDocument, name: Option<&str>) -> u32 {
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

#[async_graphql::async_trait::async_trait]
impl Extension for PerCallerLimitExtension {
    async fn prepare_request(
        &self,
        ctx: &ExtensionContext<'_>,
        request: async_graphql::Request,
        next: NextPrepareRequest<'_>,
    ) -> ServerResult<async_graphql::Request> {
        if let Ok(mut name) = self.operation_name.lock() {
            name.clone_from(&request.operation_name);
        }
        next.run(ctx, request).await
    }

    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        let doc = next.run(ctx, query, variables).await?;
        let name = self.operation_name.lock().ok().and_then(|n| n.clone());
        if let Some(limits) = ctx.data_opt::<Arc<RateLimits>>() {
            limits
                .check_caller(
                    ctx.data_opt::<Session>(),
                    ctx.data_opt::<ClientAddr>().copied(),
                    root_fields(&doc, name.as_deref()),
                )
                .map_err(|err| {
                    err.into_graphql()
                        .into_server_error(async_graphql::Pos::default())
                })?;
        }
        Ok(doc)
    }
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

    #[test]
    fn test_a_caller_takes_root_fields_all_or_none() {
        let limits = RateLimits::new(RateLimitConfig {
            auth_per_address: 0,
            login_per_account: 0,
            fields_per_caller: 5,
        });
        let addr = Some(ClientAddr(IpAddr::from([127, 0, 0, 1])));
        assert!(limits.check_caller(None, addr, 3).is_ok());
        assert!(matches!(
            limits.check_caller(None, addr, 3),
            Err(ApiError::RateLimited { retry_after }) if retry_after >= 1
        ));
        assert!(
            limits.check_caller(None, addr, 2).is_ok(),
            "nothing was taken by the refusal"
        );
        assert!(matches!(
            limits.check_caller(None, Some(ClientAddr(IpAddr::from([10, 0, 0, 1]))), 6),
            Err(ApiError::RateLimited { retry_after: 60 })
        ));
        assert!(
            limits.check_caller(None, None, 100).is_ok(),
            "no caller known: no limit"
        );
    }
}
