"""Source files -> model, strictly and safely, with every error located at file:line:col + field.

Why an event-level builder instead of `yaml.safe_load`: it has the same semantics for the YAML we
accept (plain scalars, mappings, sequences, standard tags) but in one pass it also
- records the line and column of every key and item, so a pydantic error on `steps[3].exits[0].to`
  points at the right line;
- refuses duplicate keys (PyYAML silently keeps the last one);
- refuses anchors and aliases outright, so an alias bomb never expands;
- bounds depth and element count without recursion, so deep nesting cannot blow the stack;
- keeps every scalar as text (nulls aside) and lets pydantic convert it, so `no` stays the word
  "no" instead of becoming False (the YAML 1.1 "Norway problem").
The C parser (libyaml) is used when present; the pure-Python one otherwise.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import os
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from .errors import Problem, SourceError, display_path
from .model import LIBRARY_FILE, Library, LibraryInfo, Procedure

try:  # pragma: no cover - depends on how PyYAML was built
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

MAX_BYTES = 1024 * 1024
MAX_DEPTH = 24
MAX_NODES = 200_000

_NULLS = {"", "~", "null", "Null", "NULL"}
_STANDARD_TAGS = {
    None,
    "!",
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:timestamp",
    "tag:yaml.org,2002:map",
    "tag:yaml.org,2002:seq",
}

_SCALAR = yaml.ScalarEvent
_MAP_START = yaml.MappingStartEvent
_SEQ_START = yaml.SequenceStartEvent
_MAP_END = yaml.MappingEndEvent
_SEQ_END = yaml.SequenceEndEvent
_DOC_START = yaml.DocumentStartEvent
_ALIAS = yaml.AliasEvent
_STREAM_END = yaml.StreamEndEvent
_NULL_TAGS = {None, "!", "tag:yaml.org,2002:null"}

Path_ = tuple[str | int, ...]
Positions = dict[Path_, tuple[int, int]]


def format_path(path: Path_) -> str:
    """('steps', 3, 'exits', 0, 'to') -> 'steps[3].exits[0].to'."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


class _Builder:
    """Builds plain Python values from YAML events, recording positions."""

    def __init__(self, file: str, track: bool = True):
        self.file = file
        self.track = track
        self.positions: Positions = {}

    def fail(self, mark: Any, msg: str, path: Path_ = (), **params: Any) -> SourceError:
        line, col = (mark.line + 1, mark.column + 1) if mark is not None else (0, 0)
        return SourceError([Problem(self.file, line, col, format_path(path), msg, params)])

    def build(self, text: str) -> Any:
        """One pass over the parser's events; the hot loop of loading, so it dispatches on the
        event class and attaches values inline instead of calling helpers per event."""
        parser = _Loader(text)
        # Without tracking, no (line, column) is kept: a clean library never pays for a million
        # position tuples; a file with problems is parsed again with tracking to locate them.
        track = self.track
        positions = self.positions
        # Stack frames: [container, path, pending_key, key_lines, is_mapping]
        stack: list[list[Any]] = []
        root: Any = None
        documents = 0
        nodes = 0
        try:
            while True:
                event: Any = parser.get_event()
                cls = event.__class__
                if cls is _SCALAR or cls is _MAP_START or cls is _SEQ_START:
                    nodes += 1
                    mark = event.start_mark
                    if nodes > MAX_NODES:
                        raise self.fail(mark, "yaml_nodes", limit=MAX_NODES)
                    if event.anchor:
                        raise self.fail(mark, "yaml_alias", self._path(stack))
                    tag = event.tag
                    if tag is not None and tag not in _STANDARD_TAGS:
                        raise self.fail(mark, "yaml_tag", self._path(stack), tag=tag)
                    value: Any
                    if cls is _SCALAR:
                        value = event.value
                        # Plain style is None from the Python parser but '' from libyaml: test falsiness.
                        if not event.style and value in _NULLS and tag in _NULL_TAGS:
                            value = None
                        is_container = False
                    else:
                        if len(stack) >= MAX_DEPTH:
                            raise self.fail(mark, "yaml_depth", self._path(stack), limit=MAX_DEPTH)
                        value = {} if cls is _MAP_START else []
                        is_container = True
                    path: Path_ = ()
                    if stack:
                        frame = stack[-1]
                        container = frame[0]
                        if frame[4]:
                            key = frame[2]
                            if key is _NO_KEY:  # this node is a key
                                if is_container:
                                    raise self.fail(mark, "yaml_complex_key", frame[1])
                                if value is None:
                                    value = ""
                                seen = frame[3]
                                if value in seen:
                                    raise self.fail(
                                        mark, "duplicate_key", (*frame[1], value), key=value, first=seen[value]
                                    )
                                seen[value] = mark.line + 1
                                frame[2] = value
                                if track:
                                    positions[(*frame[1], value)] = (mark.line + 1, mark.column + 1)
                                continue
                            container[key] = value
                            frame[2] = _NO_KEY
                            if is_container:
                                path = (*frame[1], key)
                        else:
                            if is_container or track:
                                path = (*frame[1], len(container))
                                if track:
                                    positions[path] = (mark.line + 1, mark.column + 1)
                            container.append(value)
                    else:
                        positions[()] = (mark.line + 1, mark.column + 1)
                        root = value
                    if is_container:
                        stack.append([value, path, _NO_KEY, {}, cls is _MAP_START])
                elif cls is _MAP_END or cls is _SEQ_END:
                    stack.pop()
                elif cls is _DOC_START:
                    documents += 1
                    if documents > 1:
                        raise self.fail(event.start_mark, "yaml_multi_doc")
                elif cls is _ALIAS:
                    raise self.fail(event.start_mark, "yaml_alias", self._path(stack))
                elif cls is _STREAM_END:
                    break
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            detail = exc.problem or exc.context or "?"
            if "nesting depth" in detail:
                raise self.fail(mark, "yaml_depth", limit=MAX_DEPTH) from None
            raise self.fail(mark, "yaml_syntax", detail=detail) from None
        except yaml.YAMLError as exc:
            raise self.fail(None, "yaml_syntax", detail=str(exc)) from None
        return root

    def _path(self, stack: list[list[Any]]) -> Path_:
        if not stack:
            return ()
        frame = stack[-1]
        if isinstance(frame[0], dict):
            return (*frame[1], frame[2]) if frame[2] is not _NO_KEY else frame[1]
        return (*frame[1], len(frame[0]))


