//! Settings from flags and `HERLEAD_*` environment variables, checked before anything starts.

use std::{net::SocketAddr, path::PathBuf, time::Duration};

use clap::{ArgAction, Args, ValueEnum};

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    /// Human-readable, coloured when writing to a terminal.
    Pretty,
    /// One JSON object per line, for log collectors.
    Json,
}

/// The raw settings as given on the command line or in the environment.
#[derive(Debug, Clone, Args)]
pub struct ConfigArgs {
    /// Address and port to listen on.
    #[arg(
        long,
        env = "HERLEAD_BIND",
        default_value = "127.0.0.1:8080",
        global = true
    )]
    pub bind: String,
    /// `sqlite://PATH` (created if missing) or `postgres://USER:PASS@HOST/DB`.
    #[arg(
        long,
        env = "HERLEAD_DATABASE_URL",
        default_value = "sqlite://herlead.db",
        global = true
    )]
    pub database_url: String,
    /// HMAC secret for access tokens, at least 32 bytes. When unset, one is generated on first
    /// run and kept in the data directory.
    #[arg(
        long,
        env = "HERLEAD_JWT_SECRET",
        hide_env_values = true,
        global = true
    )]
    pub jwt_secret: Option<String>,
    /// Where generated state (the JWT secret) is kept.
    #[arg(long, env = "HERLEAD_DATA_DIR", default_value = ".", global = true)]
    pub data_dir: PathBuf,
    /// Log format.
    #[arg(
        long,
        env = "HERLEAD_LOG_FORMAT",
        value_enum,
        default_value = "pretty",
        global = true
    )]
    pub log_format: LogFormat,
    /// Answer introspection queries (GraphiQL's docs need them).
    #[arg(long, env = "HERLEAD_INTROSPECTION", default_value_t = true, action = ArgAction::Set, global = true)]
    pub introspection: bool,
    /// Deepest query nesting accepted.
    #[arg(long, env = "HERLEAD_MAX_DEPTH", default_value_t = 16, global = true)]
    pub max_depth: usize,
    /// Highest query complexity accepted (list fields count once per item of their page).
    #[arg(
        long,
        env = "HERLEAD_MAX_COMPLEXITY",
        default_value_t = 5000,
        global = true
    )]
    pub max_complexity: usize,
    /// Largest request body accepted, in bytes.
    #[arg(
        long,
        env = "HERLEAD_BODY_LIMIT",
        default_value_t = 262_144,
        global = true
    )]
    pub body_limit: usize,
    /// Largest contact file accepted in an upload (`previewImport`), in bytes.
    #[arg(
        long,
        env = "HERLEAD_UPLOAD_LIMIT",
        default_value_t = 8_388_608,
        global = true
    )]
    pub upload_limit: usize,
    /// Access token lifetime, in seconds.
    #[arg(
        long,
        env = "HERLEAD_ACCESS_TOKEN_TTL",
        default_value_t = 900,
        global = true
    )]
    pub access_token_ttl: u64,
    /// Refresh token lifetime, in seconds.
    #[arg(
        long,
        env = "HERLEAD_REFRESH_TOKEN_TTL",
        default_value_t = 2_592_000,
        global = true
    )]
    pub refresh_token_ttl: u64,
    /// HTTP worker threads (default: one per core).
    #[arg(long, env = "HERLEAD_WORKERS", global = true)]
    pub workers: Option<usize>,
    /// Production mode: introspection, GraphiQL and field suggestions off.
    #[arg(long, env = "HERLEAD_PRODUCTION", default_value_t = false, action = ArgAction::Set, global = true)]
    pub production: bool,
    /// Web origins allowed to call the API from a browser, comma-separated (none by default).
    #[arg(
        long,
        env = "HERLEAD_CORS_ORIGINS",
        value_delimiter = ',',
        global = true
    )]
    pub cors_origins: Vec<String>,
    /// Most operations in one batched request.
    #[arg(long, env = "HERLEAD_MAX_BATCH", default_value_t = 10, global = true)]
    pub max_batch: usize,
    /// Most aliased fields in one operation.
    #[arg(long, env = "HERLEAD_MAX_ALIASES", default_value_t = 30, global = true)]
    pub max_aliases: usize,
    /// Longest GraphQL query text accepted, in bytes.
    #[arg(
        long,
        env = "HERLEAD_MAX_QUERY_BYTES",
        default_value_t = 32_768,
        global = true
    )]
    pub max_query_bytes: usize,
    /// Most selections in a query once its fragments are expanded.
    #[arg(
        long,
        env = "HERLEAD_MAX_SELECTIONS",
        default_value_t = 2_000,
        global = true
    )]
    pub max_selections: u64,
    /// Most subscriptions open at once on one WebSocket connection (0: no limit).
    #[arg(
        long,
        env = "HERLEAD_MAX_SUBSCRIPTIONS_PER_SOCKET",
        default_value_t = 20,
        global = true
    )]
    pub max_subscriptions_per_socket: usize,
    /// Most subscriptions open at once for one account on this server (0: no limit).
    #[arg(
        long,
        env = "HERLEAD_MAX_SUBSCRIPTIONS_PER_USER",
        default_value_t = 40,
        global = true
    )]
    pub max_subscriptions_per_user: usize,
    /// Proxies (addresses or CIDR ranges, comma-separated) whose `X-Forwarded-For` names the
    /// client; from any other peer the header is ignored (none by default).
    #[arg(
        long,
        env = "HERLEAD_TRUSTED_PROXIES",
        value_delimiter = ',',
        global = true
    )]
    pub trusted_proxies: Vec<String>,
    /// Serve /metrics on this separate address (for example 127.0.0.1:9090) instead of the
    /// main one. In production mode /metrics is served only here.
    #[arg(long, env = "HERLEAD_METRICS_BIND", global = true)]
    pub metrics_bind: Option<String>,
    /// Seconds a request may run before it is abandoned.
    #[arg(
        long,
        env = "HERLEAD_REQUEST_TIMEOUT",
        default_value_t = 30,
        global = true
    )]
    pub request_timeout: u64,
    /// Sign-in, registration and refresh calls per minute per client address (0: off).
    #[arg(
        long,
        env = "HERLEAD_RATE_AUTH_PER_ADDRESS",
        default_value_t = 30,
        global = true
    )]
    pub rate_auth_per_address: u32,
    /// Sign-in attempts per minute per account (0: off).
    #[arg(
        long,
        env = "HERLEAD_RATE_LOGIN_PER_ACCOUNT",
        default_value_t = 10,
        global = true
    )]
    pub rate_login_per_account: u32,
    /// Serve `POST /bench/baseline`, a plain JSON endpoint benchmarks compare against (only
    /// in a build with the `bench` feature).
    #[cfg(feature = "bench")]
    #[arg(long, env = "HERLEAD_BENCH_BASELINE", default_value_t = false, action = ArgAction::Set, global = true, hide = true)]
    pub bench_baseline: bool,
    /// Serve Prometheus metrics at /metrics.
    #[arg(long, env = "HERLEAD_METRICS", default_value_t = true, action = ArgAction::Set, global = true)]
    pub metrics: bool,
    /// Log database statements slower than this many milliseconds.
    #[arg(
        long,
        env = "HERLEAD_SLOW_QUERY_MS",
        default_value_t = 200,
        global = true
    )]
    pub slow_query_ms: u64,
    /// Root fields per minute per signed-in user, or per address when anonymous (0: off).
    #[arg(
        long,
        env = "HERLEAD_RATE_FIELDS_PER_CALLER",
        default_value_t = 600,
        global = true
    )]
    pub rate_fields_per_caller: u32,
}

