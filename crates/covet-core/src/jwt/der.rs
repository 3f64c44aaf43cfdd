//! Just enough DER (X.690), PEM (RFC 7468) and OpenSSH key encoding to tell keys apart:
//! which algorithm and curve a key is for, and whether a would-be HMAC secret is really a
//! public key (algorithm confusion). The cryptographic parsing itself is AWS-LC's.

use super::b64;
use super::fallible::{self, try_format, OutOfMemory};
use super::JwtError;

pub const TAG_INTEGER: u8 = 0x02;
pub const TAG_BIT_STRING: u8 = 0x03;
pub const TAG_OCTET_STRING: u8 = 0x04;
pub const TAG_OID: u8 = 0x06;
pub const TAG_SEQUENCE: u8 = 0x30;

// Object identifiers, as their DER content bytes.
const OID_RSA: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01];
const OID_EC_PUBLIC_KEY: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01];
const OID_P256: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07];
const OID_P384: &[u8] = &[0x2b, 0x81, 0x04, 0x00, 0x22];
const OID_ED25519: &[u8] = &[0x2b, 0x65, 0x70];

/// An elliptic curve we sign and verify with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Curve {
    P256,
    P384,
}

impl Curve {
    /// The JWK `crv` name.
    pub fn name(self) -> &'static str {
        match self {
            Self::P256 => "P-256",
            Self::P384 => "P-384",
        }
    }

    /// Bytes of one coordinate (and of `r` or `s` in a signature).
    pub fn field_len(self) -> usize {
        match self {
            Self::P256 => 32,
            Self::P384 => 48,
        }
    }
}

/// What a key's algorithm identifier says it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyType {
    Rsa,
    Ec(Curve),
    Ed25519,
}

/// One DER element: its tag, its content, and the whole encoding (tag and length included).
#[derive(Debug, Clone, Copy)]
pub struct Element<'a> {
    pub tag: u8,
    pub content: &'a [u8],
    pub encoded: &'a [u8],
}

/// Reads one element from the front of `input`; returns it and the rest. Only definite
/// lengths of up to 4 length bytes (DER); single-byte tags (all that keys use).
pub fn read(input: &[u8]) -> Option<(Element<'_>, &[u8])> {
    let (&tag, rest) = input.split_first()?;
    // High-tag-number form (tag 0x1f) never occurs in keys.
    if tag & 0x1f == 0x1f {
        return None;
    }
    let (&first, mut rest) = rest.split_first()?;
    let len = if first < 0x80 {
        usize::from(first)
    } else {
        let count = usize::from(first & 0x7f);
        if count == 0 || count > 4 || rest.len() < count {
            return None;
        }
        let len = rest[..count]
            .iter()
            .fold(0usize, |len, &byte| len << 8 | usize::from(byte));
        rest = &rest[count..];
        len
    };
    if rest.len() < len {
        return None;
    }
    let header = input.len() - rest.len();
    Some((
        Element {
            tag,
            content: &rest[..len],
            encoded: &input[..header + len],
        },
        &rest[len..],
    ))
}

/// More elements than any key structure read here has (an RSAPrivateKey has 10, a
/// TBSCertificate at most 10): a value with more is not one of them.
pub const MAX_CHILDREN: usize = 16;

/// All elements of a constructed value's content; `None` unless they cover it exactly, and
/// for more than [`MAX_CHILDREN`] (so the list never grows with the input).
pub fn children(content: &[u8]) -> Option<Vec<Element<'_>>> {
    let mut rest = content;
    let mut items = Vec::with_capacity(4);
    while !rest.is_empty() {
        if items.len() == MAX_CHILDREN {
            return None;
        }
        let (element, after) = read(rest)?;
        items.push(element);
        rest = after;
    }
    Some(items)
}

/// The single element that spans all of `input` exactly, if it has `tag`.
pub fn whole(input: &[u8], tag: u8) -> Option<Element<'_>> {
    match read(input)? {
        (element, []) if element.tag == tag => Some(element),
        _ => None,
    }
}

