//! The playbook: four steps, each with ordered tasks, loaded from a data file compiled into
//! this crate.

use std::{collections::HashSet, sync::LazyLock};

use serde::{Deserialize, Serialize};

/// The playbook content shipped with this build.
const PLAYBOOK_TOML: &str = include_str!("../data/playbook.toml");

/// One of the four steps of the playbook, in the order they are meant to be worked through.
#[derive(strum::IntoStaticStr, strum::EnumString, strum::VariantArray)]
#[strum(serialize_all = "SCREAMING_SNAKE_CASE")]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum PlaybookStep {
    /// Step 1: a website, a signature and consistent profiles on the right channels.
    Position,
    /// Step 2: the leaders of her industry and of every sector, and a list of people to meet.
    BringTogether,
    /// Step 3: shared values, and giving before asking.
    Dialogue,
    /// Step 4: in-person meetings and real-world communities.
    ActCollectively,
}

crate::network::storage_names!(PlaybookStep);

impl PlaybookStep {
    /// The step's number, 1 to 4.
    pub fn number(self) -> u8 {
        match self {
            PlaybookStep::Position => 1,
            PlaybookStep::BringTogether => 2,
            PlaybookStep::Dialogue => 3,
            PlaybookStep::ActCollectively => 4,
        }
    }

    /// The prefix every task key of this step starts with.
    pub fn key_prefix(self) -> &'static str {
        match self {
            PlaybookStep::Position => "position.",
            PlaybookStep::BringTogether => "bring.",
            PlaybookStep::Dialogue => "dialogue.",
            PlaybookStep::ActCollectively => "act.",
        }
    }
}

/// How a task gets done.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum TaskCompletion {
    /// Completes by itself from what she records (profiles, contacts, gives, meetings).
    Automatic,
    /// She marks it done herself.
    SelfReported,
}

/// One thing to do within a step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Task {
    /// Stable key, such as `position.website`. Stored in user data; never renamed.
    pub key: String,
    /// The step this task belongs to (filled in from the enclosing step when loading).
    #[serde(skip_deserializing, default = "default_step")]
    pub step: PlaybookStep,
    /// Short imperative title.
    pub title: String,
    /// What to do and why, in a few sentences.
    pub guidance: String,
    /// How the task completes.
    pub completion: TaskCompletion,
    /// The number to reach, where the playbook gives one (five people, fifteen names …).
    #[serde(default)]
    pub target: Option<u32>,
    /// The upper end of a range, where the playbook gives one (a list of 15 to 20 people).
    #[serde(default)]
    pub target_max: Option<u32>,
}

fn default_step() -> PlaybookStep {
    PlaybookStep::Position
}

/// One of the four steps with its content.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Step {
    /// Which step this is.
    pub key: PlaybookStep,
    /// 1 to 4.
    pub number: u8,
    /// Short title.
    pub title: String,
    /// What the step achieves, in two or three sentences.
    pub summary: String,
    /// The step's tasks, in the order to do them.
    #[serde(default)]
    pub tasks: Vec<Task>,
}

/// The whole playbook.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Playbook {
    /// Content version; changes whenever the content does.
    pub version: String,
    /// The four steps, in order.
    pub steps: Vec<Step>,
}

/// Why playbook content was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlaybookError {
    /// The text is not well-formed TOML of the expected shape.
    #[error("playbook data does not parse: {0}")]
    Parse(String),
    /// The content parses but breaks a rule.
    #[error("playbook data is invalid: {0}")]
    Invalid(String),
}

static STANDARD: LazyLock<Playbook> = LazyLock::new(|| {
    Playbook::from_toml(PLAYBOOK_TOML).expect("the embedded playbook is validated by its tests")
});

