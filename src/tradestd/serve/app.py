"""The ASGI application: ``create_app(settings)`` gives a FastAPI app with the API, the
web page and the guards (body limit, bounded concurrency, time limit).

Schema sets are compiled when the app is created, once, and shared by all requests.
Work runs in worker threads; the event loop only reads bodies and writes answers.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import Depends, FastAPI, Query, Request
from fastapi.responses import FileResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException

from .. import __version__
from .catalog import BadRequest, Catalog
from .errors import error_response, install_handlers
from .guard import BodyLimit, Gate, Runner
from .screening import ScreeningUnavailable, screen_job
from .service import (
    MEDIA_TYPES,
    Message,
    convert_job,
    jsonschema_job,
    render,
    safe_name,
    translate_job,
    validate_job,
)
from .settings import ServeSettings
from .workers import ProcessRunner, ThreadRunner

__all__ = ["SETTINGS_ENV", "app_from_environment", "create_app"]

#: Worker processes (``--workers N``) read the settings from this variable.
SETTINGS_ENV = "TRADESTD_SERVE_SETTINGS"
STATIC = Path(__file__).parent / "static"

_MESSAGE_BODY: dict[str, Any] = {"requestBody": {"required": True, "content": {
    "application/xml": {"schema": {"type": "string"}},
    "application/json": {"schema": {"type": "object"}},
    "multipart/form-data": {"schema": {"type": "object", "properties": {"file": {
        "type": "array", "items": {"type": "string", "format": "binary"}}}}},
}}}

SchemaParam = Annotated[str | None, Query(
    description="Bundled message type id (wco-declaration, wco-declaration@1.0) or the name "
                "of a configured schema set; leave out to detect the type of each message.")]
NameParam = Annotated[str | None, Query(
    description="Name to report a raw-body message under (multipart uploads use their "
                "file names).")]


def create_app(settings: ServeSettings | None = None, *, catalog: Catalog | None = None,
               warm: bool = True) -> FastAPI:
    """The server app. Raises ``SchemaError``/``ValueError`` for a bad configuration."""
    settings = settings or ServeSettings()
    catalog = catalog or Catalog(settings)
    runner: Runner
    if settings.isolate:  # the processes compile their own; this catalog only resolves names
        runner = ProcessRunner(settings, settings.max_active)
        runner.wait_ready()
    else:
        runner = ThreadRunner(catalog)
        if warm:
            catalog.warm()
    gate = Gate(settings.max_active, settings.max_queued, settings.timeout, runner)
    json_schemas: dict[str, dict[str, Any]] = {}

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        gate.shutdown()

    app = FastAPI(title="tradestd", version=__version__, lifespan=lifespan,
                  docs_url=None, redoc_url=None, dependencies=[Depends(known_parameters)],
                  description="Validate customs and cargo messages (WCO Data Model) and "
                              "convert them between XML and JSON. Errors are JSON: "
                              '{"error": {"status", "code", "message"}}.')
    app.state.gate = gate
    app.state.catalog = catalog
    install_handlers(app, settings.retry_after)
    app.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    async def messages_of(request: Request, name: str | None) -> list[Message]:
        if request.headers.get("content-type", "").startswith("multipart/form-data"):
            return await _form_messages(request, settings)
        body = await request.body()
        if not body:
            raise HTTPException(400, "the request body is empty: send one message (XML or "
                                     "JSON), or multipart/form-data with one file per message")
        return [Message(safe_name(name, "message"), body)]

    async def work(request: Request, name: str | None, job: Callable[..., Any],
                   *args: Any) -> tuple[list[Message], Any]:
        """Admit, read the messages, then ``job(catalog, *args, messages)``."""
        async with gate.slot() as slot:
            try:  # a slow upload must not hold its slot for ever
                messages = await asyncio.wait_for(messages_of(request, name), settings.timeout)
            except TimeoutError:
                raise HTTPException(408, "the request body did not arrive within the "
                                         f"server's time limit ({settings.timeout:g} s)") \
                    from None
            return messages, await slot.run(job, *args, messages)

    @app.get("/", include_in_schema=False)
    async def page() -> FileResponse:
        return FileResponse(STATIC / "index.html")

    @app.get("/docs", include_in_schema=False)
    async def docs() -> FileResponse:
        return FileResponse(STATIC / "docs.html")

    @app.get("/healthz", summary="Liveness and load")
    async def healthz() -> dict[str, Any]:
        return {"status": "ok", "version": __version__, "busy": gate.held,
                "capacity": gate.capacity}

    @app.get("/v1/schemas", summary="Message types, rule packs and configured schema sets")
    async def schemas() -> dict[str, Any]:
        return catalog.describe()

    @app.get("/v1/jsonschema/{schema}", summary="Derived JSON Schema (Draft 2020-12)")
    async def jsonschema(schema: str) -> JSONResponse:
        try:
            catalog.target(schema, optional=False)
        except BadRequest as exc:
            raise HTTPException(404, str(exc)) from None
        if schema not in json_schemas:
            async with gate.slot() as slot:
                json_schemas[schema] = await slot.run(jsonschema_job, schema)
        return JSONResponse(json_schemas[schema])

    @app.post("/v1/validate", openapi_extra=_MESSAGE_BODY,
              summary="Validate one message (raw body) or several (multipart)",
              responses={200: {"description": "The JSON report v1 (also for invalid or "
                                              "hostile messages), or SARIF/HTML/JUnit/text"}})
    async def validate(request: Request, schema: SchemaParam = None,
                       rules: Annotated[str | None, Query(
                           description="Extra bundled rule packs, comma-separated "
                                       "(wco, declaration, cargo, response, precursor)")] = None,
                       format: Annotated[Literal["json", "sarif", "html", "junit", "text"],
                                         Query(description="Report format")] = "json",
                       fail_on: Literal["error", "warning"] = "error",
                       max_issues: Annotated[int | None, Query(ge=1)] = None,
                       name: NameParam = None) -> Response:
        catalog.target(schema)  # unknown names: 400 before the body is read
        packs = tuple(p.strip() for p in (rules or "").split(",") if p.strip())
        catalog.runner(packs)
        _, text = await work(request, name, validate_job, schema, packs, format, fail_on,
                             max_issues)
        return Response(text, media_type=MEDIA_TYPES[format])

    @app.post("/v1/convert", openapi_extra=_MESSAGE_BODY,
              summary="Validate and convert one message between XML and JSON",
              responses={200: {"description": "The converted message"},
                         422: {"description": "Not converted: the JSON report v1 says why "
                                              "(a parameter error has an 'error' member)"}})
    async def convert(request: Request, schema: SchemaParam = None,
                      to: Annotated[Literal["json", "xml"] | None, Query(
                          description="Target form; default: the other form")] = None,
                      name: NameParam = None) -> Response:
        catalog.target(schema)
        messages, outcome = await work(request, name, convert_job, schema, to)
        if outcome.output is None:
            return Response(render([outcome.report], messages, "json"), status_code=422,
                            media_type=MEDIA_TYPES["json"])
        media = "application/json" if outcome.job.to == "json" else "application/xml"
        return Response(outcome.output, media_type=media, headers={
            "X-Tradestd-Issues": str(len(outcome.report.issues)),
            "X-Tradestd-Message-Type": outcome.report.message_type or ""})

    @app.post("/v1/screen", openapi_extra=_MESSAGE_BODY,
              summary="Screen messages for explosive-precursor shipments",
              responses={501: {"description": "Screening is not available in this build"}})
    async def screen(request: Request, schema: SchemaParam = None,
                     name: NameParam = None) -> Response:
        catalog.target(schema)
        try:
            _, result = await work(request, name, screen_job, schema)
        except ScreeningUnavailable as exc:
            return error_response(501, str(exc))
        return JSONResponse(result)

    @app.post("/v1/translate", openapi_extra=_MESSAGE_BODY,
              summary="Carry messages to another schema set by WCO ID (docs/translate.md)",
              responses={200: {"description": "The result (format=xml) or the translate "
                                              "report (json, sarif, html, text)"},
                         422: {"description": "No valid result: the JSON report says why"}})
    async def translate(request: Request,
                        to: Annotated[str, Query(description="Target: a bundled message "
                                                 "type id or a configured schema set")],
                        source: Annotated[str | None, Query(
                            alias="from", description="Source: a bundled message type id or "
                            "a configured schema set; leave out to detect")] = None,
                        format: Annotated[Literal["xml", "json", "sarif", "html", "text"],
                                          Query(description="The result, or a report")] = "xml",
                        name: NameParam = None) -> Response:
        catalog.target(to)
        catalog.target(source)
        _, (status, media, body) = await work(request, name, translate_job, source, to,
                                              format)
        return Response(body, status_code=status, media_type=media)

    return app


async def known_parameters(request: Request) -> None:
    """An API request with a query parameter its endpoint does not take is a 400 that names
    it and the ones it takes: a misspelt ``?rulez=wco`` must not quietly do nothing."""
    if not request.url.path.startswith("/v1/"):
        return  # the web page and /healthz take what browsers and probes add
    dependant = getattr(request.scope.get("route"), "dependant", None)
    known = sorted(p.alias for p in getattr(dependant, "query_params", ()))
    unknown = sorted(set(request.query_params) - set(known))
    if unknown:
        plural = "s" if len(unknown) > 1 else ""
        takes = (f"{request.url.path} takes {', '.join(known)}" if known
                 else f"{request.url.path} takes no query parameter")
        raise BadRequest(f"unknown query parameter{plural} {', '.join(unknown)}: {takes}")


async def _form_messages(request: Request, settings: ServeSettings) -> list[Message]:
    form = await request.form(max_files=settings.max_files, max_fields=settings.max_files,
                              max_part_size=settings.max_body_bytes)
    messages = []
    try:
        for index, (key, value) in enumerate(form.multi_items(), start=1):
            if isinstance(value, UploadFile):
                messages.append(Message(safe_name(value.filename, f"message-{index}"),
                                        await value.read()))
            else:
                messages.append(Message(safe_name(key, f"message-{index}"),
                                        value.encode("utf-8")))
    finally:
        await form.close()
    if not messages:
        raise HTTPException(400, "the multipart body holds no message")
    return messages


def app_from_environment() -> FastAPI:
    """The app of one ``--workers N`` process (settings in :data:`SETTINGS_ENV`)."""
    text = os.environ.get(SETTINGS_ENV)
    return create_app(ServeSettings.from_env(text) if text else None)