/// True when `secret` is a DER structure of the shape every key and certificate has: a
/// SEQUENCE spanning the whole secret whose content is at least two well-formed elements, the
/// first a SEQUENCE or an INTEGER. A random secret has this shape with negligible odds.
pub fn is_der_structure(secret: &[u8]) -> bool {
    let Some(sequence) = whole(secret, TAG_SEQUENCE) else {
        return false;
    };
    // Walked without keeping the elements: a secret may be any size.
    let mut rest = sequence.content;
    let mut count = 0usize;
    while !rest.is_empty() {
        let Some((element, after)) = read(rest) else {
            return false;
        };
        if count == 0 && !matches!(element.tag, TAG_SEQUENCE | TAG_INTEGER) {
            return false;
        }
        count += 1;
        rest = after;
    }
    count >= 2
}

/// The key type named by an AlgorithmIdentifier SEQUENCE, `Err` naming an unsupported one.
fn key_type(algorithm: &Element<'_>) -> Result<KeyType, String> {
    let items = children(algorithm.content).ok_or("malformed algorithm identifier")?;
    let oid = items
        .first()
        .filter(|item| item.tag == TAG_OID)
        .ok_or("malformed algorithm identifier")?;
    match oid.content {
        OID_RSA => Ok(KeyType::Rsa),
        OID_ED25519 => Ok(KeyType::Ed25519),
        OID_EC_PUBLIC_KEY => match items.get(1) {
            Some(curve) if curve.tag == TAG_OID => curve_of(curve.content).map(KeyType::Ec),
            _ => Err("EC keys with explicit curve parameters are not supported".into()),
        },
        other => Err(unsupported_oid(other)),
    }
}

fn curve_of(oid: &[u8]) -> Result<Curve, String> {
    match oid {
        OID_P256 => Ok(Curve::P256),
        OID_P384 => Ok(Curve::P384),
        [0x2b, 0x81, 0x04, 0x00, 0x23] => Err("P-521 keys are not supported (no ES512)".into()),
        [0x2b, 0x81, 0x04, 0x00, 0x0a] => {
            Err("secp256k1 keys are not supported (no ES256K)".into())
        }
        _ => Err("keys on this elliptic curve are not supported (P-256 and P-384 are)".into()),
    }
}

fn unsupported_oid(oid: &[u8]) -> String {
    match oid {
        [0x2b, 0x65, 0x71] => "Ed448 keys are not supported (EdDSA here is Ed25519)".into(),
        [0x2b, 0x65, 0x6e | 0x6f] => {
            "X25519/X448 keys are key-agreement keys and cannot sign".into()
        }
        [0x2a, 0x86, 0x48, 0xce, 0x38, 0x04, 0x01] => "DSA keys are not supported".into(),
        [0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0a] => {
            "RSASSA-PSS-restricted RSA keys are not supported; use a plain RSA key".into()
        }
        _ => "unsupported key algorithm".into(),
    }
}

/// A SubjectPublicKeyInfo (RFC 5280): its key type and the whole structure.
pub fn spki_type(der: &[u8]) -> Result<KeyType, String> {
    let spki = whole(der, TAG_SEQUENCE).ok_or("not a DER public key")?;
    match children(spki.content).as_deref() {
        Some([algorithm, key]) if algorithm.tag == TAG_SEQUENCE && key.tag == TAG_BIT_STRING => {
            key_type(algorithm)
        }
        _ => Err("not a DER SubjectPublicKeyInfo".into()),
    }
}

/// A PKCS#8 PrivateKeyInfo / OneAsymmetricKey (RFC 5208, RFC 5958): its key type.
pub fn pkcs8_type(der: &[u8]) -> Result<KeyType, String> {
    let info = whole(der, TAG_SEQUENCE).ok_or("not a DER private key")?;
    let items = children(info.content).ok_or("not a DER private key")?;
    match items.as_slice() {
        [version, algorithm, key, ..]
            if version.tag == TAG_INTEGER
                && algorithm.tag == TAG_SEQUENCE
                && key.tag == TAG_OCTET_STRING =>
        {
            key_type(algorithm)
        }
        _ => Err("not a PKCS#8 private key".into()),
    }
}

