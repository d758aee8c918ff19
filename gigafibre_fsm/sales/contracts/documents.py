"""The accepted document is the exact bytes the customer saw: its SHA-256 proves it.

The PDF is hashed when it is made and stored, hashed again when the customer accepts (the bytes
read back from storage, not a new rendering), and hashed again whenever it is shown or
downloaded afterwards. Any difference refuses: a document that changed is not the one accepted.
"""

import hashlib
import hmac

from gigafibre_fsm.errors import GigafibreError, InvalidInput, _

PDF_MAGIC = b"%PDF-"


class DocumentAltered(GigafibreError):
	"""The stored document's bytes no longer hash to what was recorded."""


def sha256_hex(content: bytes) -> str:
	"""Hex SHA-256 of `content` (bytes only: a str would be hashed in some encoding, not as stored)."""
	if not isinstance(content, bytes | bytearray | memoryview):
		raise InvalidInput(_("A document is hashed as bytes, got {kind}"), kind=type(content).__name__)
	return hashlib.sha256(bytes(content)).hexdigest()


def require_pdf(content: bytes) -> None:
	"""Refuse anything that is not a PDF document (empty, or without the PDF header)."""
	if not isinstance(content, bytes | bytearray | memoryview) or not bytes(content).startswith(PDF_MAGIC):
		raise InvalidInput(_("The contract document is missing or is not a PDF"))


def same_document(content: bytes, recorded_sha256: str | None) -> bytes:
	"""`content` itself if it hashes to `recorded_sha256`; else DocumentAltered. Use it on the way
	out (showing or downloading an accepted contract) and on the way in (accepting)."""
	if not recorded_sha256:
		raise DocumentAltered(_("No fingerprint was recorded for this contract document"))
	if not hmac.compare_digest(sha256_hex(content), recorded_sha256.lower()):
		raise DocumentAltered(
			_("The stored contract document no longer matches its fingerprint {sha256}"),
			sha256=recorded_sha256,
		)
	return bytes(content)
