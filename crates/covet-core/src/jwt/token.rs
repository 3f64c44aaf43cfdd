//! A compact JWS token taken apart (RFC 7515 §7.1) and its protected header checked, in the
//! order docs/JWT.md gives.

use std::collections::HashSet;

use super::b64;
use super::fallible::{self, try_format, OutOfMemory};
use super::{Algorithm, JwtError};
use crate::json::parse::{self, Encoding, ParseError, Sink, SinkError, Text};
use crate::json::value::{self, Value};

/// The three segments of a token, as sent.
#[derive(Debug, Clone, Copy)]
pub struct Segments<'a> {
    pub header: &'a [u8],
    pub payload: &'a [u8],
    pub signature: &'a [u8],
    /// `header.payload`: what the signature covers.
    pub signing_input: &'a [u8],
}

/// Refuses a token over the size limit before any other work.
pub fn check_size(len: usize, max_token_bytes: usize) -> Result<(), JwtError> {
    if len > max_token_bytes {
        return Err(JwtError::Decode(format!(
            "Token is {len} bytes, more than max_token_bytes ({max_token_bytes})"
        )));
    }
    Ok(())
}

/// Splits a token into exactly three segments.
pub fn split(token: &[u8]) -> Result<Segments<'_>, JwtError> {
    let mut dots = memchr::memchr_iter(b'.', token);
    let (Some(first), Some(second)) = (dots.next(), dots.next()) else {
        return Err(JwtError::Decode("Not enough segments".into()));
    };
    if dots.next().is_some() {
        return Err(JwtError::Decode("Too many segments".into()));
    }
    Ok(Segments {
        header: &token[..first],
        payload: &token[first + 1..second],
        signature: &token[second + 1..],
        signing_input: &token[..second],
    })
}

/// Decodes one segment's base64url; `name` is "header", "payload" or "signature".
pub fn decode_segment(segment: &[u8], name: &str) -> Result<Vec<u8>, JwtError> {
    b64::decode_url(segment)?.ok_or_else(|| JwtError::Decode(format!("Invalid {name} padding")))
}

/// Why a header or payload is not a usable JSON object.
#[derive(Debug)]
pub enum JsonProblem {
    /// The JSON error; the binding words it as the JSON functions do.
    Syntax(ParseError),
    /// The first repeated key in document order.
    DuplicateKey(Vec<u8>),
    NotAnObject,
    /// The keys could not be kept for the duplicate check: `MemoryError`.
    OutOfMemory,
}

impl JsonProblem {
    /// The DecodeError for the `what` segment ("header" or "payload"); `syntax` words a
    /// JSON syntax error as the package's `loads` does.
    pub fn into_error(self, what: &str, syntax: impl FnOnce(ParseError) -> String) -> JwtError {
        let message = match self {
            Self::Syntax(error) => Ok(format!("Invalid {what} string: {}", syntax(error))),
            // The key is the token's, of any length.
            Self::DuplicateKey(key) => fallible::lossy(&key)
                .and_then(|key| try_format!("Invalid {what} string: duplicate key \"{key}\"")),
            Self::NotAnObject => Ok(format!("Invalid {what} string: must be a json object")),
            Self::OutOfMemory => Err(OutOfMemory),
        };
        match message {
            Ok(message) => JwtError::Decode(message),
            Err(OutOfMemory) => JwtError::OutOfMemory,
        }
    }
}

/// Checks that a decoded segment is a JSON object without repeated keys, at any depth, in
/// one pass: the verdict of [`parse_object`] without building the document. Keys are kept
/// (fallibly) only while their object is open; each object's keys are compared through a
/// hash set when it closes, so the check is linear in the document.
pub fn check_object(json: &[u8]) -> Result<(), JsonProblem> {
    let mut sink = KeyCheck::default();
    let parsed = parse::parse(json, Encoding::Unchecked, &mut sink);
    if sink.out_of_memory {
        return Err(JsonProblem::OutOfMemory);
    }
    parsed.map_err(JsonProblem::Syntax)?;
    if let Some((_, key)) = sink.first_repeat {
        return Err(JsonProblem::DuplicateKey(key));
    }
    if !sink.last_was_object {
        return Err(JsonProblem::NotAnObject);
    }
    Ok(())
}

/// Parses a decoded segment as a JSON object without repeated keys.
pub fn parse_object(json: &[u8]) -> Result<Value, JsonProblem> {
    check_object(json)?;
    value::parse_value(json).map_err(JsonProblem::Syntax)
}

/// The sink of [`check_object`].
#[derive(Default)]
struct KeyCheck {
    /// The text of the keys of the objects still open, one after the other.
    key_bytes: Vec<u8>,
    /// Per key of an open object: its position among all keys of the document (text
    /// order) and where its text ends in `key_bytes`.
    keys: Vec<(usize, usize)>,
    /// Keys seen so far.
    seen: usize,
    /// The earliest repeated key found so far, by position.
    first_repeat: Option<(usize, Vec<u8>)>,
    /// Whether the value finished last (the root, once the parse is done) is an object.
    last_was_object: bool,
    out_of_memory: bool,
}

