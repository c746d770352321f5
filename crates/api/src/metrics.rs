//! Prometheus metrics: requests and latency per operation, errors per code, live
//! subscriptions, database pool use.

use std::sync::Arc;

use prometheus::{
    Encoder, HistogramOpts, HistogramVec, IntCounterVec, IntGauge, IntGaugeVec, Opts, Registry,
    TextEncoder,
};

/// The process's metrics.
pub struct Metrics {
    registry: Registry,
    /// GraphQL operations served, by operation name.
    pub requests: IntCounterVec,
    /// GraphQL operation latency in seconds, by operation name.
    pub duration: HistogramVec,
    /// GraphQL errors returned, by `extensions.code`.
    pub errors: IntCounterVec,
    /// Subscriptions currently open.
    pub subscriptions: IntGauge,
    /// Database pool connections, by state (`idle`, `in_use`).
    pub pool: IntGaugeVec,
}

impl std::fmt::Debug for Metrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Metrics").finish_non_exhaustive()
    }
}

impl Metrics {
    /// Registers every metric.
    pub fn new() -> Arc<Self> {
        let registry = Registry::new_custom(Some("herlead".into()), None).expect("a valid prefix");
        let requests = IntCounterVec::new(
            Opts::new(
                "graphql_requests_total",
                "GraphQL operations served, by operation name",
            ),
            &["operation"],
        )
        .expect("valid metric");
        let duration = HistogramVec::new(
            HistogramOpts::new(
                "graphql_request_duration_seconds",
                "GraphQL operation latency, by operation name",
            )
            .buckets(vec![
                0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0,
            ]),
            &["operation"],
        )
        .expect("valid metric");
        let errors = IntCounterVec::new(
            Opts::new("graphql_errors_total", "GraphQL errors returned, by code"),
            &["code"],
        )
        .expect("valid metric");
        let subscriptions = IntGauge::new("subscriptions_active", "Subscriptions currently open")
            .expect("valid metric");
        let pool = IntGaugeVec::new(
            Opts::new("db_pool_connections", "Database pool connections, by state"),
            &["state"],
        )
        .expect("valid metric");
        for collector in [
            Box::new(requests.clone()) as Box<dyn prometheus::core::Collector>,
            Box::new(duration.clone()),
            Box::new(errors.clone()),
            Box::new(subscriptions.clone()),
            Box::new(pool.clone()),
        ] {
            registry.register(collector).expect("unique metric names");
        }
        Arc::new(Self {
            registry,
            requests,
            duration,
            errors,
            subscriptions,
            pool,
        })
    }

    /// The Prometheus text exposition of every metric.
    pub fn render(&self) -> String {
        let mut out = Vec::new();
        if let Err(e) = TextEncoder::new().encode(&self.registry.gather(), &mut out) {
            tracing::warn!(error = %e, "cannot encode metrics");
        }
        String::from_utf8(out).unwrap_or_default()
    }

    /// A label for an operation name: the name when it is a plain GraphQL name of at most 64
    /// characters, else `other` (so clients cannot blow up the number of series).
    pub fn operation_label(name: Option<&str>) -> &str {
        match name {
            None => "anonymous",
            Some(n)
                if n.len() <= 64
                    && n.chars()
                        .next()
                        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
                    && n.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') =>
            {
                n
            }
            Some(_) => "other",
        }
    }
}

/// Counts a subscription as open while it lives.
pub(crate) struct OpenSubscription(Option<Arc<Metrics>>);

impl OpenSubscription {
    pub(crate) fn new(metrics: Option<Arc<Metrics>>) -> Self {
        if let Some(m) = &metrics {
            m.subscriptions.inc();
        }
        Self(metrics)
    }
}

impl Drop for OpenSubscription {
    fn drop(&mut self) {
        if let Some(m) = &self.0 {
            m.subscriptions.dec();
        }
    }
}
