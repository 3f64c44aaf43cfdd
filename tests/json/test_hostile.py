"""JSON against Python code that hands back what it should not, on both backends (issue 18).

One section per class of defect; each example of the issue is a regression test here:

1. what Python code returns (``isoformat``, a Decimal's ``__str__``, a UUID's value, an
   Enum's value) is checked, or not consulted at all, before its memory is read: heap bytes
   never reach the output;
2. every unwrapping loop (Enum values, ``default`` chains, in values and keys) is bounded;
3. subclasses of supported types are written by the base type's own behaviour: a subclass
   cannot inject text, and NaN or Infinity never appear;
4. keys follow the value rules exactly (a lone surrogate is an error, never U+FFFD);
5. a dict changed by user code while it is read is CPython's RuntimeError, never a Rust
   panic (a BaseException that ``except Exception`` misses);
6. buffers that follow the input raise MemoryError under a memory limit instead of
   aborting the process;
8. small thread stacks with recursion through Python code;
10. private dataclass fields (a leading ``_``) are not written.
"""

from __future__ import annotations

import dataclasses
import datetime
import decimal
import enum
import json
import subprocess
import sys
import uuid
from types import ModuleType
from typing import Any

import pytest

from tests.support.memory_limit import outcome

DAY = datetime.date(2020, 1, 1)
MOMENT = datetime.datetime(2020, 1, 2, 3, 4, 5, 6)
NOON = datetime.time(12, 0)
UUID_ONE = "00000000-0000-0000-0000-000000000001"


def assert_valid_json(output: bytes) -> Any:
    """The output parses as JSON (strictly: no NaN/Infinity) and is returned parsed."""

    def refuse(name: str) -> Any:
        raise AssertionError(f"{name} in the output: {output!r:.200}")

    return json.loads(output, parse_constant=refuse)


# --------------------------------------------------- 1. what Python code returns is checked


class LyingDate(datetime.date):
    """``isoformat()`` returns whatever the test sets: bytes once sent heap bytes to the
    output, a huge list crashed the process."""

    result: Any = None

    def isoformat(self) -> Any:
        return type(self).result


@pytest.mark.parametrize(
    "result",
    [b"a" * 64, [None] * 1000, 12345, "not a date", "\udc80"],
    ids=["bytes", "list", "int", "str", "surrogate"],
)
def test_an_overridden_isoformat_is_not_consulted(impl: ModuleType, result: Any) -> None:
    LyingDate.result = result
    value = LyingDate(2020, 1, 1)
    assert impl.json.dumps([value]) == b'["2020-01-01"]'
    assert impl.json.dumps({"d": value}, sort_keys=True) == b'{"d":"2020-01-01"}'
    assert impl.json.dumps({value: 1}, non_str_keys=True) == b'{"2020-01-01":1}'


def test_the_heap_over_read_example_writes_the_date(impl: ModuleType) -> None:
    # The example: 16 bytes of heap past a bytes object used to land in the output.
    LyingDate.result = b"a" * 64
    output = impl.json.dumps([LyingDate(2020, 1, 1)])
    assert output == b'["2020-01-01"]'
    LyingDate.result = [None] * (2**20 + 0x60)
    assert impl.json.dumps([LyingDate(2020, 1, 1)]) == b'["2020-01-01"]'


def test_datetime_and_time_subclasses_use_the_base_isoformat(impl: ModuleType) -> None:
    class Moment(datetime.datetime):
        def isoformat(self, *args: Any, **kwargs: Any) -> Any:
            return b"\x00" * 32

    class Noon(datetime.time):
        def isoformat(self, *args: Any, **kwargs: Any) -> Any:
            return 0

    moment = Moment(2020, 1, 2, 3, 4, 5, 6, tzinfo=datetime.UTC)
    assert impl.json.dumps([moment, Noon(12)]) == (
        b'["2020-01-02T03:04:05.000006+00:00","12:00:00"]'
    )


class BadOffset(datetime.tzinfo):
    """A tzinfo whose ``utcoffset`` returns something that is not a timedelta."""

    def utcoffset(self, dt: datetime.datetime | None) -> Any:
        return "+01:00"

    def dst(self, dt: datetime.datetime | None) -> Any:
        return None

    def tzname(self, dt: datetime.datetime | None) -> str:
        return "bad"


