//! An explainable sector suggestion from a contact's company and position.
//!
//! Text is compared word by word after folding case and accents ("Investigación" and
//! "investigacion" match), so "Radio" matches in "Radio Nacional" but not in "Radiología".
//! Keyword tables cover English and Spanish.
//!
//! Precedence, first hit wins:
//! 1. a strong position: a role that belongs to one sector whoever the employer is
//!    (journalist / periodista, senator / senadora, minister / ministra, professor /
//!    profesora, ambassador / embajadora, mayor / alcaldesa, member of congress / diputada);
//! 2. a keyword in the company (university, ministry, newspaper, foundation, …);
//! 3. a keyword in the position;
//! 4. a company-form suffix in the company (Inc, LLC, S.A., GmbH, …): private.
//!
//! Within one field the leftmost keyword wins ("Radio Universidad de Chile" is media).
//! "Agency" / "agencia" is deliberately not a keyword: ad and travel agencies are private.

use herlead_core::network::Sector;
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// A suggested sector and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suggestion {
    /// The sector suggested.
    pub sector: Sector,
    /// What in the contact's data suggested it.
    pub because: Reason,
}

/// The evidence behind a [`Suggestion`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reason {
    /// The contact field the words were found in: `company` or `jobTitle` (the contact's
    /// spelling, which the API shows as it is).
    pub field: &'static str,
    /// The words that matched, as written in that field.
    pub matched: String,
    /// A stable code for the rule: `UNIVERSITY`, `MINISTRY`, `NEWSPAPER`, `COMPANY_SUFFIX`, …
    pub rule: &'static str,
}

type Table = &'static [(&'static str, Sector, &'static str)];

/// Roles that settle the sector on their own.
const STRONG_POSITIONS: Table = &[
    ("journalist", Sector::Media, "JOURNALIST"),
    ("periodista", Sector::Media, "JOURNALIST"),
    ("reporter", Sector::Media, "JOURNALIST"),
    ("reportera", Sector::Media, "JOURNALIST"),
    ("reportero", Sector::Media, "JOURNALIST"),
    ("senator", Sector::Public, "LEGISLATOR"),
    ("senadora", Sector::Public, "LEGISLATOR"),
    ("senador", Sector::Public, "LEGISLATOR"),
    ("diputada", Sector::Public, "LEGISLATOR"),
    ("diputado", Sector::Public, "LEGISLATOR"),
    ("congresswoman", Sector::Public, "LEGISLATOR"),
    ("congressman", Sector::Public, "LEGISLATOR"),
    ("member of parliament", Sector::Public, "LEGISLATOR"),
    ("minister", Sector::Public, "MINISTER"),
    ("ministra", Sector::Public, "MINISTER"),
    ("ministro", Sector::Public, "MINISTER"),
    ("ambassador", Sector::Public, "AMBASSADOR"),
    ("embajadora", Sector::Public, "AMBASSADOR"),
    ("embajador", Sector::Public, "AMBASSADOR"),
    ("mayor", Sector::Public, "MAYOR"),
    ("alcaldesa", Sector::Public, "MAYOR"),
    ("alcalde", Sector::Public, "MAYOR"),
    ("professor", Sector::Academia, "PROFESSOR"),
    ("profesora", Sector::Academia, "PROFESSOR"),
    ("profesor", Sector::Academia, "PROFESSOR"),
    ("catedratica", Sector::Academia, "PROFESSOR"),
    ("catedratico", Sector::Academia, "PROFESSOR"),
];