/// The curve of a SEC1 ECPrivateKey (RFC 5915), from its `[0]` parameters.
pub fn sec1_curve(der: &[u8]) -> Result<Curve, String> {
    let key = whole(der, TAG_SEQUENCE).ok_or("not a DER EC private key")?;
    let items = children(key.content).ok_or("not a DER EC private key")?;
    let parameters = items
        .iter()
        .find(|item| item.tag == 0xa0)
        .ok_or("the EC private key does not name its curve")?;
    match whole(parameters.content, TAG_OID) {
        Some(oid) => curve_of(oid.content),
        None => Err("EC keys with explicit curve parameters are not supported".into()),
    }
}

/// The SubjectPublicKeyInfo inside an X.509 certificate (RFC 5280 §4.1).
pub fn certificate_spki(der: &[u8]) -> Result<&[u8], String> {
    let malformed = || "malformed X.509 certificate".to_string();
    let certificate = whole(der, TAG_SEQUENCE).ok_or_else(malformed)?;
    let parts = children(certificate.content).ok_or_else(malformed)?;
    let tbs = parts
        .first()
        .filter(|tbs| tbs.tag == TAG_SEQUENCE)
        .ok_or_else(malformed)?;
    let fields = children(tbs.content).ok_or_else(malformed)?;
    // [0] version is optional; then serial, signature, issuer, validity, subject, key.
    let skip = usize::from(fields.first().is_some_and(|field| field.tag == 0xa0));
    fields
        .get(skip + 5)
        .filter(|spki| spki.tag == TAG_SEQUENCE)
        .map(|spki| spki.encoded)
        .ok_or_else(malformed)
}

/// The big-endian magnitude of a DER INTEGER's content (leading zero bytes removed).
pub fn unsigned(content: &[u8]) -> &[u8] {
    let zeros = content.iter().take_while(|&&byte| byte == 0).count();
    &content[zeros..]
}

/// The size in bits of an RSA modulus given as big-endian bytes.
pub fn bit_len(magnitude: &[u8]) -> usize {
    let magnitude = unsigned(magnitude);
    match magnitude.first() {
        None => 0,
        Some(&top) => magnitude.len() * 8 - top.leading_zeros() as usize,
    }
}

/// The modulus of a PKCS#1 RSAPublicKey (`SEQUENCE { n INTEGER, e INTEGER }`).
pub fn rsa_public_modulus(pkcs1: &[u8]) -> Option<&[u8]> {
    let key = whole(pkcs1, TAG_SEQUENCE)?;
    match children(key.content)?.as_slice() {
        [n, e] if n.tag == TAG_INTEGER && e.tag == TAG_INTEGER => Some(unsigned(n.content)),
        _ => None,
    }
}

/// The modulus of a PKCS#1 RSAPrivateKey (`SEQUENCE { version INTEGER, n INTEGER, e
/// INTEGER, ... }`), read without validating the rest: enough to word a size refusal.
pub fn rsa_private_modulus(pkcs1: &[u8]) -> Option<&[u8]> {
    let key = whole(pkcs1, TAG_SEQUENCE)?;
    match children(key.content)?.as_slice() {
        [version, n, e, ..]
            if version.tag == TAG_INTEGER && n.tag == TAG_INTEGER && e.tag == TAG_INTEGER =>
        {
            Some(unsigned(n.content))
        }
        _ => None,
    }
}

/// The privateKey octets of a PKCS#8 PrivateKeyInfo (for RSA: a PKCS#1 RSAPrivateKey).
pub fn pkcs8_private_key(der: &[u8]) -> Option<&[u8]> {
    let info = whole(der, TAG_SEQUENCE)?;
    match children(info.content)?.as_slice() {
        [_, _, key, ..] if key.tag == TAG_OCTET_STRING => Some(key.content),
        _ => None,
    }
}

/// The subjectPublicKey bits of a SubjectPublicKeyInfo (for RSA: a PKCS#1 RSAPublicKey).
pub fn spki_key_bits(der: &[u8]) -> Option<&[u8]> {
    let spki = whole(der, TAG_SEQUENCE)?;
    match children(spki.content)?.as_slice() {
        [_, key] if key.tag == TAG_BIT_STRING => match key.content.split_first() {
            Some((0, bits)) => Some(bits),
            _ => None,
        },
        _ => None,
    }
}

