//! Gives every error a code, including the ones async-graphql raises itself.

use std::sync::Arc;

use async_graphql::{
    Response,
    extensions::{Extension, ExtensionContext, ExtensionFactory, NextRequest},
};

use crate::ErrorCode;

/// Errors raised before any resolver runs (syntax, unknown fields, bad enum values, depth and
/// complexity limits, input coercion) carry no code of their own; all are the client's, so
/// they get `VALIDATION`.
pub(crate) struct ErrorCodes;

impl ExtensionFactory for ErrorCodes {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(ErrorCodesExtension)
    }
}

struct ErrorCodesExtension;

#[async_graphql::async_trait::async_trait]
impl Extension for ErrorCodesExtension {
    async fn request(&self, ctx: &ExtensionContext<'_>, next: NextRequest<'_>) -> Response {
        let mut response = next.run(ctx).await;
        let metrics = ctx.data_opt::<Arc<crate::metrics::Metrics>>();
        for error in &mut response.errors {
            let extensions = error.extensions.get_or_insert_with(Default::default);
            if extensions.get("code").is_none() {
                extensions.set("code", ErrorCode::Validation.as_str());
            }
            if let (Some(m), Some(async_graphql::Value::String(code))) =
                (metrics, extensions.get("code"))
            {
                m.errors.with_label_values(&[code.as_str()]).inc();
            }
        }
        response
    }
}