/// A setting that cannot be used, named as the user would set it.
#[derive(Debug, thiserror::Error)]
#[error("{setting}: {message}")]
pub struct ConfigError {
    /// The environment variable (and flag) at fault.
    pub setting: &'static str,
    /// What is wrong with it.
    pub message: String,
}

impl ConfigError {
    fn new(setting: &'static str, message: impl Into<String>) -> Self {
        Self {
            setting,
            message: message.into(),
        }
    }
}

impl ConfigArgs {
    /// Every setting at its default, ignoring `HERLEAD_*` variables: where code that builds a
    /// [`Config`] itself (tests, embedders) starts, with the same defaults as the command line.
    pub fn defaults() -> ConfigArgs {
        use clap::{FromArgMatches, Parser};
        #[derive(Parser)]
        struct Defaults {
            #[command(flatten)]
            args: ConfigArgs,
        }
        let command = <Defaults as clap::CommandFactory>::command().mut_args(|a| a.env(None));
        let matches = command
            .try_get_matches_from(["herlead"])
            .unwrap_or_else(|e| unreachable!("the defaults parse: {e}"));
        Defaults::from_arg_matches(&matches)
            .unwrap_or_else(|e| unreachable!("the defaults parse: {e}"))
            .args
    }
}

/// Validated settings.
#[derive(Debug, Clone)]
pub struct Config {
    /// Where to listen.
    pub bind: SocketAddr,
    /// Normalized database URL (SQLite URLs get `mode=rwc`).
    pub database_url: String,
    /// Explicit JWT secret, if one was given.
    pub jwt_secret: Option<Vec<u8>>,
    /// Where generated state lives.
    pub data_dir: PathBuf,
    /// Log format.
    pub log_format: LogFormat,
    /// Introspection on or off.
    pub introspection: bool,
    /// Query depth limit.
    pub max_depth: usize,
    /// Query complexity limit.
    pub max_complexity: usize,
    /// Request body limit in bytes.
    pub body_limit: usize,
    /// Largest uploaded file in bytes.
    pub upload_limit: usize,
    /// Access token lifetime.
    pub access_token_ttl: Duration,
    /// Refresh token lifetime.
    pub refresh_token_ttl: Duration,
    /// HTTP worker threads; `None` for one per core.
    pub workers: Option<usize>,
    /// Production mode.
    pub production: bool,
    /// Allowed browser origins.
    pub cors_origins: Vec<String>,
    /// Batch size cap.
    pub max_batch: usize,
    /// Alias cap per operation.
    pub max_aliases: usize,
    /// Query length cap.
    pub max_query_bytes: usize,
    /// Expanded selection cap.
    pub max_selections: u64,
    /// Subscriptions per socket.
    pub max_subscriptions_per_socket: usize,
    /// Subscriptions per account.
    pub max_subscriptions_per_user: usize,
    /// Proxies trusted to name the client.
    pub trusted_proxies: Vec<ipnet::IpNet>,
    /// Separate address for /metrics.
    pub metrics_bind: Option<SocketAddr>,
    /// Request timeout.
    pub request_timeout: Duration,
    /// Rate limits.
    pub rate_limits: herlead_api::limits::RateLimitConfig,
    /// Serve /metrics.
    pub metrics: bool,
    /// Serve the benchmark endpoints.
    #[cfg(feature = "bench")]
    pub bench_baseline: bool,
    /// Slow statement threshold.
    pub slow_query: Duration,
}

