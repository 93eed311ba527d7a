"""Container options of ``docker service create | update``: entrypoint, user, DNS, hosts..."""

from __future__ import annotations

import json
from typing import Any

import pytest

from swarmsim.cli.docker.stack import set_stack_environment, set_stack_workspace
from swarmsim.compose.workspace import Workspace
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


def service_with(flags: str) -> Swarm:
    """A one-manager swarm with service ``s`` created with ``flags``."""
    swarm = Swarm(seed=1, managers=1, workers=0)
    result = swarm.docker(f"docker service create -d --name s {flags} nginx")
    assert (result.stderr, result.exit_code) == ("", 0)
    return swarm


def spec_of(swarm: Swarm, path: str = "ContainerSpec") -> Any:
    """``.Spec.TaskTemplate.<path>`` of service ``s``, read back from its JSON."""
    template = f"{{{{json .Spec.TaskTemplate.{path}}}}}"
    return json.loads(swarm.docker(f"docker service inspect s --format '{template}'").stdout)


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


MOUNTS = (
    "docker service create -d --name db "
    "--mount type=volume,src=pgdata,dst=/var/lib/postgresql/data "
    "--mount type=bind,source=/srv/conf,target=/etc/conf,readonly "
    "--mount type=tmpfs,dst=/run,tmpfs-size=64m,tmpfs-mode=1770 "
    "--mount src=cache,dst=/c,volume-nocopy,volume-label=a=b,volume-driver=local,volume-opt=o=x=1 "
    "--mount type=bind,src=./x/../y,dst=/y,bind-propagation=RSHARED,bind-nonrecursive "
    "--mount type=bind,src=/z,dst=/z,bind-recursive=writable,ro,consistency=cached postgres:16"
)


def mounts(swarm: Swarm, name: str = "db") -> list[dict[str, object]]:
    template = "{{json .Spec.TaskTemplate.ContainerSpec.Mounts}}"
    out = swarm.docker(f"docker service inspect {name} --format '{template}'")
    value: list[dict[str, object]] = json.loads(out.stdout)
    return value


def test_mounts_are_recorded_as_the_swarm_keeps_them() -> None:
    swarm = Swarm(seed=1, managers=1, workers=0)
    assert swarm.docker(MOUNTS).exit_code == 0
    assert mounts(swarm) == [
        {"Type": "volume", "Source": "pgdata", "Target": "/var/lib/postgresql/data"},
        {"Type": "bind", "Source": "/srv/conf", "Target": "/etc/conf", "ReadOnly": True},
        {"Type": "tmpfs", "Target": "/run", "TmpfsOptions": {"SizeBytes": 67108864, "Mode": 1016}},
        {
            "Type": "volume",
            "Source": "cache",
            "Target": "/c",
            "VolumeOptions": {
                "NoCopy": True,
                "Labels": {"a": "b"},
                "DriverConfig": {"Name": "local", "Options": {"o": "x=1"}},
            },
        },
        {
            "Type": "bind",
            "Source": "/y",
            "Target": "/y",
            "BindOptions": {"Propagation": "rshared", "NonRecursive": True},
        },
        # the recursive read-only options and the consistency do not reach the swarm
        {"Type": "bind", "Source": "/z", "Target": "/z", "ReadOnly": True},
    ]
    swarm.docker("docker service create -d --name v --mount dst=/v,volume-subpath=s nginx")
    assert mounts(swarm, "v") == [
        {"Type": "volume", "Target": "/v", "VolumeOptions": {"Subpath": "s", "DriverConfig": {}}}
    ]


def test_mount_add_replaces_by_target_removes_and_sorts_by_source_then_target() -> None:
    swarm = Swarm(seed=1, managers=1, workers=0)
    swarm.docker(MOUNTS)
    result = swarm.docker(
        "docker service update -d --mount-add src=logs,dst=/logs --mount-rm /run "
        "--mount-rm /c --mount-add src=pg2,dst=/var/lib/postgresql/data db"
    )
    assert (result.stderr, result.exit_code) == ("", 0)
    assert [(m.get("Source"), m["Target"]) for m in mounts(swarm)] == [
        ("/srv/conf", "/etc/conf"),
        ("/y", "/y"),
        ("/z", "/z"),
        ("logs", "/logs"),
        ("pg2", "/var/lib/postgresql/data"),
    ]
    twice = swarm.docker("docker service update -d --mount-add dst=/a --mount-add dst=/a db")
    assert (twice.stderr, twice.exit_code) == ("duplicate mount target\n", 1)


