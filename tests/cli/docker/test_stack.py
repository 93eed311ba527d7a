"""``docker stack deploy | ls | ps | services | rm | config`` against a simulated swarm."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest
from compose.stack_helpers import add_secret, transcript

from swarmsim.api.enums import ServiceMode, TaskState, UpdateOrder
from swarmsim.api.specs import FileTarget
from swarmsim.cli.docker.stack import set_stack_environment
from swarmsim.swarm import Swarm

NOTICE = (
    "Since --detach=false was not specified, tasks will be created in the background.\n"
    "In a future release, --detach=false will become the default.\n"
)

STACK = """\
version: "3.8"
x-restart: &restart
  condition: on-failure
  delay: 2s
services:
  web:
    image: nginx:${WEB_TAG:-1.25}
    ports:
      - "8080:80"
    networks:
      front:
        aliases: [www]
      traefik-public:
    configs:
      - source: nginx_conf
        target: /etc/nginx/nginx.conf
    deploy:
      replicas: 3
      labels:
        traefik.enable: "true"
      restart_policy: *restart
      update_config:
        parallelism: 1
        delay: 10s
        order: start-first
  agent:
    image: portainer/agent:2.19
    deploy:
      mode: global
      placement:
        constraints: [node.platform.os == linux]
  db:
    image: postgres:16
    environment:
      POSTGRES_PASSWORD_FILE: /run/secrets/db_pw
      PGDATA:
    networks: [back]
    secrets:
      - source: db_pw
        mode: 0400
    volumes:
      - db-data:/var/lib/postgresql/data
    deploy:
      placement:
        preferences:
          - spread: node.labels.zone
        max_replicas_per_node: 1
networks:
  front:
  back:
    driver: overlay
    attachable: true
  traefik-public:
    external: true
volumes:
  db-data:
configs:
  nginx_conf:
    file: ./nginx.conf
secrets:
  db_pw:
    external: true
