//! JWK sets: the usable keys of an identity provider's set, and the choice of one for a
//! token by its `kid` header.

use std::sync::Arc;

use super::fallible::{try_format, OutOfMemory};
use super::keys::{Jwk, Key};
use super::JwtError;

/// The usable signature keys of a JWK set, in the set's order (never empty).
#[derive(Debug)]
pub struct KeySet {
    keys: Vec<Arc<Key>>,
}

/// Collects a set's keys entry by entry (`KeySet::builder`).
#[derive(Debug, Default)]
pub struct KeySetBuilder {
    keys: Vec<Arc<Key>>,
}

impl KeySetBuilder {
    /// Adds the key of one entry. A set from an identity provider mixes in keys for other
    /// uses (encryption, curves we do not support): an entry that is not a usable key is
    /// skipped, not fatal; running out of memory is.
    pub fn add(&mut self, entry: Result<Jwk, JwtError>) -> Result<(), OutOfMemory> {
        match entry.and_then(|jwk| Key::from_jwk(&jwk)) {
            Ok(key) => {
                self.keys.try_reserve(1)?;
                self.keys.push(Arc::new(key));
                Ok(())
            }
            Err(JwtError::OutOfMemory) => Err(OutOfMemory),
            Err(_) => Ok(()),
        }
    }

    /// The set, or InvalidKey when no entry was usable.
    pub fn finish(self) -> Result<KeySet, JwtError> {
        if self.keys.is_empty() {
            return Err(JwtError::invalid_key(
                "the JWK set holds no usable signing keys",
            ));
        }
        Ok(KeySet { keys: self.keys })
    }
}

impl KeySet {
    pub fn builder() -> KeySetBuilder {
        KeySetBuilder::default()
    }

    pub fn len(&self) -> usize {
        self.keys.len()
    }

    /// Never true: a set without usable keys is an error (`KeySetBuilder::finish`).
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// The usable keys, in the set's order.
    pub fn keys(&self) -> &[Arc<Key>] {
        &self.keys
    }

    /// The key whose "kid" is `kid`.
    pub fn get(&self, kid: &str) -> Option<&Arc<Key>> {
        self.keys.iter().find(|key| key.kid.as_deref() == Some(kid))
    }

    /// The key for a token with `kid` (its header's, if any): the one with that kid, or the
    /// only key of a set of one when the token names none.
    pub fn select(&self, kid: Option<&str>) -> Result<Arc<Key>, JwtError> {
        match kid {
            Some(kid) => match self.get(kid) {
                Some(key) => Ok(Arc::clone(key)),
                // The token's kid, of any length.
                None => Err(JwtError::Decode(try_format!(
                    "No key in the JWK set has kid \"{kid}\""
                )?)),
            },
            None if self.keys.len() == 1 => Ok(Arc::clone(&self.keys[0])),
            None => Err(JwtError::Decode(format!(
                "The token has no kid header and the JWK set holds {} keys",
                self.keys.len()
            ))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secret(kid: &str) -> Jwk {
        Jwk {
            kty: Some("oct".into()),
            kid: Some(kid.into()),
            members: vec![("k", "c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0".into())],
            ..Jwk::default()
        }
    }

    #[test]
    fn unusable_entries_are_skipped_and_kids_select() {
        let mut builder = KeySet::builder();
        builder.add(Ok(secret("a"))).unwrap();
        builder
            .add(Err(JwtError::invalid_key("not a key")))
            .unwrap();
        builder.add(Ok(secret("b"))).unwrap();
        let set = builder.finish().unwrap();
        assert_eq!(set.len(), 2);
        assert_eq!(set.select(Some("b")).unwrap().kid.as_deref(), Some("b"));
        assert!(matches!(set.select(Some("c")), Err(JwtError::Decode(_))));
        assert!(matches!(set.select(None), Err(JwtError::Decode(_))));
    }

    #[test]
    fn a_set_of_one_serves_tokens_without_kid_and_none_is_an_error() {
        let mut builder = KeySet::builder();
        builder.add(Ok(secret("only"))).unwrap();
        let set = builder.finish().unwrap();
        assert_eq!(set.select(None).unwrap().kid.as_deref(), Some("only"));
        assert!(matches!(
            KeySet::builder().finish(),
            Err(JwtError::InvalidKey(_))
        ));
        assert_eq!(
            KeySet::builder().add(Err(JwtError::OutOfMemory)),
            Err(OutOfMemory)
        );
    }
}
