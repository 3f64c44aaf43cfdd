"""JWT benchmark workloads, shared by ``python -m covet_rust_core bench`` (``workloads()``),
benches/bench_jwt.py (interleaved runner) and benches/test_bench_jwt.py (pytest-benchmark):
the claims, the keys, the contenders and the check that every contender's output is right
before anything is timed.

Jobs: ``encode`` and ``decode`` of one access token's claims (``sub``, ``name``, ``iat``,
``exp`` one hour ahead, ``aud``, ``iss`` and three ``roles``) with HS256, RS256 (2048-bit
RSA), ES256 (P-256) and EdDSA (Ed25519). Every decode validates the audience and the issuer
(``audience=`` and ``issuer=`` are passed to every contender). The asymmetric algorithms
come in two key forms: ``prepared``, a key parsed once and held across calls (covet
``Key.from_pem``, a ``cryptography`` key object for PyJWT, oxyjwt's ``EncodingKey`` and
``DecodingKey``), and ``pem``, the PEM string passed on every call. HS256 has one form, the
secret string passed on every call. ``workloads()`` (the bench command) has each algorithm's
encode and decode in one form: the secret for HS256, the prepared key for the others.

Contenders: covet native (``covet_rust_core._native.jwt``: ``encode``, ``decode``,
``Key``), covet fallback (the pure-Python twin, the same names), PyJWT and oxyjwt. Each is
resolved lazily: a library that is not installed, a backend that does not (yet) have a
function, or oxyjwt's lack of PEM string keys for the asymmetric algorithms, is reported as
unavailable with the reason, never silently dropped. A twin that exists but cannot be
imported is not "unavailable": each of its jobs raises the import error, so it is reported
(and counted) as an error.

Nothing but the standard library is imported with this module: the peers and
``cryptography`` are imported when a job is prepared. The keys are generated
deterministically with ``cryptography`` (from fixed seeds, once per process; never timed);
without it the asymmetric jobs are unavailable, and HS256 needs none. PyJWT is the
reference: it makes the token every decode reads, and every token a contender encodes must
decode with PyJWT to the same claims. Without PyJWT, covet's twin is the reference (and the
PyJWT contender is reported unavailable, saying so).
"""

from __future__ import annotations

import functools
import hashlib
import importlib
import math
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from types import ModuleType
from typing import TYPE_CHECKING, Any

from .interleave import Contender
from .model import (
    FALLBACK,
    FALLBACK_KIND,
    INSTALL,
    NATIVE,
    NATIVE_KIND,
    PEER_KIND,
    Options,
    Workload,
    native_module,
    not_importable,
)

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.hazmat.primitives.asymmetric.types import PrivateKeyTypes

DOMAIN = "jwt"

ALGORITHMS = ("HS256", "RS256", "ES256", "EdDSA")
HMAC = "HS256"

# Operations, and the key forms (a job is one algorithm, one operation, one key form).
ENCODE, DECODE = "encode", "decode"
OPERATIONS = (ENCODE, DECODE)
PREPARED = "prepared"  # a parsed key object held across calls
PEM = "pem"  # the PEM string passed on every call
SECRET = "secret"  # HS256: the secret string passed on every call
KEY_FORMS = (PREPARED, PEM)  # of the asymmetric algorithms

AUDIENCE = "https://api.example.com"
ISSUER = "https://auth.example.com"
TOKEN_LIFETIME = 3600  # seconds: exp is one hour after iat

PYJWT, OXYJWT = "PyJWT", "oxyjwt"
# Contender slugs (pytest ids) and display names, in table order.
LIBRARIES = {
    "covet-native": NATIVE,
    "covet-fallback": FALLBACK,
    "pyjwt": PYJWT,
    "oxyjwt": OXYJWT,
}
KINDS = {NATIVE: NATIVE_KIND, FALLBACK: FALLBACK_KIND, PYJWT: PEER_KIND, OXYJWT: PEER_KIND}

ALGORITHM_NAMES = {
    "HS256": "HMAC-SHA-256, a 64-character secret",
    "RS256": "RSASSA-PKCS1-v1_5 SHA-256, 2048-bit RSA",
    "ES256": "ECDSA P-256 SHA-256",
    "EdDSA": "Ed25519",
}
FORM_NAMES = {
    PREPARED: "key parsed once and held across calls",
    PEM: "PEM string passed on every call",
    SECRET: "secret string passed on every call",
}
OPERATION_NAMES = {
    ENCODE: "encode (sign)",
    DECODE: "decode (verify; exp, aud and iss checked)",
}