"""


@pytest.fixture
def stack_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "stack.yml").write_text(STACK)
    (tmp_path / "nginx.conf").write_text("events {}\n")
    return tmp_path


def _swarm(external: bool = True, secret: bool = True) -> Swarm:
    swarm = Swarm(seed=7, managers=1, workers=3)
    set_stack_environment(swarm, {"PGDATA": "/data"})
    for node, zone in (("manager1", "a"), ("worker1", "a"), ("worker2", "b"), ("worker3", "b")):
        assert swarm.docker(f"docker node update --label-add zone={zone} {node}").ok
    if external:
        assert swarm.docker("docker network create -d overlay traefik-public").ok
    if secret:
        add_secret(swarm, "db_pw", b"s3cret")
    return swarm


def _service(swarm: Swarm, name: str):  # type: ignore[no-untyped-def]
    found = swarm.ctx.store.service_by_name(name)
    assert found is not None, name
    return found


def _network_id(swarm: Swarm, name: str) -> str:
    return next(n.id for n in swarm.ctx.store.networks.values() if n.name == name)


def _running(swarm: Swarm, service_id: str) -> list[str]:
    tasks = swarm.ctx.store.tasks_of_service(service_id)
    return sorted(t.id for t in tasks if t.state == TaskState.RUNNING)


def test_deploy_creates_networks_config_and_services_in_dockers_order(stack_dir: Path) -> None:
    swarm = _swarm()
    result = swarm.docker("docker stack deploy -c stack.yml app")
    assert result.exit_code == 0
    assert result.stdout.splitlines() == [
        "Creating network app_back",
        "Creating network app_default",
        "Creating network app_front",
        "Creating config app_nginx_conf",
        "Creating service app_agent",
        "Creating service app_db",
        "Creating service app_web",
    ]
    assert result.stderr == NOTICE
    store = swarm.ctx.store
    networks = {n.name: n for n in store.networks.values()}
    for name in ("app_back", "app_default", "app_front"):
        assert networks[name].driver == "overlay"
        assert dict(networks[name].labels) == {"com.docker.stack.namespace": "app"}
    assert networks["app_back"].attachable and not networks["app_front"].attachable
    assert dict(networks["traefik-public"].labels) == {}
    (config,) = store.configs.values()  # type: ignore[attr-defined]
    assert config.spec.name == "app_nginx_conf" and config.spec.data == b"events {}\n"
    assert dict(config.spec.labels) == {"com.docker.stack.namespace": "app"}
    (secret,) = store.secrets.values()  # type: ignore[attr-defined]
    assert secret.spec.name == "db_pw" and dict(secret.spec.labels) == {}

    web = _service(swarm, "app_web").spec
    assert web.image == "nginx:1.25" and web.replicas == 3
    assert dict(web.labels) == {
        "com.docker.stack.image": "nginx:1.25",
        "com.docker.stack.namespace": "app",
        "traefik.enable": "true",
    }
    assert dict(web.task.container.labels) == {"com.docker.stack.namespace": "app"}
    assert web.task.networks == (
        _network_id(swarm, "app_front"),
        _network_id(swarm, "traefik-public"),
    )
    assert dict(web.task.network_aliases) == {
        _network_id(swarm, "app_front"): ("www", "web"),
        _network_id(swarm, "traefik-public"): ("web",),
    }
    assert [(p.published_port, p.target_port, p.protocol) for p in web.endpoint.ports] == [
        (8080, 80, "tcp")
    ]
    assert web.update.parallelism == 1 and web.update.delay == 10.0
    assert web.update.order == UpdateOrder.START_FIRST
    assert web.task.restart.condition.cli_name == "on-failure" and web.task.restart.delay == 2.0
    (ref,) = web.task.container.configs
    assert (ref.config_id, ref.config_name) == (config.id, "app_nginx_conf")
    assert ref.target == FileTarget("/etc/nginx/nginx.conf", "0", "0", 0o444)

    agent = _service(swarm, "app_agent").spec
    assert agent.mode == ServiceMode.GLOBAL
    assert agent.task.placement.constraints == ("node.platform.os == linux",)
    assert agent.task.networks == (_network_id(swarm, "app_default"),)

    db = _service(swarm, "app_db").spec
    assert db.task.placement.preferences == ("node.labels.zone",)
    assert db.task.placement.max_replicas == 1
    assert db.task.container.env == ("PGDATA=/data", "POSTGRES_PASSWORD_FILE=/run/secrets/db_pw")
    (sref,) = db.task.container.secrets
    assert (sref.secret_id, sref.secret_name) == (secret.id, "db_pw")
    assert sref.target == FileTarget("db_pw", "0", "0", 0o400)
    (mount,) = db.task.container.mounts
    assert (mount.type, mount.source, mount.target) == (
        "volume",
        "app_db-data",
        "/var/lib/postgresql/data",
    )

    swarm.advance(60)
    assert len(_running(swarm, _service(swarm, "app_web").id)) == 3
    assert len(_running(swarm, _service(swarm, "app_agent").id)) == 4
    assert len(_running(swarm, _service(swarm, "app_db").id)) == 1


def test_ls_services_and_ps(stack_dir: Path) -> None:
    swarm = _swarm()
    assert swarm.docker("docker stack deploy -c stack.yml app").ok
    swarm.advance(60)
    assert swarm.docker("docker stack ls").stdout == "NAME      SERVICES\napp       3\n"
    lines = swarm.docker("docker stack services app").stdout.splitlines()
    assert lines[0].split() == ["ID", "NAME", "MODE", "REPLICAS", "IMAGE", "PORTS"]
    assert [line.split()[1:5] for line in lines[1:]] == [
        ["app_agent", "global", "4/4", "portainer/agent:2.19"],
        ["app_db", "replicated", "1/1", "(max"],
        ["app_web", "replicated", "3/3", "nginx:1.25"],
    ]
    assert lines[3].endswith("*:8080->80/tcp")
    ps = swarm.docker("docker stack ps app --filter desired-state=running").stdout.splitlines()
    assert len(ps) == 1 + 4 + 1 + 3
    assert sorted(line.split()[1] for line in ps[1:] if "app_web" in line) == [
        "app_web.1",
        "app_web.2",
        "app_web.3",
    ]
    none = swarm.docker("docker stack services other")
    assert (none.stdout, none.stderr, none.exit_code) == ("", "Nothing found in stack: other\n", 0)
    missing = swarm.docker("docker stack ps other")
    assert (missing.stderr, missing.exit_code) == ("nothing found in stack: other\n", 1)


def test_ls_services_and_ps_take_go_templates(stack_dir: Path) -> None:
    swarm = _swarm()
    assert swarm.docker("docker stack deploy -c stack.yml app").ok
    swarm.advance(60)
    assert swarm.docker("docker stack ls --format '{{.Name}}={{.Services}}'").stdout == "app=3\n"
    assert swarm.docker("docker stack ls --format json").stdout == (
        '{"Name":"app","Services":"3"}\n'
    )
    names = swarm.docker("docker stack services app --format '{{.Name}} {{.Mode}}'").stdout
    assert names == "app_agent global\napp_db replicated\napp_web replicated\n"
    quiet = swarm.docker("docker stack services -q app").stdout.split()
    assert len(quiet) == 3 and all(len(i) == 12 for i in quiet)
    ps = swarm.docker(
        "docker stack ps app --filter desired-state=running --format '{{.Name}}'"
    ).stdout.split()
    assert sorted(n for n in ps if n.startswith("app_web")) == [
        "app_web.1",
        "app_web.2",
        "app_web.3",
    ]
    bad = swarm.docker("docker stack ls --format '{{.Nope'")
    assert bad.exit_code != 0 and bad.stderr.startswith("template parsing error:")


def test_redeploy_updates_every_service_and_rolls_only_the_changed_one(
    stack_dir: Path,
) -> None:
    swarm = _swarm()
    assert swarm.docker("docker stack deploy -c stack.yml app").ok
    swarm.advance(60)
    ids = {name: _service(swarm, f"app_{name}").id for name in ("agent", "db", "web")}
    before = {name: _running(swarm, sid) for name, sid in ids.items()}
    set_stack_environment(swarm, {"PGDATA": "/data", "WEB_TAG": "1.26"})
    result = swarm.docker("docker stack deploy --detach=true -c stack.yml app")
    assert result.exit_code == 0 and result.stderr == ""
    assert result.stdout.splitlines() == [
        f"Updating service app_agent (id: {ids['agent']})",
        f"Updating service app_db (id: {ids['db']})",
        f"Updating service app_web (id: {ids['web']})",
    ]
    web = _service(swarm, "app_web")
    assert web.spec.image == "nginx:1.26" and web.previous_spec is not None
    assert dict(web.spec.labels)["com.docker.stack.image"] == "nginx:1.26"
    counts = []
    for _ in range(90):
        swarm.advance(1)
        counts.append(len(_running(swarm, web.id)))
    # start-first, one task at a time: a new task runs beside the three old ones, never more
    assert max(counts) == 4 and min(counts) >= 3
    assert web.update_status is not None and web.update_status.state.api_name == "completed"
    new = _running(swarm, web.id)
    assert len(new) == 3 and not set(new) & set(before["web"])
    images = {swarm.ctx.store.tasks[t].spec.container.image for t in new}
    assert images == {"nginx:1.26"}
    assert _running(swarm, ids["agent"]) == before["agent"]
    assert _running(swarm, ids["db"]) == before["db"]


def test_prune_removes_services_no_longer_in_the_file(stack_dir: Path) -> None:
    swarm = _swarm()
    assert swarm.docker("docker stack deploy -c stack.yml app").ok
    (stack_dir / "small.yml").write_text(
        "services:\n  web:\n    image: nginx:1.25\n    ports: ['8080:80']\n"
    )
    result = swarm.docker("docker stack deploy -d -c small.yml --prune app")
    web = _service(swarm, "app_web")
    assert result.stdout.splitlines() == [
        "Removing service app_agent",
        "Removing service app_db",
        f"Updating service app_web (id: {web.id})",
    ]
    assert sorted(s.spec.name for s in swarm.ctx.store.services.values()) == ["app_web"]
    assert web.spec.task.networks == (_network_id(swarm, "app_default"),)


def test_rm_removes_services_config_and_networks_line_by_line(stack_dir: Path) -> None:
    swarm = _swarm()
    assert swarm.docker("docker stack deploy -c stack.yml app").ok
    swarm.advance(60)
    result = swarm.docker("docker stack rm app")
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout.splitlines() == [
        "Removing service app_agent",
        "Removing service app_db",
        "Removing service app_web",
        "Removing config app_nginx_conf",
        "Removing network app_back",
        "Removing network app_default",
        "Removing network app_front",
    ]
    store = swarm.ctx.store
    assert not store.services and not store.configs  # type: ignore[attr-defined]
    assert sorted(n.name for n in store.networks.values()) == ["ingress", "traefik-public"]
    assert [s.spec.name for s in store.secrets.values()] == ["db_pw"]  # type: ignore[attr-defined]
    swarm.advance(30)
    assert all(t.state > TaskState.RUNNING for t in store.tasks.values())
    again = swarm.docker("docker stack rm app")
    assert (again.stdout, again.stderr, again.exit_code) == ("", "Nothing found in stack: app\n", 0)


def test_missing_external_network_creates_nothing(stack_dir: Path) -> None:
    swarm = _swarm(external=False)
    networks = sorted(swarm.ctx.store.networks)
    result = swarm.docker("docker stack deploy -c stack.yml app")
    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr == NOTICE + (
        'network "traefik-public" is declared as external, but could not be found. You need '
        "to create a swarm-scoped network before the stack is deployed\n"
    )
    assert sorted(swarm.ctx.store.networks) == networks and not swarm.ctx.store.services


def test_missing_external_secret_fails_after_networks_and_config_like_docker(
    stack_dir: Path,
) -> None:
    swarm = _swarm(secret=False)
    result = swarm.docker("docker stack deploy -c stack.yml app")
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        "Creating network app_back",
        "Creating network app_default",
        "Creating network app_front",
        "Creating config app_nginx_conf",
    ]
    assert result.stderr == NOTICE + "stack.yml:38:5: service db: secret not found: db_pw\n"
    assert not swarm.ctx.store.services


def test_warnings_for_ignored_options_come_first(stack_dir: Path) -> None:
    (stack_dir / "w.yml").write_text(
        textwrap.dedent(
            """\
            services:
              web:
                image: nginx
                build: .
                restart: always
                links: [db]
                container_name: web
                expose: ["80"]
                depends_on: [db]
            """
        )
    )
    swarm = _swarm()
    result = swarm.docker("docker stack deploy -c w.yml app")
    assert result.stderr == (
        "Ignoring unsupported options: build, links, restart\n\n"
        "Ignoring deprecated options:\n\n"
        "container_name: Setting the container name is not supported.\n\n"
        "expose: Exposing ports is unnecessary - services on the same network can access "
        "each other's containers on any port.\n\n" + NOTICE
    )
    assert result.stdout == "Creating network app_default\nCreating service app_web\n"


def test_detach_false_waits_for_each_service(stack_dir: Path) -> None:
    (stack_dir / "one.yml").write_text("services:\n  web:\n    image: nginx\n")
    swarm = _swarm()
    result = swarm.docker("docker stack deploy --detach=false -c one.yml app")
    assert result.exit_code == 0 and result.stderr == ""
    lines = result.stdout.splitlines()
    assert lines[:2] == ["Creating network app_default", "Creating service app_web"]
    service_id = _service(swarm, "app_web").id
    assert lines[-1] == f"verify: Service {service_id} converged "


def test_bad_flags_and_names() -> None:
    swarm = Swarm(seed=1, managers=1)
    cases = {
        "docker stack deploy app": "specify a Compose file (with --compose-file)",
        "docker stack deploy -c x.yml --resolve-image sometimes app": (
            "open x.yml: no such file or directory"
        ),
        "docker stack deploy -c x.yml ' '": 'invalid stack name: " "',
        "docker stack ps": "docker: 'docker stack ps' requires 1 argument",
    }
    for line, message in cases.items():
        result = swarm.docker(line)
        assert (result.stderr, result.exit_code) == (message + "\n", 1), line


def test_config_prints_the_merged_interpolated_file(stack_dir: Path) -> None:
    (stack_dir / "a.yml").write_text(
        "version: '3.8'\nservices:\n  web:\n    image: nginx:${TAG:-1}\n    environment: [A=1]\n"
    )
    (stack_dir / "b.yml").write_text(
        "version: '3.8'\nservices:\n  web:\n    environment: {B: '2'}\n    deploy: {replicas: 2}\n"
    )
    swarm = _swarm()
    result = swarm.docker("docker stack config -c a.yml -c b.yml")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == textwrap.dedent(
        """\
        version: "3.8"
        services:
          web:
            deploy:
              replicas: 2
            environment:
              A: "1"
              B: "2"
            image: nginx:1
        """
    )
    raw = swarm.docker("docker stack config --skip-interpolation -c a.yml").stdout
    assert "image: nginx:${TAG:-1}" in raw


def test_same_file_and_seed_give_the_same_transcript(stack_dir: Path) -> None:
    lines = [
        "docker stack deploy -c stack.yml app",
        "sleep 45",
        "docker stack ps app",
        "docker stack services app",
        "docker service inspect app_web",
        "docker stack rm app",
        "sleep 20",
        "docker stack ls",
    ]
    first = transcript(_swarm(), lines)
    assert first == transcript(_swarm(), lines)
    assert "Removing network app_front" in first


def test_inspect_shows_the_compose_only_fields(stack_dir: Path) -> None:
    (stack_dir / "c.yml").write_text(
        textwrap.dedent(
            """\
            services:
              web:
                image: nginx
                entrypoint: [/entry.sh]
                command: [run]
                hostname: front
                working_dir: /srv
                user: www
                extra_hosts: ["db:10.0.0.5"]
                dns: [8.8.8.8]
                volumes: [data:/data:ro]
                networks:
                  front: {aliases: [www]}
            networks:
              front:
            volumes:
              data:
            """
        )
    )
    swarm = _swarm()
    assert swarm.docker("docker stack deploy -d -c c.yml app").ok
    spec = json.loads(swarm.docker("docker service inspect app_web").stdout)[0]["Spec"]
    container = spec["TaskTemplate"]["ContainerSpec"]
    assert list(container)[:9] == [
        "Image", "Labels", "Command", "Args", "Hostname", "Dir", "User", "Init", "Mounts",
    ]  # fmt: skip
    assert container["Command"] == ["/entry.sh"] and container["Args"] == ["run"]
    assert container["Mounts"] == [
        {"Type": "volume", "Source": "app_data", "Target": "/data", "ReadOnly": True}
    ]
    assert container["Hosts"] == ["10.0.0.5 db"]
    assert container["DNSConfig"] == {"Nameservers": ["8.8.8.8"]}
    assert spec["TaskTemplate"]["Networks"] == [
        {"Target": _network_id(swarm, "app_front"), "Aliases": ["www", "web"]}
    ]
    pretty = swarm.docker("docker service inspect --pretty app_web").stdout
    assert " Dir:\t\t/srv\n Init:\t\tfalse\n User: www\nMounts:\n Target:\t/data\n" in pretty
    assert "  Source:\tapp_data\n  ReadOnly:\ttrue\n  Type:\t\tvolume\n" in pretty


FILE_SECRET = """\
services:
  db:
    image: postgres:16
    secrets: [db_pw]
