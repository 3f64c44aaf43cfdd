//! A strict RFC 8259 parser that hands each value to a [`Sink`] as soon as it is read.
//!
//! No value tree is built here: the Python binding's sink turns values straight into Python
//! objects, while tests, benches and fuzz targets use pure-Rust sinks. Errors carry a byte
//! offset and a kind whose message and position rules are the contract of docs/JSON.md,
//! shared with the pure-Python twin (`fallback/_json_parse.py`), so both backends report the
//! same message at the same place.

use super::scan::first_special;
use super::MAX_DEPTH;
use crate::stack::{nested, Recursive, StackFloor};

/// The literal a strict parser refuses, named in its error message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NonFinite {
    NaN,
    Infinity,
    NegInfinity,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    ExpectingValue,
    NotAllowed(NonFinite),
    TrailingCommaArray,
    TrailingCommaObject,
    ExpectingPropertyName,
    ExpectingColon,
    ExpectingComma,
    UnterminatedString,
    InvalidControlCharacter,
    InvalidEscape,
    InvalidUnicodeEscape,
    ExtraData,
    ByteOrderMark,
    InvalidUtf8,
    TooDeep,
    /// The sink failed (in the binding: a Python exception is set, e.g. a MemoryError or
    /// the ValueError of CPython's int digit limit); it is reported as is.
    Sink,
    /// The parser's own buffer (the unescaped text of a string) could not grow: the binding
    /// raises MemoryError.
    OutOfMemory,
}

impl ErrorKind {
    /// The message, identical to the twin's.
    pub fn message(self) -> &'static str {
        match self {
            Self::ExpectingValue => "Expecting value",
            Self::NotAllowed(NonFinite::NaN) => "NaN is not allowed in JSON",
            Self::NotAllowed(NonFinite::Infinity) => "Infinity is not allowed in JSON",
            Self::NotAllowed(NonFinite::NegInfinity) => "-Infinity is not allowed in JSON",
            Self::TrailingCommaArray => "Illegal trailing comma before end of array",
            Self::TrailingCommaObject => "Illegal trailing comma before end of object",
            Self::ExpectingPropertyName => "Expecting property name enclosed in double quotes",
            Self::ExpectingColon => "Expecting ':' delimiter",
            Self::ExpectingComma => "Expecting ',' delimiter",
            Self::UnterminatedString => "Unterminated string starting at",
            Self::InvalidControlCharacter => "Invalid control character at",
            Self::InvalidEscape => "Invalid \\escape",
            Self::InvalidUnicodeEscape => "Invalid \\uXXXX escape",
            Self::ExtraData => "Extra data",
            Self::ByteOrderMark => "Unexpected UTF-8 BOM",
            Self::InvalidUtf8 => "Invalid UTF-8",
            Self::TooDeep => "Nesting too deep (limit 1024)",
            Self::Sink | Self::OutOfMemory => "",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ParseError {
    pub kind: ErrorKind,
    /// Byte offset into the input of the character the message is about.
    pub offset: usize,
}

/// What a decoded string holds, so a sink can pick the cheapest way to build it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Text {
    /// Only ASCII bytes.
    Ascii,
    /// UTF-8 with at least one non-ASCII character. From `Encoding::Unchecked` input it is
    /// not validated yet: the sink must refuse invalid UTF-8 with `SinkError` (`parse` then
    /// reports the first invalid byte of the document).
    Utf8,
    /// UTF-8 extended to lone surrogates (WTF-8): a `\uD800` escape without its pair, or a
    /// lone surrogate in a Python `str` input. Not valid as a Rust `str`.
    Wtf8,
}

/// The sink failed; the failure itself (e.g. a Python exception) is kept by the sink.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SinkError;

/// Receives values in document order. Containers arrive as their items followed by an
/// `end_*` call with the item count (pairs for objects), so a sink that keeps a stack of
/// values can build each container at its final size.
pub trait Sink {
    fn null(&mut self) -> Result<(), SinkError>;
    fn boolean(&mut self, value: bool) -> Result<(), SinkError>;
    fn int(&mut self, value: i64) -> Result<(), SinkError>;
    /// An integer that does not fit in an i64: its decimal text, sign included.
    fn big_int(&mut self, digits: &str) -> Result<(), SinkError>;
    fn float(&mut self, value: f64) -> Result<(), SinkError>;
    fn string(&mut self, bytes: &[u8], text: Text) -> Result<(), SinkError>;
    /// An object key, always followed by its value.
    fn key(&mut self, bytes: &[u8], text: Text) -> Result<(), SinkError>;
    fn end_array(&mut self, len: usize) -> Result<(), SinkError>;
    fn end_object(&mut self, pairs: usize) -> Result<(), SinkError>;
}

/// What is known about the input's encoding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// Bytes from outside: validated first; invalid UTF-8 is an error reported before any
    /// syntax error (the twin decodes first, too).
    Unchecked,
    /// Known to be valid UTF-8 (a Python `str`'s own UTF-8 form).
    Utf8,
    /// UTF-8 with encoded lone surrogates (a `str` encoded with `surrogatepass`).
    Wtf8,
}