def test_a_tzinfo_returning_a_wrong_type_is_a_type_error(impl: ModuleType) -> None:
    # The only user code a base isoformat runs: CPython checks what it returns.
    moment = datetime.datetime(2020, 1, 1, tzinfo=BadOffset())
    with pytest.raises(TypeError, match="utcoffset"):
        impl.json.dumps([moment])


def test_a_datetime_in_a_token_payload_is_the_base_isoformat(impl: ModuleType) -> None:
    # jwt.encode serialises its payload with dumps: a lying isoformat once put heap bytes
    # inside a signed token.
    LyingDate.result = b"a" * 64
    token = impl.jwt.encode({"day": LyingDate(2020, 1, 1)}, "k" * 32, algorithm="HS256")
    payload = impl.jwt.decode(token, "k" * 32, algorithms=["HS256"])
    assert payload == {"day": "2020-01-01"}


class SlotUuid(uuid.UUID):
    """A UUID whose slot is set to anything through object.__setattr__."""

    @classmethod
    def holding(cls, value: Any) -> SlotUuid:
        made = cls(int=1)
        object.__setattr__(made, "int", value)
        return made


@pytest.mark.parametrize(
    ("slot", "message"),
    [
        ("x", "UUID.int must be an int, not str at $[0]"),
        (b"abc", "UUID.int must be an int, not bytes at $[0]"),
        (-1, "UUID.int out of range at $[0]"),
        (1 << 128, "UUID.int out of range at $[0]"),
    ],
    ids=["str", "bytes", "negative", "too-big"],
)
def test_a_uuid_slot_holding_a_wrong_value_is_an_error(
    impl: ModuleType, slot: Any, message: str
) -> None:
    with pytest.raises(impl.json.JSONEncodeError) as caught:
        impl.json.dumps([SlotUuid.holding(slot)])
    assert str(caught.value) == message
    # As a key, reported at the dict's path.
    with pytest.raises(impl.json.JSONEncodeError) as caught:
        impl.json.dumps({"k": {SlotUuid.holding(slot): 1}}, non_str_keys=True)
    assert str(caught.value) == message.replace("$[0]", '$["k"]')


def test_a_uuid_whose_slot_was_never_set_is_an_attribute_error(impl: ModuleType) -> None:
    class Unset(uuid.UUID):
        def __init__(self) -> None:
            pass

    with pytest.raises(AttributeError):
        impl.json.dumps([Unset()])


# -------------------------------------------------------- 2. unwrapping is always bounded


class SelfValued(enum.Enum):
    A = 1


vars(SelfValued.A)["_value_"] = SelfValued.A


class Ping(enum.Enum):
    A = 1


class Pong(enum.Enum):
    B = 2


vars(Ping.A)["_value_"] = Pong.B
vars(Pong.B)["_value_"] = Ping.A
ENUM_CHAIN = "Enum value unwrapped 32 times in a row without reaching a serializable value, at"


@pytest.mark.parametrize("member", [SelfValued.A, Ping.A], ids=["self", "mutual"])
@pytest.mark.parametrize("sort_keys", [False, True], ids=["insertion", "sorted"])
def test_an_enum_whose_value_never_ends_is_an_error(
    impl: ModuleType, member: Any, sort_keys: bool
) -> None:
    # The example never returned, on both backends.
    with pytest.raises(impl.json.JSONEncodeError) as caught:
        impl.json.dumps([member], sort_keys=sort_keys)
    assert str(caught.value) == f"{ENUM_CHAIN} $[0]"
    with pytest.raises(impl.json.JSONEncodeError) as caught:
        impl.json.dumps({"a": {member: 1}}, non_str_keys=True, sort_keys=sort_keys)
    assert str(caught.value) == f'{ENUM_CHAIN} $["a"]'
    # Reached through default, the count is the Enum's own.
    with pytest.raises(impl.json.JSONEncodeError) as caught:
        impl.json.dumps([object()], default=lambda _: member, sort_keys=sort_keys)
    assert str(caught.value) == f"{ENUM_CHAIN} $[0]"


