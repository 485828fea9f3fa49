"""The plugin's third-party Python packages: which are missing, and the exact command that installs them.

QGIS installs no plugin dependencies itself, so a missing package must give a message that names it,
says which tools need it and gives the command for the user's platform, never a traceback. The one list
of packages is ``resources/dependencies.csv`` (shipped in the plugin zip); requirements.txt, the README
section and metadata.txt are generated from it by ``scripts/sync_dependencies.py`` and a test fails when
they drift. This module imports no qgis or Qt: ``qgis_process``, the sync script and plain pytest use it.
"""

from __future__ import annotations

import csv
import importlib.metadata
import importlib.util
import os
import re
import shlex
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

from .core.paths import resource

CSV_NAME = "dependencies.csv"
ALL_TOOLS = "*"
# pip builds these from source on Linux so that they link the GEOS/GDAL that QGIS itself uses.
SOURCE_BUILDS = ("shapely", "pyogrio")
# What a from-source build needs on Debian (headers of the system GEOS/GDAL and a compiler).
DEBIAN_BUILD_PACKAGES = ("libgeos-dev", "libgdal-dev", "python3-dev", "build-essential")
DEBIAN_CODENAMES = {"bookworm": 12, "trixie": 13, "forky": 14}
NO_PYTHON_KO = "QGIS의 Python 실행 파일을 찾지 못했습니다. 위 명령을 직접 실행하세요."
NO_BUILD_TOOLS_KO = "소스 빌드 도구(cc, gdal-config, geos-config)가 없어 직접 설치해야 합니다."
APT_NEEDS_ROOT_KO = "apt 설치는 관리자 권한이 필요합니다: 위 명령을 터미널에서 실행하세요."
APT_FIRST_KO = "먼저 apt 명령을 터미널에서 실행하세요(관리자 권한). 그다음 pip 명령을 실행합니다."


@dataclass(frozen=True)
class Dependency:
    """One row of resources/dependencies.csv."""

    import_name: str
    requirement: str  # PEP 508, as in requirements.txt
    pip_name: str  # the name pip installs on Windows/macOS ("" = the requirement's name)
    install: str  # wheel | source (pip --no-binary on Linux) | system (Debian's/QGIS's build is kept)
    debian12: str  # the apt package whose Debian 12 version satisfies the requirement, "" if none
    debian13: str
    needed_by: tuple[str, ...]  # algorithm names (gimpo:<name>), or ("*",) for every tool
    feature_ko: str
    feature_en: str
    why: str

    @property
    def distribution(self) -> str:
        return re.split(r"[<>=!~\[; ]", self.requirement, maxsplit=1)[0]

    @property
    def specifier(self) -> str:
        return self.requirement[len(self.distribution) :].strip()

    @property
    def blocks_everything(self) -> bool:
        return ALL_TOOLS in self.needed_by

    def apt_package(self, debian_release: int) -> str:
        """The Debian package for this release (the newest column at or below it), "" if Debian's is too old."""
        columns = {12: self.debian12, 13: self.debian13}
        fitting = [release for release in columns if release <= debian_release]
        return columns[max(fitting)] if fitting else ""

    def pip_requirement(self, for_wheels_platform: bool) -> str:
        """The requirement as pip gets it; on Windows/macOS under the name that has wheels there."""
        if for_wheels_platform and self.pip_name:
            return f"{self.pip_name}{self.specifier}"
        return self.requirement


@dataclass(frozen=True)
class Problem:
    """A dependency that is absent, or present in a version outside its requirement."""

    dependency: Dependency
    found_version: str | None  # None: not importable

    def describe_ko(self) -> str:
        dep = self.dependency
        state = "없음" if self.found_version is None else f"{self.found_version} 설치됨, {dep.specifier} 필요"
        return f"{dep.import_name} ({state}; {dep.feature_ko})"

    def describe_en(self) -> str:
        dep = self.dependency
        state = "missing" if self.found_version is None else f"{self.found_version} installed, {dep.specifier} needed"
        return f"{dep.import_name} ({state}; {dep.feature_en})"


