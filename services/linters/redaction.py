"""Redaction of secret values in any text a tool printed, before it leaves the tool wrapper.

Tools quote what they find: bandit's B105 prints the hard-coded password, a failing assert prints
the key it compared. Redacted: values detect-secrets recognises in the text itself, quoted values
after "password"/"secret"/"token" (bandit's wording), and values the caller already knows are
secret (those found in the project's files).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable

from detect_secrets.core.potential_secret import PotentialSecret
from detect_secrets.core.scan import scan_line
from detect_secrets.plugins.high_entropy_strings import (
    Base64HighEntropyString,
    HexHighEntropyString,
)
from detect_secrets.settings import default_settings

REDACTED = "[REDACTED]"
# detect-secrets keeps its plugin settings in process-wide state: ``default_settings()`` puts
# them in place and takes them away on exit, so a scan in another thread that exits first leaves
# this one scanning with no plugins at all (it then finds nothing, silently). Every use of them
# here and in ``services.linters.secrets`` holds this lock: one at a time.
SETTINGS_LOCK = threading.Lock()
_MIN_SECRET_CHARS = 8
# scan_line lists every word as an entropy candidate; only long, random-looking ones count.
_MIN_ENTROPY_CHARS = 16
_ENTROPY_PLUGINS = {
    plugin.secret_type: plugin for plugin in (Base64HighEntropyString(), HexHighEntropyString())
}
_QUOTED_AFTER_KEYWORD = re.compile(
    r"(?i)((?:password|passwd|secret|token|api[_-]?key|credential)\w*['\"]?\s*[:=]\s*)"
    r"(['\"])(.*?)\2"
)


def redact(text: str, known: Iterable[str] = ()) -> str:
    """``text`` with every secret value it carries replaced by ``[REDACTED]``."""
    values = {value for value in known if len(value) >= _MIN_SECRET_CHARS}
    with SETTINGS_LOCK, default_settings():
        for line in text.splitlines() or [text]:
            values.update(v for p in scan_line(line) if (v := _secret_value(p)))
    for value in sorted(values, key=len, reverse=True):
        text = text.replace(value, REDACTED)
    return _QUOTED_AFTER_KEYWORD.sub(_quoted_redacted, text)


def _quoted_redacted(match: re.Match[str]) -> str:
    keyword, quote = match.group(1), match.group(2)
    return f"{keyword}{quote}{REDACTED}{quote}"


def _secret_value(potential: PotentialSecret) -> str | None:
    value = potential.secret_value or ""
    plugin = _ENTROPY_PLUGINS.get(potential.type)
    if plugin is None:
        return value if len(value) >= _MIN_SECRET_CHARS else None
    if len(value) < _MIN_ENTROPY_CHARS:
        return None
    return value if plugin.calculate_shannon_entropy(value) > plugin.entropy_limit else None
