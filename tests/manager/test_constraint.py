"""Constraint parsing and node matching (``constraint.go``; docs/behaviour.md#constraints)."""

from __future__ import annotations

import pytest

from swarmsim.api.enums import NodeRole
from swarmsim.api.objects import Node
from swarmsim.api.specs import make_labels
from swarmsim.manager.constraint import (
    Constraint,
    Operator,
    compile_constraints,
    node_matches,
    parse_constraints,
    placement_matches,
)


def make_node(**kwargs: object) -> Node:
    defaults: dict[str, object] = {
        "id": "abcdefghijklmnopqrstuvwxy",
        "hostname": "worker-1",
        "labels": make_labels({"zone": "east", "Disk": "SSD"}),
        "engine_labels": make_labels({"storage": "fast"}),
        "addr": "10.0.1.7",
    }
    defaults.update(kwargs)
    return Node(**defaults)  # type: ignore[arg-type]


def matches(expr: str, node: Node | None = None) -> bool:
    return node_matches(parse_constraints([expr]), node or make_node())


# ------------------------------------------------------------------ parsing
def test_parse_equal_and_not_equal() -> None:
    parsed = parse_constraints(["node.role == manager", "node.labels.zone!=east"])
    assert parsed == [
        Constraint("node.role", Operator.EQ, "manager"),
        Constraint("node.labels.zone", Operator.NOTEQ, "east"),
    ]


def test_equal_operator_is_searched_first() -> None:
    # "a!==b" contains "==": split there, so the key is "a!" which is invalid
    with pytest.raises(ValueError, match=r"^key 'a!' is invalid$"):
        parse_constraints(["a!==b"])


@pytest.mark.parametrize(
    ("expr", "message"),
    [
        ("node.role", "constraint expected one operator from ==, !="),
        ("node.role=manager", "constraint expected one operator from ==, !="),
        ("==manager", "key '' is invalid"),
        ("x==manager", "key 'x' is invalid"),  # at least two characters
        ("1node==manager", "key '1node' is invalid"),
        ("node role==manager", "key 'node role' is invalid"),
        ("node.role==", "value '' is invalid"),
        ("node.role==a,b", "value 'a,b' is invalid"),
        ("node.role==a=b", "value 'a=b' is invalid"),
        ("node.labels.k==é", "value 'é' is invalid"),
    ],
)
def test_parse_errors_use_swarmkit_texts(expr: str, message: str) -> None:
    with pytest.raises(ValueError) as info:
        parse_constraints([expr])
    assert str(info.value) == message


def test_values_may_hold_special_characters() -> None:
    parsed = parse_constraints(["node.labels.x == a:b-c_d e.f*(g)?+[h]\\^$|/i"])
    assert parsed[0].exp == "a:b-c_d e.f*(g)?+[h]\\^$|/i"


def test_surrounding_whitespace_is_trimmed() -> None:
    assert parse_constraints(["  node.hostname  ==  worker-1 \n"])[0].exp == "worker-1"


def test_compile_constraints_is_cached() -> None:
    exprs = ("node.labels.zone==east", "node.role==worker")
    assert compile_constraints(exprs) is compile_constraints(exprs)


def test_empty_list_matches_everything() -> None:
    assert node_matches(parse_constraints([]), make_node())


# ----------------------------------------------------------------- matching
def test_value_comparison_is_case_insensitive_and_exact() -> None:
    assert matches("node.labels.zone==EAST")
    assert not matches("node.labels.zone==eas")
    assert not matches("node.labels.zone==ea*")  # no globbing


def test_label_key_is_case_sensitive_but_prefix_is_not() -> None:
    assert matches("NODE.LABELS.Disk==ssd")
    assert not matches("node.labels.disk==ssd")  # no label "disk": it is ""
    assert matches("node.labels.disk!=ssd")


def test_missing_label_is_the_empty_string() -> None:
    unlabeled = make_node(labels=())
    assert matches("node.labels.zone!=east", unlabeled)
    assert not matches("node.labels.zone==east", unlabeled)


def test_unknown_key_never_matches() -> None:
    assert not matches("node.name==worker-1")
    assert not matches("node.name!=worker-1")
    assert not matches("node.labels.==x")  # prefix without a key


def test_node_id_and_hostname() -> None:
    node = make_node()
    assert matches(f"node.id=={node.id}", node)
    assert matches("node.hostname==Worker-1", node)
    assert not matches("node.hostname!=worker-1", node)


def test_node_role_compares_with_worker_and_manager() -> None:
    manager = make_node(role=NodeRole.MANAGER)
    assert matches("node.role==manager", manager)
    assert matches("node.role==MANAGER", manager)
    assert matches("node.role!=worker", manager)
    assert matches("node.role==worker")


def test_platform_os_and_arch() -> None:
    assert matches("node.platform.os==linux")
    assert matches("node.platform.arch==x86_64")
    assert not matches("node.platform.arch==amd64")  # no normalisation in constraints
    assert matches("node.platform.os==windows", make_node(os="windows"))


def test_engine_labels() -> None:
    assert matches("engine.labels.storage==FAST")
    assert matches("engine.labels.other!=x")
    assert not matches("engine.labels.other==x")


def test_node_ip_address_and_cidr() -> None:
    assert matches("node.ip==10.0.1.7")
    assert not matches("node.ip!=10.0.1.7")
    assert matches("node.ip==10.0.1.0/24")
    assert matches("node.ip==10.0.1.9/24")  # host bits allowed, as Go's ParseCIDR
    assert not matches("node.ip==10.0.2.0/24")
    assert matches("node.ip!=10.0.2.0/24")
    assert matches("node.ip==::ffff:10.0.1.7")  # IPv4-mapped equals IPv4


def test_node_ip_ipv6() -> None:
    node = make_node(addr="2001:db8::2")
    assert matches("node.ip==2001:db8::2", node)
    assert matches("node.ip==2001:DB8::/32", node)
    assert not matches("node.ip==10.0.0.0/8", node)


def test_node_ip_malformed_value_never_matches() -> None:
    assert not matches("node.ip==10.0.1")
    assert not matches("node.ip!=10.0.1")
    assert not matches("node.ip==10.0.1.0/33")


def test_node_ip_without_address() -> None:
    node = make_node(addr="")
    assert not matches("node.ip==10.0.1.7", node)
    assert matches("node.ip!=10.0.1.7", node)
    assert matches("node.ip!=10.0.0.0/8", node)


def test_all_constraints_must_match() -> None:
    node = make_node()
    assert node_matches(parse_constraints(["node.labels.zone==east", "node.role==worker"]), node)
    assert not node_matches(
        parse_constraints(["node.labels.zone==east", "node.role==manager"]), node
    )


# ------------------------------------------------------- service placement
def test_placement_matches_like_the_orchestrators() -> None:
    node = make_node()
    assert placement_matches((), node)
    assert placement_matches(("node.labels.zone==EAST", "node.role==worker"), node)
    assert not placement_matches(("node.labels.zone==east", "node.role==manager"), node)
    # swarmkit's orchestrators ignore constraint.Parse's error: nothing to enforce
    assert placement_matches(("node.labels.zone",), node)
