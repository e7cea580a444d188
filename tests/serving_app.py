"""A small app served by :func:`web.entrance.serving.serve`, for the tests of slow clients and of stopping.

    python -m tests.serving_app PORT MARKER HEADER_SECONDS BODY_IDLE_SECONDS

``GET /ok`` answers at once, ``POST /echo`` answers the body's length, ``GET /stuck`` never
answers (its thread sleeps, as a read of ``/dev/zero`` would spin); the cleanup writes MARKER.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from fastapi import FastAPI, Request

from web.entrance import serving


def main(argv: list[str]) -> None:
    """Serve the app on loopback until SIGTERM."""
    port, marker = int(argv[0]), Path(argv[1])
    serving.HEADER_SECONDS, serving.BODY_IDLE_SECONDS = float(argv[2]), float(argv[3])
    app = FastAPI()

    @app.get("/ok")
    def ok() -> dict[str, bool]:
        return {"ok": True}

    @app.post("/echo")
    async def echo(request: Request) -> dict[str, int]:
        return {"length": len(await request.body())}

    @app.get("/stuck")
    def stuck() -> dict[str, bool]:
        time.sleep(3600)  # a thread that cannot be interrupted
        return {"ok": False}

    serving.serve(app, "127.0.0.1", port, on_stop=lambda: marker.write_text("cleaned", encoding="utf-8"))


if __name__ == "__main__":
    main(sys.argv[1:])
