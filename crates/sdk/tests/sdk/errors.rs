//! What a failed call tells the app: the kind of network failure, the request's id, and a
//! readable text.

use std::sync::Arc;

use herlead_sdk::*;
use herlead_store::testing;
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::TcpListener,
};

use super::{client, spawn};

fn client_at(address: String, timeout_seconds: u32) -> Arc<HerLeadClient> {
    let options = ClientOptions {
        timeout_seconds,
        ..ClientOptions::default()
    };
    HerLeadClient::new(address, options, None).expect("client")
}

/// A local TCP server that answers every connection with `answer` (nothing at all when
/// `None`, holding the connection open), until the test ends.
async fn raw_server(answer: Option<&'static [u8]>) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let address = format!("127.0.0.1:{}", listener.local_addr().expect("addr").port());
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((mut socket, _)) = listener.accept().await {
            let mut buffer = [0u8; 4096];
            let _ = socket.read(&mut buffer).await;
            match answer {
                Some(bytes) => {
                    let _ = socket.write_all(bytes).await;
                    let _ = socket.shutdown().await;
                }
                None => held.push(socket),
            }
        }
    });
    address
}

fn network_kind(err: &HerLeadError) -> Option<NetworkErrorKind> {
    match err {
        HerLeadError::Network { kind, .. } => Some(*kind),
        _ => None,
    }
}

#[tokio::test]
async fn test_network_failures_say_which_kind_they_are_and_carry_the_request_id() {
    // Nobody listens on a port just released.
    let closed = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        listener.local_addr().expect("addr").port()
    };
    let err = client_at(format!("http://127.0.0.1:{closed}"), 5)
        .playbook()
        .await
        .expect_err("refused");
    assert_eq!(
        network_kind(&err),
        Some(NetworkErrorKind::Connect),
        "{err:?}"
    );
    let id = err.request_id().expect("a request id").to_owned();
    assert!(
        err.to_string().contains(&format!("(request {id})")),
        "{err}"
    );

    // A server that accepts and never answers.
    let silent = raw_server(None).await;
    let err = client_at(format!("http://{silent}"), 1)
        .playbook()
        .await
        .expect_err("timeout");
    assert_eq!(
        network_kind(&err),
        Some(NetworkErrorKind::Timeout),
        "{err:?}"
    );

    // https:// to a server that speaks plain HTTP: the handshake fails.
    let plain = raw_server(Some(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nhi")).await;
    let err = client_at(format!("https://{plain}"), 5)
        .playbook()
        .await
        .expect_err("tls");
    assert_eq!(network_kind(&err), Some(NetworkErrorKind::Tls), "{err:?}");

    // A proxy's page instead of GraphQL.
    let page =
        b"HTTP/1.1 200 OK\r\ncontent-type: text/html\r\ncontent-length: 13\r\n\r\n<html></html>";
    let proxy = raw_server(Some(page)).await;
    let err = client_at(format!("http://{proxy}"), 5)
        .playbook()
        .await
        .expect_err("not graphql");
    assert_eq!(
        network_kind(&err),
        Some(NetworkErrorKind::BadAnswer),
        "{err:?}"
    );
    assert!(err.request_id().is_some(), "{err:?}");
}

#[tokio::test]
async fn test_errors_from_the_server_carry_the_request_id_it_logged() {
    let db = testing::sqlite().await;
    let server = spawn(db, 900).await;
    let sdk = client(&server, None);
    let err = sdk.me().await.expect_err("signed out");
    assert!(
        matches!(err, HerLeadError::Unauthenticated { .. }),
        "{err:?}"
    );
    let err = sdk
        .register(
            "not an email".into(),
            "correct horse battery".into(),
            "Ada".into(),
        )
        .await
        .expect_err("bad email");
    let HerLeadError::Validation {
        field, request_id, ..
    } = &err
    else {
        panic!("{err:?}");
    };
    assert_eq!(field, "email");
    let id = request_id.as_deref().expect("a request id");
    // Readable: what, where, and the id to quote.
    assert_eq!(
        err.to_string(),
        format!("invalid email: {} (request {id})", reason(&err))
    );
    // Input refused before anything is sent has no request.
    let err = sdk
        .add_cohort_task(
            "c".into(),
            CohortTaskInput {
                title: "t".into(),
                step: PlaybookStep::Position,
                guidance: None,
                due_on: Some("15/04/2027".into()),
            },
        )
        .await
        .expect_err("bad day");
    assert_eq!(err.request_id(), None, "{err:?}");
}

fn reason(err: &HerLeadError) -> &str {
    match err {
        HerLeadError::Validation { reason, .. } => reason,
        _ => "",
    }
}
