"""The 1-inch red-background photo rules and document-or-photo (issue 4), on the real photos of
shared/realworld and on variants built from them (background replaced by red, padded, cropped,
shifted, a cap drawn on)."""
from __future__ import annotations

import json

import cv2
import numpy as np
import pytest

from masker.compliance import faces
from masker.compliance import testpages as tp
from masker.compliance.photo import check_photo, classify_kind
from masker.compliance.types import ERROR

pytestmark = pytest.mark.skipif(not faces.available(),
                                reason="no face detector: install yuface (a dependency of masker)")

needs_font = pytest.mark.skipif(not tp.have_cjk_font(), reason="no CJK font on this machine")
ID_STYLE = ("photos/idphoto_blue_bg_male.jpg", "photos_cut/strip1_blue.png", "photos_cut/strip1_white.png",
            "photos_cut/strip1_grey.png")


def _read(realworld_dir, key):
    from masker.io import load

    return load(realworld_dir / key).pages[0].image


def _codes(pc, severity=None):
    return {f.code for f in pc.findings if severity is None or f.severity == severity}


def _labels(realworld_dir):
    return json.loads((realworld_dir / "labels.json").read_text(encoding="utf-8"))


def test_every_labelled_photo_per_rule(realworld_dir):
    """Faces and background of every labelled photo: MULTIPLE_FACES exactly when it shows more than
    one face, NO_FACE never, BACKGROUND_NOT_RED exactly when the background is not red."""
    for key, lab in _labels(realworld_dir).items():
        if lab["kind"] != "photo":
            continue
        pc = check_photo(_read(realworld_dir, key))
        want = lab["photo"]
        codes = _codes(pc)
        assert pc.faces == want["faces"], (key, pc.faces, pc.measures)
        assert ("MULTIPLE_FACES" in codes) == (want["faces"] > 1), key
        assert "NO_FACE" not in codes, key
        assert ("BACKGROUND_NOT_RED" in codes) == (want["background"] != "red"), (key, pc.measures)
        if want["background"] in ("red", "blue", "white", "grey"):
            assert pc.background == want["background"], (key, pc.background, pc.measures)


def test_blue_background_id_photo_is_not_red(realworld_dir):
    pc = check_photo(_read(realworld_dir, "photos/idphoto_blue_bg_male.jpg"))
    assert _codes(pc, ERROR) == {"BACKGROUND_NOT_RED"}
    f = next(f for f in pc.findings if f.code == "BACKGROUND_NOT_RED")
    assert "蓝色" in f.message and "blue" in f.message and "%" in f.message


def test_red_strip_photo_passes(realworld_dir):
    pc = check_photo(_read(realworld_dir, "photos_cut/strip1_red.png"))
    assert pc.background == "red" and pc.faces == 1
    assert not _codes(pc, ERROR), [f.message for f in pc.findings]


def test_group_photo_has_multiple_faces(realworld_dir):
    pc = check_photo(_read(realworld_dir, "photos/people_two_in_office.jpg"))
    assert "MULTIPLE_FACES" in _codes(pc) and pc.faces == 2


def test_document_has_no_face(realworld_dir):
    for key in ("docs/doc_staff_table_names.png", "docs/doc_iso_certificate_no_red_seal.png"):
        assert "NO_FACE" in _codes(check_photo(_read(realworld_dir, key))), key


@pytest.mark.parametrize("key", ID_STYLE)
@pytest.mark.parametrize("rgb", [(220, 20, 30), (255, 0, 0), (190, 25, 35)])
def test_red_variants_of_real_id_photos_pass_the_background_rules(realworld_dir, key, rgb):
    pc = check_photo(tp.replace_background(_read(realworld_dir, key), rgb))
    codes = _codes(pc)
    assert pc.background == "red", (key, pc.measures)
    assert not codes & {"BACKGROUND_NOT_RED", "BACKGROUND_UNEVEN", "NO_FACE", "MULTIPLE_FACES"}, (key, codes)


def test_red_variant_of_blue_id_photo_passes_every_rule(realworld_dir):
    pc = check_photo(tp.replace_background(_read(realworld_dir, "photos/idphoto_blue_bg_male.jpg")))
    assert not pc.findings, [f.message for f in pc.findings]


@pytest.mark.parametrize("rgb,name", [((255, 160, 170), "pink"), ((250, 140, 20), "orange"), ((60, 110, 200), "blue")])
def test_near_red_colours_are_not_red(realworld_dir, rgb, name):
    pc = check_photo(tp.replace_background(_read(realworld_dir, "photos_cut/strip1_white.png"), rgb))
    assert "BACKGROUND_NOT_RED" in _codes(pc), (name, pc.measures)


def test_uneven_red_background(realworld_dir):
    pc = check_photo(tp.replace_background(_read(realworld_dir, "photos_cut/strip1_white.png"), gradient=0.6))
    assert "BACKGROUND_UNEVEN" in _codes(pc), pc.measures