/// Parses one JSON document from `input` into `sink`.
///
/// Unchecked input is not validated up front: outside strings any non-ASCII byte is a
/// syntax error anyway, and strings with non-ASCII bytes are validated by the sink when it
/// decodes them. Only when parsing fails is the whole input checked, so that invalid UTF-8
/// is reported first, wherever it is, as the twin (which decodes first) reports it.
pub fn parse<S: Sink>(input: &[u8], encoding: Encoding, sink: &mut S) -> Result<(), ParseError> {
    let result = parse_document(input, encoding, sink);
    if result.is_err() && encoding == Encoding::Unchecked {
        if let Err(error) = std::str::from_utf8(input) {
            return Err(ParseError {
                kind: ErrorKind::InvalidUtf8,
                offset: error.valid_up_to(),
            });
        }
    }
    result
}

fn parse_document<S: Sink>(
    input: &[u8],
    encoding: Encoding,
    sink: &mut S,
) -> Result<(), ParseError> {
    if input.starts_with(b"\xEF\xBB\xBF") {
        return Err(ParseError {
            kind: ErrorKind::ByteOrderMark,
            offset: 0,
        });
    }
    let mut parser = Parser {
        input,
        pos: 0,
        sink,
        scratch: Vec::new(),
        encoding,
        floor: StackFloor::here(),
    };
    parser.skip_whitespace();
    parser.value(0)?;
    parser.skip_whitespace();
    if parser.pos < input.len() {
        return Err(parser.error(ErrorKind::ExtraData, parser.pos));
    }
    Ok(())
}

/// Counts the characters before byte `offset`: a JSONDecodeError's `pos` is a character
/// index into the decoded document. Lone surrogates (3 bytes in WTF-8) count as one, as in
/// Python; `offset` must be at a character boundary.
pub fn char_index(input: &[u8], offset: usize) -> usize {
    input[..offset]
        .iter()
        .filter(|&&byte| !(0x80..0xC0).contains(&byte))
        .count()
}

struct Parser<'a, 's, S> {
    input: &'a [u8],
    pos: usize,
    sink: &'s mut S,
    /// Unescaped text of the current string, reused across strings.
    scratch: Vec<u8>,
    encoding: Encoding,
    floor: StackFloor,
}

impl<S> Recursive for Parser<'_, '_, S> {
    fn floor(&mut self) -> &mut StackFloor {
        &mut self.floor
    }
}

const fn is_whitespace(byte: u8) -> bool {
    matches!(byte, b' ' | b'\t' | b'\n' | b'\r')
}

