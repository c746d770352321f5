//! How the SDK's HTTP client decides to trust a server's certificate.
//!
//! By default reqwest (feature `rustls-no-provider`) checks certificates with
//! rustls-platform-verifier: the operating system's own verifier and trust store (the
//! Security framework on iOS and macOS, the system store on Linux and Windows, the
//! `X509TrustManager` on Android). On Android that verifier is reached through JNI and must be
//! initialized from the app (`rustls-platform-verifier`'s Android component) before the first
//! request, or every HTTPS call fails.
//!
//! With the cargo feature `bundled-roots`, the client trusts Mozilla's root certificates,
//! compiled into the library (the `webpki-roots` crate), and nothing else: no JNI, no platform
//! setup, the same answer on every device. The price is that the list is only as recent as
//! the build (ship updates), and certificates the user or an MDM profile added to the device
//! (a company's TLS-inspecting proxy, for instance) are not trusted.

#[cfg(feature = "bundled-roots")]
use std::sync::Arc;

#[cfg(feature = "bundled-roots")]
use crate::HerLeadError;

/// Makes `builder` verify servers against the bundled Mozilla roots instead of the platform
/// verifier. TLS 1.2 and 1.3 on the ring provider (the one the SDK installs), ALPN offering
/// HTTP/2 then HTTP/1.1 as reqwest does for the configurations it builds itself (a
/// preconfigured one is used as given).
#[cfg(feature = "bundled-roots")]
pub(crate) fn bundled_roots(
    builder: reqwest::ClientBuilder,
) -> Result<reqwest::ClientBuilder, HerLeadError> {
    let roots = rustls::RootCertStore {
        roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
    };
    let mut config = rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .map_err(HerLeadError::network)?
    .with_root_certificates(roots)
    .with_no_client_auth();
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Ok(builder.tls_backend_preconfigured(config))
}

#[cfg(all(test, feature = "bundled-roots"))]
mod tests {
    use super::*;

    #[test]
    fn test_reqwest_accepts_the_bundled_roots_configuration() {
        // reqwest recognizes a preconfigured backend only if it is its own rustls version's
        // `ClientConfig`; any other type fails `build()` with "Unknown TLS backend".
        let built = bundled_roots(reqwest::Client::builder())
            .and_then(|b| b.build().map_err(HerLeadError::network));
        assert!(built.is_ok(), "{built:?}");
        assert!(webpki_roots::TLS_SERVER_ROOTS.len() > 100);
    }
}