class _NoKey:
    __slots__ = ()


_NO_KEY = _NoKey()


def read_source(path: Path) -> str:
    """Read a source file within the limits: size first (never read a 50 MB file), then UTF-8.

    The display name (a resolved path, ~0.2 ms) is only worked out for an error."""
    try:
        size = path.stat().st_size
    except OSError:
        raise SourceError([Problem(display_path(path), 0, 0, "", "file_missing")]) from None
    if size > MAX_BYTES:
        raise SourceError([Problem(display_path(path), 0, 0, "", "file_too_big", {"size": size, "limit": MAX_BYTES})])
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig") if b"\x00" not in data else decode_source(data, display_path(path))
    except UnicodeDecodeError:
        return decode_source(data, display_path(path))


def decode_source(data: bytes, name: str) -> str:
    if len(data) > MAX_BYTES:
        raise SourceError([Problem(name, 0, 0, "", "file_too_big", {"size": len(data), "limit": MAX_BYTES})])
    if b"\x00" in data:
        line = data[: data.index(b"\x00")].count(b"\n") + 1
        raise SourceError([Problem(name, line, 1, "", "not_text", {"detail": "NUL"})])
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise SourceError([Problem(name, line, 1, "", "not_text", {"detail": f"byte {exc.start}"})]) from None
    return text


def parse_yaml(text: str, name: str, *, track: bool = True) -> tuple[dict[str, Any], Positions]:
    """Text -> (mapping, positions). Raises SourceError for anything but one YAML mapping.

    With `track=False` positions are not kept (empty dict returned); errors are still located.
    """
    builder = _Builder(name, track)
    value = builder.build(text)
    if value is None:
        raise SourceError([Problem(name, 1, 1, "", "yaml_empty")])
    if not isinstance(value, dict):
        line, col = builder.positions.get((), (1, 1))
        raise SourceError([Problem(name, line, col, "", "yaml_not_mapping")])
    return value, builder.positions


