//! Keys: parsed once into AWS-LC signers and verifiers, checked against the algorithm a token
//! names, and cached when they arrive as text (PEM, OpenSSH) so that passing the same key
//! string on every call costs a hash lookup, not a parse.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock, PoisonError};

use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::rsa::{KeyPairComponents, PublicKeyComponents};
use aws_lc_rs::signature::{
    self, EcdsaKeyPair, Ed25519KeyPair, KeyPair, ParsedPublicKey, RsaKeyPair, VerificationAlgorithm,
};
use aws_lc_rs::{hmac, signature::EcdsaSigningAlgorithm};

use super::der::{self, Curve, KeyType, SecretProblem, SshPublicKey};
use super::fallible::{self, try_format};
use super::{Algorithm, Family, JwtError, Sha};
use crate::forks;

/// RSA moduli outside this range are refused, for signing and verifying alike.
pub const RSA_MIN_BITS: usize = 2048;
pub const RSA_MAX_BITS: usize = 8192;

/// The key type, in JWK `kty` terms (with the curve for EC).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyKind {
    Oct,
    Rsa,
    Ec(Curve),
    Ed25519,
}

impl KeyKind {
    pub fn kty(self) -> &'static str {
        match self {
            Self::Oct => "oct",
            Self::Rsa => "RSA",
            Self::Ec(_) => "EC",
            Self::Ed25519 => "OKP",
        }
    }

    pub fn curve(self) -> Option<&'static str> {
        match self {
            Self::Ec(curve) => Some(curve.name()),
            Self::Ed25519 => Some("Ed25519"),
            Self::Oct | Self::Rsa => None,
        }
    }

    fn describe(self) -> &'static str {
        match self {
            Self::Oct => "an HMAC secret",
            Self::Rsa => "an RSA key",
            Self::Ec(Curve::P256) => "an EC P-256 key",
            Self::Ec(Curve::P384) => "an EC P-384 key",
            Self::Ed25519 => "an Ed25519 key",
        }
    }
}

enum Signer {
    /// HMAC signs with the verifier's keys.
    Hmac,
    Rsa(RsaKeyPair),
    Ec(EcdsaKeyPair),
    Ed25519(Ed25519KeyPair),
}

enum Verifier {
    /// One prepared HMAC key per hash, made on first use.
    Hmac {
        secret: Vec<u8>,
        prepared: Box<[OnceLock<hmac::Key>; 3]>,
    },
    /// The PKCS#1 public key, parsed per algorithm on first use (a parsed key is bound to
    /// its padding and hash).
    Rsa {
        pkcs1: Vec<u8>,
        parsed: Box<[OnceLock<ParsedPublicKey>; 6]>,
    },
    Ec(ParsedPublicKey),
    Ed25519(ParsedPublicKey),
}

/// A key ready to sign (if private) and verify.
pub struct Key {
    kind: KeyKind,
    signer: Option<Signer>,
    verifier: Verifier,
    /// The JWK's `kid`, if it came from one.
    pub kid: Option<String>,
    /// The JWK's `alg`, if it named one.
    pub alg: Option<Algorithm>,
}

impl std::fmt::Debug for Key {
    // Never the key material.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Key")
            .field("kty", &self.kind.kty())
            .field("curve", &self.kind.curve())
            .field("is_private", &self.is_private())
            .field("kid", &self.kid)
            .field("alg", &self.alg.map(Algorithm::name))
            .finish_non_exhaustive()
    }
}

/// Whether a key is wanted to sign or to verify.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    Sign,
    Verify,
}

const ASYMMETRIC_SECRET: &str = "The specified key is an asymmetric key or x509 certificate and should not be used as an HMAC secret.";
const JWK_SECRET: &str = "The specified key looks like a JWK and should not be used directly as an HMAC secret. Load it with jwt.Key.from_jwk first.";

fn rejected(what: &str) -> impl Fn(aws_lc_rs::error::KeyRejected) -> JwtError + '_ {
    move |error| JwtError::InvalidKey(format!("invalid {what}: {error}"))
}

fn ec_signing(curve: Curve) -> &'static EcdsaSigningAlgorithm {
    match curve {
        Curve::P256 => &signature::ECDSA_P256_SHA256_FIXED_SIGNING,
        Curve::P384 => &signature::ECDSA_P384_SHA384_FIXED_SIGNING,
    }
}