fn push_len(out: &mut Vec<u8>, len: usize) {
    if len < 0x80 {
        // Short form: the length itself, below 128.
        #[allow(clippy::cast_possible_truncation)]
        out.push(len as u8);
    } else {
        let bytes = len.to_be_bytes();
        let skip = bytes.iter().take_while(|&&byte| byte == 0).count();
        #[allow(clippy::cast_possible_truncation)] // at most 8 length bytes
        out.push(0x80 | (bytes.len() - skip) as u8);
        out.extend_from_slice(&bytes[skip..]);
    }
}

/// A DER INTEGER holding the unsigned big-endian `magnitude`.
fn push_unsigned(out: &mut Vec<u8>, magnitude: &[u8]) {
    let magnitude = unsigned(magnitude);
    let pad = magnitude.first().is_none_or(|&top| top & 0x80 != 0);
    out.push(TAG_INTEGER);
    push_len(out, magnitude.len() + usize::from(pad));
    if pad {
        out.push(0);
    }
    out.extend_from_slice(magnitude);
}

/// The PKCS#1 RSAPublicKey DER of modulus `n` and exponent `e` (big-endian, unsigned).
pub fn rsa_public_pkcs1(n: &[u8], e: &[u8]) -> Result<Vec<u8>, OutOfMemory> {
    // Each INTEGER: tag, up to 9 length bytes, a zero pad byte; the SEQUENCE header too.
    let content_len = n.len() + e.len() + 22;
    let mut content = Vec::new();
    content.try_reserve_exact(content_len)?;
    push_unsigned(&mut content, n);
    push_unsigned(&mut content, e);
    let mut out = Vec::new();
    out.try_reserve_exact(content.len() + 10)?;
    out.push(TAG_SEQUENCE);
    push_len(&mut out, content.len());
    out.extend_from_slice(&content);
    Ok(out)
}

/// One PEM block: its label and its DER body.
#[derive(Debug)]
pub struct Pem {
    pub label: String,
    pub der: Vec<u8>,
}

/// The first PEM block of `text`, or `None` when there is no complete, decodable one.
pub fn parse_pem(text: &[u8]) -> Result<Option<Pem>, OutOfMemory> {
    const BEGIN: &[u8] = b"-----BEGIN ";
    let Some(start) = find(text, BEGIN).map(|at| at + BEGIN.len()) else {
        return Ok(None);
    };
    let Some(label_len) = find(&text[start..], b"-----") else {
        return Ok(None);
    };
    let Ok(label) = std::str::from_utf8(&text[start..start + label_len]) else {
        return Ok(None);
    };
    let body_start = start + label_len + 5;
    let Some(body_len) = find_end_marker(&text[body_start..], label.as_bytes()) else {
        return Ok(None);
    };
    let body = &text[body_start..body_start + body_len];
    // RFC 1421 encapsulated headers ("Proc-Type: 4,ENCRYPTED") mark legacy encrypted keys.
    let der = if find(body, b":").is_some() {
        Vec::new()
    } else {
        match b64::decode_std_lenient_whitespace(body)? {
            Some(der) => der,
            None => return Ok(None),
        }
    };
    Ok(Some(Pem {
        label: fallible::copy_str(label)?,
        der,
    }))
}

/// Where `-----END <label>-----` first starts in `text`: found without building the
/// marker, whose size follows the input's label.
fn find_end_marker(text: &[u8], label: &[u8]) -> Option<usize> {
    const END: &[u8] = b"-----END ";
    memchr::memmem::find_iter(text, END).find(|&at| {
        text[at + END.len()..]
            .strip_prefix(label)
            .is_some_and(|rest| rest.starts_with(b"-----"))
    })
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    memchr::memmem::find(haystack, needle)
}

