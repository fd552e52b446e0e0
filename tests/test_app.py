"""The page through Streamlit's AppTest: no browser, one script run per `run()`.
Plotly charts show up as elements of type plotly_chart; their contents are covered
by test_figures.py."""

import json
import time
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

pytestmark = pytest.mark.slow

APP = Path(__file__).resolve().parents[1] / "streamlit_app.py"


def load() -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=60).run()
    assert not at.exception
    return at


def charts(at: AppTest) -> int:
    return len(at.get("plotly_chart"))


def current(at: AppTest):
    return at.session_state["trainer"].run


def figure(at: AppTest, title: str) -> dict:
    # The figure a chart element carries, found by its title.
    for element in at.get("plotly_chart"):
        spec = json.loads(element.proto.spec)
        if spec["layout"].get("title", {}).get("text") == title:
            return spec
    raise AssertionError(f"no chart titled {title!r}")


def train_to_the_end(at: AppTest, epochs: int) -> None:
    at.number_input(key="epochs").set_value(epochs).run()
    at.button(key="train").click().run()
    wait_until_done(at)


def wait_until_done(at: AppTest) -> None:
    # Training runs on its own thread; each script run redraws what it has done.
    trainer = at.session_state["trainer"]
    deadline = time.monotonic() + 30
    while trainer.running and time.monotonic() < deadline:
        time.sleep(0.05)
    at.run()
    at.run()


@pytest.mark.parametrize(
    "task, dataset, n_charts",
    [
        # The live view's charts, then the network diagram (the first of the
        # inside views, drawn one at a time).
        ("binary", "moons", 4 + 1),
        ("multiclass", "blobs", 5 + 1),
        ("regression", "sine", 5 + 1),
        ("regression", "ripple", 5 + 1),
        ("multiclass", "iris", 5 + 1),
    ],
)
def test_app_loads_each_task_with_its_charts(task, dataset, n_charts):
    at = load()
    at.selectbox(key="task").set_value(task).run()
    at.selectbox(key="dataset").set_value(dataset).run()
    assert not at.exception
    assert charts(at) == n_charts
    # Before any click: the untrained model, epoch 0.
    assert current(at).epoch == 0
    assert current(at).config.task == task


def test_app_shows_the_task_table_with_the_current_row():
    at = load()
    at.selectbox(key="task").set_value("multiclass").run()
    text = " ".join(m.value for m in at.markdown)
    assert "**▶ Multi-class classification**" in text
    assert "3 output units → softmax → CrossEntropyLoss" in text


def test_app_pause_stops_training_and_resume_goes_on():
    at = load()
    at.number_input(key="epochs").set_value(5_000).run()
    at.button(key="train").click().run()
    assert at.session_state["trainer"].running
    time.sleep(0.3)
    at.button(key="pause").click().run()
    run, epoch = current(at), current(at).epoch
    assert 0 < epoch < 5_000 and not at.session_state["trainer"].running
    time.sleep(0.3)
    at.run()
    assert current(at).epoch == epoch  # paused means paused
    assert not at.button(key="resume").disabled
    at.button(key="resume").click().run()
    time.sleep(0.3)
    assert current(at) is run and run.epoch > epoch
    at.button(key="pause").click().run()


def test_app_steps_resumes_and_finishes():
    at = load()
    at.number_input(key="epochs").set_value(3).run()
    at.button(key="step").click().run()
    assert current(at).epoch == 1
    # Started and paused: Train waits for the end or a reset; Resume goes on.
    assert at.button(key="train").disabled
    at.button(key="resume").click().run()
    wait_until_done(at)
    run = current(at)
    assert run.done and run.epoch == 3
    assert not at.session_state["trainer"].running
    assert not at.button(key="train").disabled
    assert not at.exception


def test_app_view_change_does_not_retrain():
    at = load()
    at.button(key="step").click().run()
    run = current(at)
    at.toggle(key="log_loss").set_value(True).run()
    at.toggle(key="one_column").set_value(True).run()
    assert current(at) is run and run.epoch == 1
    assert charts(at) == 4 + 1 and not at.exception