fn ec_verification(curve: Curve) -> &'static dyn VerificationAlgorithm {
    match curve {
        Curve::P256 => &signature::ECDSA_P256_SHA256_FIXED,
        Curve::P384 => &signature::ECDSA_P384_SHA384_FIXED,
    }
}

fn check_rsa_bits(pkcs1: &[u8]) -> Result<(), JwtError> {
    let modulus = der::rsa_public_modulus(pkcs1)
        .ok_or_else(|| JwtError::invalid_key("malformed RSA public key"))?;
    check_modulus_bits(modulus)
}

/// The size refusal for an RSA private key (PKCS#1 DER) outside the supported sizes,
/// before aws-lc parses it: aws-lc refuses a 1024-bit key too, but in its own words
/// ("TooSmall"), where the public key, a JWK and the twin give the size message.
fn check_rsa_private_bits(pkcs1: Option<&[u8]>) -> Result<(), JwtError> {
    match pkcs1.and_then(der::rsa_private_modulus) {
        Some(modulus) => check_modulus_bits(modulus),
        None => Ok(()),
    }
}

fn check_modulus_bits(modulus: &[u8]) -> Result<(), JwtError> {
    let bits = der::bit_len(modulus);
    if (RSA_MIN_BITS..=RSA_MAX_BITS).contains(&bits) {
        Ok(())
    } else {
        Err(JwtError::InvalidKey(format!(
            "RSA key of {bits} bits: {RSA_MIN_BITS} to {RSA_MAX_BITS} bits are supported"
        )))
    }
}

impl Key {
    fn new(kind: KeyKind, signer: Option<Signer>, verifier: Verifier) -> Self {
        Self {
            kind,
            signer,
            verifier,
            kid: None,
            alg: None,
        }
    }

    pub fn kind(&self) -> KeyKind {
        self.kind
    }

    pub fn is_private(&self) -> bool {
        // An HMAC secret is secret: it signs.
        self.signer.is_some()
    }

    /// An HMAC key from a secret given as text or bytes, refusing secrets that are really
    /// public keys (algorithm confusion) and empty ones.
    pub fn from_secret(secret: &[u8]) -> Result<Self, JwtError> {
        match der::check_hmac_secret(secret) {
            Ok(()) => Ok(Self::hmac(fallible::copy(secret)?)),
            Err(SecretProblem::Empty) => Err(JwtError::invalid_key("HMAC key must not be empty.")),
            Err(SecretProblem::AsymmetricKey) => Err(JwtError::invalid_key(ASYMMETRIC_SECRET)),
            Err(SecretProblem::Jwk) => Err(JwtError::invalid_key(JWK_SECRET)),
        }
    }

    fn hmac(secret: Vec<u8>) -> Self {
        Self::new(
            KeyKind::Oct,
            Some(Signer::Hmac),
            Verifier::Hmac {
                secret,
                prepared: Box::default(),
            },
        )
    }

    fn rsa_public(pkcs1: Vec<u8>) -> Result<Self, JwtError> {
        check_rsa_bits(&pkcs1)?;
        // Parsed now, so a malformed key fails here rather than at first use; kept as the
        // RS256 verifier (slot 0), the other algorithms' are made on first use.
        let rs256 = ParsedPublicKey::new(&signature::RSA_PKCS1_2048_8192_SHA256, &pkcs1)
            .map_err(rejected("RSA public key"))?;
        let parsed: Box<[OnceLock<ParsedPublicKey>; 6]> = Box::default();
        let _ = parsed[0].set(rs256);
        Ok(Self::new(
            KeyKind::Rsa,
            None,
            Verifier::Rsa { pkcs1, parsed },
        ))
    }

    fn rsa_private(pair: RsaKeyPair) -> Result<Self, JwtError> {
        let mut key = Self::rsa_public(pair.public_key().as_ref().to_vec())?;
        key.signer = Some(Signer::Rsa(pair));
        Ok(key)
    }

    fn ec_public(curve: Curve, bytes: &[u8]) -> Result<Self, JwtError> {
        let parsed = ParsedPublicKey::new(ec_verification(curve), bytes)
            .map_err(rejected("EC public key"))?;
        Ok(Self::new(KeyKind::Ec(curve), None, Verifier::Ec(parsed)))
    }

    fn ec_private(curve: Curve, pair: EcdsaKeyPair) -> Result<Self, JwtError> {
        let mut key = Self::ec_public(curve, pair.public_key().as_ref())?;
        key.signer = Some(Signer::Ec(pair));
        Ok(key)
    }

