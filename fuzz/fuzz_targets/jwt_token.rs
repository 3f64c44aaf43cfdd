//! The JWT core on arbitrary bytes (docs/JWT.md, "The token" and "Claims"): what a client
//! controls before any signature is checked, and the key text a JWKS or config gives.
//!
//! Each input is used four ways, so that the fuzzer reaches the JSON rules without having
//! to find valid base64url first: as a token (split, segment decoding, header and payload
//! rules), as a decoded header or payload (the JSON object rules and the claims under fixed
//! policies), as base64url text (strict decoding, checked against the `base64` crate, and
//! the encode/decode round trip), and as key material (DER, PEM and OpenSSH parsing).

#![no_main]

use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use base64::Engine as _;
use covet_core::json::value::Value;
use covet_core::jwt::claims::{validate, Expected, Policy};
use covet_core::jwt::keys::Key;
use covet_core::jwt::token::{
    check_alg, check_header, decode_segment, parse_object, split, JsonProblem,
};
use covet_core::jwt::{b64, der, Algorithm, JwtError};
use libfuzzer_sys::fuzz_target;

/// A fixed "now", so that a crash reproduces (`time.time()` in the binding).
const NOW: f64 = 1_700_000_000.5;

fuzz_target!(|data: &[u8]| {
    check_token(data);
    check_header_json(data);
    check_payload_json(data);
    check_base64url(data);
    check_key_material(data);
});

fn check_token(token: &[u8]) {
    // Counted plainly, not with the memchr search `split` itself uses.
    #[allow(clippy::naive_bytecount)]
    let dots = token.iter().filter(|&&byte| byte == b'.').count();
    let segments = match split(token) {
        Ok(segments) => segments,
        Err(error) => {
            assert_ne!(dots, 2, "{error:?}");
            return;
        }
    };
    assert_eq!(dots, 2);
    for segment in [segments.header, segments.payload, segments.signature] {
        assert!(!segment.contains(&b'.'));
    }
    let header_end = segments.header.len();
    let payload_end = header_end + 1 + segments.payload.len();
    assert_eq!(segments.signing_input, &token[..payload_end]);
    assert_eq!(segments.header, &token[..header_end]);
    assert_eq!(segments.signature, &token[payload_end + 1..]);
    for (segment, name) in [
        (segments.header, "header"),
        (segments.payload, "payload"),
        (segments.signature, "signature"),
    ] {
        match decode_segment(segment, name) {
            Ok(bytes) => {
                assert_canonical(segment, &bytes);
                match name {
                    "header" => check_header_json(&bytes),
                    "payload" => check_payload_json(&bytes),
                    _ => {}
                }
            }
            Err(error) => assert_eq!(error, JwtError::Decode(format!("Invalid {name} padding"))),
        }
    }
}

/// The object rules every decoded segment goes through, checked against a plain
/// reference walk for the first repeated key.
fn parse_checked(json: &[u8]) -> Option<Value> {
    let parsed = parse_object(json);
    let value = covet_core::json::value::parse_value(json);
    match (&parsed, &value) {
        (Ok(object), Ok(value)) => {
            assert_eq!(object, value);
            assert!(matches!(object, Value::Object(_)));
            assert_eq!(first_repeated_key(object), None);
        }
        (Err(JsonProblem::DuplicateKey(key)), Ok(value)) => {
            assert_eq!(first_repeated_key(value), Some(key.as_slice()));
        }
        (Err(JsonProblem::NotAnObject), Ok(value)) => {
            assert_eq!(first_repeated_key(value), None);
            assert!(!matches!(value, Value::Object(_)));
        }
        (Err(JsonProblem::Syntax(error)), Err(other)) => assert_eq!(error, other),
        _ => panic!("parse_object and parse_value disagree: {parsed:?} vs {value:?}"),
    }
    parsed.ok()
}

/// The first key, in document order, that repeats an earlier key of the same object: a
/// pre-order walk, keys checked as they are met, each value walked right after its key
/// (where it is in the text).
fn first_repeated_key(value: &Value) -> Option<&[u8]> {
    match value {
        Value::Array(items) => items.iter().find_map(first_repeated_key),
        Value::Object(members) => {
            for (index, (key, value)) in members.iter().enumerate() {
                if members[..index].iter().any(|(earlier, _)| earlier == key) {
                    return Some(key);
                }
                if let Some(found) = first_repeated_key(value) {
                    return Some(found);
                }
            }
            None
        }
        _ => None,
    }
}

