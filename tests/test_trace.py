"""The trace: what its records carry, commands in time order, and trace files."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from gc_helpers import collections_during
from viz.lessons import UPDATE_PAUSED, lesson

from swarmsim.errors import SwarmSimError
from swarmsim.metrics import replica_timeline, update_reports
from swarmsim.swarm import Swarm
from swarmsim.trace import COLUMNS, Trace, TraceFileError, TraceRecord, load


@pytest.fixture(scope="module")
def paused() -> Swarm:
    return lesson(UPDATE_PAUSED)


def test_service_records_name_the_image_and_node_records_the_role(paused: Swarm) -> None:
    images = [(r.spec_version, r.desired) for r in paused.trace if r.kind == "service"]
    assert images[0] == (0, "redis:3.0.6")
    assert (1, "redis:3.0.7") in images
    assert images[-1][1] == "redis:3.0.6"  # the rollback returns to the old image
    roles = {r.node: r.service for r in paused.trace if r.kind == "node"}
    assert roles == {"manager1": "manager", "worker1": "worker", "worker2": "worker"}


def test_a_command_recorded_late_goes_in_time_order() -> None:
    trace = Trace()
    seen: list[TraceRecord] = []
    trace.subscribe(seen.append)
    trace.command(1.0, "shell", "manager1", "sleep 1", 0)
    trace.command(5.0, "shell", "manager1", "sleep 1", 0)
    trace.command(3.0, "docker", "manager1", "docker service create nginx", 0)
    assert [r.time for r in trace] == [1.0, 3.0, 5.0]
    assert [r.time for r in seen] == [1.0, 5.0, 3.0]  # observers see it when it is recorded


def test_end_follows_the_clock_and_is_saved(paused: Swarm, tmp_path: Path) -> None:
    assert paused.trace.end == paused.now > paused.trace[-1].time
    paused.trace.save(tmp_path / "run.jsonl")
    assert load(tmp_path / "run.jsonl").end == paused.now
    assert Trace().end == 0.0


def test_a_saved_trace_loads_back_into_the_same_records(paused: Swarm, tmp_path: Path) -> None:
    path = tmp_path / "run.jsonl"
    paused.trace.save(path)
    loaded = load(path)
    assert list(loaded) == list(paused.trace)
    assert [type(r.time) for r in loaded] == [float] * len(loaded)
    assert loaded.to_dataframe().equals(paused.trace.to_dataframe())
    assert update_reports(loaded) == update_reports(paused.trace)
    assert replica_timeline(loaded, "redis") == replica_timeline(paused.trace, "redis")
    lines = path.read_text(encoding="utf-8").splitlines()
    assert len(lines) == len(paused.trace) + 1
    assert json.loads(lines[0])["format"] == "swarmsim-trace"


def test_identical_runs_give_byte_identical_files(paused: Swarm, tmp_path: Path) -> None:
    paused.trace.save(tmp_path / "a.jsonl")
    lesson(UPDATE_PAUSED).trace.save(tmp_path / "b.jsonl")
    assert (tmp_path / "a.jsonl").read_bytes() == (tmp_path / "b.jsonl").read_bytes()


HEADER = (
    '{"format":"swarmsim-trace","version":1,"end":5.0,"columns":["time","kind","event","id",'
    '"service","slot","node","state","desired","detail","spec_version"]}'
)
GOOD = '[1.5,"command","docker","","",0,"manager1","","","docker node ls",0]'


@pytest.mark.parametrize(
    ("text", "where", "message"),
    [
        ("", 1, "not a swarmsim trace: the file is empty"),
        ("[1]", 1, "not a swarmsim trace: the first line must be its header"),
        (HEADER.replace('"version":1', '"version":7'), 1, "trace format version 7"),
        (HEADER.replace('"end":5.0', '"end":"x"'), 1, "end must be a finite number"),
        (HEADER.replace('"time",', ""), 1, "the columns must be"),
        (f"{HEADER}\n{GOOD}\n{{oops", 3, "not valid JSON: Expecting property name"),
        (f"{HEADER}\n[1.5]", 2, "a record must be a list of 11 values"),
        (f"{HEADER}\n{GOOD.replace('1.5', 'true')}", 2, "time must be a finite number"),
        (f"{HEADER}\n{GOOD.replace(',0,', ',1.5,')}", 2, "slot must be an integer, not 1.5"),
        (f"{HEADER}\n{GOOD[:-2]}null]", 2, "spec_version must be an integer, not None"),
        (f"{HEADER}\n{GOOD.replace('docker node ls', '')}".replace('""', "7", 1), 2, "id must"),
        (f"{HEADER}\n{GOOD.replace('command', 'banana')}", 2, "unknown record kind 'banana'"),
        (f"{HEADER}\n{GOOD}\n{GOOD.replace('1.5', '1.0')}", 3, "time 1.0 goes back"),
    ],
)
def test_a_bad_file_gives_one_line_with_file_and_line(
    tmp_path: Path, text: str, where: int, message: str
) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text(text + "\n" if text else "", encoding="utf-8")
    with pytest.raises(TraceFileError) as caught:
        load(path)
    assert isinstance(caught.value, SwarmSimError)
    assert str(caught.value).startswith(f"{path}:{where}: {message}")
    assert "\n" not in str(caught.value)


def test_unreadable_and_binary_files(tmp_path: Path) -> None:
    with pytest.raises(TraceFileError, match=r"missing\.jsonl: cannot read the trace: No such"):
        load(tmp_path / "missing.jsonl")
    path = tmp_path / "binary.jsonl"
    path.write_bytes(HEADER.encode() + b"\n\xff\xfe\n")
    with pytest.raises(TraceFileError, match=r"binary\.jsonl:2: not UTF-8 text"):
        load(path)


def _records(count: int) -> list[TraceRecord]:
    """Command records in time order, some at integer times, texts repeating and unique."""
    records = []
    for i in range(count):
        time = i // 4 if i % 4 == 0 else i / 4
        line = f"line {i % 11}"
        records.append(
            TraceRecord(time, "command", "shell", f"id{i}", "", i % 7, "m", "", "", line, i)
        )
    return records


def test_records_read_back_unchanged_across_the_column_layout() -> None:
    records = _records(10_000)  # more than one chunk of columns, and a tail of tuples
    trace = Trace(records[:9_000])
    for rec in records[9_000:]:
        trace._append(rec)
    assert len(trace) == 10_000
    assert list(trace) == records
    assert [type(r.time) for r in trace] == [type(r.time) for r in records]  # 0 stays an int
    assert trace[0] == records[0] and trace[-1] == records[-1] and trace[4_321] == records[4_321]
    assert trace[9_990:] == records[9_990:] and trace[::2500] == records[::2500]
    with pytest.raises(IndexError):
        trace[10_000]
    frame = trace.to_dataframe().drop(columns="node_id")
    assert frame.equals(pd.DataFrame.from_records(records, columns=COLUMNS))
    assert trace.dump() == Trace(records).dump()


def test_a_late_command_goes_before_records_already_in_columns() -> None:
    records = _records(5_000)
    trace = Trace(records)
    trace.command(1.5, "docker", "manager1", "docker service ls", 0)
    assert trace[4_097] == records[4_096] and trace[-1] == records[-1]  # later ones moved up
    times = [r.time for r in trace]
    assert times == sorted(times) and times[6:9] == [1.5, 1.5, 1.75]
    assert trace[7].detail == "docker service ls" and len(trace) == 5_001  # after t <= 1.5
    assert trace.end == 1_249.75


def test_equal_values_of_other_types_read_back_as_recorded() -> None:
    # the columns keep one copy of equal values: 5 and 5.0, 0.0 and -0.0,
    # 1 and True are equal but must each come back as it was recorded
    times: list[float] = [0.0, -0.0, 5, 5.0, 5.0, 6.5]
    slots: list[int] = [1, True, 1, 2, 2, 2]
    records = [
        TraceRecord(t, "task", "update", "t", "s", slot, "n", "running", "running", "", 0)
        for t, slot in zip(times, slots, strict=True)
    ]
    trace = Trace(records)
    assert [(repr(r.time), repr(r.slot)) for r in trace] == [
        (repr(r.time), repr(r.slot)) for r in records
    ]
    assert trace.dump() == "".join(
        "\t".join(f"{v:.6f}" if isinstance(v, float) else str(v) for v in r) + "\n" for r in records
    )


def test_many_distinct_values_in_one_chunk() -> None:
    # over 256 distinct values a field takes two bytes a record; all distinct: the tuple
    records = [
        TraceRecord(i / 8, "task", "update", f"task{i}", f"svc{i % 300}", i % 5, "n", "", "", "", i)
        for i in range(4_096)
    ]
    trace = Trace(records)
    assert list(trace) == records and trace[3_000] == records[3_000]
    assert trace[1_000:1_010] == records[1_000:1_010]


def test_a_record_with_an_unhashable_value_is_kept_as_it_is() -> None:
    records = [
        TraceRecord(i / 4, "command", "shell", "", "", 0, "m", "", "", [i], 0)  # type: ignore[arg-type]
        for i in range(5_000)  # two chunks: the second one after a field kept whole
    ]
    assert list(Trace(records)) == records


def test_reading_a_large_trace_runs_no_garbage_collection(tmp_path: Path) -> None:
    """A record object per row: the young collections they trigger would scan a
    large swarm alive at the same time (four times the cost of the read)."""
    records = [
        TraceRecord(i / 10, "task", "update", f"t{i}", "web", i, "n1", "running", "running", "", 1)
        for i in range(30_000)
    ]
    trace = Trace(records)
    assert collections_during(lambda: [list(r) for r in records[:20_000]]) > 0  # the probe works
    assert collections_during(trace.to_dataframe) == 0
    assert collections_during(lambda: trace.of_service("web")) == 0
    assert collections_during(lambda: trace.save(tmp_path / "t.jsonl")) == 0
    assert collections_during(lambda: update_reports(trace, "web")) == 0


def test_a_nodes_changes_are_counted_over_every_chunk() -> None:
    """``Trace.node_changes`` (``docker node inspect``'s ``Version.Index``)
    counts the node's records in the columns and among the newest records, as
    a pass over every record does; task records naming the node are not counted."""
    swarm = Swarm(seed=4, managers=1, workers=20)
    swarm.docker("docker service create -d --name web --replicas 400 app:1", check=True)
    for round_ in range(5):
        for worker in ("worker1", "worker2", "worker3"):
            swarm.crash_node(worker)
            swarm.advance(20)
            swarm.recover_node(worker)
            swarm.advance(5)
        swarm.docker(f"docker service update -d --image app:{round_ + 2} web", check=True)
        swarm.advance(30)
    swarm.docker("docker node update --availability drain worker1", check=True)  # newest
    names = ("worker1", "worker2", "worker4", "manager1")
    nodes = [swarm.node(name).id for name in names]
    counted = [swarm.trace.node_changes(node) for node in nodes]  # before a read moves
    every = list(swarm.trace)  # the newest records into the columns
    assert len(every) > 2 * 4096
    for node, count in zip(nodes, counted, strict=True):
        assert count == sum(1 for r in every if r.kind == "node" and r.id == node) > 0
        assert any(r.node == node for r in every if r.kind == "task")
    assert swarm.trace.node_changes("absent") == 0
