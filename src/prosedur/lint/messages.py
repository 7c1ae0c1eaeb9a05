"""Finding messages, Indonesian first and English second, rendered late in the reader's language.

Kept apart from `prosedur.i18n` so the linter owns its wording; loader problem keys that are not
here fall back to the core catalogue (a P000/P001 finding reuses the loader's message).
"""

from __future__ import annotations

from typing import Any

LINT_MESSAGES: dict[str, tuple[str, str]] = {
    # import
    "import_unread": ("{where}: tidak terbaca saat impor, periksa dengan SOP asli: {text}",
                      "{where}: not read on import, check against the original SOP: {text}"),
    # completeness
    "section_missing": ("bagian “{section}” belum diisi", "section “{section}” is missing or empty"),
    "scope_no_excludes": (
        "ruang lingkup belum menyatakan apa yang tidak dicakup",
        "the scope does not say what is excluded",
    ),
    "step_no_actor": ("langkah '{step}' belum menyebut pelaksana", "step '{step}' names no actor"),
    "step_no_action": ("langkah '{step}' belum berisi uraian kegiatan", "step '{step}' has no action text"),
    "io_missing": ("{what} proses belum diisi", "process {what} missing"),
    "io_inputs": ("masukan", "inputs"),
    "io_outputs": ("keluaran", "outputs"),
    "no_measurement": (
        "belum ada pengukuran/indikator kinerja",
        "no measurement / performance indicator",
    ),
    "record_keeping": (
        "rekaman '{record}' belum menyebut {what}",
        "record '{record}' does not state its {what}",
    ),
    "approval_missing": (
        "status '{status}' memerlukan bukti pengesahan: {what} (nama dan tanggal)",
        "status '{status}' needs approval evidence: {what} (name and date)",
    ),
    "history_undescribed": (
        "riwayat perubahan revisi {revision} belum menguraikan apa yang berubah dan mengapa",
        "the change history of revision {revision} does not yet say what changed and why",
    ),
    "history_missing": (
        "riwayat perubahan tidak memuat revisi {revision} (revisi saat ini)",
        "the change history has no entry for revision {revision} (the current revision)",
    ),
    "dates_missing": (
        "status 'effective' memerlukan tanggal {what}",
        "status 'effective' needs the {what} date",
    ),
    # flow
    "no_start": ("alur tidak memiliki langkah mulai (kind: start)", "the flow has no start step (kind: start)"),
    "extra_start": (
        "langkah mulai lebih dari satu: '{step}' (mulai pertama '{first}')",
        "more than one start step: '{step}' (first start '{first}')",
    ),
    "no_end": ("alur tidak memiliki langkah selesai (kind: end)", "the flow has no end step (kind: end)"),
    "dangling_target": (
        "langkah '{step}' menuju '{target}' yang tidak ada{hint}",
        "step '{step}' leads to '{target}', which does not exist{hint}",
    ),
    "did_you_mean": ("; maksudnya '{name}'?", "; did you mean '{name}'?"),
    "decision_exits": (
        "keputusan '{step}' memerlukan paling sedikit dua cabang, ada {count}",
        "decision '{step}' needs at least two exits, it has {count}",
    ),
    "decision_next": (
        "keputusan '{step}' memakai 'next'; tulis cabangnya di 'exits'",
        "decision '{step}' uses 'next'; write its branches under 'exits'",
    ),
    "duplicate_step": (
        "id langkah '{step}' dipakai lebih dari sekali (pertama di baris {first})",
        "step id '{step}' is used more than once (first on line {first})",
    ),
    "unreachable": (
        "langkah '{step}' tidak dapat dicapai dari langkah mulai",
        "step '{step}' cannot be reached from the start",
    ),
    "no_way_to_end": (
        "dari langkah {steps} alur tidak pernah sampai ke langkah selesai",
        "from steps {steps} the flow never reaches an end step",
    ),
    "process_exits": (
        "langkah {kind} '{step}' tidak boleh bercabang; pakai 'next' atau jadikan keputusan",
        "{kind} step '{step}' must not branch; use 'next' or make it a decision",
    ),
    "flow_stops": (
        "alur berhenti di langkah '{step}' yang bukan langkah selesai",
        "the flow stops at step '{step}', which is not an end step",
    ),
    "exit_labels": (
        "keputusan '{step}' memiliki label cabang '{label}' lebih dari sekali",
        "decision '{step}' has the exit label '{label}' more than once",
    ),
    "loop_no_decision": (
        "putaran tanpa keputusan: {steps} berulang tanpa henti",
        "loop without a decision: {steps} repeat forever",
    ),
    "part_start_not_first": (
        "langkah '{step}': simbol mulai hanya boleh pada bagian pertama, bukan bagian {part}",
        "step '{step}': a start symbol may only be its first part, not part {part}",
    ),
    "part_not_last": (
        "langkah '{step}': simbol {kind} hanya boleh pada bagian terakhir, karena next/exits berlaku "
        "untuk bagian terakhir; bagian {part} bukan yang terakhir",
        "step '{step}': a {kind} symbol may only be its last part, as next/exits leave from the last "
        "part; part {part} is not the last",
    ),
    "part_connector": (
        "langkah '{step}': penghubung tidak dapat menjadi bagian",
        "step '{step}': a connector cannot be a part",
    ),
    "parts_and_field": (
        "langkah '{step}' memakai parts dan juga '{field}' di tingkat langkah; tulis {field} di setiap bagian",
        "step '{step}' has parts and also '{field}' on the step; write {field} on each part",
    ),
    "exit_unlabelled": (
        "cabang ke '{target}' dari keputusan '{step}' tidak berlabel, mis. Ya/Tidak",
        "the exit to '{target}' of decision '{step}' has no label, e.g. Ya/Tidak",
    ),
    "joint_not_adjacent": (
        "tugas bersama pada langkah '{step}': lajur {actors} tidak bersebelahan dalam urutan lajur ({order}); "
        "ubah urutan 'roles' agar bersebelahan, atau tulis sebagai beberapa bagian",
        "joint task of step '{step}': the lanes of {actors} are not adjacent in the lane order ({order}); "
        "reorder 'roles' so they are, or write it as several parts",
    ),
    "joint_repeated": (
        "tugas bersama pada langkah '{step}' menyebut '{actor}' lebih dari sekali",
        "joint task of step '{step}' names '{actor}' more than once",
    ),
    "end_has_next": (
        "langkah selesai '{step}' tidak boleh memiliki langkah berikutnya",
        "end step '{step}' must not have a next step",
    ),
    # names and references
    "actor_not_role": (
        "pelaksana '{actor}' pada langkah '{step}' bukan peran prosedur ini{hint}",
        "actor '{actor}' of step '{step}' is not a role of this procedure{hint}",
    ),
    "role_unknown": (
        "peran '{role}' tidak ada di pustaka dan tidak diberi nama",
        "role '{role}' is not in the library and has no local name",
    ),
    "role_idle": (
        "peran '{role}' dinyatakan tetapi tidak melaksanakan langkah apa pun",
        "role '{role}' is declared but acts in no step",
    ),
    "owner_unknown": (
        "penanggung jawab '{owner}' pada {what} bukan peran yang dikenal",
        "owner '{owner}' of {what} is not a known role",
    ),
    "step_record_unknown": (
        "langkah '{step}' mencatat rekaman '{record}' yang tidak ada di bagian rekaman",
        "step '{step}' cites record '{record}', which is not listed under records",
    ),
    "related_unknown": (
        "prosedur terkait '{number}' tidak ada di pustaka",
        "related procedure '{number}' is not in the library",
    ),
    "reference_unknown": (
        "acuan {kind} '{id}' tidak ada di pustaka",
        "{kind} reference '{id}' is not in the library",
    ),
    "reference_no_id": (
        "acuan {kind} '{title}' tidak menyebut nomor dokumen",
        "{kind} reference '{title}' gives no document number",
    ),
    "param_unknown": (
        "parameter '{{{{{name}}}}}' tidak didefinisikan",
        "parameter '{{{{{name}}}}}' is not defined",
    ),
    "param_unused": (
        "parameter '{name}' tidak pernah dirujuk sebagai {{{{{name}}}}}",
        "parameter '{name}' is never cited as {{{{{name}}}}}",
    ),
    "duplicate_number": (
        "nomor dokumen '{number}' juga dipakai oleh {other}",
        "document number '{number}' is also used by {other}",
    ),
    "form_conflict": (
        "formulir '{form}' bernama '{name}' di sini tetapi '{other_name}' di {other}",
        "form '{form}' is named '{name}' here but '{other_name}' in {other}",
    ),
    "duplicate_record": (
        "nomor rekaman '{record}' ditulis lebih dari sekali",
        "record id '{record}' is listed more than once",
    ),
    "number_pattern": (
        "nomor {what} '{number}' tidak mengikuti pola pustaka '{pattern}'",
        "{what} number '{number}' does not follow the library pattern '{pattern}'",
    ),
    "form_unnumbered": (
        "formulir '{name}' (form: true) belum bernomor: tulis id sesuai pola pustaka '{pattern}', atau hapus "
        "form: true bila rekaman ini bukan formulir bernomor",
        "the form '{name}' (form: true) has no number: write its id following the library pattern '{pattern}', "
        "or drop form: true if this record is not a numbered form",
    ),
    "what_procedure": ("prosedur", "procedure"),
    "what_form": ("formulir", "form"),
    "unit_unknown": (
        "unit kerja '{unit}' tidak ada di pustaka",
        "work unit '{unit}' is not in the library",
    ),
    # style
    "action_subject": (
        "uraian kegiatan langkah '{step}' diawali subjek '{word}'; mulai dengan kata kerja aktif",
        "the action of step '{step}' starts with the subject '{word}'; start with an active verb",
    ),
    "action_passive": (
        "uraian kegiatan langkah '{step}' diawali kata kerja pasif '{word}'; pakai kata kerja aktif (me-)",
        "the action of step '{step}' starts with the passive verb '{word}'; use an active verb (me-)",
    ),
    "action_no_verb": (
        "uraian kegiatan langkah '{step}' tidak diawali kata kerja yang dikenali ('{word}')",
        "the action of step '{step}' does not start with a recognised verb ('{word}')",
    ),
    "mutu_baku_missing": (
        "langkah '{step}' belum menyebut {what} (mutu baku)",
        "step '{step}' does not state its {what} (quality standard)",
    ),
    "what_time": ("waktu", "time"),
    "what_output": ("output", "output"),
    "what_requirements": ("kelengkapan", "requirements"),
    "what_input": ("input", "input"),
    "sop_column_not_printed": (
        "langkah '{step}' mengisi {field}, tetapi SOP pustaka ini tidak mencetak kolom itu (sop.{setting} di "
        "pustaka.yaml): tambahkan kolomnya atau pindahkan isinya, agar tidak hilang dari SOP",
        "step '{step}' fills {field}, but this library's SOP does not print that column (sop.{setting} in "
        "pustaka.yaml): add the column or move the text, so that it is not lost from the SOP",
    ),
    # the PermenPAN-RB SOP AP (profile permenpan)
    "sop_cell_missing": (
        "kolom SOP '{cell}' belum diisi ({section})",
        "the SOP cell '{cell}' is empty ({section})",
    ),
    "cell_title": ("Nama SOP", "Nama SOP (title)"),
    "cell_owner": ("unit kerja pemilik", "owning unit"),
    "cell_legal_basis": ("Dasar Hukum", "Dasar Hukum (legal basis)"),
    "cell_steps": ("Kegiatan", "Kegiatan (activities)"),
    "cell_people": ("Kualifikasi Pelaksana", "Kualifikasi Pelaksana (qualifications)"),
    "cell_equipment": ("Peralatan/Perlengkapan", "Peralatan/Perlengkapan (equipment)"),
    "cell_warnings": ("Peringatan", "Peringatan (warnings)"),
    "cell_records": ("Pencatatan dan Pendataan", "Pencatatan dan Pendataan (records)"),
    "cell_approved": ("Disahkan oleh", "Disahkan oleh (approved by)"),
    "mutu_baku_column": (
        "langkah '{step}' belum menyebut {what}, padahal langkah lain mengisi kolom Mutu Baku ini",
        "step '{step}' does not state its {what}, while other steps fill this Mutu Baku column",
    ),
    # source style
    "english_missing": (
        "{count} dari {total} teks belum punya terjemahan bahasa Inggris (kunci *_en); dokumen bahasa Inggris "
        "mencetaknya dalam bahasa Indonesia: {sections}",
        "{count} of {total} texts have no English version (*_en keys); the English document prints them in "
        "Indonesian: {sections}",
    ),
    "flow_list_split": (
        "'{item}' tampak lanjutan kalimat butir sebelumnya ('{previous}'): daftar berkurung [a, b] memisah pada "
        "setiap koma; tulis daftar bergaya blok (- butir per baris) atau beri tanda kutip pada butir yang memuat koma",
        "'{item}' looks like the rest of the previous item's sentence ('{previous}'): a flow list [a, b] splits "
        "at every comma; write it in block style (one '- item' a line) or quote an item that holds a comma",
    ),
}