@pytest.mark.parametrize(
    ("mount", "error", "code"),
    [
        ("src=a", 'invalid argument "src=a" for "--mount" flag: target is required', 125),
        (
            "type=,dst=/a",
            'invalid argument "type=,dst=/a" for "--mount" flag: type is required',
            125,
        ),
        (
            "dst=/a,wat",
            'invalid argument "dst=/a,wat" for "--mount" flag: invalid field \'wat\' must be a '
            "key=value pair",
            125,
        ),
        (
            "dst=/a,color=red",
            'invalid argument "dst=/a,color=red" for "--mount" flag: unexpected key \'color\' in '
            "'color=red'",
            125,
        ),
        (
            "type=bind,dst=/a,volume-nocopy",
            'invalid argument "type=bind,dst=/a,volume-nocopy" for "--mount" flag: cannot mix '
            "'volume-*' options with mount type 'bind'",
            125,
        ),
        (
            "dst=/a,tmpfs-mode=9",
            'invalid argument "dst=/a,tmpfs-mode=9" for "--mount" flag: invalid value for '
            "tmpfs-mode: 9",
            125,
        ),
        (
            "type=bind,src=/a,dst=/a,bind-recursive=readonly,ro",
            'invalid argument "type=bind,src=/a,dst=/a,bind-recursive=readonly,ro" for "--mount" '
            "flag: option 'bind-recursive=readonly' requires 'bind-propagation=rprivate' to be "
            "specified in conjunction",
            125,
        ),
        (
            "type=image,src=alpine,dst=/i",
            'Error response from daemon: invalid MountType: "image"',
            1,
        ),
        (
            "type=bind,src=/a,dst=/a,bind-propagation=sideways",
            'Error response from daemon: invalid MountPropagation: "sideways"',
            1,
        ),
        (
            "dst=/a --mount dst=/a",
            "Error response from daemon: rpc error: code = InvalidArgument desc = ContainerSpec: "
            "duplicate mount point: /a",
            1,
        ),
    ],
)
def test_bad_mounts_get_dockers_errors(mount: str, error: str, code: int) -> None:
    swarm = Swarm(seed=1, managers=1, workers=0)
    result = swarm.docker(f"docker service create -d --name t --mount {mount} nginx")
    assert (result.stdout, result.stderr, result.exit_code) == ("", error + "\n", code)
    assert not swarm.ctx.store.services


def test_tty_groups_isolation_sysctls_and_oom_score() -> None:
    swarm = Swarm(seed=1, managers=1, workers=0)
    created = swarm.docker(
        "docker service create -d --name s -t --group staff --group audio --isolation PROCESS "
        "--sysctl net.core.somaxconn=1024 --sysctl kernel.x --oom-score-adj -500 nginx"
    )
    assert created.exit_code == 0
    spec = "docker service inspect s --format '{{json .Spec.TaskTemplate.ContainerSpec}}'"
    value = json.loads(swarm.docker(spec).stdout)
    assert (value["Groups"], value["TTY"], value["Isolation"]) == (
        ["staff", "audio"],
        True,
        "process",
    )
    assert value["Sysctls"] == {"kernel.x": "", "net.core.somaxconn": "1024"}
    assert value["OomScoreAdj"] == -500
    pretty = swarm.docker("docker service inspect --pretty s").stdout
    assert "SysCtls:\n kernel.x\n net.core.somaxconn: 1024\n" in pretty
    swarm.docker(
        "docker service update -d --group-add adm --group-rm staff --sysctl-rm kernel.x "
        "--sysctl-add a=b --tty=false --isolation weird --oom-score-adj 0 s"
    )
    value = json.loads(swarm.docker(spec).stdout)
    assert value["Groups"] == ["adm", "audio"] and "TTY" not in value
    assert value["Isolation"] == "default" and "OomScoreAdj" not in value
    assert value["Sysctls"] == {"a": "b", "net.core.somaxconn": "1024"}


