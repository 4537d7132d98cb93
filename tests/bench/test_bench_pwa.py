"""Issue 3, technician app: the shell a phone downloads on its first visit stays under 150 KB gzip."""

from __future__ import annotations

import gzip
import re
from collections import defaultdict
from pathlib import PurePosixPath

import pytest

pytestmark = pytest.mark.bench

SHELL_BUDGET = 150 * 1024
# What a web server's gzip typically uses (nginx and Apache default to 1 and 6; 6 is the fairer figure).
GZIP_LEVEL = 6


def test_app_shell_first_load_is_at_most_150_kb_gzip(client, auth, make):
    auth.login(make.user("technician").email)
    assert client.get("/app/").status_code == 200
    worker = client.get("/app/sw.js")
    assert worker.status_code == 200
    source = worker.get_data(as_text=True)
    block = re.search(r"const SHELL = \[(.*?)\];", source, re.S)
    assert block, "the served sw.js has no SHELL list"
    shell = re.findall(r'"([^"]+)"', block.group(1))
    assert "/app/index.html" in shell and "/app/js/main.js" in shell

    # The worker itself is downloaded on the first visit too; /app/ is index.html, counted once.
    bodies = {"/app/sw.js": worker.get_data()}
    for url in shell:
        response = client.get(url)
        assert response.status_code == 200, url
        bodies[url] = response.get_data()
        response.close()

    per_type: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    total_raw = total_gzip = 0
    print(f"\n  {'file':<60} {'raw B':>9} {'gzip B':>9}")
    for url, body in bodies.items():
        packed = len(gzip.compress(body, compresslevel=GZIP_LEVEL))
        print(f"  {url:<60} {len(body):>9,} {packed:>9,}")
        kind = per_type[PurePosixPath(url).suffix or "(none)"]
        kind[0] += 1
        kind[1] += len(body)
        kind[2] += packed
        total_raw += len(body)
        total_gzip += packed
    print(f"\n  {'type':<10} {'files':>6} {'raw B':>10} {'gzip B':>10}")
    for suffix, (count, raw, packed) in sorted(per_type.items(), key=lambda item: -item[1][2]):
        print(f"  {suffix:<10} {count:>6} {raw:>10,} {packed:>10,}")
    print(f"  {'total':<10} {len(bodies):>6} {total_raw:>10,} {total_gzip:>10,}")
    print(f"\n  app shell on first load: {total_raw / 1024:.1f} KB raw, {total_gzip / 1024:.1f} KB gzip "
          f"(level {GZIP_LEVEL}), {total_gzip / SHELL_BUDGET:.0%} of the 150 KB budget")
    assert total_gzip <= SHELL_BUDGET
