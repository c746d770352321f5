//! The keys of the playbook's tasks, as a type: code names a task by a constant, never by a
//! string it could misspell, and input naming a task is parsed into one.

use std::fmt;

use crate::error::ValidationError;

/// The key of one task of the standard playbook (`position.website`, …): the stable name
/// storage, the API and the SDK use for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TaskKey(&'static str);

macro_rules! key {
    ($name:ident = $key:literal) => {
        #[doc = concat!("`", $key, "`.")]
        pub const $name: TaskKey = TaskKey($key);
    };
}

impl TaskKey {
    key!(POSITION_WEBSITE = "position.website");
    key!(POSITION_TELL_YOUR_STORY = "position.tell_your_story");
    key!(POSITION_EMAIL_SIGNATURE = "position.email_signature");
    key!(POSITION_CONSISTENT_PROFILES = "position.consistent_profiles");
    key!(POSITION_AUDIENCE_CHANNELS = "position.audience_channels");
    key!(BRING_TOP5_CITY = "bring.top5_city");
    key!(BRING_TOP5_COUNTRY = "bring.top5_country");
    key!(BRING_TOP5_GLOBAL = "bring.top5_global");
    key!(BRING_CROSS_SECTOR = "bring.cross_sector");
    key!(BRING_MEET_LIST = "bring.meet_list");
    key!(BRING_CONNECT = "bring.connect");
    key!(DIALOGUE_VALUES_CHECK = "dialogue.values_check");
    key!(DIALOGUE_GIVE_FIRST = "dialogue.give_first");
    key!(DIALOGUE_AMPLIFY = "dialogue.amplify");
    key!(DIALOGUE_ENDORSE_COMPETITOR = "dialogue.endorse_competitor");
    key!(ACT_IN_PERSON = "act.in_person");
    key!(ACT_FIVE_COMMUNITIES = "act.five_communities");

    /// Every task's key, in playbook order.
    pub const ALL: [TaskKey; 17] = [
        TaskKey::POSITION_WEBSITE,
        TaskKey::POSITION_TELL_YOUR_STORY,
        TaskKey::POSITION_EMAIL_SIGNATURE,
        TaskKey::POSITION_CONSISTENT_PROFILES,
        TaskKey::POSITION_AUDIENCE_CHANNELS,
        TaskKey::BRING_TOP5_CITY,
        TaskKey::BRING_TOP5_COUNTRY,
        TaskKey::BRING_TOP5_GLOBAL,
        TaskKey::BRING_CROSS_SECTOR,
        TaskKey::BRING_MEET_LIST,
        TaskKey::BRING_CONNECT,
        TaskKey::DIALOGUE_VALUES_CHECK,
        TaskKey::DIALOGUE_GIVE_FIRST,
        TaskKey::DIALOGUE_AMPLIFY,
        TaskKey::DIALOGUE_ENDORSE_COMPETITOR,
        TaskKey::ACT_IN_PERSON,
        TaskKey::ACT_FIVE_COMMUNITIES,
    ];

    /// Reads a task key from the `field` input: one of the playbook's, nothing else.
    pub fn parse(field: &'static str, raw: &str) -> Result<TaskKey, ValidationError> {
        TaskKey::ALL
            .into_iter()
            .find(|k| k.0 == raw)
            .ok_or_else(|| ValidationError::new(field, "no task of the playbook has this key"))
    }

    /// The key as stored and sent.
    pub const fn as_str(self) -> &'static str {
        self.0
    }
}

impl fmt::Display for TaskKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}

impl PartialEq<str> for TaskKey {
    fn eq(&self, other: &str) -> bool {
        self.0 == other
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Playbook;

    #[test]
    fn test_keys_are_the_playbooks_tasks_in_order() {
        let playbook: Vec<&str> = Playbook::standard()
            .tasks()
            .map(|t| t.key.as_str())
            .collect();
        let ours: Vec<&str> = TaskKey::ALL.iter().map(|k| k.as_str()).collect();
        assert_eq!(ours, playbook);
    }

    #[test]
    fn test_parse_accepts_only_playbook_keys() {
        assert_eq!(
            TaskKey::parse("taskKey", "bring.connect"),
            Ok(TaskKey::BRING_CONNECT)
        );
        let err = TaskKey::parse("taskKey", "bring.nope").expect_err("unknown");
        assert_eq!(err.field, "taskKey");
        assert!(TaskKey::parse("taskKey", "").is_err());
        assert!(TaskKey::parse("taskKey", " bring.connect").is_err());
    }
}
