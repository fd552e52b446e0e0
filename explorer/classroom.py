"""What a link says about the page besides the config: the lesson or challenge it
opens, presenter mode, and, for a classroom link, which controls students may
change. Read and written as URL query parameters, like the config."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields

from explorer.config import CSV_FIELDS, FIELD_LABELS, Config
from explorer.lessons import CHALLENGES, LESSONS
from explorer.links import fit_dataset, last_value, names_in

# The controls a classroom link can leave to students: config fields, by label.
CONTROLS = FIELD_LABELS
OTHERS = ("lock", "hide")  # what a classroom link does with the other controls


@dataclass(frozen=True)
class Page:
    """What a link opens besides the config."""

    lesson: str | None = None
    step: int = 0  # the lesson's setup shown, from 0
    challenge: str | None = None
    present: bool = False  # presenter mode: larger type, the essential charts
    allow: tuple[str, ...] | None = None  # None: not a classroom link
    others: str = "lock"

    @property
    def classroom(self) -> bool:
        """Whether the page was opened by a classroom link."""
        return self.allow is not None

    def may_change(self, field: str) -> bool:
        """Whether students may change the control of this config field."""
        return self.allow is None or field in self.allow


PARAMS = tuple(f.name for f in fields(Page))


def allowed(names: Iterable[str]) -> tuple[str, ...]:
    """The controls named, in the sidebar's order; a new task needs new data, so
    allowing the task allows the dataset too."""
    names = set(names)
    if "task" in names:
        names.add("dataset")
    return tuple(name for name in CONTROLS if name in names)


def to_query(page: Page) -> dict[str, str]:
    """The page's parameters that differ from a plain page, as text."""
    query = {}
    if page.lesson is not None:
        query["lesson"] = page.lesson
        if page.step:
            query["step"] = str(page.step + 1)  # numbered from 1 in a link
    if page.challenge is not None:
        query["challenge"] = page.challenge
    if page.present:
        query["present"] = "true"
    if page.allow is not None:
        query["allow"] = ",".join(page.allow) or "none"
        query["others"] = page.others
    return query


def split_query(params: Mapping) -> tuple[dict, dict]:
    """A URL's parameters as (the config's, the page's)."""
    config = {k: v for k, v in params.items() if k not in PARAMS}
    page = {k: v for k, v in params.items() if k in PARAMS}
    return config, page


def from_query(params: Mapping) -> tuple[Page, list[str]]:
    """The page's parameters, and notes on what could not be used; never raises.
    Parameters that are not the page's are left to the config."""
    values, notes = {}, []
    text = {name: last_value(raw) for name, raw in params.items() if name in PARAMS}
    for name, registry in (("lesson", LESSONS), ("challenge", CHALLENGES)):
        if name in text:
            if text[name] in registry:
                values[name] = text[name]
            else:
                notes.append(f"there is no {name} called {text[name][:40]!r}")
    if "step" in text and "lesson" in values:
        n_steps = len(LESSONS[values["lesson"]].steps)
        try:
            step = int(text["step"])
        except ValueError:
            step = 0
        if not 1 <= step <= n_steps:
            notes.append(f"the lesson has setups 1 to {n_steps}: showing the first")
            step = 1
        values["step"] = step - 1
    if "present" in text:
        values["present"] = text["present"].lower() in ("true", "1", "yes")
    if "allow" in text:
        # "none": a classroom link that leaves students no control at all.
        names = names_in("allow", text["allow"], (*CONTROLS, "none"), notes)
        values["allow"] = allowed(names)
    if "others" in text:
        if text["others"] in OTHERS:
            values["others"] = text["others"]
        else:
            notes.append(f"others={text['others'][:20]!r} is not lock or hide: lock")
    return Page(**values), notes


def enforce(config: Config, base: Config, page: Page) -> Config:
    """`config` with every control students may not change set back to `base`.

    Where students changed the data, the locked settings that no longer fit it
    (classes, extra inputs, mistakes) follow the new data, as a link's would."""
    if not page.classroom:
        return config

    def may_change(name: str) -> bool:
        # A file of your own is part of the dataset control.
        return page.may_change("dataset" if name in CSV_FIELDS else name)

    values = {
        name: getattr(config if may_change(name) else base, name)
        for name in (f.name for f in fields(Config))
    }
    fit_dataset(values, [])
    return Config(**values)
