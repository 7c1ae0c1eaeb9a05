"""The narrative: the numbered steps as prose, the way the seed's "Narasi Prosedur" reads.

"**Kepala PUSDATIN** menugaskan Bidang IKI ..." — the source writes the action without a subject
and with a capitalised verb (it is also the SOP table's Kegiatan cell); in a sentence the verb
follows the actor, so its first letter is lowered unless the word is an acronym. Decisions become
"Jika Ya, lanjut ke langkah 7; jika Tidak, kembali ke langkah 5"; three or more exits become
sub-items a., b., c. Built from the DocumentView so numbers and names match every other output.
Texts keep their inline emphasis (`*upgrade*`): HTML gets <em>/<strong>, Markdown its own markers,
plain text none (`text.plain`).

A noun-phrase activity, normal in signed SOPs ("Pemeriksaan kerusakan", "Evaluasi laporan"), reads
"Pemeriksaan kerusakan oleh **Teknisi**." rather than "Teknisi pemeriksaan kerusakan"; a text that names
its actor first ("PJK TI memeriksa laporan") prints that name bold in place; a clause with another
subject ("Petugas admin jaringan melakukan …") follows the actor after a colon. Which is which is
`wording.activity_form` (shared with lint P401). Only Indonesian text: English comes from `*_en` fields.

A row of several actors reads in the order written: "**Pegawai** mengajukan tiket layanan, lalu
**Admin** mencatat tiket" (each part's own text, else the row's Kegiatan); a joint task names every
actor, each in bold: "**Kepala Bidang IKI** bersama **Kepala Bidang SI** merencanakan ...". Every format
(HTML, Markdown, text, DOCX) prints the same `segments`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html import escape

from .. import shared
from ..model import Library, Procedure, StepKind
from ..text import plain, spans
from ..wording import activity_form
from .document import DocumentView, ExitView, StepView, document_view
from .inline import inline_html
from .labels import label

__all__ = [
    "NarrativeItem",
    "NarrativeSegment",
    "NarrativeSubItem",
    "narrative",
    "narrative_from_view",
    "narrative_html",
    "narrative_markdown",
    "narrative_text",
]

LETTERS = "abcdefghijklmnopqrstuvwxyz"


@dataclass
class NarrativeSubItem:
    """One branch of a decision with three or more exits (a., b., c.)."""

    letter: str
    text: str


@dataclass
class NarrativeSegment:
    """Who does what in one symbol of a row: `before` (a noun-phrase activity and "oleh"), `actors` (each
    printed bold, joined by `joint`), then `text`. `lead` comes first (", lalu " from the second part on)."""

    actors: list[str]
    text: str
    lead: str = ""
    joint: str = " bersama "
    before: str = ""

    @property
    def gap(self) -> str:
        """The space between the actors and `text`: none before punctuation (": …", ".")."""
        return "" if not self.actors or not self.text or self.text[0] in ".,:;" else " "

    def plain(self) -> str:
        if not self.actors:
            return f"{self.lead}{self.text}"
        return f"{self.lead}{self.before}{self.joint.join(self.actors)}{self.gap}{self.text}".rstrip()


@dataclass
class NarrativeItem:
    """One numbered step: `actor` is printed bold, then `text`; `follow` says where the flow goes.

    `segments` is what every format prints: one per symbol of the row (one for a plain step), the
    actors bold; `actor` (every actor by name) and `text` (the whole sentence after the first actor
    group) are the same content flattened."""

    number: int
    actor: str
    text: str
    follow: str = ""
    details: list[tuple[str, str]] = field(default_factory=list)
    sub_items: list[NarrativeSubItem] = field(default_factory=list)
    step_id: str = ""
    segments: list[NarrativeSegment] = field(default_factory=list)
    facts: list[tuple[str, str]] = field(default_factory=list)
    """The step's own lines under the sentence, (label, text): Kelengkapan, Input, Output, Waktu, Rekaman,
    Sumber Daya, Pengendalian, Keterangan, those the step fills in. HTML, PDF and DOCX print them alike."""

    def head(self) -> list[NarrativeSegment]:
        """The segments, or one made of `actor` and `text` for an item built by hand."""
        if self.segments:
            return self.segments
        return [NarrativeSegment([self.actor] if self.actor else [], self.text if self.actor else capitalise(self.text))]

    def sentence(self) -> str:
        """The whole item as plain text, without number or markup (inline emphasis dropped)."""
        parts = [plain("".join(seg.plain() for seg in self.head()).strip())]
        parts += [f"{name}: {_sentence_end(value)}" for name, value in self.details]
        if self.follow:
            parts.append(self.follow)
        return plain(" ".join(p for p in parts if p))


_ACRONYM = re.compile(r"^[^\s]*[A-Z][^\s]*[A-Z0-9]")


def lower_verb(text: str) -> str:
    """Lower the first letter of `text` unless its first word is an acronym (PUSDATIN, SMS, IKI);
    emphasis markers before it are kept (`*Upgrade* server` → `*upgrade* server`)."""
    text = text.strip()
    lead = _lead(text)
    first = text[lead:].split(None, 1)[0] if text[lead:].strip() else ""
    if not first or _ACRONYM.match(first.strip("*")) or not first[0].isupper():
        return text
    return text[:lead] + text[lead].lower() + text[lead + 1:]


def _lead(text: str) -> int:
    """Where the first letter of `text` is: after any leading emphasis markers."""
    return len(text) - len(text.lstrip("*")) if text.startswith("*") else 0


def capitalise(text: str) -> str:
    """The first letter upper case (after any leading emphasis markers)."""
    if not text:
        return text
    lead = _lead(text)
    return text[:lead] + text[lead:lead + 1].upper() + text[lead + 1:]


def _sentence_end(text: str) -> str:
    text = text.strip()
    if text and text[-1] not in ".!?:;":
        text += "."
    return text


def _phrase(seg: NarrativeSegment, text: str, lang: str, first: bool) -> NarrativeSegment:
    """`seg` with `text` phrased by its form (Indonesian only): a noun phrase before "oleh" and the actors,
    the actor's own name at the start of the text printed as the bold name, a clause with its own subject
    after a colon, a verb phrase after the actors."""
    text = text.strip()
    if not seg.actors:
        seg.text = capitalise(text)
        return seg
    if lang == "id":
        form = activity_form(text)
        if form == "noun":
            seg.before = f"{capitalise(text) if first else lower_verb(text)} oleh "
            seg.text = ""
            return seg
        if len(seg.actors) == 1:
            name = seg.actors[0]
            if text.casefold().startswith(name.casefold() + " ") and text[len(name) + 1:].strip():
                seg.text = text[len(name) + 1:].strip()
                return seg
            if form == "clause":
                seg.text = f": {text}"
                return seg
    seg.text = lower_verb(text)
    return seg


def _segments(step: StepView, lang: str) -> list[NarrativeSegment]:
    """One segment per symbol that has an actor; a part without text of its own does the row's
    Kegiatan. A row whose parts carry no text at all reads as one segment: its actors, its Kegiatan."""
    joint = " together with " if lang == "en" else " bersama "
    then = ", then " if lang == "en" else ", lalu "
    row_text = step.text.strip()
    parts = [p for p in step.parts if p.actors]
    if len(parts) > 1 and not any(p.text.strip() for p in parts):
        names = list(dict.fromkeys(n for p in parts for n in p.actors))
        return [_phrase(NarrativeSegment(names, "", joint=", "), row_text, lang, True)]
    if len(parts) <= 1:
        names = parts[0].actors if parts else []
        text = (parts[0].text.strip() if parts else "") or row_text
        return [_phrase(NarrativeSegment(names, "", joint=joint), text, lang, True)]
    out: list[NarrativeSegment] = []
    for k, part in enumerate(parts):
        text = part.text.strip() or row_text
        out.append(_phrase(NarrativeSegment(part.actors, "", then if k else "", joint), text, lang, k == 0))
    return out


def _route(ex: ExitView, lang: str) -> str:
    """'lanjut ke langkah 7' or 'kembali ke langkah 5' (a loop goes back)."""
    if ex.target_number is None:
        return label("end", lang).lower()
    key = "back_to" if ex.backwards else "go_to"
    return f"{label(key, lang)} {ex.target_number}"


def _item(step: StepView, view: DocumentView) -> NarrativeItem:
    lang = view.lang
    segments = _segments(step, lang)
    last = segments[-1]
    last.text = _sentence_end(last.text) if last.text or not last.actors else "."
    first, rest = segments[0], segments[1:]
    text = first.text + "".join(seg.plain() for seg in rest)
    item = NarrativeItem(number=step.number, actor=first.joint.join(first.actors), text=text, step_id=step.id,
                         segments=segments)
    for key in ("why", "when", "where", "how"):
        value = getattr(step, key)
        if value:
            item.details.append((label(key, lang), value))
    item.facts = step_facts(step, lang)
    if_word = label("if", lang)
    # labelled exits first; one unlabelled exit beside them is "jika tidak" / "otherwise", several are
    # alternatives ("lanjut ke langkah 5 atau kembali ke langkah 2": signed SOPs often leave them unlabelled)
    labelled = [ex for ex in step.exits if ex.label]
    bare = [ex for ex in step.exits if not ex.label]
    if len(step.exits) >= 3:
        for i, ex in enumerate(labelled + bare):
            letter = LETTERS[i % len(LETTERS)]
            text = f"{if_word} {ex.label}, {_route(ex, lang)}." if ex.label else capitalise(f"{_route(ex, lang)}.")
            item.sub_items.append(NarrativeSubItem(letter, text))
    elif step.exits:
        clauses = [f"{if_word if i == 0 else if_word.lower()} {ex.label}, {_route(ex, lang)}"
                   for i, ex in enumerate(labelled)]
        if len(bare) == 1 and labelled:
            clauses.append(f"{label('otherwise', lang)}, {_route(bare[0], lang)}")
        elif bare:
            clauses.append(f" {label('or', lang)} ".join(_route(ex, lang) for ex in bare))
        item.follow = capitalise("; ".join(clauses) + ".")
    elif step.next_number is not None and (step.next_number != step.number + 1 or step.next_label):
        backwards = step.next_number <= step.number
        key = "back_to" if backwards else "go_to"
        route = f"{label(key, lang)} {step.next_number}"
        item.follow = capitalise(f"{step.next_label}, {route}." if step.next_label else f"{route}.")
    elif step.next_label:
        item.follow = capitalise(_sentence_end(step.next_label))
    return item


def step_facts(step: StepView, lang: str) -> list[tuple[str, str]]:
    """What the source says about a step beyond its sentence, as (label, text) lines, empty ones left out."""
    facts = [
        (label("requirements", lang), "; ".join(step.requirements)),
        (label("input", lang), "; ".join(step.input)),
        (label("output", lang), step.output),
        (label("time", lang), step.time),
        (label("records", lang), "; ".join(f"{rid} {name}".strip() for rid, name in step.records)),
        (label("resources", lang), "; ".join(step.resources)),
        (label("controls", lang), "; ".join(step.controls)),
        (label("notes", lang), step.notes),
    ]
    return [(name, value) for name, value in facts if value]


def narrative_from_view(view: DocumentView) -> list[NarrativeItem]:
    """The narrative of an already resolved document (so a renderer resolves once)."""
    return [_item(step, view) for step in view.steps if step.text or step.kind != StepKind.CONNECTOR]


def view_narrative_html(view: DocumentView) -> str:
    """`narrative_html` of a resolved document: the web page and its document print the same one, made
    once per view inside a build (`shared`)."""
    return shared.shared_for("narrative_html", (view,), None, lambda: narrative_html(narrative_from_view(view)))


def narrative(proc: Procedure, library: Library | None = None, lang: str = "id") -> list[NarrativeItem]:
    """The procedure's steps as numbered prose items in `lang`, parameters substituted."""
    return narrative_from_view(document_view(proc, library, lang=lang))