/// How many bytes at the start of `bytes` are JSON whitespace. Eight bytes at a time: each
/// byte of a little-endian word is compared with the four whitespace bytes exactly (per
/// byte, no carry between bytes), and the first byte that matches none ends the run. Out
/// of line: the parser's hot functions stay as small as they were for compact input.
#[inline(never)]
fn whitespace_run(bytes: &[u8]) -> usize {
    const LOW7: u64 = 0x7f7f_7f7f_7f7f_7f7f;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    const fn repeated(byte: u8) -> u64 {
        u64::from_le_bytes([byte; 8])
    }
    // High bit of each byte of the result set where that byte of `word` equals `byte`:
    // `t` is zero there; `(t & LOW7) + LOW7` sets the high bit of every nonzero low part
    // without carrying into the next byte, `| t` adds the bytes whose only bit is the high.
    const fn equal(word: u64, byte: u8) -> u64 {
        let t = word ^ repeated(byte);
        !(((t & LOW7) + LOW7) | t) & HIGH
    }
    let mut skipped = 0;
    let mut chunks = bytes.chunks_exact(8);
    for chunk in &mut chunks {
        let word = u64::from_le_bytes([
            chunk[0], chunk[1], chunk[2], chunk[3], chunk[4], chunk[5], chunk[6], chunk[7],
        ]);
        let space =
            equal(word, b' ') | equal(word, b'\t') | equal(word, b'\n') | equal(word, b'\r');
        let other = !space & HIGH;
        if other != 0 {
            // The lowest set bit is the first non-whitespace byte's high bit.
            return skipped + (other.trailing_zeros() / 8) as usize;
        }
        skipped += 8;
    }
    skipped
        + chunks
            .remainder()
            .iter()
            .take_while(|&&byte| is_whitespace(byte))
            .count()
}

impl<S: Sink> Parser<'_, '_, S> {
    #[cold]
    #[allow(clippy::unused_self)] // a method, so every error site reads the same
    fn error(&self, kind: ErrorKind, offset: usize) -> ParseError {
        ParseError { kind, offset }
    }

    fn sink_error(&self) -> ParseError {
        ParseError {
            kind: ErrorKind::Sink,
            offset: self.pos,
        }
    }

    /// Room for `additional` more bytes in `scratch`, which grows with the input: failing to
    /// get it is an error, not an abort.
    #[inline]
    fn room(&mut self, additional: usize) -> Result<(), ParseError> {
        if self.scratch.capacity() - self.scratch.len() >= additional {
            return Ok(());
        }
        self.scratch
            .try_reserve(additional)
            .map_err(|_| self.error(ErrorKind::OutOfMemory, self.pos))
    }

    #[inline]
    fn peek(&self) -> Option<u8> {
        self.input.get(self.pos).copied()
    }

    /// Moves past whitespace. Inline, the common cases cost one test: compact JSON (no
    /// whitespace) and a single space (after `:` or `,`, as `json.dumps` writes); a longer
    /// run (an indented document's newline and indent: most of citm_catalog's bytes) goes
    /// to `skip_whitespace_run`, eight bytes at a time.
    #[inline]
    fn skip_whitespace(&mut self) {
        match self.input.get(self.pos) {
            Some(&byte) if is_whitespace(byte) => {}
            _ => return,
        }
        self.pos += 1;
        if self
            .input
            .get(self.pos)
            .is_some_and(|&byte| is_whitespace(byte))
        {
            self.pos += whitespace_run(&self.input[self.pos..]);
        }
    }

    fn value(&mut self, depth: usize) -> Result<(), ParseError> {
        let start = self.pos;
        let result = match self.peek() {
            Some(b'"') => {
                let (bytes, text) = self.string()?;
                // Split borrow: the bytes live in the input or in `scratch`.
                let (input, scratch) = (self.input, &self.scratch);
                let bytes = match bytes {
                    Span::Input(from, to) => &input[from..to],
                    Span::Scratch => scratch.as_slice(),
                };
                self.sink.string(bytes, text)
            }
            Some(b'{') => return nested(self, |parser| parser.object(depth + 1)),
            Some(b'[') => return nested(self, |parser| parser.array(depth + 1)),
            Some(b'-' | b'0'..=b'9') => return self.number(),
            Some(b't') => {
                self.literal(b"true")?;
                self.sink.boolean(true)
            }
            Some(b'f') => {
                self.literal(b"false")?;
                self.sink.boolean(false)
            }
            Some(b'n') => {
                self.literal(b"null")?;
                self.sink.null()
            }
            Some(b'N') if self.input[start..].starts_with(b"NaN") => {
                return Err(self.error(ErrorKind::NotAllowed(NonFinite::NaN), start));
            }
            Some(b'I') if self.input[start..].starts_with(b"Infinity") => {
                return Err(self.error(ErrorKind::NotAllowed(NonFinite::Infinity), start));
            }
            _ => return Err(self.error(ErrorKind::ExpectingValue, start)),
        };
        result.map_err(|SinkError| self.sink_error())
    }

