//! The registered-claim rules (RFC 7519 §4.1) with PyJWT's semantics, stricter where PyJWT
//! has been burned (docs/JWT.md, "Claims"). Plain Rust: the payload arrives as a parsed
//! [`Value`] and the caller's expectations as a [`Policy`].

use std::time::{SystemTime, UNIX_EPOCH};

use super::fallible;
use super::JwtError;
use crate::json::value::Value;

/// What the caller expects of the claims, and which checks are on.
// The switches are PyJWT's options, one bool each.
#[allow(clippy::struct_excessive_bools)]
#[derive(Debug, Clone, PartialEq)]
pub struct Policy {
    pub verify_exp: bool,
    pub verify_nbf: bool,
    pub verify_iat: bool,
    pub verify_aud: bool,
    pub verify_iss: bool,
    pub verify_sub: bool,
    pub verify_jti: bool,
    /// Claims that must be present and not null.
    pub require: Vec<String>,
    pub strict_aud: bool,
    /// Seconds of tolerance for the time claims.
    pub leeway: f64,
    pub audience: Option<Expected>,
    pub issuer: Option<Expected>,
    pub subject: Option<String>,
}

impl Default for Policy {
    fn default() -> Self {
        Self {
            verify_exp: true,
            verify_nbf: true,
            verify_iat: true,
            verify_aud: true,
            verify_iss: true,
            verify_sub: true,
            verify_jti: true,
            require: Vec::new(),
            strict_aud: false,
            leeway: 0.0,
            audience: None,
            issuer: None,
            subject: None,
        }
    }
}

/// An expected audience or issuer: one string, or any of several.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expected {
    One(String),
    Any(Vec<String>),
}

impl Expected {
    fn contains(&self, value: &[u8]) -> bool {
        match self {
            Self::One(expected) => expected.as_bytes() == value,
            Self::Any(expected) => expected.iter().any(|expected| expected.as_bytes() == value),
        }
    }
}

/// A time claim as a number of seconds, truncated toward zero as `int()` does; `None` when
/// it is not a JSON number, or not a finite one: `1e400` parses as infinity, and a token
/// whose `exp` is infinite would never expire (`int()` refuses it too).
fn seconds(value: &Value) -> Option<f64> {
    match value {
        // Time claims are near 1.7e9; an i64 beyond 2**53 only loses precision far from now.
        #[allow(clippy::cast_precision_loss)]
        Value::Int(seconds) => Some(*seconds as f64),
        // An integer is finite however many digits it has: one beyond f64's range compares
        // as an infinity of its sign would, which is its exact order against `now`.
        Value::BigInt(digits) => digits.parse().ok(),
        Value::Float(seconds) if seconds.is_finite() => Some(seconds.trunc()),
        _ => None,
    }
}

/// Seconds since the epoch, as `time.time()` gives them: the "now" of the claim rules.
pub fn now() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0.0, |elapsed| elapsed.as_secs_f64())
}

/// Checks the claims of `payload` (a JSON object) against `policy` at time `now` (seconds
/// since the epoch). The first failing rule, in the documented order, is the error.
pub fn validate(payload: &Value, policy: &Policy, now: f64) -> Result<(), JwtError> {
    for name in &policy.require {
        if matches!(payload.get(name), None | Some(Value::Null)) {
            // The caller's name, of any length.
            return Err(JwtError::MissingClaim(fallible::copy_str(name)?));
        }
    }
    if policy.verify_iat {
        if let Some(iat) = payload.get("iat") {
            let iat = seconds(iat).ok_or(JwtError::InvalidIssuedAt)?;
            if iat > now + policy.leeway {
                return Err(JwtError::Immature("iat"));
            }
        }
    }
    if policy.verify_nbf {
        if let Some(nbf) = payload.get("nbf") {
            let nbf = seconds(nbf).ok_or_else(|| {
                JwtError::Decode("Not Before claim (nbf) must be an integer.".into())
            })?;
            if nbf > now + policy.leeway {
                return Err(JwtError::Immature("nbf"));
            }
        }
    }
    if policy.verify_exp {
        if let Some(exp) = payload.get("exp") {
            let exp = seconds(exp).ok_or_else(|| {
                JwtError::Decode("Expiration Time claim (exp) must be an integer.".into())
            })?;
            if exp <= now - policy.leeway {
                return Err(JwtError::Expired);
            }
        }
    }
    if policy.verify_iss {
        validate_iss(payload.get("iss"), policy.issuer.as_ref())?;
    }
    if policy.verify_aud {
        validate_aud(
            payload.get("aud"),
            policy.audience.as_ref(),
            policy.strict_aud,
        )?;
    }
    if policy.verify_sub {
        validate_sub(payload.get("sub"), policy.subject.as_deref())?;
    }
    if policy.verify_jti
        && matches!(payload.get("jti"), Some(jti) if !matches!(jti, Value::String(_)))
    {
        return Err(JwtError::InvalidJti);
    }
    Ok(())
}