def test_app_learning_rate_applies_live_and_network_change_restarts():
    at = load()
    at.button(key="step").click().run()
    run = current(at)
    at.select_slider(key="lr").set_value(0.1).run()
    assert current(at) is run
    assert run.optimizer.param_groups[0]["lr"] == 0.1

    at.slider(key="width").set_value(4).run()
    fresh = current(at)
    assert fresh is not run and fresh.epoch == 0 and fresh.config.hidden == (4, 4)
    assert any("new, untrained one" in info.value for info in at.info)


def test_app_real_dataset_marks_settings_that_do_not_apply():
    at = load()
    at.selectbox(key="dataset").set_value("breast_cancer").run()
    assert at.slider(key="n_samples").disabled
    assert at.slider(key="noise").disabled
    # Thirty inputs: the user picks the two that are drawn; the others are held.
    drawn_x = at.selectbox(key="draw_x_breast_cancer")
    assert len(drawn_x.options) == 30
    at.selectbox(key="draw_y_breast_cancer").set_value(5).run()
    assert not at.exception
    assert at.session_state["draw_y_breast_cancer"] == 5


def test_app_divergence_is_reported_in_words():
    at = load()
    at.selectbox(key="task").set_value("regression").run()
    at.selectbox(key="dataset").set_value("diabetes").run()
    at.selectbox(key="optimizer").set_value("sgd").run()
    at.select_slider(key="lr").set_value(10.0).run()
    at.button(key="train").click().run()
    wait_until_done(at)
    assert not at.exception
    assert any(
        "the loss became" in e.value and "10× lower" in e.value for e in at.error
    )


def test_app_explains_settings_that_cannot_make_a_run():
    # Too few points for every class in both splits: a message, no traceback, and
    # the settings stay as the user left them.
    at = load()
    at.selectbox(key="task").set_value("multiclass").run()
    at.slider(key="n_samples").set_value(20).run()
    at.slider(key="test_fraction").set_value(0.1).run()
    assert not at.exception
    assert any("raise the number of points" in e.value for e in at.error)
    assert at.slider(key="n_samples").value == 20
    at.slider(key="n_samples").set_value(200).run()
    assert not at.error and current(at).config.n_samples == 200


def test_notebook_preset_loads_every_setting_and_replays():
    from explorer.presets import PRESETS

    at = load()
    at.selectbox(key="preset").set_value("notebook").run()
    assert not at.exception
    assert current(at).config == PRESETS["notebook"].config
    warnings = [w.value for w in at.warning]
    assert any("sigmoid before BCEWithLogitsLoss" in w for w in warnings)
    assert any("no activation between layers" in w for w in warnings)
    # Its inputs are all uniform on [0, 1]: leaving them unscaled is no mistake.
    assert not any("unscaled" in w for w in warnings)
    at.button(key="train").click().run()
    wait_until_done(at)
    history = current(at).history
    assert current(at).epoch == 80
    assert history[10]["train_loss"] == pytest.approx(0.7157977223396301, abs=1e-6)


def test_mistakes_offered_follow_the_task():
    at = load()
    at.multiselect(key="mistakes").set_value(["sigmoid_before_loss"]).run()
    assert current(at).config.mistakes == ("sigmoid_before_loss",)
    at.selectbox(key="task").set_value("regression").run()
    assert not at.exception
    assert current(at).config.mistakes == ()
    # Only the regression mistake is offered now, by its label.
    assert at.multiselect(key="mistakes").options == [
        "predictions [N, 1] against targets [N]"
    ]
    at.multiselect(key="mistakes").set_value(["target_shape"]).run()
    assert any("PyTorch printed a warning" in w.value for w in at.warning)


def test_diagnosis_names_the_notebooks_mistakes_and_fixes_one():
    at = load()
    at.selectbox(key="preset").set_value("notebook").run()
    at.button(key="train").click().run()
    wait_until_done(at)
    titles = [e.label for e in at.expander]
    assert "⚠️ A sigmoid is applied twice" in titles
    assert "⚠️ The loss is stuck near where it started" in titles
    assert "⚠️ No activation between the layers" in titles
    fix = next(b for b in at.button if b.label == "Remove the sigmoid from the model")
    fix.click().run()
    assert current(at).config.mistakes == ()
    assert current(at).epoch == 0  # a fresh run with the fix


