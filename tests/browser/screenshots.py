"""Screenshots of the main pages at 360 px and 1280 px (``make screenshots``).

Starts the embedded stack, makes applications in each state over the API, and writes
full-page PNGs to ``screenshots/`` (git-ignored). For people to look at, not a test
oracle.

    python -m tests.browser.screenshots [--out screenshots]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

from tests.browser.chromium import CHROMIUM, CHROMIUM_ARGS, DESKTOP, PHONE, SESSION_KEY
from tests.browser.scenario import build_scene
from tests.support.client import Api
from tests.support.stack import running_stack

ROOT = Path(__file__).resolve().parents[2]


def shots(scene_ids: dict[str, str]) -> list[tuple[str, str | None, str, str | None]]:
    """(file name, who, hash path, action) for each screenshot."""
    return [
        ("01-catalogo", None, "/", None),
        ("02-tramite", None, "/tramites/licencia-conducir", None),
        ("02b-tramite-efirma", None, "/tramites/licencia-construccion", None),
        ("03-entrar", None, "/entrar", None),
        ("04-registro", None, "/registro", None),
        ("05-solicitud", "citizen", "/tramites/licencia-conducir/solicitar", None),
        ("06-solicitud-errores", "citizen", "/tramites/licencia-conducir/solicitar", "submit"),
        ("07-documentos", "citizen", f"/solicitudes/{scene_ids['draft']}/documentos", None),
        ("07b-firma-solicitud", "citizen", f"/solicitudes/{scene_ids['permit']}/documentos", "sign"),
        ("08-seguimiento", "citizen", f"/solicitudes/{scene_ids['review']}", None),
        ("09-linea-de-captura", "citizen", f"/solicitudes/{scene_ids['payment']}/pago", None),
        ("10-expediente", "citizen", "/mi-expediente", None),
        ("11-licencia", "citizen", f"/documentos/{scene_ids['document']}", None),
        ("12-verificacion", None, f"/verify/{scene_ids['document']}", None),
        ("13-bandeja", "official", "/oficina", None),
        ("14-revision", "official", f"/oficina/solicitudes/{scene_ids['review']}", None),
        ("14b-firma-resolucion", "official", f"/oficina/solicitudes/{scene_ids['review']}", "sign-decision"),
        ("15-catalogo-en", None, "/", "english"),
        ("16-estadisticas", None, "/estadisticas", None),
        ("17-aviso-de-privacidad", None, "/privacidad", None),
        ("18-solicitud-arco", "citizen", "/mi-expediente/mis-datos/solicitar", None),
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(ROOT / "screenshots"))
    args = parser.parse_args(argv)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    if not Path(CHROMIUM).exists():
        print(f"Chromium is not installed at {CHROMIUM}: apt-get install -y chromium", file=sys.stderr)
        return 1
    started = time.monotonic()
    with running_stack() as url:
        scene = build_scene(Api(url))
        ids = {
            "draft": scene.draft.application_id,
            "review": scene.review.application_id,
            "payment": scene.payment.application_id,
            "document": scene.document_id,
            "permit": scene.permit.application_id,
        }
        tokens = {None: None, "citizen": scene.citizen.token, "official": scene.official.token}
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            for viewport in (PHONE, DESKTOP):
                for name, who, path, action in shots(ids):
                    context = browser.new_context(
                        viewport=viewport,
                        locale="es-MX",
                        timezone_id="America/Mexico_City",
                        base_url=url,
                        device_scale_factor=1,
                    )
                    if tokens[who]:
                        context.add_init_script(f"sessionStorage.setItem('{SESSION_KEY}', '{tokens[who]}');")
                    page = context.new_page()
                    page.goto(f"/#{path}")
                    page.wait_for_selector("body[data-ready='true'] main:not([aria-busy='true']) h1")
                    if action == "submit":
                        page.get_by_role("button", name="Guardar y continuar").click()
                        page.wait_for_selector(".error-summary:not([hidden])")
                    elif action == "sign":
                        page.get_by_role("button", name="Continuar para firmar").click()
                        page.wait_for_selector("section[data-signing=filing]:not([hidden])")
                    elif action == "sign-decision":
                        # the signing step only: the cadena original shown, nothing decided
                        page.get_by_label("Aprobar").check()
                        page.get_by_label("Motivo", exact=True).fill("Documentos y examen en regla.")
                        page.get_by_role("button", name="Continuar para firmar").click()
                        page.wait_for_selector("section[data-signing=decision]:not([hidden])")
                    elif action == "english":
                        page.get_by_role("button", name="English", exact=True).click()
                        page.wait_for_selector("html[lang='en']")
                    page.wait_for_load_state("networkidle")
                    target = out / f"{name}-{viewport['width']}.png"
                    page.screenshot(path=str(target), full_page=True)
                    context.close()
                    print(target.relative_to(ROOT) if target.is_relative_to(ROOT) else target)
            browser.close()
    print(f"{len(shots(ids)) * 2} screenshots in {out} ({time.monotonic() - started:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