impl Config {
    /// Checks raw settings; the first bad one is reported by name.
    pub fn from_args(args: ConfigArgs) -> Result<Config, ConfigError> {
        let bind = args.bind.parse::<SocketAddr>().map_err(|_| {
            ConfigError::new(
                "HERLEAD_BIND",
                format!(
                    "{:?} is not an address:port such as 127.0.0.1:8080",
                    args.bind
                ),
            )
        })?;
        let database_url = normalize_database_url(&args.database_url)?;
        let jwt_secret = match args.jwt_secret {
            Some(secret) if secret.len() < herlead_api::MIN_SECRET_LEN => {
                return Err(ConfigError::new(
                    "HERLEAD_JWT_SECRET",
                    format!(
                        "must be at least {} bytes long",
                        herlead_api::MIN_SECRET_LEN
                    ),
                ));
            }
            Some(secret) => Some(secret.into_bytes()),
            None => None,
        };
        let positive = |setting: &'static str, value: usize| {
            if value == 0 {
                Err(ConfigError::new(setting, "must be greater than zero"))
            } else {
                Ok(value)
            }
        };
        positive("HERLEAD_MAX_DEPTH", args.max_depth)?;
        positive("HERLEAD_MAX_COMPLEXITY", args.max_complexity)?;
        positive("HERLEAD_BODY_LIMIT", args.body_limit)?;
        positive("HERLEAD_UPLOAD_LIMIT", args.upload_limit)?;
        if let Some(workers) = args.workers {
            positive("HERLEAD_WORKERS", workers)?;
        }
        positive("HERLEAD_MAX_BATCH", args.max_batch)?;
        positive("HERLEAD_MAX_ALIASES", args.max_aliases)?;
        positive("HERLEAD_MAX_QUERY_BYTES", args.max_query_bytes)?;
        positive(
            "HERLEAD_MAX_SELECTIONS",
            usize::try_from(args.max_selections).unwrap_or(usize::MAX),
        )?;
        let trusted_proxies = args
            .trusted_proxies
            .iter()
            .filter(|p| !p.trim().is_empty())
            .map(|p| {
                let p = p.trim();
                p.parse::<ipnet::IpNet>()
                    .or_else(|_| p.parse::<std::net::IpAddr>().map(ipnet::IpNet::from))
                    .map_err(|_| {
                        ConfigError::new(
                            "HERLEAD_TRUSTED_PROXIES",
                            format!("{p:?} is not an address or range such as 10.0.0.0/8"),
                        )
                    })
            })
            .collect::<Result<Vec<_>, _>>()?;
        let metrics_bind = args
            .metrics_bind
            .as_deref()
            .map(|raw| {
                raw.parse::<SocketAddr>().map_err(|_| {
                    ConfigError::new(
                        "HERLEAD_METRICS_BIND",
                        format!("{raw:?} is not an address:port such as 127.0.0.1:9090"),
                    )
                })
            })
            .transpose()?;
        positive(
            "HERLEAD_REQUEST_TIMEOUT",
            usize::try_from(args.request_timeout).unwrap_or(usize::MAX),
        )?;
        for origin in &args.cors_origins {
            let ok = (origin.starts_with("https://") || origin.starts_with("http://"))
                && !origin.ends_with('/')
                && !origin.contains('*');
            if !ok {
                return Err(ConfigError::new(
                    "HERLEAD_CORS_ORIGINS",
                    format!("{origin:?} is not an origin such as https://app.example.org"),
                ));
            }
        }
        if args.access_token_ttl == 0 || args.access_token_ttl > 24 * 3600 {
            return Err(ConfigError::new(
                "HERLEAD_ACCESS_TOKEN_TTL",
                "must be between 1 and 86400 seconds",
            ));
        }
        if args.refresh_token_ttl < args.access_token_ttl {
            return Err(ConfigError::new(
                "HERLEAD_REFRESH_TOKEN_TTL",
                "must not be shorter than HERLEAD_ACCESS_TOKEN_TTL",
            ));
        }
        Ok(Config {
            bind,
            database_url,
            jwt_secret,
            data_dir: args.data_dir,
            log_format: args.log_format,
            introspection: args.introspection,
            max_depth: args.max_depth,
            max_complexity: args.max_complexity,
            body_limit: args.body_limit,
            upload_limit: args.upload_limit,
            access_token_ttl: Duration::from_secs(args.access_token_ttl),
            refresh_token_ttl: Duration::from_secs(args.refresh_token_ttl),
            workers: args.workers,
            production: args.production,
            cors_origins: args.cors_origins,
            max_batch: args.max_batch,
            max_aliases: args.max_aliases,
            max_query_bytes: args.max_query_bytes,
            max_selections: args.max_selections,
            max_subscriptions_per_socket: args.max_subscriptions_per_socket,
            max_subscriptions_per_user: args.max_subscriptions_per_user,
            trusted_proxies,
            metrics_bind,
            request_timeout: Duration::from_secs(args.request_timeout),
            metrics: args.metrics,
            #[cfg(feature = "bench")]
            bench_baseline: args.bench_baseline,
            slow_query: Duration::from_millis(args.slow_query_ms),
            rate_limits: herlead_api::limits::RateLimitConfig {
                auth_per_address: args.rate_auth_per_address,
                login_per_account: args.rate_login_per_account,
                fields_per_caller: args.rate_fields_per_caller,
            },
        })
    }
}