def test_size_and_aspect(realworld_dir):
    red = _read(realworld_dir, "photos_cut/strip1_red.png")
    small = cv2.resize(red, (150, 210), interpolation=cv2.INTER_AREA)
    assert _codes(check_photo(small), ERROR) == {"TOO_SMALL"}
    wide = np.hstack([red[:, :60], red, red[:, -60:]])  # 727×851: aspect 0.85, background still red
    codes = _codes(check_photo(wide), ERROR)
    assert "WRONG_ASPECT" in codes and "BACKGROUND_NOT_RED" not in codes
    assert "WRONG_ASPECT" in _codes(check_photo(_read(realworld_dir, "photos/portrait_grey_bg_man_suit.jpg")))


def test_face_off_centre(realworld_dir):
    red = _read(realworld_dir, "photos_cut/strip1_red.png")
    shift = 130
    moved = np.hstack([np.repeat(red[:, :1], shift, axis=1), red[:, :-shift]])
    pc = check_photo(moved)
    assert "FACE_OFF_CENTRE" in _codes(pc) and "BACKGROUND_NOT_RED" not in _codes(pc)
    f = next(f for f in pc.findings if f.code == "FACE_OFF_CENTRE")
    assert "±" in f.message


def test_head_too_small_and_too_large(realworld_dir):
    red = _read(realworld_dir, "photos_cut/strip1_red.png")
    assert "HEAD_TOO_SMALL" in _codes(check_photo(tp.pad_photo(red, 1.6)))
    tight = cv2.resize(red[200:700, 110:467], (red.shape[1], red.shape[0]))
    assert "HEAD_TOO_LARGE" in _codes(check_photo(tight))
    for key in ("photos/portrait_grey_bg_man_suit.jpg", "photos/person_official_portrait_office.jpg"):
        assert "HEAD_TOO_SMALL" in _codes(check_photo(_read(realworld_dir, key))), key


@pytest.mark.parametrize("rgb", [(240, 240, 235), (30, 30, 120)])
def test_cap_gives_a_headwear_warning(realworld_dir, rgb):
    red = _read(realworld_dir, "photos_cut/strip1_red.png")
    face = faces.detect_faces(red)[0]
    pc = check_photo(tp.draw_cap(red, face.box, rgb))
    hw = [f for f in pc.findings if f.code == "HEADWEAR_SUSPECTED"]
    assert hw and hw[0].severity == "warning"


@pytest.mark.parametrize("key", ["photos_cut/strip1_red.png", *ID_STYLE])
def test_bareheaded_photos_get_no_headwear_warning(realworld_dir, key):
    assert "HEADWEAR_SUSPECTED" not in _codes(check_photo(_read(realworld_dir, key)))


@pytest.mark.slow
def test_kind_of_every_labelled_image(realworld_dir, engine):
    from masker.compliance.orientation import detect_quads

    for key, lab in _labels(realworld_dir).items():
        if key.startswith("seals/") and "contract_photo" not in key and "crop" not in key:
            continue  # two of the seal images are enough here (a phone photo, a bare seal)
        img = _read(realworld_dir, key)
        quads = detect_quads(engine, img) or []
        boxes = [(q[:, 0].min(), q[:, 1].min(), q[:, 0].max(), q[:, 1].max()) for q in quads]
        assert classify_kind(img, boxes) == lab["kind"], key


@needs_font
def test_form_with_a_small_photo_stays_a_document(realworld_dir, engine):
    from masker.compliance.orientation import detect_quads

    page = tp.render_page(3, layout="form")
    ph = cv2.resize(_read(realworld_dir, "photos_cut/strip1_red.png"), (118, 165))
    page[150:315, 950:1068] = ph  # a 1-inch photo on the application form, as forms have
    quads = detect_quads(engine, page)
    boxes = [(q[:, 0].min(), q[:, 1].min(), q[:, 0].max(), q[:, 1].max()) for q in quads]
    assert classify_kind(page, boxes) == "document"


@pytest.mark.slow
def test_check_command_on_photos(masker_real, realworld_dir):
    from masker.compliance.check import run_check

    def check(key, expect):
        doc = masker_real.load(realworld_dir / key)
        try:
            return run_check(masker_real, doc, expect)
        finally:
            doc.close()

    r = check("photos_cut/strip1_red.png", "photo")
    d = r.to_dict()
    assert d["verdict"] == "pass", d
    assert d["photo"]["background"] == "red" and d["photo"]["faces"] == 1 and d["pages"][0]["kind"] == "photo"
    r = check("photos/idphoto_blue_bg_male.jpg", "photo")
    assert r.verdict == "fail" and "BACKGROUND_NOT_RED" in r.codes
    r = check("photos/people_two_in_office.jpg", "document")
    assert "PHOTO_NOT_DOCUMENT" in r.codes and r.pages[0].orientation == 0
    r = check("docs/doc_staff_table_names.png", "photo")
    assert "NO_FACE" in r.codes