    /// Consumes `word` if the input continues with it exactly.
    fn literal(&mut self, word: &[u8]) -> Result<(), ParseError> {
        if self.input[self.pos..].starts_with(word) {
            self.pos += word.len();
            Ok(())
        } else {
            Err(self.error(ErrorKind::ExpectingValue, self.pos))
        }
    }

    fn array(&mut self, depth: usize) -> Result<(), ParseError> {
        let mut len = 0;
        if !self.open(depth, b']')? {
            loop {
                self.value(depth)?;
                len += 1;
                if self.item_end(b']', ErrorKind::TrailingCommaArray)? {
                    break;
                }
            }
        }
        self.sink
            .end_array(len)
            .map_err(|SinkError| self.sink_error())
    }

    fn object(&mut self, depth: usize) -> Result<(), ParseError> {
        let mut pairs = 0;
        if !self.open(depth, b'}')? {
            loop {
                if self.peek() != Some(b'"') {
                    return Err(self.error(ErrorKind::ExpectingPropertyName, self.pos));
                }
                let (span, text) = self.string()?;
                let bytes = match span {
                    Span::Input(from, to) => &self.input[from..to],
                    Span::Scratch => self.scratch.as_slice(),
                };
                if self.sink.key(bytes, text).is_err() {
                    return Err(self.sink_error());
                }
                self.skip_whitespace();
                if self.peek() != Some(b':') {
                    return Err(self.error(ErrorKind::ExpectingColon, self.pos));
                }
                self.pos += 1;
                self.skip_whitespace();
                self.value(depth)?;
                pairs += 1;
                if self.item_end(b'}', ErrorKind::TrailingCommaObject)? {
                    break;
                }
            }
        }
        self.sink
            .end_object(pairs)
            .map_err(|SinkError| self.sink_error())
    }

    /// Enters a container at its opening bracket; true if it is empty (closed already).
    #[inline]
    fn open(&mut self, depth: usize, close: u8) -> Result<bool, ParseError> {
        if depth > MAX_DEPTH {
            return Err(self.error(ErrorKind::TooDeep, self.pos));
        }
        self.pos += 1;
        self.skip_whitespace();
        let empty = self.peek() == Some(close);
        if empty {
            self.pos += 1;
        }
        Ok(empty)
    }

    /// After an item: true at the closing bracket, false after a comma that another item
    /// follows.
    #[inline]
    fn item_end(&mut self, close: u8, trailing_comma: ErrorKind) -> Result<bool, ParseError> {
        self.skip_whitespace();
        match self.peek() {
            Some(b',') => {
                let comma = self.pos;
                self.pos += 1;
                self.skip_whitespace();
                if self.peek() == Some(close) {
                    return Err(self.error(trailing_comma, comma));
                }
                Ok(false)
            }
            Some(byte) if byte == close => {
                self.pos += 1;
                Ok(true)
            }
            _ => Err(self.error(ErrorKind::ExpectingComma, self.pos)),
        }
    }

