//! A compact JWS token taken apart (RFC 7515 §7.1) and its protected header checked, in the
//! order docs/JWT.md gives.

use super::b64;
use super::{Algorithm, JwtError};
use crate::json::parse::ParseError;
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
    b64::decode_url(segment).ok_or_else(|| JwtError::Decode(format!("Invalid {name} padding")))
}

/// Why a header or payload is not a usable JSON object.
#[derive(Debug)]
pub enum JsonProblem {
    /// The JSON error; the binding words it as the JSON functions do.
    Syntax(ParseError),
    /// The first repeated key in document order.
    DuplicateKey(Vec<u8>),
    NotAnObject,
}

impl JsonProblem {
    /// The DecodeError for the `what` segment ("header" or "payload"); `syntax` words a
    /// JSON syntax error as the package's `loads` does.
    pub fn into_error(self, what: &str, syntax: impl FnOnce(ParseError) -> String) -> JwtError {
        JwtError::Decode(match self {
            Self::Syntax(error) => format!("Invalid {what} string: {}", syntax(error)),
            Self::DuplicateKey(key) => format!(
                "Invalid {what} string: duplicate key \"{}\"",
                String::from_utf8_lossy(&key)
            ),
            Self::NotAnObject => format!("Invalid {what} string: must be a json object"),
        })
    }
}

/// Parses a decoded segment as a JSON object without repeated keys.
pub fn parse_object(json: &[u8]) -> Result<Value, JsonProblem> {
    let value = value::parse_value(json).map_err(JsonProblem::Syntax)?;
    if let Some(key) = value::first_duplicate_key(&value) {
        return Err(JsonProblem::DuplicateKey(key.to_vec()));
    }
    if !matches!(value, Value::Object(_)) {
        return Err(JsonProblem::NotAnObject);
    }
    Ok(value)
}

/// The header rules that hold whether or not the signature is verified: `kid`, `crit`,
/// `b64`. Returns the `kid`.
pub fn check_header(header: &Value) -> Result<Option<String>, JwtError> {
    let kid = match header.get("kid") {
        None => None,
        // A lone surrogate (WTF-8) is still a string; it just matches no key's kid.
        Some(Value::String(kid)) => Some(String::from_utf8_lossy(kid).into_owned()),
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
            Value::String(first) => format!(
                "Unsupported critical extension: {}",
                String::from_utf8_lossy(first)
            ),
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
}