def test_limit_pids_is_a_limit_shown_by_inspect_and_pretty() -> None:
    swarm = Swarm(seed=1, managers=1, workers=0)
    swarm.docker("docker service create -d --name s --limit-pids 100 --limit-cpu 0.5 nginx")
    resources = "docker service inspect s --format '{{json .Spec.TaskTemplate.Resources.Limits}}'"
    assert swarm.docker(resources).stdout == '{"NanoCPUs":500000000,"Pids":100}\n'
    pretty = swarm.docker("docker service inspect --pretty s").stdout
    assert "Resources:\n Limits:\n  CPU:\t\t0.5\n  PIDs:\t\t100\n" in pretty
    swarm.docker("docker service update -d --limit-pids 0 s")
    assert swarm.docker(resources).stdout == '{"NanoCPUs":500000000}\n'


def test_ulimits_one_per_name_sorted_and_updated_by_name() -> None:
    swarm = Swarm(seed=1, managers=1, workers=0)
    swarm.docker(
        "docker service create -d --name s --ulimit nofile=1024:2048 --ulimit nproc=100 "
        "--ulimit core=0 --ulimit nofile=10:20 nginx"
    )
    ulimits = (
        "docker service inspect s --format '{{json .Spec.TaskTemplate.ContainerSpec.Ulimits}}'"
    )
    assert json.loads(swarm.docker(ulimits).stdout) == [
        {"Name": "core", "Hard": 0, "Soft": 0},
        {"Name": "nofile", "Hard": 20, "Soft": 10},
        {"Name": "nproc", "Hard": 100, "Soft": 100},
    ]
    pretty = swarm.docker("docker service inspect --pretty s").stdout
    assert "Ulimits:\n core: 0:0\n nofile: 10:20\n nproc: 100:100\n" in pretty
    swarm.docker("docker service update -d --ulimit-rm core --ulimit-add nproc=5:6 s")
    names = [(u["Name"], u["Soft"]) for u in json.loads(swarm.docker(ulimits).stdout)]
    assert names == [("nofile", 10), ("nproc", 5)]


@pytest.mark.parametrize(
    ("value", "error"),
    [
        ("nofile", "invalid ulimit argument: nofile"),
        ("bogus=1", "invalid ulimit type: bogus"),
        ("nofile=5:1", "ulimit soft limit must be less than or equal to hard limit: 5 > 1"),
        ("nofile=x", 'strconv.ParseInt: parsing "x": invalid syntax'),
        (
            "nofile=1:2:3",
            "too many limit value arguments - 1:2:3, can only have up to two, `soft[:hard]`",
        ),
    ],
)
def test_bad_ulimits(value: str, error: str) -> None:
    result = Swarm(seed=1, managers=1, workers=0).docker(
        f"docker service create -d --name t --ulimit {value} nginx"
    )
    assert result.stderr == f'invalid argument "{value}" for "--ulimit" flag: {error}\n'
    assert result.exit_code == 125


def test_capabilities_are_normalized_and_updated_as_docker_does() -> None:
    swarm = service_with(
        "--cap-add net_admin --cap-add CAP_SYS_TIME --cap-drop chown --cap-drop NET_ADMIN"
    )

    def caps() -> tuple[object, object]:
        value = spec_of(swarm)
        return value.get("CapabilityAdd"), value.get("CapabilityDrop")

    # adding wins over dropping the same capability
    assert caps() == (["CAP_NET_ADMIN", "CAP_SYS_TIME"], ["CAP_CHOWN"])
    pretty = swarm.docker("docker service inspect --pretty s").stdout
    assert "Capabilities:\n Add: CAP_NET_ADMIN, CAP_SYS_TIME\n Drop: CAP_CHOWN\n" in pretty
    # dropping an added one removes it; adding a dropped one removes it from the drops
    swarm.docker("docker service update -d --cap-drop sys_time --cap-add chown --cap-drop mknod s")
    assert caps() == (["CAP_NET_ADMIN"], ["CAP_MKNOD"])
    swarm.docker("docker service update -d --cap-add RESET --cap-add all s")
    assert caps() == (["ALL"], ["CAP_MKNOD"])