/// OpenSSH public key types, as the first word of an `authorized_keys` line.
const SSH_KEY_TYPES: &[&[u8]] = &[
    b"ssh-rsa",
    b"ssh-dss",
    b"ssh-ed25519",
    b"ssh-ed448",
    b"ecdsa-sha2-nistp256",
    b"ecdsa-sha2-nistp384",
    b"ecdsa-sha2-nistp521",
    b"sk-ssh-ed25519@openssh.com",
    b"sk-ecdsa-sha2-nistp256@openssh.com",
];

/// True when `text`, after leading whitespace, starts with an OpenSSH key type.
pub fn is_ssh_key(text: &[u8]) -> bool {
    let text = trim_start(text);
    SSH_KEY_TYPES.iter().any(|kind| text.starts_with(kind))
}

fn trim_start(text: &[u8]) -> &[u8] {
    let skip = text
        .iter()
        .take_while(|byte| byte.is_ascii_whitespace())
        .count();
    &text[skip..]
}

/// A public key read from an OpenSSH line.
#[derive(Debug, PartialEq, Eq)]
pub enum SshPublicKey {
    /// PKCS#1 RSAPublicKey DER.
    Rsa(Vec<u8>),
    /// The uncompressed point.
    Ec(Curve, Vec<u8>),
    Ed25519(Vec<u8>),
}

/// Parses `type base64 [comment]` (RFC 4253 §6.6, RFC 5656, RFC 8709). Errors are
/// `InvalidKey`, or `OutOfMemory`.
pub fn parse_ssh_public_key(text: &[u8]) -> Result<SshPublicKey, JwtError> {
    let invalid = |message: &str| JwtError::invalid_key(message);
    let text = std::str::from_utf8(text).map_err(|_| invalid("the OpenSSH key is not UTF-8"))?;
    let mut words = text.split_ascii_whitespace();
    let (Some(kind), Some(body)) = (words.next(), words.next()) else {
        return Err(invalid(
            "an OpenSSH public key line is `type base64 [comment]`",
        ));
    };
    let blob = b64::decode_std_lenient_whitespace(body.as_bytes())?
        .ok_or_else(|| invalid("the OpenSSH key's base64 is invalid"))?;
    let mut reader = SshReader(&blob);
    if reader.string().map_err(JwtError::InvalidKey)? != kind.as_bytes() {
        return Err(invalid(
            "the OpenSSH key's type does not match its contents",
        ));
    }
    let mut string = || reader.string().map_err(JwtError::InvalidKey);
    let key = match kind {
        "ssh-rsa" => {
            let e = string()?;
            let n = string()?;
            SshPublicKey::Rsa(rsa_public_pkcs1(n, e)?)
        }
        "ecdsa-sha2-nistp256" | "ecdsa-sha2-nistp384" => {
            let curve = if kind.ends_with("256") {
                Curve::P256
            } else {
                Curve::P384
            };
            let name = string()?;
            if name != &kind.as_bytes()[11..] {
                return Err(invalid("the OpenSSH key's curve does not match its type"));
            }
            SshPublicKey::Ec(curve, fallible::copy(string()?)?)
        }
        "ssh-ed25519" => SshPublicKey::Ed25519(fallible::copy(string()?)?),
        other => {
            return Err(JwtError::InvalidKey(try_format!(
                "OpenSSH {other} keys are not supported"
            )?))
        }
    };
    if !reader.0.is_empty() {
        return Err(invalid("the OpenSSH key has trailing data"));
    }
    Ok(key)
}

/// The SSH wire format's length-prefixed strings.
struct SshReader<'a>(&'a [u8]);

impl<'a> SshReader<'a> {
    fn string(&mut self) -> Result<&'a [u8], String> {
        let truncated = || "the OpenSSH key is truncated".to_string();
        let (len, rest) = self.0.split_at_checked(4).ok_or_else(truncated)?;
        let len = u32::from_be_bytes([len[0], len[1], len[2], len[3]]) as usize;
        let (value, rest) = rest.split_at_checked(len).ok_or_else(truncated)?;
        self.0 = rest;
        Ok(value)
    }
}

/// Why a would-be HMAC secret is refused, if it is (docs/JWT.md, "HMAC secrets").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecretProblem {
    Empty,
    AsymmetricKey,
    Jwk,
}

