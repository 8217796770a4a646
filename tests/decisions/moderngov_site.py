"""A ModernGov web service on this machine for tests: it answers with real recorded responses
(Manchester City Council's Audit Committee, in `data/`), which a test may change or remove."""

import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

DATA = Path(__file__).parent / "data"
NO_MEETINGS = b'<?xml version="1.0" encoding="utf-8"?><getmeetings><meetingscount> 0</meetingscount></getmeetings>'
# GetCouncillorsByWard in the shape ModernGov answers it, for the member the recordings name.
COUNCILLORS = b"""<?xml version="1.0" encoding="utf-8"?>
<councillorsbyward><wards><ward><wardtitle>Charlestown</wardtitle><councillors><councillor>
<councillorid>192</councillorid><fullusername>Councillor Basil Curley</fullusername>
<politicalpartytitle>Labour</politicalpartytitle></councillor></councillors></ward></wards></councillorsbyward>"""


class Site:
    """A ModernGov web service on this machine, answering from `responses` by operation and query."""

    def __init__(self):
        self.responses = {
            ("GetCommittees", ""): (DATA / "GetCommittees.xml").read_bytes(),
            ("GetMeetings", "lCommitteeId=144"): (DATA / "GetMeetings.xml").read_bytes(),
            ("GetMeetings", "lCommitteeId=163"): NO_MEETINGS,
            ("GetMeetings", "lCommitteeId=312"): NO_MEETINGS,
            ("GetMeeting", "lMeetingId=4966"): (DATA / "GetMeeting-4966-cancelled.xml").read_bytes(),
            ("GetMeeting", "lMeetingId=4967"): (DATA / "GetMeeting-4967-with-minutes.xml").read_bytes(),
            ("GetCouncillorsByWard", ""): COUNCILLORS,
        }
        self.requests = []
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 - the name http.server calls
                url = urllib.parse.urlsplit(self.path)
                operation = url.path.rsplit("/", 1)[-1]
                query = urllib.parse.parse_qs(url.query)
                site.requests.append((url.path, query))
                key = next((k for k in ("lCommitteeId", "lMeetingId") if k in query), None)
                body = site.responses.get((operation, f"{key}={query[key][0]}" if key else ""))
                if body is None:
                    self.send_error(404)
                    return
                self.send_response(200)
                self.send_header("Content-Type", "text/xml; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def replace(self, key, old, new):
        self.responses[key] = self.responses[key].replace(old, new)
