"""The package-level API follows the detector's choice: ``covet_rust_core``'s names and its
``json``/``jwt``/``hashing``/``strings``/``aio`` modules are the implementation that
``import covet_rust_core`` picked (native, or the twin when COVET_RUST_CORE_BACKEND=fallback
forces it), and ``native_info``/``require_native`` say so.

Every other test calls both implementations directly (the ``impl`` fixture), so this file and
the rest of tests/detector/ are what a run under ``COVET_RUST_CORE_BACKEND=fallback`` adds."""

from __future__ import annotations

import asyncio
import importlib

import blake3 as blake3_package
import covet_rust_core
import pytest
import xxhash
from covet_rust_core import hashing, strings

from tests.support.aio_backend import aio_module
from tests.support.implementations import native, twin
from tests.support.public_api import AIO_NAMES


def test_public_api_reports_the_selected_backend() -> None:
    info = covet_rust_core.native_info()
    assert info["backend"] == covet_rust_core.BACKEND
    assert info["package_version"] == covet_rust_core.__version__
    if covet_rust_core.BACKEND == "native":
        assert info["diagnosis"] is None
        covet_rust_core.require_native()
    else:
        assert isinstance(info["diagnosis"], str)
        assert info["diagnosis"]
        with pytest.raises(covet_rust_core.NativeUnavailableError) as caught:
            covet_rust_core.require_native()
        assert caught.value.diagnosis == info["diagnosis"]
        assert isinstance(caught.value, ImportError)


def test_package_root_exports_the_json_api() -> None:
    package = importlib.import_module("covet_rust_core")
    from covet_rust_core import _json_errors

    assert package.JSONDecodeError is _json_errors.JSONDecodeError
    assert package.JSONEncodeError is _json_errors.JSONEncodeError
    implementation = importlib.import_module(
        "covet_rust_core._native"
        if covet_rust_core.BACKEND == "native"
        else "covet_rust_core.fallback"
    )
    for name in ("dumps", "dumps_str", "loads"):
        assert getattr(package, name) is getattr(implementation.json, name), name
    assert package.loads(package.dumps({"a": [1]})) == {"a": [1]}


def test_public_hashing_module_uses_the_selected_backend() -> None:
    expected = "covet_rust_core._native.hashing" if covet_rust_core.BACKEND == "native" else None
    module = hashing.blake3.__module__
    if expected:
        assert module == expected
    else:
        assert module == "covet_rust_core.fallback.hashing"
    assert hashing.blake3_digest(b"abc") == blake3_package.blake3(b"abc").digest()
    assert hashing.xxh3_64(b"abc") == xxhash.xxh3_64_intdigest(b"abc")


def test_public_aio_module_uses_the_detected_backend() -> None:
    from covet_rust_core import aio

    assert aio.BACKEND == covet_rust_core.BACKEND
    twin = importlib.import_module("covet_rust_core.fallback.aio")
    expected = aio_module(native()) if aio.BACKEND == "native" else twin
    for name in AIO_NAMES:
        assert getattr(aio, name) is getattr(expected, name), name
    # JWKSClient is Python over whichever backend runs (covet_rust_core._jwks).
    assert sorted(aio.__all__) == sorted(["BACKEND", "JWKSClient", *AIO_NAMES])
    assert asyncio.run(aio.blake3_hexdigest(b"abc"))[:16] == "6437b3ac38465133"


def test_the_public_api_is_one_of_the_two() -> None:
    """The tests call the two implementations directly; the public names are one of them."""
    from covet_rust_core import jwt

    backend = native() if covet_rust_core.BACKEND == "native" else twin()
    assert covet_rust_core.loads is backend.json.loads
    assert covet_rust_core.dumps_str is backend.json.dumps_str
    assert jwt.decode is backend.jwt.decode
    assert hashing.blake3_file is backend.hashing.blake3_file
    assert strings.slugify is backend.strings.slugify
