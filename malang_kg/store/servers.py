"""Which servers run over a store, and which builds they use: one record per running server in
``{STORE}/servers/<pid>.json``, written whole with one rename, so that ``malang-kg reload`` finds
the servers to signal and pruning never deletes a build a live server uses. A record whose
process is gone (or whose pid now belongs to another process) is ignored."""

from __future__ import annotations

import contextlib
import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path

SERVERS_DIR = "servers"
PID_FILE = "serve.pid"


@dataclass
class ServerRecord:
    pid: int
    url: str
    build_id: str  # the build new workers are forked with
    builds_in_use: list[str] = field(default_factory=list)  # by the master or any worker
    started: str = ""  # the process's start time (from /proc), to tell a reused pid
    reloads: int = 0  # reloads handled (SIGHUP), successful or not
    reload_error: str | None = None  # why the last reload kept the old build


def process_start(pid: int) -> str | None:
    """An identity of the running process ``pid`` (its start time in clock ticks since boot, or
    "" where /proc is missing), or None if there is no such process."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text(encoding="ascii")
    except FileNotFoundError:
        if Path("/proc/self/stat").exists():
            return None
    except OSError:
        return None
    else:
        fields = text[text.rindex(")") + 2 :].split()
        return None if fields[0] in ("Z", "X") else fields[19]
    try:  # no /proc (not Linux): signal 0 tells whether the process exists
        os.kill(pid, 0)
    except ProcessLookupError:
        return None
    except PermissionError:
        return ""
    return ""


def servers_dir(store: Path) -> Path:
    return store / SERVERS_DIR


def _write_atomically(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def write_record(store: Path, record: ServerRecord) -> None:
    record.builds_in_use = sorted(set(record.builds_in_use))
    _write_atomically(
        servers_dir(store) / f"{record.pid}.json", json.dumps(asdict(record), indent=2) + "\n"
    )


def write_pid_file(store: Path, pid: int) -> None:
    _write_atomically(store / PID_FILE, f"{pid}\n")


def remove_record(store: Path, pid: int) -> None:
    with contextlib.suppress(FileNotFoundError):
        (servers_dir(store) / f"{pid}.json").unlink()
    pid_file = store / PID_FILE
    with contextlib.suppress(OSError, ValueError):
        if int(pid_file.read_text(encoding="ascii").strip()) == pid:
            pid_file.unlink()


def read_record(path: Path) -> ServerRecord | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return ServerRecord(**data)
    except (OSError, ValueError, TypeError):
        return None


def is_live(record: ServerRecord) -> bool:
    start = process_start(record.pid)
    return start is not None and (not record.started or not start or start == record.started)


def live_servers(store: Path) -> list[ServerRecord]:
    """The records of the servers running over ``store`` (stale records are deleted)."""
    directory = servers_dir(store)
    if not directory.is_dir():
        return []
    found = []
    for path in sorted(directory.glob("*.json")):
        record = read_record(path)
        if record is None:
            continue
        if is_live(record):
            found.append(record)
        else:
            with contextlib.suppress(OSError):
                path.unlink()
    return found


def builds_in_use(store: Path) -> set[str]:
    """Every build a live server over ``store`` holds or is about to load."""
    return {build for record in live_servers(store) for build in record.builds_in_use}
