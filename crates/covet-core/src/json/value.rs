//! A JSON value tree in plain Rust, for callers that must look at a document without
//! building Python objects: the JWT header and claim rules, tests and fuzz targets.

use super::parse::{self, Encoding, ParseError, Sink, SinkError, Text};

/// A parsed JSON value. Strings and keys are kept as their decoded bytes: UTF-8, or WTF-8
/// when the text held a lone surrogate escape (`"\ud800"`), which no Rust `str` can hold.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Int(i64),
    /// An integer outside the i64 range, as its decimal text (sign included).
    BigInt(String),
    Float(f64),
    String(Vec<u8>),
    Array(Vec<Value>),
    /// Members in document order, duplicates kept (see [`first_duplicate_key`]).
    Object(Vec<(Vec<u8>, Value)>),
}

impl Value {
    /// The string's text, if this is a string holding valid UTF-8.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Self::String(bytes) => std::str::from_utf8(bytes).ok(),
            _ => None,
        }
    }

    /// Python's truth value of the decoded object: `null`, `false`, `0`, `""`, `[]` and `{}`
    /// are false.
    pub fn is_truthy(&self) -> bool {
        match self {
            Self::Null => false,
            Self::Bool(value) => *value,
            Self::Int(value) => *value != 0,
            Self::BigInt(_) => true,
            Self::Float(value) => *value != 0.0,
            Self::String(bytes) => !bytes.is_empty(),
            Self::Array(items) => !items.is_empty(),
            Self::Object(members) => !members.is_empty(),
        }
    }

    /// The member `name` of an object (the first, if repeated).
    pub fn get(&self, name: &str) -> Option<&Value> {
        match self {
            Self::Object(members) => members
                .iter()
                .find(|(key, _)| key == name.as_bytes())
                .map(|(_, value)| value),
            _ => None,
        }
    }
}

/// Parses `input` (bytes from outside: UTF-8 is checked) into a [`Value`].
pub fn parse_value(input: &[u8]) -> Result<Value, ParseError> {
    let mut sink = ValueSink::default();
    parse::parse(input, Encoding::Unchecked, &mut sink)?;
    Ok(sink.stack.pop().unwrap_or(Value::Null))
}

/// The first key repeated within one object, in document order: of all the repeated
/// occurrences, the one that comes first in the text.
pub fn first_duplicate_key(value: &Value) -> Option<&[u8]> {
    // A pre-order walk visits keys in text order; an explicit stack keeps deep documents
    // (up to the parser's 1024 levels) off the thread's stack.
    let mut pending = vec![value];
    while let Some(value) = pending.pop() {
        match value {
            Value::Array(items) => pending.extend(items.iter().rev()),
            Value::Object(members) => {
                for (index, (key, _)) in members.iter().enumerate() {
                    if members[..index].iter().any(|(earlier, _)| earlier == key) {
                        // Keys before this one, and everything nested under their values,
                        // come earlier in the text: search those first.
                        let earlier = members[..index]
                            .iter()
                            .find_map(|(_, value)| first_duplicate_key(value));
                        return earlier.or(Some(key.as_slice()));
                    }
                }
                pending.extend(members.iter().rev().map(|(_, value)| value));
            }
            _ => {}
        }
    }
    None
}

/// Keeps a stack of finished values; containers collect their items when they end.
#[derive(Default)]
struct ValueSink {
    stack: Vec<Value>,
    /// Keys wait here until their object ends.
    keys: Vec<Vec<u8>>,
}

fn decoded(bytes: &[u8], text: Text) -> Result<Vec<u8>, SinkError> {
    // Unchecked input: non-ASCII strings are validated here (WTF-8 text only comes from
    // escapes, which the parser produced itself).
    if text == Text::Utf8 && std::str::from_utf8(bytes).is_err() {
        return Err(SinkError);
    }
    Ok(bytes.to_vec())
}

impl Sink for ValueSink {
    fn null(&mut self) -> Result<(), SinkError> {
        self.stack.push(Value::Null);
        Ok(())
    }

    fn boolean(&mut self, value: bool) -> Result<(), SinkError> {
        self.stack.push(Value::Bool(value));
        Ok(())
    }

    fn int(&mut self, value: i64) -> Result<(), SinkError> {
        self.stack.push(Value::Int(value));
        Ok(())
    }

    fn big_int(&mut self, digits: &str) -> Result<(), SinkError> {
        self.stack.push(Value::BigInt(digits.to_owned()));
        Ok(())
    }

    fn float(&mut self, value: f64) -> Result<(), SinkError> {
        self.stack.push(Value::Float(value));
        Ok(())
    }

    fn string(&mut self, bytes: &[u8], text: Text) -> Result<(), SinkError> {
        self.stack.push(Value::String(decoded(bytes, text)?));
        Ok(())
    }

    fn key(&mut self, bytes: &[u8], text: Text) -> Result<(), SinkError> {
        self.keys.push(decoded(bytes, text)?);
        Ok(())
    }

    fn end_array(&mut self, len: usize) -> Result<(), SinkError> {
        let items = self.stack.split_off(self.stack.len() - len);
        self.stack.push(Value::Array(items));
        Ok(())
    }

    fn end_object(&mut self, pairs: usize) -> Result<(), SinkError> {
        let values = self.stack.split_off(self.stack.len() - pairs);
        let keys = self.keys.split_off(self.keys.len() - pairs);
        self.stack
            .push(Value::Object(keys.into_iter().zip(values).collect()));
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_kind() {
        let value =
            parse_value(br#"{"a":[1,-2.5,"x",null,true,{}],"b":123456789012345678901}"#).unwrap();
        assert_eq!(
            value.get("a"),
            Some(&Value::Array(vec![
                Value::Int(1),
                Value::Float(-2.5),
                Value::String(b"x".to_vec()),
                Value::Null,
                Value::Bool(true),
                Value::Object(vec![]),
            ]))
        );
        assert_eq!(
            value.get("b"),
            Some(&Value::BigInt("123456789012345678901".into()))
        );
    }

    #[test]
    fn invalid_utf8_is_an_error() {
        assert!(parse_value(b"\"\xff\"").is_err());
        assert!(parse_value(b"{\"\xc3\":1}").is_err());
    }

    #[test]
    fn duplicates_are_found_in_text_order() {
        let find =
            |text: &[u8]| first_duplicate_key(&parse_value(text).unwrap()).map(<[u8]>::to_vec);
        assert_eq!(find(br#"{"a":1,"b":2}"#), None);
        assert_eq!(find(br#"{"a":1,"a":2}"#), Some(b"a".to_vec()));
        // The nested repeat comes first in the text.
        assert_eq!(find(br#"{"x":{"n":1,"n":2},"x":3}"#), Some(b"n".to_vec()));
        // The outer repeat comes first.
        assert_eq!(find(br#"{"x":1,"x":{"n":1,"n":2}}"#), Some(b"x".to_vec()));
        assert_eq!(find(br#"[{"k":1},{"k":1,"k":2}]"#), Some(b"k".to_vec()));
    }

    #[test]
    fn truthiness_is_pythons() {
        for text in [&b"null"[..], b"false", b"0", b"0.0", b"\"\"", b"[]", b"{}"] {
            assert!(!parse_value(text).unwrap().is_truthy());
        }
        for text in [&b"true"[..], b"1", b"-0.5", b"\"a\"", b"[0]", b"{\"a\":0}"] {
            assert!(parse_value(text).unwrap().is_truthy());
        }
    }
}