Call = Callable[[], object]
Prepare = Callable[[str, str], object]  # (algorithm, PEM text) -> a parsed key


def make_claims(now: int) -> dict[str, Any]:
    """One access token's claims, issued at ``now``."""
    return {
        "sub": "user-4821",
        "name": "Mira Okafor",
        "iat": now,
        "exp": now + TOKEN_LIFETIME,
        "aud": AUDIENCE,
        "iss": ISSUER,
        "roles": ["editor", "viewer", "billing"],
    }


@dataclass(frozen=True)
class KeyMaterial:
    """The keys of one algorithm, as text: a private key in PKCS#8 PEM and its public half in
    SubjectPublicKeyInfo PEM, or (HS256) the HMAC secret for both."""

    alg: str
    signing: str
    verifying: str


@dataclass(frozen=True)
class Fixture:
    """What the contenders of one job share: the claims (also the expected result of every
    decode), the reference's token of them and the keys."""

    claims: dict[str, Any]
    token: str
    keys: KeyMaterial

    def key_text(self, op: str) -> str:
        return self.keys.signing if op == ENCODE else self.keys.verifying


@dataclass(frozen=True)
class Job:
    alg: str  # one of ALGORITHMS
    op: str  # one of OPERATIONS
    form: str  # one of KEY_FORMS, or SECRET for HS256

    @property
    def name(self) -> str:
        """Also the pytest-benchmark group: ``HS256-encode``, ``RS256-decode-prepared``..."""
        return (
            f"{self.alg}-{self.op}" if self.form == SECRET else f"{self.alg}-{self.op}-{self.form}"
        )

    def describe(self) -> str:
        """One line: ``encode (sign) ... 7 claims; Ed25519; key parsed once ...``."""
        claims = len(make_claims(0))
        return (
            f"{OPERATION_NAMES[self.op]} an access token of {claims} claims; "
            f"{ALGORITHM_NAMES[self.alg]}; {FORM_NAMES[self.form]}"
        )

    def requirement(self) -> str | None:
        """Why no contender can run this job here (its keys cannot be made), or None."""
        if self.alg == HMAC:
            return None
        missing = cryptography_missing()
        if missing is None:
            return None
        return f"the {self.alg} keys are made with cryptography; {missing}: {INSTALL}"

    def fixture(self) -> Fixture:
        """Fresh claims (issued now, valid for TOKEN_LIFETIME) and the reference's token of
        them; the keys are generated once."""
        keys = key_material(self.alg)
        claims = make_claims(int(time.time()))
        return Fixture(claims, reference().encode(claims, keys.signing, algorithm=self.alg), keys)


def build_jobs(algorithms: tuple[str, ...] = ALGORITHMS) -> list[Job]:
    """Per algorithm: encode, then decode, each in every key form of the algorithm."""
    return [
        Job(alg, op, form)
        for alg in algorithms
        for op in OPERATIONS
        for form in ((SECRET,) if alg == HMAC else KEY_FORMS)
    ]


# Keys: deterministic, from fixed seeds.

_SMALL_PRIMES = tuple(
    n for n in range(3, 2000, 2) if all(n % d for d in range(3, math.isqrt(n) + 1, 2))
)
_P256_ORDER = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551
_RSA_EXPONENT = 65537


_SERIALIZATION = "cryptography.hazmat.primitives.serialization"


@functools.cache
def cryptography_missing() -> str | None:
    """Why ``cryptography`` cannot be used, or None."""
    try:
        importlib.import_module(_SERIALIZATION)
    except ImportError as error:
        return not_importable("cryptography", _SERIALIZATION, error)
    return None


def _seed(label: str) -> bytes:
    return hashlib.sha256(f"covet-bench-jwt/{label}".encode()).digest()


def _probable_prime(n: int, rng: random.Random, rounds: int = 40) -> bool:
    """Trial division, then Miller-Rabin with ``rounds`` bases drawn from ``rng``."""
    for p in _SMALL_PRIMES:
        if n % p == 0:
            return n == p
    d, s = n - 1, 0
    while d % 2 == 0:
        d, s = d // 2, s + 1
    for _ in range(rounds):
        x = pow(rng.randrange(2, n - 1), d, n)
        if x in (1, n - 1):
            continue
        for _ in range(s - 1):
            x = pow(x, 2, n)
            if x == n - 1:
                break
        else:
            return False
    return True


def _rsa_prime(rng: random.Random, bits: int) -> int:
    """A prime of exactly ``bits`` bits, its top two bits set (so that the product of two has
    exactly twice as many), with ``p - 1`` coprime to the public exponent."""
    while True:
        candidate = rng.getrandbits(bits) | (0b11 << (bits - 2)) | 1
        if candidate % _RSA_EXPONENT != 1 and _probable_prime(candidate, rng):
            return candidate


