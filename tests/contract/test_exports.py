"""Both implementations side by side: the harness every domain's tests build on."""

from __future__ import annotations

import importlib
import importlib.metadata
import inspect
import re
from pathlib import Path
from types import ModuleType

import covet_rust_core
import pytest
from covet_rust_core._backend import DOMAINS

from tests.support import implementations

REPO_ROOT = Path(__file__).resolve().parents[2]


def public_names(module: ModuleType) -> set[str]:
    return {name for name in vars(module) if not name.startswith("_")}


def comparable(signature: inspect.Signature) -> list[tuple[str, object, object]]:
    """A signature as its parameters' names, kinds and defaults. The native side's text
    signatures carry no annotations; the twin's are strings (``from __future__ import
    annotations``): the types are the stubs' business (stubtest). A method's ``self`` is
    positional-only on the native side and need not be on the twin's: no caller names it."""
    return [
        (p.name, None if (i, p.name) == (0, "self") else p.kind, p.default)
        for i, p in enumerate(signature.parameters.values())
    ]


def signature_of(value: object) -> list[tuple[str, object, object]] | str:
    try:
        return comparable(inspect.signature(value))  # type: ignore[arg-type]
    except ValueError as error:  # a builtin without a text signature
        return f"no signature: {error}"


def members(cls: type) -> dict[str, object]:
    """A class's public attributes: methods, properties, constants."""
    return {name: getattr(cls, name) for name in dir(cls) if not name.startswith("_")}


def test_each_implementation_has_the_package_version(impl: ModuleType) -> None:
    assert impl.__version__ == covet_rust_core.__version__


def test_each_implementation_has_one_module_per_domain(impl: ModuleType) -> None:
    for domain in DOMAINS:
        module = importlib.import_module(f"{impl.__name__}.{domain}")
        assert getattr(impl, domain) is module
        assert module.__name__ == f"{impl.__name__}.{domain}"
    submodules = {
        name
        for name in public_names(impl)
        if name.isidentifier() and isinstance(getattr(impl, name), ModuleType)
    }
    assert submodules == set(DOMAINS)


@pytest.mark.parametrize("domain", DOMAINS)
def test_native_and_twin_export_the_same_names_and_signatures(domain: str) -> None:
    """Per domain, ``_native.<domain>`` and ``fallback.<domain>`` export the same public names,
    every callable with the same parameters (names, kinds, defaults), every class the same
    public members with the same signatures, every constant the same value. With this, a
    public name is written in the core, the binding, the twin and one stub, and this test
    (with stubtest for the stub) checks they agree."""
    native = getattr(implementations.native(), domain)
    twin = getattr(implementations.twin(), domain)
    assert sorted(native.__all__) == sorted(twin.__all__)
    assert public_names(native) == set(native.__all__)
    for name in twin.__all__:
        ours, theirs = getattr(native, name), getattr(twin, name)
        if isinstance(theirs, type) and issubclass(theirs, BaseException):
            assert ours is theirs, name  # one exception class, shared by both
        elif isinstance(theirs, type):
            assert isinstance(ours, type), name
            if getattr(ours, "__text_signature__", None) is not None:
                assert signature_of(ours) == signature_of(theirs), name
            else:  # no constructor: both refuse, in the same words
                refusals = []
                for cls in (ours, theirs):
                    with pytest.raises(TypeError) as refused:
                        cls()
                    refusals.append(str(refused.value))
                assert refusals[0] == refusals[1], name
            our_members, their_members = members(ours), members(theirs)
            assert sorted(our_members) == sorted(their_members), name
            for member, value in their_members.items():
                if callable(value):
                    assert signature_of(our_members[member]) == signature_of(value), (
                        f"{name}.{member}"
                    )
                elif not isinstance(value, property):
                    assert our_members[member] == value, f"{name}.{member}"
        elif callable(theirs):
            assert callable(ours), name
            assert signature_of(ours) == signature_of(theirs), name
        else:
            assert ours == theirs, name


def test_the_public_modules_export_the_domains() -> None:
    """``covet_rust_core.<domain>`` re-exports the chosen implementation's names (strings
    adds ``escape_markup``, aio ``BACKEND`` and the coroutine wrapper's names are the same;
    the JWKS clients are Python over either implementation: jwt adds ``PyJWKClient`` and its
    names, aio ``JWKSClient``)."""
    extra = {
        "strings": {"escape_markup"},
        "aio": {"BACKEND", "JWKSClient"},
        "jwt": {"PyJWKClient", "PyJWKClientConnectionError", "PyJWKClientError", "SigningKey"},
    }
    for domain in DOMAINS:
        public = importlib.import_module(f"covet_rust_core.{domain}")
        twin = getattr(implementations.twin(), domain)
        assert set(public.__all__) == set(twin.__all__) | extra.get(domain, set()), domain


def test_versions_agree_everywhere() -> None:
    cargo = (REPO_ROOT / "Cargo.toml").read_text()
    pyproject = (REPO_ROOT / "pyproject.toml").read_text()
    version_line = re.compile(r'^version = "([^"]+)"$', re.MULTILINE)
    cargo_version = version_line.search(cargo)
    pyproject_version = version_line.search(pyproject)
    assert cargo_version is not None
    assert pyproject_version is not None
    expected = covet_rust_core.__version__
    assert cargo_version.group(1) == expected
    assert pyproject_version.group(1) == expected
    assert importlib.metadata.version("covet_rust_core") == expected


def test_native_info_reports_the_build() -> None:
    native = implementations.native()
    info = native.native_info()
    assert info["version"] == covet_rust_core.__version__
    assert info["profile"] in {"release", "debug"}
    # The profile's own name: dev for every debug build; release, quick-release, ... else.
    assert info["cargo_profile"]
    assert (info["cargo_profile"] == "dev") == (info["profile"] == "debug")
    assert info["is_debug_build"] == (info["profile"] == "debug" or info["opt_level"] == "0")
    assert info["rustc"].startswith("rustc 1.")
    assert info["pyo3"].startswith("0.30.")
    assert "3." in info["python_abi"]
    assert native.build_profile == info["profile"]
    assert all(isinstance(feature, str) for feature in info["cpu_features"])
    assert info["json_simd"] in info["json_simd_levels"]
    assert info["json_simd_levels"][0] == "portable"
