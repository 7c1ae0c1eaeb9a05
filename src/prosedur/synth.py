"""Synthetic procedure libraries: realistic in shape, deterministic from a seed.

Why: benchmarks (load, lint, layout) and property-style tests need libraries far larger than the
hand-written sample, yet still made of what real procedures hold — several roles swapping work,
decisions that loop back for rework or jump forward, forms cited by steps, parameters cited in text,
measurements with owners. Everything produced here loads and is meant to lint clean, so a benchmark
measures the normal path, not error reporting.
"""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path
from typing import Any

import yaml

from .model import LIBRARY_FILE, Procedure

__all__ = ["hard_text_procedure", "synthetic_library", "synthetic_procedure", "procedure_data"]

_ROLES: dict[str, tuple[str, str, str]] = {
    # id: (name, English name, unit)
    "pemohon": ("Pegawai Pemohon", "Requesting employee", "unit_kerja"),
    "atasan": ("Atasan Langsung", "Line manager", "unit_kerja"),
    "kepala_pusat": ("Kepala Pusat", "Head of Centre", "pusat"),
    "kabid_layanan": ("Kepala Bidang Layanan", "Head of Service Division", "layanan"),
    "staf_layanan": ("Staf Bidang Layanan", "Service Division staff", "layanan"),
    "kabid_infra": ("Kepala Bidang Infrastruktur", "Head of Infrastructure Division", "infra"),
    "staf_infra": ("Staf Bidang Infrastruktur", "Infrastructure Division staff", "infra"),
    "service_desk": ("Petugas Service Desk", "Service desk agent", "layanan"),
    "mr": ("Manajer Representatif", "Management representative", "pusat"),
}
# only drawn on when a chart is asked for many lanes (`lanes=10`): the default libraries stay as they were
_MORE_ROLES: dict[str, tuple[str, str, str]] = {
    "auditor": ("Auditor Internal", "Internal auditor", "pusat"),
}

_UNITS: dict[str, tuple[str, str, str | None]] = {
    "pusat": ("Pusat Data dan Informasi", "Data and Information Centre", None),
    "layanan": ("Bidang Layanan Teknologi Informasi", "IT Service Division", "pusat"),
    "infra": ("Bidang Infrastruktur", "Infrastructure Division", "pusat"),
    "unit_kerja": ("Unit Kerja Pengguna", "User work units", None),
}

_VERBS = (
    "Memeriksa", "Menyusun", "Mengirimkan", "Mencatat", "Memverifikasi", "Menganalisis",
    "Menetapkan", "Menyiapkan", "Mengevaluasi", "Mengonfirmasi", "Memperbarui", "Mendokumentasikan",
    "Menyampaikan", "Menguji", "Memantau", "Mengarsipkan",
)
_OBJECTS = (
    "kelengkapan berkas permohonan", "rencana kerja", "hasil pengujian", "data konfigurasi",
    "laporan pelaksanaan", "daftar periksa", "catatan layanan", "dokumen pendukung",
    "jadwal pelaksanaan", "hasil analisis dampak", "notulen rapat", "rekomendasi tindak lanjut",
    "formulir permintaan", "berita acara", "log aktivitas", "status tiket",
)
_QUESTIONS = (
    ("Memeriksa kelengkapan berkas", "Lengkap", "Tidak lengkap"),
    ("Menilai kelayakan permohonan", "Layak", "Tidak layak"),
    ("Memverifikasi hasil pengujian", "Berhasil", "Gagal"),
    ("Memutuskan persetujuan", "Disetujui", "Ditolak"),
    ("Memeriksa kesesuaian dengan standar", "Sesuai", "Tidak sesuai"),
)
_TIMES = ("15 menit", "30 menit", "1 jam", "2 jam", "1 hari kerja", "2 hari kerja", "3 hari kerja")
_CLAUSES = ("7.5.3", "8.2.6", "8.3.3", "8.5.1.3", "8.5.3", "8.6.1", "8.6.2", "8.6.3", "8.7.1", "9.1", "9.4")
_FIRST = ("Rina", "Agus", "Siti", "Bambang", "Dewi", "Hendra", "Nur", "Yudi", "Ratna", "Fajar")
_LAST = ("Wulandari", "Prasetyo", "Rahmawati", "Hermawan", "Lestari", "Gunawan", "Hidayat", "Saputra")