def _items(source: Procedure | list[NarrativeItem], library: Library | None, lang: str) -> list[NarrativeItem]:
    return narrative(source, library, lang) if isinstance(source, Procedure) else source


def narrative_html(
    source: Procedure | list[NarrativeItem], library: Library | None = None, lang: str = "id"
) -> str:
    """An escaped `<ol class="narrative">`: names go through `html.escape`, source text through
    `inline_html` (each span escaped, its emphasis as <em>/<strong>)."""
    out = ['<ol class="narrative">']
    for item in _items(source, library, lang):
        head = "".join(
            escape(seg.lead) + (str(inline_html(seg.before)) + escape(seg.joint).join(
                f"<strong>{escape(a)}</strong>" for a in seg.actors) + seg.gap if seg.actors else "")
            + str(inline_html(seg.text))
            for seg in item.head()
        )
        details = "".join(
            f' <span class="detail"><em>{escape(name)}:</em> {inline_html(_sentence_end(value))}</span>'
            for name, value in item.details
        )
        follow = f' <span class="follow">{inline_html(item.follow)}</span>' if item.follow else ""
        facts = "".join(
            f'<span class="fact"><em>{escape(name)}:</em> {inline_html(value)}</span>' for name, value in item.facts
        )
        if facts:
            facts = f'<span class="facts">{facts}</span>'
        subs = ""
        if item.sub_items:
            subs = '<ol class="branches" type="a">' + "".join(
                f"<li>{inline_html(sub.text)}</li>" for sub in item.sub_items
            ) + "</ol>"
        out.append(f'<li value="{item.number}" id="n-{escape(item.step_id)}">{head}{details}{follow}{subs}{facts}</li>')
    out.append("</ol>")
    return "\n".join(out)


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+!|~])")