def one_member_enum(name: str, value: Any) -> Any:
    """The one member (``M``) of a new Enum class ``name`` whose value is ``value``."""
    functional_api: Any = enum.Enum  # a class named at run time, which mypy cannot follow
    return functional_api(name, {"M": value}).M


def enum_chain(length: int) -> Any:
    """An Enum member whose value is an Enum member ... ``length`` members, then 7."""
    value: Any = 7
    for index in range(length):
        value = one_member_enum(f"Link{index}", value)
    return value


def test_the_enum_chain_limit(impl: ModuleType) -> None:
    for length in (31, 32):
        assert impl.json.dumps([enum_chain(length)]) == b"[7]"
        assert impl.json.dumps({enum_chain(length): 1}, non_str_keys=True) == b'{"7":1}'
    with pytest.raises(impl.json.JSONEncodeError) as caught:
        impl.json.dumps([enum_chain(33)])
    assert str(caught.value) == f"{ENUM_CHAIN} $[0]"


def test_default_and_enum_chains_are_counted_apart_and_both_end(impl: ModuleType) -> None:
    # default returns an Enum whose value needs default again: each step counts against its
    # own limit, so this ends with the default chain's error, after 32 calls.
    calls = []

    class Box:
        pass

    def default(obj: Any) -> Any:
        calls.append(obj)
        return one_member_enum("Wrap", Box())

    with pytest.raises(impl.json.JSONEncodeError) as caught:
        impl.json.dumps([Box()], default=default)
    assert str(caught.value).startswith("default() was called 32 times in a row")
    assert len(calls) == 32


# ------------------------------------------- 3. subclasses write as their base type writes


class Money(decimal.Decimal):
    def __str__(self) -> str:
        return '1,"admin":true'

    def __repr__(self) -> str:
        return "Money()"


class FiniteNaN(decimal.Decimal):
    """Claims to be finite: a NaN must still never be written as ``NaN``."""

    def is_finite(self) -> bool:
        return True

    def __str__(self) -> str:
        return "NaN"


def test_a_decimal_subclass_cannot_inject_json(impl: ModuleType) -> None:
    # The example: b'{"n":1,"admin":true}' on both backends.
    output = impl.json.dumps({"n": Money(1)})
    assert output == b'{"n":1}'
    assert assert_valid_json(output) == {"n": 1}
    assert impl.json.dumps({"n": Money("1.10")}, sort_keys=True, indent=1) == b'{\n "n": 1.10\n}'


def test_a_decimal_subclass_cannot_pass_a_nan_as_finite(impl: ModuleType) -> None:
    with pytest.raises(impl.json.JSONEncodeError) as caught:
        impl.json.dumps([FiniteNaN("NaN")])
    assert str(caught.value) == "Out of range float value NaN at $[0]"
    assert impl.json.dumps([FiniteNaN("-Infinity")], nan="null") == b"[null]"
    assert impl.json.dumps([FiniteNaN("2.50")]) == b"[2.50]"


PURE_DECIMAL_SCRIPT = """
import importlib, sys
sys.modules["_decimal"] = None  # the pure-Python decimal module, as some builds have only
import decimal
M = importlib.import_module(sys.argv[1])
assert decimal.Decimal.__module__ in ("decimal", "_pydecimal"), decimal.Decimal.__module__


class Lying(decimal.Decimal):
    # _pydecimal's __str__ reads its digits from an attribute: a subclass can replace it.
    def __getattribute__(self, name):
        if name == "_int":
            return '1,"admin":true'
        return super().__getattribute__(name)


for value in (Lying(5), decimal.Decimal("1.5")):
    try:
        print(M.json.dumps([value]))
    except Exception as error:
        print(type(error).__name__, error)
"""


def test_the_pure_python_decimal_cannot_inject_json_either(impl: ModuleType) -> None:
    # With the pure-Python decimal module, Decimal's own __str__ reads attributes a subclass
    # can replace: what it gives is checked to be a JSON number before it is written.
    done = subprocess.run(
        [sys.executable, "-c", PURE_DECIMAL_SCRIPT, impl.__name__],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        "JSONEncodeError Decimal text is not a JSON number at $[0]",
        "b'[1.5]'",
    ]