fn check_header_json(json: &[u8]) {
    let Some(header) = parse_checked(json) else {
        return;
    };
    match check_header(&header) {
        Ok(kid) => {
            match (header.get("kid"), &kid) {
                (None, None) => {}
                (Some(Value::String(text)), Some(kid)) => {
                    assert_eq!(*kid, String::from_utf8_lossy(text));
                }
                other => panic!("kid {other:?}"),
            }
            assert!(header.get("crit").is_none(), "crit is never accepted");
            assert!(matches!(header.get("b64"), None | Some(Value::Bool(true))));
        }
        Err(JwtError::InvalidToken(_) | JwtError::Decode(_)) => {}
        Err(other) => panic!("unexpected header error {other:?}"),
    }
    let named = header.get("alg").and_then(Value::as_str);
    match check_alg(&header, &Algorithm::ALL) {
        Ok(alg) => assert_eq!(Some(alg.name()), named),
        Err(JwtError::InvalidAlgorithm(_)) => {
            assert!(named.and_then(Algorithm::from_name).is_none(), "{named:?}");
        }
        Err(other) => panic!("unexpected alg error {other:?}"),
    }
    // With one algorithm allowed, only that name passes.
    let only = [Algorithm::HS256];
    assert_eq!(check_alg(&header, &only).is_ok(), named == Some("HS256"));
}

fn check_payload_json(json: &[u8]) {
    let Some(payload) = parse_checked(json) else {
        return;
    };
    let default = Policy::default();
    let lenient = Policy {
        leeway: 30.0,
        ..Policy::default()
    };
    let checked = validate(&payload, &default, NOW);
    // A wider leeway only relaxes the time claims.
    if checked.is_ok() {
        assert_eq!(validate(&payload, &lenient, NOW), Ok(()));
    }
    let demanding = Policy {
        require: vec!["exp".into(), "sub".into()],
        leeway: 5.5,
        audience: Some(Expected::Any(vec!["a".into(), "b".into()])),
        issuer: Some(Expected::One("https://issuer".into())),
        subject: Some("s".into()),
        ..Policy::default()
    };
    if validate(&payload, &demanding, NOW).is_ok() {
        for claim in ["exp", "sub", "aud", "iss"] {
            assert!(payload.get(claim).is_some(), "{claim} is required here");
        }
        assert_eq!(payload.get("sub").and_then(Value::as_str), Some("s"));
        assert_eq!(
            payload.get("iss").and_then(Value::as_str),
            Some("https://issuer")
        );
    }
    let strict = Policy {
        strict_aud: true,
        audience: Some(Expected::One("a".into())),
        ..Policy::default()
    };
    if validate(&payload, &strict, NOW).is_ok() {
        assert_eq!(payload.get("aud").and_then(Value::as_str), Some("a"));
    }
    let nothing = Policy {
        verify_exp: false,
        verify_nbf: false,
        verify_iat: false,
        verify_aud: false,
        verify_iss: false,
        verify_sub: false,
        verify_jti: false,
        ..Policy::default()
    };
    assert_eq!(validate(&payload, &nothing, NOW), Ok(()));
}

/// A segment decodes from exactly one spelling, give or take the padding docs/JWT.md allows.
fn assert_canonical(text: &[u8], bytes: &[u8]) {
    let unpadded = text
        .strip_suffix(b"==")
        .or_else(|| text.strip_suffix(b"="))
        .unwrap_or(text);
    if unpadded.len() != text.len() {
        assert_eq!(text.len() % 4, 0, "padding short of a multiple of 4");
    }
    assert_eq!(
        b64::encode_url(bytes).unwrap(),
        unpadded,
        "not the canonical spelling"
    );
}