    fn ed25519_public(bytes: &[u8]) -> Result<Self, JwtError> {
        let parsed = ParsedPublicKey::new(&signature::ED25519, bytes)
            .map_err(rejected("Ed25519 public key"))?;
        Ok(Self::new(KeyKind::Ed25519, None, Verifier::Ed25519(parsed)))
    }

    fn ed25519_private(pair: Ed25519KeyPair) -> Result<Self, JwtError> {
        let mut key = Self::ed25519_public(pair.public_key().as_ref())?;
        key.signer = Some(Signer::Ed25519(pair));
        Ok(key)
    }

    /// A key from a SubjectPublicKeyInfo.
    fn from_spki(spki: &[u8]) -> Result<Self, JwtError> {
        match der::spki_type(spki).map_err(JwtError::InvalidKey)? {
            KeyType::Rsa => {
                let pkcs1 = der::spki_key_bits(spki)
                    .ok_or_else(|| JwtError::invalid_key("malformed RSA public key"))?;
                Self::rsa_public(fallible::copy(pkcs1)?)
            }
            KeyType::Ec(curve) => Self::ec_public(curve, spki),
            KeyType::Ed25519 => Self::ed25519_public(spki),
        }
    }

    /// A key from PEM text (the first block) or an OpenSSH public key line.
    pub fn from_text(text: &[u8]) -> Result<Self, JwtError> {
        if der::is_ssh_key(text) {
            return match der::parse_ssh_public_key(text)? {
                SshPublicKey::Rsa(pkcs1) => Self::rsa_public(pkcs1),
                SshPublicKey::Ec(curve, point) => Self::ec_public(curve, &point),
                SshPublicKey::Ed25519(raw) => Self::ed25519_public(&raw),
            };
        }
        let Some(pem) = der::parse_pem(text)? else {
            return Err(JwtError::invalid_key(
                "expected a PEM key (-----BEGIN ...-----) or an OpenSSH public key line",
            ));
        };
        if pem.label == "ENCRYPTED PRIVATE KEY"
            || (pem.der.is_empty() && pem.label.ends_with("PRIVATE KEY"))
        {
            return Err(JwtError::invalid_key(
                "encrypted private keys are not supported: decrypt the key first",
            ));
        }
        let der = pem.der.as_slice();
        match pem.label.as_str() {
            "PUBLIC KEY" => Self::from_spki(der),
            "RSA PUBLIC KEY" => Self::rsa_public(pem.der),
            "CERTIFICATE" => {
                Self::from_spki(der::certificate_spki(der).map_err(JwtError::InvalidKey)?)
            }
            "RSA PRIVATE KEY" => {
                check_rsa_private_bits(Some(der))?;
                Self::rsa_private(RsaKeyPair::from_der(der).map_err(rejected("RSA private key"))?)
            }
            "EC PRIVATE KEY" => {
                let curve = der::sec1_curve(der).map_err(JwtError::InvalidKey)?;
                let pair = EcdsaKeyPair::from_private_key_der(ec_signing(curve), der)
                    .map_err(rejected("EC private key"))?;
                Self::ec_private(curve, pair)
            }
            "PRIVATE KEY" => match der::pkcs8_type(der).map_err(JwtError::InvalidKey)? {
                KeyType::Rsa => {
                    check_rsa_private_bits(der::pkcs8_private_key(der))?;
                    Self::rsa_private(
                        RsaKeyPair::from_pkcs8(der).map_err(rejected("RSA private key"))?,
                    )
                }
                KeyType::Ec(curve) => {
                    let pair = EcdsaKeyPair::from_private_key_der(ec_signing(curve), der)
                        .map_err(rejected("EC private key"))?;
                    Self::ec_private(curve, pair)
                }
                KeyType::Ed25519 => Self::ed25519_private(
                    Ed25519KeyPair::from_pkcs8_maybe_unchecked(der)
                        .map_err(rejected("Ed25519 private key"))?,
                ),
            },
            other => Err(JwtError::InvalidKey(try_format!(
                "PEM blocks labelled {other:?} are not supported keys"
            )?)),
        }
    }