fn validate_iss(iss: Option<&Value>, issuer: Option<&Expected>) -> Result<(), JwtError> {
    let Some(issuer) = issuer else {
        return Ok(());
    };
    match iss {
        None => Err(JwtError::MissingClaim("iss".into())),
        Some(Value::String(iss)) if issuer.contains(iss) => Ok(()),
        Some(Value::String(_)) => Err(JwtError::InvalidIssuer("Invalid issuer")),
        Some(_) => Err(JwtError::InvalidIssuer(
            "Payload Issuer (iss) must be a string",
        )),
    }
}

fn validate_aud(
    aud: Option<&Value>,
    audience: Option<&Expected>,
    strict: bool,
) -> Result<(), JwtError> {
    let aud = aud.filter(|aud| aud.is_truthy());
    let Some(audience) = audience else {
        return match aud {
            None => Ok(()),
            Some(_) => Err(JwtError::InvalidAudience("Invalid audience")),
        };
    };
    let Some(aud) = aud else {
        return Err(JwtError::MissingClaim("aud".into()));
    };
    if strict {
        let Expected::One(expected) = audience else {
            return Err(JwtError::InvalidAudience("Invalid audience (strict)"));
        };
        return match aud {
            Value::String(aud) if aud == expected.as_bytes() => Ok(()),
            Value::String(_) => Err(JwtError::InvalidAudience("Audience doesn't match (strict)")),
            _ => Err(JwtError::InvalidAudience(
                "Invalid claim format in token (strict)",
            )),
        };
    }
    let format = || JwtError::InvalidAudience("Invalid claim format in token");
    // Every entry must be a string before any is compared.
    let matched = match aud {
        Value::String(aud) => audience.contains(aud),
        Value::Array(items) => {
            if !items.iter().all(|item| matches!(item, Value::String(_))) {
                return Err(format());
            }
            items
                .iter()
                .any(|item| matches!(item, Value::String(text) if audience.contains(text)))
        }
        _ => return Err(format()),
    };
    if matched {
        Ok(())
    } else {
        Err(JwtError::InvalidAudience("Audience doesn't match"))
    }
}

