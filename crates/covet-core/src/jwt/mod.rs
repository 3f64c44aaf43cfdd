//! JSON Web Tokens (RFC 7519) signed as JWS compact serialization (RFC 7515), with PyJWT's
//! API and semantics, stricter where PyJWT has been burned. The contract is docs/JWT.md.
//!
//! - `b64`: strict base64url; `der`: just enough DER and PEM to tell keys apart;
//! - `keys`: parsing keys (PEM, OpenSSH, JWK parts) into signers and verifiers, and the
//!   parsed-key cache; `token`: splitting and checking a token, its header rules;
//! - `claims`: the registered-claim rules;
//! - `keyset`: JWK sets and the choice of a key by `kid`; `signing`: signing a token and
//!   checking a signature, the steps that need no Python object;
//! - `fallible`: allocation that fails with `OutOfMemory` (a `MemoryError`) instead of
//!   aborting.
//!
//! The Python functions and the `Key`/`KeySet` classes are covet-python's `jwt`.

pub mod b64;
pub mod claims;
pub mod der;
pub mod fallible;
pub mod keys;
pub mod keyset;
pub mod signing;
pub mod token;

use std::borrow::Cow;

use fallible::{try_format, OutOfMemory};

/// Tokens longer than this (bytes) are refused before any decoding, unless the caller
/// raises the limit: 256 KiB holds any sane token with room to spare.
pub const DEFAULT_MAX_TOKEN_BYTES: usize = 262_144;

/// A supported JWS algorithm (RFC 7518 §3, RFC 8037 for EdDSA).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Algorithm {
    HS256,
    HS384,
    HS512,
    RS256,
    RS384,
    RS512,
    PS256,
    PS384,
    PS512,
    ES256,
    ES384,
    EdDSA,
}

/// SHA-2 width of an algorithm.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sha {
    Sha256,
    Sha384,
    Sha512,
}

/// What kind of key an algorithm needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Family {
    Hmac,
    RsaPkcs1,
    RsaPss,
    Ecdsa,
    Ed25519,
}

impl Algorithm {
    /// Every supported algorithm, in the order the documentation lists them.
    pub const ALL: [Self; 12] = [
        Self::HS256,
        Self::HS384,
        Self::HS512,
        Self::RS256,
        Self::RS384,
        Self::RS512,
        Self::PS256,
        Self::PS384,
        Self::PS512,
        Self::ES256,
        Self::ES384,
        Self::EdDSA,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Self::HS256 => "HS256",
            Self::HS384 => "HS384",
            Self::HS512 => "HS512",
            Self::RS256 => "RS256",
            Self::RS384 => "RS384",
            Self::RS512 => "RS512",
            Self::PS256 => "PS256",
            Self::PS384 => "PS384",
            Self::PS512 => "PS512",
            Self::ES256 => "ES256",
            Self::ES384 => "ES384",
            Self::EdDSA => "EdDSA",
        }
    }

    /// Every supported algorithm's name, in the documentation's order.
    pub fn names() -> [&'static str; 12] {
        Self::ALL.map(Self::name)
    }

    /// The algorithm of this exact (case-sensitive) name.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|alg| alg.name() == name)
    }

    /// Like [`Self::from_name`], with the error for any other name.
    pub fn supported(name: &str) -> Result<Self, JwtError> {
        match Self::from_name(name) {
            Some(alg) => Ok(alg),
            None => Err(JwtError::NotImplemented(unsupported_message(name)?)),
        }
    }

    pub fn family(self) -> Family {
        match self {
            Self::HS256 | Self::HS384 | Self::HS512 => Family::Hmac,
            Self::RS256 | Self::RS384 | Self::RS512 => Family::RsaPkcs1,
            Self::PS256 | Self::PS384 | Self::PS512 => Family::RsaPss,
            Self::ES256 | Self::ES384 => Family::Ecdsa,
            Self::EdDSA => Family::Ed25519,
        }
    }

    pub fn sha(self) -> Sha {
        match self {
            Self::HS256 | Self::RS256 | Self::PS256 | Self::ES256 | Self::EdDSA => Sha::Sha256,
            Self::HS384 | Self::RS384 | Self::PS384 | Self::ES384 => Sha::Sha384,
            Self::HS512 | Self::RS512 | Self::PS512 => Sha::Sha512,
        }
    }
}

/// The message of the NotImplementedError for an algorithm name we do not support.
pub fn unsupported_message(name: &str) -> Result<String, OutOfMemory> {
    let supported = Algorithm::ALL.map(Algorithm::name).join(", ");
    // The name is the caller's, of any length: the message is allocated fallibly.
    if name.eq_ignore_ascii_case("none") {
        try_format!("Algorithm {name:?} is never accepted: unsigned tokens are refused. Supported: {supported}")
    } else {
        try_format!("Algorithm {name:?} is not supported. Supported: {supported}")
    }
}

/// Every failure of the JWT core, each mapped to one Python exception class by the binding
/// (the hierarchy of docs/JWT.md).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JwtError {
    Decode(String),
    InvalidToken(String),
    InvalidSignature,
    Expired,
    /// "nbf" or "iat".
    Immature(&'static str),
    InvalidAudience(&'static str),
    InvalidIssuer(&'static str),
    InvalidIssuedAt,
    InvalidAlgorithm(String),
    MissingClaim(String),
    InvalidSubject(&'static str),
    InvalidJti,
    InvalidKey(String),
    NotImplemented(String),
    /// A buffer sized by the input could not be allocated: `MemoryError`.
    OutOfMemory,
}

impl From<OutOfMemory> for JwtError {
    fn from(_: OutOfMemory) -> Self {
        Self::OutOfMemory
    }
}

impl JwtError {
    pub fn invalid_key(message: impl Into<String>) -> Self {
        Self::InvalidKey(message.into())
    }

    /// The exception message (`MissingClaim`'s is made by its Python class from the claim).
    pub fn message(&self) -> Cow<'_, str> {
        match self {
            Self::Decode(message)
            | Self::InvalidToken(message)
            | Self::InvalidAlgorithm(message)
            | Self::InvalidKey(message)
            | Self::NotImplemented(message)
            | Self::MissingClaim(message) => Cow::Borrowed(message),
            Self::InvalidSignature => Cow::Borrowed("Signature verification failed"),
            Self::Expired => Cow::Borrowed("Signature has expired"),
            Self::Immature(claim) => Cow::Owned(format!("The token is not yet valid ({claim})")),
            Self::InvalidAudience(message)
            | Self::InvalidIssuer(message)
            | Self::InvalidSubject(message) => Cow::Borrowed(message),
            Self::InvalidIssuedAt => Cow::Borrowed("Issued At claim (iat) must be an integer."),
            Self::InvalidJti => Cow::Borrowed("JWT ID must be a string"),
            Self::OutOfMemory => Cow::Borrowed(""),
        }
    }
}