    /// A key from a JWK's members (RFC 7517, RFC 7518 §6, RFC 8037 §2).
    pub fn from_jwk(jwk: &Jwk) -> Result<Self, JwtError> {
        if let Some(usage) = &jwk.use_ {
            if usage != "sig" {
                return Err(JwtError::InvalidKey(try_format!(
                    "the JWK is for use {usage:?}, not \"sig\""
                )?));
            }
        }
        let alg = match &jwk.alg {
            None => None,
            Some(name) => match Algorithm::from_name(name) {
                Some(alg) => Some(alg),
                None => {
                    return Err(JwtError::InvalidKey(try_format!(
                        "the JWK's alg {name:?} is not a supported signing algorithm"
                    )?))
                }
            },
        };
        let mut key = match jwk.kty.as_deref() {
            Some("oct") => {
                let secret = jwk.bytes("k")?.ok_or_else(|| missing("k"))?;
                if secret.is_empty() {
                    return Err(JwtError::invalid_key("HMAC key must not be empty."));
                }
                Self::hmac(secret)
            }
            Some("RSA") => Self::rsa_from_jwk(jwk)?,
            Some("EC") => Self::ec_from_jwk(jwk)?,
            Some("OKP") => Self::okp_from_jwk(jwk)?,
            Some(other) => {
                return Err(JwtError::InvalidKey(try_format!(
                    "JWK kty {other:?} is not supported (oct, RSA, EC and OKP are)"
                )?))
            }
            None => return Err(missing("kty")),
        };
        if let Some(alg) = alg {
            key.check_family(alg)?;
        }
        key.alg = alg;
        // The JWK's, of any length.
        key.kid = jwk.kid.as_deref().map(fallible::copy_str).transpose()?;
        Ok(key)
    }

