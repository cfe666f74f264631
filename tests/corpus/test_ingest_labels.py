"""Labels learned from the curated library: cross-validated, floors chosen on data."""

from __future__ import annotations

from corpus.ingest.labels import cross_validate, fit_label_model, packaged
from corpus.schema import THEMES


def test_cross_validation_reports_every_label_group():
    model = cross_validate()
    groups = {score.group: score for score in model.scores}
    assert set(groups) == {"themes", "principles", "industry"}
    themes = groups["themes"]
    assert themes.labels == len(THEMES)
    # Far better than chance (14 themes, about three per legend), graded honestly: each
    # held-out legend labelled from its story alone, at a floor chosen on the other folds.
    assert themes.f1 >= 0.55
    assert 0.1 <= themes.floor <= 0.9
    assert "themes: floor" in model.summary()


def test_labels_of_a_new_story_come_from_the_library_and_low_confidence_is_left_out():
    model = cross_validate()
    [bereavement, parcel] = model.label(
        [
            "The airline's pilot held the plane so a grieving grandfather could reach his "
            "dying grandson in hospital before the funeral.",
            "My order arrived two weeks late. The delivery was delayed by the courier, so "
            "the shop apologised, sent a new parcel by express post and refunded the shipping.",
        ]
    )
    assert {"bereavement", "travel"} <= set(bereavement.themes)
    assert bereavement.industry == "airlines"
    assert "late-delivery" in parcel.themes
    for labels in (bereavement, parcel):
        assert 1 <= len(labels.themes) <= 4  # not every theme: the floor leaves most out
        assert labels.neighbours and labels.neighbours[0].legend.origin == "curated"


def test_fitting_is_deterministic_and_cached_by_fingerprint():
    legends = packaged()
    first, second = fit_label_model(legends), fit_label_model(legends)
    assert [s.f1 for s in first.scores] == [s.f1 for s in second.scores]
    assert cross_validate() is cross_validate()
