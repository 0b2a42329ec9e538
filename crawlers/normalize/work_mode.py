"""Work mode: remote, hybrid or on-site, from the most explicit signal a posting gives."""

from __future__ import annotations

import re
from collections.abc import Sequence

from core.domain import WorkMode
from core.text import fold
from crawlers.normalize.text import CUE_SCAN_LIMIT, near

_WORKPLACE = re.compile(
    r"(?P<hybrid>hybrid|hibrido|flexible)|(?P<remote>remote|telecommute|home|teletrabajo|remoto)"
    r"|(?P<onsite>on[ -]?site|in[ -]?office|office|in[ -]?person|presencial|vor ort)"
)
_CUES = re.compile(
    r"(?P<hybrid>\bhybrid|\bhibrido|\bteilweise (?:remote|home ?office|mobil)|\bsemi ?presencial"
    r"|\bpart(?:ly|ially) remote|\bremote[ /-]hybrid|\bhybrid[ /-]remote)"
    r"|(?P<remote>\bremote|\bhome ?office|\bwork(?:ing)? from (?:home|anywhere)|\bwfh\b"
    r"|\bremoto|\bteletrabajo|\btelearbeit|\bfernarbeit|\banywhere\b|\bmobiles arbeiten)"
    r"|(?P<onsite>\bon[ -]?site\b|\bin[ -]office\b|\boffice[ -]based|\bvor ort\b|\bpresencial"
    r"|\bin[ -]person\b|\bpraesenz|\bprasenz)"
)
# Each branch of _DESCRIPTION_CUES contains one of these.
_CUE_TRIGGERS = (
    "remot",
    "hybrid",
    "brido",
    "home",
    "teletrab",
    "presencial",
    "vor ort",
    "site",
    "person",
    "office",
    "büro",
    "buro",
    "mobil",
    "distributed",
    "anywhere",
)
_DESCRIPTION_CUES = re.compile(
    r"(?P<onsite_strict>\bno(?:t)?\s+remote\b|\bkein(?:e|en)?\s+(?:home[ -]?office|remote)"
    r"|\bsin\s+teletrabajo|\b100\s?%\s?presencial|\bon[ -]?site\s+only|\bfully\s+on[ -]?site"
    r"|\bin[ -]office\s+only|\bnot\s+a\s+remote)"
    r"|(?P<remote>\b100\s?%\s?(?:remote|home[ -]?office|teletrabajo|remoto|mobil)"
    r"|\bfully\s+(?:remote|distributed)|\bfull[ -]remote|\bremote[ -](?:position|role|job"
    r"|opportunity|only|first\s+company)|\bthis\s+(?:is\s+a|position\s+is|role\s+is|job\s+is)"
    r"\s+(?:fully\s+)?remote|\bwork\s+from\s+anywhere|\bkomplett\s+remote"
    r"|\bvollst[äa]ndig\s+remote|\bausschlie(?:ß|ss)lich\s+remote"
    r"|\bteletrabajo\s+(?:total|completo|100)|\b(?:trabajo|puesto)\s+(?:100\s?%\s?)?(?:en\s+)?remoto)"
    r"|(?P<hybrid>\bhybrid|\bh[ií]brido|\bteilweise\s+(?:remote|home[ -]?office|mobil)"
    r"|\bmobile[sn]?\s+arbeit|\bhome[ -]?office|\bremote\s+days|\bsemi[ -]?presencial"
    r"|\bteletrabajo|\b\d\s+(?:days?|tage?)\s+(?:per\s+week\s+|pro\s+woche\s+)?(?:in\s+the"
    r"\s+office|im\s+b[üu]ro|remote|home[ -]?office|from\s+home))"
    r"|(?P<onsite>\bon[ -]?site\b|\bvor\s+ort\b|\bpresencial\b|\bin[ -]person\b"
    r"|\boffice[ -]based\b)"
)


def detect_work_mode(
    *,
    remote: bool | None = None,
    workplace: str | None = None,
    title: str = "",
    locations: Sequence[str] = (),
    description: str = "",
) -> WorkMode | None:
    """Remote, hybrid or on-site, from the most explicit signal there is; None if nothing says.

    An explicit workplace wins; then cues in the title and locations (a hybrid cue there turns a
    remote flag into hybrid); then the remote flag; then cues in the description, where a
    negation ("no remote") beats "fully remote", which beats hybrid, which beats on-site. A
    remote flag that is explicitly false means on-site when nothing else says otherwise.
    """
    if workplace and (match := _WORKPLACE.search(fold(workplace))) is not None:
        return _WORK_MODES[str(match.lastgroup)]
    found = {str(m.lastgroup) for m in _CUES.finditer(fold(" | ".join((title, *locations))))}
    if remote is True:
        return WorkMode.HYBRID if "hybrid" in found else WorkMode.REMOTE
    for cue in ("hybrid", "remote", "onsite"):
        if cue in found:
            return _WORK_MODES[cue]
    if description:
        text = description[:CUE_SCAN_LIMIT].casefold()
        found = {str(m.lastgroup) for m in near(text, _CUE_TRIGGERS, _DESCRIPTION_CUES)}
        for cue in ("onsite_strict", "remote", "hybrid", "onsite"):
            if cue in found:
                return _WORK_MODES[cue]
    return WorkMode.ONSITE if remote is False else None


_WORK_MODES = {
    "remote": WorkMode.REMOTE,
    "hybrid": WorkMode.HYBRID,
    "onsite": WorkMode.ONSITE,
    "onsite_strict": WorkMode.ONSITE,
}