class LyingUuid(uuid.UUID):
    def __str__(self) -> str:
        return '","admin":true,"x":"'

    def __getattribute__(self, name: str) -> Any:
        # The slot is read through its descriptor, not through attribute lookup.
        if name == "int":
            return 5
        return super().__getattribute__(name)


class LyingInt(int):
    def __repr__(self) -> str:
        return "1e999"

    def __str__(self) -> str:
        return "NaN"


class LyingFloat(float):
    def __repr__(self) -> str:
        return "NaN"


class LyingStr(str):
    def __str__(self) -> str:
        return '","admin":true'


class LyingEnum(enum.Enum):
    A = 1

    @property
    def value(self) -> Any:
        return '"injected"'


class PosesAsStr:
    """An object whose ``__class__`` says ``str``: ``isinstance(x, str)`` believes it."""

    @property  # type: ignore[misc]
    def __class__(self) -> type:
        return str


def test_subclasses_write_as_their_base_type(impl: ModuleType) -> None:
    document = [
        LyingUuid(int=1),
        LyingInt(10**30),
        LyingFloat(1.5),
        LyingStr("plain"),
        LyingEnum.A,
    ]
    output = impl.json.dumps(document)
    assert output == b'["' + UUID_ONE.encode() + b'",1000000000000000000000000000000,1.5,"plain",1]'
    assert assert_valid_json(output)[4] == 1
    keys = {LyingUuid(int=1): 1, LyingInt(2): 2, LyingFloat(0.5): 3, LyingEnum.A: 4}
    assert impl.json.dumps(keys, non_str_keys=True) == (
        b'{"' + UUID_ONE.encode() + b'":1,"2":2,"0.5":3,"1":4}'
    )


def test_an_object_posing_as_str_is_not_a_str(impl: ModuleType) -> None:
    with pytest.raises(impl.json.JSONEncodeError) as caught:
        impl.json.dumps([PosesAsStr()])
    assert str(caught.value) == "Type is not JSON serializable: PosesAsStr at $[0]"
    assert impl.json.dumps([PosesAsStr()], default=lambda _: "d") == b'["d"]'
    with pytest.raises(TypeError, match="loads"):
        impl.json.loads(PosesAsStr())
    with pytest.raises(ValueError, match="nan must be"):
        impl.json.dumps(1, nan=PosesAsStr())


# ------------------------------------------------------ 4. keys follow the value rules


class SurrogateValue(enum.Enum):
    A = "\udc80"


class SurrogateUuid(uuid.UUID):
    def __str__(self) -> str:
        return "\udc80"


def test_a_key_with_a_lone_surrogate_is_an_error_never_a_replacement(
    impl: ModuleType,
) -> None:
    for sort_keys in (False, True):
        with pytest.raises(impl.json.JSONEncodeError) as caught:
            impl.json.dumps({SurrogateValue.A: 1}, non_str_keys=True, sort_keys=sort_keys)
        assert str(caught.value) == "str contains a lone surrogate at $"
    # The example: the UUID is written by its own value, not by its __str__.
    output = impl.json.dumps({SurrogateUuid(int=1): 1}, non_str_keys=True)
    assert output == b'{"' + UUID_ONE.encode() + b'":1}'


# ------------------------------------------ 5. containers changed while they are read


class Clearing(datetime.tzinfo):
    """A tzinfo whose ``utcoffset`` clears ``target`` (user code that runs while a dict is
    being written: a datetime's isoformat asks its tzinfo for the offset)."""

    def __init__(self, target: dict[Any, Any]) -> None:
        self.target = target

    def utcoffset(self, dt: datetime.datetime | None) -> datetime.timedelta:
        self.target.clear()
        return datetime.timedelta(0)

    def dst(self, dt: datetime.datetime | None) -> None:
        return None

    def tzname(self, dt: datetime.datetime | None) -> str:
        return "hook"


