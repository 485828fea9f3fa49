"""One run's outputs appear together or not at all: temporary names, one commit, rollback, recovery.

Every writer of the plugin goes through ``geopackage.atomic_path`` (GeoPackages, HTML pages, CSV, the
heat-map GeoTIFF and its .qml) or :func:`staged_folder` (report and notice folders). Both write under a
temporary name in the destination folder (``.<name>.gimpo-<pid>-<random>.tmp<suffix>``) and then put the
file in place. Outside a run that is an immediate ``os.replace``, as before. Inside a run
(:func:`run_transaction`, opened by the Processing base class around every algorithm) the replacement is
journalled: the file it replaces is kept as a backup until the run ends, so that

- a run that fails after writing part of its outputs (the GeoPackage written, then the HTML report
  fails) restores the previous outputs and removes the new ones (:meth:`RunTransaction.rollback`);
- a report folder is replaced whole: the new folder is built beside the old and swapped in, so no page
  of an earlier run stays beside the new index;
- SIGTERM rolls every open run back before the process ends (:func:`install_sigterm_cleanup`);
- a run killed with SIGKILL leaves its journal (``~/.cache/gimpo_gis/runs/<pid>.journal``); the next run
  of any algorithm finds it, sees that the process is gone and rolls it back (:func:`recover_stale_runs`).

Files still appear at their final names during the run (a permit run renders its map images from the
GeoPackage it has just written); only the commit at the end makes them final. No qgis import here.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import signal
import threading
from collections.abc import Iterator
from pathlib import Path

TEMP_MARK = ".gimpo-"
_LOCK = threading.RLock()
_OPEN: list[RunTransaction] = []  # every open run of this process (SIGTERM rolls them all back)
_LOCAL = threading.local()  # the open run of this thread (QGIS runs algorithms in worker threads)


def journal_folder() -> Path:
    """Where runs keep their journals (one file per process; removed at commit)."""
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "gimpo_gis" / "runs"


def temp_name(target: Path, kind: str = "tmp", suffix: str | None = None) -> Path:
    """A unique hidden name beside ``target`` that says which process made it (for recovery)."""
    target = Path(target)
    ending = target.suffix if suffix is None else suffix
    token = secrets.token_hex(4)
    return target.with_name(f".{target.stem}{TEMP_MARK}{os.getpid()}-{token}.{kind}{ending}")


class RunTransaction:
    """The files one run replaced or created, with the backups of what they replaced."""

    def __init__(self) -> None:
        self.entries: list[tuple[str, Path, Path | None]] = []  # (kind, target-or-temp, backup)
        self.journal = journal_folder() / f"{os.getpid()}.journal"

    # -- recording -----------------------------------------------------------------------------------

    def _record(self, kind: str, path: Path, backup: Path | None = None) -> None:
        with _LOCK:
            self.entries.append((kind, Path(path), backup))
            self._save()

    def _save(self) -> None:
        lines = []
        with _LOCK:
            for run in _OPEN:  # one journal per process: every open run's entries
                lines += [f"{kind}\t{path}\t{backup or ''}" for kind, path, backup in run.entries]
        try:
            self.journal.parent.mkdir(parents=True, exist_ok=True)
            temporary = self.journal.with_suffix(".new")
            temporary.write_text("\n".join(lines) + "\n", encoding="utf-8")
            os.replace(temporary, self.journal)
        except OSError:  # no cache folder: rollback in this process still works, only recovery after -9 not
            pass

    def temp(self, path: Path) -> None:
        """A temporary file or folder of this run: removed at rollback, never left after a kill."""
        self._record("temp", path)

    def forget_temp(self, path: Path) -> None:
        with _LOCK:
            self.entries = [e for e in self.entries if not (e[0] == "temp" and e[1] == Path(path))]

    def put_in_place(self, temporary: Path, target: Path) -> None:
        """Move ``temporary`` onto ``target``, keeping what was there as a backup until the commit."""
        temporary, target = Path(temporary), Path(target)
        backup = None
        if target.exists() or target.is_symlink():
            backup = temp_name(target, "bak")
            self._record("replaced", target, backup)
            os.replace(target, backup)
        else:
            self._record("created", target)
        os.replace(temporary, target)
        self.forget_temp(temporary)

    # -- ending --------------------------------------------------------------------------------------

    def commit(self) -> None:
        """The run succeeded: drop the backups and the journal."""
        for kind, path, backup in self.entries:
            if kind == "replaced" and backup is not None:
                _remove(backup)
            elif kind == "temp":
                _remove(path)
        self.entries = []
        self._close()

    def rollback(self) -> None:
        """The run failed or was stopped: remove what it created, put back what it replaced."""
        undo_entries(self.entries)
        self.entries = []
        self._close()

    def _close(self) -> None:
        with _LOCK:
            if self in _OPEN:
                _OPEN.remove(self)
            if _OPEN:
                _OPEN[0]._save()
            else:
                with contextlib.suppress(OSError):
                    self.journal.unlink()


def undo_entries(entries: list[tuple[str, Path, Path | None]]) -> None:
    """Undo journal entries, newest first (a file replaced twice gets its first backup back)."""
    for kind, path, backup in reversed(entries):
        with contextlib.suppress(OSError):
            if kind == "temp" or kind == "created":
                _remove(path)
            elif kind == "replaced" and backup is not None and (backup.exists() or backup.is_symlink()):
                _remove(path)
                os.replace(backup, path)


def _remove(path: Path) -> None:
    with contextlib.suppress(FileNotFoundError, NotADirectoryError):
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink()


def current() -> RunTransaction | None:
    """The run open in this thread, if any."""
    return getattr(_LOCAL, "run", None)


@contextlib.contextmanager
def run_transaction() -> Iterator[RunTransaction]:
    """Open a run: its outputs are committed when the block ends normally, rolled back otherwise.

    A run inside a run (a model step run by a Python model) commits with its own block.
    """
    recover_stale_runs()
    run = RunTransaction()
    outer = current()
    with _LOCK:
        _OPEN.append(run)
    _LOCAL.run = run
    try:
        yield run
    except BaseException:
        run.rollback()
        raise
    else:
        run.commit()
    finally:
        _LOCAL.run = outer


def register_temp(path: Path) -> None:
    """Record a temporary file of the open run (nothing outside a run)."""
    run = current()
    if run is not None:
        run.temp(path)


def put_in_place(temporary: Path, target: Path) -> None:
    """``os.replace`` outside a run; a journalled replacement inside one (see the module docstring)."""
    run = current()
    if run is None or _inside_temp_folder(run, Path(target)):
        os.replace(temporary, target)
        if run is not None:
            run.forget_temp(Path(temporary))
        return
    run.put_in_place(Path(temporary), Path(target))


def _inside_temp_folder(run: RunTransaction, target: Path) -> bool:
    """A page written into a folder that is itself being staged is committed with the folder."""
    folders = [path for kind, path, _ in run.entries if kind == "temp" and path.is_dir()]
    return any(folder in target.parents for folder in folders)


@contextlib.contextmanager
def staged_folder(folder: Path) -> Iterator[Path]:
    """Yield a new empty folder beside ``folder``; on success it replaces ``folder`` whole.

    Outside a run the old folder is removed once the new one is in place; inside a run it is kept as the
    backup until the run commits (so a failed run gets its old report back).
    """
    folder = Path(folder)
    folder.parent.mkdir(parents=True, exist_ok=True)
    sweep_stale(folder.parent)
    staging = temp_name(folder, "tmp", "")
    staging.mkdir()
    register_temp(staging)
    try:
        yield staging
    except BaseException:
        _remove(staging)
        run = current()
        if run is not None:
            run.forget_temp(staging)
        raise
    run = current()
    if run is None:
        old = temp_name(folder, "bak", "") if folder.exists() else None
        if old is not None:
            os.replace(folder, old)
        os.replace(staging, folder)
        if old is not None:
            _remove(old)
    else:
        run.put_in_place(staging, folder)


# -- signals and recovery -----------------------------------------------------------------------------


def rollback_all() -> None:
    """Roll back every open run of this process (SIGTERM, interpreter exit after a failure)."""
    with _LOCK:
        runs = list(_OPEN)
    for run in reversed(runs):
        run.rollback()


_PREVIOUS_HANDLER: object = None


def install_sigterm_cleanup() -> bool:
    """Roll back open runs on SIGTERM, then end the process as SIGTERM would (exit status 143).

    Only the main thread may set a signal handler (qgis_process runs algorithms there; the desktop,
    whose runs are in worker threads, keeps QGIS's own handling); returns whether it was installed.
    """
    global _PREVIOUS_HANDLER
    if threading.current_thread() is not threading.main_thread():
        return False
    if signal.getsignal(signal.SIGTERM) is _on_sigterm:
        return True
    try:
        _PREVIOUS_HANDLER = signal.signal(signal.SIGTERM, _on_sigterm)
    except (ValueError, OSError):
        return False
    return True


def _on_sigterm(signum: int, frame: object) -> None:
    rollback_all()
    previous = _PREVIOUS_HANDLER
    if callable(previous):
        previous(signum, frame)
        return
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    os.kill(os.getpid(), signal.SIGTERM)


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def recover_stale_runs() -> int:
    """Roll back the runs of processes that died without committing (kill -9); return how many."""
    folder = journal_folder()
    recovered = 0
    for journal in sorted(folder.glob("*.journal")) if folder.is_dir() else []:
        try:
            pid = int(journal.stem)
        except ValueError:
            continue
        if _alive(pid):
            continue
        entries = []
        for line in journal.read_text(encoding="utf-8").splitlines():
            parts = line.split("\t")
            if len(parts) == 3 and parts[0] in ("temp", "created", "replaced"):
                entries.append((parts[0], Path(parts[1]), Path(parts[2]) if parts[2] else None))
        undo_entries(entries)
        for folder_touched in {path.parent for _, path, _ in entries}:
            sweep_stale(folder_touched)
        with contextlib.suppress(OSError):
            journal.unlink()
        recovered += 1
    return recovered


def sweep_stale(folder: Path) -> int:
    """Remove temporary files and folders of dead processes from ``folder``; return how many.

    A backup of a dead run whose target is missing is put back (its run was between the two renames).
    """
    removed = 0
    try:
        candidates = [p for p in Path(folder).iterdir() if TEMP_MARK in p.name and p.name.startswith(".")]
    except OSError:
        return 0
    for path in candidates:
        stem, _, rest = path.name[1:].partition(TEMP_MARK)
        pid_text = rest.split("-", 1)[0]
        if not pid_text.isdigit() or _alive(int(pid_text)):
            continue
        kind_and_suffix = rest.split(".", 1)[1] if "." in rest else ""
        if kind_and_suffix.startswith("bak"):
            original = path.with_name(stem + kind_and_suffix[3:])
            if not original.exists():
                with contextlib.suppress(OSError):
                    os.replace(path, original)
                    removed += 1
                    continue
        _remove(path)
        removed += 1
    return removed


__all__ = [
    "RunTransaction",
    "current",
    "install_sigterm_cleanup",
    "put_in_place",
    "recover_stale_runs",
    "register_temp",
    "rollback_all",
    "run_transaction",
    "staged_folder",
    "sweep_stale",
    "temp_name",
]