def test_log_driver_and_its_options() -> None:
    swarm = service_with("--log-driver json-file --log-opt max-size=10m --log-opt max-file=3")
    assert spec_of(swarm, "LogDriver") == {
        "Name": "json-file",
        "Options": {"max-file": "3", "max-size": "10m"},
    }
    pretty = swarm.docker("docker service inspect --pretty s").stdout
    assert (
        "Log Driver:\n Name:\t\tjson-file\n LogOpts:\n  max-file:       3\n"
        "  max-size:       10m\n\nResources:\n"
    ) in pretty
    # options alone change nothing: they go with a driver named on the same line
    swarm.docker("docker service update -d --log-opt max-size=1m s")
    assert spec_of(swarm, "LogDriver")["Options"]["max-size"] == "10m"
    swarm.docker("docker service update -d --log-driver syslog s")
    assert spec_of(swarm, "LogDriver") == {"Name": "syslog"}
    bad = swarm.docker("docker service create -d --name t --log-driver x --log-opt =1 nginx")
    assert bad.stderr == (
        'invalid argument "=1" for "--log-opt" flag: invalid environment variable: =1\n'
    )


def test_generic_resources_are_added_and_removed_by_kind() -> None:
    swarm = service_with("--generic-resource gpu=1")
    assert spec_of(swarm, "Resources.Reservations") == {
        "GenericResources": [{"DiscreteResourceSpec": {"Kind": "gpu", "Value": 1}}]
    }
    assert " Reservations:" not in swarm.docker("docker service inspect --pretty s").stdout
    swarm.docker(
        "docker service update -d --generic-resource-add ssd=2 --generic-resource-add gpu=3 s"
    )
    kinds = [
        r["DiscreteResourceSpec"]
        for r in spec_of(swarm, "Resources.Reservations")["GenericResources"]
    ]
    assert kinds == [{"Kind": "gpu", "Value": 3}, {"Kind": "ssd", "Value": 2}]
    swarm.docker("docker service update -d --generic-resource-rm gpu s")
    missing = swarm.docker("docker service update -d --generic-resource-rm gpu s")
    assert (missing.stderr, missing.exit_code) == (
        "could not find generic-resource `gpu` to remove it\n",
        1,
    )


def test_env_file_variables_come_before_env_and_bare_keys_come_from_the_cli_env() -> None:
    swarm = Swarm(seed=1, managers=1, workers=0)
    env_file = b"\xef\xbb\xbf# settings\nA=1\n  B=two words\r\nHOME\nNOTSET\n"
    set_stack_workspace(swarm, Workspace("/lesson", {"web.env": env_file, "bad.env": b"x y=1\n"}))
    set_stack_environment(swarm, {"HOME": "/home/student"})
    created = swarm.docker("docker service create -d --name s --env-file web.env -e A=9 nginx")
    assert created.exit_code == 0
    assert spec_of(swarm)["Env"] == ["B=two words", "HOME=/home/student", "A=9"]
    for name, error in (
        ("missing.env", "open missing.env: no such file or directory"),
        ("bad.env", "invalid env file (bad.env): variable 'x y' contains whitespaces"),
    ):
        result = swarm.docker(f"docker service create -d --name t --env-file {name} nginx")
        assert (result.stderr, result.exit_code) == (error + "\n", 1)


def test_an_unset_health_setting_stays_zero_in_the_spec_as_docker_keeps_it() -> None:
    swarm = service_with("--health-cmd true")
    assert spec_of(swarm, "ContainerSpec.Healthcheck") == {"Test": ["CMD-SHELL", "true"]}
    pretty = swarm.docker("docker service inspect --pretty s").stdout
    assert (
        " Healthcheck:\n  Interval = 0s\n  Retries = 0\n  StartPeriod =\t0s\n  Timeout =\t0s\n"
        in (pretty)
    )


def test_health_start_interval_is_set_on_create_and_left_alone_by_update() -> None:
    swarm = service_with("--health-cmd true --health-start-period 10s --health-start-interval 2s")
    expected = {"Test": ["CMD-SHELL", "true"], "StartPeriod": 10**10, "StartInterval": 2 * 10**9}
    assert spec_of(swarm, "ContainerSpec.Healthcheck") == expected
    swarm.docker("docker service update -d --health-start-interval 9s s")  # docker 28 ignores it
    assert spec_of(swarm, "ContainerSpec.Healthcheck") == expected
