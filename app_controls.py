"""The sidebar: widgets that build one Config. Each widget that sets a config field
has that field's name as its key."""

import streamlit as st

from app_data import csv_controls
from app_state import TRAINER, current_page
from explorer import config as cfg
from explorer import mistakes
from explorer.datasets import DEFAULT_DATASET, FEATURE_LABELS, datasets_for, entry
from explorer.models import ACTIVATION_LABELS
from explorer.presets import PRESETS
from explorer.tasks import TASKS
from explorer.training import available_devices

# 1e-5, 3e-5, 1e-4, ... 1, 3, 10: a log scale
LR_STEPS = [round(m * 10.0**e, 6) for e in range(-5, 1) for m in (1, 3)] + [10.0]
WEIGHT_DECAY_STEPS = [0.0, 1e-5, 1e-4, 1e-3, 1e-2, 1e-1]
BATCH_SIZES = ["full", 1, 4, 10, 16, 32, 64, 128, 256]
OPTIMIZER_LABELS = {
    "sgd": "SGD",
    "momentum": "SGD with momentum 0.9",
    "adam": "Adam",
    "adamw": "AdamW",
    "rmsprop": "RMSprop",
}
# Config fields whose widget holds the field's value as it is.
WIDGET_FIELDS = (
    "task",
    "dataset",
    "n_samples",
    "noise",
    "classes",
    "test_fraction",
    "seed",
    "standardize",
    "activation",
    "optimizer",
    "lr",
    "epochs",
    "weight_decay",
    "device",
)
NOT_APPLYING = "Does not apply to a real dataset: it comes as it was measured."
DEFAULTS = cfg.Config()
# A file's settings held as they are (inputs are a list in their widget).
CSV_KEYS = tuple(sorted(cfg.CSV_FIELDS - {"inputs"}))
# The widget keys that set each config field.
FIELD_KEYS = {
    name: (name,) for name in (*WIDGET_FIELDS, "features", "mistakes", "batch_size")
}
FIELD_KEYS["hidden"] = (
    "layers",
    "same_width",
    "width",
    *(f"width_{i + 1}" for i in range(cfg.MAX_HIDDEN_LAYERS)),
)


def fixed(field: str) -> bool:
    """Whether a classroom link keeps this control as the teacher set it."""
    return not current_page().may_change(field)


def in_classroom() -> bool:
    return current_page().classroom


def _on_dataset_change() -> None:
    st.session_state["noise"] = entry(st.session_state["dataset"]).default_noise


def _on_task_change() -> None:
    # A file of your own takes any task; built-in data is made for one.
    if st.session_state.get("dataset") != cfg.CSV:
        st.session_state["dataset"] = DEFAULT_DATASET[st.session_state["task"]]
        _on_dataset_change()


def data_controls() -> dict:
    st.session_state.setdefault("task", DEFAULTS.task)
    st.session_state.setdefault("noise", DEFAULTS.noise)
    task = st.selectbox(
        "Task",
        list(TASKS),
        key="task",
        format_func=lambda t: TASKS[t].label,
        on_change=_on_task_change,
        disabled=fixed("task"),
    )
    options = [*datasets_for(task), cfg.CSV]
    if st.session_state.get("dataset") not in options:
        st.session_state["dataset"] = DEFAULT_DATASET[task]
    dataset = st.selectbox(
        "Dataset",
        options,
        key="dataset",
        format_func=lambda d: entry(d).label,
        on_change=_on_dataset_change,
        disabled=fixed("dataset"),
    )
    data = entry(dataset)
    real = data.real
    if data.note:
        st.caption(data.note)
    csv = csv_controls(disabled=fixed("dataset")) if dataset == cfg.CSV else {}
    help_real = NOT_APPLYING if real else None

    n_samples = st.slider(
        "Number of points",
        cfg.MIN_SAMPLES,
        cfg.MAX_SAMPLES,
        step=10,
        key="n_samples",
        disabled=real or fixed("n_samples"),
        help=help_real,
    )
    noise = st.slider(
        "Noise",
        0.0,
        cfg.MAX_NOISE,
        step=0.05,
        key="noise",
        disabled=not data.uses_noise or fixed("noise"),
        help=help_real
        or (None if data.uses_noise else "These labels carry no noise setting.")
        or "Class data: how much points scatter (for blobs, the "
        "clusters' standard deviation). Curves: the standard deviation added to y.",
    )
    classes = 3
    if data.classes_range:
        low, high = data.classes_range
        if not low <= st.session_state.get("classes", low) <= high:
            st.session_state["classes"] = low
        classes = st.slider(
            "Classes", low, high, key="classes", disabled=fixed("classes")
        )
    test_fraction = st.slider(
        "Test fraction",
        cfg.MIN_TEST_FRACTION,
        cfg.MAX_TEST_FRACTION,
        step=0.05,
        key="test_fraction",
        disabled=fixed("test_fraction"),
        help="Split off before training; stratified by class.",
    )
    seed = st.number_input(
        "Seed",
        0,
        cfg.MAX_SEED,
        key="seed",
        disabled=fixed("seed"),
        help="Same seed: same data, same initial weights, same curve.",
    )
    standardize = st.checkbox(
        "Standardise inputs",
        key="standardize",
        disabled=fixed("standardize"),
        help="Scale inputs with the training split's mean and standard deviation.",
    )
    features = ()
    if data.n_inputs == 2 and not real:
        features = tuple(
            st.multiselect(
                "Extra inputs",
                cfg.EXTRA_FEATURES,
                key="features",
                disabled=fixed("features"),
                format_func=FEATURE_LABELS.get,
                help="TensorFlow Playground's extra input features, computed from x1, x2.",
            )
        )
    return dict(
        task=task,
        dataset=dataset,
        n_samples=n_samples,
        noise=noise,
        classes=classes,
        test_fraction=test_fraction,
        seed=int(seed),
        standardize=standardize,
        features=features,
        **csv,
    )


