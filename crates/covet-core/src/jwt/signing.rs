//! Signing a token and checking a token's signature: the steps of `encode` and `decode` that
//! need no Python object, so that the binding can run them without the GIL (the sync forms,
//! for the asymmetric algorithms) or on a worker thread (the awaitable forms).

use std::sync::Arc;

use super::fallible::OutOfMemory;
use super::keys::Key;
use super::{b64, token, Algorithm, JwtError};

/// Room kept after the signing input for the dot and the signature (base64url of up to 64
/// bytes: HMAC-SHA-512, ES384's 96 bytes grow the buffer once).
const SIGNATURE_ROOM: usize = 96;

/// `base64url(header) "." base64url(payload)`, the part of a token the signature covers, with
/// room for the signature.
pub fn signing_input(header: &[u8], payload: &[u8]) -> Result<Vec<u8>, OutOfMemory> {
    let mut token = Vec::new();
    token.try_reserve_exact(
        b64::encoded_len(header.len())
            .saturating_add(b64::encoded_len(payload.len()))
            .saturating_add(SIGNATURE_ROOM),
    )?;
    b64::encode_url_into(header, &mut token)?;
    token.push(b'.');
    b64::encode_url_into(payload, &mut token)?;
    Ok(token)
}

/// A token ready to be signed: its signing input, the key and the algorithm (the key already
/// checked for them: `Key::check_use`).
pub struct Unsigned {
    token: Vec<u8>,
    key: Arc<Key>,
    alg: Algorithm,
}

impl Unsigned {
    pub fn new(signing_input: Vec<u8>, key: Arc<Key>, alg: Algorithm) -> Self {
        Self {
            token: signing_input,
            key,
            alg,
        }
    }

    /// Whether signing takes long enough to be worth leaving the interpreter for: hundreds
    /// of microseconds for RSA, where HMAC takes a microsecond, less than the switch.
    pub fn signs_slowly(&self) -> bool {
        self.key.is_asymmetric()
    }

    /// The whole token, `header.payload.signature` (ASCII).
    pub fn sign(mut self) -> Result<Vec<u8>, JwtError> {
        let signature = self.key.sign(self.alg, &self.token)?;
        self.token
            .try_reserve(1 + b64::encoded_len(signature.len()))
            .map_err(|_| JwtError::OutOfMemory)?;
        self.token.push(b'.');
        b64::encode_url_into(&signature, &mut self.token)?;
        Ok(self.token)
    }
}

/// A token taken apart up to its signature check: its bytes, its decoded signature, and the
/// algorithm and key to check it with (`None` under `verify_signature=False`).
pub struct SignatureCheck {
    token: Vec<u8>,
    signature: Vec<u8>,
    verify_with: Option<(Algorithm, Arc<Key>)>,
}

impl SignatureCheck {
    pub fn new(
        token: Vec<u8>,
        signature: Vec<u8>,
        verify_with: Option<(Algorithm, Arc<Key>)>,
    ) -> Self {
        Self {
            token,
            signature,
            verify_with,
        }
    }

    /// Whether the check takes long enough to be worth leaving the interpreter for.
    pub fn verifies_slowly(&self) -> bool {
        self.verify_with
            .as_ref()
            .is_some_and(|(_, key)| key.is_asymmetric())
    }

    /// The signature check (nothing under `verify_signature=False`).
    pub fn check(&self) -> Result<(), JwtError> {
        let Some((alg, key)) = &self.verify_with else {
            return Ok(());
        };
        let segments = token::split(&self.token)?;
        key.verify(*alg, segments.signing_input, &self.signature)
    }

    /// The token, for the steps after the check.
    pub fn token(&self) -> &[u8] {
        &self.token
    }

    /// The decoded signature, for `decode_complete`'s result.
    pub fn into_signature(self) -> Vec<u8> {
        self.signature
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jwt::keys::Purpose;

    #[test]
    fn a_signed_token_checks_and_a_changed_one_does_not() {
        let key = Arc::new(Key::from_secret(b"a secret of thirty-two bytes....").unwrap());
        key.check_use(Algorithm::HS256, Purpose::Sign).unwrap();
        let input = signing_input(br#"{"alg":"HS256"}"#, br#"{"sub":"1"}"#).unwrap();
        let token = Unsigned::new(input, Arc::clone(&key), Algorithm::HS256)
            .sign()
            .unwrap();
        let parts = token::split(&token).unwrap();
        let signature = token::decode_segment(parts.signature, "signature").unwrap();
        let check = SignatureCheck::new(
            token.clone(),
            signature.clone(),
            Some((Algorithm::HS256, Arc::clone(&key))),
        );
        assert!(!check.verifies_slowly());
        check.check().unwrap();
        let mut forged = token.clone();
        forged[0] ^= 1;
        let check = SignatureCheck::new(forged, signature, Some((Algorithm::HS256, key)));
        assert_eq!(check.check(), Err(JwtError::InvalidSignature));
    }
}
