//! Admission: what every operation passes before async-graphql parses, validates or runs it,
//! whatever the transport (HTTP POST, HTTP GET, WebSocket, or a test executing the schema).
//!
//! async-graphql's own checks (recursion depth, complexity, the validation rules) follow
//! every fragment spread, so a kilobyte of fragments that spread each other twice costs
//! exponential CPU before any limit is reached. Here the work is linear in the size of the
//! query and bounded by its length limit:
//!
//! 1. the query text: at most [`AdmissionConfig::max_query_bytes`] and
//!    [`AdmissionConfig::max_tokens`] tokens, nested at most [`AdmissionConfig::max_nesting`]
//!    brackets deep (one pass over the bytes, before parsing);
//! 2. the parsed document (cached by query text): no fragment cycle, at most
//!    [`AdmissionConfig::max_selections`] selections once every spread is expanded (counted
//!    with one memoized pass per fragment), at most [`AdmissionConfig::max_aliases`] aliases;
//! 3. no string, in a variable or a literal, that holds a NUL character (no database stores
//!    one: PostgreSQL refuses it, SQLite cuts the string there);
//! 4. the caller's quota of root fields ([`crate::limits`]);
//! 5. after validation, the complexity, reported with its cost and the limit.
//!
//! A panic in a resolver becomes an `INTERNAL` error of that operation only.

use std::{
    panic::AssertUnwindSafe,
    sync::{Arc, Mutex},
};

use async_graphql::{
    Pos, Response, ServerError, ServerResult, ValidationResult, Variables,
    extensions::{
        Extension, ExtensionContext, ExtensionFactory, NextExecute, NextParseQuery,
        NextPrepareRequest, NextSubscribe, NextValidation,
    },
    parser::{
        parse_query,
        types::{ExecutableDocument, OperationType},
    },
};
use futures_util::{FutureExt, StreamExt, stream::BoxStream};

mod document;
mod text;

use document::{const_has_nul, document_refusal, variable_with_nul};
use text::text_refusal;

use crate::{
    ApiError, Session,
    limits::{ClientAddr, RateLimits},
};

/// The limits every operation is admitted under.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AdmissionConfig {
    /// Longest query text, in bytes.
    pub max_query_bytes: usize,
    /// Deepest nesting of `{`, `[` and `(` in the query text.
    pub max_nesting: usize,
    /// Most tokens (names, numbers, strings, punctuation) in the query text: parsing costs
    /// about the same per token, whatever the bytes.
    pub max_tokens: usize,
    /// Most selections (fields, spreads, inline fragments) in a document once every fragment
    /// spread is replaced by the fragment's selections.
    pub max_selections: u64,
    /// Most aliased fields in a document.
    pub max_aliases: usize,
    /// Highest complexity: fields selected, list fields counted once per item of their page.
    pub max_complexity: usize,
}

impl Default for AdmissionConfig {
    fn default() -> Self {
        Self {
            max_query_bytes: 32 * 1024,
            max_nesting: 64,
            max_tokens: 4_000,
            max_selections: 2_000,
            max_aliases: 30,
            max_complexity: 5_000,
        }
    }
}

/// What admission learnt of a document, kept with it in the cache.
#[derive(Clone)]
struct Analyzed {
    document: ExecutableDocument,
    /// The first refusal the document earns on its own (the variables are checked apart).
    refusal: Option<Refusal>,
}

#[derive(Clone, Debug)]
struct Refusal {
    message: String,
    field: Option<String>,
    cost: Option<u64>,
    limit: Option<u64>,
}

impl Refusal {
    /// A measure over its limit: `message` says which, with both numbers.
    fn over(message: String, cost: impl TryInto<u64>, limit: impl TryInto<u64>) -> Self {
        Self {
            message,
            field: None,
            cost: Some(cost.try_into().unwrap_or(u64::MAX)),
            limit: Some(limit.try_into().unwrap_or(u64::MAX)),
        }
    }

    /// A refusal that is not about a measure.
    fn plain(message: String) -> Self {
        Self {
            message,
            field: None,
            cost: None,
            limit: None,
        }
    }

    /// A NUL character in `field` (a variable or argument name), where one is known.
    fn nul(field: Option<String>) -> Self {
        Self {
            field,
            ..Self::plain("text cannot contain the NUL character (U+0000)".into())
        }
    }

