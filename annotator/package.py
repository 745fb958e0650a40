"""The rule pipeline as a pip-installable package, built with `spacy package`.

spaCy names the package `{lang}_{name}` and makes it require the
distributions that provide the pipeline's registered functions: ours is
`persian-news-annotator` (on PyPI, `annotator` is an unrelated project), and
the requirement is stated here rather than guessed from what happens to be
installed (a stale `annotator.egg-info` in a checkout would be found too).
spaCy's own wheel step needs the `build` package and an isolated build that
downloads setuptools, so spaCy writes the package directory and pip builds
the wheel, with the installed setuptools when it can.
"""
from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
from importlib import metadata
from pathlib import Path

import srsly
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

DISTRIBUTION = "persian-news-annotator"
LANG = "fa"
NAME = "fa_news_annotator"
# An importable name pip keeps as it is: no runs of underscores, none at the ends.
NAME_PATTERN = re.compile(r"[A-Za-z][A-Za-z0-9]*(_[A-Za-z0-9]+)*")


def package_name(name: str) -> str:
    """The package's import name: `name`, with spaCy's `fa_` prefix added
    when it is missing (`news_annotator` and `fa_news_annotator` both give
    `fa_news_annotator`)."""
    full = name if name.startswith(LANG + "_") else f"{LANG}_{name}"
    if not NAME_PATTERN.fullmatch(full):
        raise ValueError(f"not a valid package name: {name!r}: ASCII letters, digits and single underscores, "
                         "starting with a letter")
    return full


def package_version(version: str) -> str:
    """`version` in its normal form (`1.0-beta` is `1.0b0`), as pip names the wheel."""
    try:
        return str(Version(version))
    except InvalidVersion:
        raise ValueError(f"not a valid version: {version!r}, e.g. 1.2.0") from None


def package_dir(output_dir: Path, name: str, version: str) -> Path:
    """Where `spacy package` writes the package: OUTPUT_DIR/NAME-VERSION."""
    return output_dir / f"{package_name(name)}-{package_version(version)}"


def requirement() -> str:
    """Our distribution, at least the version that builds the package."""
    from annotator import __version__

    return f"{DISTRIBUTION}>={__version__}"


def build(output_dir: Path, name: str = NAME, version: str | None = None, force: bool = False) -> Path:
    """Build the wheel of the default rule pipeline (`annotator.load()`) in
    OUTPUT_DIR/NAME-VERSION/dist and return its path. The package's meta
    (description, licence, sources, labels) is the pipeline's; its version
    is this annotator's unless given. With `force`, an existing
    OUTPUT_DIR/NAME-VERSION is replaced; without, it is an error. A build
    that fails or is interrupted leaves no package directory."""
    from spacy.cli.package import package

    from annotator import __version__
    from annotator.pipeline import load

    version = package_version(version or __version__)
    full = package_name(name)
    target = package_dir(output_dir, full, version)
    if target.exists():
        if not force:
            raise FileExistsError(f"the package directory exists: {target} (use --force to replace it)")
        shutil.rmtree(target)
    output_dir.mkdir(parents=True, exist_ok=True)
    nlp = load()
    try:
        with tempfile.TemporaryDirectory(prefix="annotator-package-") as tmp:
            nlp.to_disk(Path(tmp) / "pipeline")
            try:
                package(Path(tmp) / "pipeline", output_dir, name=full[len(LANG) + 1:], version=version,
                        create_sdist=False, create_wheel=False, silent=True)
            except SystemExit as err:  # spaCy's message is silenced with its output
                raise RuntimeError(f"spacy package stopped with status {err.code}") from None
        keep_own_requirement(target / "meta.json")
        return build_wheel(target, target / "dist")
    except BaseException:  # no half-built package to refuse or install next time
        shutil.rmtree(target, ignore_errors=True)
        raise


def keep_own_requirement(meta_path: Path) -> None:
    """Require our distribution, and no other one that provides `annotator`
    (spaCy adds whichever it finds first)."""
    meta = srsly.read_json(meta_path)
    ours = canonicalize_name(DISTRIBUTION)
    providers = {canonicalize_name(d) for d in metadata.packages_distributions().get("annotator", [])} | {ours}
    others = [r for r in meta.get("requirements", []) if canonicalize_name(Requirement(r).name) not in providers]
    meta["requirements"] = [requirement(), *others]
    srsly.write_json(meta_path, meta, indent=2)


def build_wheel(source: Path, dist: Path) -> Path:
    """`pip wheel` of the project in `source`, into `dist`; the installed
    setuptools builds it when it can (offline), else pip's isolated build."""
    isolation = ["--no-build-isolation"] if builds_wheels_offline() else []
    with tempfile.TemporaryDirectory(prefix="annotator-wheel-") as tmp:
        cmd = [sys.executable, "-m", "pip", "wheel", "--no-deps", *isolation, "-w", tmp, str(source)]
        proc = subprocess.run(cmd, capture_output=True, text=True)
        if proc.returncode != 0:
            raise RuntimeError(f"pip wheel failed: {' '.join((proc.stderr or proc.stdout).split()[-60:])}")
        (built,) = Path(tmp).glob("*.whl")
        dist.mkdir(parents=True, exist_ok=True)
        return Path(shutil.move(built, dist / built.name))


def builds_wheels_offline() -> bool:
    """Whether this environment's setuptools builds wheels itself (70.1 and
    later, or an older one with `wheel`)."""
    try:
        setuptools = Version(metadata.version("setuptools"))
    except metadata.PackageNotFoundError:
        return False
    if setuptools >= Version("70.1"):
        return True
    try:
        metadata.version("wheel")
    except metadata.PackageNotFoundError:
        return False
    return True
