"""A seeded fuzzer of shell lines: any bytes, any length, mutated docker command lines.

Every generated line runs through :meth:`Shell.execute` on one swarm.  Whatever
it is, the shell must answer without a traceback and without its
``internal error`` fallback (which would hide a simulator bug); a line that
fails prints its error on one line (one per missing target, as docker does), and
when it printed nothing on standard output it changed nothing: not the store,
not the trace, not the clock, not the image profiles.

``SWARMSIM_BAD_INPUT_LINES=100000 SWARMSIM_BAD_INPUT_SEED=7 pytest
tests/cli/test_bad_input_fuzz.py`` runs a longer or different batch.
"""

from __future__ import annotations

import os
import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from swarmsim.cli.docker.service_opts import CREATE_FLAGS, UPDATE_FLAGS
from swarmsim.cli.docker.system import Command
from swarmsim.cli.flags import FlagKind, FlagSpec
from swarmsim.console.shell import LineResult, Shell
from swarmsim.context import ClusterSettings
from swarmsim.swarm import Swarm

SEED = int(os.environ.get("SWARMSIM_BAD_INPUT_SEED", "14"))
LINES = int(os.environ.get("SWARMSIM_BAD_INPUT_LINES", "3000"))

VALID = [
    "docker node ls",
    "docker node ls -q --filter role=worker",
    "docker node ps --filter desired-state=Running",
    "docker node ps manager1 worker1 --filter desired-state=Running",
    "docker node inspect --pretty worker1",
    "docker node inspect --format '{{.Status.State}}' self",
    "docker node update --availability drain worker1",
    "docker node update --availability active worker1",
    "docker node update --label-add zone=east --role worker worker2",
    "docker node update --label-rm zone worker2",
    "docker node promote worker2",
    "docker node demote worker2",
    "docker node rm --force worker2",
    "docker service ls",
    "docker service ls -q --filter mode=replicated --format '{{.Name}}'",
    "docker service ps web",
    "docker service ps --no-trunc -q --filter desired-state=running web",
    "docker service inspect --pretty web",
    "docker service inspect --format '{{json .Spec}}' web",
    "docker service create -d --replicas 3 --name redis --update-delay 10s redis:3.0.6",
    "docker service create -d --name api --mode global --constraint node.role==worker "
    "--reserve-memory 64M --limit-cpu 0.5 nginx:1",
    "docker service create -d --name pub -p 8080:80 --publish mode=host,target=81,published=81 "
    "--restart-condition on-failure --restart-max-attempts 3 nginx",
    "docker service create -d --name hc --health-cmd 'curl -f localhost' --health-interval 5s "
    "--health-retries 3 --update-failure-action rollback --update-monitor 10s nginx echo hi",
    "docker service create -d --name pp --placement-pref spread=node.labels.zone "
    "--replicas-max-per-node 2 --label a=b -e X=1 --network backend nginx",
    "docker service update -d --image redis:3.0.7 web",
    "docker service update -d --replicas 2 --update-parallelism 2 --update-order start-first web",
    "docker service update -d --constraint-add node.labels.zone!=west --env-add A=1 web",
    "docker service update -d --publish-add 9090:90 --label-add x=y web",
    "docker service update -d --rollback web",
    "docker service rollback -d web",
    "docker service scale -d web=3 other=1",
    "docker service rm other",
    "docker network create -d overlay --attachable --subnet 10.20.0.0/24 backend2",
    "docker network create --label a=b mybridge",
    "docker network ls --filter driver=overlay",
    "docker network inspect --format '{{.Name}}' ingress",
    "docker network rm mybridge",
    "docker swarm join-token worker",
    "docker swarm join-token -q --rotate manager",
    "docker swarm update --task-history-limit 3",
    "docker swarm init --advertise-addr 192.168.1.252",
    "docker info",
    "docker system info --format '{{.Swarm.Nodes}}'",
    "docker service ls | grep -i web",
    "docker node ls | grep -v '^ID\\|Down'",
    "docker service ps web | grep '\\(web\\)\\{1,\\}\\.[[:digit:]]'",
    "docker node ps $(docker node ls -q --filter role=manager)",
    "sleep 10s",
    "sleep 1m30s",
    "time",
    "fail worker1",
    "recover worker1",
    "disconnect worker2",
    "reconnect worker2",
    "kill web.1 137",
    "image nginx:9 pull=5s exits_after=3s exit_code=2 never_healthy=true",
    "node add worker9 role=manager label.zone=east cpus=2 memory=2G",
    "help",
    "# a comment",
]