/// Words that name an institution's sector, in a company or (weaker) a position.
const KEYWORDS: Table = &[
    ("university", Sector::Academia, "UNIVERSITY"),
    ("universidad", Sector::Academia, "UNIVERSITY"),
    ("college", Sector::Academia, "COLLEGE"),
    ("instituto", Sector::Academia, "INSTITUTE"),
    ("institute", Sector::Academia, "INSTITUTE"),
    ("research", Sector::Academia, "RESEARCH"),
    ("investigacion", Sector::Academia, "RESEARCH"),
    ("researcher", Sector::Academia, "RESEARCH"),
    ("investigadora", Sector::Academia, "RESEARCH"),
    ("investigador", Sector::Academia, "RESEARCH"),
    ("school", Sector::Academia, "SCHOOL"),
    ("escuela", Sector::Academia, "SCHOOL"),
    ("ministry", Sector::Public, "MINISTRY"),
    ("ministerio", Sector::Public, "MINISTRY"),
    ("government", Sector::Public, "GOVERNMENT"),
    ("gobierno", Sector::Public, "GOVERNMENT"),
    ("municipality", Sector::Public, "MUNICIPALITY"),
    ("municipalidad", Sector::Public, "MUNICIPALITY"),
    ("alcaldia", Sector::Public, "MUNICIPALITY"),
    ("ayuntamiento", Sector::Public, "MUNICIPALITY"),
    ("city council", Sector::Public, "MUNICIPALITY"),
    ("senate", Sector::Public, "LEGISLATURE"),
    ("senado", Sector::Public, "LEGISLATURE"),
    ("congress", Sector::Public, "LEGISLATURE"),
    ("congreso", Sector::Public, "LEGISLATURE"),
    ("parliament", Sector::Public, "LEGISLATURE"),
    ("parlamento", Sector::Public, "LEGISLATURE"),
    ("embassy", Sector::Public, "EMBASSY"),
    ("embajada", Sector::Public, "EMBASSY"),
    ("newspaper", Sector::Media, "NEWSPAPER"),
    ("periodico", Sector::Media, "NEWSPAPER"),
    ("diario", Sector::Media, "NEWSPAPER"),
    ("broadcaster", Sector::Media, "BROADCASTER"),
    ("radio", Sector::Media, "BROADCASTER"),
    ("television", Sector::Media, "BROADCASTER"),
    ("tv", Sector::Media, "BROADCASTER"),
    ("magazine", Sector::Media, "MAGAZINE"),
    ("revista", Sector::Media, "MAGAZINE"),
    ("editor", Sector::Media, "EDITOR"),
    ("editora", Sector::Media, "EDITOR"),
    ("media", Sector::Media, "MEDIA"),
    ("medios", Sector::Media, "MEDIA"),
    ("news", Sector::Media, "NEWS"),
    ("noticias", Sector::Media, "NEWS"),
    ("press", Sector::Media, "PRESS"),
    ("prensa", Sector::Media, "PRESS"),
    ("foundation", Sector::Nonprofit, "FOUNDATION"),
    ("fundacion", Sector::Nonprofit, "FOUNDATION"),
    ("ngo", Sector::Nonprofit, "NGO"),
    ("ong", Sector::Nonprofit, "NGO"),
    ("nonprofit", Sector::Nonprofit, "NONPROFIT"),
    ("non profit", Sector::Nonprofit, "NONPROFIT"),
    ("not for profit", Sector::Nonprofit, "NONPROFIT"),
    ("sin fines de lucro", Sector::Nonprofit, "NONPROFIT"),
    ("association", Sector::Nonprofit, "ASSOCIATION"),
    ("asociacion", Sector::Nonprofit, "ASSOCIATION"),
    ("charity", Sector::Nonprofit, "CHARITY"),
];

/// Keywords read in a company only: as a position, "secretaria de …" is a secretary.
const COMPANY_ONLY: Table = &[("secretaria de", Sector::Public, "GOVERNMENT")];

/// Company forms; matched at the end of the company name only.
const SUFFIXES: &[&str] = &[
    "inc",
    "llc",
    "ltd",
    "ltda",
    "s a",
    "sa",
    "s a s",
    "sas",
    "s l",
    "sl",
    "spa",
    "gmbh",
    "corp",
    "corporation",
    "plc",
    "ag",
    "s de r l",
    "s a de c v",
    "s a c",
    "sac",
    "s r l",
    "srl",
];