def network_controls() -> dict:
    locked = fixed("hidden")
    layers = st.slider(
        "Hidden layers", 0, cfg.MAX_HIDDEN_LAYERS, key="layers", disabled=locked
    )
    hidden: tuple[int, ...] = ()
    if layers:
        same = st.toggle(
            "Same width for every layer", key="same_width", disabled=locked
        )
        if same:
            width = st.slider(
                "Units per layer", 1, cfg.MAX_WIDTH, key="width", disabled=locked
            )
            hidden = (width,) * layers
        else:
            for i in range(layers):
                st.session_state.setdefault(f"width_{i + 1}", DEFAULTS.hidden[0])
            columns = st.columns(min(layers, 3))
            hidden = tuple(
                columns[i % 3].number_input(
                    f"Layer {i + 1}",
                    1,
                    cfg.MAX_WIDTH,
                    key=f"width_{i + 1}",
                    disabled=locked,
                )
                for i in range(layers)
            )
    activation = st.selectbox(
        "Activation",
        cfg.ACTIVATIONS,
        key="activation",
        disabled=fixed("activation"),
        format_func=ACTIVATION_LABELS.get,
    )
    return dict(hidden=tuple(int(w) for w in hidden), activation=activation)


def _steps_with_current(key: str, steps: list) -> list:
    # A link or a preset may hold a value between the slider's steps: offer it too,
    # or the slider would silently move to its first step.
    value = st.session_state.get(key)
    numbers = [s for s in steps if not isinstance(s, str)]
    if value is None or isinstance(value, str) or value in numbers:
        return steps
    return [s for s in steps if isinstance(s, str)] + sorted([*numbers, value])


def training_controls() -> dict:
    optimizer = st.selectbox(
        "Optimizer",
        cfg.OPTIMIZERS,
        key="optimizer",
        disabled=fixed("optimizer"),
        format_func=OPTIMIZER_LABELS.get,
    )
    lr = st.select_slider(
        "Learning rate",
        _steps_with_current("lr", LR_STEPS),
        key="lr",
        disabled=fixed("lr"),
        help="Applies at once, also to a running model.",
    )
    epochs = st.number_input(
        "Epochs", 1, cfg.MAX_EPOCHS, step=50, key="epochs", disabled=fixed("epochs")
    )
    batch = st.select_slider(
        "Batch size",
        _steps_with_current("batch_size", BATCH_SIZES),
        key="batch_size",
        disabled=fixed("batch_size"),
        help="full: one step per epoch on the whole training set.",
    )
    weight_decay = st.select_slider(
        "Weight decay",
        _steps_with_current("weight_decay", WEIGHT_DECAY_STEPS),
        key="weight_decay",
        disabled=fixed("weight_decay"),
    )
    devices = available_devices()
    device = st.selectbox(
        "Device",
        devices,
        key="device",
        disabled=fixed("device"),
        help="Only the devices present here are offered.",
    )
    return dict(
        optimizer=optimizer,
        lr=lr,
        epochs=int(epochs),
        batch_size=None if batch == "full" else int(batch),
        weight_decay=weight_decay,
        device=device,
    )