BAD_VALUES = [
    "",
    " ",
    "-",
    "--",
    "-1",
    "0",
    "00",
    "1.5",
    "x",
    "true",
    "nan",
    "inf",
    "-inf",
    "1e309",
    "99999999999999999999999",
    "18446744073709551616",
    "9223372036854775808",
    "0x10",
    "1_000",
    "١٢٣",
    "ñandú",
    "日本語",
    "\u202eevil",
    "\u0000",
    "\t",
    "a\nb",
    "😀" * 3,
    "a" * 300,
    "9" * 400,
    "$(",
    "$(docker",
    "'",
    '"',
    "\\",
    "|",
    "| grep",
    "=",
    "==",
    "a=",
    "=b",
    "a=b=c",
    "k=v,k=v",
    "mode=host,target=x",
    "80:80:80",
    "65536:80",
    "0:0",
    "1-9:1",
    "80/ftp",
    "node.role==",
    "node.labels.zone!=",
    "spread=",
    "-1s",
    "1h-",
    "1.5.5s",
    "5 s",
    "2562048h",
    "9223372036s",
    "1e3s",
    "0.0000000001",
    "100E",
    "1P",
    "-5G",
    "%s%d",
    "{{",
    "{{.Nope}}",
    "{{json .}}",
    "{{range}}",
    "web",
    "nothere",
    "worker1",
    "self",
    "*",
    "?",
    "10.0.0.0/99",
    "::/200",
    "300.1.1.1",
    "\udcff",
]
FLAGS = sorted({f.name for f in (*CREATE_FLAGS, *UPDATE_FLAGS)})
OTHER_FLAGS = [
    "--filter", "--format", "--quiet", "-q", "--no-trunc", "--pretty", "--force", "-f",
    "--availability", "--role", "--label-add", "--label-rm", "--driver", "-d", "--subnet",
    "--attachable", "--scope", "--rotate", "--task-history-limit", "--advertise-addr", "--help",
    "-h", "--detach=false", "--detach=maybe", "-dq", "-qz", "---", "--=x", "-", "--no-such-flag",
]  # fmt: skip
WORDS = ["docker", "service", "node", "network", "swarm", "system", "create", "update", "ls",
         "ps", "rm", "inspect", "scale", "rollback", "promote", "demote", "init", "join-token",
         "info", "sleep", "time", "fail", "recover", "disconnect", "reconnect", "kill", "image",
         "node", "add", "help", "web", "worker1", "manager1", "nginx"]  # fmt: skip


def _shell_word(rng: random.Random, value: str) -> str:
    """``value`` quoted for the shell most of the time, raw otherwise."""
    if rng.random() < 0.8:
        return "'" + value.replace("'", "'\\''") + "'"
    return value


def _mutate(rng: random.Random, line: str) -> str:
    words = line.split(" ")
    choice = rng.randrange(12)
    i = rng.randrange(len(words))
    if choice == 0:  # a bad value in place of a word
        words[i] = _shell_word(rng, rng.choice(BAD_VALUES))
    elif choice == 1:  # any flag of service create/update with a bad value
        flag = f"--{rng.choice(FLAGS)}"
        value = _shell_word(rng, rng.choice(BAD_VALUES))
        words.insert(i, f"{flag}={value}" if rng.random() < 0.5 else f"{flag} {value}")
    elif choice == 2:  # another command's flag, maybe without its value
        words.insert(i, rng.choice(OTHER_FLAGS))
    elif choice == 3:  # a word dropped, doubled or moved
        if len(words) > 1:
            word = words.pop(i)
            if rng.random() < 0.5:
                words.insert(rng.randrange(len(words) + 1), word)
                words.insert(rng.randrange(len(words) + 1), word)
    elif choice == 4:  # cut anywhere
        return line[: rng.randrange(len(line) + 1)]
    elif choice == 5:  # a known word in the wrong place
        words.insert(i, rng.choice(WORDS))
    elif choice == 6:  # unicode, control characters or surrogates spliced in
        at = rng.randrange(len(line) + 1)
        junk = "".join(chr(rng.choice([rng.randrange(0x20), rng.randrange(0x10FFFF)]))
                       for _ in range(rng.randrange(1, 6)))  # fmt: skip
        return line[:at] + junk + line[at:]
    elif choice == 7:  # a huge number
        words[i] = str(rng.choice([10**9, 2**63, 2**64, 10**30, -(2**63) - 1]))
    elif choice == 8:  # case changed
        words[i] = words[i].upper()
    elif choice == 9:  # shell syntax out of place
        words.insert(i, rng.choice(["|", "$(", ")", "\\", "'", '"', "#", "$(docker)", "| grep"]))
    elif choice == 10:  # a very long word
        words.insert(i, rng.choice("a-=9.:,") * rng.randrange(100, 5000))
    else:  # an equals sign where a space was, or the other way round
        return line.replace(" ", "=", 1) if rng.random() < 0.5 else line.replace("=", " ", 1)
    return " ".join(words)


