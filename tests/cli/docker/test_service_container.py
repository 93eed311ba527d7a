"""Container options of ``docker service create | update``: entrypoint, user, DNS, hosts..."""

from __future__ import annotations

import json

import pytest

from swarmsim.swarm import Swarm

CREATE = (
    "docker service create -d --name web --hostname web1 -w /srv -u 1000:1000 "
    '--entrypoint "sh -c" --stop-signal SIGQUIT --read-only --dns 8.8.8.8 '
    "--dns 2001:DB8:0:0::1 --dns-search example.com. --dns-option ndots:2 "
    "--host db:10.0.0.2 --host cache=10.0.0.3 --host v6:[::1] nginx:1 echo hi"
)


@pytest.fixture
def swarm() -> Swarm:
    swarm = Swarm(seed=1, managers=1, workers=1)
    assert swarm.docker(CREATE).exit_code == 0
    swarm.advance(10)
    return swarm


def container(swarm: Swarm) -> dict[str, object]:
    out = swarm.docker(
        "docker service inspect web --format '{{json .Spec.TaskTemplate.ContainerSpec}}'"
    )
    value: dict[str, object] = json.loads(out.stdout)
    return value


def update(swarm: Swarm, flags: str) -> None:
    result = swarm.docker(f"docker service update -d {flags} web")
    assert (result.stderr, result.exit_code) == ("", 0)


def test_create_records_the_options_as_docker_sends_them(swarm: Swarm) -> None:
    assert container(swarm) == {
        "Image": "nginx:1",
        "Command": ["sh", "-c"],
        "Args": ["echo", "hi"],
        "Hostname": "web1",
        "Dir": "/srv",
        "User": "1000:1000",
        "Init": False,
        "StopSignal": "SIGQUIT",
        "ReadOnly": True,
        "StopGracePeriod": 10000000000,
        "Hosts": ["10.0.0.2 db", "10.0.0.3 cache", "::1 v6"],
        "DNSConfig": {
            "Nameservers": ["8.8.8.8", "2001:db8::1"],
            "Search": ["example.com"],
            "Options": ["ndots:2"],
        },
        "Isolation": "default",
    }


def test_update_adds_drops_duplicates_removes_and_sorts_dns(swarm: Swarm) -> None:
    update(swarm, "--dns-add 1.1.1.1 --dns-add 8.8.8.8 --dns-rm 2001:db8::1 --dns-search-add a.org")
    assert container(swarm)["DNSConfig"] == {
        "Nameservers": ["1.1.1.1", "8.8.8.8"],
        "Search": ["a.org", "example.com"],
        "Options": ["ndots:2"],
    }
    update(swarm, "--dns-option-rm ndots:2 --dns-search-rm a.org --dns-search-rm example.com")
    assert container(swarm)["DNSConfig"] == {"Nameservers": ["1.1.1.1", "8.8.8.8"]}


def test_update_removes_hosts_by_name_or_at_an_address_and_keeps_their_order(
    swarm: Swarm,
) -> None:
    update(swarm, "--host-rm db:10.9.9.9 --host-rm cache --host-add api:10.0.0.9")
    assert container(swarm)["Hosts"] == ["10.0.0.2 db", "::1 v6", "10.0.0.9 api"]
    update(swarm, "--host-rm db:10.0.0.2 --host-add api:10.0.0.9")
    assert container(swarm)["Hosts"] == ["::1 v6", "10.0.0.9 api"]


def test_update_sets_and_clears_the_scalar_options(swarm: Swarm) -> None:
    update(swarm, '--entrypoint "" --read-only=false -u root -w / --hostname h --stop-signal 9')
    value = container(swarm)
    assert "Command" not in value and "ReadOnly" not in value
    assert (value["User"], value["Dir"], value["Hostname"], value["StopSignal"]) == (
        "root",
        "/",
        "h",
        "9",
    )


def test_a_changed_option_rolls_the_tasks(swarm: Swarm) -> None:
    before = {t.id for t in swarm.ctx.store.tasks.values() if t.desired_state.api_name == "running"}
    update(swarm, "--user nobody")
    swarm.advance(30)
    after = {t.id for t in swarm.ctx.store.tasks.values() if t.desired_state.api_name == "running"}
    assert len(after) == 1 and not after & before
    (task,) = (swarm.ctx.store.tasks[i] for i in after)
    assert task.spec.container.user == "nobody"


@pytest.mark.parametrize(
    ("flags", "error"),
    [
        (
            "--dns 1.2.3",
            'invalid argument "1.2.3" for "--dns" flag: IP address is not correctly formatted: '
            "1.2.3",
        ),
        (
            "--dns fe80::1%eth0",
            'invalid argument "fe80::1%eth0" for "--dns" flag: IP address is not correctly '
            "formatted: fe80::1%eth0",
        ),
        (
            "--host nocolon",
            'invalid argument "nocolon" for "--host" flag: bad format for add-host: "nocolon"',
        ),
        (
            "--host db:1.2.3",
            'invalid argument "db:1.2.3" for "--host" flag: invalid IP address in add-host: '
            '"1.2.3"',
        ),
        (
            "--dns-search -x.org",
            'invalid argument "-x.org" for "--dns-search" flag: -x.org is not a valid domain',
        ),
        (
            "--entrypoint 'sh \"'",
            'invalid argument "sh \\"" for "--entrypoint" flag: EOF found when expecting '
            "closing quote",
        ),
    ],
)
def test_bad_values_are_refused_as_flag_errors(flags: str, error: str) -> None:
    swarm = Swarm(seed=1, managers=1, workers=0)
    result = swarm.docker(f"docker service create -d --name t {flags} nginx")
    assert (result.stdout, result.stderr, result.exit_code) == ("", error + "\n", 125)
    assert not swarm.ctx.store.services


def test_help_lists_the_options() -> None:
    swarm = Swarm(seed=1, managers=1, workers=0)
    create = swarm.docker("docker service create --help").stdout
    assert "      --entrypoint command " in create
    assert "  -u, --user string " in create and "      --host list " in create
    update_help = swarm.docker("docker service update --help").stdout
    assert "      --dns-search-rm list " in update_help
    assert "      --args command " in update_help