def test_lab_step_loads_and_learns():
    from explorer.lab import step_configs

    at = load()
    at.radio(key="lab_step").set_value(4).run()
    at.button(key="train_step").click().run()
    assert current(at).config == step_configs()[4]
    wait_until_done(at)
    assert current(at).history[-1]["test_metric"] >= 0.75
    assert any("Nothing looks wrong" in s.value for s in at.success)


def test_setting_mistake_buttons_change_the_sidebar():
    at = load()
    from explorer.mistakes import LR_FAR_TOO_HIGH

    at.button(key="make_lr_too_high").click().run()
    assert current(at).config.lr == LR_FAR_TOO_HIGH
    at.button(key="make_unscaled_inputs").click().run()
    config = current(at).config
    assert config.dataset == "breast_cancer" and not config.standardize
    assert any("inputs left unscaled" in w.value for w in at.warning)


def test_history_slider_replays_a_kept_epoch_without_retraining():
    at = load()
    train_to_the_end(at, 60)
    run = current(at)
    latest = figure(at, "decision boundary")["layout"]["images"][0]["source"]

    at.select_slider(key="shown_epoch").set_value(20).run()
    assert not at.exception
    assert current(at) is run and run.epoch == 60 and len(run.history) == 61
    (line,) = figure(at, "loss")["layout"]["shapes"]
    assert line["x0"] == 20
    assert figure(at, "accuracy")["layout"]["shapes"][0]["x0"] == 20
    past = figure(at, "decision boundary")["layout"]["images"][0]["source"]
    assert past != latest

    # Play starts the replay from the first kept epoch.
    at.button(key="play_history").click().run()
    assert at.select_slider(key="shown_epoch").value == 0
    assert at.button(key="stop_history")
    at.button(key="stop_history").click().run()
    assert at.button(key="play_history")


def test_pinned_run_is_compared_with_the_next_one():
    at = load()
    train_to_the_end(at, 40)
    at.button(key="pin").click().run()
    a = at.session_state["pinned"]
    assert current(at) is not a and current(at).epoch == 0

    at.select_slider(key="lr").set_value(0.3).run()
    train_to_the_end(at, 40)
    assert not at.exception
    b = current(at)
    assert b.shares_weights and b.history[0] == a.history[0]
    table = at.dataframe[-1].value
    assert table.to_dict("records") == [{"setting": "lr", "A": "0.03", "B": "0.3"}]
    loss = figure(at, "loss, A and B")
    assert [trace["name"] for trace in loss["data"]] == [
        "A train",
        "A test",
        "B train",
        "B test",
    ]
    at.button(key="unpin").click().run()
    assert "pinned" not in at.session_state


def test_regression_and_classification_of_the_same_data_side_by_side():
    at = load()
    at.button(key="compare_regression_vs_classification").click().run()
    wait_until_done(at)
    assert not at.exception
    a, b = at.session_state["pinned"], current(at)
    assert (a.config.task, b.config.task) == ("regression", "binary")
    assert a.done and b.done and b.shares_weights
    assert at.session_state["dataset"] == "houses_expensive"
    text = " ".join(m.value for m in at.markdown)
    assert "1 output unit → none → MSELoss" in text
    assert "1 output unit → sigmoid → BCEWithLogitsLoss" in text
    loss = figure(at, "loss, A and B")
    assert loss["layout"]["yaxis2"]["title"]["text"] == "B: BCEWithLogitsLoss"
    assert figure(at, "fitted surface") and figure(at, "decision boundary")


def open_link(params: dict) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.query_params.update(params)
    return at.run()


def test_a_link_rebuilds_its_setup_and_the_url_follows_the_sidebar():
    from explorer.config import Config
    from explorer.links import to_query

    config = Config(
        task="multiclass",
        dataset="spirals",
        classes=4,
        hidden=(12, 7),
        lr=0.005,
        batch_size=17,
        seed=9,
        activation="relu",
    )
    at = open_link(to_query(config))
    assert not at.exception and not at.warning
    assert current(at).config == config
    assert at.query_params["hidden"] == "12,7"

    at.select_slider(key="lr").set_value(0.1).run()
    assert at.query_params["lr"] == "0.1"
    assert set(at.query_params) == set(to_query(config))


