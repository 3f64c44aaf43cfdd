//! Many patterns replaced in one pass: leftmost match first, the longest among those that
//! start there, replaced text never rescanned. An Aho-Corasick automaton finds the matches
//! for all patterns at once, so the cost does not grow with the number of patterns the way
//! a regex alternation's does.

use std::borrow::Cow;
use std::collections::HashMap;

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};

use super::fallible::{owned, string_with_capacity, vec_with_capacity, OutOfMemory, TryPush};

/// Why patterns could not be compiled.
#[derive(Debug, PartialEq, Eq)]
pub enum ReplacerError {
    /// An empty pattern would match between every two characters.
    EmptyPattern,
    /// The automaton would be too large (aho-corasick's own limit).
    TooLarge(String),
    /// The patterns or their automaton do not fit in memory.
    OutOfMemory,
}

impl From<OutOfMemory> for ReplacerError {
    fn from(_: OutOfMemory) -> Self {
        Self::OutOfMemory
    }
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
    pub fn new(pairs: &[(&str, &str)]) -> Result<Self, ReplacerError> {
        let mut patterns: Vec<&str> = vec_with_capacity(pairs.len())?;
        let mut replacements: Vec<String> = vec_with_capacity(pairs.len())?;
        let mut index: HashMap<&str, usize, ahash::RandomState> =
            HashMap::with_hasher(ahash::RandomState::new());
        index.try_reserve(pairs.len()).map_err(OutOfMemory::from)?;
        for &(pattern, replacement) in pairs {
            if pattern.is_empty() {
                return Err(ReplacerError::EmptyPattern);
            }
            let replacement = owned(replacement)?;
            if let Some(&at) = index.get(pattern) {
                replacements[at] = replacement;
            } else {
                index.insert(pattern, patterns.len());
                patterns.push(pattern);
                replacements.push(replacement);
            }
        }
        drop(index);
        let automaton = if patterns.is_empty() {
            None
        } else {
            let bytes = patterns.iter().map(|pattern| pattern.len()).sum();
            probe_memory_for_automaton(bytes)?;
            Some(
                AhoCorasick::builder()
                    .match_kind(MatchKind::LeftmostLongest)
                    .kind(automaton_kind(bytes))
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
    pub fn replace<'t>(&self, text: &'t str) -> Result<Cow<'t, str>, OutOfMemory> {
        let Some(automaton) = &self.automaton else {
            return Ok(Cow::Borrowed(text));
        };
        let mut matches = automaton.find_iter(text).peekable();
        if matches.peek().is_none() {
            return Ok(Cow::Borrowed(text));
        }
        let mut out = string_with_capacity(text.len() + text.len() / 8)?;
        let mut copied = 0;
        for found in matches {
            out.try_push_str(&text[copied..found.start()])?;
            out.try_push_str(&self.replacements[found.pattern().as_usize()])?;
            copied = found.end();
        }
        out.try_push_str(&text[copied..])?;
        Ok(Cow::Owned(out))
    }
}

/// Patterns longer than this in all (bytes) get a contiguous NFA instead of the DFA the
/// crate picks for up to 100 patterns: building that DFA takes time quadratic in the
/// pattern length (measured for one pattern of repeated letters: 1 ms for 500 bytes, 0.9 s
/// for 8,000, 21 s for 40,000; the contiguous NFA 0.1 ms, 0.6 ms and 2 ms). Typical sets (a
/// few dozen words) stay under it and keep the DFA's faster search.
const DFA_MAX_PATTERN_BYTES: usize = 512;

fn automaton_kind(pattern_bytes: usize) -> Option<AhoCorasickKind> {
    (pattern_bytes > DFA_MAX_PATTERN_BYTES).then_some(AhoCorasickKind::ContiguousNFA)
}

/// Pattern sets larger than this (bytes) are probed for memory before they are compiled.
const PROBED_PATTERN_BYTES: usize = 64 * 1024;

/// The most the automaton builder was measured to need at its peak, per byte of pattern
/// (39 to 58 for long patterns and for many short random ones).
const AUTOMATON_BYTES_PER_PATTERN_BYTE: usize = 64;

/// The automaton builder allocates without a way to fail softly, so a pattern set too big
/// for memory would abort the process there. Asking for its measured peak first, and giving
/// it back, turns that into an `OutOfMemory` where the allocator would refuse (an address
/// space limit, a container's memory limit with overcommit off). A probe, not a guarantee.
fn probe_memory_for_automaton(pattern_bytes: usize) -> Result<(), OutOfMemory> {
    if pattern_bytes > PROBED_PATTERN_BYTES {
        let mut probe: Vec<u8> = Vec::new();
        probe.try_reserve_exact(pattern_bytes.saturating_mul(AUTOMATON_BYTES_PER_PATTERN_BYTE))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn replacer(pairs: &[(&str, &str)]) -> Replacer {
        Replacer::new(pairs).unwrap()
    }

    #[test]
    fn leftmost_then_longest() {
        let r = replacer(&[("a", "1"), ("ab", "2"), ("abc", "3"), ("bcd", "4")]);
        assert_eq!(r.replace("abcd").unwrap(), "3d");
        assert_eq!(r.replace("xabx").unwrap(), "x2x");
        assert_eq!(r.replace("bcdab").unwrap(), "42");
    }

    #[test]
    fn replacements_are_not_rescanned() {
        let r = replacer(&[("a", "b"), ("b", "a")]);
        assert_eq!(r.replace("abba").unwrap(), "baab");
    }

    #[test]
    fn nothing_matched_borrows() {
        let r = replacer(&[("x", "y")]);
        assert!(matches!(r.replace("abc"), Ok(Cow::Borrowed("abc"))));
        assert!(matches!(
            replacer(&[]).replace("abc"),
            Ok(Cow::Borrowed("abc"))
        ));
    }

    #[test]
    fn last_pair_wins_and_empty_is_refused() {
        let r = replacer(&[("a", "1"), ("a", "2")]);
        assert_eq!((r.replace("a").unwrap().as_ref(), r.len()), ("2", 1));
        assert_eq!(
            Replacer::new(&[("", "x")]).unwrap_err(),
            ReplacerError::EmptyPattern
        );
    }

    #[test]
    fn unicode_patterns() {
        let r = replacer(&[("é", "e"), ("北京", "Beijing")]);
        assert_eq!(r.replace("café in 北京").unwrap(), "cafe in Beijing");
    }

    #[test]
    fn long_patterns_compile_in_linear_time() {
        // The DFA would take minutes for this one (quadratic construction).
        let pattern = "a".repeat(200_000);
        let r = replacer(&[(pattern.as_str(), "b")]);
        assert_eq!(r.replace(&format!("x{pattern}y")).unwrap(), "xby");
    }
}