secrets:
  db_pw:
    file: ./pw.txt
    labels: {team: data}
"""


def test_file_secret_is_created_kept_and_never_changed(stack_dir: Path) -> None:
    (stack_dir / "s.yml").write_text(FILE_SECRET)
    (stack_dir / "pw.txt").write_text("hunter2")
    swarm = _swarm(secret=False)
    first = swarm.docker("docker stack deploy -d -c s.yml app")
    assert first.stdout.splitlines() == [
        "Creating network app_default",
        "Creating secret app_db_pw",
        "Creating service app_db",
    ]
    (secret,) = swarm.ctx.store.secrets.values()  # type: ignore[attr-defined]
    assert (secret.spec.name, secret.spec.data) == ("app_db_pw", b"hunter2")
    assert dict(secret.spec.labels) == {"com.docker.stack.namespace": "app", "team": "data"}
    db = _service(swarm, "app_db")
    assert [r.secret_id for r in db.spec.task.container.secrets] == [secret.id]
    # same data, new labels: the labels are updated, nothing is printed for the secret
    (stack_dir / "s.yml").write_text(FILE_SECRET.replace("team: data", "team: db"))
    again = swarm.docker("docker stack deploy -d -c s.yml app")
    assert again.stdout == f"Updating service app_db (id: {db.id})\n"
    assert dict(secret.spec.labels)["team"] == "db"
    # new data: secrets are immutable
    (stack_dir / "pw.txt").write_text("changed")
    refused = swarm.docker("docker stack deploy -d -c s.yml app")
    assert (refused.stdout, refused.exit_code) == ("", 1)
    assert refused.stderr == (
        "failed to update secret app_db_pw: Error response from daemon: rpc error: code = "
        "InvalidArgument desc = only updates to Labels are allowed\n"
    )
    assert secret.spec.data == b"hunter2"


def test_rm_reports_what_it_could_not_remove(stack_dir: Path) -> None:
    (stack_dir / "s.yml").write_text(FILE_SECRET)
    (stack_dir / "pw.txt").write_text("hunter2")
    (stack_dir / "other.yml").write_text(
        "services:\n  db:\n    image: postgres:16\n    secrets: [pw]\n"
        "secrets:\n  pw:\n    external: true\n    name: app_db_pw\n"
    )
    swarm = _swarm(secret=False)
    assert swarm.docker("docker stack deploy -d -c s.yml app").ok
    assert swarm.docker("docker stack deploy -d -c other.yml other").ok
    (secret,) = swarm.ctx.store.secrets.values()  # type: ignore[attr-defined]
    result = swarm.docker("docker stack rm app other")
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        "Removing service app_db",
        "Removing secret app_db_pw",
        "Removing network app_default",
        "Removing service other_db",
        "Removing network other_default",
    ]
    prefix = f"Failed to remove secret {secret.id}: Error response from daemon: "
    assert result.stderr.startswith(prefix)
    assert result.stderr.endswith(
        "in use by the following service: other_db"  # docker prints no newline here
        "failed to remove some resources from stack: app\n"
    )
    assert list(swarm.ctx.store.secrets.values()) == [secret]  # type: ignore[attr-defined]


def test_rm_detach_false_waits_until_the_tasks_stopped(stack_dir: Path) -> None:
    (stack_dir / "one.yml").write_text(
        "services:\n  web:\n    image: nginx\n    deploy: {replicas: 2}\n"
    )
    swarm = _swarm()
    assert swarm.docker("docker stack deploy -d -c one.yml app").ok
    swarm.advance(30)
    start = swarm.now
    result = swarm.docker("docker stack rm --detach=false app")
    assert result.stdout == "Removing service app_web\nRemoving network app_default\n"
    assert swarm.now > start
    assert all(t.state > TaskState.RUNNING for t in swarm.ctx.store.tasks.values())


def test_daemon_errors_name_the_service(stack_dir: Path) -> None:
    (stack_dir / "p.yml").write_text("services:\n  web:\n    image: nginx\n    ports: ['80:80']\n")
    swarm = _swarm()
    assert swarm.docker("docker service create --name busy -p 80:80 -d nginx").ok
    busy = _service(swarm, "busy")
    result = swarm.docker("docker stack deploy -d -c p.yml app")
    assert (result.stdout, result.exit_code) == (
        "Creating network app_default\nCreating service app_web\n",
        1,
    )
    assert result.stderr == (
        "failed to create service app_web: Error response from daemon: rpc error: code = "
        f"InvalidArgument desc = port '80' is already in use by service 'busy' ({busy.id}) "
        "as an ingress port\n"
    )


def test_rotating_a_secret_under_a_new_name_rolls_the_service(stack_dir: Path) -> None:
    text = (
        "services:\n  db:\n    image: postgres:16\n    deploy: {replicas: 2}\n"
        "    secrets: [{source: pw, target: db_pw}]\n"
        "secrets:\n  pw:\n    name: db_pw_v1\n    file: ./pw1.txt\n"
    )
    (stack_dir / "s.yml").write_text(text)
    (stack_dir / "pw1.txt").write_text("one")
    (stack_dir / "pw2.txt").write_text("two")
    swarm = _swarm(secret=False)
    assert swarm.docker("docker stack deploy -d -c s.yml app").ok
    swarm.advance(30)
    db = _service(swarm, "app_db")
    old = _running(swarm, db.id)
    (stack_dir / "s.yml").write_text(text.replace("v1", "v2").replace("pw1", "pw2"))
    result = swarm.docker("docker stack deploy -d -c s.yml app")
    assert result.stdout.splitlines() == [
        "Creating secret db_pw_v2",
        f"Updating service app_db (id: {db.id})",
    ]
    (ref,) = db.spec.task.container.secrets
    assert (ref.secret_name, ref.target.name) == ("db_pw_v2", "db_pw")
    swarm.advance(60)
    new = _running(swarm, db.id)
    assert len(new) == 2 and not set(new) & set(old)
    names = sorted(s.spec.name for s in swarm.ctx.store.secrets.values())  # type: ignore[attr-defined]
    assert names == ["db_pw_v1", "db_pw_v2"]


def test_help_shows_dockers_defaults() -> None:
    text = Swarm(seed=1, managers=1).docker("docker stack rm --help").stdout
    assert text == (
        "\nUsage:  docker stack rm [OPTIONS] STACK [STACK...]\n\n"
        "Remove one or more stacks\n\n"
        "Aliases:\n  docker stack rm, docker stack remove, docker stack down\n\n"
        "Options:\n  -d, --detach   Do not wait for stack removal (default true)\n"
    )


def test_compose_file_from_standard_input(stack_dir: Path) -> None:
    from swarmsim.cli.docker import Output
    from swarmsim.cli.docker.stack import stack_deploy

    swarm = _swarm()
    out = Output()
    out.stdin = "services:\n  web:\n    image: nginx\n"  # type: ignore[attr-defined]
    stack_deploy(swarm, ["-d", "-c", "-", "app"], out)
    assert "".join(out.stdout) == "Creating network app_default\nCreating service app_web\n"


def test_jobs_run_to_completion_and_again_on_each_deploy(stack_dir: Path) -> None:
    (stack_dir / "jobs.yml").write_text(
        "services:\n"
        "  migrate:\n    image: job:1\n    deploy: {mode: replicated-job, replicas: 2}\n"
        "  seed:\n    image: job:1\n    deploy: {mode: global-job}\n"
    )
    swarm = _swarm()
    swarm.images.set("job:1", exits_after=10.0)
    assert swarm.docker("docker stack deploy -d -c jobs.yml app").ok
    swarm.advance(30)
    services = "docker stack services --format '{{.Name}}|{{.Mode}}|{{.Replicas}}' app"
    assert swarm.docker(services).stdout == (
        "app_migrate|replicated job|0/2 (2/2 completed)\napp_seed|global job|0/0 (4/4 completed)\n"
    )
    migrate = _service(swarm, "app_migrate")
    assert (migrate.spec.max_concurrent, migrate.job_iteration) == (2, 0)
    # a deploy updates every service, which runs a job again; --detach=false follows it
    result = swarm.docker("docker stack deploy --detach=false -c jobs.yml app")
    assert result.exit_code == 0 and result.stderr == ""
    assert result.stdout.count("job complete\n") == 2
    assert [_service(swarm, n).job_iteration for n in ("app_migrate", "app_seed")] == [1, 1]
    assert swarm.docker(services).stdout == (
        "app_migrate|replicated job|0/2 (2/2 completed)\napp_seed|global job|0/0 (4/4 completed)\n"
    )


def test_a_job_with_an_update_config_is_refused_by_the_daemon(stack_dir: Path) -> None:
    (stack_dir / "jobs.yml").write_text(
        "services:\n"
        "  migrate:\n    image: job:1\n"
        "    deploy: {mode: replicated-job, update_config: {parallelism: 2}}\n"
    )
    swarm = _swarm()
    result = swarm.docker("docker stack deploy -d -c jobs.yml app")
    assert (result.exit_code, result.stderr) == (
        1,
        "failed to create service app_migrate: Error response from daemon: rpc error: "
        "code = InvalidArgument desc = Jobs may not have an update config\n",
    )
    assert [s.spec.name for s in swarm.ctx.store.services.values()] == []
    # the same file without it deploys
    (stack_dir / "jobs.yml").write_text(
        "services:\n  migrate:\n    image: job:1\n    deploy: {mode: replicated-job}\n"
    )
    assert swarm.docker("docker stack deploy -d -c jobs.yml app").ok