@pytest.mark.parametrize(
    "params",
    [
        {"lr": "1e999", "hidden": "-4,0,9999", "epochs": "-1"},
        {"dataset": "mnist", "task": "movies", "seed": "🙂"},
        {"n_samples": "9" * 50, "batch_size": "half", "features": "x9,x1_x2"},
        {"x": "1", "dataset": "iris", "features": "x1_x2", "mistakes": "all"},
    ],
)
def test_a_malformed_link_loads_the_page_with_a_note(params):
    at = open_link(params)
    assert not at.exception
    assert any("could not be used" in w.value for w in at.warning)
    assert charts(at) >= 4


def test_inside_the_network_follows_the_epoch_shown():
    at = load()
    at.selectbox(key="activation").set_value("relu").run()
    train_to_the_end(at, 30)
    assert not at.exception
    network = figure(at, "weights and biases")
    at.session_state["inside_view"] = "Gradient flow"
    at.run()
    assert figure(at, "gradient flow") and charts(at) == 4 + 1
    at.session_state["inside_view"] = "Hidden units"
    at.run()
    assert figure(at, "hidden layer 1: each unit's output")

    at.select_slider(key="shown_epoch").set_value(0).run()
    at.selectbox(key="unit_layer").set_value(2).run()
    assert figure(at, "hidden layer 2: each unit's output")
    at.session_state["inside_view"] = "Gradient flow"
    at.run()
    flow = figure(at, "gradient flow")
    assert all(shape["x0"] == 0 for shape in flow["layout"]["shapes"])
    at.session_state["inside_view"] = "Network"
    at.run()
    untrained = figure(at, "weights and biases")
    assert untrained["data"] != network["data"]


def test_a_lesson_link_opens_its_setup_and_its_card():
    from explorer.lessons import LESSONS

    at = open_link({"lesson": "learning_rate", "step": "3"})
    assert not at.exception
    assert [w.value for w in at.warning] == [
        "Mistake on: a learning rate far too high."
    ]
    lesson = LESSONS["learning_rate"]
    assert current(at).config == lesson.steps[2].config
    text = " ".join(m.value for m in at.markdown)
    assert lesson.title in text and lesson.question in text
    # The URL keeps the lesson beside every setting.
    assert at.query_params["lesson"] == "learning_rate"
    assert at.query_params["step"] == "3" and at.query_params["lr"] == "3.0"

    at.button(key="lesson_step_0").click().run()
    assert current(at).config == lesson.steps[0].config
    assert "step" not in at.query_params and at.query_params["lr"] == "0.0001"


def test_a_classroom_link_locks_all_but_the_allowed_controls():
    from explorer.config import Config
    from explorer.links import to_query

    config = Config(dataset="circles", hidden=(4,), activation="relu")
    at = open_link(to_query(config) | {"allow": "lr,epochs", "others": "lock"})
    assert not at.exception
    assert any("Classroom link" in i.value for i in at.info)
    assert at.selectbox(key="activation").disabled
    assert at.slider(key="layers").disabled and at.selectbox(key="dataset").disabled
    assert not at.select_slider(key="lr").disabled
    assert not at.number_input(key="epochs").disabled
    assert "preset" not in [s.key for s in at.selectbox]

    at.select_slider(key="lr").set_value(0.1).run()
    assert current(at).config == config.replace(lr=0.1)
    # A setting changed behind the lock (a lesson's button, a stale widget) is
    # set back to the link's value.
    at.session_state["activation"] = "tanh"
    at.run()
    assert current(at).config.activation == "relu"
    assert at.selectbox(key="activation").value == "relu"  # the widget too
    assert at.query_params["allow"] == "lr,epochs"
    # Buttons that would change locked settings are not offered.
    keys = {b.key for b in at.button}
    assert (
        "train_step" not in keys and "compare_regression_vs_classification" not in keys
    )
    assert "pin" in keys


def test_a_classroom_link_can_hide_the_other_controls():
    at = open_link({"allow": "activation", "others": "hide"})
    assert not at.exception
    styles = " ".join(h.proto.body for h in at.get("html"))
    assert ".st-key-lr" in styles and "display: none" in styles
    assert ".st-key-activation" not in styles
    # Sections with nothing left to change lose their titles too.
    assert [h.value for h in at.sidebar.header] == ["Network"]