def _library_info() -> dict[str, Any]:
    return {
        "organisation": "Lembaga Contoh Sintetis",
        "organisation_en": "Synthetic Example Agency",
        "unit": "Pusat Data dan Informasi",
        "language": "id",
        # Two digits would cap a library at 99 procedures; a synthetic one may hold thousands.
        "numbering": {"procedure": "P.SIN {n}", "form": "F.SIN {n}-{nn}"},
        "review_interval_months": 12,
        "procedures_dir": "prosedur",
        "units": {
            uid: {"name": name, "name_en": name_en, **({"parent": parent} if parent else {})}
            for uid, (name, name_en, parent) in _UNITS.items()
        },
        "roles": {
            rid: {"name": name, "name_en": name_en, "unit": unit} for rid, (name, name_en, unit) in _ROLES.items()
        },
    }


def _person(rng: random.Random, position: str, date: dt.date) -> dict[str, Any]:
    year = rng.randint(1965, 1990)
    nip = f"{year}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}{rng.randint(1990, 2015)}{rng.randint(1, 12):02d}1{rng.randint(1, 9):03d}"
    return {"name": f"{rng.choice(_FIRST)} {rng.choice(_LAST)}", "position": position, "nip": nip, "date": date}


def procedure_data(index: int, k: int, rng: random.Random, count: int = 1, lanes: int | None = None) -> dict[str, Any]:
    """The source mapping of synthetic procedure number `index` with `k` steps (k >= 4).

    `count` is the size of the library, so `related` only names procedures that exist. `lanes`
    (up to 10) fixes how many roles act — a wide chart for layout tests — and then every third
    decision has a third exit (a forward skip), as wide charts in practice have.
    """
    k = max(4, k)
    number = f"P.SIN {index}"
    forms = [f"F.SIN {index}-{j:02d}" for j in range(1, rng.randint(2, 4) + 1)]
    if lanes is None:
        roles = rng.sample(sorted(_ROLES), rng.randint(3, 6))
    else:
        roles = rng.sample(sorted({**_ROLES, **_MORE_ROLES}), max(1, min(lanes, len(_ROLES) + len(_MORE_ROLES))))
    params = {
        "batas_waktu": {"value": rng.randint(1, 10), "unit": "hari kerja", "label": "Batas waktu penyelesaian"},
        "target_layanan": {"value": rng.choice((90, 95, 98)), "unit": "%", "label": "Target capaian layanan"},
    }
    issued = dt.date(2018, 1, 2) + dt.timedelta(days=rng.randint(0, 1500))

    # One activity, one performer (lint P504): naming the procedure's own service keeps the same
    # wording from being given to different roles in two procedures.
    topic = f"layanan {index}"
    steps: list[dict[str, Any]] = []
    decision_points: list[int] = []
    for i in range(k):
        # a fixed lane count: every role acts (the first steps go round them all)
        actor = roles[i % len(roles)] if lanes is not None and i < 2 * len(roles) else roles[(i + rng.randint(0, 1)) % len(roles)]
        step: dict[str, Any] = {"id": f"s{i + 1}"}
        if i == 0:
            step.update(kind="start", do="Menyampaikan permohonan beserta dokumen pendukung")
        elif i == k - 1:
            step.update(kind="end", do="Menerima hasil layanan dan menutup permohonan")
        elif i >= 2 and i < k - 2 and (i % 6 == 3 or rng.random() < 0.08):
            question, yes, no = rng.choice(_QUESTIONS)
            # "Tidak" goes back for rework (a loop) or, now and then, skips forward; "Ya" continues.
            if rng.random() < 0.7 or i + 3 >= k - 1:
                back = rng.randint(max(1, i - 4), i - 1)
                no_target = f"s{back + 1}"
            else:
                no_target = f"s{rng.randint(i + 3, k - 1) + 1}"
            exits = [{"label": yes, "to": f"s{i + 2}"}, {"label": no, "to": no_target}]
            if lanes is not None and len(decision_points) % 3 == 2 and i + 4 < k - 1 and no_target != f"s{i + 5}":
                exits.append({"label": "Ditunda", "to": f"s{i + 5}"})
            step.update(kind="decision", do=f"{question} {topic}", exits=exits)
            decision_points.append(i)
        else:
            step.update(do=f"{rng.choice(_VERBS)} {rng.choice(_OBJECTS)} {topic}")
            if rng.random() < 0.1:
                step["kind"] = "io"
        step["actor"] = actor
        step["requirements"] = [rng.choice(_OBJECTS).capitalize()]
        step["time"] = rng.choice(_TIMES)
        step["output"] = rng.choice(_OBJECTS).capitalize()
        if step.get("kind") not in ("decision", "start", "end") and rng.random() < 0.25:
            step["records"] = [rng.choice(forms)]
        if rng.random() < 0.05:
            step["notes"] = "Paling lambat {{batas_waktu}} sejak permohonan diterima"
        steps.append(step)
    # Every form is cited by at least one step, so none is an orphan record.
    plain = [s for s in steps if s.get("kind") in (None, "io")]
    for j, form in enumerate(forms):
        holder = plain[j % len(plain)] if plain else steps[0]
        if form not in holder.setdefault("records", []):
            holder["records"].append(form)

    # A declared role that never acts is a lint warning: keep only the roles the steps use.
    acting = {s["actor"] for s in steps}
    roles = [r for r in roles if r in acting]

    related = sorted({f"P.SIN {rng.randint(1, count)}" for _ in range(2)} - {number}) if count > 1 else []
    return {
        "number": number,
        "title": f"Prosedur Sintetis {index}",
        "title_en": f"Synthetic Procedure {index}",
        "revision": 0,
        "issued": issued,
        "effective": issued,
        "review_due": issued + dt.timedelta(days=365),  # not replace(year=...): 29 February
        "status": "effective",
        "owner": "pusat",
        "classification": "biasa",
        "approval": {
            "prepared": _person(rng, "Kepala Bidang Layanan", issued - dt.timedelta(days=10)),
            "reviewed": [_person(rng, "Manajer Representatif", issued - dt.timedelta(days=4))],
            "approved": _person(rng, "Kepala Pusat", issued),
        },
        "history": [{"revision": 0, "date": issued, "change": "Penerbitan awal", "by": "Kepala Bidang Layanan"}],
        "purpose": f"Menjamin layanan sintetis {index} berjalan tertib, terukur, dan terdokumentasi.",
        "scope": {
            "includes": ["Permohonan, pemrosesan, dan penutupan layanan"],
            "excludes": ["Pengadaan perangkat keras"],
        },
        "definitions": [{"term": "SLA", "meaning": "Perjanjian tingkat layanan antara penyedia dan pengguna"}],
        "references": [
            {"kind": "standard", "id": "SNI ISO/IEC 20000-1:2018", "title": "Sistem manajemen layanan"},
        ],
        "legal_basis": ["Peraturan Presiden Nomor 95 Tahun 2018 tentang Sistem Pemerintahan Berbasis Elektronik"],
        "clauses": sorted(rng.sample(_CLAUSES, 2)),
        "related": related,
        "parameters": params,
        "roles": [
            {
                "id": rid,
                "responsibilities": [f"Melaksanakan kegiatan sebagai {({**_ROLES, **_MORE_ROLES})[rid][0]}"],
                **({"authorities": ["Menyetujui atau menolak permohonan"]} if n == 0 else {}),
            }
            for n, rid in enumerate(roles)
        ],
        "resources": {"people": ["Pegawai yang memahami prosedur ini"], "equipment": ["Aplikasi layanan TI"]},
        "warnings": ["Permohonan yang tidak lengkap tidak diproses"],
        "inputs": ["Permohonan layanan"],
        "outputs": ["Layanan terpenuhi"],
        "controls": ["Pemantauan status tiket secara harian"],
        "provisions": ["Permohonan diselesaikan paling lambat {{batas_waktu}}."],
        "steps": steps,
        "measurements": [
            {
                "name": "Persentase permohonan selesai tepat waktu",
                "method": "Jumlah permohonan selesai tepat waktu dibagi jumlah permohonan",
                "target": "≥ {{target_layanan}}",
                "frequency": "Bulanan",
                "owner": roles[0],
            }
        ],
        "records": [
            {
                "id": form,
                "name": f"Formulir {j + 1} prosedur sintetis {index}",
                "form": True,
                "owner": roles[-1],
                "storage": "Folder bersama SMLTI",
                "retention": "3 tahun",
                "disposition": "Dimusnahkan",
            }
            for j, form in enumerate(forms)
        ],
    }


