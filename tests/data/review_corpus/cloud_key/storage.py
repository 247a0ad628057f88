"""Uploads to a bucket with credentials written into the code."""

AWS_ACCESS_KEY_ID = "AKIAZQ3DRSTUVWXY7ABC"
AWS_SECRET_ACCESS_KEY = "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"


def credentials() -> dict[str, str]:
    return {"key_id": AWS_ACCESS_KEY_ID, "secret": AWS_SECRET_ACCESS_KEY}
