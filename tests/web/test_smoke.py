from __future__ import annotations

from typing import Any

from .conftest import PASSWORD, World


def test_master_list_shows_imported_procedures(client: Any, world: World) -> None:
    client.force_login(world.users["reader"])
    response = client.get("/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Daftar Induk Dokumen" in body
    assert "P.SMLTI 19" in body and "P.SMLTI 90" in body
    assert PASSWORD not in body