    fn number(&mut self) -> Result<(), ParseError> {
        let input = self.input;
        let start = self.pos;
        let mut pos = start;
        let negative = input[pos] == b'-';
        if negative {
            pos += 1;
        }
        match input.get(pos) {
            Some(b'0') => pos += 1,
            Some(b'1'..=b'9') => {
                pos += 1;
                while matches!(input.get(pos), Some(b'0'..=b'9')) {
                    pos += 1;
                }
            }
            _ => {
                let kind = if input[pos..].starts_with(b"Infinity") {
                    ErrorKind::NotAllowed(NonFinite::NegInfinity)
                } else {
                    ErrorKind::ExpectingValue
                };
                return Err(self.error(kind, start));
            }
        }
        let integer_end = pos;
        if input.get(pos) == Some(&b'.') && matches!(input.get(pos + 1), Some(b'0'..=b'9')) {
            pos += 2;
            while matches!(input.get(pos), Some(b'0'..=b'9')) {
                pos += 1;
            }
        }
        if matches!(input.get(pos), Some(b'e' | b'E')) {
            let digits = if matches!(input.get(pos + 1), Some(b'+' | b'-')) {
                pos + 2
            } else {
                pos + 1
            };
            if matches!(input.get(digits), Some(b'0'..=b'9')) {
                pos = digits + 1;
                while matches!(input.get(pos), Some(b'0'..=b'9')) {
                    pos += 1;
                }
            }
        }
        self.pos = pos;
        // SAFETY: the number is ASCII: checked byte by byte above.
        let text = unsafe { std::str::from_utf8_unchecked(&input[start..pos]) };
        let result = if pos == integer_end {
            // At most 18 digits always fit in an i64.
            if text.len() - usize::from(negative) <= 18 {
                let magnitude = text.as_bytes()[usize::from(negative)..]
                    .iter()
                    .fold(0i64, |acc, &digit| acc * 10 + i64::from(digit - b'0'));
                self.sink.int(if negative { -magnitude } else { magnitude })
            } else if let Ok(value) = text.parse::<i64>() {
                self.sink.int(value)
            } else {
                self.sink.big_int(text)
            }
        } else {
            // Rust's float parsing is correctly rounded, like Python's float(); overflow
            // gives an infinity, as float("1e400") does.
            self.sink.float(text.parse::<f64>().unwrap_or(f64::NAN))
        };
        result.map_err(|SinkError| self.sink_error())
    }

    /// Reads the string starting at the opening quote at `self.pos`.
    fn string(&mut self) -> Result<(Span, Text), ParseError> {
        let input = self.input;
        let quote = self.pos;
        let mut pos = quote + 1;
        let (length, non_ascii) = first_special(&input[pos..]);
        let ascii = !non_ascii;
        pos += length;
        if pos == input.len() {
            return Err(self.error(ErrorKind::UnterminatedString, quote));
        }
        match input[pos] {
            b'"' => {
                self.pos = pos + 1;
                let text = if ascii {
                    Text::Ascii
                } else if self.encoding == Encoding::Wtf8 && has_surrogate(&input[quote + 1..pos]) {
                    Text::Wtf8
                } else {
                    Text::Utf8
                };
                Ok((Span::Input(quote + 1, pos), text))
            }
            b'\\' => {
                self.scratch.clear();
                self.room(pos - quote - 1)?;
                self.scratch.extend_from_slice(&input[quote + 1..pos]);
                self.escaped_string(quote, pos, ascii)
            }
            _ => Err(self.error(ErrorKind::InvalidControlCharacter, pos)),
        }
    }