/// Suggests a sector from a contact's company and position (see the module documentation for
/// the precedence). `None` when nothing matches.
pub fn suggest(company: Option<&str>, position: Option<&str>) -> Option<Suggestion> {
    let company = company.map(Words::new);
    let position = position.map(Words::new);
    let hit = |words: &Option<Words<'_>>, field, table| {
        words
            .as_ref()
            .and_then(|w| w.find(table))
            .map(|(matched, sector, rule)| Suggestion {
                sector,
                because: Reason {
                    field,
                    matched,
                    rule,
                },
            })
    };
    hit(&position, "jobTitle", STRONG_POSITIONS)
        .or_else(|| hit(&company, "company", KEYWORDS))
        .or_else(|| hit(&company, "company", COMPANY_ONLY))
        .or_else(|| hit(&position, "jobTitle", KEYWORDS))
        .or_else(|| {
            let words = company.as_ref()?;
            let matched = words.suffix()?;
            Some(Suggestion {
                sector: Sector::Private,
                because: Reason {
                    field: "company",
                    matched,
                    rule: "COMPANY_SUFFIX",
                },
            })
        })
}

/// The words of a text with their place in it, folded for comparison.
struct Words<'a> {
    text: &'a str,
    /// (start byte, end byte, folded word)
    words: Vec<(usize, usize, String)>,
}

impl<'a> Words<'a> {
    fn new(text: &'a str) -> Self {
        let mut words = Vec::new();
        let mut start = None;
        let is_word = |c: char| c.is_alphanumeric() || is_combining_mark(c);
        for (i, c) in text.char_indices().chain([(text.len(), ' ')]) {
            match (start, is_word(c)) {
                (None, true) => start = Some(i),
                (Some(s), false) => {
                    words.push((s, i, fold(&text[s..i])));
                    start = None;
                }
                _ => {}
            }
        }
        Self { text, words }
    }

    /// The leftmost entry of `table` found as whole words, with the text it matched.
    fn find(&self, table: Table) -> Option<(String, Sector, &'static str)> {
        (0..self.words.len()).find_map(|at| {
            table.iter().find_map(|&(phrase, sector, rule)| {
                let end = self.matches_at(at, phrase)?;
                Some((self.span(at, end), sector, rule))
            })
        })
    }

    /// The company-form suffix the text ends with, if any (the longest one).
    fn suffix(&self) -> Option<String> {
        SUFFIXES
            .iter()
            .filter_map(|suffix| {
                let len = suffix.split(' ').count();
                let at = self.words.len().checked_sub(len)?;
                // A company is more than its form: "S.A." alone is no company name.
                (at > 0 && self.matches_at(at, suffix) == Some(self.words.len() - 1))
                    .then_some((len, at))
            })
            .max_by_key(|&(len, _)| len)
            .map(|(_, at)| {
                let start = self.words[at].0;
                let rest = &self.text[start..];
                rest.trim_end_matches(|c: char| !c.is_alphanumeric() && c != '.')
                    .to_owned()
            })
    }

    /// The index of the last word when `phrase` matches from word `at`.
    fn matches_at(&self, at: usize, phrase: &str) -> Option<usize> {
        let mut last = None;
        for (i, word) in phrase.split(' ').enumerate() {
            let (_, _, folded) = self.words.get(at + i)?;
            if folded != word {
                return None;
            }
            last = Some(at + i);
        }
        last
    }

    fn span(&self, from: usize, to: usize) -> String {
        self.text[self.words[from].0..self.words[to].1].to_owned()
    }
}

