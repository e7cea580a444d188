"""Limits on what the tool accepts, defined once: the search, the CLI, the web app and its API import them."""

#: Longest question accepted, in characters (a pasted paragraph fits; a pasted notice does not).
MAX_QUERY_CHARS = 2000
#: Most results one search may return through the web API.
MAX_K = 100
#: File types staff may upload in the web app.
UPLOAD_TYPES = (".txt", ".docx", ".xlsx", ".pdf", ".html", ".htm")
#: Largest upload, in bytes.
MAX_UPLOAD_BYTES = 20 * 1024 * 1024