def _commands() -> list[tuple[str, list[str], list[FlagSpec]]]:
    """Every docker command the simulator registers: path, arguments to use, flags."""
    from swarmsim.cli.docker import (
        network_create,
        network_list,
        network_remove,
        node,
        service,
        swarm,
        system,
    )

    arguments = {"service": ["web"], "node": ["worker1"], "network": ["backend"]}
    found = []
    for module in (network_create, network_list, network_remove, node, service, swarm, system):
        for value in vars(module).values():
            if isinstance(value, Command):
                group = value.path.split()[1]
                args = arguments.get(group, []) if value.min_args else []
                if value.path == "docker service create":
                    args = ["-d", "nginx"]
                elif value.path == "docker service scale":
                    args = ["web=2"]
                found.append((value.path, args, list(value.flags)))
    return sorted(found, key=lambda item: item[0])


COMMANDS = _commands()
BOOL = FlagKind.BOOL
IMAGES = [
    "nginx", "nginx:1.25", "NGINX", "nginx:", ":latest", "nginx@sha256:abc",
    "nginx@sha256:" + "a" * 64, "localhost:5000/app:v1", "a/b/c/d:tag", "-nginx", "ngi nx",
    "x" * 300, "nginx:" + "t" * 129, "[::1]:5000/app", "a..b", "a__b", "a-.b", "café",
]  # fmt: skip
NEAR_VALID = {
    FlagKind.DURATION: ["0s", "1ns", "-0s", "1h2m3.5s", "2562047h", ".5s", "1.s", "1m-1s"],
    FlagKind.BYTES: ["0", "4M", "3.99M", "1b", "1.5G", "8E", "9E", "1kb", "1 GB", "-1"],
    FlagKind.NANOCPUS: ["0", "0.001", "0.0001", "1e-3", "64", "1e20", "-0.5", ".5"],
    FlagKind.UINT64: ["0", "1", "0x10", "0b11", "0o7", "010", "-0", "+1", "1e3"],
    FlagKind.INT: ["0", "-1", "0x10", "-0x8000000000000000", "9223372036854775807", "+1"],
    FlagKind.FLOAT: ["0", "1", "0.5", "1e-320", "-0", "NaN", "Inf", "0x1p-2", "1_0"],
    FlagKind.BOOL: ["true", "false", "T", "F", "1", "0", "yes", "TRUE", "tRuE"],
}


BY_NAME = {
    "publish": ["mode=host,target=80,published=99999", "published=-1,target=80", "target=0",
                "80:80/sctp", "1-3:4-5", "0-65535:0-65535", "80-81:80-90", "mode=ingress,target=",
                "8080:80/udp", "x=y", "target=80,target=81", ":80", "80:"],
    "constraint": ["node.labels.a==b==c", "engine.labels.x!=y", "node.hostname==*", "node.id==",
                   "node.platform.os==linux", "node.role!=manager", "node.labels.zone==east"],
    "placement-pref": ["spread=node.labels.x", "spread=", "spread=node.labels.", "random=x"],
    "env": ["=x", "A", "A=", "A=b=c", "ÄÖ=1"],
    "label": ["=", "a", "a=", "=b", "com.docker.x=y"],
    "mode": ["replicated", "global", "replicated-job", "global-job", "Global", ""],
    "filter": ["label=a=b", "id=", "membership=x", "node.label=x", "name=", "role=boss",
               "desired-state=shutdown", "desired-state=accepted", "mode=global", "driver=x"],
    "restart-condition": ["none", "on-failure", "any", "always"],
    "update-failure-action": ["pause", "continue", "rollback", "Pause"],
    "update-order": ["start-first", "stop-first", "first"],
    "availability": ["active", "pause", "drain", "Drain", "down"],
    "role": ["manager", "worker", "leader"],
    "health-cmd": ["", "none", "CMD true", "exit 1"],
    "endpoint-mode": ["vip", "dnsrr", "VIP", "none"],
    "network": ["backend", "ingress", "nothere", "name=backend,alias=x", "bridge", "host"],
    "subnet": ["10.0.0.0/8", "10.0.0.0/32", "0.0.0.0/0", "::/0", "10.0.0.0", "10.0.0.0/8,x"],
    "driver": ["overlay", "bridge", "macvlan", "host", "null", "nope"],
    "scope": ["swarm", "local", "global", "x"],
    "image": ["nginx:2", "NGINX", "nginx@sha256:abc", ""],
    "format": ["{{.ID}}", "table {{.Name}}", "json", "{{json .}}", "{{", "pretty", "raw"],
}  # fmt: skip


