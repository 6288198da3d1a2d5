"""A dashboard page under Voilà's preheated kernels: build ahead, then wait for the visitor.

``smskit serve`` runs Voilà with ``preheat_kernel``: for every dashboard a kernel has already run
the notebook *before* anyone asks for the page, so the page appears at once. Such a kernel does not
know the visitor's address yet, so it cannot know ``?lang=id``. Each notebook's first code cell
therefore calls :func:`page_request` before it builds its dashboard:

1. under a preheated kernel, it builds the dashboard and throws it away, once in each language:
   imports, data tables, fonts, the database, both languages' catalogues and Babel's locale data
   are loaded while nobody waits (the first Indonesian build of Lessons after an English one took
   0.19 s, the next ones 0.05 s);
2. it waits for the page request with ``voila.utils.get_query_string()`` (Voilà's documented way:
   the request's environment arrives over a websocket when a browser takes this kernel);
3. it sets the language (``?lang=id``, else ``SMSKIT_LANG``) and the time zone (``?tz=``) from
   the query string.

The notebook then builds the dashboard for real, for this visitor, in their language and with
fresh data (the campaigns in the database, the clock): that second build takes 5–200 ms.

In JupyterLab, nbval or a plain Voilà kernel (``VOILA_PREHEAT`` unset or ``False``) nothing waits:
the language comes from ``QUERY_STRING``, which plain Voilà sets before the kernel starts.
"""

from __future__ import annotations

import gc
import logging
import os
from collections.abc import Callable

from ipywidgets.widgets import widget as _widget
from smskit_widgets.common.i18n import LANGUAGE, initial_language, language_listeners_discarded
from smskit_widgets.common.timezone import apply_query

from smskit.i18n.catalog import LANGUAGES

log = logging.getLogger("smskit.widgets")


def preheating() -> bool:
    """True in a kernel that Voilà started ahead of a request (``VOILA_PREHEAT=True``)."""
    return os.environ.get("VOILA_PREHEAT", "False") == "True"


def _query_string() -> str:
    # Blocks until Voilà hands this kernel to a browser; returns at once when not preheated.
    from voila.utils import get_query_string

    return get_query_string() or ""


def build_and_discard(factory: Callable[[], object]) -> None:
    """Build what ``factory`` builds and close every widget it made (a warm-up).

    Errors are logged, never raised: the real build that follows shows them as usual.
    """
    before = set(_widget._instances)
    try:
        with language_listeners_discarded():
            factory()
    except Exception:
        log.warning("warming up %r failed", factory, exc_info=True)
    finally:
        for model_id in [m for m in list(_widget._instances) if m not in before]:
            made = _widget._instances.get(model_id)
            if made is not None:
                made.close()  # a dashboard's close() also stops its threads
        gc.collect()


def page_request(warm_up: Callable[[], object] | None = None) -> str:
    """Wait for the page request under a preheated kernel; return the page's language.

    ``warm_up`` (the dashboard's class) is built and discarded first, in every language, while
    nobody waits.

    >>> page_request() in ("en", "id")  # not under a preheated Voilà kernel: returns at once
    True
    """
    if preheating():
        if warm_up is not None:
            for lang in LANGUAGES:
                LANGUAGE.lang = lang
                build_and_discard(warm_up)
        query = _query_string()
        LANGUAGE.lang = initial_language(query)
        apply_query(query)  # ?tz= too: the preheated kernel learns the page's address only now
    return str(LANGUAGE.lang)