fn normalize_database_url(raw: &str) -> Result<String, ConfigError> {
    let url = raw.trim();
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        return Ok(url.to_owned());
    }
    if let Some(rest) = url.strip_prefix("sqlite:") {
        let path = rest.trim_start_matches("//");
        if path.is_empty() || path.starts_with('?') {
            return Err(ConfigError::new(
                "HERLEAD_DATABASE_URL",
                "a SQLite URL needs a file path, such as sqlite://herlead.db",
            ));
        }
        if url.contains("mode=") {
            return Ok(url.to_owned());
        }
        let separator = if url.contains('?') { '&' } else { '?' };
        return Ok(format!("{url}{separator}mode=rwc"));
    }
    Err(ConfigError::new(
        "HERLEAD_DATABASE_URL",
        format!("{url:?} is neither sqlite://PATH nor postgres://…"),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Parser)]
    struct Wrapper {
        #[command(flatten)]
        args: ConfigArgs,
    }

    fn parse(extra: &[&str]) -> Result<Config, ConfigError> {
        let mut argv = vec!["herlead"];
        argv.extend_from_slice(extra);
        Config::from_args(Wrapper::try_parse_from(argv).expect("clap parses").args)
    }

    #[test]
    fn test_defaults_are_valid() {
        let config = parse(&[]).expect("defaults");
        assert_eq!(config.bind.to_string(), "127.0.0.1:8080");
        assert_eq!(config.database_url, "sqlite://herlead.db?mode=rwc");
        assert_eq!(config.body_limit, 262_144);
        assert_eq!(config.max_complexity, 5_000, "the README's number");
        assert!(config.introspection);
        assert!(config.trusted_proxies.is_empty());
    }

    #[test]
    fn test_bad_settings_are_named() {
        for (args, setting) in [
            (vec!["--bind", "localhost"], "HERLEAD_BIND"),
            (vec!["--database-url", "mysql://x"], "HERLEAD_DATABASE_URL"),
            (vec!["--database-url", "sqlite://"], "HERLEAD_DATABASE_URL"),
            (vec!["--jwt-secret", "short"], "HERLEAD_JWT_SECRET"),
            (vec!["--max-depth", "0"], "HERLEAD_MAX_DEPTH"),
            (vec!["--body-limit", "0"], "HERLEAD_BODY_LIMIT"),
            (
                vec!["--trusted-proxies", "10.0.0.0/33"],
                "HERLEAD_TRUSTED_PROXIES",
            ),
            (
                vec!["--trusted-proxies", "proxy"],
                "HERLEAD_TRUSTED_PROXIES",
            ),
            (vec!["--metrics-bind", "9090"], "HERLEAD_METRICS_BIND"),
            (vec!["--max-query-bytes", "0"], "HERLEAD_MAX_QUERY_BYTES"),
            (vec!["--access-token-ttl", "0"], "HERLEAD_ACCESS_TOKEN_TTL"),
            (
                vec!["--access-token-ttl", "600", "--refresh-token-ttl", "60"],
                "HERLEAD_REFRESH_TOKEN_TTL",
            ),
        ] {
            let err = parse(&args).expect_err(setting);
            assert_eq!(err.setting, setting);
            assert!(err.to_string().starts_with(setting));
        }
    }

    #[test]
    fn test_database_urls_are_normalized() {
        for (raw, expected) in [
            ("sqlite://data/h.db", "sqlite://data/h.db?mode=rwc"),
            (
                "sqlite:h.db?cache=shared",
                "sqlite:h.db?cache=shared&mode=rwc",
            ),
            ("sqlite://h.db?mode=ro", "sqlite://h.db?mode=ro"),
            ("postgres://u:p@h/db", "postgres://u:p@h/db"),
        ] {
            assert_eq!(normalize_database_url(raw).expect(raw), expected);
        }
    }
}