try:  # pragma: no cover - depends on how PyYAML was built
    from yaml import CSafeDumper as _BaseDumper
except ImportError:  # pragma: no cover
    from yaml import SafeDumper as _BaseDumper  # type: ignore[assignment]


class _Dumper(_BaseDumper):
    """Writes shared values out in full: the loader refuses anchors and aliases by design."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def _dump(data: dict[str, Any]) -> str:
    return yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=120)


def synthetic_library(root: Path, n: int, steps: tuple[int, int] = (10, 200), seed: int = 0) -> Path:
    """Write a library of `n` procedures under `root` (created if needed); returns `root`.

    Step counts are drawn uniformly from `steps` (inclusive). The same `seed` gives the same bytes.
    """
    rng = random.Random(seed)
    root = Path(root)
    folder = root / "prosedur"
    folder.mkdir(parents=True, exist_ok=True)
    (root / LIBRARY_FILE).write_text(_dump(_library_info()), encoding="utf-8")
    lo, hi = steps
    for index in range(1, n + 1):
        data = procedure_data(index, rng.randint(lo, hi), rng, count=n)
        (folder / f"p-sin-{index:04d}.yaml").write_text(_dump(data), encoding="utf-8")
    return root


def synthetic_procedure(k: int, seed: int = 0, lanes: int | None = None) -> Procedure:
    """One procedure with `k` steps, in memory (no file): input for layout benchmarks; `lanes` as
    for `procedure_data`."""
    return Procedure.model_validate(procedure_data(1, k, random.Random(seed), lanes=lanes))


HARD_URL = "https://layanan.contoh.go.id/permohonan/formulir-perubahan-konfigurasi/unduh?versi=2026.1"


def hard_text_procedure() -> Procedure:
    """A procedure made to break layouts: a 200-character title, a 400-character step, 60-character
    role names, a URL, `& < > "` in texts, long Indonesian words, 8 lanes (decisions and a loop).
    It loads and lints like any procedure; the legibility and routing tests draw it."""
    data = procedure_data(1, 16, random.Random(7), lanes=8)
    title = ("Pengelolaan dan Pertanggungjawaban Layanan Surat Elektronik Kedinasan Termasuk Pembuatan "
             "Akun, Perubahan Hak Akses & Pemulihan Kata Sandi untuk Pegawai <Pusat> dan \"Unit Kerja\" "
             "Mempertanggungjawabkan")
    data["title"] = (title + " Seluruhnya")[:200].rstrip()
    names = ("Kepala Pusat Data dan Informasi Kementerian Koordinator & Mi",  # 58 characters each
             "Administrator Sistem Surat Elektronik Kedinasan Tingkat Pu",
             "Petugas Layanan Pengguna (Service Desk) <Bidang Infrastru>")
    for n, role in enumerate(data["roles"]):
        role["name"] = f"{names[n % len(names)][:58]} {n + 1}"  # 60 characters
    steps = data["steps"]
    long_step = ("Mempertanggungjawabkan dan mengumumkannya kepada seluruh pengguna layanan: memberitahukan "
                 "perubahan konfigurasi & hak akses melalui surat elektronik kedinasan, memastikan \"kotak "
                 "surat\" < 50 GB > terarsip, mencatat nomor tiket, dan mengunggah berita acara ke " + HARD_URL)
    target = next(s for s in steps if s.get("kind") is None)
    target["do"] = (long_step + " sebagai bukti penyelesaian layanan yang dapat diperiksa kembali oleh auditor internal")[:400]
    other = next(s for s in steps if s.get("kind") is None and s is not target)
    other["do"] = f"Mengunggah formulir ke {HARD_URL}"
    other["notes"] = f"Formulir: {HARD_URL}"
    return Procedure.model_validate(data)