    /// The slow path of `string`: from the first backslash at `pos`, unescaping into
    /// `scratch`.
    #[inline(never)]
    fn escaped_string(
        &mut self,
        quote: usize,
        mut pos: usize,
        mut ascii: bool,
    ) -> Result<(Span, Text), ParseError> {
        let input = self.input;
        let mut lone_surrogate = false;
        loop {
            // Each step adds at most 4 bytes (a code point) to `scratch`.
            self.room(4)?;
            let Some(&byte) = input.get(pos) else {
                return Err(self.error(ErrorKind::UnterminatedString, quote));
            };
            match byte {
                b'"' => break,
                b'\\' => {
                    let Some(&escape) = input.get(pos + 1) else {
                        return Err(self.error(ErrorKind::UnterminatedString, quote));
                    };
                    let simple = match escape {
                        b'"' => b'"',
                        b'\\' => b'\\',
                        b'/' => b'/',
                        b'b' => 0x08,
                        b'f' => 0x0c,
                        b'n' => b'\n',
                        b'r' => b'\r',
                        b't' => b'\t',
                        b'u' => 0,
                        _ => return Err(self.error(ErrorKind::InvalidEscape, pos)),
                    };
                    if escape != b'u' {
                        self.scratch.push(simple);
                        pos += 2;
                        continue;
                    }
                    let Some(unit) = hex4(input, pos + 2) else {
                        return Err(self.error(ErrorKind::InvalidUnicodeEscape, pos));
                    };
                    pos += 6;
                    let mut code = u32::from(unit);
                    if (0xD800..0xDC00).contains(&unit) && input[pos..].starts_with(b"\\u") {
                        if let Some(low @ 0xDC00..=0xDFFF) = hex4(input, pos + 2) {
                            code = 0x10000 + ((code - 0xD800) << 10) + (u32::from(low) - 0xDC00);
                            pos += 6;
                        }
                    }
                    if code >= 0x80 {
                        ascii = false;
                    }
                    if (0xD800..0xE000).contains(&code) {
                        lone_surrogate = true;
                    }
                    push_code_point(&mut self.scratch, code);
                }
                0..=0x1f => return Err(self.error(ErrorKind::InvalidControlCharacter, pos)),
                _ => {
                    ascii &= byte < 0x80;
                    self.scratch.push(byte);
                    pos += 1;
                }
            }
        }
        self.pos = pos + 1;
        // Decoding WTF-8 lets encoded surrogates through: those in unchecked input are
        // invalid UTF-8, not escapes, so check the raw text first.
        if lone_surrogate
            && self.encoding == Encoding::Unchecked
            && std::str::from_utf8(&input[quote..pos]).is_err()
        {
            return Err(self.error(ErrorKind::InvalidUtf8, quote));
        }
        let text = if ascii {
            Text::Ascii
        } else if lone_surrogate
            || (self.encoding == Encoding::Wtf8 && has_surrogate(&self.scratch))
        {
            Text::Wtf8
        } else {
            Text::Utf8
        };
        Ok((Span::Scratch, text))
    }
}

/// Where a string's bytes are: a range of the input (no escapes) or the scratch buffer.
#[derive(Clone, Copy)]
enum Span {
    Input(usize, usize),
    Scratch,
}

/// Four hex digits at `at`, if they are there.
fn hex4(input: &[u8], at: usize) -> Option<u16> {
    let digits = input.get(at..at + 4)?;
    let mut value = 0u16;
    for &digit in digits {
        let nibble = (digit as char).to_digit(16)?;
        value = (value << 4) | u16::try_from(nibble).ok()?;
    }
    Some(value)
}

/// Appends `code` in UTF-8, surrogates included (their 3-byte WTF-8 form).
fn push_code_point(out: &mut Vec<u8>, code: u32) {
    // Each `as u8` keeps the low bits that the masks and shifts select.
    #[allow(clippy::cast_possible_truncation)]
    match code {
        0..=0x7f => out.push(code as u8),
        0x80..=0x7ff => {
            out.extend_from_slice(&[0xC0 | (code >> 6) as u8, 0x80 | (code & 0x3f) as u8]);
        }
        0x800..=0xffff => out.extend_from_slice(&[
            0xE0 | (code >> 12) as u8,
            0x80 | ((code >> 6) & 0x3f) as u8,
            0x80 | (code & 0x3f) as u8,
        ]),
        _ => out.extend_from_slice(&[
            0xF0 | (code >> 18) as u8,
            0x80 | ((code >> 12) & 0x3f) as u8,
            0x80 | ((code >> 6) & 0x3f) as u8,
            0x80 | (code & 0x3f) as u8,
        ]),
    }
}

