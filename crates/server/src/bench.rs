//! Benchmark routes, compiled only with the `bench` feature (`cargo xtask bench` builds the
//! server with it) and served only when `HERLEAD_BENCH_BASELINE` is on: a plain actix-web
//! endpoint GraphQL scenarios are reported against, and the dashboard's aggregates computed
//! three ways. A production build has neither the routes nor the switch.

use actix_web::{HttpResponse, web};
use serde_json::json;

use crate::routes::AppState;

pub(crate) fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/bench/baseline", web::post().to(bench_baseline))
        .route(
            "/bench/aggregates/{how}/{cohort}",
            web::get().to(bench_aggregates),
        );
}

/// POST /bench/baseline (only with `HERLEAD_BENCH_BASELINE`): reads the body and answers a
/// fixed JSON document through the same middleware, so benchmarks can report GraphQL
/// scenarios as a ratio of plain actix-web on the same process.
async fn bench_baseline(state: web::Data<AppState>, body: web::Bytes) -> HttpResponse {
    if !state.limits.bench_baseline {
        return HttpResponse::NotFound().finish();
    }
    HttpResponse::Ok().json(json!({ "data": { "__typename": "Query" }, "bytes": body.len() }))
}

/// GET /bench/aggregates/{sql|computed|recomputed}/{cohort} (only with
/// `HERLEAD_BENCH_BASELINE`): a cohort's members, stalled members, task completion and sector
/// coverage, by hand-written SQL, by the dashboard's computation from scratch, or by its
/// incremental computation with one member changed since the previous call, so the benchmark
/// can compare them on the same process. No authentication: it never runs in production.
async fn bench_aggregates(
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
) -> HttpResponse {
    if !state.limits.bench_baseline {
        return HttpResponse::NotFound().finish();
    }
    let (how, cohort) = path.into_inner();
    let Ok(id) = uuid::Uuid::parse_str(&cohort) else {
        return HttpResponse::NotFound().finish();
    };
    let now = herlead_store::now();
    let store = &state.store;
    let answer = match how.as_str() {
        "sql" => store.hand_written_aggregates(id, now).await.map(|a| {
            a.map(|a| json!({"members": a.members, "stalled": a.stalled, "tasks": a.tasks, "sectors": a.sectors}))
        }),
        "computed" | "recomputed" => match store.cohort(id).await {
            Ok(Some(cohort)) if how == "computed" => {
                herlead_api::dashboard::load(store, &cohort, now).await.map(Some)
            }
            // As after one member's write: her summary is dropped, the others are reused.
            Ok(Some(cohort)) => {
                let mut members = state.bench_members.lock().await;
                let one = members.members().next();
                if let Some(one) = one {
                    members.forget(one);
                }
                herlead_api::dashboard::compute(store, &cohort, now, &mut members)
                    .await
                    .map(Some)
            }
            Ok(None) => Ok(None),
            Err(e) => Err(e),
        }
        .map(|d| d.map(|d| aggregates_json(&d.aggregates))),
        _ => return HttpResponse::NotFound().finish(),
    };
    match answer {
        Ok(Some(body)) => HttpResponse::Ok().json(body),
        Ok(None) => HttpResponse::NotFound().finish(),
        Err(e) => {
            tracing::error!(error = %e, "benchmark aggregates failed");
            HttpResponse::InternalServerError().finish()
        }
    }
}

fn aggregates_json(a: &herlead_core::cohort::Aggregates) -> serde_json::Value {
    json!({
        "members": a.members,
        "stalled": a.stalled,
        "tasks": a.task_completion.iter()
            .map(|t| (&t.task_key, t.done, t.counted)).collect::<Vec<_>>(),
        "sectors": a.sector_coverage.iter()
            .map(|s| (s.sector.as_str(), s.members)).collect::<Vec<_>>(),
    })
}