pub fn check_hmac_secret(secret: &[u8]) -> Result<(), SecretProblem> {
    if secret.is_empty() {
        return Err(SecretProblem::Empty);
    }
    if find(secret, b"-----BEGIN ").is_some()
        || find(secret, b"---- BEGIN ").is_some()
        || is_ssh_key(secret)
        || is_der_structure(secret)
    {
        return Err(SecretProblem::AsymmetricKey);
    }
    // Any run of whitespace and byte order marks, as a JSON reader might skip.
    let mut text = trim_start(secret);
    while let Some(rest) = text.strip_prefix(b"\xef\xbb\xbf") {
        text = trim_start(rest);
    }
    if matches!(text.first(), Some(b'{' | b'[')) && find(text, b"\"kty\"").is_some() {
        return Err(SecretProblem::Jwk);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_lengths() {
        let (element, rest) = read(&[0x04, 0x02, 0xaa, 0xbb, 0xcc]).unwrap();
        assert_eq!(element.content, &[0xaa, 0xbb]);
        assert_eq!(rest, &[0xcc]);
        let long: Vec<u8> = [0x04, 0x81, 0x80].into_iter().chain([7; 128]).collect();
        assert_eq!(read(&long).unwrap().0.content.len(), 128);
        assert!(read(&[0x04, 0x05, 1]).is_none());
        assert!(read(&[0x04, 0x80]).is_none(), "indefinite length");
    }

    #[test]
    fn der_structures_are_told_from_secrets() {
        let pkcs1 = rsa_public_pkcs1(&[0xc5; 256], &[1, 0, 1]).unwrap();
        assert!(is_der_structure(&pkcs1));
        assert_eq!(bit_len(rsa_public_modulus(&pkcs1).unwrap()), 2048);
        assert!(!is_der_structure(b"a perfectly ordinary secret"));
        assert!(
            !is_der_structure(&[0x30, 0x03, 0x02, 0x01, 0x01]),
            "one element"
        );
        assert!(
            !is_der_structure(&[0x30, 0x04, 0x04, 0x00, 0x04, 0x00]),
            "starts with OCTET STRING"
        );
    }

    #[test]
    fn hmac_secrets_that_are_keys_are_refused() {
        assert_eq!(check_hmac_secret(b""), Err(SecretProblem::Empty));
        assert_eq!(
            check_hmac_secret(b"-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----"),
            Err(SecretProblem::AsymmetricKey)
        );
        assert_eq!(
            check_hmac_secret(b"  ssh-ed25519 AAAAC3Nza"),
            Err(SecretProblem::AsymmetricKey)
        );
        assert_eq!(
            check_hmac_secret(b"\xef\xbb\xbf {\"kty\":\"RSA\",\"n\":\"x\"}"),
            Err(SecretProblem::Jwk)
        );
        assert_eq!(check_hmac_secret(b"{\"not\":\"a jwk\"}"), Ok(()));
        assert_eq!(check_hmac_secret(b"secret"), Ok(()));
    }

    #[test]
    fn pem_blocks_are_found() {
        let pem =
            parse_pem(b"junk\n-----BEGIN PUBLIC KEY-----\naGVsbG8=\n-----END PUBLIC KEY-----\n")
                .unwrap()
                .unwrap();
        assert_eq!(pem.label, "PUBLIC KEY");
        assert_eq!(pem.der, b"hello");
        assert!(parse_pem(b"-----BEGIN PUBLIC KEY-----\naGVsbG8=\n")
            .unwrap()
            .is_none());
        // The first end marker of the same label, after others.
        let pem =
            parse_pem(b"-----BEGIN A-----\n-----END B-----aGk=-----END AB-----x-----END A-----\n")
                .unwrap();
        assert!(
            pem.is_none(),
            "the body runs to the first END A: not base64"
        );
        assert_eq!(
            find_end_marker(b"xx-----END AB----------END A-----", b"A"),
            Some(18)
        );
        assert_eq!(find_end_marker(b"-----END A----", b"A"), None);
    }
}