def _problems_from_validation(
    exc: ValidationError, name: str, positions: Positions, model: type[BaseModel]
) -> list[Problem]:
    problems: list[Problem] = []
    for err in exc.errors(include_url=False):
        raw_loc: Path_ = tuple(err["loc"])
        path = _trim_to_data(raw_loc, positions)
        line, col = _lookup(positions, path)
        etype = err["type"]
        ctx = dict(err.get("ctx") or {})
        params: dict[str, Any] = {k: v for k, v in ctx.items() if isinstance(v, str | int | float)}
        key = etype
        if etype == "extra_forbidden":
            params["suggestion"] = _did_you_mean(path, model)
        elif etype == "enum":
            params["expected"] = str(ctx.get("expected", "")).replace("'", "").replace(" or ", ", ")
        elif etype in ("value_error", "assertion_error"):
            detail = str(ctx.get("error", err["msg"]))
            key = "invisible_chars" if "invisible_chars" in detail else "value_error"
            params["detail"] = detail
        elif etype not in _known_keys():
            key = "invalid"
            params["detail"] = err["msg"]
        problems.append(Problem(name, line, col, format_path(path), key, params))
    # in reading order: an author fixes a file top to bottom
    return sorted(problems, key=lambda p: (p.line, p.col))


def _known_keys() -> set[str]:
    from .i18n import MESSAGES

    return set(MESSAGES)


def _trim_to_data(loc: Path_, positions: Positions) -> Path_:
    """Drop pydantic's union-branch names (e.g. 'str', 'function-after[...]') from a location."""
    out: list[str | int] = []
    for part in loc:
        candidate = (*out, part)
        if isinstance(part, int) or candidate in positions or not _looks_internal(part):
            out.append(part)
    return tuple(out)


def _looks_internal(part: str | int) -> bool:
    return isinstance(part, str) and ("[" in part or part in {"str", "int", "list[str]", "dict[str,any]"})


def _lookup(positions: Positions, path: Path_) -> tuple[int, int]:
    key = path
    while key:
        if key in positions:
            return positions[key]
        key = key[:-1]
    return positions.get((), (1, 1))


def _did_you_mean(path: Path_, model: type[BaseModel]) -> str:
    """Suggest the closest valid key for an unknown one, walking the model along `path`."""
    import typing

    current: Any = model
    dict_key = False  # the next part is a key of a dict[str, Model] field (parameters, roles, units)
    for part in path[:-1]:
        if isinstance(part, int):
            continue
        if dict_key:
            dict_key = False
            continue
        field = getattr(current, "model_fields", {}).get(part)
        if field is None:
            return ""
        dict_key = typing.get_origin(field.annotation) is dict
        current = _inner_model(field.annotation)
        if current is None:
            return ""
    names = list(getattr(current, "model_fields", {}))
    if not path or not isinstance(path[-1], str):
        return ""
    synonym = _synonym(getattr(current, "__name__", ""), path[-1], names)
    if synonym:
        return synonym
    match = difflib.get_close_matches(path[-1], names, n=1, cutoff=0.6)
    return match[0] if match else ""


def _split(table: str) -> dict[str, str]:
    """`"target: a b c; …"` -> {a: target, b: target, …}."""
    out: dict[str, str] = {}
    for entry in table.split(";"):
        target, _, words = entry.partition(":")
        for word in words.split():
            out[word] = target.strip()
    return out


