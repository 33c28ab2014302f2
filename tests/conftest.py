"""Shared pytest fixtures for the malang-kg test suite."""

from __future__ import annotations
