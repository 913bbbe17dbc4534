"""Local HTTP servers speaking the Hugging Face Hub and GitHub REST wire formats.

They run on 127.0.0.1 in a thread, count every request, paginate with Link headers and
can be told to fail (5xx bursts, 429/403 with reset headers, truncated JSON).
"""

from __future__ import annotations

import json
import threading
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse


class FakeServer:
    def __init__(self):
        self.requests: Counter[str] = Counter()
        self.failures: dict[str, list[tuple[int, dict, bytes]]] = {}
        self.on_request = None  # called with the running request count, before answering
        self.lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # keep test output quiet
                pass

            def do_GET(self):
                self.answer(lambda: server.route(self))

            def do_POST(self):
                length = int(self.headers.get("Content-Length", 0))
                payload = json.loads(self.rfile.read(length) or b"null")
                self.answer(lambda: server.route_post(self, payload))

            def answer(self, route):
                with server.lock:
                    server.requests[self.path] += 1
                    if server.on_request:
                        server.on_request(server.total)
                    queue = server.failures.get(urlparse(self.path).path)
                    failure = queue.pop(0) if queue else None
                status, headers, body = failure or route()
                self.send_response(status)
                for k, v in {"Content-Type": "application/json", **headers}.items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        # a short poll: close() waits up to one poll for the serving thread to stop
        serve = threading.Thread(target=self.httpd.serve_forever, args=(0.01,), daemon=True)
        serve.start()

    def fail(self, path: str, *answers: tuple[int, dict, bytes]) -> None:
        """The next requests of ``path`` get these answers, then the real one."""
        self.failures.setdefault(path, []).extend(answers)

    @property
    def total(self) -> int:
        return sum(self.requests.values())

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def page(self, handler, items: list, size: int) -> tuple[int, dict, bytes]:
        url = urlparse(handler.path)
        query = parse_qs(url.query)
        page = int(query.get("page", ["1"])[0])
        chunk = items[(page - 1) * size : page * size]
        headers = {}
        if page * size < len(items):
            query["page"] = [str(page + 1)]
            rest = "&".join(f"{k}={v[0]}" for k, v in query.items())
            headers["Link"] = f'<{self.url}{url.path}?{rest}>; rel="next"'
        return 200, headers, json.dumps(chunk).encode()

    def route(self, handler) -> tuple[int, dict, bytes]:
        return 404, {}, b'{"message": "Not Found"}'

    def route_post(self, handler, payload) -> tuple[int, dict, bytes]:
        return 404, {}, b'{"message": "Not Found"}'


class FakeLLM(FakeServer):
    """Gemini's ``:generateContent`` and OpenAI's ``/chat/completions``.

    ``policy(items)`` gives the answer text (and optionally a finish reason) for the
    commits of a request: ``[{"id", "text"}]`` as the detailed prompt sends them, or
    ``[{"commit"}]`` (the messages) as the study's prompt does; ``self.asked`` records
    the ids (or messages) of every request.
    """

    def __init__(self, policy):
        self.policy = policy
        self.asked: list[list[str]] = []
        super().__init__()

    def _answer(self, text_in: str):
        items = [{"commit": it} if isinstance(it, str) else it for it in json.loads(text_in)]
        self.asked.append([it.get("id", it.get("commit")) for it in items])
        out = self.policy(items)
        return out if isinstance(out, tuple) else (out, None)

    def route_post(self, handler, payload):
        path = urlparse(handler.path).path
        if path.endswith(":generateContent"):
            text, reason = self._answer(payload["contents"][0]["parts"][0]["text"])
            body = {
                "candidates": [
                    {
                        "content": {"role": "model", "parts": [{"text": text}]},
                        "finishReason": reason or "STOP",
                    }
                ],
                "usageMetadata": {
                    "promptTokenCount": 100,
                    "candidatesTokenCount": 20,
                    "totalTokenCount": 120,
                },
            }
            return 200, {}, json.dumps(body).encode()
        if path.endswith("/chat/completions"):
            text, reason = self._answer(payload["messages"][-1]["content"])
            body = {
                "id": "x",
                "object": "chat.completion",
                "created": 0,
                "model": payload["model"],
                "choices": [
                    {
                        "index": 0,
                        "finish_reason": reason or "stop",
                        "message": {"role": "assistant", "content": text},
                    }
                ],
                "usage": {"prompt_tokens": 100, "completion_tokens": 20, "total_tokens": 120},
            }
            return 200, {}, json.dumps(body).encode()
        return 404, {}, b'{"error": "not found"}'


NOT_FOUND_HF = (
    404,
    {"X-Error-Code": "RepoNotFound", "X-Error-Message": "Repository not found"},
    b'{"error": "Repository not found"}',
)


class FakeHub(FakeServer):
    """``/api/models``, ``/{id}/raw/main/README.md``, ``/api/models/{id}/commits/main``."""

    def __init__(
        self,
        models: list[dict],
        cards: dict[str, str],
        commits: dict[str, list[dict]],
        page_size: int = 2,
        profiles: dict[str, dict] | None = None,
        presorted: bool = False,
    ):
        """``presorted``: list ``models`` in the given order (as the Hub's own ranking would,
        even where an entry's downloads field is malformed) instead of sorting them."""
        self.models, self.cards, self.commits, self.page_size = models, cards, commits, page_size
        self.presorted = presorted
        self.profiles = profiles or {}
        self.list_page_size = page_size
        super().__init__()

    def route(self, handler):
        path = urlparse(handler.path).path
        if path == "/api/models":
            ordered = (
                self.models
                if self.presorted
                else sorted(self.models, key=lambda m: -m["downloads"])
            )
            return self.page(handler, ordered, self.list_page_size)
        if path.endswith("/raw/main/README.md"):
            model_id = path.removeprefix("/").removesuffix("/raw/main/README.md")
            if model_id not in self.cards:
                return 404, {}, b"Entry not found"
            return 200, {"Content-Type": "text/plain"}, self.cards[model_id].encode()
        if path.startswith("/api/users/") and path.endswith("/overview"):
            user = path.removeprefix("/api/users/").removesuffix("/overview")
            if user not in self.profiles:
                return 404, {}, b'{"error": "User not found"}'
            return 200, {}, json.dumps({"user": user, **self.profiles[user]}).encode()
        if path.startswith("/api/models/") and path.endswith("/commits/main"):
            model_id = path.removeprefix("/api/models/").removesuffix("/commits/main")
            if model_id not in self.commits:
                return NOT_FOUND_HF
            return self.page(handler, self.commits[model_id], self.page_size)
        return NOT_FOUND_HF


