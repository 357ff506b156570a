"""Real nginx (with njs) and Apache httpd on 127.0.0.1, serving a static site the way the
README's "Publishing on your own web server" tells a city to: nginx includes the site's three
files at their levels; Apache has `DocumentRoot …/public` with `AllowOverride All`.

Both are Debian's packages, which `make test` installs (the README says why). Where they are
missing, `missing_reason` says so and the tests that need them skip.
"""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tests.servers import free_port, stop

NGINX = "/usr/sbin/nginx"
NJS_MODULE = Path("/usr/lib/nginx/modules/ngx_http_js_module.so")
APACHE = "/usr/sbin/apache2"
APACHE_MODULES = Path("/usr/lib/apache2/modules")
APACHE_USER = "www-data"  # Debian's; Apache will not run its workers as root


def nginx_missing() -> str | None:
    """Why nginx cannot be started here, or None."""
    if not Path(NGINX).exists():
        return "Debian's nginx is not installed (make test installs it with apt; it needs root or sudo)"
    if not NJS_MODULE.exists():
        return "Debian's libnginx-mod-http-js (njs) is not installed (make test installs it with apt)"
    return None


def apache_missing() -> str | None:
    """Why Apache httpd cannot be started here, or None."""
    if not Path(APACHE).exists():
        return "Debian's apache2 is not installed (make test installs it with apt; it needs root or sudo)"
    try:
        pwd.getpwnam(APACHE_USER)
    except KeyError:
        return f"there is no {APACHE_USER} user for Apache's workers"
    return None


@dataclass
class WebServer:
    name: str
    url: str
    process: subprocess.Popen[bytes]
    error_log: Path


def readable_folder(prefix: str) -> Path:
    """A fresh folder under the system's temporary folder that a web server's worker user may read."""
    import tempfile

    folder = Path(tempfile.mkdtemp(prefix=prefix))
    folder.chmod(0o755)
    return folder


@contextmanager
def nginx_server(site: Path, workdir: Path, *, njs: bool = True, root: Path | None = None) -> Iterator[WebServer]:
    """nginx on a free port serving `site/public`, with the site's main, http and server files
    (without njs: the site's http-without-njs.conf in place of http.conf)."""
    port = free_port()
    load = f"load_module {NJS_MODULE};\n" if njs else ""
    http = "http.conf" if njs else "http-without-njs.conf"
    user = "user root;\n" if os.geteuid() == 0 else ""  # the test site lies in a folder only root may read
    for name in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (workdir / name).mkdir(exist_ok=True)
    config = workdir / "nginx.conf"
    config.write_text(
        f"""{user}{load}include {site}/nginx/main.conf;
pid {workdir}/nginx.pid;
error_log {workdir}/error.log;
worker_processes 1;
events {{ worker_connections 512; }}
http {{
  access_log off;
  client_body_temp_path {workdir}/body;
  proxy_temp_path {workdir}/proxy;
  fastcgi_temp_path {workdir}/fastcgi;
  uwsgi_temp_path {workdir}/uwsgi;
  scgi_temp_path {workdir}/scgi;
  include {site}/nginx/{http};
  server {{
    listen 127.0.0.1:{port};
    root {root or site / "public"};
    include {site}/nginx/server.conf;
  }}
}}
""",
        encoding="utf-8",
    )
    command = [NGINX, "-c", str(config), "-p", str(workdir), "-g", "daemon off;"]
    with _running("nginx", command, f"http://127.0.0.1:{port}/", workdir / "error.log") as server:
        yield server


@contextmanager
def apache_server(document_root: Path, workdir: Path) -> Iterator[WebServer]:
    """Apache httpd on a free port: `document_root` with AllowOverride All, as the README shows."""
    port = free_port()
    modules = ["mpm_event", "authz_core", "mime", "rewrite", "headers", "negotiation", "setenvif", "dir"]
    loads = "\n".join(f"LoadModule {name}_module {APACHE_MODULES}/mod_{name}.so" for name in modules)
    config = workdir / "apache.conf"
    config.write_text(
        f"""ServerRoot {workdir}
{loads}
User {APACHE_USER}
Group {APACHE_USER}
Listen 127.0.0.1:{port}
ServerName 127.0.0.1
PidFile {workdir}/apache.pid
ErrorLog {workdir}/error.log
LogLevel warn
TypesConfig /etc/mime.types
DocumentRoot {document_root}
<Directory />
  AllowOverride None
  Require all denied
</Directory>
<Directory {document_root}>
  AllowOverride All
  Require all granted
</Directory>
""",
        encoding="utf-8",
    )
    command = [APACHE, "-f", str(config), "-DFOREGROUND"]
    env = {**os.environ, "APACHE_RUN_DIR": str(workdir), "APACHE_LOCK_DIR": str(workdir)}
    with _running("apache", command, f"http://127.0.0.1:{port}/", workdir / "error.log", env=env) as server:
        yield server


@contextmanager
def _running(
    name: str, command: list[str], url: str, error_log: Path, env: dict[str, str] | None = None
) -> Iterator[WebServer]:
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    server = WebServer(name, url, process, error_log)
    try:
        deadline = time.monotonic() + 20
        while True:
            if process.poll() is not None:
                log = error_log.read_text(errors="replace") if error_log.exists() else ""
                stderr = process.stderr.read().decode(errors="replace") if process.stderr else ""
                raise RuntimeError(f"{name} exited: {stderr} {log}")
            try:
                urllib.request.urlopen(url, timeout=2).close()
                break
            except urllib.error.HTTPError:
                break  # it answers
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"{name} did not start within 20 s") from None
                time.sleep(0.1)
        yield server
    finally:
        stop(process, grace=10)


def remove(folder: Path) -> None:
    shutil.rmtree(folder, ignore_errors=True)