    // n, e, d, p, q: the JWK members have RFC 7518's names.
    #[allow(clippy::many_single_char_names)]
    fn rsa_from_jwk(jwk: &Jwk) -> Result<Self, JwtError> {
        let n = jwk.bytes("n")?.ok_or_else(|| missing("n"))?;
        let e = jwk.bytes("e")?.ok_or_else(|| missing("e"))?;
        let Some(d) = jwk.bytes("d")? else {
            return Self::rsa_public(der::rsa_public_pkcs1(&n, &e)?);
        };
        let private = |name: &'static str| {
            jwk.bytes(name)?.ok_or_else(|| {
                JwtError::invalid_key("RSA private JWKs need d, p, q, dp, dq and qi")
            })
        };
        let (p, q, dp, dq, qi) = (
            private("p")?,
            private("q")?,
            private("dp")?,
            private("dq")?,
            private("qi")?,
        );
        check_rsa_bits(&der::rsa_public_pkcs1(&n, &e)?)?;
        let components = KeyPairComponents {
            public_key: PublicKeyComponents {
                n: der::unsigned(&n),
                e: der::unsigned(&e),
            },
            d: d.as_slice(),
            p: p.as_slice(),
            q: q.as_slice(),
            dP: dp.as_slice(),
            dQ: dq.as_slice(),
            qInv: qi.as_slice(),
        };
        Self::rsa_private(
            RsaKeyPair::from_components(&components).map_err(rejected("RSA private JWK"))?,
        )
    }

    fn ec_from_jwk(jwk: &Jwk) -> Result<Self, JwtError> {
        let curve = match jwk.crv.as_deref() {
            Some("P-256") => Curve::P256,
            Some("P-384") => Curve::P384,
            Some(other) => {
                return Err(JwtError::InvalidKey(try_format!(
                    "EC curve {other:?} is not supported (P-256 and P-384 are)"
                )?))
            }
            None => return Err(missing("crv")),
        };
        let width = curve.field_len();
        let coordinate = |name: &'static str| -> Result<Vec<u8>, JwtError> {
            let value = jwk.bytes(name)?.ok_or_else(|| missing(name))?;
            if value.len() == width {
                Ok(value)
            } else {
                Err(JwtError::InvalidKey(format!(
                    "the JWK's {name} must be {width} bytes on {}",
                    curve.name()
                )))
            }
        };
        let mut point = vec![4];
        point.extend_from_slice(&coordinate("x")?);
        point.extend_from_slice(&coordinate("y")?);
        if jwk.bytes("d")?.is_none() {
            return Self::ec_public(curve, &point);
        }
        let d = coordinate("d")?;
        let pair = EcdsaKeyPair::from_private_key_and_public_key(ec_signing(curve), &d, &point)
            .map_err(rejected("EC private JWK"))?;
        Self::ec_private(curve, pair)
    }

    fn okp_from_jwk(jwk: &Jwk) -> Result<Self, JwtError> {
        match jwk.crv.as_deref() {
            Some("Ed25519") => {}
            Some(other) => {
                return Err(JwtError::InvalidKey(try_format!(
                    "OKP curve {other:?} is not supported (Ed25519 is)"
                )?))
            }
            None => return Err(missing("crv")),
        }
        let x = jwk.bytes("x")?.ok_or_else(|| missing("x"))?;
        match jwk.bytes("d")? {
            None => Self::ed25519_public(&x),
            Some(d) => Self::ed25519_private(
                Ed25519KeyPair::from_seed_and_public_key(&d, &x)
                    .map_err(rejected("Ed25519 private JWK"))?,
            ),
        }
    }

    /// Whether this key's type fits `alg`.
    fn check_family(&self, alg: Algorithm) -> Result<(), JwtError> {
        let fits = match (alg.family(), self.kind) {
            (Family::Hmac, KeyKind::Oct)
            | (Family::RsaPkcs1 | Family::RsaPss, KeyKind::Rsa)
            | (Family::Ed25519, KeyKind::Ed25519) => true,
            (Family::Ecdsa, KeyKind::Ec(curve)) => {
                curve
                    == if alg == Algorithm::ES256 {
                        Curve::P256
                    } else {
                        Curve::P384
                    }
            }
            _ => false,
        };
        if fits {
            Ok(())
        } else if alg.family() == Family::Hmac {
            Err(JwtError::invalid_key(ASYMMETRIC_SECRET))
        } else {
            Err(JwtError::InvalidKey(format!(
                "{} cannot be used with {}",
                self.kind.describe(),
                alg.name()
            )))
        }
    }

    /// Whether this key may be used with `alg` for `purpose`: the algorithm its JWK names
    /// (if any) must be `alg`, then [`Self::check`].
    pub fn check_use(&self, alg: Algorithm, purpose: Purpose) -> Result<(), JwtError> {
        if let Some(bound) = self.alg {
            if bound != alg {
                return Err(match purpose {
                    Purpose::Verify => JwtError::InvalidAlgorithm(format!(
                        "Token algorithm '{}' does not match the key's algorithm '{}'",
                        alg.name(),
                        bound.name()
                    )),
                    Purpose::Sign => JwtError::InvalidKey(format!(
                        "the key is for {}, not {}",
                        bound.name(),
                        alg.name()
                    )),
                });
            }
        }
        self.check(alg, purpose)
    }

    /// Whether this key can be used with `alg` for `purpose` (type, curve, private half).
    pub fn check(&self, alg: Algorithm, purpose: Purpose) -> Result<(), JwtError> {
        self.check_family(alg)?;
        if purpose == Purpose::Sign && self.signer.is_none() {
            return Err(JwtError::InvalidKey(format!(
                "{} needs a private key to sign; this is a public key",
                alg.name()
            )));
        }
        Ok(())
    }

    fn hmac_key(&self, alg: Algorithm) -> Option<&hmac::Key> {
        let Verifier::Hmac { secret, prepared } = &self.verifier else {
            return None;
        };
        let (slot, algorithm) = match alg.sha() {
            Sha::Sha256 => (&prepared[0], hmac::HMAC_SHA256),
            Sha::Sha384 => (&prepared[1], hmac::HMAC_SHA384),
            Sha::Sha512 => (&prepared[2], hmac::HMAC_SHA512),
        };
        Some(slot.get_or_init(|| hmac::Key::new(algorithm, secret)))
    }

    /// The signature of `message`. Call [`Self::check`] first.
    pub fn sign(&self, alg: Algorithm, message: &[u8]) -> Result<Vec<u8>, JwtError> {
        let failed = || JwtError::invalid_key(format!("signing with {} failed", alg.name()));
        match self.signer.as_ref().ok_or_else(failed)? {
            Signer::Hmac => {
                let key = self.hmac_key(alg).ok_or_else(failed)?;
                Ok(hmac::sign(key, message).as_ref().to_vec())
            }
            Signer::Rsa(pair) => {
                let padding: &'static dyn signature::RsaEncoding = match alg {
                    Algorithm::RS256 => &signature::RSA_PKCS1_SHA256,
                    Algorithm::RS384 => &signature::RSA_PKCS1_SHA384,
                    Algorithm::RS512 => &signature::RSA_PKCS1_SHA512,
                    Algorithm::PS256 => &signature::RSA_PSS_SHA256,
                    Algorithm::PS384 => &signature::RSA_PSS_SHA384,
                    Algorithm::PS512 => &signature::RSA_PSS_SHA512,
                    _ => return Err(failed()),
                };
                let mut out = vec![0; pair.public_modulus_len()];
                pair.sign(padding, &SystemRandom::new(), message, &mut out)
                    .map_err(|_| failed())?;
                Ok(out)
            }
            Signer::Ec(pair) => pair
                .sign(&SystemRandom::new(), message)
                .map(|signature| signature.as_ref().to_vec())
                .map_err(|_| failed()),
            Signer::Ed25519(pair) => Ok(pair.sign(message).as_ref().to_vec()),
        }
    }

    /// Checks `signature` over `message`. Call [`Self::check`] first.
    pub fn verify(&self, alg: Algorithm, message: &[u8], signature: &[u8]) -> Result<(), JwtError> {
        let verified = match &self.verifier {
            Verifier::Hmac { .. } => {
                let key = self.hmac_key(alg).ok_or(JwtError::InvalidSignature)?;
                // Constant-time comparison.
                hmac::verify(key, message, signature).is_ok()
            }
            Verifier::Rsa { pkcs1, parsed } => {
                let (index, algorithm): (usize, &'static dyn VerificationAlgorithm) = match alg {
                    Algorithm::RS256 => (0, &signature::RSA_PKCS1_2048_8192_SHA256),
                    Algorithm::RS384 => (1, &signature::RSA_PKCS1_2048_8192_SHA384),
                    Algorithm::RS512 => (2, &signature::RSA_PKCS1_2048_8192_SHA512),
                    Algorithm::PS256 => (3, &signature::RSA_PSS_2048_8192_SHA256),
                    Algorithm::PS384 => (4, &signature::RSA_PSS_2048_8192_SHA384),
                    Algorithm::PS512 => (5, &signature::RSA_PSS_2048_8192_SHA512),
                    _ => return Err(JwtError::InvalidSignature),
                };
                if parsed[index].get().is_none() {
                    let key = ParsedPublicKey::new(algorithm, pkcs1)
                        .map_err(rejected("RSA public key"))?;
                    // Another thread may have set it first: either is the same key.
                    let _ = parsed[index].set(key);
                }
                let key = parsed[index].get().ok_or(JwtError::InvalidSignature)?;
                key.verify_sig(message, signature).is_ok()
            }
            Verifier::Ec(key) | Verifier::Ed25519(key) => {
                key.verify_sig(message, signature).is_ok()
            }
        };
        if verified {
            Ok(())
        } else {
            Err(JwtError::InvalidSignature)
        }
    }

    /// Whether signing or verifying with this key is slow enough to release the GIL for.
    pub fn is_asymmetric(&self) -> bool {
        self.kind != KeyKind::Oct
    }
}

