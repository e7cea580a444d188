"""Harnesses: what the system does under load, at scale, when killed or damaged — not how well it answers.

``python -m eval.harness.crash`` (writers killed mid-write), ``corrupt`` (every file damaged),
``scale`` and ``bench`` (growth curves and build/query figures), ``ann`` (which FAISS index holds a
million chunks), ``milvus_size``, ``coldload``, ``backends`` (the encoders side by side) and
``staff`` (how long staff wait). The quality metrics are in :mod:`eval` itself.
"""
