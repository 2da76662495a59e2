// The HTTP API: see docs/API.md (being written for issue 5).