def _flag_line(rng: random.Random) -> str:
    """One command of the simulator with one of its own flags, given a hostile value."""
    path, args, specs = rng.choice(COMMANDS)
    specs = [spec for spec in specs if spec.name != "help"] or [FlagSpec("quiet", "q", BOOL)]
    written = []
    for spec in rng.sample(specs, min(len(specs), rng.choice([1, 1, 2, 3]))):
        key = spec.name.removesuffix("-add").removesuffix("-rm")
        near = BY_NAME.get(key) or NEAR_VALID.get(spec.kind, [])
        pool = near if near and rng.random() < 0.5 else BAD_VALUES
        value = _shell_word(rng, rng.choice(pool))
        flag = f"-{spec.shorthand}" if spec.shorthand and rng.random() < 0.3 else f"--{spec.name}"
        written.append(f"{flag}={value}" if spec.kind == BOOL else f"{flag} {value}")
    if path == "docker service create":
        args = ["-d", rng.choice(IMAGES), *rng.sample(BAD_VALUES, rng.randrange(2))]
    line = " ".join([path, *written, *args])
    return _mutate(rng, line) if rng.random() < 0.2 else line


SHELL_WORDS = {
    "sleep": ["10s", "1.5", "720h", "720h1s", "-1s", "0", "1e3", ".5", "5", "1 2"],
    "kill": ["web.1", "web.1 0", "web.1 255", "web.1 256", "web.1 -1", "web.9", "web", "x y z"],
    "fail": ["worker1", "nothere", "", "worker1 worker2"],
    "image": ["nginx pull=1s", "nginx exit_code=300", "nginx pull=-1s", "nginx nope=1",
              "nginx never_healthy=maybe", "nginx exits_after=720h", "nginx", "'' pull=1s"],
    "node": ["add w9", "add w9 cpus=0", "add w9 cpus=1e6", "add w9 memory=1", "add w9 role=x",
             "add 'w 9'", "add w9 label.=x", "add w9 label.a", "remove w9", "add worker1"],
}  # fmt: skip


def _word_line(rng: random.Random) -> str:
    """A shell word with arguments, some fine, most not, some mutated."""
    word = rng.choice(sorted(SHELL_WORDS))
    line = f"{word} {rng.choice(SHELL_WORDS[word])}"
    return _mutate(rng, line) if rng.random() < 0.5 else line


def _random_bytes(rng: random.Random) -> str:
    """Any bytes, decoded as the shell's input is (``surrogateescape``)."""
    size = rng.choice([0, 1, 2, 5, 20, 80, 300, 3000])
    data = bytes(rng.randrange(256) for _ in range(size))
    if rng.random() < 0.5:
        data = rng.choice([b"docker ", b"docker service create ", b"sleep ", b"image x "]) + data
    return data.decode("utf-8", "surrogateescape")


def generate(seed: int = SEED, count: int = LINES) -> list[str]:
    """``count`` hostile lines, the same ones for the same seed."""
    rng = random.Random(seed)
    lines = []
    for _ in range(count):
        kind = rng.random()
        if kind < 0.15:
            lines.append(_random_bytes(rng))
            continue
        if kind < 0.5:
            lines.append(_flag_line(rng))
            continue
        if kind < 0.6:
            lines.append(_word_line(rng))
            continue
        line = rng.choice(VALID)
        for _ in range(rng.choice([1, 1, 1, 2, 3])):
            line = _mutate(rng, line)
        lines.append(line)
    return lines


