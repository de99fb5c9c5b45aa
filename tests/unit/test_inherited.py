"""Inherited license labels: told apart from the project's own by the image config's history."""

from __future__ import annotations

from dsos_check.licenses.inherited import find_inheritance
from dsos_check.models import HistoryStep, ImageEvidence

KEY = "org.opencontainers.image.licenses"


def buildkit(step: str) -> HistoryStep:
    return HistoryStep(created_by=f"{step} # buildkit", comment="buildkit.dockerfile.v0")


def classic(step: str) -> HistoryStep:
    return HistoryStep(created_by=f"/bin/sh -c #(nop)  {step}", empty_layer=True)


DEBIAN = (
    HistoryStep(created_by="/bin/sh -c #(nop) ADD file:6f3b in / "),
    classic(f'LABEL {KEY}="GPL-2.0-or-later"'),
    classic('CMD ["bash"]'),
)
OWN = (
    buildkit("WORKDIR /app"),
    buildkit("COPY . . "),
    buildkit("RUN /bin/sh -c pip install . "),
    buildkit('ENTRYPOINT ["app"]'),
)


def image(*steps: HistoryStep, **annotations: str) -> ImageEvidence:
    return ImageEvidence(
        reference="sha256:" + "0" * 64,
        labels={KEY: "GPL-2.0-or-later"},
        history=steps,
        annotations=annotations,
    )


def test_label_among_the_base_images_steps_is_inherited() -> None:
    found = find_inheritance(
        image(
            *DEBIAN, *OWN, **{"org.opencontainers.image.base.name": "docker.io/library/debian:12"}
        ),
        (KEY,),
    )
    assert found is not None
    assert found.base == "docker.io/library/debian:12"
    assert "LABEL" in found.step


def test_base_digest_is_named_with_the_base() -> None:
    annotations = {
        "org.opencontainers.image.base.name": "debian:12",
        "org.opencontainers.image.base.digest": "sha256:abc",
    }
    found = find_inheritance(image(*DEBIAN, *OWN, **annotations), (KEY,))
    assert found is not None
    assert found.base == "debian:12@sha256:abc"


def test_buildkit_base_ending_in_cmd_then_own_steps() -> None:
    base = (buildkit("ADD rootfs.tar /"), buildkit(f"LABEL {KEY}=MIT"), buildkit('CMD ["sh"]'))
    assert find_inheritance(image(*base, *OWN), (KEY,)) is not None


def test_builder_change_is_a_boundary() -> None:
    # A base built by the classic builder without CMD, then the project's BuildKit steps.
    base = (
        HistoryStep(created_by="/bin/sh -c #(nop) ADD file:1 in /"),
        classic(f"LABEL {KEY}=MIT"),
    )
    assert find_inheritance(image(*base, *OWN), (KEY,)) is not None


def test_the_projects_own_label_after_the_base_is_not_inherited() -> None:
    steps = (*DEBIAN, *OWN[:2], buildkit(f"LABEL {KEY}=MIT"), *OWN[2:])
    assert find_inheritance(image(*steps), (KEY,)) is None


def test_label_with_no_label_step_is_the_projects() -> None:
    # `docker build --label` and CI metadata leave no LABEL step in the history.
    assert find_inheritance(image(*DEBIAN[:1], DEBIAN[2], *OWN), (KEY,)) is None


def test_own_dockerfile_with_label_then_cmd_only() -> None:
    steps = (
        buildkit("FROM scratch"),
        buildkit("COPY app /"),
        buildkit(f"LABEL {KEY}=MIT"),
        buildkit('CMD ["/app"]'),
    )
    assert find_inheritance(image(*steps), (KEY,)) is None


def test_no_history() -> None:
    assert find_inheritance(image(), (KEY,)) is None


def test_hostile_history_is_bounded() -> None:
    steps = tuple(buildkit("RUN " + "x" * 50_000) for _ in range(2_000))
    assert find_inheritance(image(*steps), (KEY,)) is None