def load_dependencies(path: Path | None = None) -> list[Dependency]:
    """The rows of the dependency table, in file order."""
    source = path or resource(CSV_NAME)
    with open(source, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return [
        Dependency(
            import_name=row["import_name"].strip(),
            requirement=row["requirement"].strip(),
            pip_name=row["pip_name"].strip(),
            install=row["install"].strip(),
            debian12=row["debian12"].strip(),
            debian13=row["debian13"].strip(),
            needed_by=tuple(row["needed_by"].split()),
            feature_ko=row["feature_ko"].strip(),
            feature_en=row["feature_en"].strip(),
            why=row["why"].strip(),
        )
        for row in rows
    ]


def _installed_version(dependency: Dependency) -> str | None:
    try:
        return importlib.metadata.version(dependency.distribution)
    except importlib.metadata.PackageNotFoundError:
        return None


def _version_fits(version: str, specifier: str) -> bool:
    """Whether ``version`` satisfies ``specifier``; True when it cannot be judged (no ``packaging``)."""
    if not specifier:
        return True
    try:
        from packaging.specifiers import InvalidSpecifier, SpecifierSet
        from packaging.version import InvalidVersion, Version
    except ImportError:
        return True
    try:
        return Version(version) in SpecifierSet(specifier)
    except (InvalidSpecifier, InvalidVersion):
        return True


def is_importable(import_name: str) -> bool:
    """The one place that asks whether a package is there (tests simulate a missing one through it)."""
    try:
        return importlib.util.find_spec(import_name) is not None
    except (ImportError, ValueError):
        return False


def problems(dependencies: list[Dependency] | None = None) -> list[Problem]:
    """Every dependency that is not importable, or whose installed version misses its requirement."""
    found = []
    for dependency in dependencies or load_dependencies():
        if not is_importable(dependency.import_name):
            found.append(Problem(dependency, None))
            continue
        version = _installed_version(dependency)
        if version is not None and not _version_fits(version, dependency.specifier):
            found.append(Problem(dependency, version))
    return found


def problems_for(algorithm_name: str, found: list[Problem] | None = None) -> list[Problem]:
    """The problems that stop one tool (gimpo:<algorithm_name>), including those that stop every tool."""
    return [
        p
        for p in (problems() if found is None else found)
        if p.dependency.blocks_everything or algorithm_name in p.dependency.needed_by
    ]


def missing_dependencies() -> list[str]:
    """Import names of the missing packages without which no algorithm can load (the provider's check)."""
    return [p.dependency.import_name for p in problems() if p.dependency.blocks_everything and p.found_version is None]


def require(*import_names: str) -> None:
    """Raise MissingDependencyError (Korean first, with the install command) if one of these is missing."""
    from .core.errors import MissingDependencyError

    by_name = {d.import_name: d for d in load_dependencies()}
    absent = [Problem(by_name[name], None) for name in import_names if not is_importable(name)]
    if absent:
        raise MissingDependencyError(problem_summary(absent), "\n".join(install_plan(absent).commands))


# --- platform and install commands ---------------------------------------------------------------------
@dataclass(frozen=True)
class InstallPlan:
    """What to run on this machine: shown as text, and (where that is safe) run by the plugin's button."""

    platform: str  # debian | windows | macos | linux
    commands: list[str]  # shell lines, in order
    runnable: list[str] | None  # argv of the pip --user command the button may run; None when not safe
    why_not_runnable: str = ""  # Korean, shown instead of the button


def detect_platform() -> str:
    if sys.platform == "win32":
        return "windows"
    if sys.platform == "darwin":
        return "macos"
    if Path("/etc/debian_version").is_file():
        return "debian"
    return "linux"


def debian_release(version_file: Path = Path("/etc/debian_version")) -> int:
    """12 for bookworm, 13 for trixie...; a testing/sid system ("trixie/sid") counts as that codename."""
    try:
        text = version_file.read_text(encoding="utf-8").strip()
    except OSError:
        return 12
    number = re.match(r"(\d+)", text)
    if number:
        return int(number.group(1))
    codename = text.split("/")[0]
    return DEBIAN_CODENAMES.get(codename, max(DEBIAN_CODENAMES.values()))


def qgis_python() -> Path | None:
    """The Python interpreter of the running QGIS (not QGIS's own binary, which sys.executable may name)."""
    version = f"{sys.version_info.major}.{sys.version_info.minor}"
    executable = Path(sys.executable) if sys.executable else None
    candidates = []
    if executable is not None and executable.name.lower().startswith("python"):
        candidates.append(executable)
    for prefix in dict.fromkeys((Path(sys.prefix), Path(sys.exec_prefix), Path(sys.base_prefix))):
        if sys.platform == "win32":
            candidates += [prefix / "python.exe", prefix / "python3.exe"]
        else:
            candidates += [prefix / "bin" / f"python{version}", prefix / "bin" / "python3"]
    if executable is not None and sys.platform == "darwin":  # QGIS.app/Contents/MacOS/QGIS -> .../MacOS/bin
        candidates.append(executable.parent / "bin" / "python3")
    for candidate in candidates:
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return candidate
    return None


def _quote(argument: str, platform: str) -> str:
    if platform == "windows":
        return f'"{argument}"' if any(c in argument for c in " <>|&^") else argument
    return shlex.quote(argument)


def _user_flag() -> list[str]:
    """pip --user (the user's site-packages, never the system's), except in a virtualenv, which refuses it."""
    return [] if sys.prefix != sys.base_prefix else ["--user"]


def _can_build_from_source() -> bool:
    return all(shutil.which(tool) for tool in ("cc", "gdal-config", "geos-config"))


def install_plan(found: list[Problem], platform: str | None = None, release: int | None = None) -> InstallPlan:
    """The commands that install ``found`` on ``platform`` (this machine's by default)."""
    platform = platform or detect_platform()
    python = qgis_python()
    deps = [p.dependency for p in found]
    if platform == "debian":
        return _debian_plan(deps, python, release if release is not None else debian_release())
    wheels_platform = platform in ("windows", "macos")
    pip_args = ["-m", "pip", "install", *_user_flag()]
    if not wheels_platform:
        pip_args += ["--no-binary", ",".join(SOURCE_BUILDS)]
    requirements = [d.pip_requirement(wheels_platform) for d in deps]
    quoted = " ".join(_quote(r, platform) for r in requirements)
    if platform == "windows":  # in the OSGeo4W Shell, "python" is QGIS's own Python
        commands = [f"python {' '.join(pip_args)} {quoted}"]
    else:
        interpreter = _quote(str(python) if python else "python3", platform)
        commands = [f"{interpreter} {' '.join(pip_args)} {quoted}"]
    needs_build = not wheels_platform and any(d.install == "source" for d in deps)
    if python is None:
        return InstallPlan(platform, commands, None, NO_PYTHON_KO)
    if needs_build and not _can_build_from_source():
        return InstallPlan(platform, commands, None, NO_BUILD_TOOLS_KO)
    return InstallPlan(platform, commands, [str(python), *pip_args, *requirements])


def _debian_plan(deps: list[Dependency], python: Path | None, release: int) -> InstallPlan:
    """apt for what this Debian release ships new enough; pip --user (shapely/pyogrio from source) for the rest."""
    apt = [d.apt_package(release) for d in deps if d.apt_package(release)]
    by_pip = [d for d in deps if not d.apt_package(release)]
    system_only = [d for d in by_pip if d.install == "system"]
    pip_deps = [d for d in by_pip if d.install != "system"]
    if any(d.install == "source" for d in pip_deps) and not _can_build_from_source():
        apt += [p for p in DEBIAN_BUILD_PACKAGES if p not in apt]
    commands = []
    if apt:
        commands.append("sudo apt install " + " ".join(apt))
    interpreter = shlex.quote(str(python) if python else "/usr/bin/python3")
    pip_args = ["-m", "pip", "install", *_user_flag(), "--break-system-packages"]
    pip_args += ["--no-binary", ",".join(SOURCE_BUILDS)]
    if pip_deps:
        requirements = " ".join(shlex.quote(d.requirement) for d in pip_deps)
        commands.append(f"{interpreter} {' '.join(pip_args)} {requirements}")
    for dep in system_only:  # Debian ships it only in a later release: say so rather than pip a clashing wheel
        commands.append(f"# {dep.import_name}: Debian {release}의 패키지가 {dep.specifier}를 만족하지 않습니다")
    if not pip_deps:
        return InstallPlan("debian", commands, None, APT_NEEDS_ROOT_KO)
    if python is None:
        return InstallPlan("debian", commands, None, NO_PYTHON_KO)
    if apt:  # the pip step needs the apt step (packages or build headers) first, and apt needs root
        return InstallPlan("debian", commands, None, APT_FIRST_KO)
    return InstallPlan("debian", commands, [str(python), *pip_args, *(d.requirement for d in pip_deps)])


# --- messages ----------------------------------------------------------------------------------------
def problem_summary(found: list[Problem], prefix: bool = True) -> str:
    """One line, Korean first: which packages are missing and which tools they stop."""
    korean = ", ".join(p.describe_ko() for p in found)
    english = ", ".join(p.describe_en() for p in found)
    text = f"필요한 Python 패키지가 없습니다: {korean}. / Missing Python packages: {english}."
    return f"김포 GIS: {text}" if prefix else text


def missing_dependencies_message(missing: list[str]) -> str:
    """The provider's log line for ``missing`` import names: what is missing, and the command that fixes it."""
    by_name = {d.import_name: d for d in load_dependencies()}
    found = [Problem(by_name[name], None) for name in missing if name in by_name]
    plan = install_plan(found)
    return (
        f"{problem_summary(found)} 설치 명령 / Install with: {' && '.join(plan.commands)} "
        "(설치 후 QGIS를 다시 시작하세요 / restart QGIS afterwards). "
        "그때까지 플러그인의 알고리즘을 쓸 수 없습니다 / The plugin's algorithms stay unavailable until then."
    )