impl Playbook {
    /// The playbook shipped with this build.
    pub fn standard() -> &'static Playbook {
        &STANDARD
    }

    /// Parses and validates playbook content.
    pub fn from_toml(text: &str) -> Result<Playbook, PlaybookError> {
        let mut playbook: Playbook =
            toml::from_str(text).map_err(|e| PlaybookError::Parse(e.to_string()))?;
        for step in &mut playbook.steps {
            for task in &mut step.tasks {
                task.step = step.key;
            }
        }
        playbook.validate()?;
        Ok(playbook)
    }

    fn validate(&self) -> Result<(), PlaybookError> {
        let invalid = |msg: String| Err(PlaybookError::Invalid(msg));
        if self.version.trim().is_empty() {
            return invalid("version is empty".into());
        }
        let keys: Vec<PlaybookStep> = self.steps.iter().map(|s| s.key).collect();
        if keys != PlaybookStep::ALL {
            return invalid(format!(
                "steps must be the four steps in order, found {keys:?}"
            ));
        }
        let mut seen = HashSet::new();
        for step in &self.steps {
            if step.number != step.key.number() {
                return invalid(format!(
                    "step {:?} has number {}, expected {}",
                    step.key,
                    step.number,
                    step.key.number()
                ));
            }
            if step.title.trim().is_empty() || step.summary.trim().is_empty() {
                return invalid(format!("step {:?} needs a title and a summary", step.key));
            }
            if step.tasks.is_empty() {
                return invalid(format!("step {:?} has no tasks", step.key));
            }
            for task in &step.tasks {
                if !seen.insert(task.key.as_str()) {
                    return invalid(format!("task key {} is used twice", task.key));
                }
                let name = task.key.strip_prefix(step.key.key_prefix()).unwrap_or("");
                if name.is_empty()
                    || !name
                        .chars()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
                {
                    return invalid(format!(
                        "task key {} must be {}<lower_snake_case>",
                        task.key,
                        step.key.key_prefix()
                    ));
                }
                if task.title.trim().is_empty() || task.guidance.trim().is_empty() {
                    return invalid(format!("task {} needs a title and guidance", task.key));
                }
                match (task.target, task.target_max) {
                    (Some(0), _) => {
                        return invalid(format!("task {} has a target of zero", task.key));
                    }
                    (None, Some(_)) => {
                        return invalid(format!("task {} has target_max without target", task.key));
                    }
                    (Some(min), Some(max)) if max < min => {
                        return invalid(format!("task {} has target_max below target", task.key));
                    }
                    _ => {}
                }
            }
        }
        Ok(())
    }

    /// The content of one step.
    pub fn step(&self, key: PlaybookStep) -> &Step {
        // validate() guarantees the four steps in enum order.
        &self.steps[usize::from(key.number() - 1)]
    }

    /// Looks a task up by its key.
    pub fn task(&self, key: &str) -> Option<&Task> {
        self.tasks().find(|t| t.key == key)
    }

    /// Every task, step by step, in order.
    pub fn tasks(&self) -> impl Iterator<Item = &Task> {
        self.steps.iter().flat_map(|s| s.tasks.iter())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_embedded_playbook_is_valid() {
        let playbook = Playbook::from_toml(PLAYBOOK_TOML).expect("embedded playbook");
        assert_eq!(playbook.steps.len(), 4);
        assert!(playbook.steps.iter().all(|s| !s.tasks.is_empty()));
        assert!(playbook.tasks().all(|t| t.target.is_none_or(|n| n > 0)));
    }

    #[test]
    fn test_task_keys_named_by_the_product_exist_with_the_guides_numbers() {
        let playbook = Playbook::standard();
        for (key, target) in [
            ("position.website", None),
            ("position.tell_your_story", None),
            ("position.email_signature", None),
            ("position.consistent_profiles", None),
            ("position.audience_channels", Some(1)),
            ("bring.top5_city", Some(5)),
            ("bring.top5_country", Some(5)),
            ("bring.top5_global", Some(5)),
            ("bring.cross_sector", Some(5)),
            ("bring.meet_list", Some(15)),
            ("bring.connect", Some(15)),
            ("dialogue.values_check", None),
            ("dialogue.give_first", None),
            ("dialogue.amplify", Some(15)),
            ("dialogue.endorse_competitor", Some(1)),
            ("act.in_person", Some(1)),
            ("act.five_communities", Some(5)),
        ] {
            let task = playbook
                .task(key)
                .unwrap_or_else(|| panic!("{key} missing"));
            assert_eq!(task.target, target, "{key}");
            assert!(key.starts_with(task.step.key_prefix()));
        }
        assert_eq!(
            playbook.task("bring.meet_list").and_then(|t| t.target_max),
            Some(20)
        );
        assert_eq!(playbook.tasks().count(), 17);
        assert_eq!(
            playbook
                .task("position.tell_your_story")
                .map(|t| t.completion),
            Some(TaskCompletion::SelfReported)
        );
    }

    #[test]
    fn test_step_lookup_matches_number() {
        let playbook = Playbook::standard();
        for &key in PlaybookStep::ALL {
            assert_eq!(playbook.step(key).key, key);
            assert_eq!(playbook.step(key).number, key.number());
        }
    }

    fn minimal(tasks_of_first_step: &str) -> String {
        let mut text = String::from("version = \"t\"\n");
        for (key, prefix) in [
            ("POSITION", "position"),
            ("BRING_TOGETHER", "bring"),
            ("DIALOGUE", "dialogue"),
            ("ACT_COLLECTIVELY", "act"),
        ] {
            let number = PlaybookStep::ALL
                .iter()
                .position(|s| format!("{s:?}").to_uppercase() == key.replace('_', ""))
                .map_or(0, |i| i + 1);
            text.push_str(&format!(
                "[[steps]]\nkey = \"{key}\"\nnumber = {number}\ntitle = \"T\"\nsummary = \"S\"\n"
            ));
            if key == "POSITION" {
                text.push_str(tasks_of_first_step);
            } else {
                text.push_str(&format!(
                    "[[steps.tasks]]\nkey = \"{prefix}.a\"\ntitle = \"T\"\nguidance = \"G\"\ncompletion = \"SELF_REPORTED\"\n"
                ));
            }
        }
        text
    }

    const TASK_A: &str = "[[steps.tasks]]\nkey = \"position.a\"\ntitle = \"T\"\nguidance = \"G\"\ncompletion = \"AUTOMATIC\"\n";

    #[test]
    fn test_minimal_playbook_parses() {
        let playbook = Playbook::from_toml(&minimal(TASK_A)).expect("valid");
        assert_eq!(playbook.tasks().count(), 4);
        assert_eq!(
            playbook.task("dialogue.a").map(|t| t.step),
            Some(PlaybookStep::Dialogue)
        );
    }

    #[test]
    fn test_invalid_playbooks_are_refused() {
        let cases = [
            (minimal(""), "has no tasks"),
            (minimal(&TASK_A.repeat(2)), "used twice"),
            (
                minimal(&TASK_A.replace("position.a", "bring.b")),
                "must be position.",
            ),
            (minimal(&format!("{TASK_A}target = 0\n")), "target of zero"),
            (
                minimal(&format!("{TASK_A}target = 5\ntarget_max = 4\n")),
                "below target",
            ),
            (
                minimal(&format!("{TASK_A}target_max = 4\n")),
                "without target",
            ),
            (
                minimal(TASK_A).replace("number = 2", "number = 3"),
                "number",
            ),
            (
                minimal(TASK_A).replace("key = \"DIALOGUE\"", "key = \"POSITION\""),
                "four steps in order",
            ),
        ];
        for (text, expected) in cases {
            let err = Playbook::from_toml(&text).expect_err(expected);
            assert!(err.to_string().contains(expected), "{err} vs {expected}");
        }
        assert!(matches!(
            Playbook::from_toml("version = 1"),
            Err(PlaybookError::Parse(_))
        ));
        assert!(matches!(
            Playbook::from_toml(&minimal(&format!("{TASK_A}colour = \"red\"\n"))),
            Err(PlaybookError::Parse(_))
        ));
    }
}