impl KeyCheck {
    /// A value that is not an object has been read.
    // The Sink methods return its result as it is.
    #[allow(clippy::unnecessary_wraps)]
    fn not_an_object(&mut self) -> Result<(), SinkError> {
        self.last_was_object = false;
        Ok(())
    }

    fn no_memory(&mut self) -> SinkError {
        self.out_of_memory = true;
        SinkError
    }

    /// The first key of the closing object (its `pairs` last keys) that repeats an earlier
    /// one of the same object.
    fn repeat_in_closing(&self, pairs: usize) -> Result<Option<(usize, &[u8])>, OutOfMemory> {
        let first = self.keys.len() - pairs;
        let mut start = if first == 0 {
            0
        } else {
            self.keys[first - 1].1
        };
        let mut names = HashSet::new();
        names.try_reserve(pairs)?;
        for &(position, end) in &self.keys[first..] {
            let name = &self.key_bytes[start..end];
            if !names.insert(name) {
                return Ok(Some((position, name)));
            }
            start = end;
        }
        Ok(None)
    }
}

/// UTF-8 is checked here for unchecked input, as the parser asks of its sinks.
fn valid_text(bytes: &[u8], text: Text) -> Result<(), SinkError> {
    if text == Text::Utf8 && std::str::from_utf8(bytes).is_err() {
        return Err(SinkError);
    }
    Ok(())
}

impl Sink for KeyCheck {
    fn null(&mut self) -> Result<(), SinkError> {
        self.not_an_object()
    }

    fn boolean(&mut self, _: bool) -> Result<(), SinkError> {
        self.not_an_object()
    }

    fn int(&mut self, _: i64) -> Result<(), SinkError> {
        self.not_an_object()
    }

    fn big_int(&mut self, _: &str) -> Result<(), SinkError> {
        self.not_an_object()
    }

    fn float(&mut self, _: f64) -> Result<(), SinkError> {
        self.not_an_object()
    }

    fn string(&mut self, bytes: &[u8], text: Text) -> Result<(), SinkError> {
        valid_text(bytes, text)?;
        self.not_an_object()
    }

    fn key(&mut self, bytes: &[u8], text: Text) -> Result<(), SinkError> {
        valid_text(bytes, text)?;
        if self.key_bytes.try_reserve(bytes.len()).is_err() || self.keys.try_reserve(1).is_err() {
            return Err(self.no_memory());
        }
        self.key_bytes.extend_from_slice(bytes);
        self.keys.push((self.seen, self.key_bytes.len()));
        self.seen += 1;
        Ok(())
    }

    fn end_array(&mut self, _: usize) -> Result<(), SinkError> {
        self.not_an_object()
    }

    fn end_object(&mut self, pairs: usize) -> Result<(), SinkError> {
        let found = match self.repeat_in_closing(pairs) {
            Ok(found) => found.map(|(position, name)| (position, name.to_owned())),
            Err(OutOfMemory) => return Err(self.no_memory()),
        };
        if let Some((position, name)) = found {
            if self
                .first_repeat
                .as_ref()
                .is_none_or(|(earliest, _)| position < *earliest)
            {
                self.first_repeat = Some((position, name));
            }
        }
        let first = self.keys.len() - pairs;
        let start = if first == 0 {
            0
        } else {
            self.keys[first - 1].1
        };
        self.keys.truncate(first);
        self.key_bytes.truncate(start);
        self.last_was_object = true;
        Ok(())
    }
}

/// The header rules that hold whether or not the signature is verified: `kid`, `crit`,
/// `b64`. Returns the `kid`.
pub fn check_header(header: &Value) -> Result<Option<String>, JwtError> {
    let kid = match header.get("kid") {
        None => None,
        // A lone surrogate (WTF-8) is still a string; it just matches no key's kid.
        Some(Value::String(kid)) => Some(fallible::lossy(kid)?),
        Some(_) => {
            return Err(JwtError::InvalidToken(
                "Key ID header parameter must be a string".into(),
            ))
        }
    };
    if let Some(crit) = header.get("crit") {
        let entries = match crit {
            Value::Array(entries) if !entries.is_empty() => entries,
            _ => {
                return Err(JwtError::InvalidToken(
                    "Invalid 'crit' header: must be a non-empty list".into(),
                ))
            }
        };
        // No extension is understood here, so the first entry is refused, whatever it is.
        return Err(JwtError::InvalidToken(match &entries[0] {
            Value::String(first) => {
                let first = fallible::lossy(first)?;
                try_format!("Unsupported critical extension: {first}")?
            }
            _ => "Invalid 'crit' header: values must be strings".into(),
        }));
    }
    match header.get("b64") {
        None | Some(Value::Bool(true)) => {}
        Some(_) => {
            return Err(JwtError::Decode(
                "The b64 header parameter is not supported".into(),
            ))
        }
    }
    Ok(kid)
}