def mistake_controls(task: str) -> dict:
    options = mistakes.for_task(task)
    # Mistakes of another task are dropped when the task changes.
    kept = [name for name in st.session_state.get("mistakes", []) if name in options]
    st.session_state["mistakes"] = kept
    chosen = st.multiselect(
        "Mistakes to make on purpose",
        options,
        key="mistakes",
        disabled=fixed("mistakes"),
        format_func=mistakes.LABELS.get,
        help="The engine makes each one, so you can watch its symptom.",
    )
    if in_classroom():
        # Each of these changes other settings too, which the link may lock.
        return dict(mistakes=tuple(chosen))
    st.caption("Or make a mistake in the settings above:")
    for name, label in mistakes.SETTING_MISTAKES.items():
        st.button(
            label[0].upper() + label[1:],
            key=f"make_{name}",
            on_click=_make_setting_mistake,
            args=(name,),
            width="stretch",
        )
    return dict(mistakes=tuple(chosen))


def _make_setting_mistake(name: str) -> None:
    trainer = st.session_state.get(TRAINER)
    config = trainer.run.config if trainer is not None else DEFAULTS
    set_widgets(mistakes.make_setting_mistake(config, name))


def widget_values(config: cfg.Config) -> dict:
    """The value of every sidebar widget, by key, that shows `config`."""
    values = {name: getattr(config, name) for name in WIDGET_FIELDS}
    # A file's settings; the file itself is uploaded again, never set.
    values |= {name: getattr(config, name) for name in CSV_KEYS}
    values |= {
        "inputs": list(config.inputs),
        "features": list(config.features),
        "mistakes": list(config.mistakes),
        "batch_size": "full" if config.batch_size is None else config.batch_size,
        "layers": len(config.hidden),
        "same_width": len(set(config.hidden)) <= 1,
    }
    if config.hidden:
        values["width"] = config.hidden[0]
    for i, width in enumerate(config.hidden):
        values[f"width_{i + 1}"] = width
    return values


def set_widgets(config: cfg.Config, fields=None) -> None:
    """Set every widget to `config`, or only those of `fields` (config field
    names); call before the widgets are drawn."""
    values = widget_values(config)
    if fields is not None:
        keys = {key for name in fields for key in FIELD_KEYS[name]}
        values = {key: value for key, value in values.items() if key in keys}
    st.session_state.update(values)


def _load_preset() -> None:
    name = st.session_state.get("preset")
    if name in PRESETS:
        set_widgets(PRESETS[name].config)


def preset_controls() -> None:
    st.selectbox(
        "Start from a ready setup",
        list(PRESETS),
        index=None,
        key="preset",
        placeholder="Choose a setup",
        format_func=lambda name: PRESETS[name].label,
        on_change=_load_preset,
    )
    name = st.session_state.get("preset")
    if name in PRESETS:
        st.caption(PRESETS[name].text)


def _start_from_defaults() -> None:
    # Widgets take their first value from here, never from a default argument:
    # a preset or a fix sets the same keys, and Streamlit warns when both do.
    for key, value in widget_values(DEFAULTS).items():
        st.session_state.setdefault(key, value)


def config_controls() -> cfg.Config:
    """Draw the sidebar and return the Config it describes."""
    _start_from_defaults()
    with st.sidebar:
        if not in_classroom():
            preset_controls()
        _header("Data", SECTIONS["Data"])
        values = data_controls()
        _header("Network", SECTIONS["Network"])
        values |= network_controls()
        _header("Training", SECTIONS["Training"])
        values |= training_controls()
        _header("Mistakes", SECTIONS["Mistakes"])
        values |= mistake_controls(values["task"])
    return cfg.Config(**values)


# The sidebar's sections and the config fields each one's controls set.
SECTIONS = {
    "Data": (
        "task",
        "dataset",
        "n_samples",
        "noise",
        "classes",
        "test_fraction",
        "seed",
        "standardize",
        "features",
    ),
    "Network": ("hidden", "activation"),
    "Training": ("optimizer", "lr", "epochs", "batch_size", "weight_decay", "device"),
    "Mistakes": ("mistakes",),
}


def _header(title: str, fields: tuple[str, ...]) -> None:
    # A classroom link that hides every control of a section hides its title too.
    page = current_page()
    if page.others == "hide" and not any(map(page.may_change, fields)):
        return
    st.header(title)
