//! werkzeug's `secure_filename`: a name safe to join to a directory, made of
//! `[A-Za-z0-9_.-]` only.

use unicode_normalization::char::decompose_compatible;

use super::fallible::{owned, string_with_capacity, Fallible, TryPush};
use super::unicode::is_space;

/// The platform's path separators (`os.sep`, `os.altsep`): they become spaces, so
/// `"../../etc/passwd"` keeps its words apart (`etc_passwd`).
const SEPARATORS: &[char] = if cfg!(windows) { &['\\', '/'] } else { &['/'] };

/// Windows device names (werkzeug's set), which name a device in every folder on Windows.
const WINDOWS_DEVICES: &[&str] = &[
    "AUX", "CON", "CONIN$", "CONOUT$", "NUL", "PRN", "COM1", "COM2", "COM3", "COM4", "COM5",
    "COM6", "COM7", "COM8", "COM9", "COM¹", "COM²", "COM³", "LPT1", "LPT2", "LPT3", "LPT4", "LPT5",
    "LPT6", "LPT7", "LPT8", "LPT9", "LPT¹", "LPT²", "LPT³",
];

/// `werkzeug.utils.secure_filename(name)`; `windows` prefixes `_` to device names (werkzeug
/// does when `os.name == "nt"`).
pub fn secure_filename(name: &str, windows: bool) -> Fallible<String> {
    let mut kept = string_with_capacity(name.len())?;
    // Whether a word has started since the last whitespace, and whether any word has.
    let mut in_word = false;
    let mut any_word = false;
    let mut push = |c: char| -> Fallible<()> {
        // NFKD then only ASCII kept is the same as keeping the ASCII parts of each
        // character's decomposition: ASCII characters are starters, which canonical
        // reordering never moves. Separators count as whitespace.
        if is_space(c) || SEPARATORS.contains(&c) {
            in_word = false;
            return Ok(());
        }
        if !in_word {
            // "_".join(name.split()): one `_` between words, even if the filter below
            // leaves a word empty.
            if any_word {
                kept.try_push('_')?;
            }
            in_word = true;
            any_word = true;
        }
        if c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-') {
            // Can outgrow the name: `㎉` (3 bytes) is `kcal`.
            kept.try_push(c)?;
        }
        Ok(())
    };
    for c in name.chars() {
        if c.is_ascii() {
            push(c)?;
        } else {
            // What the last push in the callback (which cannot return it) gave.
            let mut grown = Ok(());
            decompose_compatible(c, |part| {
                if part.is_ascii() && grown.is_ok() {
                    grown = push(part);
                }
            });
            grown?;
        }
    }
    let trimmed = kept.trim_matches(['.', '_']);
    if windows {
        let stem = trimmed.split('.').next().unwrap_or("");
        let stem = stem.trim_matches(is_space);
        if WINDOWS_DEVICES
            .iter()
            .any(|device| device.eq_ignore_ascii_case(stem))
        {
            let mut prefixed = string_with_capacity(trimmed.len() + 1)?;
            prefixed.push('_');
            prefixed.push_str(trimmed);
            return Ok(prefixed);
        }
    }
    if trimmed.len() == kept.len() {
        return Ok(kept);
    }
    owned(trimmed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn werkzeugs_examples() {
        assert_eq!(
            secure_filename("My cool movie.mov", false).unwrap(),
            "My_cool_movie.mov"
        );
        assert_eq!(
            secure_filename("../../../etc/passwd", false).unwrap(),
            "etc_passwd"
        );
        assert_eq!(
            secure_filename("i contain cool \u{fc}ml\u{e4}uts.txt", false).unwrap(),
            "i_contain_cool_umlauts.txt"
        );
        assert_eq!(secure_filename("", false).unwrap(), "");
        assert_eq!(secure_filename("__.._", false).unwrap(), "");
    }

    #[test]
    fn windows_device_names() {
        assert_eq!(secure_filename("con.txt", true).unwrap(), "_con.txt");
        assert_eq!(secure_filename("LPT1", true).unwrap(), "_LPT1");
        assert_eq!(secure_filename("con.txt", false).unwrap(), "con.txt");
        assert_eq!(secure_filename("console.txt", true).unwrap(), "console.txt");
    }

    #[test]
    fn python_whitespace_splits_words() {
        assert_eq!(secure_filename("a\x1cb\tc", false).unwrap(), "a_b_c");
        assert_eq!(secure_filename("a ! b", false).unwrap(), "a__b");
        assert_eq!(secure_filename("ﬁle\u{2003}№1", false).unwrap(), "file_No1");
    }
}
