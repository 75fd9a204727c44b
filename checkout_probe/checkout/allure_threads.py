"""Makes Allure's steps safe to open from several threads at once (the probe's workers).

allure-python-commons builds its plugin manager on first use, without a lock: it stores
the manager before adding the hooks to it, so a second thread's first ``allure.step`` in
between finds no ``start_step`` hook ("'HookRelay' object has no attribute 'start_step'")
and its checkout ends as a harness error. Under pytest, allure-pytest builds the manager
at start-up; the probe has no such moment, so its pool calls :func:`prepare` before it
starts its workers.
"""

from __future__ import annotations

from allure_commons import plugin_manager


def prepare() -> None:
    """Build Allure's plugin manager now, in the calling thread, if nothing has yet."""
    plugin_manager.get_plugin_manager()