# What authors write instead of a field's name: Indonesian (the SOP's own cell names) and English words,
# per model. A key is looked up lower-cased with '-' and ' ' read as '_'; a hit that names a field of the
# model (or a sub-field, `resources.people`) is the hint, before the spelling match.
SYNONYMS: dict[str, dict[str, str]] = {
    "Step": _split(
        "requirements: persyaratan syarat kelengkapan prasyarat prerequisites requirement;"
        "input: inputs masukan bahan;"
        "notes: keterangan catatan note remarks remark;"
        "actor: pelaksana aktor pelaku peran role who by oleh performer;"
        "time: waktu durasi duration lama jangka_waktu;"
        "output: keluaran hasil result outputs;"
        "do: kegiatan aktivitas uraian uraian_kegiatan action activity task deskripsi description langkah;"
        "kind: tipe jenis simbol type symbol bentuk;"
        "next: berikutnya selanjutnya lanjut then goto ke;"
        "exits: cabang pilihan branches options keputusan;"
        "records: rekaman formulir pencatatan;"
        "why: mengapa alasan tujuan;"
        "when: kapan;"
        "where: dimana di_mana lokasi tempat;"
        "how: bagaimana cara;"
        "resources: sumber_daya peralatan alat;"
        "controls: pengendalian kontrol;"
        "parts: bagian simbol_simbol pelaksana_berurutan symbols sequence;"
        "next_label: label_next label_panah label_berikutnya arrow_label"
    ),
    "Part": _split(
        "actor: pelaksana aktor pelaku peran role who by oleh performer;"
        "do: kegiatan aktivitas uraian action activity task deskripsi description;"
        "kind: tipe jenis simbol type symbol bentuk"
    ),
    "Procedure": _split(
        "legal_basis: dasar_hukum landasan_hukum dasar hukum legal laws regulations peraturan;"
        "warnings: peringatan warning cautions caution perhatian;"
        "purpose: tujuan maksud objective objectives goal aim;"
        "scope: ruang_lingkup lingkup cakupan;"
        "definitions: definisi istilah glossary terms;"
        "references: acuan referensi rujukan;"
        "related: keterkaitan terkait sop_terkait prosedur_terkait related_procedures links;"
        "resources.people: kualifikasi kualifikasi_pelaksana qualifications qualification;"
        "resources.equipment: peralatan perlengkapan peralatan_perlengkapan equipment tools alat;"
        "records: pencatatan pendataan pencatatan_dan_pendataan rekaman catatan_mutu;"
        "steps: langkah kegiatan aktivitas uraian_kegiatan activities activity flow alur prosedur;"
        "title: judul nama nama_sop judul_sop name;"
        "number: nomor no nomor_sop no_sop no_dok nomor_dokumen;"
        "revision: revisi rev versi version;"
        "issued: tanggal_terbit terbit tgl_terbit tanggal_pembuatan tgl_pembuatan;"
        "effective: tanggal_efektif tgl_efektif berlaku tanggal_berlaku;"
        "review_due: tanggal_revisi tgl_revisi tanggal_tinjauan;"
        "owner: pemilik unit unit_kerja unit_pemilik;"
        "approval: pengesahan disahkan disahkan_oleh persetujuan;"
        "history: riwayat riwayat_perubahan perubahan changelog changes;"
        "roles: peran tanggung_jawab pelaksana;"
        "measurements: pengukuran indikator kpi mutu_baku;"
        "attachments: lampiran;"
        "inputs: masukan input;"
        "outputs: keluaran output;"
        "clauses: klausul;"
        "provisions: ketentuan ketentuan_umum kebijakan;"
        "parameters: parameter;"
        "language: bahasa;"
        "classification: klasifikasi;"
        "controls: pengendalian"
    ),
    "Resources": _split(
        "people: kualifikasi kualifikasi_pelaksana qualifications orang sdm personil;"
        "training: pelatihan diklat;"
        "equipment: peralatan perlengkapan alat tools;"
        "materials: bahan"
    ),
    "Record": _split(
        "name: nama; storage: penyimpanan simpan lokasi tempat; retention: retensi masa_retensi;"
        "owner: pemilik; form: formulir; id: nomor no; disposition: pemusnahan"
    ),
    "Scope": _split(
        "includes: termasuk mencakup dicakup cakupan include; excludes: tidak_termasuk dikecualikan pengecualian "
        "exclude exclusions"
    ),
    "Exit": _split("to: ke tujuan target goto menuju; label: jawaban kondisi condition"),
    "Person": _split("name: nama; position: jabatan; date: tanggal tgl"),
    "Approval": _split(
        "prepared: disusun disusun_oleh penyusun dibuat; reviewed: diperiksa diperiksa_oleh pemeriksa;"
        "approved: disahkan disahkan_oleh pengesah"
    ),
    "Measurement": _split(
        "name: nama indikator; method: metode cara; target: sasaran; frequency: frekuensi;"
        "owner: penanggung_jawab pemilik"
    ),
    "Change": _split("change: perubahan uraian; reason: alasan; by: oleh; date: tanggal; revision: revisi"),
    "Definition": _split("term: istilah; meaning: pengertian arti definisi"),
    "Reference": _split("kind: jenis; title: judul; id: nomor; clause: pasal klausul"),
    "ProcedureRole": _split("responsibilities: tanggung_jawab; authorities: wewenang kewenangan; name: nama"),
    "LibraryInfo": _split(
        "organisation: organisasi instansi organization; numbering: penomoran; roles: peran; units: unit_kerja;"
        "profile: profil"
    ),
}


def _synonym(model: str, key: str, names: list[str]) -> str:
    target = SYNONYMS.get(model, {}).get(key.strip().lower().replace("-", "_").replace(" ", "_"), "")
    return target if target.split(".")[0] in names and target != key else ""


def _inner_model(annotation: Any) -> Any:
    """The BaseModel inside list[X], X | None, dict[str, X] annotations."""
    import typing

    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        found = _inner_model(arg)
        if found is not None:
            return found
    return None


def load_procedure_text(text: str, name: str = "<teks>") -> Procedure:
    """Parse and validate one procedure from text (the web editor's path)."""
    data, _ = parse_yaml(text, name, track=False)
    try:
        proc = Procedure.model_validate(data)
    except ValidationError as exc:
        _, positions = parse_yaml(text, name)
        raise SourceError(_problems_from_validation(exc, name, positions, Procedure)) from None
    proc._text = text
    return proc