# Parameter values that are themselves message ids (e.g. what="io_inputs") are translated too.
_TRANSLATED_PARAMS = ("what", "kind", "cell")
# Parameters that are source paths, said in words ("scope.includes" -> "Ruang lingkup › Mencakup").
_PLACE_PARAMS = {"section_missing": "section"}


def render(msg_id: str, params: dict[str, Any], lang: str = "id") -> str:
    """The message in `lang`; unknown ids go to the core catalogue (loader problems)."""
    pair = LINT_MESSAGES.get(msg_id)
    if pair is None:
        from ..errors import Problem

        return Problem("", 0, 0, "", msg_id, params).message(lang)
    values = dict(params)
    for key in _TRANSLATED_PARAMS:
        value = values.get(key)
        if isinstance(value, str) and value in LINT_MESSAGES:
            values[key] = _pick(LINT_MESSAGES[value], lang)
    place_key = _PLACE_PARAMS.get(msg_id)
    if place_key and isinstance(values.get(place_key), str):
        from ..places import place

        values[place_key] = place(values[place_key], lang) or values[place_key]
    if "suggestion" in values:
        name = values.pop("suggestion")
        values["hint"] = _pick(LINT_MESSAGES["did_you_mean"], lang).format(name=name) if name else ""
    values.setdefault("hint", "")
    try:
        return _pick(pair, lang).format(**values)
    except (KeyError, IndexError):
        return _pick(pair, lang)


def _pick(pair: tuple[str, str], lang: str) -> str:
    return pair[1] if lang == "en" else pair[0]