def test_a_challenge_is_checked_when_the_run_ends():
    at = load()
    at.button(key="open_challenge_circles_without_layers").click().run()
    assert current(at).config.hidden == ()
    train_to_the_end(at, 300)
    assert any("Not yet" in e.value for e in at.error)

    at.multiselect(key="features").set_value(["x1_squared", "x2_squared"]).run()
    train_to_the_end(at, 300)
    assert any("Goal met" in s.value for s in at.success), [e.value for e in at.error]
    assert at.query_params["challenge"] == "circles_without_layers"

    at.slider(key="layers").set_value(1).run()
    assert any("break the rules" in w.value for w in at.warning)


def test_presenter_mode_keeps_the_essential_charts_in_larger_type():
    at = open_link({"present": "true"})
    assert not at.exception and at.toggle(key="present").value
    assert charts(at) == 2
    assert "Inside the network" not in [h.value for h in at.subheader]
    styles = " ".join(h.proto.body for h in at.get("html"))
    assert "font-size: 20px" in styles

    at.toggle(key="present").set_value(False).run()
    assert charts(at) == 4 + 1 and "present" not in at.query_params


def test_a_classroom_lesson_moves_on_with_its_locked_settings():
    from explorer.lessons import LESSONS

    at = open_link({"lesson": "overfitting", "allow": "epochs"})
    steps = LESSONS["overfitting"].steps
    assert current(at).config == steps[0].config
    at.button(key="lesson_step_1").click().run()
    # The second setup changes the network and the activation, both locked.
    assert current(at).config == steps[1].config
    assert at.selectbox(key="activation").disabled


def test_an_example_file_trains_with_the_task_its_target_suggests():
    at = load()
    at.selectbox(key="dataset").set_value("csv").run()
    assert any("upload a CSV file in the sidebar" in i.value for i in at.info)
    at.selectbox(key="csv_example").set_value("house_prices").run()
    assert not at.exception and not at.error
    run = current(at)
    assert run.config.task == "regression" and run.config.target == "price_keur"
    assert at.query_params["csv"] == "house_prices.csv"
    assert len(at.query_params["csv_digest"]) == 16
    train_to_the_end(at, 40)
    assert not at.exception and current(at).epoch == 40

    # Another target suggests another task; the inputs follow.
    at.selectbox(key="target").set_value("rooms").run()
    assert current(at).config.task == "multiclass"
    assert current(at).config.target == "rooms" and not at.exception


def test_a_link_to_your_own_data_asks_for_the_file():
    from explorer.config import Config
    from explorer.links import to_query

    config = Config(
        task="binary",
        dataset="csv",
        csv="results.csv",
        csv_digest="feedfacefeedface",
        target="passed",
    )
    at = open_link(to_query(config))
    assert not at.exception
    errors = " ".join(e.value for e in at.error)
    assert "'results.csv' is not loaded: upload it" in errors
    assert at.session_state["target"] == "passed"


def test_a_wrong_format_choice_can_be_undone_and_the_data_stays_in_view():
    at = load()
    at.selectbox(key="dataset").set_value("csv").run()
    at.selectbox(key="csv_example").set_value("penguins_like").run()
    assert current(at).config.target == "species" and not at.error

    # Commas, in a file of semicolons: it cannot be read, the choice stays.
    at.selectbox(key="delimiter").set_value(",").run()
    assert at.error and not at.exception
    assert any("Change how the file is read" in e.value for e in at.error)
    at.selectbox(key="delimiter").set_value("").run()
    assert not at.error and current(at).config.target == "species"

    # A run the file cannot make (classes from a column of measurements) is
    # refused, and "Your data" still shows what the file holds.
    at.selectbox(key="target").set_value("body_mass_g").run()
    at.selectbox(key="task").set_value("binary").run()
    assert any("cannot make a run" in e.value for e in at.error)
    assert any(x.label == "Your data: penguins_like.csv" for x in at.expander)
    at.selectbox(key="task").set_value("regression").run()
    assert not at.error and current(at).config.target == "body_mass_g"