    fn into_server_error(self) -> ServerError {
        let mut error = ServerError::new(self.message, Some(Pos::default()));
        let mut extensions = async_graphql::ErrorExtensionValues::default();
        extensions.set("code", crate::ErrorCode::Validation.as_str());
        if let Some(field) = self.field {
            extensions.set("field", field);
        }
        if let Some(cost) = self.cost {
            extensions.set("cost", cost);
        }
        if let Some(limit) = self.limit {
            extensions.set("limit", limit);
        }
        error.extensions = Some(extensions);
        error.locations.clear();
        error
    }
}

/// Parsed and analyzed documents by query text, so a query a client sends again is neither
/// parsed nor analyzed again (clients send the same few documents over and over). Bounded by
/// the total length of the cached texts; documents that fail to parse are not kept, so their
/// errors come from async-graphql's own parser.
pub struct Documents {
    cache: quick_cache::sync::Cache<String, Arc<Analyzed>, TextLength>,
}

impl std::fmt::Debug for Documents {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Documents")
            .field("len", &self.cache.len())
            .finish()
    }
}

#[derive(Clone)]
struct TextLength;

impl quick_cache::Weighter<String, Arc<Analyzed>> for TextLength {
    fn weight(&self, query: &String, _: &Arc<Analyzed>) -> u64 {
        u64::try_from(query.len()).unwrap_or(u64::MAX).max(1)
    }
}

impl Default for Documents {
    fn default() -> Self {
        Self::new()
    }
}

impl Documents {
    /// Total query text kept, in bytes.
    pub const CAPACITY: u64 = 1 << 20;
    /// The longest query text kept.
    const LONGEST: usize = 16 * 1024;

    /// An empty cache.
    pub fn new() -> Self {
        Self {
            cache: quick_cache::sync::Cache::with_weighter(2048, Self::CAPACITY, TextLength),
        }
    }

    /// The analyzed document of `query`, or `None` when it does not parse. The text must
    /// have passed [`text_refusal`] (length and nesting) first.
    fn get(&self, query: &str, config: &AdmissionConfig) -> Option<Arc<Analyzed>> {
        if let Some(found) = self.cache.get(query) {
            return Some(found);
        }
        let document = parse_query(query).ok()?;
        let analyzed = Arc::new(Analyzed {
            refusal: document_refusal(&document, config),
            document,
        });
        if query.len() <= Self::LONGEST {
            self.cache.insert(query.to_owned(), analyzed.clone());
        }
        Some(analyzed)
    }

    /// The type of the operation `operation_name` (or the only one) of `query`, when the
    /// query parses, is admissible and names an operation that exists.
    pub fn operation_type(
        &self,
        query: &str,
        operation_name: Option<&str>,
        config: &AdmissionConfig,
    ) -> Option<OperationType> {
        if text_refusal(query, config).is_some() {
            return None;
        }
        let analyzed = self.get(query, config)?;
        let mut operations = analyzed.document.operations.iter();
        match operation_name {
            Some(wanted) => operations
                .find(|(name, _)| name.is_some_and(|n| n.as_str() == wanted))
                .map(|(_, op)| op.node.ty),
            // Without a name, only a document with exactly one operation can run.
            None if operations.len() == 1 => operations.next().map(|(_, op)| op.node.ty),
            None => None,
        }
    }
}

/// The admission extension; see the module documentation.
pub(crate) struct Admission {
    pub(crate) config: AdmissionConfig,
    pub(crate) documents: Arc<Documents>,
}

impl ExtensionFactory for Admission {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(AdmissionExtension {
            config: self.config,
            documents: self.documents.clone(),
            operation_name: Mutex::new(None),
        })
    }
}

struct AdmissionExtension {
    config: AdmissionConfig,
    documents: Arc<Documents>,
    operation_name: Mutex<Option<String>>,
}