class Swapping(datetime.tzinfo):
    """Removes ``drop`` from ``target`` and adds a new key: the size stays, the keys change."""

    def __init__(self, target: dict[Any, Any], drop: Any) -> None:
        self.target, self.drop = target, drop

    def utcoffset(self, dt: datetime.datetime | None) -> datetime.timedelta:
        if self.drop in self.target:
            del self.target[self.drop]
            self.target["new"] = 0
        return datetime.timedelta(0)

    def dst(self, dt: datetime.datetime | None) -> None:
        return None

    def tzname(self, dt: datetime.datetime | None) -> str:
        return "hook"


def clearing_dict(as_key: bool) -> dict[Any, Any]:
    target: dict[Any, Any] = {}
    moment = datetime.datetime(2020, 1, 1, tzinfo=Clearing(target))
    if as_key:
        target.update({moment: 1, "zz": 2})
    else:
        target.update({"a": moment, "zz": 2})
    return target


@pytest.mark.parametrize("as_key", [False, True], ids=["value", "key"])
def test_a_dict_changed_while_it_is_written_live_is_a_runtime_error(
    impl: ModuleType, as_key: bool
) -> None:
    with pytest.raises(RuntimeError, match="dictionary changed size during iteration"):
        impl.json.dumps(clearing_dict(as_key), non_str_keys=True)


def test_a_dict_whose_keys_change_while_it_is_written_is_a_runtime_error(
    impl: ModuleType,
) -> None:
    target: dict[Any, Any] = {}
    target.update({"a": 1, "b": datetime.datetime(2020, 1, 1, tzinfo=Swapping(target, "a"))})
    with pytest.raises(RuntimeError, match="dictionary keys changed during iteration"):
        impl.json.dumps(target)


@pytest.mark.parametrize("as_key", [False, True], ids=["value", "key"])
def test_a_dict_copied_first_is_written_as_it_was(impl: ModuleType, as_key: bool) -> None:
    # The example (a key's conversion clearing the dict under sort_keys) used to be a
    # Rust panic: sorting and default read each dict's items first, so what user code then
    # does to the dict does not show.
    expected = b'{"2020-01-01T00:00:00+00:00":1,"zz":2}' if as_key else None
    for options in ({"sort_keys": True}, {"default": str}):
        output = impl.json.dumps(clearing_dict(as_key), non_str_keys=True, **options)
        if as_key:
            assert output == expected
        else:
            assert output == b'{"a":"2020-01-01T00:00:00+00:00","zz":2}'


def test_a_dataclass_property_that_changes_the_parent_is_a_runtime_error(
    impl: ModuleType,
) -> None:
    parent: dict[str, Any] = {}

    @dataclasses.dataclass
    class Record:
        name: str

        @property
        def extra(self) -> int:
            return 0

        def __getattribute__(self, name: str) -> Any:
            if name == "name":
                parent["added"] = 1
            return object.__getattribute__(self, name)

    parent["r"] = Record("x")
    with pytest.raises(RuntimeError, match="dictionary changed size during iteration"):
        impl.json.dumps(parent)


# --------------------------------------------------------- 6. buffers under a memory limit


# What the call may allocate on top of its input: far less than it needs.
HEADROOM = 64 << 20


@pytest.mark.parametrize(
    ("setup", "call"),
    [
        # The example, scaled: SIGABRT "memory allocation of N bytes failed" from the
        # parser's value stack.
        ('doc = b"[" + b"1," * (8 << 20) + b"1]"', "M.json.loads(doc)"),
        # One long string with escapes: the parser's unescaping buffer.
        ("doc = b'\"' + b'\\\\n' * (40 << 20) + b'\"'", "M.json.loads(doc)"),
        # dumps: the output, the copies sort_keys makes, an indent too wide to write.
        ('doc = ["x" * (1 << 20)] * 100', "M.json.dumps(doc)"),
        (
            "doc = dict.fromkeys(range(400_000))",
            "M.json.dumps(doc, non_str_keys=True, sort_keys=True, indent=100)",
        ),
        ("doc = [1, 2]", "M.json.dumps_str(doc, indent=1 << 40)"),
    ],
    ids=["loads-list", "loads-escapes", "dumps-output", "dumps-sorted", "dumps-indent"],
)
def test_memory_error_not_an_abort(impl: ModuleType, setup: str, call: str) -> None:
    snippet = f"report(lambda: {call})"
    assert outcome(impl, snippet, setup=setup, headroom=HEADROOM) == "MemoryError"