class FakeGitHub(FakeServer):
    """``/repos/{owner}/{repo}/commits`` with per_page/page pagination, and one commit at
    ``/repos/{owner}/{repo}/commits/{sha}`` (422 for a sha the repository does not have,
    as GitHub answers)."""

    def __init__(self, repos: dict[str, list[dict] | int]):
        self.repos = repos  # a list of commit objects, or an HTTP status (404, 409)
        super().__init__()

    def route(self, handler):
        path = urlparse(handler.path).path
        parts = path.strip("/").split("/")
        if len(parts) == 4 and parts[0] == "repos" and parts[3] == "commits":
            repo = self.repos.get(f"{parts[1]}/{parts[2]}", 404)
            if repo == 404:
                return 404, {}, b'{"message": "Not Found"}'
            if repo == 409:
                return 409, {}, b'{"message": "Git Repository is empty."}'
            size = int(parse_qs(urlparse(handler.path).query).get("per_page", ["30"])[0])
            return self.page(handler, repo, size)
        if len(parts) == 5 and parts[0] == "repos" and parts[3] == "commits":
            repo = self.repos.get(f"{parts[1]}/{parts[2]}", 404)
            if not isinstance(repo, list):
                return 404, {}, b'{"message": "Not Found"}'
            for commit in repo:
                if commit["sha"] == parts[4]:
                    return 200, {}, json.dumps({**commit, "files": [], "stats": {}}).encode()
            message = f"No commit found for SHA: {parts[4]}"
            return 422, {}, json.dumps({"message": message}).encode()
        return 404, {}, b'{"message": "Not Found"}'


def hub_model(
    model_id: str,
    downloads: int,
    likes: int = 0,
    pipeline_tag: str = "text-generation",
    library: str = "transformers",
    created: str = "2024-01-01",
    modified: str = "2024-02-01",
) -> dict:
    """A model as the Hub's model listing returns it (the author is the owner)."""
    return {
        "id": model_id,
        "author": model_id.split("/")[0],
        "downloads": downloads,
        "likes": likes,
        "pipeline_tag": pipeline_tag,
        "library_name": library,
        "createdAt": f"{created}T00:00:00.000Z",
        "lastModified": f"{modified}T00:00:00.000Z",
    }


def hf_commit(i: int, user: str = "alice", day: int = 1) -> dict:
    return {
        "id": f"{i:040x}",
        "title": f"Update {i}",
        "message": f"message {i}",
        "date": f"2024-01-{day:02d}T10:00:00.000Z",
        "authors": [{"user": user}],
    }


def gh_commit(
    i: int, login: str | None = "alice", day: int = 1, parents: int = 1, sha: str | None = None
) -> dict:
    """A commit as GitHub's REST API lists it; ``login`` None: GitHub links no account."""
    sha = sha or f"{i:040x}"
    return {
        "sha": sha,
        "url": "",
        "html_url": "",
        "node_id": "",
        "commit": {
            "message": f"commit {i}",
            "author": {
                "name": "Alice A",
                "email": "a@x.org",
                "date": f"2024-02-{day:02d}T09:00:00Z",
            },
            "committer": {
                "name": "Alice A",
                "email": "a@x.org",
                "date": f"2024-02-{day:02d}T09:00:00Z",
            },
        },
        "author": {"login": login, "id": 1} if login else None,
        "parents": [{"sha": f"{i + 1000 + p:040x}"} for p in range(parents)],
    }


def crawl_config(hub: FakeHub, github: FakeGitHub) -> dict:
    """The ``crawl:`` config section that crawls these servers with the API backend."""
    return {
        "hf_endpoint": hub.url,
        "github_api_url": github.url,
        "github_backend": "api",
        "github_clone_url": "",
        "hf_backend": "api",
        "min_downloads": 1,
        "nlp_pipeline_tags": ["text-generation"],
        "max_models": None,
        "models": [],
        "manual_links": None,
    }


class FakeFileHost(FakeServer):
    """Raw files under ``/<repo>/<commit>/dataset/<name>``, as GitHub's raw host serves a
    repository folder at a commit (``text/plain``; 404 for anything else)."""

    def __init__(self, files: dict[str, bytes], prefix: str):
        self.files = files
        self.prefix = prefix.rstrip("/")
        super().__init__()

    @property
    def base_url(self) -> str:
        return f"{self.url}{self.prefix}"

    def route(self, handler) -> tuple[int, dict, bytes]:
        path = urlparse(handler.path).path
        name = path.removeprefix(f"{self.prefix}/")
        if path.startswith(f"{self.prefix}/") and name in self.files:
            return 200, {"Content-Type": "text/plain; charset=utf-8"}, self.files[name]
        return 404, {"Content-Type": "text/plain"}, b"404: Not Found"