#[async_graphql::async_trait::async_trait]
impl Extension for AdmissionExtension {
    async fn prepare_request(
        &self,
        ctx: &ExtensionContext<'_>,
        mut request: async_graphql::Request,
        next: NextPrepareRequest<'_>,
    ) -> ServerResult<async_graphql::Request> {
        if let Some(refusal) = text_refusal(&request.query, &self.config) {
            return Err(refusal.into_server_error());
        }
        if let Some(name) = variable_with_nul(&request.variables) {
            return Err(Refusal::nul(Some(name.to_string())).into_server_error());
        }
        if request.extensions.values().any(const_has_nul) {
            return Err(Refusal::nul(Some("extensions".into())).into_server_error());
        }
        // The document is parsed (or found in the cache) and analyzed here; a document a
        // caller may have set on the request is replaced by this one.
        if let Some(analyzed) = self.documents.get(&request.query, &self.config) {
            if let Some(refusal) = &analyzed.refusal {
                return Err(refusal.clone().into_server_error());
            }
            request.set_parsed_query(analyzed.document.clone());
        }
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
                    crate::limits::root_fields(&doc, name.as_deref()),
                )
                .await
                .map_err(|err| err.into_server_error(Pos::default()))?;
        }
        Ok(doc)
    }

    async fn validation(
        &self,
        ctx: &ExtensionContext<'_>,
        next: NextValidation<'_>,
    ) -> Result<ValidationResult, Vec<ServerError>> {
        let result = next.run(ctx).await?;
        if result.complexity > self.config.max_complexity {
            return Err(vec![Refusal::over(
                format!(
                    "the operation is too complex: it costs {} (a field counts once, a list field once per item of its page); at most {} is accepted",
                    result.complexity, self.config.max_complexity
                ),
                result.complexity,
                self.config.max_complexity,
            )
            .into_server_error()]);
        }
        Ok(result)
    }

    async fn execute(
        &self,
        ctx: &ExtensionContext<'_>,
        operation_name: Option<&str>,
        next: NextExecute<'_>,
    ) -> Response {
        match AssertUnwindSafe(next.run(ctx, operation_name))
            .catch_unwind()
            .await
        {
            Ok(response) => response,
            Err(panic) => Response::from_errors(vec![panicked(panic.as_ref())]),
        }
    }

    fn subscribe<'s>(
        &self,
        ctx: &ExtensionContext<'_>,
        stream: BoxStream<'s, Response>,
        next: NextSubscribe<'_>,
    ) -> BoxStream<'s, Response> {
        let guarded = AssertUnwindSafe(stream)
            .catch_unwind()
            .scan(false, |ended, item| {
                if *ended {
                    return futures_util::future::ready(None);
                }
                futures_util::future::ready(Some(match item {
                    Ok(response) => response,
                    Err(panic) => {
                        *ended = true;
                        Response::from_errors(vec![panicked(panic.as_ref())])
                    }
                }))
            });
        next.run(ctx, Box::pin(guarded))
    }
}

/// The error a panicking resolver turns into; the panic is logged, not shown.
fn panicked(panic: &(dyn std::any::Any + Send)) -> ServerError {
    let message = panic
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic without a message".into());
    ApiError::Internal(format!("a resolver panicked: {message}").into())
        .into_server_error(Pos::default())
}

#[cfg(test)]
mod tests {
    use super::{text::scan, *};
    use async_graphql::Value as ConstValue;

    fn analyze(query: &str) -> Option<Refusal> {
        let config = AdmissionConfig::default();
        text_refusal(query, &config)
            .or_else(|| document_refusal(&parse_query(query).expect("parses"), &config))
    }

    #[test]
    fn test_fragment_fan_out_is_counted_in_linear_time_and_refused() {
        let fragments: String = (0..70)
            .map(|i| format!("fragment F{i} on Query {{ ...F{} ...F{} }}\n", i + 1, i + 1))
            .collect();
        let query = format!("{{ ...F0 }} {fragments} fragment F70 on Query {{ __typename }}");
        let refusal = analyze(&query).expect("refused");
        assert!(refusal.message.contains("selections"), "{refusal:?}");
        assert_eq!(refusal.cost, Some(u64::MAX), "2^71 selections saturate");
        assert_eq!(refusal.limit, Some(2_000));
    }

    #[test]
    fn test_cycles_are_refused_before_anything_follows_them() {
        let refusal =
            analyze("{ ...A } fragment A on Query { ...B ...B } fragment B on Query { ...A }")
                .expect("refused");
        assert!(refusal.message.contains("spreads itself"), "{refusal:?}");
    }

