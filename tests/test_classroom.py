"""The page's part of a link: lessons, challenges, presenter mode, classroom locks."""

from dataclasses import replace

from hypothesis import given
from hypothesis import strategies as st

from explorer import classroom
from explorer.classroom import CONTROLS, Page
from explorer.config import Config
from explorer.lessons import CHALLENGES, LESSONS
from explorer.links import from_query as config_from_query
from explorer.links import to_query as config_to_query

pages = st.builds(
    Page,
    lesson=st.none() | st.sampled_from(sorted(LESSONS)),
    challenge=st.none() | st.sampled_from(sorted(CHALLENGES)),
    present=st.booleans(),
    allow=st.none()
    | st.lists(st.sampled_from(sorted(CONTROLS)), unique=True).map(classroom.allowed),
    others=st.sampled_from(classroom.OTHERS),
).map(lambda page: page if page.classroom else replace(page, others="lock"))


@given(pages)
def test_a_page_survives_its_link(page):
    read, notes = classroom.from_query(classroom.to_query(page))
    assert notes == []
    assert read == page


def test_a_lesson_step_is_numbered_from_one_in_the_link():
    page = Page(lesson="learning_rate", step=2)
    assert classroom.to_query(page) == {"lesson": "learning_rate", "step": "3"}
    assert classroom.from_query({"lesson": "learning_rate", "step": "3"})[0] == page


@given(st.dictionaries(st.sampled_from(classroom.PARAMS), st.text(max_size=30)))
def test_any_page_parameters_read_without_raising(params):
    page, notes = classroom.from_query(params)
    assert page.lesson is None or page.lesson in LESSONS
    assert page.challenge is None or page.challenge in CHALLENGES
    assert page.allow is None or set(page.allow) <= set(CONTROLS)
    if page.lesson is not None:
        assert 0 <= page.step < len(LESSONS[page.lesson].steps)
    assert all(isinstance(note, str) for note in notes)


def test_unknown_page_values_are_named_in_notes():
    page, notes = classroom.from_query(
        {"lesson": "cooking", "others": "vanish", "allow": "lr,warp,epochs"}
    )
    assert page == Page(allow=("lr", "epochs"))
    assert notes == [
        "there is no lesson called 'cooking'",
        "allow: ignored 'warp'",
        "others='vanish' is not lock or hide: lock",
    ]


def test_a_link_splits_into_the_config_and_the_page():
    config = Config(dataset="circles", lr=0.1)
    page = Page(challenge="circles_without_layers", allow=("lr",), others="hide")
    params = config_to_query(config) | classroom.to_query(page)
    settings, page_params = classroom.split_query(params)
    assert config_from_query(settings) == (config, [])
    assert classroom.from_query(page_params) == (page, [])


def test_allowing_the_task_allows_the_dataset():
    assert classroom.allowed(["epochs", "task"]) == ("task", "dataset", "epochs")


def test_enforce_keeps_what_students_may_not_change():
    base = Config(dataset="circles", lr=0.03, hidden=(8, 8), epochs=300)
    page = Page(allow=("lr", "epochs"))
    changed = base.replace(lr=0.3, epochs=50, hidden=(128,), dataset="moons")
    kept = classroom.enforce(changed, base, page)
    assert kept == base.replace(lr=0.3, epochs=50)
    # Not a classroom link: everything goes.
    assert classroom.enforce(changed, base, Page()) == changed


def test_enforce_fits_locked_settings_to_data_the_students_changed():
    base = Config(dataset="circles", features=("x1_squared",))
    page = Page(allow=classroom.allowed(["task"]))
    # Iris has four measured inputs: the locked extra inputs cannot apply.
    iris = Config(task="multiclass", dataset="iris")
    assert classroom.enforce(iris, base, page).features == ()
    # Six locked classes, and spirals with three to five arms: clamped to five.
    base = Config(task="multiclass", dataset="blobs", classes=6)
    spirals = Config(task="multiclass", dataset="spirals", classes=3)
    assert classroom.enforce(spirals, base, page).classes == 5


def test_enforce_drops_mistakes_that_no_longer_fit_a_changed_task():
    base = Config(task="binary", mistakes=("sigmoid_before_loss",))
    page = Page(allow=classroom.allowed(["task"]))
    changed = Config(task="regression", dataset="sine")
    assert classroom.enforce(changed, base, page) == changed
