"""Two builds from the same commit give the same example outputs: text identical, figures pixel-identical;
each runs as make site does (build.env, offline.env)."""

from __future__ import annotations

from pathlib import Path

import matplotlib.image
import numpy as np
import pytest

import reproduce


def fake_build(root: Path, printed: str, pixel: float) -> Path:
    images = root / "docs" / "auto_examples" / "01_a" / "images"
    (images / "thumb").mkdir(parents=True)
    (root / "docs" / "auto_examples" / "01_a" / "plot_x.rst").write_text(printed)
    picture = np.full((4, 4, 3), 0.5)
    picture[0, 0, 0] = pixel
    matplotlib.image.imsave(images / "sphx_glr_plot_x_001.png", picture)
    matplotlib.image.imsave(images / "thumb" / "sphx_glr_plot_x_thumb.png", np.zeros((2, 2, 3)))
    return root


def test_identical_outputs_have_no_difference(tmp_path):
    runs = [fake_build(tmp_path / n, "loss 0.1\n", 0.5) for n in ("a", "b")]
    assert reproduce.differences(runs, ["01_a/plot_x"]) == []


def test_a_changed_number_or_pixel_is_reported(tmp_path):
    runs = [fake_build(tmp_path / "a", "loss 0.1\n", 0.5), fake_build(tmp_path / "b", "loss 0.2\n", 1.0)]
    found = reproduce.differences(runs, ["01_a/plot_x"])
    assert "01_a/plot_x: the printed output differs" in found
    assert any("sphx_glr_plot_x_001.png differs (max pixel difference" in f for f in found)


def test_examples_that_time_code_are_told_apart():
    """Their printed times and drawn curves follow the clock: building them twice cannot match."""
    assert reproduce.measures_time("05_hardware/plot_batch_size")
    assert reproduce.measures_time("07_autodiff/plot_mlp_digits")
    assert not reproduce.measures_time("04_regularization/plot_l1_l2_geometry")
    assert not reproduce.measures_time("06_backprop/plot_gradient_check")


@pytest.mark.site
def test_the_fastest_examples_build_again_to_the_same_outputs(tmp_path):
    """One more build of the fastest examples gives what `make site` gave them (the checkout's outputs)."""
    examples = reproduce.fastest(3)  # from the timings of the `make site` that ran before
    assert reproduce.compare(examples, workdir=tmp_path, against=reproduce.ROOT) == []


def test_a_build_compared_against_a_built_tree_is_built_once(tmp_path, monkeypatch):
    built = []

    class Done:
        def wait(self):
            return 0

    monkeypatch.setattr(reproduce, "build", lambda run, pattern: built.append(run) or Done())
    compared = []
    monkeypatch.setattr(reproduce, "differences", lambda runs, examples: compared.append(runs) or [])
    reproduce.compare(["01_a/plot_x"], workdir=tmp_path, against=tmp_path / "site")
    assert [run.name for run in built] == ["second"] and compared[0][0] == tmp_path / "site"
    reproduce.compare(["01_a/plot_x"], workdir=tmp_path)
    assert [run.name for run in built] == ["second", "first", "second"]


def test_each_build_runs_offline_with_the_course_environment(tmp_path, monkeypatch):
    """Both builds run as make site does: build.env's settings, offline.env's closed proxy, no path setting."""
    import build_env

    started = {}
    monkeypatch.setattr(reproduce.subprocess, "Popen", lambda command, **kwargs: started.update(kwargs))
    expected = {**build_env.read(build_env.BUILD), **build_env.read(build_env.OFFLINE)}
    for key in expected:
        monkeypatch.delenv(key, raising=False)
    monkeypatch.delenv("PYTHONPATH", raising=False)
    reproduce.build(tmp_path, r"/(plot_x)\.py$")
    started["stdout"].close()
    env = started["env"]
    assert {key: env.get(key) for key in expected} == expected
    assert env["LABKIT_GALLERY_PATTERN"] == r"/(plot_x)\.py$" and "PYTHONPATH" not in env
    assert (tmp_path / "build.env").is_file()  # the copied conf.py applies the copy's build.env
