//! The parsed document: fragment cycles, expanded selections, aliases, and NUL characters in
//! literals, variables and extensions.

use std::collections::HashMap;

use async_graphql::{
    Name, Value as ConstValue, Variables,
    parser::types::{ExecutableDocument, Field, Selection, SelectionSet},
};

use super::{AdmissionConfig, Refusal};

/// What a parsed document earns on its own: a fragment cycle, too many selections once
/// expanded, too many aliases, or a NUL in a literal string.
pub(super) fn document_refusal(
    doc: &ExecutableDocument,
    config: &AdmissionConfig,
) -> Option<Refusal> {
    let mut expansion = Expansion {
        doc,
        sizes: HashMap::new(),
        cycle: None,
    };
    let mut selections: u64 = 0;
    for (_, op) in doc.operations.iter() {
        selections = selections.saturating_add(expansion.size(&op.node.selection_set.node));
    }
    for name in doc.fragments.keys() {
        selections = selections.saturating_add(expansion.fragment(name.as_str()));
    }
    if let Some(name) = expansion.cycle {
        return Some(Refusal::plain(format!(
            "fragment {name} spreads itself, directly or through others"
        )));
    }
    if selections > config.max_selections {
        return Some(Refusal::over(
            format!(
                "the document expands to {selections} selections once its fragments are spread; at most {} are accepted",
                config.max_selections
            ),
            selections,
            config.max_selections,
        ));
    }
    let mut aliases = 0usize;
    let mut nul: Option<String> = None;
    let mut visit = |set: &SelectionSet| {
        walk_fields(set, &mut |f| {
            aliases += usize::from(f.alias.is_some());
            if nul.is_none() {
                let directives = f.directives.iter().flat_map(|d| d.node.arguments.iter());
                for (name, value) in f.arguments.iter().chain(directives) {
                    if literal_has_nul(&value.node) {
                        nul = Some(name.node.to_string());
                        break;
                    }
                }
            }
        })
    };
    for (_, op) in doc.operations.iter() {
        visit(&op.node.selection_set.node);
    }
    for fragment in doc.fragments.values() {
        visit(&fragment.node.selection_set.node);
    }
    if aliases > config.max_aliases {
        return Some(Refusal::over(
            format!(
                "the document uses {aliases} aliases; at most {} are accepted",
                config.max_aliases
            ),
            aliases,
            config.max_aliases,
        ));
    }
    if nul.is_some() {
        return nul.map(|field| Refusal::nul(Some(field)));
    }
    // Variables' defaults and the operations' own directives hold literals too.
    let operation_nul = doc.operations.iter().any(|(_, op)| {
        op.node.variable_definitions.iter().any(|v| {
            v.node
                .default_value
                .as_ref()
                .is_some_and(|d| const_has_nul(&d.node))
        }) || op.node.directives.iter().any(|d| {
            d.node
                .arguments
                .iter()
                .any(|(_, v)| literal_has_nul(&v.node))
        })
    });
    operation_nul.then(|| Refusal::nul(None))
}

/// Visits every field written in `set` (not through spreads: each fragment is visited where
/// it is defined).
pub(super) fn walk_fields(set: &SelectionSet, visit: &mut impl FnMut(&Field)) {
    for item in &set.items {
        match &item.node {
            Selection::Field(f) => {
                visit(&f.node);
                walk_fields(&f.node.selection_set.node, visit);
            }
            Selection::InlineFragment(f) => walk_fields(&f.node.selection_set.node, visit),
            Selection::FragmentSpread(_) => {}
        }
    }
}

/// Expanded sizes of selection sets, each fragment's computed once.
pub(super) struct Expansion<'a> {
    doc: &'a ExecutableDocument,
    /// `None` while a fragment is being sized: meeting it again is a cycle.
    sizes: HashMap<&'a str, Option<u64>>,
    cycle: Option<String>,
}

impl<'a> Expansion<'a> {
    fn size(&mut self, set: &'a SelectionSet) -> u64 {
        set.items
            .iter()
            .map(|item| match &item.node {
                Selection::Field(f) => 1u64.saturating_add(self.size(&f.node.selection_set.node)),
                Selection::InlineFragment(f) => {
                    1u64.saturating_add(self.size(&f.node.selection_set.node))
                }
                Selection::FragmentSpread(s) => {
                    1u64.saturating_add(self.fragment(s.node.fragment_name.node.as_str()))
                }
            })
            .fold(0, u64::saturating_add)
    }

    fn fragment(&mut self, name: &'a str) -> u64 {
        match self.sizes.get(name) {
            Some(Some(size)) => return *size,
            Some(None) => {
                self.cycle.get_or_insert_with(|| name.to_owned());
                return 0;
            }
            None => {}
        }
        let Some((key, fragment)) = self.doc.fragments.get_key_value(name) else {
            // Unknown fragments are validation's to report.
            return 0;
        };
        let key = key.as_str();
        self.sizes.insert(key, None);
        let size = self.size(&fragment.node.selection_set.node);
        self.sizes.insert(key, Some(size));
        size
    }
}

pub(super) fn literal_has_nul(value: &async_graphql_value::Value) -> bool {
    use async_graphql_value::Value;
    match value {
        Value::String(s) => s.contains('\0'),
        Value::List(items) => items.iter().any(literal_has_nul),
        Value::Object(fields) => fields.values().any(literal_has_nul),
        _ => false,
    }
}

pub(super) fn const_has_nul(value: &ConstValue) -> bool {
    match value {
        ConstValue::String(s) => s.contains('\0'),
        ConstValue::List(items) => items.iter().any(const_has_nul),
        ConstValue::Object(fields) => fields.values().any(const_has_nul),
        _ => false,
    }
}

/// The first variable holding a NUL character anywhere in its value.
pub(super) fn variable_with_nul(variables: &Variables) -> Option<&Name> {
    variables
        .iter()
        .find(|(_, value)| const_has_nul(value))
        .map(|(name, _)| name)
}