fn check_base64url(data: &[u8]) {
    let text = b64::encode_url(data).unwrap();
    assert_eq!(text.len(), b64::encoded_len(data.len()));
    assert_eq!(b64::decode_url(&text).unwrap().as_deref(), Some(data));
    let decoded = b64::decode_url(data).unwrap();
    if let Some(bytes) = &decoded {
        assert_canonical(data, bytes);
    }
    assert_eq!(
        decoded,
        reference_decode(&base64::alphabet::URL_SAFE, data),
        "base64url verdict differs"
    );
    // PEM bodies: standard alphabet, ASCII whitespace anywhere.
    let compact: Vec<u8> = data
        .iter()
        .copied()
        .filter(|byte| !byte.is_ascii_whitespace())
        .collect();
    assert_eq!(
        b64::decode_std_lenient_whitespace(data).unwrap(),
        reference_decode(&base64::alphabet::STANDARD, &compact),
        "base64 (PEM body) verdict differs"
    );
}

/// The `base64` crate with the rules of docs/JWT.md: canonical trailing bits, and padding
/// either absent or exactly what completes a multiple of 4.
fn reference_decode(alphabet: &base64::alphabet::Alphabet, text: &[u8]) -> Option<Vec<u8>> {
    let padding = if text.ends_with(b"=") {
        DecodePaddingMode::RequireCanonical
    } else {
        DecodePaddingMode::RequireNone
    };
    GeneralPurpose::new(
        alphabet,
        GeneralPurposeConfig::new().with_decode_padding_mode(padding),
    )
    .decode(text)
    .ok()
}

fn check_key_material(data: &[u8]) {
    check_der(data);
    let _ = der::is_der_structure(data);
    let _ = der::spki_type(data);
    let _ = der::pkcs8_type(data);
    let _ = der::sec1_curve(data);
    if let Ok(spki) = der::certificate_spki(data) {
        assert!(is_within(spki, data));
    }
    if let Some(bits) = der::spki_key_bits(data) {
        assert!(is_within(bits, data));
    }
    if let Some(modulus) = der::rsa_public_modulus(data) {
        assert_ne!(modulus.first(), Some(&0));
        assert!(der::bit_len(modulus) <= modulus.len() * 8);
    }
    // The DER writer, read back by the DER reader, for any modulus and exponent.
    let (n, e) = data.split_at(data.len() / 2);
    let pkcs1 = der::rsa_public_pkcs1(n, e).unwrap();
    assert!(der::is_der_structure(&pkcs1));
    assert_eq!(der::rsa_public_modulus(&pkcs1), Some(der::unsigned(n)));
    if let Ok(der::SshPublicKey::Rsa(pkcs1)) = der::parse_ssh_public_key(data) {
        assert!(der::rsa_public_modulus(&pkcs1).is_some());
    }
    if let Ok(Some(pem)) = der::parse_pem(data) {
        assert!(!pem.label.contains("-----"));
    }
    match der::check_hmac_secret(data) {
        Ok(()) => {
            assert!(!data.is_empty() && !der::is_der_structure(data) && !der::is_ssh_key(data));
        }
        Err(der::SecretProblem::Empty) => assert!(data.is_empty()),
        Err(_) => {}
    }
    // What a key argument goes through (AWS-LC parses what the DER layer lets through).
    let _ = Key::from_text(data);
    let _ = Key::from_secret(data);
}

/// A DER walk: every element read spans exactly its header and content, and `children`
/// covers its input with consecutive elements.
fn check_der(data: &[u8]) {
    let mut rest = data;
    let mut depth = 0;
    while let Some((element, after)) = der::read(rest) {
        assert_eq!(element.encoded.len() + after.len(), rest.len());
        assert_eq!(element.encoded, &rest[..element.encoded.len()]);
        assert!(element.encoded.ends_with(element.content));
        assert_eq!(element.encoded[0], element.tag);
        if let Some(items) = der::children(element.content) {
            let total: usize = items.iter().map(|item| item.encoded.len()).sum();
            assert_eq!(total, element.content.len());
        }
        // Walk into constructed values too (bounded: inputs are small).
        depth += 1;
        rest = if element.tag & 0x20 != 0 && depth < 64 && !element.content.is_empty() {
            element.content
        } else {
            after
        };
    }
}

fn is_within(part: &[u8], whole: &[u8]) -> bool {
    let start = part.as_ptr() as usize;
    let whole_start = whole.as_ptr() as usize;
    start >= whole_start && start + part.len() <= whole_start + whole.len()
}