/// The token's `alg`, which must be one of `allowed`.
pub fn check_alg(header: &Value, allowed: &[Algorithm]) -> Result<Algorithm, JwtError> {
    let not_allowed =
        || JwtError::InvalidAlgorithm("The specified alg value is not allowed".into());
    match header.get("alg") {
        None => Err(JwtError::InvalidAlgorithm("Algorithm not specified".into())),
        Some(alg) => {
            let name = alg.as_str().ok_or_else(not_allowed)?;
            allowed
                .iter()
                .copied()
                .find(|allowed| allowed.name() == name)
                .ok_or_else(not_allowed)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments() {
        let parts = split(b"a.b.c").unwrap();
        assert_eq!(parts.header, b"a");
        assert_eq!(parts.payload, b"b");
        assert_eq!(parts.signature, b"c");
        assert_eq!(parts.signing_input, b"a.b");
        assert_eq!(
            split(b"a.b").unwrap_err(),
            JwtError::Decode("Not enough segments".into())
        );
        assert_eq!(
            split(b"a.b.c.d").unwrap_err(),
            JwtError::Decode("Too many segments".into())
        );
        assert!(split(b"..").is_ok());
    }

    #[test]
    fn header_rules() {
        let header = |text: &str| parse_object(text.as_bytes()).unwrap();
        assert_eq!(
            check_header(&header(r#"{"kid":"k1"}"#)),
            Ok(Some("k1".into()))
        );
        assert!(matches!(
            check_header(&header(r#"{"kid":1}"#)),
            Err(JwtError::InvalidToken(_))
        ));
        assert_eq!(
            check_header(&header(r#"{"crit":["exp"],"exp":1}"#)),
            Err(JwtError::InvalidToken(
                "Unsupported critical extension: exp".into()
            ))
        );
        assert!(check_header(&header(r#"{"crit":[]}"#)).is_err());
        assert!(matches!(
            check_header(&header(r#"{"b64":false}"#)),
            Err(JwtError::Decode(_))
        ));
        assert_eq!(check_header(&header(r#"{"b64":true}"#)), Ok(None));
        let allowed = [Algorithm::HS256];
        assert_eq!(
            check_alg(&header(r#"{"alg":"HS256"}"#), &allowed),
            Ok(Algorithm::HS256)
        );
        for text in [
            r#"{"alg":"none"}"#,
            r#"{"alg":"hs256"}"#,
            r#"{"alg":null}"#,
            r#"{"alg":["HS256"]}"#,
        ] {
            assert!(matches!(
                check_alg(&header(text), &allowed),
                Err(JwtError::InvalidAlgorithm(_))
            ));
        }
    }

    #[test]
    fn objects_only_without_duplicates() {
        assert!(matches!(parse_object(b"[]"), Err(JsonProblem::NotAnObject)));
        assert!(matches!(
            parse_object(b"{\"a\":1,\"a\":2}"),
            Err(JsonProblem::DuplicateKey(_))
        ));
        assert!(matches!(parse_object(b"{"), Err(JsonProblem::Syntax(_))));
    }

    #[test]
    fn the_first_repeated_key_in_text_order() {
        let repeated = |text: &str| match check_object(text.as_bytes()) {
            Err(JsonProblem::DuplicateKey(key)) => Some(String::from_utf8(key).unwrap()),
            Ok(()) => None,
            Err(other) => panic!("{text}: {other:?}"),
        };
        assert_eq!(
            repeated(r#"{"a":{"b":1,"b":2},"a":3}"#).as_deref(),
            Some("b")
        );
        assert_eq!(
            repeated(r#"{"a":1,"x":{"b":1,"b":2},"a":3}"#).as_deref(),
            Some("b")
        );
        assert_eq!(
            repeated(r#"{"a":1,"a":2,"x":{"b":1,"b":2}}"#).as_deref(),
            Some("a")
        );
        assert_eq!(repeated(r#"{"x":[{"k":1,"k":1}]}"#).as_deref(), Some("k"));
        assert_eq!(repeated(r#"{"\u0061":1,"a":2}"#).as_deref(), Some("a"));
        assert_eq!(repeated(r#"{"a":[1,{"a":1}],"b":{"a":{"a":0}}}"#), None);
        assert!(matches!(
            check_object(br#""x""#),
            Err(JsonProblem::NotAnObject)
        ));
        assert!(matches!(
            check_object(b"[{}]"),
            Err(JsonProblem::NotAnObject)
        ));
        assert!(matches!(
            check_object(b"{\"a\":\"\xff\"}"),
            Err(JsonProblem::Syntax(_))
        ));
        // A syntax error wins over an earlier repeated key, as the full parse decides.
        assert!(matches!(
            check_object(br#"{"a":1,"a":2"#),
            Err(JsonProblem::Syntax(_))
        ));
    }

    #[test]
    fn many_keys_are_checked_in_linear_time() {
        let mut text = String::from("{");
        for index in 0..100_000 {
            text.push_str("\"k");
            text.push_str(&index.to_string());
            text.push_str("\":0,");
        }
        text.push_str("\"k0\":1}");
        let Err(JsonProblem::DuplicateKey(key)) = check_object(text.as_bytes()) else {
            panic!("not found");
        };
        assert_eq!(key, b"k0");
    }
}
