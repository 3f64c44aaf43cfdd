//! Many patterns replaced in one pass: leftmost match first, the longest among those that
//! start there, replaced text never rescanned. An Aho-Corasick automaton finds the matches
//! for all patterns at once, so the cost does not grow with the number of patterns the way
//! a regex alternation's does.

use std::borrow::Cow;
use std::collections::HashMap;

use aho_corasick::{AhoCorasick, MatchKind};

/// Why patterns could not be compiled.
#[derive(Debug, PartialEq, Eq)]
pub enum ReplacerError {
    /// An empty pattern would match between every two characters.
    EmptyPattern,
    /// The automaton would be too large (aho-corasick's own limit).
    TooLarge(String),
}

/// Compiled patterns and their replacements.
#[derive(Debug, Clone)]
pub struct Replacer {
    automaton: Option<AhoCorasick>,
    replacements: Vec<String>,
}

impl Replacer {
    /// Compiles `(pattern, replacement)` pairs; a repeated pattern takes its last
    /// replacement.
    pub fn new<P, R>(pairs: impl IntoIterator<Item = (P, R)>) -> Result<Self, ReplacerError>
    where
        P: Into<String>,
        R: Into<String>,
    {
        let mut patterns: Vec<String> = Vec::new();
        let mut replacements: Vec<String> = Vec::new();
        let mut index: HashMap<String, usize> = HashMap::new();
        for (pattern, replacement) in pairs {
            let pattern = pattern.into();
            if pattern.is_empty() {
                return Err(ReplacerError::EmptyPattern);
            }
            let replacement = replacement.into();
            if let Some(&at) = index.get(&pattern) {
                replacements[at] = replacement;
            } else {
                index.insert(pattern.clone(), patterns.len());
                patterns.push(pattern);
                replacements.push(replacement);
            }
        }
        let automaton = if patterns.is_empty() {
            None
        } else {
            Some(
                AhoCorasick::builder()
                    .match_kind(MatchKind::LeftmostLongest)
                    .build(&patterns)
                    .map_err(|error| ReplacerError::TooLarge(error.to_string()))?,
            )
        };
        Ok(Self {
            automaton,
            replacements,
        })
    }

    /// The number of distinct patterns.
    pub fn len(&self) -> usize {
        self.replacements.len()
    }

    /// Whether there are no patterns (then `replace` returns its input).
    pub fn is_empty(&self) -> bool {
        self.replacements.is_empty()
    }

    /// `text` with every match replaced; borrowed when nothing matched.
    pub fn replace<'t>(&self, text: &'t str) -> Cow<'t, str> {
        let Some(automaton) = &self.automaton else {
            return Cow::Borrowed(text);
        };
        let mut matches = automaton.find_iter(text).peekable();
        if matches.peek().is_none() {
            return Cow::Borrowed(text);
        }
        let mut out = String::with_capacity(text.len() + text.len() / 8);
        let mut copied = 0;
        for found in matches {
            out.push_str(&text[copied..found.start()]);
            out.push_str(&self.replacements[found.pattern().as_usize()]);
            copied = found.end();
        }
        out.push_str(&text[copied..]);
        Cow::Owned(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn replacer(pairs: &[(&str, &str)]) -> Replacer {
        Replacer::new(pairs.iter().copied()).unwrap()
    }

    #[test]
    fn leftmost_then_longest() {
        let r = replacer(&[("a", "1"), ("ab", "2"), ("abc", "3"), ("bcd", "4")]);
        assert_eq!(r.replace("abcd"), "3d");
        assert_eq!(r.replace("xabx"), "x2x");
        assert_eq!(r.replace("bcdab"), "42");
    }

    #[test]
    fn replacements_are_not_rescanned() {
        let r = replacer(&[("a", "b"), ("b", "a")]);
        assert_eq!(r.replace("abba"), "baab");
    }

    #[test]
    fn nothing_matched_borrows() {
        let r = replacer(&[("x", "y")]);
        assert!(matches!(r.replace("abc"), Cow::Borrowed("abc")));
        assert!(matches!(replacer(&[]).replace("abc"), Cow::Borrowed("abc")));
    }

    #[test]
    fn last_pair_wins_and_empty_is_refused() {
        let r = replacer(&[("a", "1"), ("a", "2")]);
        assert_eq!((r.replace("a").as_ref(), r.len()), ("2", 1));
        assert_eq!(
            Replacer::new([("", "x")]).unwrap_err(),
            ReplacerError::EmptyPattern
        );
    }

    #[test]
    fn unicode_patterns() {
        let r = replacer(&[("é", "e"), ("北京", "Beijing")]);
        assert_eq!(r.replace("café in 北京"), "cafe in Beijing");
    }
}