def _md(text: str) -> str:
    return _MD_SPECIAL.sub(r"\\\1", text)


def _md_inline(text: str) -> str:
    """Source text as Markdown: each span's punctuation escaped, its emphasis as `*` / `**`."""
    out = []
    for span in spans(text):
        piece = _md(span.text)
        core = piece.strip()
        if core and (span.bold or span.italic):
            mark = ("**" if span.bold else "") + ("*" if span.italic else "")
            piece = piece[: len(piece) - len(piece.lstrip())] + mark + core + mark[::-1] + piece[len(piece.rstrip()):]
        out.append(piece)
    return "".join(out)


def narrative_markdown(
    source: Procedure | list[NarrativeItem], library: Library | None = None, lang: str = "id"
) -> str:
    """Markdown with the actor in bold, Markdown punctuation in source text backslash-escaped."""
    lines: list[str] = []
    for item in _items(source, library, lang):
        head = "".join(
            _md(seg.lead) + (_md_inline(seg.before) + _md(seg.joint).join(f"**{_md(a)}**" for a in seg.actors)
                             + seg.gap if seg.actors else "")
            + _md_inline(seg.text)
            for seg in item.head()
        )
        rest = [f"*{_md(name)}:* {_md_inline(_sentence_end(value))}" for name, value in item.details]
        if item.follow:
            rest.append(_md_inline(item.follow))
        lines.append(" ".join([f"{item.number}. {head}", *rest]))
        lines += [f"    {sub.letter}. {_md_inline(sub.text)}" for sub in item.sub_items]
    return "\n".join(lines) + "\n"


def narrative_text(
    source: Procedure | list[NarrativeItem], library: Library | None = None, lang: str = "id"
) -> str:
    """Plain text, one numbered paragraph per step, branches indented."""
    lines: list[str] = []
    for item in _items(source, library, lang):
        lines.append(f"{item.number}. {item.sentence()}")
        lines += [f"   {sub.letter}. {plain(sub.text)}" for sub in item.sub_items]
    return "\n".join(lines) + "\n"