/// Lower case without accents.
fn fold(word: &str) -> String {
    word.nfd()
        .filter(|&c| !is_combining_mark(c))
        .collect::<String>()
        .to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sector(
        company: &str,
        position: &str,
    ) -> Option<(Sector, &'static str, String, &'static str)> {
        let s = suggest(
            Some(company).filter(|c| !c.is_empty()),
            Some(position).filter(|p| !p.is_empty()),
        )?;
        Some((s.sector, s.because.field, s.because.matched, s.because.rule))
    }

    #[test]
    fn keywords_in_both_languages() {
        assert_eq!(
            sector("Universidad de los Andes", ""),
            Some((
                Sector::Academia,
                "company",
                "Universidad".into(),
                "UNIVERSITY"
            ))
        );
        assert_eq!(
            sector("Centro de Investigación Marina", "").map(|s| s.3),
            Some("RESEARCH")
        );
        assert_eq!(
            sector("Ministerio de Educación", "").map(|s| s.0),
            Some(Sector::Public)
        );
        assert_eq!(
            sector("Ayuntamiento de Madrid", "").map(|s| s.0),
            Some(Sector::Public)
        );
        assert_eq!(
            sector("Alcaldía de Bogotá", "").map(|s| s.2),
            Some("Alcaldía".into())
        );
        assert_eq!(
            sector("City Council of Leeds", "").map(|s| s.2),
            Some("City Council".into())
        );
        assert_eq!(
            sector("Diario El Sol", "").map(|s| s.0),
            Some(Sector::Media)
        );
        assert_eq!(sector("Revista Semana", "").map(|s| s.3), Some("MAGAZINE"));
        assert_eq!(
            sector("Fundación Mujeres Líderes", "").map(|s| s.0),
            Some(Sector::Nonprofit)
        );
        assert_eq!(
            sector("Red de Apoyo, organización sin fines de lucro", "").map(|s| s.2),
            Some("sin fines de lucro".into())
        );
        assert_eq!(
            sector("Acme Widgets Inc.", "").map(|s| (s.0, s.3)),
            Some((Sector::Private, "COMPANY_SUFFIX"))
        );
        assert_eq!(
            sector("Textiles Andinos S.A.S.", "").map(|s| s.2),
            Some("S.A.S.".into())
        );
        assert_eq!(
            sector("Comercial del Norte S. de R.L.", "").map(|s| s.2),
            Some("S. de R.L.".into())
        );
        assert_eq!(
            sector("Secretaría de Salud", "").map(|s| s.0),
            Some(Sector::Public)
        );
        assert_eq!(sector("", "Secretaria de gerencia"), None);
        assert_eq!(sector("Datos GmbH", "").map(|s| s.0), Some(Sector::Private));
    }

    #[test]
    fn whole_words_only_and_accents_folded() {
        assert_eq!(sector("Radiología Central", ""), None);
        assert_eq!(sector("Tvision Labs", ""), None);
        assert_eq!(
            sector("FUNDACION SOL", "").map(|s| s.0),
            Some(Sector::Nonprofit)
        );
        assert_eq!(sector("S.A.", ""), None);
        assert_eq!(sector("Salsa", ""), None);
    }

    #[test]
    fn precedence() {
        // A strong position beats the company.
        assert_eq!(
            sector("Banco Andino S.A.", "Periodista").map(|s| (s.0, s.1)),
            Some((Sector::Media, "jobTitle"))
        );
        assert_eq!(
            sector("Universidad de Chile", "Senadora").map(|s| s.0),
            Some(Sector::Public)
        );
        // A company keyword beats a weak position keyword.
        assert_eq!(
            sector("Fundación Luz", "Editora de contenidos").map(|s| (s.0, s.1)),
            Some((Sector::Nonprofit, "company"))
        );
        // A weak position keyword beats a company suffix.
        assert_eq!(
            sector("Contenidos Digitales S.L.", "Editora").map(|s| s.0),
            Some(Sector::Media)
        );
        // The leftmost keyword in a field wins.
        assert_eq!(
            sector("Radio Universidad de Chile", "").map(|s| s.0),
            Some(Sector::Media)
        );
        assert_eq!(
            sector("", "Profesora titular").map(|s| s.3),
            Some("PROFESSOR")
        );
        assert_eq!(sector("", ""), None);
        assert_eq!(suggest(None, None), None);
    }
}