fn missing(member: &str) -> JwtError {
    JwtError::InvalidKey(format!("the JWK has no {member:?} member"))
}

/// A JWK's string members (the binding refuses members that are not strings).
#[derive(Debug, Default, Clone)]
pub struct Jwk {
    pub kty: Option<String>,
    pub crv: Option<String>,
    pub alg: Option<String>,
    pub kid: Option<String>,
    pub use_: Option<String>,
    /// The base64url members: k, n, e, d, p, q, dp, dq, qi, x, y.
    pub members: Vec<(&'static str, String)>,
}

/// The base64url-encoded JWK members, by name.
pub const JWK_BYTE_MEMBERS: [&str; 11] = ["k", "n", "e", "d", "p", "q", "dp", "dq", "qi", "x", "y"];

impl Jwk {
    /// The decoded member `name`, `None` when absent.
    fn bytes(&self, name: &str) -> Result<Option<Vec<u8>>, JwtError> {
        match self.members.iter().find(|(member, _)| *member == name) {
            None => Ok(None),
            Some((_, text)) => match super::b64::decode_url(text.as_bytes())? {
                Some(bytes) => Ok(Some(bytes)),
                None => Err(JwtError::InvalidKey(format!(
                    "the JWK's {name:?} is not valid base64url"
                ))),
            },
        }
    }
}

/// How many parsed key texts (and, separately, HMAC secrets) are kept.
pub const KEY_CACHE_ENTRIES: usize = 64;

/// Keys by the bytes they were made from, least recently used evicted.
struct KeyCache {
    entries: HashMap<Vec<u8>, (Arc<Key>, u64), ahash::RandomState>,
    clock: u64,
    /// The `forks::generation` the keys were made in.
    generation: u64,
}

/// The cache of this process in `slot`: a forked child forgets its parent's keys.
///
/// A thread of the parent may have been inside one of them at the fork (an RSA key's
/// blinding marked in use, its lock held), and AWS-LC forbids calling into such a key in
/// the child: it aborts the process on the blinding's flag (seen in the aio fork test). So
/// the child parses its keys anew. The parent's are leaked, not dropped, since freeing them
/// would call into them too: at most twice `KEY_CACHE_ENTRIES` keys, in memory the child
/// shares with its parent until either writes it.
fn this_generation(slot: &mut Option<KeyCache>, generation: u64) -> Option<&mut KeyCache> {
    if slot
        .as_ref()
        .is_some_and(|cache| cache.generation != generation)
    {
        std::mem::forget(slot.take());
    }
    slot.as_mut()
}

/// One process-wide cache behind a mutex (the module runs without the GIL on free-threaded
/// Python); the parse itself happens outside the lock.
struct SharedCache(Mutex<Option<KeyCache>>);

impl SharedCache {
    const fn new() -> Self {
        Self(Mutex::new(None))
    }

