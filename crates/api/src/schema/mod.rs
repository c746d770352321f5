//! Root query, mutation and subscription types. Each capability (mirroring core) has its own
//! module with its object types, inputs and root fields; the roots merge them here. The
//! order of the merge is the order of the root fields in the SDL, so a capability whose root
//! fields are not next to each other in `schema/schema.graphql` contributes more than one
//! object.

mod account;
mod calendar;
mod cohorts;
mod common;
mod community;
mod dashboard;
mod export;
mod guidance;
mod history;
mod imports;
mod live;
mod membership;
mod network;
mod nudges;
mod presence;
mod settings;
mod types;

pub use live::Subscription;

/// Read operations.
#[derive(async_graphql::MergedObject, Debug, Default)]
pub struct Query(
    account::AccountQuery,
    presence::PresenceQuery,
    network::NetworkQuery,
    imports::ImportsQuery,
    community::CommunityQuery,
    guidance::GuidanceQuery,
    cohorts::CohortsQuery,
    membership::MembershipQuery,
    nudges::NudgesQuery,
    history::HistoryQuery,
    export::ExportQuery,
    calendar::CalendarQuery,
);

/// Write operations.
#[derive(async_graphql::MergedObject, Debug, Default)]
pub struct Mutation(
    account::AccountMutation,
    presence::PresenceMutation,
    network::NetworkMutation,
    imports::ImportsMutation,
    community::CommunityMutation,
    cohorts::CohortsMutation,
    membership::MembershipMutation,
    nudges::NudgesMutation,
    cohorts::CohortTasksMutation,
    nudges::NudgeReadMutation,
    settings::SettingsMutation,
    calendar::CalendarMutation,
);