# --------------------------------------------------------------- 8. small thread stacks


SMALL_STACK_SCRIPT = """
import dataclasses, enum, importlib, sys, threading
M = importlib.import_module(sys.argv[1])


@dataclasses.dataclass
class Node:
    child: object


class Box:
    def __init__(self, inner):
        self.inner = inner


def nest(depth, make):
    value = 1
    for _ in range(depth):
        value = make(value)
    return value


results = []


# The deep values are made (and freed) on the main thread: freeing a chain of 1000 objects
# recurses in CPython itself, which on 3.13 overflows a small thread's stack whatever wrote
# them.
deep = nest(int(sys.argv[3]), Node)
boxes = nest(int(sys.argv[3]), Box)


def work():
    # Each level goes through Python code: a dataclass's fields, default, an Enum's value.
    results.append(M.json.dumps(nest(31, Node)) == b'{"child":' * 31 + b"1" + b"}" * 31)
    results.append(len(M.json.dumps(deep, sort_keys=True)))
    results.append(len(M.json.dumps(boxes, default=lambda box: [box.inner])))
    results.append(M.json.dumps([nest(32, lambda v: enum.Enum("E", {"M": v}).M)]))


# The first call imports what dumps looks up (uuid, decimal, ...): done here, on the main
# thread, since importing a module CPython has to compile needs more stack than a tiny thread
# has on 3.14 ("Parser stack overflowed").
M.json.dumps([Node(1)])
try:
    threading.stack_size(int(sys.argv[2]) * 1024)
except ValueError:  # 3.14 (Debian) refuses threads below 52 KiB
    print("too small for this interpreter")
    sys.exit(0)
thread = threading.Thread(target=work)
thread.start()
thread.join()
print(results)
"""


@pytest.mark.parametrize("stack_kib", [32, 56])
def test_recursion_through_python_code_on_a_small_thread_stack(
    impl: ModuleType, stack_kib: int
) -> None:
    # The example: 31 nested dataclasses crashed a 32 KiB thread. The native side
    # checks its stack at every level and before each call into Python. The twin writes
    # these iteratively, so it needs no deep stack for them either.
    depth = 1000
    done = subprocess.run(
        [sys.executable, "-c", SMALL_STACK_SCRIPT, impl.__name__, str(stack_kib), str(depth)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    if done.stdout.strip() == "too small for this interpreter":
        pytest.skip(f"this interpreter refuses {stack_kib} KiB thread stacks")
    assert done.stdout.strip() == f"[True, {10 * depth + 1}, {2 * depth + 1}, b'[1]']"


# -------------------------------------------------------- 10. private dataclass fields


@dataclasses.dataclass
class Account:
    name: str
    _password_hash: str
    __secret: int = 0
    role: str = "user"


@dataclasses.dataclass
class OnlyPrivate:
    _a: int = 1


def test_private_dataclass_fields_are_left_out(impl: ModuleType) -> None:
    account = Account("ann", "pbkdf2$...")
    assert impl.json.dumps(account) == b'{"name":"ann","role":"user"}'
    assert impl.json.dumps(account, sort_keys=True) == b'{"name":"ann","role":"user"}'
    assert impl.json.dumps([OnlyPrivate()]) == b"[{}]"
    assert impl.json.dumps({"a": account}, default=str) == b'{"a":{"name":"ann","role":"user"}}'


def test_a_dataclass_field_name_that_is_not_a_str_is_a_type_error(impl: ModuleType) -> None:
    @dataclasses.dataclass
    class Odd:
        x: int = 1

    field = Odd.__dataclass_fields__["x"]
    field.name = 5  # type: ignore[assignment]
    with pytest.raises(TypeError, match="dataclass field name must be str, not int"):
        impl.json.dumps(Odd())
