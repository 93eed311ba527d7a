"""Service requests of the control API (swarmkit controlapi).

Behaviour: docs/behaviour.md#every-update-rewrites-history.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import pytest
from engine_helpers import spec

from swarmsim.api import (
    ContainerSpec,
    EndpointSpec,
    HealthConfig,
    PortConfig,
    PublishMode,
    Resources,
    RestartPolicy,
    ServiceMode,
    ServiceSpec,
    TaskState,
    UpdateConfig,
    UpdateState,
)
from swarmsim.errors import DaemonError
from swarmsim.manager.controlapi.service import (
    MANUAL_ROLLBACK_MESSAGE,
    create_service,
    get_service,
    list_services,
    parse_reference,
    remove_service,
    rollback_service,
    service_status,
    update_service,
)
from swarmsim.manager.raft import NO_LEADER
from swarmsim.swarm import Swarm


@pytest.fixture
def swarm() -> Swarm:
    return Swarm(seed=5, managers=1, workers=2)


def rpc(code: str, text: str) -> str:
    return f"rpc error: code = {code} desc = {text}"


def test_create_stores_the_spec_with_version_zero_and_no_status(swarm: Swarm) -> None:
    service = create_service(swarm.ctx, spec("web", "nginx:1", 2))
    assert swarm.ctx.store.services[service.id] is service
    assert (service.spec_version, service.previous_spec, service.update_status) == (0, None, None)
    assert service.created_at == service.updated_at == 0.0
    swarm.advance(10)
    assert sorted(t.slot for t in swarm.ctx.store.tasks_of_service(service.id)) == [1, 2]


def test_create_without_a_name_draws_a_random_unused_one(swarm: Swarm) -> None:
    first = create_service(swarm.ctx, spec("", "nginx"))
    second = create_service(swarm.ctx, spec("", "nginx"))
    for service in (first, second):
        adjective, _, surname = service.spec.name.partition("_")
        assert adjective and surname and adjective.isalpha() and surname.isalpha()
    assert first.spec.name != second.spec.name


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("web_", rpc("InvalidArgument", "name must be valid as a DNS name component")),
        ("-web", rpc("InvalidArgument", "name must be valid as a DNS name component")),
        ("w" * 64, rpc("InvalidArgument", "name must be 63 characters or fewer")),
    ],
)
def test_names_must_be_dns_labels(swarm: Swarm, name: str, message: str) -> None:
    with pytest.raises(DaemonError) as error:
        create_service(swarm.ctx, spec(name))
    assert str(error.value) == message
    assert create_service(swarm.ctx, spec("w" * 63)).spec.name == "w" * 63


def test_name_conflicts_are_case_insensitive(swarm: Swarm) -> None:
    create_service(swarm.ctx, spec("web"))
    with pytest.raises(DaemonError) as error:
        create_service(swarm.ctx, spec("WEB"))
    assert str(error.value) == rpc(
        "AlreadyExists", "name conflicts with an existing object: service WEB already exists"
    )
    assert len(swarm.ctx.store.services) == 1


BAD_SPECS: list[tuple[Callable[[ServiceSpec], ServiceSpec], str]] = [
    (
        lambda s: replace(s, task=replace(s.task, limits=Resources(nano_cpus=1000))),
        "invalid cpu value 1e-06: Must be at least 0.001",
    ),
    (
        lambda s: replace(s, task=replace(s.task, reservations=Resources(memory_bytes=1024))),
        "invalid memory value 1024: Must be at least 4MiB",
    ),
    (
        lambda s: replace(s, task=replace(s.task, restart=RestartPolicy(delay=-1))),
        "TaskSpec: restart-delay cannot be negative",
    ),
    (
        lambda s: replace(s, task=replace(s.task, restart=RestartPolicy(window=-1))),
        "TaskSpec: restart-window cannot be negative",
    ),
    (
        lambda s: replace(s, task=replace(s.task, container=ContainerSpec(""))),
        "ContainerSpec: image reference must be provided",
    ),
    (
        lambda s: replace(s, task=replace(s.task, container=ContainerSpec("Nginx"))),
        'ContainerSpec: "Nginx" is not a valid repository/tag',
    ),
    (
        lambda s: replace(
            s,
            task=replace(
                s.task,
                container=ContainerSpec("nginx", healthcheck=HealthConfig(interval=0.0001)),
            ),
        ),
        "ContainerSpec: Interval in HealthConfig cannot be less than 1ms",
    ),
    (
        lambda s: replace(
            s,
            task=replace(
                s.task, container=ContainerSpec("nginx", healthcheck=HealthConfig(retries=-1))
            ),
        ),
        "ContainerSpec: Retries in HealthConfig cannot be negative",
    ),
    (lambda s: replace(s, replicas=-1), "Number of replicas must be non-negative"),
    (
        lambda s: replace(s, update=UpdateConfig(delay=-1)),
        "TaskSpec: update-delay cannot be negative",
    ),
    (
        lambda s: replace(s, update=UpdateConfig(monitor=-1)),
        "TaskSpec: update-monitor cannot be negative",
    ),
    (
        lambda s: replace(s, update=UpdateConfig(max_failure_ratio=1.5)),
        "TaskSpec: update-maxfailureratio cannot be less than 0 or bigger than 1",
    ),
    (
        lambda s: replace(s, endpoint=EndpointSpec("dnsrr", (PortConfig(80, 8080),))),
        "EndpointSpec: port published with ingress mode can't be used with dnsrr mode",
    ),
    (
        lambda s: replace(
            s, endpoint=EndpointSpec("vip", (PortConfig(80, 8080), PortConfig(81, 8080)))
        ),
        "EndpointSpec: duplicate published ports provided",
    ),
]


@pytest.mark.parametrize(("change", "message"), BAD_SPECS)
def test_invalid_specs_are_refused_with_swarmkit_texts(
    swarm: Swarm, change: Callable[[ServiceSpec], ServiceSpec], message: str
) -> None:
    with pytest.raises(DaemonError) as error:
        create_service(swarm.ctx, change(spec("web", "nginx")))
    assert str(error.value) == rpc("InvalidArgument", message)
    assert not swarm.ctx.store.services


def test_constraints_are_parsed(swarm: Swarm) -> None:
    with pytest.raises(DaemonError) as error:
        create_service(swarm.ctx, spec("web", constraints=("node.role=manager",)))
    assert str(error.value) == rpc(
        "InvalidArgument", "constraint expected one operator from ==, !="
    )


def test_dnsrr_with_host_ports_and_same_port_on_two_protocols_are_fine(swarm: Swarm) -> None:
    ports = (
        PortConfig(80, 8080, "tcp", PublishMode.HOST),
        PortConfig(80, 8080, "udp", PublishMode.HOST),
    )
    create_service(swarm.ctx, replace(spec("web"), endpoint=EndpointSpec("dnsrr", ports)))


def test_ingress_port_conflicts(swarm: Swarm) -> None:
    first = create_service(
        swarm.ctx, replace(spec("web"), endpoint=EndpointSpec(ports=(PortConfig(80, 8080),)))
    )
    clash = replace(spec("api"), endpoint=EndpointSpec(ports=(PortConfig(90, 8080),)))
    with pytest.raises(DaemonError) as error:
        create_service(swarm.ctx, clash)
    assert str(error.value) == rpc(
        "InvalidArgument",
        f"port '8080' is already in use by service 'web' ({first.id}) as an ingress port",
    )
    host = replace(
        spec("api"),
        endpoint=EndpointSpec(ports=(PortConfig(90, 8080, publish_mode=PublishMode.HOST),)),
    )
    with pytest.raises(DaemonError) as error:
        create_service(swarm.ctx, host)
    assert "as an ingress port" in str(error.value)
    udp = replace(spec("api"), endpoint=EndpointSpec(ports=(PortConfig(90, 8080, "udp"),)))
    create_service(swarm.ctx, udp)


def test_dynamic_ingress_ports_conflict_once_allocated(swarm: Swarm) -> None:
    first = create_service(
        swarm.ctx, replace(spec("web"), endpoint=EndpointSpec(ports=(PortConfig(80),)))
    )
    swarm.advance(1)
    assert first.published_ports[0].published_port == 30000
    with pytest.raises(DaemonError, match="port '30000' is already in use by service 'web'"):
        create_service(
            swarm.ctx, replace(spec("api"), endpoint=EndpointSpec(ports=(PortConfig(80, 30000),)))
        )


def test_ingress_network_cannot_be_attached_explicitly(swarm: Swarm) -> None:
    ingress = next(n for n in swarm.ctx.store.networks.values() if n.ingress)
    attached = replace(spec("web"), task=replace(spec("web").task, networks=(ingress.id,)))
    with pytest.raises(DaemonError) as error:
        create_service(swarm.ctx, attached)
    assert str(error.value) == rpc(
        "InvalidArgument", 'Service cannot be explicitly attached to the ingress network "ingress"'
    )


def test_get_service_by_id_name_and_prefix(swarm: Swarm) -> None:
    web = create_service(swarm.ctx, spec("web"))
    assert get_service(swarm.ctx, web.id) is web
    assert get_service(swarm.ctx, "web") is web
    assert get_service(swarm.ctx, web.id[:5]) is web
    with pytest.raises(DaemonError, match=r"^service nope not found$"):
        get_service(swarm.ctx, "nope")
    other = create_service(swarm.ctx, spec("api"))
    common = next(i for i in range(25) if web.id[i] != other.id[i])
    if common:
        with pytest.raises(DaemonError, match=r"is ambiguous \(2 matches found\)"):
            get_service(swarm.ctx, web.id[:common])


def test_update_keeps_history_and_resets_the_status(swarm: Swarm) -> None:
    web = create_service(swarm.ctx, spec("web", "nginx:1", 2))
    swarm.advance(10)
    old = web.spec
    update_service(swarm.ctx, "web", replace(old, replicas=3))
    assert (web.spec.replicas, web.previous_spec, web.spec_version) == (3, old, 1)
    assert web.update_status is None
    update_service(swarm.ctx, web.id, web.spec)  # a no-op update still rewrites history
    assert (web.previous_spec.replicas, web.spec_version) == (3, 2)  # type: ignore[union-attr]


def test_update_refuses_mode_changes_and_renames(swarm: Swarm) -> None:
    web = create_service(swarm.ctx, spec("web"))
    before = web.spec
    with pytest.raises(DaemonError) as error:
        update_service(swarm.ctx, "web", replace(before, mode=ServiceMode.GLOBAL))
    assert str(error.value) == rpc("Unimplemented", "service mode change is not allowed")
    with pytest.raises(DaemonError) as error:
        update_service(swarm.ctx, "web", replace(before, name="api"))
    assert str(error.value) == rpc("Unimplemented", "renaming services is not supported")
    with pytest.raises(DaemonError, match=r"^service nope not found$"):
        update_service(swarm.ctx, "nope", before)
    assert (web.spec, web.spec_version, web.previous_spec) == (before, 0, None)


def test_update_checks_port_conflicts_only_when_the_endpoint_changes(swarm: Swarm) -> None:
    create_service(
        swarm.ctx, replace(spec("web"), endpoint=EndpointSpec(ports=(PortConfig(80, 80),)))
    )
    api = create_service(swarm.ctx, spec("api"))
    with pytest.raises(DaemonError, match="port '80' is already in use"):
        update_service(
            swarm.ctx, "api", replace(api.spec, endpoint=EndpointSpec(ports=(PortConfig(1, 80),)))
        )
    web = get_service(swarm.ctx, "web")
    update_service(swarm.ctx, "web", replace(web.spec, replicas=2))


def test_rollback_swaps_specs_and_starts_a_rollback(swarm: Swarm) -> None:
    web = create_service(swarm.ctx, spec("web", "nginx:1"))
    with pytest.raises(DaemonError) as error:
        rollback_service(swarm.ctx, "web")
    assert str(error.value) == rpc(
        "FailedPrecondition", f"service {web.id} does not have a previous spec"
    )
    first = web.spec
    swarm.advance(5)
    update_service(swarm.ctx, "web", replace(first, replicas=4))
    second = web.spec
    swarm.advance(5)
    rollback_service(swarm.ctx, web.id[:6])
    assert (web.spec, web.previous_spec) == (first, second)
    assert web.update_status is not None
    assert (web.update_status.state, web.update_status.message, web.update_status.started_at) == (
        UpdateState.ROLLBACK_STARTED,
        MANUAL_ROLLBACK_MESSAGE,
        10.0,
    )
    # the restored spec keeps its version, as swarmkit restores PreviousSpecVersion
    assert (web.spec_version, web.previous_spec_version) == (0, 1)
    rollback_service(swarm.ctx, "web")  # twice goes forward again
    assert (web.spec, web.previous_spec, web.spec_version) == (second, first, 1)
    update_service(swarm.ctx, "web", first)  # a new spec never reuses a version
    assert (web.spec_version, web.previous_spec_version) == (2, 1)


def test_remove_deletes_the_service_and_its_tasks_go(swarm: Swarm) -> None:
    web = create_service(swarm.ctx, spec("web", replicas=2))
    swarm.advance(10)
    assert remove_service(swarm.ctx, "web") is web
    assert web.id not in swarm.ctx.store.services
    assert all(t.desired_state == TaskState.REMOVE for t in swarm.ctx.store.tasks.values())
    swarm.advance(30)
    assert not list(swarm.ctx.store.tasks_of_service(web.id))
    with pytest.raises(DaemonError, match=r"^service web not found$"):
        remove_service(swarm.ctx, "web")


def test_list_filters(swarm: Swarm) -> None:
    web = create_service(swarm.ctx, replace(spec("web"), labels=(("tier", "front"),)))
    api = create_service(swarm.ctx, spec("api"))
    mon = create_service(swarm.ctx, spec("monitor", mode=ServiceMode.GLOBAL))
    ctx = swarm.ctx
    assert list_services(ctx) == [web, api, mon]
    assert list_services(ctx, {"name": ["w", "mon"]}) == [web, mon]
    assert list_services(ctx, {"id": [api.id[:8]]}) == [api]
    assert list_services(ctx, {"mode": ["global"]}) == [mon]
    assert list_services(ctx, {"label": ["tier"]}) == [web]
    assert list_services(ctx, {"label": ["tier=back"]}) == []
    with pytest.raises(DaemonError, match=r"^invalid filter 'colour'$"):
        list_services(ctx, {"colour": ["red"]})


def test_service_status_counts_observed_running_tasks(swarm: Swarm) -> None:
    web = create_service(swarm.ctx, spec("web", replicas=3))
    mon = create_service(swarm.ctx, spec("monitor", mode=ServiceMode.GLOBAL))
    assert service_status(swarm.ctx, web) == (0, 3, 0)
    swarm.advance(10)
    assert service_status(swarm.ctx, web) == (3, 3, 0)
    assert service_status(swarm.ctx, mon) == (3, 3, 0)


def test_every_request_needs_a_leader(swarm: Swarm) -> None:
    create_service(swarm.ctx, spec("web"))
    swarm.ctx.leadership.set(False)
    for call in (
        lambda: create_service(swarm.ctx, spec("api")),
        lambda: get_service(swarm.ctx, "web"),
        lambda: list_services(swarm.ctx),
        lambda: rollback_service(swarm.ctx, "web"),
        lambda: remove_service(swarm.ctx, "web"),
    ):
        with pytest.raises(DaemonError, match=NO_LEADER[:20]):
            call()
    assert len(swarm.ctx.store.services) == 1


@pytest.mark.parametrize(
    ("image", "expected"),
    [
        ("redis:3.0.6", ("docker.io", "library/redis", "3.0.6", "", "redis")),
        ("docker.io/library/redis", ("docker.io", "library/redis", "", "", "redis")),
        ("user/app:v1", ("docker.io", "user/app", "v1", "", "user/app")),
        ("localhost:5000/app", ("localhost:5000", "app", "", "", "localhost:5000/app")),
        (
            "nginx@sha256:" + "a" * 64,
            ("docker.io", "library/nginx", "", "sha256:" + "a" * 64, "nginx"),
        ),
    ],
)
def test_parse_reference(image: str, expected: tuple[str, ...]) -> None:
    ref = parse_reference(image)
    assert ref is not None
    assert (ref.domain, ref.path, ref.tag, ref.digest, ref.familiar_name) == expected


@pytest.mark.parametrize("image", ["Redis", "redis:", "a" * 64, "redis:tag with space", "-x"])
def test_parse_reference_rejects(image: str) -> None:
    assert parse_reference(image) is None