    #[test]
    fn test_ordinary_documents_pass_and_expanded_size_counts_every_spread() {
        assert!(analyze("query Q($id: ID!) { contact(id: $id) { id name ...C } } fragment C on Contact { sector scope }").is_none());
        let config = AdmissionConfig {
            max_selections: 7,
            ..AdmissionConfig::default()
        };
        // Two spreads of a 3-selection fragment: 1 + (1 + 3) + (1 + 3) = 9 > 7.
        let doc = parse_query("{ me { ...U ...U } } fragment U on User { id email displayName }")
            .expect("parses");
        let refusal = document_refusal(&doc, &config).expect("over");
        assert_eq!(
            refusal.cost,
            Some(9 + 3),
            "the fragment's own definition counts too"
        );
    }

    #[test]
    fn test_nesting_and_tokens_skip_strings_and_comments() {
        let nesting = |text: &[u8]| scan(text).nesting;
        assert_eq!(nesting(b"{ a(x: \"{{{{\") { b } } # {{{{"), 2);
        assert_eq!(nesting(b"{ a(x: \"\"\" {{ \\\"\"\" {{ \"\"\") }"), 2);
        // { a ( x : "…" ) { b ...F } } = 12 tokens; commas and comments are not tokens.
        assert_eq!(
            scan(b"{ a(x: \"{ , }\") { b, ...F } } # more words").tokens,
            12
        );
        let many = format!("{{ {} }}", "a ".repeat(5000));
        let refusal = analyze(&many).expect("refused");
        assert_eq!((refusal.cost, refusal.limit), (Some(5002), Some(4000)));
        let deep = format!("{}{}", "{a".repeat(100), "}".repeat(100));
        let refusal = analyze(&deep).expect("refused");
        assert!(refusal.message.contains("nests 100"), "{refusal:?}");
    }

    #[test]
    fn test_nul_in_a_literal_names_the_argument() {
        let refusal =
            analyze("mutation { joinCohort(code: \"AB\\u0000CD\") { id } }").expect("refused");
        assert_eq!(refusal.field.as_deref(), Some("code"));
        let nested =
            analyze("mutation { addContact(input: { name: \"a\", tags: [\"x\\u0000\"] }) { id } }")
                .expect("refused");
        assert_eq!(nested.field.as_deref(), Some("input"));
        let default = analyze("query($c: String = \"x\\u0000\") { channels { key } }")
            .expect("a default value is a literal too");
        assert!(default.message.contains("NUL"), "{default:?}");
    }

    #[tokio::test]
    async fn test_a_panicking_resolver_is_an_internal_error_of_that_request_only() {
        struct Query;
        #[async_graphql::Object]
        impl Query {
            async fn boom(&self) -> i32 {
                let values: Vec<i32> = Vec::new();
                values[usize::from(values.is_empty())]
            }
            async fn fine(&self) -> i32 {
                1
            }
        }
        let schema = async_graphql::Schema::build(
            Query,
            async_graphql::EmptyMutation,
            async_graphql::EmptySubscription,
        )
        .extension(Admission {
            config: AdmissionConfig::default(),
            documents: Arc::new(Documents::new()),
        })
        .finish();
        let response = schema.execute("{ boom }").await;
        assert_eq!(response.errors.len(), 1);
        let code = response.errors[0]
            .extensions
            .as_ref()
            .and_then(|e| e.get("code").cloned());
        assert_eq!(code, Some(ConstValue::from("INTERNAL")));
        assert_eq!(response.errors[0].message, "internal server error");
        let next = schema.execute("{ fine }").await;
        assert!(next.errors.is_empty(), "{:?}", next.errors);
    }

    #[test]
    fn test_aliases_and_length_are_capped() {
        let aliases: String = (0..31).map(|i| format!("a{i}: __typename ")).collect();
        let refusal = analyze(&format!("{{ {aliases} }}")).expect("refused");
        assert_eq!((refusal.cost, refusal.limit), (Some(31), Some(30)));
        let long = format!("{{ {} }}", "__typename ".repeat(4000));
        let refusal = analyze(&long).expect("refused");
        assert!(refusal.message.contains("bytes long"), "{refusal:?}");
    }
}