/// Whether WTF-8 `bytes` hold an encoded surrogate (ED A0..BF xx).
fn has_surrogate(bytes: &[u8]) -> bool {
    bytes
        .windows(2)
        .any(|pair| pair[0] == 0xED && pair[1] >= 0xA0)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The byte-at-a-time count `whitespace_run` must equal.
    fn run_one_by_one(bytes: &[u8]) -> usize {
        bytes
            .iter()
            .take_while(|&&byte| is_whitespace(byte))
            .count()
    }

    #[test]
    fn whitespace_run_stops_at_every_other_byte_in_every_position() {
        // Every byte value (0x09|0x80 and 0x20|0x80 included: only exact matches count),
        // after every run length 0..=20 of mixed whitespace, with trailing bytes or none.
        let pattern = b" \t\n\r  \n\t\r   \r\n\t  \n \t\r";
        for stop in 0..=u8::MAX {
            for run in 0..=20 {
                for tail in [&b""[..], b" x", b"\n\n\n\n\n\n\n\n\n"] {
                    let mut bytes = pattern[..run].to_vec();
                    bytes.push(stop);
                    bytes.extend_from_slice(tail);
                    assert_eq!(
                        whitespace_run(&bytes),
                        run_one_by_one(&bytes),
                        "{run} whitespace bytes, then {stop:#04x}"
                    );
                }
            }
        }
        for length in 0..=40 {
            let all_space = vec![b' '; length];
            assert_eq!(whitespace_run(&all_space), length);
        }
    }

    /// A sink that writes a compact, canonical text of what it received.
    #[derive(Default)]
    struct Echo {
        out: Vec<String>,
    }

    impl Echo {
        fn collapse(&mut self, n: usize, open: &str, close: &str) {
            let items = self.out.split_off(self.out.len() - n);
            self.out.push(format!("{open}{}{close}", items.join(",")));
        }
    }

    impl Sink for Echo {
        fn null(&mut self) -> Result<(), SinkError> {
            self.out.push("null".into());
            Ok(())
        }
        fn boolean(&mut self, value: bool) -> Result<(), SinkError> {
            self.out.push(value.to_string());
            Ok(())
        }
        fn int(&mut self, value: i64) -> Result<(), SinkError> {
            self.out.push(format!("i{value}"));
            Ok(())
        }
        fn big_int(&mut self, digits: &str) -> Result<(), SinkError> {
            self.out.push(format!("I{digits}"));
            Ok(())
        }
        fn float(&mut self, value: f64) -> Result<(), SinkError> {
            self.out.push(format!("f{value:?}"));
            Ok(())
        }
        fn string(&mut self, bytes: &[u8], text: Text) -> Result<(), SinkError> {
            if text == Text::Utf8 {
                std::str::from_utf8(bytes).map_err(|_| SinkError)?;
            }
            self.out
                .push(format!("{text:?}{:?}", String::from_utf8_lossy(bytes)));
            Ok(())
        }
        fn key(&mut self, bytes: &[u8], text: Text) -> Result<(), SinkError> {
            self.string(bytes, text)
        }
        fn end_array(&mut self, len: usize) -> Result<(), SinkError> {
            self.collapse(len, "[", "]");
            Ok(())
        }
        fn end_object(&mut self, pairs: usize) -> Result<(), SinkError> {
            let items = self.out.split_off(self.out.len() - 2 * pairs);
            let joined: Vec<String> = items
                .chunks(2)
                .map(|kv| format!("{}:{}", kv[0], kv[1]))
                .collect();
            self.out.push(format!("{{{}}}", joined.join(",")));
            Ok(())
        }
    }

    fn echo(input: &str) -> Result<String, (ErrorKind, usize)> {
        let mut sink = Echo::default();
        parse(input.as_bytes(), Encoding::Unchecked, &mut sink).map_err(|e| (e.kind, e.offset))?;
        assert_eq!(sink.out.len(), 1);
        Ok(sink.out.pop().unwrap())
    }

    #[test]
    fn values() {
        assert_eq!(
            echo(" [1, -0, 2.5, -1e3, true, false, null] ").unwrap(),
            "[i1,i0,f2.5,f-1000.0,true,false,null]"
        );
        assert_eq!(
            echo(r#"{"a": {"b": []}, "c": {}}"#).unwrap(),
            r#"{Ascii"a":{Ascii"b":[]},Ascii"c":{}}"#
        );
        assert_eq!(
            echo("123456789012345678901").unwrap(),
            "I123456789012345678901"
        );
        assert_eq!(
            echo("-9223372036854775808").unwrap(),
            "i-9223372036854775808"
        );
        assert_eq!(echo("9223372036854775808").unwrap(), "I9223372036854775808");
        assert_eq!(echo("1e400").unwrap(), "finf");
    }

    #[test]
    fn strings() {
        assert_eq!(
            echo(r#""a\"\\\/\b\f\n\r\t""#).unwrap(),
            "Ascii\"a\\\"\\\\/\\u{8}\\u{c}\\n\\r\\t\""
        );
        assert_eq!(echo(r#""\u00e9\ud83d\ude00""#).unwrap(), "Utf8\"é😀\"");
        assert_eq!(
            echo("\"é long enough to use the word loop\"").unwrap(),
            "Utf8\"é long enough to use the word loop\""
        );
        assert_eq!(
            echo(r#""\ud800x""#).unwrap(),
            "Wtf8\"\u{fffd}\u{fffd}\u{fffd}x\""
        );
    }

    #[test]
    fn errors_and_their_offsets() {
        let cases: &[(&str, ErrorKind, usize)] = &[
            ("", ErrorKind::ExpectingValue, 0),
            ("   ", ErrorKind::ExpectingValue, 3),
            ("[1,]", ErrorKind::TrailingCommaArray, 2),
            ("{\"a\":1 ,}", ErrorKind::TrailingCommaObject, 7),
            ("[tru]", ErrorKind::ExpectingValue, 1),
            ("NaN", ErrorKind::NotAllowed(NonFinite::NaN), 0),
            (
                "[-Infinity]",
                ErrorKind::NotAllowed(NonFinite::NegInfinity),
                1,
            ),
            ("-", ErrorKind::ExpectingValue, 0),
            ("01", ErrorKind::ExtraData, 1),
            ("[01]", ErrorKind::ExpectingComma, 2),
            ("1.", ErrorKind::ExtraData, 1),
            ("{1:2}", ErrorKind::ExpectingPropertyName, 1),
            ("{\"a\" 1}", ErrorKind::ExpectingColon, 5),
            ("\"abc", ErrorKind::UnterminatedString, 0),
            ("\"a\\", ErrorKind::UnterminatedString, 0),
            ("\"a\u{1}\"", ErrorKind::InvalidControlCharacter, 2),
            ("\"\\x\"", ErrorKind::InvalidEscape, 1),
            ("\"\\u12\"", ErrorKind::InvalidUnicodeEscape, 1),
            ("\u{feff}{}", ErrorKind::ByteOrderMark, 0),
        ];
        for &(input, kind, offset) in cases {
            assert_eq!(echo(input), Err((kind, offset)), "{input:?}");
        }
        let mut sink = Echo::default();
        let error = parse(b"[\"\xff\"]", Encoding::Unchecked, &mut sink).unwrap_err();
        assert_eq!((error.kind, error.offset), (ErrorKind::InvalidUtf8, 2));
    }

    #[test]
    fn depth_limit() {
        let ok = "[".repeat(MAX_DEPTH) + &"]".repeat(MAX_DEPTH);
        assert!(echo(&ok).is_ok());
        let deep = "[".repeat(MAX_DEPTH + 1) + &"]".repeat(MAX_DEPTH + 1);
        assert_eq!(echo(&deep), Err((ErrorKind::TooDeep, MAX_DEPTH)));
    }

    #[test]
    fn char_index_counts_characters() {
        assert_eq!(char_index("aé😀b".as_bytes(), 7), 3);
    }
}