def positions_of(text: str) -> Positions:
    """(line, column) of every key and item of a source already known to parse."""
    return parse_yaml(text, "<teks>")[1]


def load_procedure(path: Path | str) -> Procedure:
    """Load one procedure file. Raises SourceError with every problem found."""
    path = Path(path)
    name = display_path(path)
    proc = load_procedure_text(read_source(path), name)
    proc._source = path
    return proc


def load_library_info(root: Path) -> tuple[LibraryInfo, Positions]:
    path = root / LIBRARY_FILE
    name = display_path(path)
    if not path.is_file():
        raise SourceError([Problem(display_path(root), 0, 0, "", "library_missing", {"file": LIBRARY_FILE})])
    data, positions = parse_yaml(read_source(path), name)
    try:
        return LibraryInfo.model_validate(data), positions
    except ValidationError as exc:
        raise SourceError(_problems_from_validation(exc, name, positions, LibraryInfo)) from None


def procedure_files(root: Path, info: LibraryInfo) -> list[Path]:
    folder = root / info.procedures_dir
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.rglob("*") if p.suffix in (".yaml", ".yml") and p.is_file())


class ParsedCache:
    """Procedures already validated, keyed by a digest of their source text, kept in one JSON file.

    Why: a build spends most of a small rebuild parsing YAML and validating it before it can tell
    that nothing (or one file) changed; revalidating pydantic's own JSON of an unchanged file is
    ~3x quicker (500 procedures: 0.26 s instead of 0.7 s). The entry is only used when the file's
    text is byte-for-byte the one it was made from and the `salt` (the caller's code digest) is the same;
    it is still validated by the model, and an entry that no longer validates is parsed again.
    """

    def __init__(self, path: Path, salt: str) -> None:
        self.path, self.salt = path, salt
        self._entries: dict[str, list[str]] = {}
        self._dirty = False
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if isinstance(data, dict) and data.get("salt") == salt and isinstance(data.get("entries"), dict):
                self._entries = data["entries"]
        except (OSError, ValueError):
            pass

    @staticmethod
    def _digest(text: str) -> str:
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    def get(self, key: str, text: str) -> Procedure | None:
        entry = self._entries.get(key)
        if not (isinstance(entry, list) and len(entry) == 2 and entry[0] == self._digest(text)):
            return None
        try:
            return Procedure.model_validate_json(entry[1])
        except ValidationError:
            return None

    def put(self, key: str, text: str, proc: Procedure) -> None:
        self._entries[key] = [self._digest(text), proc.model_dump_json()]
        self._dirty = True

    def keep_only(self, keys: set[str]) -> None:
        for key in set(self._entries) - keys:
            del self._entries[key]
            self._dirty = True

    def save(self) -> None:
        """Write the file if anything changed (atomically: a crash leaves the old one or none)."""
        if not self._dirty:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(self.path.name + ".tmp")
        tmp.write_text(json.dumps({"salt": self.salt, "entries": self._entries}), encoding="utf-8")
        os.replace(tmp, self.path)
        self._dirty = False


def load_library(root: Path | str, *, cache: ParsedCache | None = None) -> tuple[Library, list[Problem]]:
    """Load a library folder. Files that fail to load are reported, the rest still load.

    Raises SourceError only when the library file itself is unusable. With a `cache`, unchanged
    files are taken from it and new results are put in it (the caller saves it).
    """
    root = Path(root)
    info, info_positions = load_library_info(root)
    procedures: list[Procedure] = []
    problems: list[Problem] = []
    seen: set[str] = set()
    for file in procedure_files(root, info):
        try:
            if cache is None:
                procedures.append(load_procedure(file))
                continue
            text = read_source(file)
            key = file.relative_to(root).as_posix()
            seen.add(key)
            proc = cache.get(key, text)
            if proc is None:
                proc = load_procedure_text(text, display_path(file))
                cache.put(key, text, proc)
            proc._text = text
            proc._source = file
            procedures.append(proc)
        except SourceError as exc:
            problems.extend(exc.problems)
    if cache is not None:
        cache.keep_only(seen)
    procedures.sort(key=lambda p: _natural_key(p.number))
    library = Library(root=root, info=info, procedures=procedures, info_positions=info_positions)
    return library, problems


def _natural_key(text: str) -> list[Any]:
    import re

    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", text)]
