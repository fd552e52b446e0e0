"""Teaching with the explorer: lessons and challenges, classroom links that lock
or hide the controls students may not change, and presenter mode."""

from dataclasses import replace
from urllib.parse import urlencode

import streamlit as st

from app_controls import FIELD_KEYS, set_widgets
from app_state import PAGE, PRESENT, current_page
from explorer import classroom
from explorer.classroom import CONTROLS, Page
from explorer.config import Config
from explorer.lessons import CHALLENGES, LESSONS, broken_rules, check
from explorer.links import to_query
from explorer.training import BackgroundTrainer

BASE = "classroom_base"  # a classroom link's config: what locked controls keep
ALLOW = "classroom_allow"
OTHERS = "classroom_others"

# Presenter mode: every size on the page is in rem, so a larger root font scales
# the text, the widgets and the spacing together.
PRESENTER_CSS = """
<style>
html { font-size: 20px; }
h1 { font-size: 2.2rem !important; }
</style>
"""


page = current_page


def set_page(**changes) -> None:
    st.session_state[PAGE] = replace(page(), **changes)


def use_page(new: Page, config: Config) -> None:
    """The page a link asked for; `config` is what a classroom link locks."""
    st.session_state[PAGE] = new
    st.session_state[PRESENT] = new.present
    if new.classroom:
        st.session_state[BASE] = config


def config_for(new: Page) -> Config:
    """The setup a link without settings opens: its lesson's or challenge's."""
    if new.lesson is not None:
        return LESSONS[new.lesson].steps[new.step].config
    if new.challenge is not None:
        return CHALLENGES[new.challenge].start
    return Config()


def restore_locked() -> None:
    """Set the controls a classroom link locks back to its setup, whatever a
    button did to them; call before the sidebar is drawn."""
    current = page()
    if current.classroom and BASE in st.session_state:
        locked = [name for name in CONTROLS if not current.may_change(name)]
        set_widgets(st.session_state[BASE], locked)


def enforce(config: Config) -> Config:
    """The sidebar's config, with what a classroom link locks kept as it was."""
    current = page()
    return classroom.enforce(config, st.session_state.get(BASE, config), current)


def _shown_page() -> Page:
    # The page as the link will open it: presenter mode as the toggle is now.
    return replace(page(), present=bool(st.session_state.get(PRESENT)))


def link_query(config: Config) -> dict[str, str]:
    """The URL's parameters: the config, then the page."""
    return to_query(config) | classroom.to_query(_shown_page())


def page_link(query: dict[str, str]) -> str:
    """This page's address with `query` as its parameters."""
    base = (st.context.url or "").split("?")[0]
    return f"{base}?{urlencode(query)}"


# Lessons and challenges


def _open(config: Config) -> None:
    set_widgets(config)
    if page().classroom:
        # A lesson's setups are the teacher's too: in a classroom link, its step
        # buttons move what is locked on to the next setup.
        st.session_state[BASE] = config


def open_lesson(name: str, step: int = 0) -> None:
    _open(LESSONS[name].steps[step].config)
    set_page(lesson=name, step=step, challenge=None)


def open_challenge(name: str) -> None:
    _open(CHALLENGES[name].start)
    set_page(challenge=name, lesson=None, step=0)


def leave() -> None:
    set_page(lesson=None, step=0, challenge=None)


def lesson_card() -> None:
    current = page()
    if current.lesson is None:
        return
    lesson = LESSONS[current.lesson]
    with st.container(border=True, key="lesson_card"):
        st.markdown(f"### Lesson: {lesson.title}")
        st.markdown(lesson.text)
        st.markdown(f"**Question:** {lesson.question}")
        columns = st.columns(len(lesson.steps))
        for k, (column, step) in enumerate(zip(columns, lesson.steps, strict=True)):
            column.button(
                f"{k + 1}. {step.label}",
                key=f"lesson_step_{k}",
                on_click=open_lesson,
                args=(lesson.name, k),
                type="primary" if k == current.step else "secondary",
                width="stretch",
                help="Sets the sidebar to this setup; then press Train.",
            )
        if not current.classroom:
            st.button("Leave the lesson", key="leave_lesson", on_click=leave)


