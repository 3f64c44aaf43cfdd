# The public JWT API is typed as the native one; the pure-Python twin matches it.
from covet_rust_core._jwt_errors import DecodeError as DecodeError
from covet_rust_core._jwt_errors import ExpiredSignatureError as ExpiredSignatureError
from covet_rust_core._jwt_errors import ImmatureSignatureError as ImmatureSignatureError
from covet_rust_core._jwt_errors import InvalidAlgorithmError as InvalidAlgorithmError
from covet_rust_core._jwt_errors import InvalidAudienceError as InvalidAudienceError
from covet_rust_core._jwt_errors import InvalidIssuedAtError as InvalidIssuedAtError
from covet_rust_core._jwt_errors import InvalidIssuerError as InvalidIssuerError
from covet_rust_core._jwt_errors import InvalidJTIError as InvalidJTIError
from covet_rust_core._jwt_errors import InvalidKeyError as InvalidKeyError
from covet_rust_core._jwt_errors import InvalidSignatureError as InvalidSignatureError
from covet_rust_core._jwt_errors import InvalidSubjectError as InvalidSubjectError
from covet_rust_core._jwt_errors import InvalidTokenError as InvalidTokenError
from covet_rust_core._jwt_errors import MissingRequiredClaimError as MissingRequiredClaimError
from covet_rust_core._jwt_errors import PyJWTError as PyJWTError
from covet_rust_core._native import JWT_ALGORITHMS as ALGORITHMS
from covet_rust_core._native import JWT_DEFAULT_MAX_TOKEN_BYTES as DEFAULT_MAX_TOKEN_BYTES
from covet_rust_core._native import JwtKey as Key
from covet_rust_core._native import JwtKeySet as KeySet
from covet_rust_core._native import jwt_decode as decode
from covet_rust_core._native import jwt_decode_complete as decode_complete
from covet_rust_core._native import jwt_encode as encode
from covet_rust_core._native import jwt_get_unverified_header as get_unverified_header

__all__ = [
    "ALGORITHMS",
    "DEFAULT_MAX_TOKEN_BYTES",
    "DecodeError",
    "ExpiredSignatureError",
    "ImmatureSignatureError",
    "InvalidAlgorithmError",
    "InvalidAudienceError",
    "InvalidIssuedAtError",
    "InvalidIssuerError",
    "InvalidJTIError",
    "InvalidKeyError",
    "InvalidSignatureError",
    "InvalidSubjectError",
    "InvalidTokenError",
    "Key",
    "KeySet",
    "MissingRequiredClaimError",
    "PyJWTError",
    "decode",
    "decode_complete",
    "encode",
    "get_unverified_header",
]