    fn get_or_parse(
        &self,
        bytes: &[u8],
        parse: impl FnOnce(&[u8]) -> Result<Key, JwtError>,
    ) -> Result<Arc<Key>, JwtError> {
        self.get_or_parse_in(forks::generation(), bytes, parse)
    }

    /// `get_or_parse` in fork generation `generation` (a test's, or this process's).
    fn get_or_parse_in(
        &self,
        generation: u64,
        bytes: &[u8],
        parse: impl FnOnce(&[u8]) -> Result<Key, JwtError>,
    ) -> Result<Arc<Key>, JwtError> {
        {
            let mut guard = self.0.lock().unwrap_or_else(PoisonError::into_inner);
            if let Some(cache) = this_generation(&mut guard, generation) {
                cache.clock += 1;
                let now = cache.clock;
                if let Some((key, used)) = cache.entries.get_mut(bytes) {
                    *used = now;
                    return Ok(Arc::clone(key));
                }
            }
        }
        // Parsed outside the lock: an RSA key takes a while, and other threads keep going.
        let key = Arc::new(parse(bytes)?);
        let owned = fallible::copy(bytes)?;
        let mut guard = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        this_generation(&mut guard, generation);
        let cache = guard.get_or_insert_with(|| KeyCache {
            entries: HashMap::with_hasher(ahash::RandomState::new()),
            clock: 0,
            generation,
        });
        if cache.entries.len() >= KEY_CACHE_ENTRIES && !cache.entries.contains_key(bytes) {
            // Evict the least recently used (a scan of 64 is cheaper than keeping an order).
            if let Some(oldest) = cache
                .entries
                .iter()
                .min_by_key(|(_, (_, used))| *used)
                .map(|(bytes, _)| bytes.clone())
            {
                cache.entries.remove(&oldest);
            }
        }
        cache.clock += 1;
        let now = cache.clock;
        cache.entries.insert(owned, (Arc::clone(&key), now));
        Ok(key)
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        let guard = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        guard.as_ref().map_or(0, |cache| cache.entries.len())
    }
}

static TEXT_KEYS: SharedCache = SharedCache::new();
static SECRET_KEYS: SharedCache = SharedCache::new();

/// The key for PEM or OpenSSH `text`, parsed once and kept among the most recently used
/// [`KEY_CACHE_ENTRIES`] texts. Failures are not cached.
pub fn cached_key(text: &[u8]) -> Result<Arc<Key>, JwtError> {
    TEXT_KEYS.get_or_parse(text, Key::from_text)
}

/// The HMAC key for `secret` (checked as [`Key::from_secret`] does), kept like
/// [`cached_key`]: the secret's checks and the HMAC pads are computed once per secret.
pub fn cached_secret(secret: &[u8]) -> Result<Arc<Key>, JwtError> {
    SECRET_KEYS.get_or_parse(secret, Key::from_secret)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hmac_signs_and_verifies() {
        let key = Key::from_secret(b"secret").unwrap();
        key.check(Algorithm::HS256, Purpose::Sign).unwrap();
        let signature = key.sign(Algorithm::HS256, b"message").unwrap();
        assert_eq!(signature.len(), 32);
        key.verify(Algorithm::HS256, b"message", &signature)
            .unwrap();
        assert_eq!(
            key.verify(Algorithm::HS256, b"massage", &signature),
            Err(JwtError::InvalidSignature)
        );
        assert_eq!(
            key.verify(Algorithm::HS384, b"message", &signature),
            Err(JwtError::InvalidSignature)
        );
        assert!(key.check(Algorithm::RS256, Purpose::Verify).is_err());
    }

    #[test]
    fn public_keys_cannot_be_secrets() {
        assert!(matches!(
            Key::from_secret(b"ssh-rsa AAAA"),
            Err(JwtError::InvalidKey(message)) if message == ASYMMETRIC_SECRET
        ));
        assert!(matches!(
            Key::from_secret(b""),
            Err(JwtError::InvalidKey(message)) if message == "HMAC key must not be empty."
        ));
    }

    #[test]
    fn ed25519_jwk_signs_as_rfc_8037_says() {
        // RFC 8037 A.1 key, A.4 signature of the JWS signing input.
        let jwk = Jwk {
            kty: Some("OKP".into()),
            crv: Some("Ed25519".into()),
            members: vec![
                ("d", "nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A".into()),
                ("x", "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo".into()),
            ],
            ..Jwk::default()
        };
        let key = Key::from_jwk(&jwk).unwrap();
        let signature = key
            .sign(
                Algorithm::EdDSA,
                b"eyJhbGciOiJFZERTQSJ9.RXhhbXBsZSBvZiBFZDI1NTE5IHNpZ25pbmc",
            )
            .unwrap();
        assert_eq!(
            super::super::b64::encode_url(&signature).unwrap(),
            b"hgyY0il_MGCjP0JzlnLWG1PPOt7-09PGcvMg3AIbQR6dWbhijcNR4ki4iylGjg5BhVsPt9g7sVvpAr_MuM0KAg"
        );
    }

    #[test]
    fn the_cache_is_bounded() {
        for index in 0..(KEY_CACHE_ENTRIES + 10) {
            // Invalid texts are not cached; nothing to evict, nothing kept.
            assert!(cached_key(format!("not a key {index}").as_bytes()).is_err());
        }
        assert_eq!(TEXT_KEYS.len(), 0);
        for index in 0..(KEY_CACHE_ENTRIES + 10) {
            cached_secret(format!("secret {index}").as_bytes()).unwrap();
        }
        assert_eq!(SECRET_KEYS.len(), KEY_CACHE_ENTRIES);
        // The most recent is kept.
        let last = format!("secret {}", KEY_CACHE_ENTRIES + 9);
        assert!(Arc::ptr_eq(
            &cached_secret(last.as_bytes()).unwrap(),
            &cached_secret(last.as_bytes()).unwrap()
        ));
    }

    #[test]
    fn a_forked_child_parses_its_keys_anew_and_leaves_the_parents_alone() {
        let cache = SharedCache::new();
        let parses = std::cell::Cell::new(0);
        let parse = |bytes: &[u8]| {
            parses.set(parses.get() + 1);
            Key::from_secret(bytes)
        };
        let parent = cache.get_or_parse_in(7, b"a shared secret", parse).unwrap();
        let again = cache.get_or_parse_in(7, b"a shared secret", parse).unwrap();
        assert!(Arc::ptr_eq(&parent, &again));
        assert_eq!(parses.get(), 1);
        // The next generation (a child after fork) does not get the parent's key...
        let child = cache.get_or_parse_in(8, b"a shared secret", parse).unwrap();
        assert!(!Arc::ptr_eq(&parent, &child));
        assert_eq!(parses.get(), 2);
        assert_eq!(cache.len(), 1);
        // ...and the parent's was not dropped (the cache's reference leaked, not released):
        // ours, `again`'s and the cache's.
        drop(again);
        assert_eq!(Arc::strong_count(&parent), 2);
        // The child's is cached in its turn.
        let child_again = cache.get_or_parse_in(8, b"a shared secret", parse).unwrap();
        assert!(Arc::ptr_eq(&child, &child_again));
        assert_eq!(parses.get(), 2);
    }

    #[test]
    fn the_fork_generation_is_stable_without_a_fork() {
        assert_eq!(forks::generation(), forks::generation());
    }
}
