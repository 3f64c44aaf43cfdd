"""The pytest plugin: header line, --covet-require-native, and the covet_impl fixture."""

from __future__ import annotations

import covet_rust_core
import pytest

PASSING_TEST = """
def test_both(covet_impl):
    assert covet_impl.__version__
    assert covet_impl.json.loads(covet_impl.json.dumps({"a": [1]})) == {"a": [1]}
    assert covet_impl.jwt.decode(
        covet_impl.jwt.encode({"sub": "1"}, "k" * 32), "k" * 32, algorithms=["HS256"]
    ) == {"sub": "1"}
"""


def test_header_names_the_active_backend(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(PASSING_TEST)
    result = pytester.runpytest_subprocess()
    result.assert_outcomes(passed=2)
    result.stdout.fnmatch_lines([f"covet_rust_core: backend={covet_rust_core.BACKEND} (*)"])


def test_covet_impl_runs_native_and_twin(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(PASSING_TEST)
    result = pytester.runpytest_subprocess("-v")
    result.stdout.fnmatch_lines(["*test_both?native? PASSED*", "*test_both?twin? PASSED*"])


@pytest.mark.parametrize("how", ["option", "env"])
def test_require_native_fails_the_session_on_fallback(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, how: str
) -> None:
    pytester.makepyfile(PASSING_TEST)
    monkeypatch.setenv("COVET_RUST_CORE_BACKEND", "fallback")
    if how == "env":
        monkeypatch.setenv("COVET_RUST_CORE_REQUIRE_NATIVE", "1")
        result = pytester.runpytest_subprocess()
    else:
        monkeypatch.delenv("COVET_RUST_CORE_REQUIRE_NATIVE", raising=False)
        result = pytester.runpytest_subprocess("--covet-require-native")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*the native backend is required*fallback backend is active*"])
    assert "passed" not in result.stdout.str()


def test_require_native_passes_when_native_is_active(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytester.makepyfile(PASSING_TEST)
    monkeypatch.setenv("COVET_RUST_CORE_BACKEND", "native")
    result = pytester.runpytest_subprocess("--covet-require-native")
    result.assert_outcomes(passed=2)
    result.stdout.fnmatch_lines(["covet_rust_core: backend=native (*)"])
