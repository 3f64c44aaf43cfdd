//! werkzeug's `secure_filename`: a name safe to join to a directory, made of
//! `[A-Za-z0-9_.-]` only.

use unicode_normalization::char::decompose_compatible;

use super::fallible::{string_with_capacity, Fallible};
use super::unicode::{is_assigned, is_space};

/// The platform's path separators (`os.sep`, `os.altsep`): they become spaces, so
/// `"../../etc/passwd"` keeps its words apart (`etc_passwd`).
const SEPARATORS: &[char] = if cfg!(windows) { &['\\', '/'] } else { &['/'] };

/// Windows device names (werkzeug's set), which name a device in every folder on Windows.
const WINDOWS_DEVICES: &[&str] = &[
    "AUX", "CON", "CONIN$", "CONOUT$", "NUL", "PRN", "COM1", "COM2", "COM3", "COM4", "COM5",
    "COM6", "COM7", "COM8", "COM9", "COM¹", "COM²", "COM³", "LPT1", "LPT2", "LPT3", "LPT4", "LPT5",
    "LPT6", "LPT7", "LPT8", "LPT9", "LPT¹", "LPT²", "LPT³",
];

/// The most bytes one character adds to the kept text: a compatibility decomposition has at
/// most 18 characters (U+FDFA), each of which could follow a space and so come with a `_`,
/// and one more for a `_` before the next character.
const ROOM_PER_CHARACTER: usize = 2 * 18 + 1;

/// `werkzeug.utils.secure_filename(name)`; `windows` prefixes `_` to device names (werkzeug
/// does when `os.name == "nt"`).
pub fn secure_filename(name: &str, windows: bool) -> Fallible<String> {
    let mut kept = string_with_capacity(name.len() + ROOM_PER_CHARACTER)?;
    // Whether a word has started since the last whitespace, and whether any word has.
    let mut in_word = false;
    let mut any_word = false;
    // Pushes within the room `ROOM_PER_CHARACTER` makes sure of before each character.
    let mut push = |kept: &mut String, c: char| {
        // NFKD then only ASCII kept is the same as keeping the ASCII parts of each
        // character's decomposition: ASCII characters are starters, which canonical
        // reordering never moves. Separators count as whitespace.
        if is_space(c) || SEPARATORS.contains(&c) {
            in_word = false;
            return;
        }
        if !in_word {
            // "_".join(name.split()): one `_` between words, even if the filter below
            // leaves a word empty.
            if any_word {
                kept.push('_');
            }
            in_word = true;
            any_word = true;
        }
        if c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-') {
            kept.push(c);
        }
    };
    for (at, c) in name.char_indices() {
        if c.is_ascii() {
            push(&mut kept, c);
        } else if is_assigned(c) {
            // (A character the interpreter does not assign has no decomposition.)
            // The kept text can outgrow the name (`㎯`, 3 bytes, is `rads2`): before each
            // non-ASCII character there is room for the rest of the name and the most one
            // character gives. An ASCII character then needs no check: it adds a byte for
            // the byte it takes, and a `_` before it comes after whitespace, which took a
            // byte and added none, or after a decomposition, which that room covered.
            let room = name.len() - at + ROOM_PER_CHARACTER;
            if kept.capacity() - kept.len() < room {
                kept.try_reserve(room)?;
            }
            decompose_compatible(c, |part| {
                if part.is_ascii() {
                    push(&mut kept, part);
                }
            });
        }
    }
    // `._` stripped at both ends, in place.
    kept.truncate(kept.trim_end_matches(['.', '_']).len());
    let start = kept.len() - kept.trim_start_matches(['.', '_']).len();
    kept.drain(..start);
    if windows {
        let stem = kept.split('.').next().unwrap_or("");
        let stem = stem.trim_matches(is_space);
        if WINDOWS_DEVICES
            .iter()
            .any(|device| device.eq_ignore_ascii_case(stem))
        {
            kept.try_reserve(1)?;
            kept.insert(0, '_');
        }
    }
    Ok(kept)
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