fn validate_sub(sub: Option<&Value>, subject: Option<&str>) -> Result<(), JwtError> {
    match (sub, subject) {
        (Some(Value::String(sub)), Some(subject)) if sub != subject.as_bytes() => {
            Err(JwtError::InvalidSubject("Invalid subject"))
        }
        (Some(Value::String(_)), _) | (None, None) => Ok(()),
        (Some(_), _) => Err(JwtError::InvalidSubject("Subject must be a string")),
        (None, Some(_)) => Err(JwtError::MissingClaim("sub".into())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json::value::parse_value;

    const NOW: f64 = 1_700_000_000.5;

    fn check(payload: &str, policy: &Policy) -> Result<(), JwtError> {
        validate(&parse_value(payload.as_bytes()).unwrap(), policy, NOW)
    }

    #[test]
    fn exp_is_expired_at_now() {
        let policy = Policy::default();
        assert_eq!(
            check(r#"{"exp":1700000000}"#, &policy),
            Err(JwtError::Expired)
        );
        assert_eq!(check(r#"{"exp":1700000001}"#, &policy), Ok(()));
        // Truncated, as int() does: 1700000000.9 is 1700000000.
        assert_eq!(
            check(r#"{"exp":1700000000.9}"#, &policy),
            Err(JwtError::Expired)
        );
        let lenient = Policy {
            leeway: 10.0,
            ..Policy::default()
        };
        assert_eq!(check(r#"{"exp":1699999991}"#, &lenient), Ok(()));
        assert_eq!(
            check(r#"{"exp":1699999990}"#, &lenient),
            Err(JwtError::Expired)
        );
        assert!(matches!(
            check(r#"{"exp":"1800000000"}"#, &policy),
            Err(JwtError::Decode(_))
        ));
        assert!(matches!(
            check(r#"{"exp":true}"#, &policy),
            Err(JwtError::Decode(_))
        ));
        assert_eq!(
            check(r#"{"exp":100000000000000000000000}"#, &policy),
            Ok(())
        );
    }

    #[test]
    fn time_claims_must_be_finite() {
        let policy = Policy::default();
        let exp = JwtError::Decode("Expiration Time claim (exp) must be an integer.".into());
        let nbf = JwtError::Decode("Not Before claim (nbf) must be an integer.".into());
        for text in ["1e400", "-1e400"] {
            assert_eq!(
                check(&format!(r#"{{"exp":{text}}}"#), &policy),
                Err(exp.clone())
            );
            assert_eq!(
                check(&format!(r#"{{"nbf":{text}}}"#), &policy),
                Err(nbf.clone())
            );
            assert_eq!(
                check(&format!(r#"{{"iat":{text}}}"#), &policy),
                Err(JwtError::InvalidIssuedAt)
            );
        }
        // Whatever the leeway: an infinite leeway is the caller's, an infinite claim is not.
        let lenient = Policy {
            leeway: f64::INFINITY,
            ..Policy::default()
        };
        assert_eq!(check(r#"{"exp":-1e400}"#, &lenient), Err(exp));
        // A finite value as large as f64 allows is a number like any other.
        assert_eq!(check(r#"{"exp":1e308}"#, &policy), Ok(()));
        // An integer of 400 digits is finite (the Python side compares it exactly).
        let huge = format!(r#"{{"exp":1{}}}"#, "0".repeat(400));
        assert_eq!(check(&huge, &policy), Ok(()));
        let minus = format!(r#"{{"exp":-1{}}}"#, "0".repeat(400));
        assert_eq!(check(&minus, &policy), Err(JwtError::Expired));
    }

    #[test]
    fn nbf_and_iat_in_the_future() {
        let policy = Policy::default();
        assert_eq!(
            check(r#"{"nbf":1700000001}"#, &policy),
            Err(JwtError::Immature("nbf"))
        );
        assert_eq!(check(r#"{"nbf":1700000000}"#, &policy), Ok(()));
        assert_eq!(
            check(r#"{"iat":1700000001}"#, &policy),
            Err(JwtError::Immature("iat"))
        );
        assert_eq!(
            check(r#"{"iat":null}"#, &policy),
            Err(JwtError::InvalidIssuedAt)
        );
    }

    #[test]
    fn audience_rules() {
        let expecting = |aud: &str| Policy {
            audience: Some(Expected::One(aud.into())),
            ..Policy::default()
        };
        assert_eq!(
            check(r#"{"aud":"a"}"#, &Policy::default()),
            Err(JwtError::InvalidAudience("Invalid audience"))
        );
        assert_eq!(check(r#"{"aud":""}"#, &Policy::default()), Ok(()));
        assert_eq!(
            check(r"{}", &expecting("a")),
            Err(JwtError::MissingClaim("aud".into()))
        );
        assert_eq!(
            check(r#"{"aud":[]}"#, &expecting("a")),
            Err(JwtError::MissingClaim("aud".into()))
        );
        assert_eq!(check(r#"{"aud":["b","a"]}"#, &expecting("a")), Ok(()));
        assert_eq!(
            check(r#"{"aud":["b",1]}"#, &expecting("a")),
            Err(JwtError::InvalidAudience("Invalid claim format in token"))
        );
        assert_eq!(
            check(r#"{"aud":{"a":1}}"#, &expecting("a")),
            Err(JwtError::InvalidAudience("Invalid claim format in token"))
        );
        assert_eq!(
            check(r#"{"aud":"b"}"#, &expecting("a")),
            Err(JwtError::InvalidAudience("Audience doesn't match"))
        );
        let strict = Policy {
            strict_aud: true,
            ..expecting("a")
        };
        assert_eq!(
            check(r#"{"aud":["a"]}"#, &strict),
            Err(JwtError::InvalidAudience(
                "Invalid claim format in token (strict)"
            ))
        );
        assert_eq!(check(r#"{"aud":"a"}"#, &strict), Ok(()));
    }

    #[test]
    fn issuer_subject_jti_require() {
        let issuer = Policy {
            issuer: Some(Expected::Any(vec!["x".into(), "y".into()])),
            ..Policy::default()
        };
        assert_eq!(check(r#"{"iss":"y"}"#, &issuer), Ok(()));
        assert_eq!(
            check(r#"{"iss":["y"]}"#, &issuer),
            Err(JwtError::InvalidIssuer(
                "Payload Issuer (iss) must be a string"
            ))
        );
        assert_eq!(
            check(r"{}", &issuer),
            Err(JwtError::MissingClaim("iss".into()))
        );
        let subject = Policy {
            subject: Some("s".into()),
            ..Policy::default()
        };
        assert_eq!(
            check(r"{}", &subject),
            Err(JwtError::MissingClaim("sub".into()))
        );
        assert_eq!(
            check(r#"{"sub":"t"}"#, &subject),
            Err(JwtError::InvalidSubject("Invalid subject"))
        );
        assert_eq!(
            check(r#"{"sub":1}"#, &Policy::default()),
            Err(JwtError::InvalidSubject("Subject must be a string"))
        );
        assert_eq!(
            check(r#"{"jti":1}"#, &Policy::default()),
            Err(JwtError::InvalidJti)
        );
        let require = Policy {
            require: vec!["exp".into()],
            ..Policy::default()
        };
        assert_eq!(
            check(r#"{"exp":null}"#, &require),
            Err(JwtError::MissingClaim("exp".into()))
        );
    }
}