def _rsa_key(bits: int) -> rsa.RSAPrivateKey:
    from cryptography.hazmat.primitives.asymmetric import rsa  # noqa: PLC0415 - optional

    rng = random.Random(_seed(f"rsa{bits}"))  # test keys: reproducible on purpose
    p = _rsa_prime(rng, bits // 2)
    q = _rsa_prime(rng, bits // 2)
    while q == p:
        q = _rsa_prime(rng, bits // 2)
    p, q = max(p, q), min(p, q)
    d = rsa.rsa_recover_private_exponent(_RSA_EXPONENT, p, q)
    public = rsa.RSAPublicNumbers(_RSA_EXPONENT, p * q)
    numbers = rsa.RSAPrivateNumbers(
        p, q, d, rsa.rsa_crt_dmp1(d, p), rsa.rsa_crt_dmq1(d, q), rsa.rsa_crt_iqmp(p, q), public
    )
    key = numbers.private_key()
    assert key.key_size == bits
    return key


def _private_key(alg: str) -> PrivateKeyTypes:
    from cryptography.hazmat.primitives.asymmetric import ec, ed25519  # noqa: PLC0415

    if alg == "RS256":
        return _rsa_key(2048)
    if alg == "ES256":
        scalar = int.from_bytes(_seed("p256"), "big") % (_P256_ORDER - 1) + 1
        return ec.derive_private_key(scalar, ec.SECP256R1())
    if alg == "EdDSA":
        return ed25519.Ed25519PrivateKey.from_private_bytes(_seed("ed25519"))
    msg = f"no asymmetric key for {alg}"
    raise ValueError(msg)


@functools.cache
def key_material(alg: str) -> KeyMaterial:
    """The keys of ``alg`` (generated on first use, then cached for the process). The
    asymmetric ones need ``cryptography``."""
    if alg == HMAC:
        secret = _seed("hs256").hex()  # 64 characters: over PyJWT's 32-byte minimum
        return KeyMaterial(alg, secret, secret)
    from cryptography.hazmat.primitives import serialization  # noqa: PLC0415 - optional

    private = _private_key(alg)
    signing = private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    verifying = private.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return KeyMaterial(alg, signing.decode(), verifying.decode())


# The reference.


@dataclass(frozen=True)
class Reference:
    """What makes the token every decode reads and judges every token an encode returns
    (PyJWT's ``encode``, ``decode``, ``get_unverified_header`` and base error)."""

    name: str
    encode: Callable[..., str]
    decode: Callable[..., dict[str, Any]]
    get_unverified_header: Callable[[str], dict[str, Any]]
    error: type[Exception]


@functools.cache
def reference() -> Reference:
    """PyJWT, or covet's pure-Python twin when PyJWT is not installed (so that HS256, which
    needs neither PyJWT nor cryptography in covet, is still checked). Raises when the twin
    is the reference and cannot be imported."""
    try:
        import jwt  # noqa: PLC0415 - optional peer
    except ImportError:
        twin = importlib.import_module("covet_rust_core.fallback")
        errors = importlib.import_module("covet_rust_core._jwt_errors")
        return Reference(
            FALLBACK,
            twin.jwt.encode,
            twin.jwt.decode,
            twin.jwt.get_unverified_header,
            errors.PyJWTError,
        )
    return Reference(PYJWT, jwt.encode, jwt.decode, jwt.get_unverified_header, jwt.PyJWTError)


# Contenders.


@dataclass(frozen=True)
class Library:
    """One contender: its ``encode(payload, key, algorithm=)`` and ``decode(token, key,
    algorithms=, audience=, issuer=)`` (PyJWT's shape, which all four share) and how it
    parses a PEM text into a key object held across calls, for signing and for verifying."""

    name: str
    encode: Callable[..., object] | None
    decode: Callable[..., object] | None
    signing_key: Prepare | None
    verifying_key: Prepare | None
    missing: dict[str, str] = field(default_factory=dict)  # op or key form -> why unavailable

    def unavailable(self, job: Job) -> str | None:
        """Why this library cannot run ``job``, or None."""
        return self.missing.get(job.op) or self.missing.get(job.form)

    def bind(self, job: Job, fixture: Fixture) -> Call:
        """A zero-argument call doing ``job`` (keys of the prepared form parsed here, once).
        Raises what the library raises while preparing the key."""
        if self.unavailable(job) is not None:
            msg = f"{self.name} cannot run {job.name}: {self.unavailable(job)}"
            raise LookupError(msg)
        key: object = fixture.key_text(job.op)
        if job.op == ENCODE:
            assert self.encode is not None
            if job.form == PREPARED:
                assert self.signing_key is not None
                key = self.signing_key(job.alg, fixture.keys.signing)
            return functools.partial(self.encode, fixture.claims, key, algorithm=job.alg)
        assert self.decode is not None
        if job.form == PREPARED:
            assert self.verifying_key is not None
            key = self.verifying_key(job.alg, fixture.keys.verifying)
        return functools.partial(
            self.decode,
            fixture.token,
            key,
            algorithms=[job.alg],
            audience=AUDIENCE,
            issuer=ISSUER,
        )


def _pyjwt_signing_key(alg: str, pem: str) -> object:
    from cryptography.hazmat.primitives import serialization  # noqa: PLC0415 - optional

    del alg
    return serialization.load_pem_private_key(pem.encode(), password=None)


def _pyjwt_verifying_key(alg: str, pem: str) -> object:
    from cryptography.hazmat.primitives import serialization  # noqa: PLC0415 - optional

    del alg
    return serialization.load_pem_public_key(pem.encode())


def pyjwt_library() -> Library | str:
    """PyJWT, or why it is unavailable; prepared keys are ``cryptography`` key objects,
    loaded once."""
    try:
        import jwt  # noqa: PLC0415 - optional peer
    except ImportError as error:
        return (
            f"{not_importable('PyJWT', 'jwt', error)}: {INSTALL}; covet's pure-Python twin "
            "makes and checks the tokens instead"
        )
    return Library(PYJWT, jwt.encode, jwt.decode, _pyjwt_signing_key, _pyjwt_verifying_key)


_OXYJWT_PEM_LOADERS = {"RS256": "from_rsa_pem", "ES256": "from_ec_pem", "EdDSA": "from_ed_pem"}


def oxyjwt_library() -> Library | str:
    """oxyjwt, or why it is unavailable. Its raw ``str``/``bytes`` keys are HMAC secrets only
    (a PEM string for RS256 is refused with InvalidKeyError), so the ``pem`` form of the
    asymmetric algorithms is reported as unavailable."""
    try:
        import oxyjwt  # noqa: PLC0415 - optional peer
    except ImportError as error:
        return f"{not_importable('oxyjwt', 'oxyjwt', error)}: {INSTALL}"

    def signing_key(alg: str, pem: str) -> object:
        return getattr(oxyjwt.EncodingKey, _OXYJWT_PEM_LOADERS[alg])(pem)

    def verifying_key(alg: str, pem: str) -> object:
        return getattr(oxyjwt.DecodingKey, _OXYJWT_PEM_LOADERS[alg])(pem)

    missing = {
        PEM: "oxyjwt takes str/bytes keys as HMAC secrets only; an asymmetric key must be an "
        "EncodingKey/DecodingKey (the prepared form)"
    }
    return Library(OXYJWT, oxyjwt.encode, oxyjwt.decode, signing_key, verifying_key, missing)


def _covet_module(name: str) -> ModuleType | str:
    """The module holding the covet JWT functions (``_native.jwt`` or the twin's
    ``fallback.jwt``), or why the extension cannot be imported. Raises when the twin cannot
    be imported (reported as an error, not unavailable)."""
    if name == NATIVE:
        native = native_module()
        return native if isinstance(native, str) else native.jwt
    return importlib.import_module("covet_rust_core.fallback.jwt")


def _broken_library(name: str, error: Exception) -> Library:
    """A library whose every job raises ``error``'s description: an error, counted."""
    why = f"{name} cannot be imported: {type(error).__name__}: {error}"

    def fail(*args: object, **kwargs: object) -> object:
        del args, kwargs
        raise RuntimeError(why)

    return Library(name, fail, fail, fail, fail)


def covet_library(name: str) -> Library | str:
    """covet native or fallback with the JWT functions it has (``encode``, ``decode``,
    ``Key``), or why it has none."""
    try:
        module = _covet_module(name)
    except Exception as error:  # the twin exists and is broken: every job errors
        return _broken_library(name, error)
    if isinstance(module, str):
        return module
    names = ("encode", "decode", "Key")
    encode, decode, key_class = (getattr(module, attribute, None) for attribute in names)
    from_pem = getattr(key_class, "from_pem", None)
    missing: dict[str, str] = {}
    if not callable(encode):
        missing[ENCODE] = f"{module.__name__} has no {names[0]}()"
    if not callable(decode):
        missing[DECODE] = f"{module.__name__} has no {names[1]}()"
    if not callable(from_pem):
        missing[PREPARED] = f"{module.__name__} has no {names[2]}.from_pem()"
    if ENCODE in missing and DECODE in missing:
        return f"{module.__name__} has no JWT functions yet ({names[0]}, {names[1]})"

    def parse(alg: str, pem: str) -> object:
        del alg
        assert callable(from_pem)
        return from_pem(pem)

    return Library(
        name,
        encode if callable(encode) else None,
        decode if callable(decode) else None,
        parse,
        parse,
        missing,
    )


@functools.cache
def resolve(slug: str) -> Library | str:
    """The library behind a slug of LIBRARIES, or why it is unavailable (a message)."""
    name = LIBRARIES[slug]
    if name == PYJWT:
        return pyjwt_library()
    if name == OXYJWT:
        return oxyjwt_library()
    return covet_library(name)


def check(job: Job, output: object, fixture: Fixture) -> str | None:
    """None if ``output`` is a right answer for ``job``, else what is wrong with it.

    decode: a dict equal to the claims. encode: a ``str`` token whose header names the job's
    algorithm and that the reference (PyJWT) decodes (signature, audience, issuer and times
    verified with the public key) to the same claims. Tokens are not compared byte for byte:
    header key order differs between libraries and ECDSA signatures are randomized.
    """
    if job.op == DECODE:
        if not isinstance(output, dict):
            return f"decode returned {type(output).__name__}, expected dict"
        return None if output == fixture.claims else f"decode returned other claims: {output!r}"
    if not isinstance(output, str):
        return f"encode returned {type(output).__name__}, expected str"
    judge = reference()
    try:
        header = judge.get_unverified_header(output)
        claims = judge.decode(
            output,
            fixture.keys.verifying,
            algorithms=[job.alg],
            audience=AUDIENCE,
            issuer=ISSUER,
        )
    except judge.error as error:
        return f"{judge.name} refuses the token: {type(error).__name__}: {error}"
    if header.get("alg") != job.alg:
        return f"the token's header names alg {header.get('alg')!r}, not {job.alg!r}"
    return None if claims == fixture.claims else f"{judge.name} decodes other claims: {claims!r}"


def contender(library: Library | str, name: str, job: Job, fixture: Fixture) -> Contender:
    """``library`` (or why it is unavailable) doing ``job``: bound, run once and checked."""
    kind = KINDS[name]
    if isinstance(library, str):
        return Contender(name, None, kind, unavailable=library)
    reason = library.unavailable(job)
    if reason is not None:
        return Contender(name, None, kind, unavailable=reason)
    try:
        call = library.bind(job, fixture)
        output = call()
    except Exception as error:
        return Contender(name, None, kind, error=f"ERROR: {type(error).__name__}: {error}")
    mismatch = check(job, output, fixture)
    if mismatch is not None:
        return Contender(name, None, kind, error=f"MISMATCH: {mismatch}")
    return Contender(name, call, kind)


def contenders(job: Job) -> list[Contender]:
    """Every contender of ``job`` in table order, each ready to time, unavailable (with the
    reason) or failed (with the error)."""
    libraries = {name: resolve(slug) for slug, name in LIBRARIES.items()}
    requirement = job.requirement()
    if requirement is not None:
        return [Contender(name, None, KINDS[name], unavailable=requirement) for name in libraries]
    try:
        fixture = job.fixture()
    except Exception as error:  # nothing can be checked: every contender that could run fails
        why = f"ERROR: the reference token cannot be made: {type(error).__name__}: {error}"
        return [
            Contender(name, None, KINDS[name], unavailable=library)
            if isinstance(library, str)
            else Contender(name, None, KINDS[name], error=why)
            for name, library in libraries.items()
        ]
    return [contender(library, name, job, fixture) for name, library in libraries.items()]


def workloads(options: Options) -> list[Workload]:
    """The bench command's JWT workloads: per algorithm, encode then decode; HS256 with the
    secret string, the others with a key parsed once (``RS256-decode``...)."""
    del options  # every job is one small token: --quick has nothing to drop
    jobs = [job for job in build_jobs() if job.form in (SECRET, PREPARED)]
    return [
        Workload(
            domain=DOMAIN,
            name=f"{job.alg}-{job.op}",
            description=job.describe(),
            nbytes=None,  # per-call cost of one token: bytes per second mean nothing here
            baseline=PYJWT,
            prepare=functools.partial(contenders, job),
        )
        for job in jobs
    ]
