"""Start the studio: database migrations, the first beheerder from the environment when
asked, then the WSGI server (waitress). Prints its address on the first line.

    python -m studio.serve --port 8090 [--host 127.0.0.1]
"""
from __future__ import annotations

import argparse
import os
import sys


def main(argv: list | None = None) -> int:
    parser = argparse.ArgumentParser(description="Start de redactiestudio.")
    parser.add_argument("--host", default=os.environ.get("STUDIO_HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("STUDIO_PORT", "8090")))
    parser.add_argument("--threads", type=int, default=8)
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "studio.settings")
    from studio.settings import STATIC_ROOT
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
    import django
    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    if os.environ.get("STUDIO_BEHEERDER") and os.environ.get("STUDIO_BEHEERDER_WACHTWOORD"):
        from studio.management.commands.maak_beheerder import create_beheerder
        create_beheerder(os.environ["STUDIO_BEHEERDER"], os.environ["STUDIO_BEHEERDER_WACHTWOORD"])
    from studio.training import recover_interrupted
    recover_interrupted()

    from waitress import create_server

    from studio.wsgi import application
    server = create_server(application, host=args.host, port=args.port, threads=args.threads, ident="studio")
    print(f"Redactiestudio: http://{'localhost' if args.host in ('127.0.0.1', '0.0.0.0') else args.host}:"
          f"{server.effective_port}/", flush=True)
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