def challenge_card(trainer: BackgroundTrainer) -> None:
    current = page()
    if current.challenge is None:
        return
    challenge = CHALLENGES[current.challenge]
    with st.container(border=True, key="challenge_card"):
        st.markdown(f"### Challenge: {challenge.title}")
        st.markdown(challenge.text)
        rules = [
            f"test {'R²' if challenge.start.task == 'regression' else 'accuracy'}"
            f" ≥ {challenge.goal}",
            *challenge.limits(),
        ]
        st.caption("Goal: " + "; ".join(rules) + ". The data stays as it is.")
        with trainer.hold() as run:
            config, history, done = run.config, list(run.history), run.done
        if not done:
            if broken := broken_rules(challenge, config):
                st.warning("These settings break the rules: " + "; ".join(broken))
            else:
                st.caption("The goal is checked when the run ends.")
        else:
            verdict = check(challenge, config, history)
            if verdict.met:
                st.success(
                    f"Goal met: {verdict.reasons[0]}.", icon=":material/emoji_events:"
                )
            else:
                st.error("Not yet: " + "; ".join(verdict.reasons) + ".")
        if not current.classroom:
            st.button("Leave the challenge", key="leave_challenge", on_click=leave)


def gallery() -> None:
    if page().classroom:
        return
    with st.expander("Lessons and challenges"):
        st.markdown("**Lessons**: a few setups to train in turn, and a question.")
        for name, lesson in LESSONS.items():
            text = f"**{lesson.title}**: {lesson.question}"
            _gallery_row(text, "Open", f"open_lesson_{name}", open_lesson, name)
        st.markdown("**Challenges**: a goal, checked when the run ends.")
        for name, challenge in CHALLENGES.items():
            text = f"**{challenge.title}**: {challenge.text}"
            _gallery_row(text, "Try it", f"open_challenge_{name}", open_challenge, name)


def _gallery_row(text: str, label: str, key: str, on_click, name: str) -> None:
    left, right = st.columns([4, 1], vertical_alignment="center")
    left.markdown(text)
    right.button(label, key=key, on_click=on_click, args=(name,), width="stretch")


# Classroom links and presenter mode


def classroom_link(config: Config) -> None:
    """The teacher's part of the share box: a link for the class."""
    st.markdown("**A link for the class**")
    allow = st.multiselect(
        "Students may change",
        list(CONTROLS),
        default=["lr", "epochs"],
        key=ALLOW,
        format_func=CONTROLS.get,
        help="Allowing the task allows the dataset too: a new task needs new data.",
    )
    others = st.radio(
        "The other controls are",
        classroom.OTHERS,
        key=OTHERS,
        format_func={"lock": "shown, locked", "hide": "hidden"}.get,
        horizontal=True,
    )
    link = replace(_shown_page(), allow=classroom.allowed(allow), others=others)
    query = to_query(config) | classroom.to_query(link)
    st.code(page_link(query), language=None, wrap_lines=True)
    st.caption(
        "The lesson or challenge open now goes with the link. Students who open "
        "it see these settings, and can change only the controls ticked above."
    )


def hidden_controls_css() -> None:
    """Hide the sidebar controls a classroom link hides."""
    current = page()
    if not current.classroom or current.others != "hide":
        return
    keys = [
        key
        for field in CONTROLS
        if not current.may_change(field)
        for key in FIELD_KEYS[field]
    ]
    selectors = ", ".join(f".st-key-{key}" for key in keys)
    if selectors:
        st.html(f"<style>{selectors} {{ display: none; }}</style>")


def classroom_note() -> None:
    current = page()
    if not current.classroom:
        return
    names = ", ".join(CONTROLS[f].lower() for f in current.allow) or "nothing"
    how = "hidden" if current.others == "hide" else "locked"
    st.info(
        f"Classroom link: you can change {names}; the other controls are {how}.",
        icon=":material/school:",
    )


def presenter_css() -> None:
    if st.session_state.get(PRESENT):
        st.html(PRESENTER_CSS)
