"""`annotator package`: the rule pipeline as a wheel that pip installs beside
the project's own wheel in a fresh venv, where `spacy.load` loads it by
name. Both name our distribution, persian-news-annotator: `annotator` on
PyPI is an unrelated project. Offline (tests/wheels.py); about 40 s.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
import srsly
from typer.testing import CliRunner

import annotator
from annotator.cli import app
from annotator.package import keep_own_requirement, package_dir, package_name, package_version
from wheels import clean_env, run, venv_with

REQUIREMENT = f"persian-news-annotator>={annotator.__version__}"
TEXT = "محمد احمدی، رئیس بانک مرکزی، گفت تورم به ۴۰ درصد رسید."


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """`annotator package OUT`, run as users run it; returns OUT."""
    out = tmp_path_factory.mktemp("package") / "out"
    run([sys.executable, "-m", "annotator", "package", out], out.parent, clean_env())
    return out


@pytest.fixture(scope="module")
def venv(built, project_wheel) -> tuple[Path, dict]:
    """A fresh venv with the project's wheel and the pipeline's wheel."""
    (wheel,) = built.glob("fa_news_annotator-*/dist/*.whl")
    env = clean_env()
    return venv_with(built.parent / "venv", [project_wheel, wheel], env), env


def test_installed_pipeline_package_loads_by_name(venv, tmp_path):
    python, env = venv
    check = ("import json, sys, spacy, annotator, fa_news_annotator\n"
             "nlp = spacy.load('fa_news_annotator')\n"
             "doc = nlp(sys.argv[1])\n"
             "print(json.dumps({'ents': [[e.text, e.label_] for e in doc.ents],\n"
             "                  'claims': [[c['text'], c['value'], c['speaker']['text']] for c in doc._.claims],\n"
             "                  'meta': nlp.meta, 'from': [annotator.__file__, fa_news_annotator.__file__]}))\n")
    got = json.loads(run([python, "-c", check, TEXT], tmp_path, env).stdout)
    assert got["ents"] == [["محمد احمدی", "PERSON"], ["رئیس بانک مرکزی", "OFFICIAL"]]
    assert got["claims"] == [["۴۰ درصد", 40, "محمد احمدی"]]
    for where in got["from"]:
        assert Path(where).is_relative_to(python.parent.parent), f"{where} is not in the venv"
    meta = got["meta"]
    assert (meta["lang"], meta["name"], meta["version"]) == ("fa", "news_annotator", annotator.__version__)
    assert "PERSON" in meta["labels"]["annotator_entities"]
    assert meta["license"] == "MIT" and meta["sources"] and "Persian news" in meta["description"]
    assert meta["requirements"] == [REQUIREMENT]


def test_installed_distributions_name_persian_news_annotator(venv, tmp_path):
    python, env = venv
    check = ("import json, sysconfig\n"
             "from importlib import metadata\n"
             "site = sysconfig.get_paths()['purelib']\n"
             "dists = {d.metadata['Name']: d for d in metadata.distributions(path=[site])}\n"
             "ours = dists['persian-news-annotator']\n"
             "print(json.dumps({'names': sorted(dists), 'version': ours.version,\n"
             "                  'files': [str(f) for f in ours.files],\n"
             "                  'scripts': [[e.name, e.value] for e in ours.entry_points if e.group == 'console_scripts'],\n"
             "                  'requires': dists['fa_news_annotator'].requires}))\n")
    got = json.loads(run([python, "-c", check], tmp_path, env).stdout)
    assert got["names"] == ["fa_news_annotator", "persian-news-annotator"]
    assert got["version"] == annotator.__version__
    assert "annotator/__init__.py" in got["files"]
    assert got["scripts"] == [["annotator", "annotator.cli:main"]]
    assert got["requires"] == [REQUIREMENT]


def test_force_replaces_the_package_directory(built):
    target = package_dir(built, "fa_news_annotator", annotator.__version__)
    (target / "stale.txt").write_text("left from an earlier build", encoding="utf-8")
    refused = CliRunner().invoke(app, ["package", str(built)])
    assert refused.exit_code == 2, refused.stderr
    assert refused.stderr.startswith("error: the package directory exists") and "--force" in refused.stderr
    assert (target / "stale.txt").exists()
    result = CliRunner().invoke(app, ["package", str(built), "--force"])
    assert result.exit_code == 0, result.stderr
    assert not (target / "stale.txt").exists()
    (wheel,) = (target / "dist").glob("*.whl")
    assert wheel.name == f"fa_news_annotator-{annotator.__version__}-py3-none-any.whl"
    assert srsly.read_json(target / "meta.json")["requirements"] == [REQUIREMENT]


def test_names_and_versions_as_pip_writes_them():
    assert package_name("fa_news_annotator") == package_name("news_annotator") == "fa_news_annotator"
    assert package_version("2.0-beta") == "2.0b0"
    assert package_dir(Path("out"), "news", "2.0-beta") == Path("out/fa_news-2.0b0")


def test_a_stale_annotator_distribution_is_not_required(tmp_path, monkeypatch):
    """A checkout installed before the rename keeps an `annotator.egg-info`
    that also provides the `annotator` module: spaCy may require it."""
    egg = tmp_path / "annotator.egg-info"
    egg.mkdir()
    (egg / "PKG-INFO").write_text("Metadata-Version: 2.1\nName: annotator\nVersion: 0.1.0\n", encoding="utf-8")
    (egg / "top_level.txt").write_text("annotator\n", encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    meta = tmp_path / "meta.json"
    srsly.write_json(meta, {"requirements": ["annotator>=0.1.0,<0.2.0", "spacy-lookups-data>=1.0.3,<1.1.0"]})
    keep_own_requirement(meta)
    assert srsly.read_json(meta)["requirements"] == [REQUIREMENT, "spacy-lookups-data>=1.0.3,<1.1.0"]


@pytest.mark.parametrize("args,says", [
    (["{a_file}"], "exists and is not a directory ({a_file})"),
    (["{a_file}/sub"], "cannot create the directory"),
    (["{tmp}/out", "--name", "fa__news"], "(--name)"),
    (["{tmp}/out", "--name", "خبر"], "(--name)"),
    (["{tmp}/out", "--version", "one"], "(--version)"),
], ids=["output is a file", "output under a file", "double underscore", "not ASCII", "bad version"])
def test_user_mistakes(tmp_path, args, says):
    a_file = tmp_path / "a_file.txt"
    a_file.write_text("not a directory\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["package", *(a.format(tmp=tmp_path, a_file=a_file) for a in args)])
    assert result.exit_code == 2, (result.stderr, result.exception)
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("error: ") and says.format(a_file=a_file) in result.stderr, result.stderr
    assert not (tmp_path / "out").exists()