# docker prints these errors on more than one line (moby ValidateIPAM joins its errors)
MULTI_LINE_ERRORS = ("Error response from daemon: invalid network config:\n",)
# a join that times out has taken its 20 s and goes on in the background, as docker says
GOES_ON = "Timeout was reached before node joined"


def _changes(swarm: Swarm, since: int) -> int:
    """Records since index ``since`` other than ``command`` ones (a refused line is still told)."""
    return sum(1 for record in swarm.trace[since:] if record.kind != "command")


def _snapshot(swarm: Swarm) -> object:
    from swarmsim.cli.docker.network import local_networks

    store = swarm.ctx.store
    return (
        swarm.now,
        sorted(
            (s.id, repr(s.spec), s.spec_version, repr(s.update_status))
            for s in store.services.values()
        ),
        sorted(repr(n) for n in store.nodes.values()),
        sorted(repr(n) for n in store.networks.values()),
        sorted((t.id, t.state, t.desired_state) for t in store.tasks.values()),
        sorted(local_networks(swarm)),
        repr(swarm.images._profiles),
        repr(swarm.ctx.settings),
    )


def check_line(shell: Shell, line: str) -> LineResult:
    """Run ``line`` and assert the rules of bad input; return what it printed.

    A failed line prints at least one error line and at most one per word (docker
    reports each missing target of ``rm``, ``ps`` or ``inspect`` on its own line),
    plus the newlines the line itself quoted (a ``$(...)`` may stand for any number
    of words).  Lines with a ``| grep`` or a ``$(...)`` are exempt from the "changed
    nothing" rule: the command before the pipe, or inside the substitution, may
    well have succeeded.
    """
    swarm = shell.swarm
    before, told = _snapshot(swarm), len(swarm.trace)
    result = shell.execute(line)
    text = result.stdout + result.stderr
    assert "Traceback" not in text, (line, text)
    assert "internal error" not in text, (line, result.stderr)
    if result.ok:
        return result
    piped = "|" in line
    substituted = "$(" in line
    if not piped:
        assert result.stderr.endswith("\n") and result.stderr.strip(), (line, result.stderr)
    if not result.stderr.startswith(MULTI_LINE_ERRORS) and not substituted:
        most = max(1, len(line.split())) + line.count("\n")
        assert result.stderr.count("\n") <= most, (line, result.stderr)
    if not result.stdout and not piped and not substituted and GOES_ON not in result.stderr:
        assert _snapshot(swarm) == before, line
        assert _changes(swarm, told) == 0, line
    return result


def fuzz_swarm() -> Swarm:
    """A small swarm with a service, a network and small limits (fast successes)."""
    settings = ClusterSettings(max_nodes=12, max_tasks=40, max_time=3600.0)
    swarm = Swarm(seed=SEED, managers=1, workers=2, settings=settings)
    for line in (
        "docker service create -d --name web --replicas 2 nginx",
        "docker service create -d --name other nginx",
        "docker network create -d overlay backend",
    ):
        assert swarm.docker(line).exit_code == 0
    swarm.advance(30)
    return swarm


def test_the_generator_is_seeded_and_large_enough() -> None:
    lines = generate()
    assert lines == generate()
    assert len(set(lines)) >= 1_000


@pytest.mark.parametrize("part", range(5))
def test_no_generated_line_ends_in_a_traceback(part: int) -> None:
    shell = Shell(fuzz_swarm())
    lines = generate()
    size = len(lines) // 5
    failed = 0
    for line in lines[part * size : (part + 1) * size]:
        failed += not check_line(shell, line).ok
    assert failed > size // 2  # the mutations mostly produce bad input


@pytest.fixture(scope="module")
def shell() -> Shell:
    return Shell(fuzz_swarm())


@given(data=st.binary(max_size=400))
def test_any_bytes_get_an_answer(shell: Shell, data: bytes) -> None:
    check_line(shell, data.decode("utf-8", "surrogateescape"))


@given(
    command=st.sampled_from(sorted({path for path, _, _ in COMMANDS} | set(SHELL_WORDS))),
    words=st.lists(st.text(max_size=30), max_size=6),
)
def test_any_words_after_a_known_command_get_an_answer(
    shell: Shell, command: str, words: list[str]
) -> None:
    quoted = " ".join("'" + w.replace("'", "'\\''") + "'" for w in words)
    check_line(shell, f"{command} {quoted}")
