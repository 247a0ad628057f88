"""The bottom floor: the language every other package speaks. It imports nothing of ours.

- ``core.contracts``: the pydantic models passed between the agents, the request and the state.
- ``core.errors``: one exception root and a subclass per failure kind.
- ``core.settings``: one ``Settings`` read from ``AG2_SDLC_*`` variables.
- ``core.locations``: strict parsing of ``s3://``, ``gs://`` and ``az://`` locations.
- ``core.naming``: safe identifiers, singulars and plurals from free text.
"""
